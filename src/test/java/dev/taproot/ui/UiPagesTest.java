package dev.taproot.ui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pages over HTTP, without a browser: status codes, what each page says, and paging. */
@QuarkusTest
class UiPagesTest {

  @Test
  void aFailedRunHasItsPages() {
    String failIf = Api.register("fail-if", Api.testModule("fail-if"));
    String wf = Api.unique("ui-pages");
    Api.submit(
        """
        name: %s
        functions:
          check: { ref: %s }
        steps:
          check:
            function: check
            forEach: ${{ input.items }}
            input: ${{ item }}
        """
            .formatted(wf, failIf));
    String run = Api.start(wf, Api.numberedItems(5, Set.of(3)));
    Api.awaitFinished(run);
    given().redirects().follow(false).get("/").then().statusCode(303);
    given().get("/ui/runs").then().statusCode(200).body(containsString(run.substring(0, 8)));
    given().get("/ui/runs/" + run).then().statusCode(200).body(containsString("failed"));
    given()
        .get("/ui/runs/" + run + "/steps/check/items?status=failed")
        .then()
        .statusCode(200)
        .body(containsString("/ui/runs/" + run + "/steps/check/items/3"));
    given()
        .get("/ui/runs/" + run + "/steps/check/items/3")
        .then()
        .statusCode(200)
        .body(containsString("Item 3 of step check"));
    given().get("/ui/functions").then().statusCode(200).body(containsString(failIf));
    given().get("/ui/workflows").then().statusCode(200).body(containsString(wf));
    given().get("/ui/workflows/" + wf + "/versions/1").then().statusCode(200);
    given().get("/ui/runs/nope").then().statusCode(404).body(containsString("nope"));
    given()
        .queryParam("assert", "value.n >=")
        .get("/ui/runs/" + run + "/steps/check/items/3")
        .then()
        .statusCode(200)
        .body(containsString("does not compile"));
    given().get("/ui/runs/" + run + "/steps/nope/items").then().statusCode(404);
    given()
        .get("/ui/runs/" + run + "/steps/check/items?status=sideways")
        .then()
        .statusCode(400)
        .body(containsString("not an item status"));
  }

  @Test
  void aRefusedActionIsAPageThatSaysWhy() {
    String run = Api.finishedRun("ui-refused");
    given()
        .redirects()
        .follow(false)
        .post("/ui/runs/" + run + "/cancel")
        .then()
        .statusCode(409)
        .contentType(startsWith("text/html"))
        .body(containsString("only a running run can be cancelled"));
    given()
        .redirects()
        .follow(false)
        .contentType("application/x-www-form-urlencoded")
        .formParam("scope", "failed")
        .post("/ui/runs/" + run + "/redrive")
        .then()
        .statusCode(409)
        .contentType(startsWith("text/html"))
        .body(containsString("nothing to redrive"));
    given()
        .queryParam("scope", "failed")
        .get("/ui/runs/" + run + "/redrive")
        .then()
        .statusCode(200)
        .body(containsString("No item failed or was skipped"));
  }

  @Test
  void aBadWorkflowShowsEachErrorAtItsLine() {
    String yaml =
        """
        name: ui-bad
        functions:
          f: { ref: no-such-function }
        steps:
          a:
            function: f
            forEch: ${{ input.items }}
        """;
    String page =
        given()
            .contentType("application/x-www-form-urlencoded")
            .formParam("yaml", yaml)
            .post("/ui/workflows")
            .then()
            .statusCode(422)
            .extract()
            .asString();
    // the unknown field sits on line 7 and is shown there, with its message
    assertTrue(page.contains("<li id=\"line-7\" class=\"bad\">"), page);
    assertTrue(page.contains("unknown field &#39;forEch&#39;"), page);
    assertTrue(page.contains("no-such-function"), page);
  }

  @Test
  void aModuleUploadedFromThePageIsRegistered() throws Exception {
    String name = Api.unique("ui-upload");
    Path module = Files.createTempFile("echo", ".wasm");
    Files.write(module, Api.testModule("echo"));
    given()
        .multiPart("name", name)
        .multiPart("abi", "wasi")
        .multiPart("module", module.toFile(), "application/wasm")
        .post("/ui/functions")
        .then()
        .statusCode(200)
        .body(containsString("registered " + name + "@1"));
    given()
        .multiPart("name", name)
        .multiPart("abi", "wasi")
        .multiPart("module", "garbage.wasm", "not wasm".getBytes(), "application/wasm")
        .post("/ui/functions")
        .then()
        .statusCode(422)
        .body(containsString("not a WebAssembly module"));
  }
}
