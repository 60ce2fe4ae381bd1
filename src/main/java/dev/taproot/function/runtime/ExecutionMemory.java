package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;

/**
 * One execution's linear memory, which also carries the execution's sandbox: host functions are
 * shared by every execution of a module, and find the state of the execution calling them through
 * the instance's memory instead of being rebuilt as closures over it.
 */
interface ExecutionMemory extends Memory {

  WasiSandbox sandbox();

  /** Copies {@code len} bytes at {@code addr} into {@code target}; traps when out of bounds. */
  void read(int addr, byte[] target, int offset, int len);

  /** Traps, worded as Chicory's memories word it, unless the range lies inside the memory. */
  default void checkRange(int addr, int len) {
    long limit = (long) pages() * PAGE_SIZE;
    if (addr < 0 || len < 0 || (long) addr + len > limit) {
      throw new WasmRuntimeException(
          "out of bounds memory access: attempted to access address: "
              + addr
              + " but limit is: "
              + limit
              + " and size: "
              + len);
    }
  }

  /** The execution has ended: nothing will touch this memory again. */
  void release();

  /** The sandbox of the execution an instance belongs to. */
  static WasiSandbox sandboxOf(Instance instance) {
    if (instance.memory() instanceof ExecutionMemory memory) {
      return memory.sandbox();
    }
    // The inspector lets only proc_exit, proc_raise and sched_yield be imported without a memory,
    // and none of them asks for the sandbox.
    throw new WasmRuntimeException("this WASI call needs the module to define a linear memory");
  }
}
