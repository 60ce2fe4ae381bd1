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
    WorkflowDefinition def = result.definition();
    Submitted stored =
        VersionRace.store(
            "the submission of workflow " + def.name(),
            () -> {
              WorkflowVersionEntity entity = new WorkflowVersionEntity();
              entity.name = def.name();
              entity.version =
                  WorkflowVersionEntity.latest(def.name()).map(v -> v.version + 1).orElse(1);
              entity.description = def.description();
              entity.yaml = result.pinnedYaml();
              entity.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
              entity.persist();
              return new Submitted(entity.name, entity.version);
            });
    parsed.put(key(stored.name(), stored.version()), def);
    Log.infof(
        "workflow %s version %d stored (%d steps)",
        stored.name(), stored.version(), def.steps().size());
    return stored;
  }

  /**
   * Stores the definition unless the latest version of its workflow already says the same (refs
   * pinned the same way), so bundled workflows do not gain a version at every start.
   */
  public Submitted submitIfChanged(String yaml) {
    ParsedDefinition result =
        QuarkusTransaction.joiningExisting()
            .call(() -> DefinitionParser.parse(yaml, WorkflowCatalog::resolve));
    Optional<Submitted> same =
        QuarkusTransaction.joiningExisting()
            .call(
                () ->
                    WorkflowVersionEntity.latest(result.definition().name())
                        .filter(latest -> latest.yaml.equals(result.pinnedYaml()))
                        .map(latest -> new Submitted(latest.name, latest.version)));
    return same.orElseGet(() -> store(result));
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
