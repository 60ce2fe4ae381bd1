package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.WasmException;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.UnlinkableException;
import dev.taproot.function.FailureCode;
import dev.taproot.function.runtime.ExecutionResult.Failed;
import dev.taproot.function.runtime.ExecutionResult.Succeeded;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Turns how a guest ended into an {@link ExecutionResult} whose message says what happened and what
 * to check. The order of the checks matters: an exit code is the guest's own verdict and wins; a
 * timeout or a limit explains whatever exception the guest was stopped with; and a crash after the
 * memory limit refused a grow is the limit's doing, not a bug.
 */
final class Verdicts {

  /** How a guest run ended: {@code failure} is null when {@code _start} returned. */
  record Ending(
      CompiledFunction function,
      Limits limits,
      Throwable failure,
      boolean timedOut,
      Duration elapsed) {}

  private static final Logger LOG = Logger.getLogger(Verdicts.class);

  /** How much of the stderr tail a failure message repeats (the full tail is in the logs). */
  static final int MESSAGE_LOG_CHARS = 2048;

  private final JsonOutput json;

  Verdicts(JsonOutput json) {
    this.json = json;
  }

  ExecutionResult judge(Ending ending, WasiSandbox sandbox, MemoryGuard memory) {
    Judgement judgement = new Judgement(ending, sandbox.stderr().text(), memory);
    Throwable failure = ending.failure();
    if (failure == null || failure instanceof WasiExitException exit && exit.exitCode() == 0) {
      return judgement.output(json.parse(sandbox.stdout().toByteArray()), sandbox);
    }
    if (failure instanceof WasiExitException exit) {
      return judgement.exited(exit.exitCode());
    }
    if (ending.timedOut()) {
      return judgement.timedOut();
    }
    if (cause(failure, BoundedOutput.LimitExceeded.class) != null) {
      return judgement.outputLimit();
    }
    MemoryGuard.InitialMemoryTooLarge tooLarge =
        cause(failure, MemoryGuard.InitialMemoryTooLarge.class);
    if (tooLarge != null) {
      return judgement.fail(FailureCode.MEMORY_LIMIT, tooLarge.getMessage());
    }
    if (isInterruption(failure)) {
      // Interrupted, but not by the watchdog: a cancellation. The flag is the caller's; keep it.
      Thread.currentThread().interrupt();
      return judgement.fail(
          FailureCode.CANCELLED,
          "cancelled: the thread running the function was interrupted after "
              + Units.duration(ending.elapsed()));
    }
    if (isTrap(failure)) {
      return judgement.trapped(trapMessage(failure));
    }
    if (failure instanceof OutOfMemoryError) {
      return judgement.heapExhausted();
    }
    return internal(ending.function(), failure, judgement.logs, ending.elapsed());
  }

  Failed internal(CompiledFunction function, Throwable failure, String logs, Duration elapsed) {
    LOG.errorf(failure, "Unexpected failure running function %s", function.digest());
    return new Failed(
        FailureCode.INTERNAL,
        "internal error in Taproot's Wasm runtime ("
            + failure.getClass().getName()
            + ": "
            + failure.getMessage()
            + "); this is not the function's fault, see the service log",
        logs,
        elapsed);
  }

  /** The verdict on one ending, with what every message needs at hand. */
  private static final class Judgement {
    private final Ending ending;
    private final String logs;
    private final MemoryGuard memory;

    Judgement(Ending ending, String logs, MemoryGuard memory) {
      this.ending = ending;
      this.logs = logs;
      this.memory = memory;
    }

    ExecutionResult output(JsonOutput.Parsed parsed, WasiSandbox sandbox) {
      if (parsed instanceof JsonOutput.Value value) {
        return new Succeeded(value.node(), sandbox.stdout().toByteArray(), logs, ending.elapsed());
      }
      return fail(
          FailureCode.BAD_OUTPUT,
          ((JsonOutput.Invalid) parsed).reason()
              + " Print only the JSON output to stdout and write logs to stderr.");
    }

