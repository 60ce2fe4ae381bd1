package dev.taproot.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Extism plug-ins through the API, as a user meets them: registration with {@code ?abi=extism},
 * {@code export:} checked at submit, plug-ins and wasi functions in one pipeline with lineage
 * through both, failures with the plug-in's message, and replays that are identical.
 */
@QuarkusTest
class ExtismApiTest {

  private static JsonPath registerPlugin(String name, byte[] module, int status) {
    return given()
        .contentType("application/wasm")
        .queryParam("abi", "extism")
        .body(module)
        .when()
        .put("/api/v1/functions/" + name)
        .then()
        .statusCode(status)
        .extract()
        .jsonPath();
  }

  /** Registers a test plug-in under its module's name (201 the first time, 200 after). */
  private static String plugin(String module) {
    JsonPath registered =
        given()
            .contentType("application/wasm")
            .queryParam("abi", "extism")
            .body(Api.testModule(module))
            .when()
            .put("/api/v1/functions/" + module)
            .then()
            .statusCode(org.hamcrest.Matchers.oneOf(200, 201))
            .extract()
            .jsonPath();
    return registered.getString("name") + "@" + registered.getInt("version");
  }

  @Test
  void aPluginIsRegisteredWithTheFunctionsAStepCanCall() {
    String name = Api.unique("kit");
    given()
        .contentType("application/wasm")
        .queryParam("abi", "extism")
        .body(Api.testModule("extism-kit"))
        .when()
        .put("/api/v1/functions/" + name)
        .then()
        .statusCode(201)
        .body("abi", equalTo("extism"))
        .body("exports", hasItems("run", "echo", "config", "void_fn"))
        .body("exports", not(hasItems("memory")));
    // The same bytes again: the same version.
    assertEquals(1, registerPlugin(name, Api.testModule("extism-kit"), 200).getInt("version"));
  }

  @Test
  void registrationNamesWhatAPluginImportsOrLacks() {
    given()
        .contentType("application/wasm")
        .queryParam("abi", "extism")
        .body(Api.testModule("extism-badimport"))
        .when()
        .put("/api/v1/functions/" + Api.unique("bad"))
        .then()
        .statusCode(422)
        .body("detail", containsString("unknown Extism kernel function 'teleport'"));
    given()
        .contentType("application/wasm")
        .queryParam("abi", "extism")
        .body(Api.testModule("extism-nofunc"))
        .when()
        .put("/api/v1/functions/" + Api.unique("nofunc"))
        .then()
        .statusCode(422)
        .body("detail", containsString("exports no plug-in function"));
    // A plug-in registered as a wasi command would trap in every execution.
    given()
        .contentType("application/wasm")
        .body(Api.testModule("extism-kit"))
        .when()
        .put("/api/v1/functions/" + Api.unique("kit"))
        .then()
        .statusCode(422)
        .body("detail", containsString("register it with ?abi=extism"));
  }

  @Test
  void submitRefusesAnExportThePluginDoesNotHave() {
    String kit = plugin("extism-kit");
    JsonPath problem =
        given()
            .contentType("application/yaml")
            .body(
                """
                name: %s
                functions:
                  p: { ref: %s, export: nope }
                steps:
                  one: { function: p }
                """
                    .formatted(Api.unique("no-export"), kit)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .when()
            .post("/api/v1/workflows")
            .then()
            .statusCode(422)
            .extract()
            .jsonPath();
    Map<String, Object> error = problem.getList("errors", Map.class).get(0);
    assertEquals("functions.p.export", error.get("path"));
    assertEquals(3, error.get("line"));
    assertTrue(
        error.get("message").toString().contains("exports no function 'nope'; it exports echo"),
        error.toString());
  }

  @Test
  void aMixedPipelineKeepsLineageThroughBothAbis() {
    String inc = Api.register("inc", Api.testModule("inc"));
    String kit = plugin("extism-kit");
    String wf = Api.unique("mixed");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
          copy: { ref: %s, export: echo }
          greet: { ref: %s, export: config, env: { GREETING: hello } }
        steps:
          first:
            function: inc
            forEach: ${{ input.records }}
            input: ${{ item }}
          middle:
            function: copy
            forEach: ${{ steps.first.items }}
            input: ${{ item.output }}
          last:
            function: inc
            forEach: ${{ steps.middle.items }}
            input: ${{ item.output }}
          hello:
            function: greet
            input: GREETING
        output:
          last: ${{ steps.last.items.map(i, i.output.n) }}
          greeting: ${{ steps.hello.output.value }}
        """
            .formatted(wf, inc, kit, kit));
    String run = Api.startNdjson(wf, "{\"n\": 10}\n{\"n\": 20}\n");
    JsonPath view = Api.awaitFinished(run);
    assertEquals("succeeded", view.getString("status"), view.prettify());
    assertEquals(List.of(12, 22), view.getList("output.last"));
    assertEquals("hello", view.getString("output.greeting"));

    JsonPath middle = Api.item(run, "middle", "1");
    assertTrue(middle.getString("functionRef").startsWith("extism-kit@"), middle.prettify());

    JsonPath up =
        given()
            .queryParam("direction", "upstream")
            .when()
            .get("/api/v1/runs/" + run + "/steps/last/items/1/lineage")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<Map<String, Object>> edges = up.getList("edges");
    assertEquals(
        Set.of(
            "middle/1#1 -> last/1#1 @ item.output",
            "first/1#1 -> middle/1#1 @ item.output",
            "record/1 -> first/1#1 @ input.records[1]"),
        edges.stream()
            .map(e -> e.get("from") + " -> " + e.get("to") + " @ " + e.get("path"))
            .collect(Collectors.toSet()));
  }

  @Test
  void aFailingPluginFailsItsItemWithItsMessageAndReplaysIdentically() {
    String kit = plugin("extism-kit");
    String wf = Api.unique("plugin-fails");
    Api.submit(
        """
        name: %s
        functions:
          bad: { ref: %s, export: fail }
          ok: { ref: %s, export: echo }
        steps:
          fine: { function: ok }
          broken: { function: bad, needs: [fine] }
        """
            .formatted(wf, kit, kit));
    String run = Api.start(wf, "{\"n\": 1}");
    assertEquals("failed", Api.awaitFinished(run).getString("status"));
    JsonPath item = Api.item(run, "broken", "0");
    assertEquals("EXIT", item.getString("error.code"));
    assertTrue(
        item.getString("error.message")
            .startsWith("plug-in function 'fail' returned 1: the order is not valid"),
        item.getString("error.message"));
    assertEquals("[ERROR] about to fail\n", item.getString("logs"));

    for (String step : List.of("fine", "broken")) {
      given()
          .contentType(ContentType.JSON)
          .body("{}")
          .when()
          .post("/api/v1/runs/" + run + "/steps/" + step + "/items/0/replay")
          .then()
          .statusCode(200)
          .body("identical", is(true));
    }
  }
}
