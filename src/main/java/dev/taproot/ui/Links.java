package dev.taproot.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Every URL of the web UI, in one place: each page has one stable address to paste. */
final class Links {
  private Links() {}

  static String run(String runId) {
    return "/ui/runs/" + enc(runId);
  }

  /** The items of a step; {@code step} may be the placeholder {@code {step}}. */
  static String items(String runId, String step, String status) {
    String s = step.equals("{step}") ? step : enc(step);
    return run(runId) + "/steps/" + s + "/items" + query("status", status);
  }

  static String item(String runId, String step, String key) {
    return run(runId) + "/steps/" + enc(step) + "/items/" + enc(key);
  }

  static String workflow(String name, int version) {
    return "/ui/workflows/" + enc(name) + "/versions/" + version;
  }

  static String function(String name) {
    return "/ui/functions#fn-" + name;
  }

  /** {@code ?a=1&b=2} of the pairs whose value is not null or blank; "" when none. */
  static String query(Object... pairs) {
    StringBuilder q = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      Object v = pairs[i + 1];
      if (v == null || v.toString().isBlank()) {
        continue;
      }
      q.append(q.length() == 0 ? '?' : '&')
          .append(enc(pairs[i].toString()))
          .append('=')
          .append(enc(v.toString()));
    }
    return q.toString();
  }

  /** {@code url} with one more query parameter. */
  static String and(String url, String name, Object value) {
    return url + (url.contains("?") ? "&" : "?") + enc(name) + "=" + enc(String.valueOf(value));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
