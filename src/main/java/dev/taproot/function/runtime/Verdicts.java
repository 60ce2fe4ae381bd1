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

  /**
   * How a guest run ended: {@code failure} is null when the entry point returned, and {@code
   * returned} is what a plug-in function returned then.
   */
  record Ending(
      CompiledFunction function,
      Limits limits,
      Throwable failure,
      boolean timedOut,
      Duration elapsed,
      Invocation.Entry entry,
      int returned) {

    /** The plug-in function called, or null for a wasi command. */
    String export() {
      return entry instanceof Invocation.Entry.Plugin plugin ? plugin.export() : null;
    }
  }

  /** Thrown when an execution names a plug-in function the module does not export. */
  static final class UncallableExport extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncallableExport(String message) {
      super(message, null, false, false);
    }
  }

  private static final Logger LOG = Logger.getLogger(Verdicts.class);

  /** How much of the stderr tail a failure message repeats (the full tail is in the logs). */
  static final int MESSAGE_LOG_CHARS = 2048;

  private final JsonOutput json;

  Verdicts(JsonOutput json) {
    this.json = json;
  }

  ExecutionResult judge(Ending ending, WasiSandbox sandbox, MemoryGuard memory) {
    Judgement judgement = new Judgement(ending, sandbox.stderr().text(), memory, sandbox.kernel());
    Throwable failure = ending.failure();
    if (failure == null || failure instanceof WasiExitException exit && exit.exitCode() == 0) {
      if (ending.export() != null) {
        return judgement.pluginReturned(failure == null ? ending.returned() : 0, json);
      }
      return judgement.output(
          json.parse(sandbox.stdout().toByteArray()), sandbox.stdout().toByteArray());
    }
    UncallableExport uncallable = cause(failure, UncallableExport.class);
    if (uncallable != null) {
      return judgement.fail(
          FailureCode.TRAP,
          "cannot call the plug-in: "
              + uncallable.getMessage()
              + "; name one of those in the alias's export:, or run a version that exports it");
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
    private final ExtismKernel kernel;

    /**
     * @param kernel the plug-in's kernel, or null for a wasi command (or a plug-in stopped before
     *     its kernel started)
     */
    Judgement(Ending ending, String logs, MemoryGuard memory, ExtismKernel kernel) {
      this.ending = ending;
      this.logs = logs;
      this.memory = memory;
      this.kernel = kernel;
    }

    ExecutionResult output(JsonOutput.Parsed parsed, byte[] bytes) {
      if (parsed instanceof JsonOutput.Value value) {
        return new Succeeded(value.node(), bytes, logs, ending.elapsed());
      }
      return fail(
          FailureCode.BAD_OUTPUT,
          ((JsonOutput.Invalid) parsed).reason()
              + (plugin()
                  ? " Give output_set only the JSON output and log with the PDK's log functions."
                  : " Print only the JSON output to stdout and write logs to stderr."));
    }

    /**
     * A plug-in function returned {@code code}: non-zero, or an error set with {@code error_set},
     * is the plug-in's own failure; otherwise its output is what it gave {@code output_set}.
     */
    ExecutionResult pluginReturned(int code, JsonOutput json) {
      String error = kernel.error();
      String function = "plug-in function '" + ending.export() + "'";
      if (code != 0 || error != null) {
        String how =
            code != 0 ? function + " returned " + code : function + " returned 0 but set an error";
        if (limitReached()) {
          return outOfMemory(how);
        }
        return fail(
            FailureCode.EXIT,
            how
                + (error == null
                    ? " without setting an error; the plug-in reported a failure itself."
                    : ": " + error)
                + tail());
      }
      byte[] bytes = kernel.output();
      if (bytes == null) {
        return fail(
            FailureCode.BAD_OUTPUT,
            function
                + " returned 0 without calling output_set: a plug-in's output is the bytes it"
                + " gives output_set, one JSON value.");
      }
      return output(json.parse(bytes, JsonOutput.Source.PLUGIN), bytes);
    }

    private boolean plugin() {
      return ending.export() != null;
    }

    private boolean limitReached() {
      return memory.limitReached() || kernel != null && kernel.refusal() != null;
    }

    Failed exited(int code) {
      String exited = "exited with code " + code;
      if (limitReached()) {
        return outOfMemory(exited);
      }
      return fail(FailureCode.EXIT, exited + ": the function reported a failure itself." + tail());
    }

    Failed trapped(String trap) {
      if (limitReached()) {
        return outOfMemory("trapped: " + trap);
      }
      String error = kernel == null ? null : kernel.error();
      return fail(
          FailureCode.TRAP,
          "trapped: "
              + trap
              + (error == null ? "" : " (the plug-in had set the error: " + error + ")")
              + ". A trap is the function crashing (a panic, abort(), an out-of-bounds access,"
              + " `unreachable`); its "
              + (plugin() ? "log" : "stderr")
              + " usually says why."
              + tail());
    }

    Failed timedOut() {
      String refused =
          limitReached()
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
          (plugin() ? "the plug-in's output (output_set)" : "stdout")
              + " passed the output limit of "
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
          (memory.limitReached() ? memory.describeRefusal() : kernel.describeRefusal())
              + " ("
              + how
              + "). Raise the step's memory limit, or make the function use less memory."
              + tail());
    }

    /** The end of stderr (a plug-in's log) for a message; the logs keep all of it anyway. */
    private String tail() {
      String name = plugin() ? "The log" : "Stderr";
      if (logs.isEmpty()) {
        return " " + name + " was empty.";
      }
      int from = Math.max(0, logs.length() - MESSAGE_LOG_CHARS);
      if (from > 0 && Character.isLowSurrogate(logs.charAt(from))) {
        from++;
      }
      return (from > 0 ? " " + name + " ends with:\n…" : " " + name + ":\n") + logs.substring(from);
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
