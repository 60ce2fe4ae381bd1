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
    FunctionNames.check("function", name);
    Abi abi = Abi.parse(abiName);
    long max = config.functions().maxModuleSize().asLongValue();
    if (module.length > max) {
      throw new ModuleTooLargeException(name, module.length, max);
    }
    if (module.length == 0) {
      throw new InvalidFunctionModuleException(
          name, "the request body is empty: send the module bytes as application/wasm");
    }
    ModuleInfo info;
    try {
      info = runtime.inspect(module, abi);
    } catch (InvalidModuleException e) {
      throw new InvalidFunctionModuleException(name, e.getMessage());
    }
    String digest = Digests.sha256(module);
    return VersionRace.store(
        "the registration of function " + name, () -> store(name, abi, module, digest, info));
  }

  private Registration store(String name, Abi abi, byte[] module, String digest, ModuleInfo info) {
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
