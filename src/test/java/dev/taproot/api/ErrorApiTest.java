package dev.taproot.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Errors of the HTTP layer itself are problem+json too, and say what to do. */
@QuarkusTest
class ErrorApiTest {

  @Test
  void anUnknownEndpointIsAProblemThatPointsAtTheApi() {
    given()
        .when()
        .get("/api/v1/nothing-here")
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("GET /api/v1/nothing-here"));
  }

  @Test
  void aBodyThatIsNotJsonIsA400ThatSaysWhere() {
    given()
        .contentType("application/json")
        .body("{\"assert\": ")
        .when()
        .post("/api/v1/runs/00000000-0000-0000-0000-000000000000/steps/a/items/0/origin")
        .then()
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("not valid JSON"));
  }

  @Test
  void aWrongContentTypeIs415() {
    given()
        .contentType("application/json")
        .body("{}")
        .when()
        .post("/api/v1/workflows")
        .then()
        .statusCode(415)
        .contentType(startsWith("application/problem+json"));
  }
}
