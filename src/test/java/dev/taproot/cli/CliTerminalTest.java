package dev.taproot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code taproot run} as a separate process, the way a user starts it: in a pseudo-terminal (under
 * util-linux {@code script}) it redraws bars, into a pipe it prints plain lines.
 */
@QuarkusTest
class CliTerminalTest {
  private static final String ESC = "\u001b[";

  @TempDir Path dir;
  private String wf;

  /** Six items that each time out after 700 ms: a few seconds of progress, then a failed run. */
  @BeforeEach
  void slowWorkflow() {
    String sleep = Api.register("sleep", Api.testModule("sleep"));
    wf = Api.unique("progress");
    Api.submit(
        """
        name: %s
        functions: { nap: { ref: %s } }
        steps:
          nap:
            function: nap
            forEach: ${{ input.items }}
            timeout: 700ms
        """
            .formatted(wf, sleep));
  }

  @Test
  void onATerminalEachStepHasABarRedrawnInPlaceWithRateAndEta() throws Exception {
    Path input =
        Files.writeString(dir.resolve("in.json"), Api.numberedItems(6, java.util.Set.of()));
    String command =
        Stream.concat(
                java(), Stream.of("--server", Cli.server(), "run", wf, "--input", input.toString()))
            .map(CliTerminalTest::quote)
            .collect(Collectors.joining(" "));

    Output r = exec(List.of("script", "-qec", command, "/dev/null"), Map.of());

    assertEquals(1, r.exit(), "the run fails: every item times out\n" + r.text());
    assertTrue(r.text().contains(ESC + "2K"), "lines are cleared and redrawn:\n" + r.text());
    assertTrue(r.text().contains(ESC + "2F"), "the cursor goes back up two lines:\n" + r.text());
    assertTrue(r.text().matches("(?s).*nap \\[=+>? *\\] [1-5]/6  failed .*"), r.text());
    assertTrue(r.text().matches("(?s).*/s  ETA \\d+s.*"), "rate and ETA:\n" + r.text());
    assertTrue(r.text().contains("nap [" + "=".repeat(30) + "] 6/6  failed 6"), r.text());
    assertTrue(r.text().contains("run "), r.text());
  }

  @Test
  void intoAPipeItPrintsPlainLinesAndReadsTheServerFromTheEnvironment() throws Exception {
    Path input =
        Files.writeString(dir.resolve("in.json"), Api.numberedItems(6, java.util.Set.of()));
    List<String> command = new ArrayList<>(java().toList());
    command.addAll(List.of("run", wf, "--input", input.toString()));

    Output r = exec(command, Map.of("TAPROOT_SERVER", Cli.server()));

    assertEquals(1, r.exit(), r.text());
    assertFalse(r.text().contains(ESC), "no escape codes in a log:\n" + r.text());
    assertTrue(r.text().matches("(?s).*\\[ +\\d+s\\] nap [0-5]/6.*"), r.text());
    // The rate joins the line once the run has gone on long enough to measure one.
    assertTrue(
        r.text().matches("(?s).*\\[ +\\d+s\\] nap 6/6  failed 6( +[\\d.]+/s)?\n.*"), r.text());
    assertTrue(r.text().contains("failed items: taproot items "), r.text());
  }

  @Test
  void stoppingTheCommandLineLeavesTheRunGoingAndSaysHowToFindIt() throws Exception {
    String sleep = Api.register("sleep", Api.testModule("sleep"));
    String slow = Api.unique("long");
    Api.submit(
        """
        name: %s
        functions: { nap: { ref: %s } }
        steps:
          nap: { function: nap, timeout: 30s }
        """
            .formatted(slow, sleep));
    List<String> command = new ArrayList<>(java().toList());
    command.addAll(List.of("--server", Cli.server(), "run", slow));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
    String first = out.readLine();
    assertTrue(first.matches("run \\S+ of " + slow + " started .*"), first);
    String runId = first.split(" ")[1];

    // SIGTERM, as Ctrl+C or a CI timeout would stop it (Process.destroy would close the pipe too)
    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();

    String rest = out.lines().collect(Collectors.joining("\n"));
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertTrue(
        rest.contains("stopped watching; run " + runId + " goes on: taproot runs show " + runId),
        rest);
    assertEquals("running", Api.run(runId).getString("status"));
    assertEquals(0, Cli.run("runs", "cancel", runId).exit());
  }

  private record Output(int exit, String text) {}

  private static Output exec(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("TAPROOT_SERVER");
    builder.environment().putAll(env);
    Process p = builder.start();
    p.getOutputStream().close();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command line did not end:\n" + text);
    return new Output(p.exitValue(), text.replace("\r\n", "\n"));
  }

  /** java with exactly what target/taproot-cli.jar holds: the cli classes, picocli, Jackson. */
  private static Stream<String> java() {
    String classpath =
        Stream.of(
                location(ExitCode.class),
                location(CommandLine.class),
                location(ObjectMapper.class),
                location(JsonParser.class),
                location(JsonProperty.class))
            .collect(Collectors.joining(File.pathSeparator));
    return Stream.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp",
        classpath,
        Taproot.class.getName());
  }

  private static String location(Class<?> type) {
    String resource = type.getName().replace('.', '/') + ".class";
    URL url = type.getClassLoader().getResource(resource);
    String text = url.toString();
    try {
      if (text.startsWith("jar:")) {
        return Path.of(new URL(text.substring(4, text.indexOf("!/"))).toURI()).toString();
      }
      String root = text.substring(0, text.length() - resource.length());
      return Path.of(new URL(root).toURI()).toString();
    } catch (IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate " + type + " at " + url, e);
    }
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
