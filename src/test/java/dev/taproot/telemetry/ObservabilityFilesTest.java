package dev.taproot.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files under {@code observability/} (the local Jaeger, Prometheus and Grafana stack) parse,
 * and still agree with each other and with the metrics and ports the service has.
 */
class ObservabilityFilesTest {

  /** Tests run with the project directory as their working directory. */
  private static final Path DIR = Path.of("observability");

  private static final String PROMETHEUS_UID = "taproot-prometheus";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @Test
  void everyYamlAndJsonFileParses() throws IOException {
    List<Path> files = files();
    assertTrue(
        files.stream().anyMatch(f -> f.toString().endsWith(".json")), "no .json file in " + DIR);
    assertTrue(
        files.stream().anyMatch(f -> !f.toString().endsWith(".json")), "no YAML file in " + DIR);
    List<String> errors = new ArrayList<>();
    for (Path file : files) {
      try {
        if (file.toString().endsWith(".json")) {
          JSON.readTree(file.toFile());
        } else {
          try (Reader in = Files.newBufferedReader(file)) {
            yaml().loadAll(in).forEach(doc -> {});
          }
        }
      } catch (Exception e) {
        errors.add(file + ": " + e.getMessage());
      }
    }
    assertTrue(errors.isEmpty(), "unparsable files:\n" + String.join("\n", errors));
  }

  @Test
  void composeRunsTheWholeStack() {
    Map<String, Object> services = map(yaml("docker-compose.yml"), "services");
    for (String name : List.of("jaeger", "otel-collector", "prometheus", "grafana", "taproot")) {
      assertTrue(services.containsKey(name), "docker-compose.yml: no service " + name);
    }
    Map<String, Object> taproot = map(services, "taproot");
    assertTrue(
        list(taproot, "volumes").contains("../target/quarkus-app:/app"),
        "docker-compose.yml: taproot must mount the packaged jar at /app");
    Map<String, Object> env = map(taproot, "environment");
    assertEquals("cdi", env.get("QUARKUS_OTEL_TRACES_EXPORTER"), "docker-compose.yml");
    assertEquals(
        "http://otel-collector:4317",
        env.get("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
        "docker-compose.yml: taproot must send its spans to the collector's OTLP gRPC port");
    assertTrue(list(taproot, "ports").contains("8080:8080"), "docker-compose.yml: taproot port");
  }

  @Test
  void composeMountsFilesThatExist() {
    Map<String, Object> services = map(yaml("docker-compose.yml"), "services");
    for (Map.Entry<String, Object> service : services.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> definition = (Map<String, Object>) service.getValue();
      if (!definition.containsKey("volumes")) {
        continue;
      }
      for (Object volume : list(definition, "volumes")) {
        String source = volume.toString().split(":")[0];
        if (source.startsWith("./")) {
          assertTrue(
              Files.exists(DIR.resolve(source)),
              "docker-compose.yml: service " + service.getKey() + " mounts missing " + source);
        }
      }
    }
  }

  @Test
  void collectorSendsOtlpTracesToJaeger() {
    Map<String, Object> config = yaml("otel-collector.yaml");
    Map<String, Object> traces = map(map(map(config, "service"), "pipelines"), "traces");
    assertTrue(
        list(traces, "receivers").contains("otlp"),
        "otel-collector.yaml: the traces pipeline must receive otlp");
    assertTrue(
        list(traces, "exporters").contains("otlp/jaeger"),
        "otel-collector.yaml: the traces pipeline must export to otlp/jaeger");
    for (String kind : List.of("receivers", "processors", "exporters")) {
      if (!traces.containsKey(kind)) {
        continue;
      }
      for (Object component : list(traces, kind)) {
        assertTrue(
            map(config, kind).containsKey(component.toString()),
            "otel-collector.yaml: pipeline uses undefined " + kind + " " + component);
      }
    }
    assertEquals(
        "jaeger:4317",
        map(map(config, "exporters"), "otlp/jaeger").get("endpoint"),
        "otel-collector.yaml: otlp/jaeger must point at the jaeger service");
  }

  @Test
  void prometheusScrapesTheQuarkusMetricsEndpoint() {
    List<Object> jobs = list(yaml("prometheus.yml"), "scrape_configs");
    boolean found = false;
    for (Object job : jobs) {
      @SuppressWarnings("unchecked")
      Map<String, Object> scrape = (Map<String, Object>) job;
      if ("/q/metrics".equals(scrape.get("metrics_path"))) {
        found = true;
        String targets = String.valueOf(scrape.get("static_configs"));
        assertTrue(
            targets.contains("taproot:8080"),
            "prometheus.yml: the /q/metrics job must scrape taproot:8080, has " + targets);
      }
    }
    assertTrue(found, "prometheus.yml: no scrape job with metrics_path /q/metrics");
  }

  @Test
  void grafanaProvisionsThePrometheusDataSourceTheDashboardUses() {
    List<Object> sources =
        list(yaml("grafana/provisioning/datasources/datasources.yaml"), "datasources");
    String prometheus = null;
    for (Object source : sources) {
      @SuppressWarnings("unchecked")
      Map<String, Object> ds = (Map<String, Object>) source;
      if ("prometheus".equals(ds.get("type"))) {
        prometheus = String.valueOf(ds.get("uid"));
        assertEquals("http://prometheus:9090", ds.get("url"), "datasources.yaml");
      }
    }
    assertEquals(PROMETHEUS_UID, prometheus, "datasources.yaml: Prometheus data source uid");

    Map<String, Object> provider =
        map(yaml("grafana/provisioning/dashboards/dashboards.yaml"), "providers", 0);
    String path = String.valueOf(map(provider, "options").get("path"));
    List<Object> grafanaVolumes =
        list(map(yaml("docker-compose.yml"), "services", "grafana"), "volumes");
    assertTrue(
        grafanaVolumes.contains("./grafana/dashboards:" + path + ":ro")
            || grafanaVolumes.contains("./grafana/dashboards:" + path),
        "docker-compose.yml: grafana must mount ./grafana/dashboards at " + path);
  }

  @Test
  void dashboardChartsTheTaprootMetrics() {
    JsonNode dashboard = json("grafana/dashboards/taproot.json");
    JsonNode panels = dashboard.get("panels");
    assertTrue(panels != null && panels.isArray(), "taproot.json: no panels array");
    List<JsonNode> all = new ArrayList<>();
    panels.forEach(p -> collectPanels(p, all));
    assertTrue(all.size() >= 5, "taproot.json: only " + all.size() + " panels");

    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : all) {
      if ("row".equals(panel.path("type").asText())) {
        continue;
      }
      String title = panel.path("title").asText();
      JsonNode targets = panel.path("targets");
      assertFalse(targets.isEmpty(), "taproot.json: panel '" + title + "' has no query");
      for (JsonNode target : targets) {
        String expr = target.path("expr").asText();
        assertFalse(expr.isBlank(), "taproot.json: panel '" + title + "' has an empty expr");
        exprs.add(expr);
        String uid = target.path("datasource").path("uid").asText(PROMETHEUS_UID);
        assertEquals(PROMETHEUS_UID, uid, "taproot.json: data source of panel '" + title + "'");
      }
      String uid = panel.path("datasource").path("uid").asText(PROMETHEUS_UID);
      assertEquals(PROMETHEUS_UID, uid, "taproot.json: data source of panel '" + title + "'");
    }
    for (String metric :
        List.of(
            "taproot_executions_total",
            "taproot_execution_duration_seconds_bucket",
            "taproot_instance_creation_seconds_bucket")) {
      assertTrue(
          exprs.stream().anyMatch(e -> e.contains(metric)),
          "taproot.json: no query uses " + metric);
    }
  }

