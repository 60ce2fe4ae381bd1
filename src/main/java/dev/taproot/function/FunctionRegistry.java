package dev.taproot.function;

import dev.taproot.config.TaprootConfig;
import dev.taproot.error.VersionRace;
import dev.taproot.function.runtime.InvalidModuleException;
import dev.taproot.function.runtime.ModuleInfo;
import dev.taproot.function.runtime.WasmRuntime;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Validates modules, stores them content-addressed and numbers their versions per name. */
@ApplicationScoped
public class FunctionRegistry {
  private final WasmRuntime runtime;
  private final TaprootConfig config;

  FunctionRegistry(WasmRuntime runtime, TaprootConfig config) {
    this.runtime = runtime;
    this.config = config;
  }

  /** What a registration produced; {@code created} is false when the same bytes were known. */
  public record Registration(FunctionVersionEntity version, long size, boolean created) {}

  /**
   * Validates and compiles the module, then stores it as the next version of {@code name} (in a
   * transaction of its own, again if a registration of the same name took that version first).
   */
  public Registration register(String name, String abiName, byte[] module) {
    Checked m = check(name, abiName, module);
    return VersionRace.store(
        "the registration of function " + name, () -> store(name, module, m, false));
  }

  /**
   * Registers a module shipped in the jar, unless a user registered a version of {@code name}: a
   * bundled example never goes on top of a user's function.
   *
   * @param shipped the digests of every module the jar ships under {@code name}
   * @return empty when the name holds a user's version and nothing was stored
   */
  public Optional<Registration> registerBundled(
      String name, String abiName, byte[] module, Set<String> shipped) {
    Checked m = check(name, abiName, module);
    return VersionRace.store(
        "the registration of bundled function " + name,
        () -> {
          FunctionVersionEntity.markBundled(name, shipped);
          if (FunctionVersionEntity.hasUserVersion(name)) {
            Log.warnf(
                "bundled function %s left out: the name holds versions a user registered", name);
            return Optional.empty();
          }
          return Optional.of(store(name, module, m, true));
        });
  }

  /** A module that passed {@link #check}. */
  private record Checked(Abi abi, ModuleInfo info, String digest) {}

  /** Checks the name and the module, before any transaction is open. */
  private Checked check(String name, String abiName, byte[] module) {
    FunctionNames.check("function", name);
    Abi abi = Abi.parse(abiName);
    return new Checked(abi, inspect(name, abi, module), Digests.sha256(module));
  }

  private ModuleInfo inspect(String name, Abi abi, byte[] module) {
    long max = config.functions().maxModuleSize().asLongValue();
    if (module.length > max) {
      throw new ModuleTooLargeException(name, module.length, max);
    }
    if (module.length == 0) {
      throw new InvalidFunctionModuleException(
          name, "the request body is empty: send the module bytes as application/wasm");
    }
    try {
      return runtime.inspect(module, abi);
    } catch (InvalidModuleException e) {
      throw new InvalidFunctionModuleException(name, e.getMessage());
    }
  }

  private Registration store(String name, byte[] module, Checked m, boolean bundled) {
    Abi abi = m.abi();
    String digest = m.digest();
    ModuleInfo info = m.info();
    Optional<FunctionVersionEntity> same =
        FunctionVersionEntity.find("name = ?1 and digest = ?2 and abi = ?3", name, digest, abi.id())
            .firstResultOptional();
    if (same.isPresent()) {
      return new Registration(same.get(), module.length, false);
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    if (FunctionModuleEntity.findById(digest) == null) {
      FunctionModuleEntity stored = new FunctionModuleEntity();
      stored.digest = digest;
      stored.size = module.length;
      stored.bytes = module;
      stored.createdAt = now;
      stored.persist();
    }
    FunctionVersionEntity version = new FunctionVersionEntity();
    version.name = name;
    version.version = FunctionVersionEntity.latest(name).map(v -> v.version + 1).orElse(1);
    version.digest = digest;
    version.abi = abi.id();
    version.exports = String.join(",", info.exports());
    version.createdAt = now;
    version.bundled = bundled;
    version.persist();
    Log.infof("registered function %s (%s, %d bytes)", version.ref(), digest, module.length);
    return new Registration(version, module.length, true);
  }

  public List<String> names() {
    return FunctionVersionEntity.<FunctionVersionEntity>find(
            "select distinct name from FunctionVersionEntity order by name")
        .project(String.class)
        .list();
  }

  public List<FunctionVersionEntity> versions(String name) {
    FunctionNames.check("function", name);
    List<FunctionVersionEntity> versions = FunctionVersionEntity.versionsOf(name);
    if (versions.isEmpty()) {
      throw new UnknownFunctionException(name);
    }
    return versions;
  }

  public long moduleSize(String digest) {
    FunctionModuleEntity module = FunctionModuleEntity.findById(digest);
    return module == null ? 0 : module.size;
  }

  /** The module bytes of a digest; the caller compiles them (the runtime caches per digest). */
  public byte[] moduleBytes(String digest) {
    FunctionModuleEntity module = FunctionModuleEntity.findById(digest);
    if (module == null) {
      throw new UnknownFunctionException(digest);
    }
    return module.bytes;
  }
}
