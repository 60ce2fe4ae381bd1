package dev.taproot.replay;

import dev.taproot.config.TaprootConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads replays run on, apart from the engine's workers and bounded: a burst of replays waits
 * in a short queue or is refused ({@link BusyException}, 429 with Retry-After) rather than taking
 * the cores the runs need.
 */
@ApplicationScoped
public class ReplayPool {
  private final ThreadPoolExecutor pool;
  private final Duration retryAfter;

  ReplayPool(TaprootConfig config) {
    TaprootConfig.Replay c = config.replay();
    int threads = c.workers().orElse(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            c.queue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(c.queue()),
            r -> {
              Thread t = new Thread(r, "taproot-replay-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.retryAfter = c.retryAfter();
  }

  /** Too many replays at once: try again after {@link #retryAfter()}. */
  public static final class BusyException extends RuntimeException {
    private final Duration retryAfter;

    BusyException(int threads, int queued, Duration retryAfter) {
      super(
          "too many replays at once ("
              + threads
              + " running, "
              + queued
              + " waiting, the most taproot.replay.workers and taproot.replay.queue allow);"
              + " try again in "
              + retryAfter.toSeconds()
              + " s");
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * Runs {@code replay} on the pool and waits for it.
   *
   * @throws BusyException when every thread is busy and the queue is full
   */
  <T> T run(Callable<T> replay) {
    Future<T> future;
    try {
      future = pool.submit(replay);
    } catch (RejectedExecutionException e) {
      throw new BusyException(pool.getMaximumPoolSize(), pool.getQueue().size(), retryAfter);
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a replay", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("replay failed", e.getCause());
    }
  }

  void onShutdown(@Observes ShutdownEvent event) {
    pool.shutdownNow();
  }
}
