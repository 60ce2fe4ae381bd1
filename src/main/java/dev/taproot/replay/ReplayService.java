package dev.taproot.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.CheckpointQueries;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.PayloadStore;
import dev.taproot.checkpoint.RunEntity;
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

/**
 * Dry runs of a recorded execution: the same input (or an edited one), the recorded clock, seed and
 * attempt, the recorded module (or another version). Writes nothing.
 */
@ApplicationScoped
public class ReplayService {
  private final CheckpointQueries checkpoints;
  private final PayloadStore payloads;
  private final WorkflowCatalog catalog;
  private final ExecutionRunner runner;

  ReplayService(
      CheckpointQueries checkpoints,
      PayloadStore payloads,
      WorkflowCatalog catalog,
      ExecutionRunner runner) {
    this.checkpoints = checkpoints;
    this.payloads = payloads;
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
      RunEntity run, String step, String key, String functionRef, JsonNode editedInput) {
    WorkflowDefinition def = catalog.definition(run.workflow, run.workflowVersion);
    StepDefinition stepDef = def.steps().get(step);
    if (stepDef == null) {
      throw new NotFoundException(
          "workflow "
              + run.workflow
              + " has no step '"
              + step
              + "'; its steps are: "
              + String.join(", ", def.steps().keySet()));
    }
    List<CheckpointQueries.Row> attempts = checkpoints.attempts(run.id, step, key);
    CheckpointQueries.Row recorded =
        attempts.stream().filter(r -> r.inputDigest() != null).reduce((a, b) -> b).orElse(null);
    if (recorded == null) {
      if (attempts.isEmpty()) {
        throw new NotFoundException(
            "step '" + step + "' of run " + run.id + " has no item '" + key + "'");
      }
      CheckpointQueries.Row last = attempts.get(attempts.size() - 1);
      throw new ConflictException(
          "item "
              + key
              + " of step "
              + step
              + " was never executed ("
              + last.status()
              + (last.errorMessage() == null ? "" : ": " + last.errorMessage())
              + "), so there is no recorded input to replay; redrive the run instead");
    }
    FunctionAlias alias = def.functions().get(stepDef.function());
    PinnedFunction fn =
        functionRef == null
            ? new PinnedFunction(
                alias.alias(), recorded.functionRef(), recorded.functionDigest(), alias.env())
            : override(alias, functionRef);
    JsonNode recordedInputValue = payloads.get(recorded.inputDigest()).orElseThrow();
    JsonNode input = editedInput == null ? recordedInputValue : editedInput;
    JsonNode recordedOutput =
        recorded.outputDigest() == null ? null : payloads.get(recorded.outputDigest()).orElse(null);
    ExecutionRunner.Outcome outcome =
        runner.invoke(
            stepDef,
            fn,
            Payload.of(input),
            ExecutionRunner.taprootEnv(run.id, step, key, recorded.attempt()),
            recorded.startedAt(),
            recorded.seed());
    boolean identical =
        outcome.output() != null
            && recorded.outputDigest() != null
            && outcome.output().digest().equals(recorded.outputDigest());
    return new Result(
        run.id,
        step,
        key,
        recorded.attempt(),
        fn.ref(),
        fn.digest(),
        editedInput == null,
        input,
        outcome.status().id(),
        outcome.output() == null ? null : outcome.output().value(),
        outcome.code() == null ? null : outcome.code().name(),
        outcome.message(),
        outcome.logs(),
        recorded.status(),
        recordedOutput,
        identical,
        JsonDiff.diff(recordedOutput, outcome.output() == null ? null : outcome.output().value()));
  }

  private static PinnedFunction override(FunctionAlias alias, String ref) {
    FunctionRefs.Resolution r =
        QuarkusTransaction.joiningExisting().call(() -> FunctionRefs.resolve(ref));
    if (r instanceof FunctionRefs.Resolution.Found f) {
      return new PinnedFunction(alias.alias(), f.version().ref(), f.version().digest, alias.env());
    }
    throw new NotFoundException(
        "function " + ref + ": " + ((FunctionRefs.Resolution.Missing) r).reason());
  }
}
