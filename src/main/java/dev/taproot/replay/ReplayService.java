package dev.taproot.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.CheckpointValues;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.definition.FunctionAlias;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.engine.ExecutionRunner;
import dev.taproot.engine.PinnedFunction;
import dev.taproot.error.ConflictException;
import dev.taproot.error.NotFoundException;
import dev.taproot.function.FunctionRefs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;

/**
 * Dry runs of a recorded execution: the same input (or an edited one), the recorded clock, seed and
 * attempt, the recorded module (or another version). Writes nothing.
 */
@ApplicationScoped
public class ReplayService {
  private final ExecutionStore checkpoints;
  private final CheckpointValues checkpointValues;
  private final WorkflowCatalog catalog;
  private final ExecutionRunner runner;
  private final ReplayPool pool;

  ReplayService(
      ExecutionStore checkpoints,
      CheckpointValues checkpointValues,
      WorkflowCatalog catalog,
      ExecutionRunner runner,
      ReplayPool pool) {
    this.pool = pool;
    this.checkpoints = checkpoints;
    this.checkpointValues = checkpointValues;
    this.catalog = catalog;
    this.runner = runner;
  }

  /** What a replay produced next to what was recorded. */
  public record Result(
      String runId,
      String step,
      String key,
      int attempt,
      String functionRef,
      String functionDigest,
      boolean recordedInput,
      JsonNode input,
      String status,
      JsonNode output,
      String errorCode,
      String errorMessage,
      String logs,
      String recordedStatus,
      JsonNode recordedOutput,
      boolean identical,
      List<JsonDiff.Change> diff) {}

  public Result replay(
      StoredRun run, String step, String key, String functionRef, JsonNode editedInput) {
    WorkflowDefinition def = catalog.definition(run.workflow(), run.version());
    StepDefinition stepDef = def.stepNamed(step);
    List<Checkpoint> attempts = checkpoints.attempts(run.id(), new ItemRef(step, key));
    Checkpoint recorded =
        attempts.stream().filter(r -> r.inputDigest() != null).reduce((a, b) -> b).orElse(null);
    if (recorded == null) {
      if (attempts.isEmpty()) {
        throw new NotFoundException(
            "step '" + step + "' of run " + run.id() + " has no item '" + key + "'");
      }
      Outcome last = attempts.get(attempts.size() - 1).outcome();
      throw new ConflictException(
          "item "
              + key
              + " of step "
              + step
              + " was never executed ("
              + last.status().id()
              + (last.message() == null ? "" : ": " + last.message())
              + "), so there is no recorded input to replay; redrive the run instead");
    }
    FunctionAlias alias = def.functions().get(stepDef.function());
    PinnedFunction fn =
        functionRef == null
            ? PinnedFunction.of(
                alias.alias(),
                recorded.function().ref(),
                recorded.function().digest(),
                alias.env(),
                abiOf(recorded.function().ref(), alias),
                alias.export())
            : override(alias, functionRef);
    CheckpointValues.InputAndOutput recordedValues = checkpointValues.of(recorded);
    JsonNode recordedInputValue = recordedValues.input();
    if (recordedInputValue == null) {
      throw new java.util.NoSuchElementException(
          "the recorded input "
              + recorded.inputDigest()
              + " of "
              + recorded.attempt()
              + " is lost");
    }
    JsonNode input = editedInput == null ? recordedInputValue : editedInput;
    JsonNode recordedOutput = recordedValues.output();
    ExecutionRunner.Attempted replayed =
        pool.run(
            () ->
                runner.invoke(
                    stepDef,
                    fn,
                    Payload.of(input),
                    ExecutionRunner.taprootEnv(run.id(), step, key, recorded.attempt().number()),
                    recorded.timing().startedAt(),
                    recorded.guest().seed()));
    Outcome outcome = replayed.outcome();
    JsonNode output = replayed.output() == null ? null : replayed.output().value();
    boolean identical = identical(recorded, replayed);
    return new Result(
        run.id(),
        step,
        key,
        recorded.attempt().number(),
        fn.ref(),
        fn.digest(),
        editedInput == null,
        input,
        outcome.status().id(),
        output,
        outcome.code() == null ? null : outcome.code().name(),
        outcome.message(),
        replayed.logs(),
        recorded.outcome().status().id(),
        recordedOutput,
        identical,
        JsonDiff.diff(recordedOutput, output));
  }

  /**
   * The same output for a recorded success; for a recorded failure, the same code, message and logs
   * (SPEC §4).
   */
  private static boolean identical(Checkpoint recorded, ExecutionRunner.Attempted replayed) {
    Outcome was = recorded.outcome();
    Outcome now = replayed.outcome();
    if (was instanceof Outcome.Succeeded s) {
      return now instanceof Outcome.Succeeded n && n.outputDigest().equals(s.outputDigest());
    }
    return was.status() == now.status()
        && was.code() == now.code()
        && Objects.equals(was.message(), now.message())
        && Objects.equals(logs(recorded.guest().logs()), logs(replayed.logs()));
  }

  private static String logs(String logs) {
    return logs == null ? "" : logs;
  }

  /**
   * The ABI of the function that made a checkpoint: the alias's, unless a redrive ran another
   * version, which is read from the registry.
   */
  private static String abiOf(String recordedRef, FunctionAlias alias) {
    if (recordedRef.equals(alias.ref())) {
      return alias.resolved().abi();
    }
    FunctionRefs.Resolution r =
        QuarkusTransaction.joiningExisting().call(() -> FunctionRefs.resolve(recordedRef));
    return r instanceof FunctionRefs.Resolution.Found f ? f.version().abi : alias.resolved().abi();
  }

  private static PinnedFunction override(FunctionAlias alias, String ref) {
    FunctionRefs.Resolution r =
        QuarkusTransaction.joiningExisting().call(() -> FunctionRefs.resolve(ref));
    if (r instanceof FunctionRefs.Resolution.Found f) {
      return PinnedFunction.of(
          alias.alias(),
          f.version().ref(),
          f.version().digest,
          alias.env(),
          f.version().abi,
          alias.export());
    }
    throw new NotFoundException(
        "function " + ref + ": " + ((FunctionRefs.Resolution.Missing) r).reason());
  }
}