    Failed exited(int code) {
      String exited = "exited with code " + code;
      if (memory.limitReached()) {
        return outOfMemory(exited);
      }
      return fail(FailureCode.EXIT, exited + ": the function reported a failure itself." + tail());
    }

    Failed trapped(String trap) {
      if (memory.limitReached()) {
        return outOfMemory("trapped: " + trap);
      }
      return fail(
          FailureCode.TRAP,
          "trapped: "
              + trap
              + ". A trap is the function crashing (a panic, abort(), an out-of-bounds access,"
              + " `unreachable`); its stderr usually says why."
              + tail());
    }

    Failed timedOut() {
      String refused =
          memory.limitReached()
              ? " Before that, the memory limit of "
                  + Units.bytes(ending.limits().memoryBytes())
                  + " refused it memory."
              : "";
      return fail(
          FailureCode.TIMEOUT,
          "timed out: still running after "
              + Units.duration(ending.elapsed())
              + ", past the limit of "
              + Units.duration(ending.limits().timeout())
              + "; check for an endless loop or a wait that never ends, or raise the step's"
              + " timeout."
              + refused
              + tail());
    }

    Failed outputLimit() {
      return fail(
          FailureCode.OUTPUT_LIMIT,
          "stdout passed the output limit of "
              + Units.bytes(ending.limits().outputBytes())
              + ", so the function was stopped; check for a print loop that never ends, or raise"
              + " the step's output limit."
              + tail());
    }

    Failed heapExhausted() {
      LOG.errorf(
          "Java heap exhausted while running function %s (memory limit %s)",
          ending.function().digest(), Units.bytes(ending.limits().memoryBytes()));
      return fail(
          FailureCode.INTERNAL,
          "the service ran out of Java heap while running the function; its memory limit is"
              + " within bounds, so the service needs more heap or fewer parallel executions");
    }

    Failed fail(FailureCode code, String message) {
      return new Failed(code, message, logs, ending.elapsed());
    }

    private Failed outOfMemory(String how) {
      return fail(
          FailureCode.MEMORY_LIMIT,
          memory.describeRefusal()
              + " ("
              + how
              + "). Raise the step's memory limit, or make the function use less memory."
              + tail());
    }

    /** The end of stderr for a message; the logs keep all of it anyway. */
    private String tail() {
      if (logs.isEmpty()) {
        return " Stderr was empty.";
      }
      int from = Math.max(0, logs.length() - MESSAGE_LOG_CHARS);
      if (from > 0 && Character.isLowSurrogate(logs.charAt(from))) {
        from++;
      }
      return (from > 0 ? " Stderr ends with:\n…" : " Stderr:\n") + logs.substring(from);
    }
  }

  /**
   * Chicory reports an interrupt in several ways: ChicoryInterruptedException from guest code, a
   * plain ChicoryException("Thread interrupted") from random_get, and one wrapping the
   * InterruptedException (which cleared the flag) from poll_oneoff's sleep.
   */
  private static boolean isInterruption(Throwable failure) {
    return Thread.currentThread().isInterrupted()
        || cause(failure, ChicoryInterruptedException.class) != null
        || cause(failure, InterruptedException.class) != null;
  }

  /** What the guest can cause: Wasm traps, uncaught Wasm exceptions, a too-deep call stack. */
  private static boolean isTrap(Throwable failure) {
    if (failure instanceof InvalidException || failure instanceof UnlinkableException) {
      // The module was validated and linked at registration: these are ours.
      return false;
    }
    return failure instanceof ChicoryException
        || failure instanceof WasmException
        || failure instanceof StackOverflowError;
  }

  private static String trapMessage(Throwable failure) {
    if (failure instanceof StackOverflowError) {
      return "call stack exhausted (endless recursion?)";
    }
    if (failure instanceof WasmException exception) {
      return "uncaught WebAssembly exception (tag " + exception.tagIdx() + ")";
    }
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }

  private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
