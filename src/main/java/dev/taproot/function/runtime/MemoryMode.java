package dev.taproot.function.runtime;

/**
 * How a fresh execution gets its linear memory from the module's prepared image ({@link
 * MemoryImage}). Every mode gives each execution exactly the module's initial memory; they differ
 * only in when the bytes are copied and where the arrays come from. Benchmarks and tests choose one
 * explicitly; the service uses {@link #DEFAULT}.
 */
public enum MemoryMode {
  /**
   * Every initial page is copied from the image (zero pages freshly allocated) at instantiation.
   */
  COPY(false, false),
  /**
   * Like {@link #COPY}, but page arrays come from a pool shared by the runtime's executions and go
   * back to it when an execution ends; a reused page is overwritten from the image (or zero-filled)
   * before the guest sees it.
   */
  POOLED(false, true),
  /**
   * A page is copied from the image (or allocated zeroed) the first time the guest touches it, so
   * an execution pays only for the pages it uses; those earlier executions of the module touched
   * are copied at instantiation.
   */
  LAZY(true, false),
  /**
   * Like {@link #LAZY}, but the arrays come from the pool of {@link #POOLED} and go back to it: the
   * same copies without a fresh allocation for each (a quarter of the service's allocated bytes
   * under LAZY), overwritten from the image (or zero-filled) before the guest sees them.
   */
  LAZY_POOLED(true, true);

  /**
   * The fastest set-up in bench/runtime.sh, and the fewest allocated bytes; bench/engine.sh cannot
   * tell it from {@link #LAZY} (see docs/benchmarks.md).
   */
  public static final MemoryMode DEFAULT = LAZY_POOLED;

  private final boolean lazy;
  private final boolean pooled;

  MemoryMode(boolean lazy, boolean pooled) {
    this.lazy = lazy;
    this.pooled = pooled;
  }

  /** Whether chunks are copied on first touch (and the learned working set up front). */
  boolean lazy() {
    return lazy;
  }

  /** Whether chunk arrays come from, and go back to, the runtime's pool. */
  boolean pooled() {
    return pooled;
  }
}
