package dev.taproot.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.sessions.JqwikSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of generated workflow YAML documents, CEL expressions in every position a workflow has,
 * x-ndjson bodies and Wasm modules, sent to the running service: none may answer 500 or hang, and
 * every refusal must be problem+json that names the place (a line, a path, a field). Inputs come
 * from jqwik's generators with a fixed seed ({@code -Dfuzz.seed}), so a failure names the case and
 * is repeated by the next run; {@code -Dfuzz.cases} sets how many of each kind (default 2,000; the
 * integration profile runs 500 of each on PostgreSQL, where the bodies' bytes meet the database
 * that refused NULs).
 */
@QuarkusTest
class FuzzTest {
  private static final int CASES = Integer.getInteger("fuzz.cases", 2000);
  private static final long SEED = Long.getLong("fuzz.seed", 20261201L);

  /** A request that takes longer than this is a hang. */
  private static final RestAssuredConfig NO_HANG =
      RestAssuredConfig.config()
          .httpClient(
              HttpClientConfig.httpClientConfig()
                  .setParam("http.connection.timeout", 10_000)
                  .setParam("http.socket.timeout", 20_000));

  private static final String VALID =
      """
      name: %s
      functions:
        inc: { ref: %s }
      steps:
        a:
          function: inc
          forEach: ${{ input.records }}
          input: ${{ item }}
        b:
          function: inc
          forEach: ${{ steps.a.items }}
          when: ${{ item.output.n > 0 }}
          input: { n: "${{ item.output.n }}" }
        total:
          function: inc
          input: { n: "${{ steps.b.items.size() }}" }
      output: ${{ steps.total.output }}
      """;

  /** jqwik's generators, used here outside its own engine, need a session. */
  @BeforeEach
  void startGenerators() {
    JqwikSession.start();
  }

  @AfterEach
  void finishGenerators() {
    JqwikSession.finish();
  }

  // --- workflow YAML -----------------------------------------------------------------------------

  @Test
  void generatedWorkflowYamlIsAcceptedOrRefusedAtItsPlace() {
    String inc = Api.register("inc", Api.testModule("inc"));
    Random random = new Random(SEED);
    RandomGenerator<String> mutations = yamlMutations(inc).generator(1000);
    int accepted = 0;
    for (int i = 0; i < CASES; i++) {
      String yaml = mutations.next(random).value();
      Response r = postWorkflow(yaml);
      assertAnswered(r, "workflow case " + i, yaml);
      if (r.statusCode() == 201) {
        accepted++;
      } else if (r.statusCode() == 400 || r.statusCode() == 422) {
        assertNamesThePlace(r.jsonPath(), "workflow case " + i, yaml);
      }
    }
    assertTrue(accepted > 0 && accepted < CASES, "both kinds were generated: " + accepted);
  }

  /** A valid workflow with a few characters, tokens or lines changed. */
  private static Arbitrary<String> yamlMutations(String inc) {
    Arbitrary<String> token =
        Arbitraries.oneOf(
            Arbitraries.of(
                ":",
                "- ",
                "{",
                "}",
                "[",
                "]",
                "\"",
                "'",
                "#",
                "&a",
                "*a",
                "!!binary",
                "${{",
                "}}",
                "\t",
                "\n",
                "  ",
                "~",
                "null",
                "-1",
                "1e999",
                "0x1F",
                "steps",
                "input",
                "forEach",
                "when",
                "\u0000",
                "\uFEFF",
                "é",
                "🙂",
                "<<: *a"),
            Arbitraries.strings().ofMaxLength(12));
    return Arbitraries.integers()
        .between(1, 4)
        .flatMap(
            edits ->
                Arbitraries.integers()
                    .between(0, 3)
                    .list()
                    .ofSize(edits)
                    .flatMap(
                        kinds ->
                            token
                                .list()
                                .ofSize(edits)
                                .flatMap(
                                    tokens ->
                                        Arbitraries.doubles()
                                            .between(0, 1)
                                            .list()
                                            .ofSize(edits)
                                            .map(
                                                places ->
                                                    mutate(
                                                        VALID.formatted(
                                                            "fuzz-"
                                                                + Integer.toHexString(
                                                                    tokens.hashCode()),
                                                            inc),
                                                        kinds,
                                                        tokens,
                                                        places)))));
  }

