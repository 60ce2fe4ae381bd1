package dev.taproot.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** An RFC 9457 problem detail; {@code extensions} carry machine-readable context (errors, ids). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    Map<String, Object> extensions) {

  public static final String MEDIA_TYPE = "application/problem+json";
  public static final MediaType PROBLEM_JSON = MediaType.valueOf(MEDIA_TYPE);

  public static Problem of(Response.Status status, String detail) {
    return of(status.getStatusCode(), status.getReasonPhrase(), detail);
  }

  public static Problem of(int status, String title, String detail) {
    return new Problem("about:blank", title, status, detail, null, new LinkedHashMap<>());
  }

  public Problem with(String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(extensions);
    copy.put(key, value);
    return new Problem(type, title, status, detail, instance, copy);
  }

  @JsonAnyGetter
  @Override
  public Map<String, Object> extensions() {
    return extensions;
  }

  public Response toResponse() {
    return Response.status(status).type(PROBLEM_JSON).entity(this).build();
  }
}
