package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Import;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WASI host functions, made once per module and shared by all its executions: each call finds
 * its execution's {@link WasiSandbox} through the instance's memory ({@link ExecutionMemory}).
 *
 * <p>What every guest calls (stdio, arguments, environment, clocks, randomness, exit) is ours, and
 * moves bytes between the sandbox and linear memory one whole iovec at a time. The rest is
 * Chicory's, bound to the sandbox's own {@code WasiPreview1} on first use.
 */
final class WasiHost {

  private static final int FILETYPE_UNKNOWN = 0;
  private static final long RIGHT_FD_READ = 1L << 1;
  private static final long RIGHT_FD_WRITE = 1L << 6;

  /** Ours, by name; anything not here is Chicory's. */
  private static final Map<String, WasmFunctionHandle> OURS = ours();

  private WasiHost() {}

  /**
   * The functions a module imports (WASI, and the Extism kernel's for plug-ins), in import order,
   * so that Chicory's linking (which runs on every instantiation) finds each one at once among
   * exactly these.
   */
  static ImportValues importsFor(WasmModule module) {
    List<HostFunction> functions = new ArrayList<>();
    for (int i = 0; i < module.importSection().importCount(); i++) {
      Import imported = module.importSection().getImport(i);
      if (imported.importType() != ExternalType.FUNCTION) {
        continue;
      }
      String name = imported.name();
      if (ExtismHost.MODULE.equals(imported.module())) {
        functions.add(ExtismHost.function(name));
        continue;
      }
      WasmFunctionHandle handle = OURS.get(name);
      if (handle == null) {
        int index = WasiCatalog.index(name);
        handle = (instance, args) -> chicory(instance, index).apply(instance, args);
      }
      functions.add(
          new HostFunction(
              WasiCatalog.MODULE, name, WasiCatalog.signature(name), guarded(name, handle)));
    }
    return ImportValues.builder().withFunctions(List.copyOf(functions)).build();
  }

  private static WasmFunctionHandle chicory(Instance instance, int index) {
    if (!(instance.memory() instanceof ExecutionMemory)) {
      // proc_raise or sched_yield in a module without memory: they touch no execution state.
      return WasiCatalog.uncalled(index).handle();
    }
    return ExecutionMemory.sandboxOf(instance).chicory(index).handle();
  }

  private static Map<String, WasmFunctionHandle> ours() {
    Map<String, WasmFunctionHandle> ours = new HashMap<>();
    ours.put("fd_read", WasiHost::fdRead);
    ours.put("fd_write", WasiHost::fdWrite);
    ours.put("fd_close", WasiHost::fdClose);
    ours.put("fd_renumber", WasiHost::fdRenumber);
    ours.put("fd_fdstat_get", WasiHost::fdFdstatGet);
    ours.put("fd_seek", WasiHost::fdSeek);
    ours.put("fd_prestat_get", (instance, args) -> result(WasiErrors.BADF));
    ours.put("args_sizes_get", (instance, args) -> sizes(instance, args, arguments(instance)));
    ours.put("args_get", (instance, args) -> strings(instance, args, arguments(instance)));
    ours.put("environ_sizes_get", (instance, args) -> sizes(instance, args, environment(instance)));
    ours.put("environ_get", (instance, args) -> strings(instance, args, environment(instance)));
    ours.put(
        VirtualClock.NAME,
        (instance, args) ->
            ExecutionMemory.sandboxOf(instance).clock().clockTimeGet(instance, args));
    ours.put(
        SeededRandom.NAME,
        (instance, args) -> ExecutionMemory.sandboxOf(instance).random().randomGet(instance, args));
    ours.put(
        "proc_exit",
        (instance, args) -> {
          throw new WasiExitException((int) args[0]);
        });
    ours.put("sched_yield", (instance, args) -> result(WasiErrors.SUCCESS));
    return Map.copyOf(ours);
  }

  /** Reads stdin into each iovec in turn, straight from the input bytes into memory. */
  private static long[] fdRead(Instance instance, long... args) {
    ExecutionMemory memory = (ExecutionMemory) instance.memory();
    WasiSandbox sandbox = memory.sandbox();
    if (sandbox.stream((int) args[0]) != WasiSandbox.Stream.STDIN) {
      return result(WasiErrors.BADF);
    }
    return eachIovec(memory, args, "fd_read", (base, len) -> sandbox.readInput(memory, base, len));
  }

  /** Writes each iovec to stdout or stderr, straight from memory, limits checked per iovec. */
  private static long[] fdWrite(Instance instance, long... args) {
    ExecutionMemory memory = (ExecutionMemory) instance.memory();
    WasiSandbox sandbox = memory.sandbox();
    WasiSandbox.Stream stream = sandbox.stream((int) args[0]);
    if (stream == WasiSandbox.Stream.STDOUT) {
      return eachIovec(
          memory, args, "fd_write", (base, len) -> sandbox.stdout().write(memory, base, len));
    }
    if (stream == WasiSandbox.Stream.STDERR) {
      return eachIovec(
          memory, args, "fd_write", (base, len) -> sandbox.stderr().write(memory, base, len));
    }
    return result(WasiErrors.BADF);
  }

