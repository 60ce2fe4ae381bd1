package dev.taproot.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FunctionApiTest {

  @Test
  void registersAModuleContentAddressed() throws Exception {
    String name = Api.unique("echo");
    byte[] module = Api.testModule("echo");
    String digest =
        "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(module));
    given()
        .contentType("application/wasm")
        .body(module)
        .when()
        .put("/api/v1/functions/" + name)
        .then()
        .statusCode(201)
        .body("name", equalTo(name))
        .body("version", equalTo(1))
        .body("digest", equalTo(digest))
        .body("abi", equalTo("wasi"))
        .body("exports", hasItems("_start", "memory"))
        .body("size", equalTo(module.length));
  }

  @Test
  void theSameBytesAgainReturnTheExistingVersion() {
    String name = Api.unique("same");
    byte[] module = Api.testModule("inc");
    given()
        .contentType("application/wasm")
        .body(module)
        .put("/api/v1/functions/" + name)
        .then()
        .statusCode(201);
    given()
        .contentType("application/wasm")
        .body(module)
        .when()
        .put("/api/v1/functions/" + name)
        .then()
        .statusCode(200)
        .body("version", equalTo(1));
    given()
        .when()
        .get("/api/v1/functions/" + name)
        .then()
        .statusCode(200)
        .body("versions.size()", equalTo(1));
  }

  @Test
  void newBytesUnderTheSameNameAreTheNextVersion() {
    String name = Api.unique("versions");
    Api.register(name, Api.testModule("inc"));
    given()
        .contentType("application/wasm")
        .body(Api.testModule("add"))
        .when()
        .put("/api/v1/functions/" + name)
        .then()
        .statusCode(201)
        .body("version", equalTo(2));
    given()
        .when()
        .get("/api/v1/functions/" + name)
        .then()
        .statusCode(200)
        .body("latestVersion", equalTo(2))
        .body("versions.version", hasItems(1, 2));
    given().when().get("/api/v1/functions").then().statusCode(200).body("name", hasItem(name));
  }

  @Test
  void garbageIsRejectedWithTheReason() {
    given()
        .contentType("application/wasm")
        .body("this is not wasm at all".getBytes())
        .when()
        .put("/api/v1/functions/" + Api.unique("garbage"))
        .then()
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("magic"));
  }

  @Test
  void aModuleImportingUnknownHostFunctionsIsRejected() {
    given()
        .contentType("application/wasm")
        .body(Api.testModule("badimport"))
        .when()
        .put("/api/v1/functions/" + Api.unique("badimport"))
        .then()
        .statusCode(422)
        .body("detail", containsString("import"));
  }

  @Test
  void anEmptyBodyIsRejected() {
    given()
        .contentType("application/wasm")
        .body(new byte[0])
        .when()
        .put("/api/v1/functions/" + Api.unique("empty"))
        .then()
        .statusCode(422)
        .body("detail", containsString("empty"));
  }

  @Test
  void anOversizedModuleIs413() {
    // the test profile sets taproot.functions.max-module-size=2M
    byte[] big = new byte[3 * 1024 * 1024];
    given()
        .contentType("application/wasm")
        .body(big)
        .when()
        .put("/api/v1/functions/" + Api.unique("big"))
        .then()
        .statusCode(413)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("over the limit"));
  }

  @Test
  void badNamesAreRefused() {
    given()
        .contentType("application/wasm")
        .body(Api.testModule("echo"))
        .when()
        .put("/api/v1/functions/Bad_Name")
        .then()
        .statusCode(400)
        .body("detail", containsString("not allowed"));
    given()
        .contentType("application/wasm")
        .body(Api.testModule("echo"))
        .when()
        .put("/api/v1/functions/..%2Fetc")
        .then()
        .statusCode(org.hamcrest.Matchers.anyOf(equalTo(400), equalTo(404)));
  }

  @Test
  void anUnknownAbiIsRefused() {
    given()
        .contentType("application/wasm")
        .body(Api.testModule("echo"))
        .queryParam("abi", "cobol")
        .when()
        .put("/api/v1/functions/" + Api.unique("abi"))
        .then()
        .statusCode(400)
        .body("detail", containsString("unknown abi"));
  }

  @Test
  void anUnknownFunctionIs404() {
    given()
        .when()
        .get("/api/v1/functions/" + Api.unique("nobody"))
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("no function"));
  }
}
