package dev.taproot.ui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
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
  }
}
