package dev.taproot.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import dev.taproot.support.AtOnce;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Registrations of one function or workflow name sent at the same moment: each gets a version of
 * its own or a 409 saying why, never a 500, and what the service then serves is what was stored.
 */
@QuarkusTest
class ConcurrentRegistrationTest {
  private static final int AT_ONCE = 6;
  private static final int ROUNDS = 5;

  @Test
  void functionsOfOneNameRegisteredAtOnceGetDistinctVersions() throws Exception {
    // Different modules, so that each registration is a new version (the same bytes would be the
    // same version).
    List<byte[]> modules =
        List.of(
            Api.testModule("inc"),
            Api.testModule("echo"),
            Api.testModule("add"),
            Api.testModule("echo-wat"),
            Api.testModule("counter"),
            Api.testModule("passthrough"));
    for (int round = 0; round < ROUNDS; round++) {
      String name = Api.unique("race-fn");
      List<Callable<Response>> calls = new ArrayList<>();
      for (int i = 0; i < AT_ONCE; i++) {
        byte[] module = modules.get(i);
        calls.add(
            () ->
                given()
                    .contentType("application/wasm")
                    .body(module)
                    .put("/api/v1/functions/" + name));
      }
      Set<Integer> versions = new HashSet<>();
      for (Response r : AtOnce.run(calls)) {
        assertTrue(
            Set.of(200, 201, 409).contains(r.statusCode()),
            "a racing registration answered " + r.statusCode() + ": " + r.asString());
        if (r.statusCode() != 409) {
          assertTrue(versions.add(r.jsonPath().getInt("version")), "versions are distinct");
        }
      }
      List<Integer> listed =
          given()
              .get("/api/v1/functions/" + name)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath()
              .getList("versions.version", Integer.class);
      assertEquals(versions, new HashSet<>(listed), "the versions answered are those stored");
    }
  }

  @Test
  void workflowsOfOneNameSubmittedAtOnceGetDistinctVersions() throws Exception {
    String inc = Api.register("inc", Api.testModule("inc"));
    for (int round = 0; round < ROUNDS; round++) {
      String name = Api.unique("race-wf");
      List<Callable<Response>> calls = new ArrayList<>();
      for (int i = 0; i < AT_ONCE; i++) {
        // Each a different definition (a step more), so each is a new version.
        StringBuilder yaml =
            new StringBuilder(
                "name: " + name + "\nfunctions:\n  inc: { ref: " + inc + " }\nsteps:\n");
        for (int s = 0; s <= i; s++) {
          yaml.append("  s").append(s).append(": { function: inc }\n");
        }
        byte[] body = yaml.toString().getBytes(StandardCharsets.UTF_8);
        calls.add(
            () -> given().contentType("application/yaml").body(body).post("/api/v1/workflows"));
      }
      Set<Integer> versions = new HashSet<>();
      java.util.Map<Integer, Integer> stepsOf = new java.util.HashMap<>();
      List<Response> answers = AtOnce.run(calls);
      for (int i = 0; i < answers.size(); i++) {
        Response r = answers.get(i);
        assertTrue(
            Set.of(201, 409).contains(r.statusCode()),
            "a racing submission answered " + r.statusCode() + ": " + r.asString());
        if (r.statusCode() == 201) {
          assertTrue(versions.add(r.jsonPath().getInt("version")), "versions are distinct");
          stepsOf.put(r.jsonPath().getInt("version"), i + 1);
        }
      }
      int latest = versions.stream().mapToInt(Integer::intValue).max().orElseThrow();
      // A run of the latest version runs the definition committed as that version (the cache of
      // parsed definitions once kept a loser's definition under the winner's version).
      io.restassured.path.json.JsonPath run = Api.awaitFinished(Api.start(name, "{}"));
      assertEquals(latest, run.getInt("version"));
      assertEquals(
          stepsOf.get(latest),
          run.getMap("progress").size(),
          "the run has the steps of the definition stored as version " + latest);
      Response served = given().get("/api/v1/workflows/" + name);
      assertEquals(200, served.statusCode(), served.asString());
      assertEquals(
          latest,
          served.jsonPath().getInt("latestVersion"),
          "the latest answered is the one served");
    }
  }
}
