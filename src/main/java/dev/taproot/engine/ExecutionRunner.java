package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.AttemptRef;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.FaultInjection;
import dev.taproot.checkpoint.FunctionUsed;
import dev.taproot.checkpoint.Guest;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.SpanRef;
import dev.taproot.checkpoint.StoreException;
import dev.taproot.checkpoint.Timing;
import dev.taproot.definition.Contract;
import dev.taproot.definition.StepDefinition;
import dev.taproot.expression.Bindings;
import dev.taproot.expression.ExpressionException;
import dev.taproot.function.FailureCode;
import dev.taproot.function.runtime.CompiledFunction;
import dev.taproot.function.runtime.ExecutionResult;
import dev.taproot.function.runtime.Invocation;
import dev.taproot.function.runtime.Limits;
import dev.taproot.function.runtime.WasmRuntime;
import dev.taproot.telemetry.ExecutionTracing;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Runs one attempt on the calling worker thread and turns what happened into a checkpoint. */
@ApplicationScoped
public class ExecutionRunner {
  private final WasmRuntime runtime;
  private final CompiledFunctions functions;
  private final ExecutionTracing tracing;

  ExecutionRunner(WasmRuntime runtime, CompiledFunctions functions, ExecutionTracing tracing) {
    this.runtime = runtime;
    this.functions = functions;
    this.tracing = tracing;
  }

  ExecutionRecord run(ExecutionTask task) {
    RunContext ctx = task.run().ctx;
    StepDefinition def = task.step().def;
    PinnedFunction fn = ctx.function(def.function());
    Instant started = Instant.now().truncatedTo(ChronoUnit.MICROS);
    long startNanos = System.nanoTime();
    long queuedMicros = (startNanos - task.readyNanos()) / 1_000;
    long seed = ThreadLocalRandom.current().nextLong();
    Attempted attempted = attempt(task, def, fn, started, seed);
    FaultInjection.reach(FaultInjection.Point.AFTER_FUNCTION_RETURNED);
    long durationMicros = (System.nanoTime() - startNanos) / 1_000;
    Instant finished = started.plus(durationMicros, ChronoUnit.MICROS);
    Checkpoint row =
        new Checkpoint(
            attemptRef(task),
            task.item().order,
            new FunctionUsed(fn.ref(), fn.digest()),
            digest(attempted.input()),
            attempted.outcome(),
            new Guest(seed, attempted.logs()),
            new Timing(started, finished, durationMicros, queuedMicros),
            new SpanRef(ctx.traceId, null));
    String spanId =
        tracing.execution(
            new ExecutionTracing.ExecutionSpan(
                row,
                ctx.workflow,
                attempted.callStarted(),
                attempted.callEnded(),
                new ExecutionTracing.Links(
                    task.step().spanId == null ? ctx.spanId : task.step().spanId,
                    task.upstreamSpanIds(),
                    task.item().replacedSpanId,
                    task.item().lastError)));
    return new ExecutionRecord(
        ctx.lease,
        row.withSpanId(spanId),
        ctx.workflow,
        attempted.input(),
        attempted.output(),
        task.edges(),
        inputRecord(task, attempted.input()));
  }

  /** The key of the upload record the input is, byte for byte; null when it is not one. */
  private static Integer inputRecord(ExecutionTask task, Payload input) {
    String record = task.inputs().itemRecordDigest();
    return record != null && input != null && record.equals(input.digest())
        ? Integer.valueOf(task.item().key)
        : null;
  }

  private static AttemptRef attemptRef(ExecutionTask task) {
    return new AttemptRef(
        task.run().ctx.runId, new ItemRef(task.step().id(), task.item().key), task.attempt());
  }

  private static String digest(Payload p) {
    return p == null ? null : p.digest();
  }

  /**
   * The checkpoint of an attempt the engine itself could not carry out, so the item does not hang.
   */
  ExecutionRecord internalFailure(ExecutionTask task, RuntimeException e) {
    return AttemptRecords.withoutCall(
        task.run().ctx,
        task.step(),
        task.item(),
        new Outcome.Failed(FailureCode.INTERNAL, "engine error: " + e),
        task.edges());
  }

