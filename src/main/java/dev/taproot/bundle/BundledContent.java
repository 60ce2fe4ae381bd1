package dev.taproot.bundle;

import dev.taproot.config.TaprootConfig;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.function.Digests;
import dev.taproot.function.FunctionRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Registers the example functions and workflows shipped in the jar, so the embedded default can run
 * the example pipeline with no setup. Indexes list the files because a jar cannot be listed.
 */
@ApplicationScoped
public class BundledContent {
  /** {@code <name>-v<version>.wasm}, or {@code .extism.wasm} for an Extism plug-in. */
  private static final Pattern MODULE =
      Pattern.compile("([a-z][a-z0-9-]*)-v(\\d+)(?:\\.(extism))?\\.wasm");

  private final FunctionRegistry functions;
  private final WorkflowCatalog workflows;
  private final TaprootConfig config;

  BundledContent(FunctionRegistry functions, WorkflowCatalog workflows, TaprootConfig config) {
    this.functions = functions;
    this.workflows = workflows;
    this.config = config;
  }

  void onStart(@Observes @Priority(10) StartupEvent event) {
    if (config.bundled().enabled()) {
      registerAll();
    }
  }

  /**
   * Adds the shipped functions and workflows whose names hold nothing a user registered; the rest
   * are left out with a warning, so a user's {@code orders} is never covered by the example.
   */
  public void registerAll() {
    List<String> modules =
        index("functions/index.txt").stream()
            .sorted(
                Comparator.comparing((String f) -> group(f, 1))
                    .thenComparingInt(f -> Integer.parseInt(group(f, 2))))
            .toList();
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    modules.forEach(file -> bytes.put(file, read("functions/" + file)));
    Map<String, Set<String>> shipped =
        modules.stream()
            .collect(
                Collectors.groupingBy(
                    f -> group(f, 1),
                    Collectors.mapping(f -> Digests.sha256(bytes.get(f)), Collectors.toSet())));
    long functionsAdded = 0;
    for (String file : modules) {
      String name = group(file, 1);
      String abi = group(file, 3) == null ? "wasi" : group(file, 3);
      functionsAdded +=
          functions.registerBundled(name, abi, bytes.get(file), shipped.get(name)).isPresent()
              ? 1
              : 0;
    }
    List<String> files = index("workflows/index.txt");
    long workflowsAdded = 0;
    for (String file : files) {
      String yaml = new String(read("workflows/" + file), StandardCharsets.UTF_8);
      workflowsAdded += workflows.submitBundled(yaml).isPresent() ? 1 : 0;
    }
    Log.infof(
        "bundled content: %d of %d function modules, %d of %d workflows in place",
        functionsAdded, modules.size(), workflowsAdded, files.size());
  }

  private static String group(String file, int group) {
    Matcher m = MODULE.matcher(file);
    if (!m.matches()) {
      throw new IllegalStateException(
          "bundled module "
              + file
              + " is not named <name>-v<version>.wasm (or .extism.wasm for a plug-in)");
    }
    return m.group(group);
  }

  private static List<String> index(String path) {
    return new String(read(path), StandardCharsets.UTF_8)
        .lines()
        .map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  private static byte[] read(String path) {
    try (InputStream in =
        Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("bundled resource " + path + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
