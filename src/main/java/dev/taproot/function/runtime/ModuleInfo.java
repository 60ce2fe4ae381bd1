package dev.taproot.function.runtime;

import java.util.List;

/**
 * What registration reports about a valid module.
 *
 * @param exports the names the module exports, in module order
 * @param imports the functions it imports, as {@code module.name}
 * @param size the module's size in bytes
 */
public record ModuleInfo(List<String> exports, List<String> imports, long size) {
  public ModuleInfo {
    exports = List.copyOf(exports);
    imports = List.copyOf(imports);
  }
}