  private Attempted attempt(
      ExecutionTask task, StepDefinition def, PinnedFunction fn, Instant started, long seed) {
    Payload input;
    try {
      input = Payload.of(def.input().evaluate(bindings(task)));
    } catch (ExpressionException e) {
      return Attempted.failed(
          null, FailureCode.EXPRESSION, "input of step " + def.id() + ": " + e.getMessage());
    } catch (StoreException | MissingPayloadException e) {
      return Attempted.failed(
          null, FailureCode.INTERNAL, "input of step " + def.id() + ": " + e.getMessage());
    }
    return invoke(
        def,
        fn,
        input,
        taprootEnv(task.run().ctx.runId, def.id(), task.item().key, task.attempt()),
        started,
        seed);
  }

  /**
   * Runs a step's function on a given input, with contracts, as an execution does; replays call it
   * with the recorded clock, seed and environment.
   */
  public Attempted invoke(
      StepDefinition def,
      PinnedFunction fn,
      Payload input,
      Map<String, String> taprootEnv,
      Instant clock,
      long seed) {
    List<String> violations = violations(def.inputContract(), input.value());
    if (!violations.isEmpty()) {
      return Attempted.failed(
          input,
          FailureCode.CONTRACT,
          "input violates contract.input of step "
              + def.id()
              + ": "
              + String.join("; ", violations));
    }
    Map<String, String> env = new HashMap<>(fn.env());
    env.putAll(taprootEnv);
    Invocation invocation =
        new Invocation(
            input.bytes(),
            env,
            clock,
            seed,
            new Limits(def.memoryBytes(), def.timeout(), def.outputBytes()),
            fn.entry());
    CompiledFunction compiled;
    try {
      compiled = functions.get(fn.digest());
    } catch (ModuleUnavailableException e) {
      return Attempted.failed(
          input, FailureCode.INTERNAL, "could not run " + fn.ref() + ": " + e.getMessage());
    }
    Instant callStarted = Instant.now();
    ExecutionResult result = runtime.execute(compiled, invocation);
    Instant callEnded = Instant.now();
    if (result instanceof ExecutionResult.Failed f) {
      return new Attempted(
          input, null, Outcome.failure(f.code(), f.message()), f.logs(), callStarted, callEnded);
    }
    ExecutionResult.Succeeded s = (ExecutionResult.Succeeded) result;
    Payload output = Payload.of(s.output());
    List<String> bad = violations(def.outputContract(), s.output());
    if (!bad.isEmpty()) {
      return new Attempted(
          input,
          output,
          new Outcome.Failed(
              FailureCode.CONTRACT,
              "output violates contract.output of step " + def.id() + ": " + String.join("; ", bad),
              output.digest()),
          s.logs(),
          callStarted,
          callEnded);
    }
    return new Attempted(
        input, output, new Outcome.Succeeded(output.digest()), s.logs(), callStarted, callEnded);
  }

  /** The variables every execution sees besides the alias's own (SPEC §3). */
  public static Map<String, String> taprootEnv(
      String runId, String step, String itemKey, int attempt) {
    return Map.of(
        "TAPROOT_RUN_ID",
        runId,
        "TAPROOT_STEP",
        step,
        "TAPROOT_ITEM_KEY",
        itemKey,
        "TAPROOT_ATTEMPT",
        Integer.toString(attempt));
  }

  private static List<String> violations(Contract contract, JsonNode value) {
    return contract == null ? List.of() : contract.violations(value);
  }

  /** Bindings for the step input, from the snapshot the task captured. */
  private static Bindings bindings(ExecutionTask task) {
    return new RunBindings(
        task.run().ctx,
        task::itemValue,
        () -> {
          Map<String, Object> steps = new HashMap<>();
          task.stepValues()
              .forEach(
                  (id, v) ->
                      steps.put(id, v instanceof FanIn f ? Map.of("items", f.celValue()) : v));
          return steps;
        });
  }

  /**
   * What one attempt produced: the payloads to store, how it ended, the guest's stderr, and when
   * the function itself ran (null when it did not).
   */
  public record Attempted(
      Payload input,
      Payload output,
      Outcome outcome,
      String logs,
      Instant callStarted,
      Instant callEnded) {
    static Attempted failed(Payload input, FailureCode code, String message) {
      return new Attempted(input, null, Outcome.failure(code, message), null, null, null);
    }
  }
}
