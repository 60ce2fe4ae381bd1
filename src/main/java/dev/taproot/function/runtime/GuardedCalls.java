package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;

/**
 * Host functions (WASI and the Extism kernel) under one rule: what a guest's bad arguments make a
 * host function throw is the guest's fault, so it becomes a trap naming the call instead of passing
 * for a fault of the runtime.
 */
final class GuardedCalls {
  private GuardedCalls() {}

  /**
   * @param call how the message names the call, e.g. {@code "WASI call fd_write"}
   * @param caller who passed the arguments, e.g. {@code "the function"}
   */
  static WasmFunctionHandle guarded(String call, String caller, WasmFunctionHandle handle) {
    return (instance, args) -> {
      try {
        return handle.apply(instance, args);
      } catch (ChicoryException | BoundedOutput.LimitExceeded e) {
        throw e; // exits, interrupts, traps and our own limits mean what they say
      } catch (RuntimeException e) {
        throw new WasmRuntimeException(
            call + " failed on the arguments " + caller + " passed (" + e + ")");
      }
    };
  }
}