  private static void collectPanels(JsonNode panel, List<JsonNode> into) {
    into.add(panel);
    panel.path("panels").forEach(p -> collectPanels(p, into));
  }

  private static List<Path> files() throws IOException {
    assertTrue(Files.isDirectory(DIR), DIR.toAbsolutePath() + " is missing");
    try (Stream<Path> walk = Files.walk(DIR)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              f -> {
                String name = f.getFileName().toString();
                return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
              })
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(new SafeConstructor(options));
  }

  /** Parses one YAML file of {@code observability/}, failing with its name if it does not parse. */
  private static Map<String, Object> yaml(String name) {
    Path file = DIR.resolve(name);
    try (Reader in = Files.newBufferedReader(file)) {
      Object doc = yaml().load(in);
      if (!(doc instanceof Map)) {
        fail(file + ": not a YAML mapping");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) doc;
      return map;
    } catch (Exception e) {
      throw new AssertionError(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses one JSON file of {@code observability/}, failing with its name if it does not parse. */
  private static JsonNode json(String name) {
    Path file = DIR.resolve(name);
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError(file + ": " + e.getMessage(), e);
    }
  }

  /** Walks down the keys (strings) and list indexes (integers) to a mapping. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> root, Object... path) {
    Object node = at(root, path);
    if (!(node instanceof Map)) {
      fail("expected a mapping at " + List.of(path) + ", found " + node);
    }
    return (Map<String, Object>) node;
  }

  /** The list under {@code key}. */
  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> root, String key) {
    Object node = root.get(key);
    if (!(node instanceof List)) {
      fail("expected a list at " + key + ", found " + node);
    }
    return (List<Object>) node;
  }

  private static Object at(Map<String, Object> root, Object... path) {
    Object node = root;
    for (Object step : path) {
      if (step instanceof Integer i && node instanceof List<?> l) {
        node = i < l.size() ? l.get(i) : null;
      } else if (node instanceof Map<?, ?> m) {
        node = m.get(step);
      } else {
        node = null;
      }
    }
    return node;
  }
}
