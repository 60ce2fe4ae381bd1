package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.FaultInjection;
import dev.taproot.checkpoint.Payload;
import dev.taproot.definition.Contract;
import dev.taproot.definition.StepDefinition;
import dev.taproot.expression.Bindings;
import dev.taproot.expression.CelValues;
import dev.taproot.function.FailureCode;
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
    Outcome outcome = attempt(task, def, fn, started, seed);
    FaultInjection.reach(FaultInjection.Point.AFTER_FUNCTION_RETURNED);
    long durationMicros = (System.nanoTime() - startNanos) / 1_000;
    Instant finished = started.plus(durationMicros, ChronoUnit.MICROS);
    String code = outcome.code() == null ? null : outcome.code().name();
    String spanId =
        tracing.execution(
            ctx.traceId,
            new ExecutionTracing.ExecutionSpan(
                ctx.runId,
                ctx.workflow,
                def.id(),
                task.item().key,
                task.attempt(),
                fn.ref(),
                fn.digest(),
                outcome.input() == null ? null : outcome.input().digest(),
                outcome.output() == null ? null : outcome.output().digest(),
                outcome.status(),
                code,
                outcome.message(),
                started,
                outcome.callStarted(),
                outcome.callEnded(),
                finished,
                task.step().spanId == null ? ctx.spanId : task.step().spanId,
                task.upstreamSpanIds(),
                task.item().replacedSpanId,
                task.item().lastError));
    return new ExecutionRecord(
        ctx.runId,
        ctx.workflow,
        def.id(),
        task.item().key,
        task.attempt(),
        task.item().order,
        outcome.status(),
        fn.ref(),
        fn.digest(),
        outcome.input(),
        outcome.output(),
        code,
        outcome.message(),
        outcome.logs(),
        seed,
        started,
        finished,
        durationMicros,
        queuedMicros,
        ctx.traceId,
        spanId,
        task.edges());
  }

  /**
   * The checkpoint of an attempt the engine itself could not carry out, so the item does not hang.
   */
  ExecutionRecord internalFailure(ExecutionTask task, RuntimeException e) {
    RunContext ctx = task.run().ctx;
    PinnedFunction fn = ctx.function(task.step().def.function());
    return ExecutionRecord.withoutCall(
        ctx.runId,
        ctx.workflow,
        task.step().id(),
        task.item().key,
        task.attempt(),
        task.item().order,
        ExecutionStatus.FAILED,
        fn.ref(),
        fn.digest(),
        FailureCode.INTERNAL.name(),
        "engine error: " + e,
        Instant.now().truncatedTo(ChronoUnit.MICROS),
        ctx.traceId,
        task.edges());
  }

  private Outcome attempt(
      ExecutionTask task, StepDefinition def, PinnedFunction fn, Instant started, long seed) {
    Payload input;
    try {
      input = Payload.of(def.input().evaluate(bindings(task)));
    } catch (RuntimeException e) {
      return Outcome.failed(
          null, FailureCode.EXPRESSION, "input of step " + def.id() + ": " + e.getMessage(), null);
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
  public Outcome invoke(
      StepDefinition def,
      PinnedFunction fn,
      Payload input,
      Map<String, String> taprootEnv,
      Instant clock,
      long seed) {
    List<String> violations = violations(def.inputContract(), input.value());
    if (!violations.isEmpty()) {
      return Outcome.failed(
          input,
          FailureCode.CONTRACT,
          "input violates contract.input of step "
              + def.id()
              + ": "
              + String.join("; ", violations),
          null);
    }
    Map<String, String> env = new HashMap<>(fn.env());
    env.putAll(taprootEnv);
    Invocation invocation =
        new Invocation(
            input.bytes(),
            env,
            clock,
            seed,
            new Limits(def.memoryBytes(), def.timeout(), def.outputBytes()));
    ExecutionResult result;
    Instant callStarted = Instant.now();
    try {
      result = runtime.execute(functions.get(fn.digest()), invocation);
    } catch (RuntimeException e) {
      return Outcome.failed(
          input, FailureCode.INTERNAL, "could not run " + fn.ref() + ": " + e.getMessage(), null);
    }
    Instant callEnded = Instant.now();
    if (result instanceof ExecutionResult.Failed f) {
      return new Outcome(
          ExecutionStatus.FAILED,
          input,
          null,
          f.code(),
          f.message(),
          f.logs(),
          callStarted,
          callEnded);
    }
    ExecutionResult.Succeeded s = (ExecutionResult.Succeeded) result;
    Payload output = Payload.of(s.output());
    List<String> bad = violations(def.outputContract(), s.output());
    if (!bad.isEmpty()) {
      return new Outcome(
          ExecutionStatus.FAILED,
          input,
          output,
          FailureCode.CONTRACT,
          "output violates contract.output of step " + def.id() + ": " + String.join("; ", bad),
          s.logs(),
          callStarted,
          callEnded);
    }
    return new Outcome(
        ExecutionStatus.SUCCEEDED, input, output, null, null, s.logs(), callStarted, callEnded);
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
    RunContext ctx = task.run().ctx;
    return new Bindings() {
      @Override
      public Object celValue(String variable) {
        return switch (variable) {
          case "input" -> ctx.inputCel();
          case "run" -> ctx.runCel();
          case "item" -> task.itemValue() == null ? null : CelValues.toCel(task.itemValue());
          case "steps" -> {
            Map<String, Object> steps = new HashMap<>();
            task.stepValues()
                .forEach(
                    (id, v) ->
                        steps.put(
                            id, v instanceof RunState.FanIn f ? Map.of("items", f.celValue()) : v));
            yield steps;
          }
          default -> null;
        };
      }

      @Override
      public JsonNode jsonValue(String variable) {
        return switch (variable) {
          case "input" -> ctx.input;
          case "item" -> task.itemValue();
          default -> null;
        };
      }
    };
  }

  /** What one attempt produced. */
  public record Outcome(
      ExecutionStatus status,
      Payload input,
      Payload output,
      FailureCode code,
      String message,
      String logs,
      Instant callStarted,
      Instant callEnded) {
    static Outcome failed(Payload input, FailureCode code, String message, String logs) {
      return new Outcome(ExecutionStatus.FAILED, input, null, code, message, logs, null, null);
    }
  }
}
