package dev.taproot.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.api.ProblemMappers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the running service serves: valid, and it describes exactly the routes the
 * service answers, with the statuses they really answer and problem+json for every error.
 */
@QuarkusTest
class OpenApiDocumentTest {
  private static OpenAPI api;

  // Not @BeforeAll: the service's port is known to REST Assured only once a test runs.
  @BeforeEach
  void fetch() {
    if (api != null) {
      return;
    }
    String json =
        given()
            .queryParam("format", "json")
            .when()
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setResolveFully(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json, null, options);
    assertEquals(List.of(), parsed.getMessages(), "the document is not valid OpenAPI");
    api = parsed.getOpenAPI();
  }

  @Test
  void theDocumentIsOpenApi31WithTheTaprootHeader() {
    assertTrue(api.getOpenapi().startsWith("3.1"), api.getOpenapi());
    assertEquals("Taproot API", api.getInfo().getTitle());
    assertTrue(api.getComponents().getSchemas().containsKey("Problem"));
  }

  @Test
  void itListsExactlyTheRoutesOfTheResources() throws Exception {
    TreeSet<String> documented = new TreeSet<>();
    api.getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap().keySet().forEach(m -> documented.add(m + " " + path)));

    assertEquals(routes(), documented);
  }

  @Test
  void everyOperationDescribesItsSuccessItsErrorsAndItsBody() {
    operations()
        .forEach(
            (route, op) -> {
              assertTrue(op.getSummary() != null && !op.getSummary().isBlank(), route);
              assertFalse(op.getTags() == null || op.getTags().isEmpty(), route + " has no tag");
              assertTrue(
                  op.getResponses().keySet().stream().anyMatch(s -> s.startsWith("2")),
                  route + " documents no success");
              op.getResponses()
                  .forEach(
                      (status, response) -> {
                        if (status.startsWith("4") || status.startsWith("5")) {
                          assertTrue(
                              response.getContent() != null
                                  && response.getContent().containsKey("application/problem+json"),
                              route + " " + status + " is not problem+json");
                        } else {
                          assertTrue(
                              response.getContent() != null && !response.getContent().isEmpty(),
                              route + " " + status + " has no content");
                        }
                      });
              if (route.startsWith("PUT ")
                  || (route.startsWith("POST ")
                      && !route.endsWith("/cancel")
                      && !route.endsWith("/resume"))) {
                assertTrue(
                    op.getRequestBody() != null && op.getRequestBody().getContent() != null,
                    route + " does not describe its body");
              }
            });
    Operation submit = api.getPaths().get("/api/v1/workflows").getPost();
    assertTrue(
        submit
            .getRequestBody()
            .getContent()
            .get("application/yaml")
            .getExamples()
            .containsKey("minimal"));
  }

  /**
   * Calls every operation with ids that do not exist and a body of the documented type: whatever
   * the service answers must be one of the documented responses.
   */
  @Test
  void whatTheServiceAnswersIsDocumented() {
    operations()
        .forEach(
            (route, op) -> {
              String method = route.substring(0, route.indexOf(' '));
              String path =
                  route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "zz-none");
              RequestSpecification request = given();
              if (op.getRequestBody() != null) {
                String type = op.getRequestBody().getContent().keySet().iterator().next();
                request = request.contentType(type).body(body(type));
              }
              Response response = request.when().request(method, path);
              String status = Integer.toString(response.statusCode());
              assertTrue(
                  op.getResponses().containsKey(status),
                  route + " answered " + status + ", documented: " + op.getResponses().keySet());
              if (response.statusCode() >= 400) {
                assertTrue(
                    response.contentType().startsWith("application/problem+json"),
                    route + " answered " + response.contentType());
              }
            });
  }

  @Test
  void swaggerUiIsServed() {
    String page = given().when().get("/q/swagger-ui/").then().statusCode(200).extract().asString();
    assertTrue(page.contains("swagger-ui"), page);
  }

  private static byte[] body(String type) {
    String text =
        switch (type) {
          case "application/json" -> "{}";
          case "application/x-ndjson" -> "{}\n";
          case "application/yaml" -> "name: nothing\n";
          default -> "not a module";
        };
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Operation> operations() {
    Map<String, Operation> ops = new java.util.TreeMap<>();
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      path.getValue()
          .readOperationsMap()
          .forEach((method, op) -> ops.put(method + " " + path.getKey(), op));
    }
    assertFalse(ops.isEmpty());
    return ops;
  }

  /** "GET /api/v1/runs/{id}" for every resource method under dev.taproot. */
  private static TreeSet<String> routes() throws IOException {
    // Surefire runs in the module's directory; the Quarkus class loader hides where classes are.
    java.nio.file.Path root = java.nio.file.Path.of("target", "classes");
    TreeSet<String> routes = new TreeSet<>();
    List<String> classes = new ArrayList<>();
    try (Stream<java.nio.file.Path> files = Files.walk(root.resolve("dev/taproot"))) {
      files
          .filter(f -> f.toString().endsWith(".class"))
          .forEach(
              f ->
                  classes.add(
                      root.relativize(f)
                          .toString()
                          .replace('/', '.')
                          .replaceFirst("\\.class$", "")));
    }
    for (String name : classes) {
      if (name.startsWith("dev.taproot.ui.")) {
        // the web UI's pages are for people, not part of the API (mp.openapi.scan.exclude.packages)
        continue;
      }
      Class<?> type;
      try {
        type = Class.forName(name, false, ProblemMappers.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        continue;
      }
      Path base = type.getAnnotation(Path.class);
      if (base == null) {
        continue;
      }
      for (Method m : type.getDeclaredMethods()) {
        for (Annotation a : m.getAnnotations()) {
          HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
          if (http != null) {
            Path sub = m.getAnnotation(Path.class);
            routes.add(http.value() + " " + join(base.value(), sub == null ? "" : sub.value()));
          }
        }
      }
    }
    assertTrue(routes.size() >= 17, "found only " + routes);
    return routes;
  }

  private static String join(String base, String sub) {
    String path = (base + "/" + sub).replaceAll("/+", "/");
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