  private static String mutate(
      String yaml, List<Integer> kinds, List<String> tokens, List<Double> places) {
    StringBuilder s = new StringBuilder(yaml);
    for (int e = 0; e < kinds.size(); e++) {
      int at = (int) (places.get(e) * s.length());
      switch (kinds.get(e)) {
        case 0 -> s.insert(at, tokens.get(e));
        case 1 -> s.delete(at, Math.min(s.length(), at + 1 + tokens.get(e).length()));
        case 2 -> {
          // a whole line repeated: duplicate keys, steps twice
          int start = s.lastIndexOf("\n", Math.max(0, at - 1)) + 1;
          int end = s.indexOf("\n", at);
          if (end > start) {
            s.insert(end + 1, s.substring(start, end + 1));
          }
        }
        default -> {
          // a value replaced by the token
          int colon = s.indexOf(": ", at);
          int end = colon < 0 ? -1 : s.indexOf("\n", colon);
          if (end > colon + 2) {
            s.replace(colon + 2, end, tokens.get(e));
          }
        }
      }
    }
    return s.toString();
  }

  // --- CEL in every position ---------------------------------------------------------------------

  @Test
  void generatedExpressionsInEveryPositionNeverBreakTheServiceOrARun() {
    String inc = Api.register("inc", Api.testModule("inc"));
    Random random = new Random(SEED + 1);
    RandomGenerator<String> expressions = expressions().generator(1000);
    RandomGenerator<Integer> positions = Arbitraries.integers().between(0, 4).generator(5);
    Set<String> allowedFailures = Set.of("EXPRESSION", "CONTRACT", "EXIT", "TRAP", "OUTPUT");
    int runs = 0;
    for (int i = 0; i < CASES; i++) {
      String expr = expressions.next(random).value();
      int position = positions.next(random).value();
      String name = Api.unique("fuzz-cel");
      String yaml = withExpression(name, inc, expr, position);
      Response r = postWorkflow(yaml);
      assertAnswered(r, "expression case " + i, yaml);
      if (r.statusCode() == 400 || r.statusCode() == 422) {
        assertNamesThePlace(r.jsonPath(), "expression case " + i, yaml);
      }
      // Every tenth accepted workflow runs: an expression the checker let through must fail its
      // item (EXPRESSION), never the engine (INTERNAL) or the run's progress.
      if (r.statusCode() == 201 && i % 10 == 0) {
        runs++;
        Response started =
            given()
                .config(NO_HANG)
                .contentType("application/json")
                .body("{\"records\": [{\"n\": 1}, {\"n\": -2, \"s\": \"x\"}, {}], \"n\": 3}")
                .post("/api/v1/workflows/" + name + "/runs");
        assertAnswered(started, "run of expression case " + i, yaml);
        if (started.statusCode() == 202) {
          String run = started.jsonPath().getString("runId");
          JsonPath done = Api.awaitFinished(run, Duration.ofSeconds(30));
          assertTrue(
              Set.of("succeeded", "failed").contains(done.getString("status")),
              "expression case " + i + " ended " + done.prettify() + "\n" + yaml);
          for (String code : failureCodes(run)) {
            assertTrue(
                allowedFailures.contains(code),
                "expression case " + i + ": an item failed with " + code + "\n" + yaml);
          }
        }
      }
    }
    assertTrue(runs > 0, "some generated workflows ran");
  }

  private static List<String> failureCodes(String run) {
    List<String> codes = new ArrayList<>();
    for (String step : List.of("a", "b")) {
      JsonPath page =
          given()
              .config(NO_HANG)
              .get("/api/v1/runs/" + run + "/steps/" + step + "/items?status=failed")
              .then()
              .extract()
              .jsonPath();
      List<String> found = page.getList("items.error.code");
      if (found != null) {
        codes.addAll(found);
      }
    }
    return codes;
  }

