package dev.taproot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command of the taproot command line against the running service: output and exit code. */
@QuarkusTest
class CliTest {
  private static final Pattern RUN_ID = Pattern.compile("run (\\S+) ");

  @TempDir Path dir;
  private String failIf;
  private String echo;

  @BeforeEach
  void functions() {
    failIf = Api.register("fail-if", Api.testModule("fail-if"));
    echo = Api.register("echo", Api.testModule("echo"));
  }

  @Test
  void functionsPushListAndShow() throws IOException {
    String name = Api.unique("pushed");
    Path module = write("inc.wasm", Api.testModule("inc"));

    Cli.Result pushed = Cli.run("functions", "push", name, module.toString());
    assertEquals(0, pushed.exit(), pushed.toString());
    assertTrue(pushed.out().startsWith(name + "@1  sha256:"), pushed.toString());

    Cli.Result again = Cli.run("--output", "json", "functions", "push", name, module.toString());
    assertEquals(0, again.exit(), again.toString());
    assertEquals(1, again.json().path("version").asInt(), "an identical module keeps its version");
    String digest = again.json().path("digest").asText();

    Cli.Result list = Cli.run("functions", "list");
    assertEquals(0, list.exit(), list.toString());
    assertTrue(list.out().startsWith("NAME"), list.toString());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains(digest)));

    Cli.Result show = Cli.run("functions", "show", name, "-o", "json");
    assertEquals(0, show.exit(), show.toString());
    assertEquals(digest, show.json().path("versions").get(0).path("digest").asText());
    assertTrue(Cli.run("functions", "show", name).out().contains(digest));

    Cli.Result unknown = Cli.run("functions", "show", Api.unique("nothing"));
    assertEquals(1, unknown.exit(), unknown.toString());
    assertTrue(unknown.err().startsWith("taproot: the server answered 404: "), unknown.err());

    Cli.Result missing = Cli.run("functions", "push", name, dir.resolve("nope.wasm").toString());
    assertEquals(2, missing.exit(), missing.toString());
    assertTrue(missing.err().contains("cannot read module " + dir.resolve("nope.wasm")));

    Cli.Result badAbi = Cli.run("functions", "push", name, module.toString(), "--abi", "jvm");
    assertEquals(2, badAbi.exit(), "a 400 is a wrong argument: " + badAbi);
  }

  @Test
  void workflowsSubmitListAndShow() throws IOException {
    String wf = Api.unique("submitted");
    Path file = write("wf.yaml", pipeline(wf));

    Cli.Result submitted = Cli.run("workflows", "submit", file.toString());
    assertEquals(0, submitted.exit(), submitted.toString());
    assertEquals(wf + " version 1 submitted\n", submitted.out());

    Cli.Result json = Cli.run("workflows", "submit", file.toString(), "--output=json");
    assertEquals(2, json.json().path("version").asInt());

    Cli.Result list = Cli.run("workflows", "list");
    assertTrue(list.out().lines().anyMatch(l -> l.matches(wf + " +2 +two checks")), list.out());

    Cli.Result show = Cli.run("workflows", "show", wf, "1");
    assertEquals(0, show.exit(), show.toString());
    assertTrue(show.out().contains("ref: " + failIf), "refs come back pinned: " + show.out());
    assertTrue(show.out().startsWith("name: " + wf), show.out());
    Cli.Result showJson = Cli.run("-o", "json", "workflows", "show", wf);
    assertEquals(2, showJson.json().path("version").asInt(), "show defaults to the latest");

    Cli.Result fromStdin = Cli.withStdin(pipeline(wf), "workflows", "submit", "-");
    assertEquals(0, fromStdin.exit(), fromStdin.toString());
  }

  @Test
  void anInvalidWorkflowPrintsEveryErrorAsFileLineColumnAndExits1() throws IOException {
    Path file =
        write(
            "broken.yaml",
            """
            name: broken
            functions: { f: { ref: %s } }
            steps:
              a:
                function: f
                forEch: ${{ input.items }}
                timeout: soon
            """
                .formatted(failIf));

    Cli.Result r = Cli.run("workflows", "submit", file.toString());

    assertEquals(1, r.exit(), r.toString());
    assertEquals("", r.out());
    String[] lines = r.err().split("\n");
    assertTrue(lines[0].startsWith(file + ":6:5: steps.a.forEch: unknown field 'forEch'"), r.err());
    assertTrue(lines[1].startsWith(file + ":7:14: steps.a.timeout: bad duration 'soon'"), r.err());
    assertEquals("taproot: 2 error(s) in " + file + ", nothing stored", lines[2]);
    Cli.Result json = Cli.run("workflows", "submit", file.toString(), "-o", "json");
    assertEquals(1, json.exit());
    assertEquals(6, json.json().path("errors").get(0).path("line").asInt());
  }

  @Test
  void runWaitsAndExits0WhenTheRunSucceeds() throws IOException {
    String wf = submit(pipeline(Api.unique("ok")));
    Path input = write("input.json", Api.numberedItems(3, Set.of()).getBytes());

    Cli.Result r = Cli.run("run", wf, "--input", input.toString());

    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().matches("(?s)run \\S+  " + wf + " v1  succeeded in .*"), r.out());
    assertTrue(r.out().contains("  parse 3 succeeded"), r.out());
    assertTrue(r.out().contains("  check 3 succeeded"), r.out());
    assertTrue(r.err().contains(" started (trace "), r.err());
    assertTrue(r.err().contains("check 3/3"), "progress lines on stderr: " + r.err());
    assertFalse(r.err().contains("\u001b["), "no terminal, no escape codes: " + r.err());
  }

  @Test
  void runTakesNdjsonRecordsAndStdin() throws IOException {
    String wf = submit(pipeline(Api.unique("records"), "${{ input.records }}"));
    Path records = write("records.ndjson", "{\"n\": 1}\n{\"n\": 2}\n".getBytes());
    Cli.Result ndjson = Cli.run("run", wf, "--ndjson", records.toString(), "-o", "json");
    assertEquals(0, ndjson.exit(), ndjson.toString());
    assertEquals(2, ndjson.json().path("records").asInt());
    assertEquals("", ndjson.err(), "--output json shows no progress");

    Cli.Result stdin = Cli.withStdin("{\"n\": 7}\n", "run", wf, "--ndjson", "-", "-o", "json");
    assertEquals("succeeded", stdin.json().path("status").asText(), stdin.toString());

    String plain = submit(pipeline(Api.unique("stdin")));
    Cli.Result json = Cli.withStdin(Api.numberedItems(1, Set.of()), "run", plain, "-", "-o=json");
    assertEquals(
        1, json.json().path("progress").path("check").path("succeeded").asInt(), json.toString());

    Cli.Result notJson = Cli.withStdin("{oops", "run", plain, "-");
    assertEquals(2, notJson.exit(), notJson.toString());
    assertTrue(notJson.err().startsWith("taproot: the input on stdin is not JSON"), notJson.err());

    Cli.Result both = Cli.run("run", plain, "--input", "a.json", "--ndjson", "b.ndjson");
    assertEquals(2, both.exit(), both.toString());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
  }

  @Test
  void aFailedRunExits1AndItsItemsCanBeTracedReplayedAndRedriven() throws IOException {
    String wf = submit(pipeline(Api.unique("failing")));
    Path input = write("input.json", Api.numberedItems(3, Set.of(1)).getBytes());

    Cli.Result r = Cli.run("run", wf, "--input", input.toString());
    assertEquals(1, r.exit(), r.toString());
    String run = runId(r.out());
    assertTrue(r.out().contains("failed items: taproot items " + run + " parse --failed"), r.out());

    Cli.Result failed = Cli.run("items", run, "parse", "--failed");
    assertEquals(0, failed.exit(), failed.toString());
    String[] rows = failed.out().split("\n");
    assertEquals(2, rows.length, failed.out());
    assertTrue(rows[1].matches("1 +1 +failed +" + failIf + " .*EXIT .*"), rows[1]);
    Cli.Result failedJson = Cli.run("items", run, "parse", "--failed", "-o", "json");
    assertEquals("1", failedJson.json().path("items").get(0).path("key").asText());

    Cli.Result checkpoint = Cli.run("items", run, "parse", "1");
    assertTrue(
        checkpoint.out().startsWith("parse/1 attempt 1  failed  " + failIf), checkpoint.out());
    assertTrue(checkpoint.out().contains("input:  {\"fail\":true,\"n\":1}"), checkpoint.out());
    assertTrue(checkpoint.out().contains("item asked to fail"), checkpoint.out());

    Cli.Result lineage = Cli.run("lineage", run, "check", "0", "-o", "json");
    assertEquals(0, lineage.exit(), lineage.toString());
    assertTrue(
        lineage.json().path("nodes").findValuesAsText("id").contains("parse/0#1"), lineage.out());
    assertTrue(Cli.run("lineage", run, "check", "0").out().contains("parse/0#1 -> check/0#1"));

    Cli.Result origin = Cli.run("origin", run, "check", "0", "--assert", "value.n < 0", "-o=json");
    assertEquals(0, origin.exit(), origin.toString());
    assertTrue(origin.json().path("found").asBoolean(), origin.out());
    Cli.Result badAssertion = Cli.run("origin", run, "check", "0", "--assert", "value.n <");
    assertEquals(1, badAssertion.exit(), badAssertion.toString());

    Cli.Result replay = Cli.run("replay", run, "parse", "1");
    assertEquals(0, replay.exit(), replay.toString());
    assertTrue(
        replay.out().startsWith("replay of parse/1 with " + failIf + ": failed, "), replay.out());
    assertTrue(replay.out().contains("item asked to fail"), replay.out());
    Path edited = write("edited.json", "{\"n\": 1}".getBytes());
    Cli.Result fixed =
        Cli.run("replay", run, "parse", "1", "--input", edited.toString(), "-o=json");
    assertEquals("succeeded", fixed.json().path("status").asText(), fixed.toString());

    Cli.Result again = Cli.run("redrive", run, "--wait", "--progress", "none");
    assertEquals(1, again.exit(), "the same function fails again: " + again);
    Cli.Result redriven =
        Cli.run(
            "redrive",
            run,
            "--function",
            "parse=" + echo,
            "--function",
            "check=" + echo,
            "--wait",
            "--progress=none");
    assertEquals(0, redriven.exit(), redriven.toString());
    assertTrue(redriven.out().startsWith("run " + run + " running: 2 execution(s) again: "));
    assertEquals(
        "succeeded", Cli.run("runs", "show", run, "-o", "json").json().path("status").asText());
  }

  @Test
  void runsListShowAndCancel() throws IOException {
    String sleep = Api.register("sleep", Api.testModule("sleep"));
    String wf = Api.unique("slow");
    submit(
        """
        name: %s
        functions: { nap: { ref: %s } }
        steps:
          nap: { function: nap, timeout: 30s }
        """
            .formatted(wf, sleep));

    Cli.Result started = Cli.run("run", wf, "--detach");
    assertEquals(0, started.exit(), started.toString());
    String run = started.out().strip();

    Cli.Result list = Cli.run("runs", "list", "--workflow", wf, "-o", "json");
    assertEquals(run, list.json().path("items").get(0).path("runId").asText());
    assertTrue(Cli.run("runs", "list", "--workflow", wf).out().contains(run + "  " + wf + "  1"));

    Cli.Result cancelled = Cli.run("runs", "cancel", run);
    assertEquals(0, cancelled.exit(), cancelled.toString());
    assertTrue(cancelled.out().startsWith("run " + run + " cancelled"), cancelled.out());
    Api.awaitFinished(run, Duration.ofSeconds(30));
    Cli.Result show = Cli.run("runs", "show", run);
    assertTrue(show.out().startsWith("run " + run + "  " + wf + " v1  cancelled"), show.out());

    Cli.Result badStatus = Cli.run("runs", "list", "--status", "sleepy");
    assertEquals(2, badStatus.exit(), badStatus.toString());
    assertTrue(badStatus.err().contains("'sleepy' is not a run status"), badStatus.err());
    assertEquals(1, Cli.run("runs", "show", "no-such-run").exit());
  }

  @Test
  void wrongArgumentsAndAServerThatIsDownExit2WithAClearMessage() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Cli.Result down = Cli.raw("", "--server", "http://127.0.0.1:" + closed, "runs", "list");
    assertEquals(2, down.exit(), down.toString());
    assertTrue(
        down.err()
            .startsWith(
                "taproot: cannot reach the Taproot server at http://127.0.0.1:"
                    + closed
                    + " (nothing answers there)"),
        down.err());

    Cli.Result notUrl = Cli.raw("", "--server", "localhost:8080", "workflows", "list");
    assertEquals(2, notUrl.exit(), notUrl.toString());
    assertTrue(notUrl.err().contains("is not an http(s) URL"), notUrl.err());

    Cli.Result typo = Cli.run("runs", "lsit");
    assertEquals(2, typo.exit(), typo.toString());
    assertTrue(typo.err().contains("runs has: list, show, cancel"), typo.err());

    assertEquals(2, Cli.run("run").exit(), "run needs a workflow");
    assertEquals(2, Cli.run("-o", "yaml", "runs", "list").exit());
    assertEquals(2, Cli.run("items", "r1").exit());
    Cli.Result help = Cli.run("runs", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("cancel"), help.out());
  }

  private String pipeline(String name) {
    return pipeline(name, "${{ input.items }}");
  }

  private String pipeline(String name, String forEach) {
    return """
        name: %s
        description: two checks
        functions:
          parse: { ref: %s }
          check: { ref: %s }
        steps:
          parse:
            function: parse
            forEach: %s
            input: ${{ item }}
          check:
            function: check
            forEach: ${{ steps.parse.items }}
            input: ${{ item.output }}
        """
        .formatted(name, failIf, failIf, forEach);
  }

  private static String submit(String yaml) {
    Api.submit(yaml);
    return yaml.lines().findFirst().orElseThrow().substring("name: ".length());
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static String runId(String out) {
    Matcher m = RUN_ID.matcher(out);
    if (!m.find()) {
      fail("no run id in " + out);
    }
    return m.group(1);
  }
}
