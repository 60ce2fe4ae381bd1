package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;

/**
 * Makes one execution's linear memory, holds it under its limit, and remembers whether the limit is
 * what refused the guest memory.
 *
 * <p>The memory is created with a maximum of the limit, so {@code memory.grow} past it returns -1
 * as the Wasm spec says; only grow checks it, never a load or a store. But a guest does not fail
 * there: its allocator returns NULL and the guest aborts (a trap) or exits non-zero a moment later,
 * which on its own would read as a crash. Remembering the refusal lets the failure be reported as
 * MEMORY_LIMIT instead, while a guest that copes with the refusal still succeeds.
 */
final class MemoryGuard {

  /** Thrown from instantiation when the module's initial memory is already over the limit. */
  static final class InitialMemoryTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InitialMemoryTooLarge(String message) {
      super(message, null, false, false);
    }
  }

  /** The first grow the limit refused: from {@code pages} to {@code requestedPages}. */
  record Refusal(int pages, long requestedPages) {}

  private final long limitBytes;
  private final int maxPages;
  private final MemoryImage image;
  private final MemoryMode mode;
  private final ChunkPool pool;
  private final WasiSandbox sandbox;
  private ExecutionMemory memory;
  private Refusal refusal;

  /**
   * @param image the module's prepared memory, or null to let Chicory initialize it per execution
   */
  MemoryGuard(
      Limits limits, MemoryImage image, MemoryMode mode, ChunkPool pool, WasiSandbox sandbox) {
    this.limitBytes = limits.memoryBytes();
    // Chicory's memories cannot pass RUNTIME_MAX_PAGES (2 GiB) whatever the limit says.
    this.maxPages = Math.min(limits.memoryPages(), Memory.RUNTIME_MAX_PAGES);
    this.image = image;
    this.mode = mode;
    this.pool = pool;
    this.sandbox = sandbox;
  }

  /** A memory factory for {@code Instance.Builder.withMemoryFactory}. */
  Memory create(MemoryLimits declared) {
    if (declared.initialPages() > maxPages) {
      throw new InitialMemoryTooLarge(
          "the module declares "
              + Units.pages(declared.initialPages())
              + " of initial memory, above the memory limit of "
              + Units.bytes(limitBytes)
              + "; raise the step's memory limit, or build the module with less initial memory"
              + " (e.g. -Wl,--initial-memory for C, a smaller stack with -z stack-size)");
    }
    int maximum = Math.min(declared.maximumPages(), maxPages);
    if (image != null && declared.equals(image.declared())) {
      memory = new LinearMemory(image, mode, pool, maximum, this, sandbox);
    } else {
      MemoryLimits enforced = new MemoryLimits(declared.initialPages(), maximum, declared.shared());
      memory =
          new GuardedMemory(new ByteBufferMemory(enforced), this, declared.maximumPages(), sandbox);
    }
    return memory;
  }

  /** The execution is over: its memory may give its pages back. */
  void release() {
    if (memory != null) {
      memory.release();
      memory = null;
    }
  }

  /** Called by a memory whose grow returned -1. */
  void refused(int currentPages, int delta, int declaredMaximum) {
    long requested = currentPages + Integer.toUnsignedLong(delta);
    // Refusals the module's own declared maximum causes are its own business, not our limit.
    if (requested > maxPages && requested <= declaredMaximum && refusal == null) {
      refusal = new Refusal(currentPages, requested);
    }
  }

  /** Whether the limit refused a grow in this execution. */
  boolean limitReached() {
    return refusal != null;
  }

  /** Explains the refusal, for a failure message; only meaningful when {@link #limitReached()}. */
  String describeRefusal() {
    Refusal r = refusal;
    return "the function ran out of memory: it asked to grow its linear memory from "
        + Units.pages(r.pages())
        + " to "
        + Units.pages(r.requestedPages())
        + ", over the memory limit of "
        + Units.bytes(limitBytes)
        + ", was refused, and then failed";
  }
}