  /** CEL from a small grammar over what a workflow can reference, and some that is not CEL. */
  private static Arbitrary<String> expressions() {
    Arbitrary<String> leaf =
        Arbitraries.of(
            "item",
            "item.n",
            "item.s",
            "item.output",
            "item.output.n",
            "item.key",
            "input",
            "input.records",
            "input.n",
            "input.missing",
            "steps.a.items",
            "steps.a.output",
            "steps.nope.output",
            "run.id",
            "0",
            "-1",
            "1.5",
            "9223372036854775807",
            "\"s\"",
            "''",
            "true",
            "null",
            "[]",
            "{}",
            "[1, 2, 3]",
            "{'k': 1}",
            "b\"\\x00\"",
            "\"\\u0000\"");
    Arbitrary<String> unary =
        leaf.flatMap(
            l ->
                Arbitraries.of(
                        "",
                        ".size()",
                        " + 1",
                        " * 2",
                        " / 0",
                        " % 0",
                        " == null",
                        ".map(x, x)",
                        ".filter(x, x > 0)",
                        ".exists(x, x)",
                        "[0]",
                        "[99]",
                        "['k']",
                        ".n")
                    .map(suffix -> l + suffix));
    Arbitrary<String> call =
        Arbitraries.of("size", "int", "string", "double", "has", "type", "duration", "timestamp")
            .flatMap(f -> leaf.map(l -> f + "(" + l + ")"));
    Arbitrary<String> binary =
        Arbitraries.of(" + ", " - ", " && ", " || ", " < ", " in ", " ? ", " : ")
            .flatMap(op -> unary.flatMap(l -> unary.map(r -> l + op + r)));
    Arbitrary<String> nested =
        leaf.flatMap(
            l ->
                Arbitraries.of(
                    l + ".map(a, " + l + ".map(b, a))",
                    "input.records.all(a, input.records.all(b, a == b))"));
    Arbitrary<String> garbage = Arbitraries.strings().ofMaxLength(20);
    return Arbitraries.frequencyOf(
        Tuple.of(4, unary),
        Tuple.of(3, call),
        Tuple.of(4, binary),
        Tuple.of(1, nested),
        Tuple.of(2, garbage));
  }

  /**
   * The workflow above with {@code expr} in one position: forEach, when, input, a field, output.
   */
  private static String withExpression(String name, String inc, String expr, int position) {
    String e = "\"${{ " + expr.replace("\\", "\\\\").replace("\"", "\\\"") + " }}\"";
    String forEach = position == 0 ? e : "${{ input.records }}";
    String when = position == 1 ? e : "${{ item.output.n > 0 }}";
    String input = position == 2 ? e : "${{ item }}";
    String field = position == 3 ? e : "\"${{ item.output.n }}\"";
    String output = position == 4 ? e : "${{ steps.total.output }}";
    return """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          a:
            function: inc
            forEach: %s
            input: %s
          b:
            function: inc
            forEach: ${{ steps.a.items }}
            when: %s
            input: { n: %s }
          total:
            function: inc
            input: { n: "${{ steps.b.items.size() }}" }
        output: %s
        """
        .formatted(name, inc, forEach, input, when, field, output);
  }

  // --- x-ndjson bodies ---------------------------------------------------------------------------

