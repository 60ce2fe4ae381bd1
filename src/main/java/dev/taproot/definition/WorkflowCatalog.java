package dev.taproot.definition;

import dev.taproot.error.VersionRace;
import dev.taproot.function.FunctionNames;
import dev.taproot.function.FunctionRefs;
import dev.taproot.function.FunctionVersionEntity;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Accepts workflow submissions as new immutable versions and serves parsed definitions. */
@ApplicationScoped
public class WorkflowCatalog {
  private final Map<String, WorkflowDefinition> parsed = new ConcurrentHashMap<>();

  /** A stored version. */
  public record Submitted(String name, int version) {}

  /**
   * Parses, validates and stores a definition.
   *
   * @throws InvalidDefinitionException with every error found, each with its YAML line and path
   */
  public Submitted submit(String yaml) {
    ParsedDefinition result =
        QuarkusTransaction.joiningExisting()
            .call(() -> DefinitionParser.parse(yaml, WorkflowCatalog::resolve));
    return store(result);
  }

  /**
   * The next version, in a transaction of its own (again if another submission took it first);
   * cached only once committed, so the cache never holds a version the database does not.
   */
  private Submitted store(ParsedDefinition result) {
    Submitted stored =
        VersionRace.store(
            "the submission of workflow " + result.definition().name(),
            () -> insert(result, false));
    Log.infof(
        "workflow %s version %d stored (%d steps)",
        stored.name(), stored.version(), result.definition().steps().size());
    return cached(stored, result.definition());
  }

  private Submitted cached(Submitted stored, WorkflowDefinition def) {
    parsed.put(key(stored.name(), stored.version()), def);
    return stored;
  }

  private static Submitted insert(ParsedDefinition result, boolean bundled) {
    WorkflowDefinition def = result.definition();
    WorkflowVersionEntity entity = new WorkflowVersionEntity();
    entity.name = def.name();
    entity.version = WorkflowVersionEntity.latest(def.name()).map(v -> v.version + 1).orElse(1);
    entity.description = def.description();
    entity.yaml = result.pinnedYaml();
    entity.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    entity.bundled = bundled;
    entity.persist();
    return new Submitted(entity.name, entity.version);
  }

  /**
   * Stores a workflow shipped in the jar when its name holds only bundled versions and the latest
   * says something else, and only when every function it would run is bundled too: a bundled
   * example never goes on top of a user's workflow, nor runs a user's function.
   *
   * @return the stored version, the latest when it already says the same; empty when left out
   */
  public Optional<Submitted> submitBundled(String yaml) {
    ParsedDefinition result =
        QuarkusTransaction.joiningExisting()
            .call(() -> DefinitionParser.parse(yaml, WorkflowCatalog::resolve));
    WorkflowDefinition def = result.definition();
    List<String> usersFunctions =
        QuarkusTransaction.joiningExisting()
            .call(
                () ->
                    def.functions().values().stream()
                        .map(FunctionAlias::resolved)
                        .filter(f -> !FunctionVersionEntity.isBundled(f.name(), f.version()))
                        .map(f -> f.name() + "@" + f.version())
                        .toList());
    if (!usersFunctions.isEmpty()) {
      Log.warnf(
          "bundled workflow %s left out: it would run %s, registered by a user",
          def.name(), String.join(", ", usersFunctions));
      return Optional.empty();
    }
    Optional<Submitted> stored =
        VersionRace.store(
            "the submission of bundled workflow " + def.name(),
            () -> {
              String pinned = result.pinnedYaml();
              List<WorkflowVersionEntity> versions = WorkflowVersionEntity.versionsOf(def.name());
              // Rows stored before the mark existed are known by the shipped text they carry.
              if (versions.stream().anyMatch(v -> !v.bundled && !v.yaml.equals(pinned))) {
                return Optional.empty();
              }
              versions.forEach(v -> v.bundled = true);
              WorkflowVersionEntity latest =
                  versions.isEmpty() ? null : versions.get(versions.size() - 1);
              return Optional.of(
                  latest != null && latest.yaml.equals(pinned)
                      ? new Submitted(latest.name, latest.version)
                      : insert(result, true));
            });
    if (stored.isEmpty()) {
      Log.warnf(
          "bundled workflow %s left out: the name holds versions a user submitted", def.name());
    }
    return stored.map(s -> cached(s, def));
  }

  /** The function behind a ref, resolved against the registry at submit time. */
  static Resolution resolve(FunctionRef ref) {
    FunctionRefs.Resolution r = FunctionRefs.resolve(ref.toString());
    if (r instanceof FunctionRefs.Resolution.Found f) {
      return Resolution.found(toResolved(f.version()));
    }
    return Resolution.notFound(((FunctionRefs.Resolution.Missing) r).reason());
  }

  private static ResolvedFunction toResolved(FunctionVersionEntity v) {
    return new ResolvedFunction(
        v.name,
        v.version,
        v.digest,
        v.abi,
        v.exports.isEmpty() ? List.of() : List.of(v.exports.split(",")));
  }

  public List<String> names() {
    return WorkflowVersionEntity.<WorkflowVersionEntity>find(
            "select distinct name from WorkflowVersionEntity order by name")
        .project(String.class)
        .list();
  }

  public List<WorkflowVersionEntity> versions(String name) {
    FunctionNames.check("workflow", name);
    List<WorkflowVersionEntity> versions = WorkflowVersionEntity.versionsOf(name);
    if (versions.isEmpty()) {
      throw new UnknownWorkflowException(name);
    }
    return versions;
  }

  public WorkflowVersionEntity latest(String name) {
    FunctionNames.check("workflow", name);
    return WorkflowVersionEntity.latest(name).orElseThrow(() -> new UnknownWorkflowException(name));
  }

  public WorkflowVersionEntity version(String name, int version) {
    WorkflowVersionEntity latest = latest(name);
    return WorkflowVersionEntity.byVersion(name, version)
        .orElseThrow(() -> new UnknownWorkflowException(name, version, latest.version));
  }

  /**
   * The parsed definition of a stored version; its refs are pinned, so it parses the same forever.
   */
  public WorkflowDefinition definition(String name, int version) {
    return parsed.computeIfAbsent(
        key(name, version),
        k ->
            DefinitionParser.parse(version(name, version).yaml, WorkflowCatalog::resolve)
                .definition());
  }

  public Optional<WorkflowDefinition> cached(String name, int version) {
    return Optional.ofNullable(parsed.get(key(name, version)));
  }

  private static String key(String name, int version) {
    return name + "@" + version;
  }
}
