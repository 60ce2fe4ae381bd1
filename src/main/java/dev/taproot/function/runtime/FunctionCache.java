package dev.taproot.function.runtime;

import dev.taproot.cache.LruMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Compiled functions by digest, least recently used evicted first. Compiling costs milliseconds to
 * seconds, so when several threads ask for the same new digest at once one compiles and the others
 * wait for its result instead of compiling again.
 */
final class FunctionCache {

  /** Loads one function; may fail for a module that is not valid. */
  @FunctionalInterface
  interface Loader {
    CompiledFunction load() throws InvalidModuleException;
  }

  private final int capacity;
  private final Map<String, CompletableFuture<CompiledFunction>> entries;

  FunctionCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("cache capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.entries = new LruMap<>(capacity);
  }

  CompiledFunction get(String digest, Loader loader) throws InvalidModuleException {
    CompletableFuture<CompiledFunction> entry;
    boolean mine = false;
    synchronized (entries) {
      entry = entries.get(digest);
      if (entry == null) {
        entry = new CompletableFuture<>();
        entries.put(digest, entry);
        mine = true;
      }
    }
    if (mine) {
      return load(digest, entry, loader);
    }
    try {
      return entry.join();
    } catch (CompletionException e) {
      // Another thread's load failed: fail the same way it did.
      Throwable cause = e.getCause();
      if (cause instanceof InvalidModuleException) {
        throw new InvalidModuleException(cause.getMessage(), cause);
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  int capacity() {
    return capacity;
  }

  private CompiledFunction load(
      String digest, CompletableFuture<CompiledFunction> entry, Loader loader)
      throws InvalidModuleException {
    try {
      CompiledFunction function = loader.load();
      entry.complete(function);
      return function;
    } catch (InvalidModuleException | RuntimeException | Error e) {
      // Failures are not cached: the next request for this digest tries again.
      synchronized (entries) {
        entries.remove(digest, entry);
      }
      entry.completeExceptionally(e);
      throw e;
    }
  }
}
