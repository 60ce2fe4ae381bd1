package dev.taproot.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Who may import whom (ARCHITECTURE.md draws the same graph), read from the sources: a change that
 * makes a package reach where it should not fails here with the file that does it.
 */
class PackageRulesTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/taproot");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?(dev\\.taproot\\.[a-z]+)(?:\\.[a-z]+)*\\.([A-Z]\\w*)");

  /** Each package and the packages it may import; anything else is a violation. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("config", Set.of()),
          // small shared tools with no part in the domain (a bounded LRU map)
          Map.entry("cache", Set.of()),
          // the command line talks to the service over HTTP only: it is shaded alone into a jar
          Map.entry("cli", Set.of()),
          Map.entry("schema", Set.of()),
          Map.entry("error", Set.of()),
          Map.entry("expression", Set.of()),
          Map.entry("function", Set.of("cache", "config", "error")),
          Map.entry("checkpoint", Set.of("cache", "config", "error", "function")),
          Map.entry("definition", Set.of("error", "expression", "function")),
          Map.entry("telemetry", Set.of("checkpoint", "config", "function")),
          Map.entry(
              "engine",
              Set.of(
                  "cache",
                  "checkpoint",
                  "config",
                  "definition",
                  "error",
                  "expression",
                  "function",
                  "telemetry")),
          Map.entry("lineage", Set.of("checkpoint", "definition", "error", "expression")),
          Map.entry(
              "replay",
              Set.of("checkpoint", "config", "definition", "engine", "error", "function")),
          Map.entry("bundle", Set.of("config", "definition", "function")),
          Map.entry("demo", Set.of("checkpoint", "engine", "lineage")),
          // the web UI: pages over the same services as the JSON API, never the API itself
          Map.entry(
              "ui",
              Set.of(
                  "cache",
                  "checkpoint",
                  "config",
                  "definition",
                  "engine",
                  "error",
                  "function",
                  "lineage",
                  "replay")),
          Map.entry(
              "api",
              Set.of(
                  "checkpoint",
                  "config",
                  "definition",
                  "engine",
                  "error",
                  "function",
                  "lineage",
                  "replay",
                  "telemetry")));

  /** Types that stay inside their package, whatever the package rules allow. */
  private static final Map<String, String> PRIVATE_TYPES =
      Map.of("RunEntity", "checkpoint", "Jdbc", "checkpoint", "SqlDialect", "checkpoint");

  @Test
  void everyPackageImportsOnlyWhatItMay() {
    List<String> violations = new ArrayList<>();
    forEachImport(
        (file, from, to, type) -> {
          if (!from.equals(to) && !ALLOWED.getOrDefault(from, Set.of()).contains(to)) {
            violations.add(file + ": " + from + " imports " + to + "." + type);
          }
        });
    assertEquals(List.of(), violations);
  }

  @Test
  void everyPackageIsInTheRules() {
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(SOURCES)) {
      dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(new TreeSet<>(ALLOWED.keySet()), packages, "add a new package to ALLOWED");
  }

  @Test
  void entitiesAndSqlStayInTheirStores() {
    List<String> violations = new ArrayList<>();
    forEachImport(
        (file, from, to, type) -> {
          String home = PRIVATE_TYPES.get(type);
          if (home != null && home.equals(to) && !from.equals(home)) {
            violations.add(file + " imports " + to + "." + type);
          }
        });
    forEachFile(
        (file, text) -> {
          boolean sql = text.contains("import java.sql.") || text.contains("import javax.sql.");
          if (sql && !file.startsWith(SOURCES.resolve("checkpoint"))) {
            violations.add(file + " talks SQL outside the checkpoint stores");
          }
        });
    assertEquals(List.of(), violations);
  }

  @Test
  void thePackageGraphHasNoCycle() {
    Map<String, Set<String>> graph = new TreeMap<>();
    forEachImport(
        (file, from, to, type) -> {
          if (!from.equals(to)) {
            graph.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
          }
        });
    for (String start : graph.keySet()) {
      assertTrue(
          !reaches(graph, start, start, new TreeSet<>()),
          "package " + start + " depends on itself through " + graph);
    }
  }

  private static boolean reaches(
      Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
    for (String next : graph.getOrDefault(from, Set.of())) {
      if (next.equals(target)) {
        return true;
      }
      if (seen.add(next) && reaches(graph, next, target, seen)) {
        return true;
      }
    }
    return false;
  }

  private interface ImportVisitor {
    void visit(Path file, String fromPackage, String toPackage, String type);
  }

  private interface FileVisitor {
    void visit(Path file, String text);
  }

  private static void forEachImport(ImportVisitor visitor) {
    forEachFile(
        (file, text) -> {
          String from = SOURCES.relativize(file).getName(0).toString();
          for (String line : text.split("\n")) {
            Matcher m = IMPORT.matcher(line);
            if (m.find()) {
              visitor.visit(file, from, m.group(1).substring("dev.taproot.".length()), m.group(2));
            }
          }
        });
  }

  private static void forEachFile(FileVisitor visitor) {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        visitor.visit(file, Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