  /** Moves the bytes of one iovec; returns how many it moved. */
  @FunctionalInterface
  private interface Transfer {
    int move(int base, int len);
  }

  /**
   * The iovec loop of fd_read and fd_write: {@code args} are (fd, iovs, iovs_len, result_ptr);
   * stops after an iovec that was not moved whole, and stores the total at result_ptr.
   */
  private static long[] eachIovec(
      ExecutionMemory memory, long[] args, String call, Transfer transfer) {
    int iovs = (int) args[1];
    int count = (int) args[2];
    int total = 0;
    for (int i = 0; i < count; i++) {
      int base = memory.readInt(iovs + 8 * i);
      int len = iovecLength(memory.readInt(iovs + 8 * i + 4), call);
      int moved = transfer.move(base, len);
      total += moved;
      if (moved < len) {
        break;
      }
    }
    memory.writeI32((int) args[3], total);
    return result(WasiErrors.SUCCESS);
  }

  private static long[] fdClose(Instance instance, long... args) {
    return result(
        ExecutionMemory.sandboxOf(instance).close((int) args[0])
            ? WasiErrors.SUCCESS
            : WasiErrors.BADF);
  }

  private static long[] fdRenumber(Instance instance, long... args) {
    return result(
        ExecutionMemory.sandboxOf(instance).renumber((int) args[0], (int) args[1])
            ? WasiErrors.SUCCESS
            : WasiErrors.BADF);
  }

  private static long[] fdFdstatGet(Instance instance, long... args) {
    ExecutionMemory memory = (ExecutionMemory) instance.memory();
    WasiSandbox.Stream stream = memory.sandbox().stream((int) args[0]);
    if (stream == null) {
      return result(WasiErrors.BADF);
    }
    int buf = (int) args[1];
    // Not a terminal (filetype unknown), no flags, only the right to read or to write.
    memory.writeLong(buf, FILETYPE_UNKNOWN);
    memory.writeLong(buf + 8, stream == WasiSandbox.Stream.STDIN ? RIGHT_FD_READ : RIGHT_FD_WRITE);
    memory.writeLong(buf + 16, 0);
    return result(WasiErrors.SUCCESS);
  }

  private static long[] fdSeek(Instance instance, long... args) {
    int whence = (int) args[2];
    if (whence < 0 || whence > 2) {
      return result(WasiErrors.INVAL);
    }
    // Pipes all three: nothing to seek.
    return result(
        ExecutionMemory.sandboxOf(instance).stream((int) args[0]) == null
            ? WasiErrors.BADF
            : WasiErrors.SPIPE);
  }

  private static List<byte[]> arguments(Instance instance) {
    return ExecutionMemory.sandboxOf(instance).arguments();
  }

  private static List<byte[]> environment(Instance instance) {
    return List.of(ExecutionMemory.sandboxOf(instance).environment());
  }

  /** {@code args_sizes_get} and {@code environ_sizes_get}: the count and the bytes with NULs. */
  private static long[] sizes(Instance instance, long[] args, List<byte[]> strings) {
    int bytes = 0;
    for (byte[] string : strings) {
      bytes += string.length + 1;
    }
    instance.memory().writeI32((int) args[0], strings.size());
    instance.memory().writeI32((int) args[1], bytes);
    return result(WasiErrors.SUCCESS);
  }

  /** {@code args_get} and {@code environ_get}: the pointers, and the NUL-terminated strings. */
  private static long[] strings(Instance instance, long[] args, List<byte[]> strings) {
    int pointers = (int) args[0];
    int buf = (int) args[1];
    for (byte[] string : strings) {
      instance.memory().writeI32(pointers, buf);
      pointers += 4;
      instance.memory().write(buf, string);
      buf += string.length;
      instance.memory().writeByte(buf++, (byte) 0);
    }
    return result(WasiErrors.SUCCESS);
  }

  private static int iovecLength(int len, String call) {
    if (len < 0) {
      // Chicory's WASI failed on these too (an array of negative size); a trap says it better.
      throw new WasmRuntimeException(
          "WASI call "
              + call
              + " failed on the arguments the function passed (an iovec of "
              + Integer.toUnsignedString(len)
              + " bytes)");
    }
    return len;
  }

  private static long[] result(int errno) {
    return new long[] {errno};
  }

  /** Chicory's WASI trusts some arguments: a bogus iovec length reaches new byte[negative]. */
  private static WasmFunctionHandle guarded(String name, WasmFunctionHandle handle) {
    return GuardedCalls.guarded("WASI call " + name, "the function", handle);
  }
}
