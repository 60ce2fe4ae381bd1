package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** The Taproot HTTP API ({@code /api/v1}) as the command line uses it. */
public final class Client {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  // A replay runs a module and a module upload can be large: both take longer than a lookup.
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

  private final URI server;
  private final HttpClient http;

  public Client(String server) {
    this.server = parse(server);
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  public URI server() {
    return server;
  }

  /** {@code /api/v1/} followed by the segments, each percent-encoded. */
  public static String path(String... segments) {
    StringJoiner path = new StringJoiner("/", "/api/v1/", "");
    for (String segment : segments) {
      path.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return path.toString();
  }

  /** Query parameters without the null ones, in the order given. */
  public static Map<String, String> query(String... namesAndValues) {
    Map<String, String> query = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] != null) {
        query.put(namesAndValues[i], namesAndValues[i + 1]);
      }
    }
    return query;
  }

  public JsonNode get(String path) {
    return get(path, Map.of());
  }

  public JsonNode get(String path, Map<String, String> query) {
    return json(exchange(request(path, query).GET().header("Accept", "application/json")));
  }

  public String getText(String path, String accept) {
    return new String(
        exchange(request(path, Map.of()).GET().header("Accept", accept)).body(),
        StandardCharsets.UTF_8);
  }

  public JsonNode post(String path, String contentType, byte[] body) {
    return send("POST", path, Map.of(), contentType, body);
  }

  public JsonNode send(
      String method, String path, Map<String, String> query, String contentType, byte[] body) {
    HttpRequest.Builder request =
        request(path, query)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", contentType)
            .header("Accept", "application/json");
    return json(exchange(request));
  }

  private HttpRequest.Builder request(String path, Map<String, String> query) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    query.forEach(
        (name, value) -> q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return HttpRequest.newBuilder(server.resolve(path + q)).timeout(REQUEST_TIMEOUT);
  }

  private HttpResponse<byte[]> exchange(HttpRequest.Builder request) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw unreachable("nothing answers there");
    } catch (HttpTimeoutException e) {
      throw unreachable("it did not answer within " + REQUEST_TIMEOUT.toMinutes() + " minutes");
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.toString() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.USAGE, "interrupted");
    }
    if (response.statusCode() >= 400) {
      throw problem(response);
    }
    return response;
  }

  private CliException unreachable(String why) {
    return new CliException(
        ExitCode.USAGE,
        "cannot reach the Taproot server at "
            + server
            + " ("
            + why
            + "): start it (java -jar target/quarkus-app/quarkus-run.jar), or point --server or"
            + " TAPROOT_SERVER at it");
  }

  private static ApiException problem(HttpResponse<byte[]> response) {
    String text = new String(response.body(), StandardCharsets.UTF_8);
    JsonNode body = null;
    try {
      body = Json.MAPPER.readTree(text);
    } catch (IOException notJson) {
      // the message below falls back to the raw text
    }
    String detail =
        body != null && body.hasNonNull("detail")
            ? body.get("detail").asText()
            : text.isBlank() ? "no details" : text.strip();
    return new ApiException(
        response.statusCode(),
        "the server answered " + response.statusCode() + ": " + detail,
        body);
  }

  private static JsonNode json(HttpResponse<byte[]> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILED,
          "the server's answer to "
              + response.request().method()
              + " "
              + response.uri()
              + " is not JSON: is --server a Taproot server?");
    }
  }

  private static URI parse(String server) {
    try {
      URI uri = new URI(server.strip());
      if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw CliException.usage(
            "--server '" + server + "' is not an http(s) URL, e.g. http://localhost:8080");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw CliException.usage(
          "--server '"
              + server
              + "' is not a URL ("
              + e.getReason()
              + "), e.g. http://localhost:8080");
    }
  }
}
