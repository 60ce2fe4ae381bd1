package dev.taproot.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WorkflowApiTest {
  private String fn;
  private String name;

  @BeforeEach
  void registerFunction() {
    fn = Api.unique("inc");
    Api.register(fn, Api.testModule("inc"));
    name = Api.unique("flow");
  }

  private String linear() {
    return """
        name: %s
        description: two increments
        functions:
          inc: { ref: %s }
        steps:
          first:
            function: inc
          second:
            function: inc
            input: ${{ steps.first.output }}
        output: ${{ steps.second.output }}
        """
        .formatted(name, fn);
  }

  @Test
  void aValidDefinitionIsStoredWithItsRefsPinned() {
    given()
        .contentType("application/yaml")
        .body((linear()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .when()
        .post("/api/v1/workflows")
        .then()
        .statusCode(201)
        .body("name", equalTo(name))
        .body("version", equalTo(1));
    given()
        .when()
        .get("/api/v1/workflows/" + name + "/versions/1")
        .then()
        .statusCode(200)
        .body("yaml", containsString("ref: " + fn + "@1"))
        .body("yaml", containsString("description: two increments"));
    given()
        .accept("application/yaml")
        .when()
        .get("/api/v1/workflows/" + name + "/versions/1")
        .then()
        .statusCode(200)
        .body(containsString("ref: " + fn + "@1"));
  }

  @Test
  void everySubmissionIsANewVersion() {
    Api.submit(linear());
    given()
        .contentType("application/yaml")
        .body((linear()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .when()
        .post("/api/v1/workflows")
        .then()
        .statusCode(201)
        .body("version", equalTo(2));
    given()
        .when()
        .get("/api/v1/workflows/" + name)
        .then()
        .statusCode(200)
        .body("latestVersion", equalTo(2))
        .body("versions", hasSize(2));
    given().when().get("/api/v1/workflows").then().statusCode(200).body("name", hasItem(name));
  }

  private JsonPath rejected(String yaml) {
    return given()
        .contentType("application/yaml")
        .body((yaml).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .when()
        .post("/api/v1/workflows")
        .then()
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .extract()
        .jsonPath();
  }

  private static Map<String, Object> errorAt(JsonPath problem, String path) {
    List<Map<String, Object>> errors = problem.getList("errors");
    return errors.stream()
        .filter(e -> path.equals(e.get("path")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no error at " + path + " in " + errors));
  }

  @Test
  void malformedYamlIsReportedAtItsLine() {
    JsonPath p = rejected("name: " + name + "\nsteps:\n  a:\n    function: [unclosed\n");
    Map<String, Object> e = p.getList("errors", Map.class).get(0);
    org.junit.jupiter.api.Assertions.assertTrue(
        ((Integer) e.get("line")) >= 4, "line of the error: " + e);
  }

  @Test
  void aCycleNamesItsSteps() {
    JsonPath p =
        rejected(
            """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          a:
            function: inc
            input: ${{ steps.b.output }}
          b:
            function: inc
            input: ${{ steps.a.output }}
        """
                .formatted(name, fn));
    String messages = p.getList("errors.message").toString();
    org.junit.jupiter.api.Assertions.assertTrue(messages.contains("cycle"), messages);
    org.junit.jupiter.api.Assertions.assertTrue(
        messages.contains("a") && messages.contains("b"), messages);
  }

  @Test
  void unknownStepsAndFunctionsAreNamedWithTheirPosition() {
    JsonPath p =
        rejected(
            """
        name: %s
        functions:
          inc: { ref: %s }
          gone: { ref: no-such-function-anywhere }
        steps:
          a:
            function: incc
          b:
            function: inc
            input: ${{ steps.prase.output }}
        """
                .formatted(name, fn));
    Map<String, Object> ref = errorAt(p, "functions.gone.ref");
    org.junit.jupiter.api.Assertions.assertEquals(4, ref.get("line"));
    org.junit.jupiter.api.Assertions.assertTrue(
        ref.get("message").toString().contains("no-such-function-anywhere"));
    Map<String, Object> alias = errorAt(p, "steps.a.function");
    org.junit.jupiter.api.Assertions.assertEquals(7, alias.get("line"));
    org.junit.jupiter.api.Assertions.assertTrue(alias.get("message").toString().contains("incc"));
    Map<String, Object> step = errorAt(p, "steps.b.input");
    org.junit.jupiter.api.Assertions.assertEquals(10, step.get("line"));
    org.junit.jupiter.api.Assertions.assertTrue(step.get("message").toString().contains("prase"));
  }

  @Test
  void aCelSyntaxErrorIsRejected() {
    JsonPath p =
        rejected(
            """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          a:
            function: inc
            input: ${{ input.n + }}
        """
                .formatted(name, fn));
    Map<String, Object> e = errorAt(p, "steps.a.input");
    org.junit.jupiter.api.Assertions.assertEquals(7, e.get("line"));
  }

  @Test
  void duplicateKeysAndUnknownFieldsAreRejectedTogether() {
    JsonPath p =
        rejected(
            """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          a:
            function: inc
            timeout: 2x
          a:
            function: inc
          b:
            function: inc
            forEch: ${{ input }}
        """
                .formatted(name, fn));
    String all = p.getList("errors").toString();
    org.junit.jupiter.api.Assertions.assertTrue(all.contains("duplicate"), all);
    org.junit.jupiter.api.Assertions.assertTrue(all.contains("forEch"), all);
    org.junit.jupiter.api.Assertions.assertTrue(all.contains("2x"), all);
    org.junit.jupiter.api.Assertions.assertEquals(3, p.getList("errors").size(), all);
  }

  @Test
  void unknownWorkflowsAndVersionsAre404AndBadVersionsAre400() {
    given()
        .when()
        .get("/api/v1/workflows/" + Api.unique("none"))
        .then()
        .statusCode(404)
        .body("detail", containsString("no workflow"));
    Api.submit(linear());
    given()
        .when()
        .get("/api/v1/workflows/" + name + "/versions/7")
        .then()
        .statusCode(404)
        .body("detail", containsString("latest is 1"));
    given()
        .when()
        .get("/api/v1/workflows/" + name + "/versions/abc")
        .then()
        .statusCode(400)
        .body("detail", not(containsString("Exception")));
  }
}
