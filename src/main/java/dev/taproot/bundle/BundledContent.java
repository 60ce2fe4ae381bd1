package dev.taproot.bundle;

import dev.taproot.config.TaprootConfig;
import dev.taproot.definition.WorkflowCatalog;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  public void registerAll() {
    List<String> modules =
        index("functions/index.txt").stream()
            .sorted(
                Comparator.comparing((String f) -> group(f, 1))
                    .thenComparingInt(f -> Integer.parseInt(group(f, 2))))
            .toList();
    for (String file : modules) {
      String abi = group(file, 3) == null ? "wasi" : group(file, 3);
      functions.register(group(file, 1), abi, read("functions/" + file));
    }
    for (String file : index("workflows/index.txt")) {
      String yaml = new String(read("workflows/" + file), StandardCharsets.UTF_8);
      workflows.submitIfChanged(yaml);
    }
    Log.infof(
        "bundled content: %d functions, %d workflows",
        modules.size(), index("workflows/index.txt").size());
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