  @Test
  void generatedNdjsonBodiesStartARunOrAreRefusedAtTheirLine() {
    String wf = Api.incOverRecords("fuzz-ndjson");
    Random random = new Random(SEED + 2);
    RandomGenerator<byte[]> bodies = ndjsonBodies().generator(1000);
    int started = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] body = bodies.next(random).value();
      Response r =
          given()
              .config(NO_HANG)
              .contentType("application/x-ndjson")
              .body(body)
              .post("/api/v1/workflows/" + wf + "/runs");
      String shown = new String(body, StandardCharsets.ISO_8859_1);
      assertAnswered(r, "ndjson case " + i, shown);
      if (r.statusCode() == 202) {
        started++;
      } else if (r.statusCode() == 400) {
        String detail = r.jsonPath().getString("detail");
        assertTrue(
            detail.contains("line ") || detail.contains("no records"),
            "ndjson case " + i + " is refused without its line: " + detail + "\n" + shown);
      }
    }
    assertTrue(started > 0 && started < CASES, "both kinds were generated: " + started);
  }

  /** Lines of JSON objects, with broken JSON, bad UTF-8, a BOM, NULs, blank lines mixed in. */
  private static Arbitrary<byte[]> ndjsonBodies() {
    Arbitrary<byte[]> line =
        Arbitraries.frequencyOf(
            Tuple.of(
                8,
                Arbitraries.integers()
                    .between(-5, 1000)
                    .map(n -> ("{\"n\": " + n + "}").getBytes(StandardCharsets.UTF_8))),
            Tuple.of(
                1,
                Arbitraries.strings().ofMaxLength(30).map(s -> s.getBytes(StandardCharsets.UTF_8))),
            Tuple.of(
                1,
                Arbitraries.of(
                    new byte[] {'{', '"', 'a', '"', ':', (byte) 0xC3, '}'},
                    new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'},
                    new byte[] {'{', '"', 's', '"', ':', '"', 0, '"', '}'},
                    new byte[] {},
                    new byte[] {'[', '1', ']'},
                    new byte[] {'1'},
                    new byte[] {'{', '"', 'n', '"', ':', '1', '}', '{', '}'},
                    "{\"s\": \"\\u0000\"}".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xFF, (byte) 0xFE})));
    return line.list()
        .ofMinSize(1)
        .ofMaxSize(12)
        .flatMap(
            lines ->
                Arbitraries.of("\n", "\r\n")
                    .map(
                        eol -> {
                          java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                          for (byte[] l : lines) {
                            out.writeBytes(l);
                            out.writeBytes(eol.getBytes(StandardCharsets.US_ASCII));
                          }
                          return out.toByteArray();
                        }));
  }

  // --- Wasm modules ------------------------------------------------------------------------------

  @Test
  void generatedModulesAreRegisteredOrRefusedNeverAnError() {
    byte[] seed = Api.testModule("echo-wat");
    Random random = new Random(SEED + 3);
    RandomGenerator<byte[]> modules = moduleMutations(seed).generator(1000);
    int accepted = 0;
    int cases = Math.max(1, CASES / 2); // each accepted one is compiled
    for (int i = 0; i < cases; i++) {
      byte[] module = modules.next(random).value();
      Response r = putModule(module);
      assertAnswered(r, "module case " + i, java.util.HexFormat.of().formatHex(module));
      if (r.statusCode() == 200 || r.statusCode() == 201) {
        accepted++;
      }
    }
    assertTrue(accepted < cases, "refusals were generated");
    assertEquals(201, putModule(seed).statusCode(), "the unmutated module is accepted");
  }

  private static Response putModule(byte[] module) {
    return given()
        .config(NO_HANG)
        .contentType("application/wasm")
        .body(module)
        .put("/api/v1/functions/" + Api.unique("fuzz-wasm"));
  }

  /** The seed module with bytes flipped, cut off, inserted or a section length changed. */
  private static Arbitrary<byte[]> moduleMutations(byte[] seed) {
    return Arbitraries.integers()
        .between(0, 3)
        .flatMap(
            kind ->
                Arbitraries.integers()
                    .between(8, seed.length - 1)
                    .flatMap(
                        at ->
                            Arbitraries.bytes()
                                .map(
                                    b -> {
                                      byte[] m = seed.clone();
                                      switch (kind) {
                                        case 0 -> m[at] = b;
                                        case 1 -> m = java.util.Arrays.copyOf(m, at);
                                        case 2 -> {
                                          byte[] longer = new byte[m.length + 1];
                                          System.arraycopy(m, 0, longer, 0, at);
                                          longer[at] = b;
                                          System.arraycopy(m, at, longer, at + 1, m.length - at);
                                          m = longer;
                                        }
                                        default -> m[at] = (byte) (m[at] ^ 0x80);
                                      }
                                      return m;
                                    })));
  }

  // --- what every answer must be -----------------------------------------------------------------

  private static Response postWorkflow(String yaml) {
    return given()
        .config(NO_HANG)
        .contentType("application/yaml")
        .body(yaml.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/workflows");
  }

  /** No 5xx; a refusal is problem+json with a detail. */
  private static void assertAnswered(Response r, String what, String input) {
    int status = r.statusCode();
    assertTrue(
        status < 500, what + " answered " + status + ": " + r.asString() + "\ninput:\n" + input);
    if (status >= 400) {
      assertTrue(
          r.contentType().startsWith("application/problem+json"),
          what + " answered " + status + " as " + r.contentType() + "\ninput:\n" + input);
      String detail = r.jsonPath().getString("detail");
      assertTrue(
          detail != null && !detail.isBlank(),
          what + " answered " + status + " without a detail: " + r.asString());
    }
  }

  /** A refused workflow names where: each error has a line or a path, and a message. */
  private static void assertNamesThePlace(JsonPath problem, String what, String yaml) {
    List<Map<String, Object>> errors = problem.getList("errors");
    assertTrue(
        errors != null && !errors.isEmpty(),
        what + " was refused without errors: " + problem.prettify() + "\ninput:\n" + yaml);
    for (Map<String, Object> e : errors) {
      assertTrue(
          (e.get("line") != null || e.get("path") != null)
              && e.get("message") != null
              && !e.get("message").toString().isBlank(),
          what + ": an error that names no place: " + e + "\ninput:\n" + yaml);
    }
  }
}
