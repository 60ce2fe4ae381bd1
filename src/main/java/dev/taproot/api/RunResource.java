package dev.taproot.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.CheckpointValues;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.PayloadStore;
import dev.taproot.checkpoint.RunError;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.RunStore;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.config.TaprootConfig;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.engine.RunLoader;
import dev.taproot.engine.RunProgress;
import dev.taproot.engine.RunService;
import dev.taproot.error.InvalidParameterException;
import dev.taproot.error.NotFoundException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Runs, their progress and their checkpoints (SPEC §4). */
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs")
public class RunResource {
  private final RunService runs;
  private final RunLoader loader;
  private final RunProgress progress;
  private final ExecutionStore checkpoints;
  private final RunStore runStore;
  private final PayloadStore payloads;
  private final CheckpointValues checkpointValues;
  private final WorkflowCatalog catalog;
  private final TaprootConfig config;

  RunResource(
      RunService runs,
      RunLoader loader,
      RunProgress progress,
      ExecutionStore checkpoints,
      RunStore runStore,
      PayloadStore payloads,
      CheckpointValues checkpointValues,
      WorkflowCatalog catalog,
      TaprootConfig config) {
    this.runs = runs;
    this.loader = loader;
    this.progress = progress;
    this.checkpoints = checkpoints;
    this.runStore = runStore;
    this.payloads = payloads;
    this.checkpointValues = checkpointValues;
    this.catalog = catalog;
    this.config = config;
  }

  public record ErrorView(String code, String message) {}

  public record RunSummary(
      String runId,
      String workflow,
      int version,
      String status,
      Instant createdAt,
      Instant finishedAt,
      String traceId) {}

  public record RunView(
      String runId,
      String workflow,
      int version,
      String status,
      Instant createdAt,
      Instant finishedAt,
      String traceId,
      String inputFormat,
      Integer records,
      Map<String, Map<String, Integer>> progress,
      JsonNode output,
      ErrorView error) {}

  public record PageView<T>(List<T> items, int page, int size, long total) {}

  public record ItemSummary(
      String key,
      int attempt,
      String status,
      String functionRef,
      ErrorView error,
      Instant startedAt,
      long durationMicros) {}

  public record AttemptView(
      int attempt,
      String status,
      String functionRef,
      String functionDigest,
      String inputDigest,
      String outputDigest,
      ErrorView error,
      String logs,
      String seed,
      Instant startedAt,
      Instant finishedAt,
      long durationMicros,
      long queuedMicros,
      String traceId,
      String spanId) {}

  public record CheckpointView(
      String runId,
      String step,
      String key,
      String status,
      int attempt,
      JsonNode input,
      JsonNode output,
      ErrorView error,
      String logs,
      String functionRef,
      String functionDigest,
      String seed,
      Instant startedAt,
      Instant finishedAt,
      long durationMicros,
      String traceId,
      String spanId,
      List<AttemptView> attempts) {}

  @GET
  @Transactional
  @Operation(summary = "Runs, newest first, paged")
  @APIResponse(responseCode = "200", description = "A page of runs")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  public PageView<RunSummary> list(
      @Parameter(description = "Only this workflow's runs") @QueryParam("workflow") String workflow,
      @Parameter(
              description = "Only runs with this status",
              schema = @Schema(enumeration = {"running", "succeeded", "failed", "cancelled"}))
          @QueryParam("status")
          String status,
      @QueryParam("page") String page,
      @QueryParam("size") String size) {
    int p = Paging.page(page);
    int s = Paging.size(size, config);
    RunStore.RunPage found =
        runStore.list(
            workflow == null || workflow.isBlank() ? null : workflow,
            status == null || status.isBlank() ? null : runStatus(status),
            p,
            s);
    List<RunSummary> items =
        found.runs().stream()
            .map(
                r ->
                    new RunSummary(
                        r.id(),
                        r.workflow(),
                        r.version(),
                        r.status().id(),
                        r.createdAt(),
                        r.finishedAt(),
                        r.traceId()))
            .toList();
    return new PageView<>(items, p, s, found.total());
  }

  @GET
  @Path("{id}")
  @Transactional
  @Operation(
      summary = "A run: status, counts per step, output or error, trace id",
      description =
          "progress maps each step to its pending, running, succeeded, failed and"
              + " skipped counts.")
  @APIResponse(responseCode = "200", description = "The run")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public RunView get(@PathParam("id") String id) {
    StoredRun r = loader.run(id);
    Map<String, Map<String, Integer>> counts = progress.of(r);
    JsonNode output = r.outputDigest() == null ? null : payloads.get(r.outputDigest()).orElse(null);
    ErrorView error =
        r.error() == null ? null : new ErrorView(r.error().codeId(), withListHint(r, counts));
    return new RunView(
        r.id(),
        r.workflow(),
        r.version(),
        r.status().id(),
        r.createdAt(),
        r.finishedAt(),
        r.traceId(),
        r.inputFormat(),
        r.recordCount(),
        counts,
        output,
        error);
  }

  @POST
  @Path("{id}/cancel")
  @Operation(summary = "Stop a run; finished checkpoints stay, and it can be redriven")
  @APIResponse(
      responseCode = "202",
      description = "Cancelled",
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "cancelled",
                      value = "{\"runId\": \"0b4c7e8e-…\", \"status\": \"cancelled\"}")))
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "409", ref = "Conflict")
  public Response cancel(@PathParam("id") String id) {
    runs.cancel(id);
    return Response.accepted(Map.of("runId", id, "status", RunStatus.CANCELLED.id())).build();
  }

  /** Resumes a cancelled run: every item that did not finish runs, never-started ones included. */
  @POST
  @Path("{id}/resume")
  @Operation(
      summary =
          "Resume a cancelled run: every item that did not finish runs, those the cancel kept"
              + " from starting included")
  @APIResponse(
      responseCode = "202",
      description = "Running again",
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "resumed",
                      value = "{\"runId\": \"0b4c7e8e-…\", \"status\": \"running\"}")))
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "409", ref = "Conflict")
  public Response resume(@PathParam("id") String id) {
    runs.resume(id);
    return Response.accepted(Map.of("runId", id, "status", RunStatus.RUNNING.id())).build();
  }

  @GET
  @Path("{id}/steps/{step}/items")
  @Transactional
  @Operation(summary = "The executions of a step, in item-key order, paged")
  @APIResponse(responseCode = "200", description = "A page of items (latest attempt of each)")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public PageView<ItemSummary> items(
      @PathParam("id") String id,
      @PathParam("step") String step,
      @Parameter(
              description = "Only items with this status",
              schema =
                  @Schema(enumeration = {"pending", "running", "succeeded", "failed", "skipped"}))
          @QueryParam("status")
          String status,
      @QueryParam("page") String page,
      @QueryParam("size") String size) {
    checkStep(loader.run(id), step);
    ExecutionStatus st = status == null || status.isBlank() ? null : executionStatus(status);
    int p = Paging.page(page);
    int s = Paging.size(size, config);
    List<ItemSummary> items =
        checkpoints.latest(id, step, st, p * s, s).stream()
            .map(
                row ->
                    new ItemSummary(
                        row.item().key(),
                        row.attempt().number(),
                        row.outcome().status().id(),
                        ref(row),
                        error(row),
                        row.timing().startedAt(),
                        row.timing().durationMicros()))
            .toList();
    return new PageView<>(items, p, s, checkpoints.countLatest(id, step, st));
  }

  @GET
  @Path("{id}/steps/{step}/items/{key}")
  @Transactional
  @Operation(
      summary = "One checkpoint",
      description =
          "Input, output, error, logs, function digest, seed, timings and trace ids of"
              + " the latest attempt, and every attempt.")
  @APIResponse(responseCode = "200", description = "The checkpoint")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public CheckpointView item(
      @PathParam("id") String id, @PathParam("step") String step, @PathParam("key") String key) {
    checkStep(loader.run(id), step);
    List<Checkpoint> attempts = checkpoints.attempts(id, new ItemRef(step, key));
    if (attempts.isEmpty()) {
      throw new NotFoundException(
          "step '"
              + step
              + "' of run "
              + id
              + " has no item '"
              + key
              + "' (not executed yet, or no such key); list them with GET /api/v1/runs/"
              + id
              + "/steps/"
              + step
              + "/items");
    }
    Checkpoint last = attempts.get(attempts.size() - 1);
    CheckpointValues.InputAndOutput values = checkpointValues.of(last);
    return new CheckpointView(
        id,
        step,
        key,
        last.outcome().status().id(),
        last.attempt().number(),
        values.input(),
        values.output(),
        error(last),
        last.guest().logs(),
        ref(last),
        digest(last),
        Long.toString(last.guest().seed()),
        last.timing().startedAt(),
        last.timing().finishedAt(),
        last.timing().durationMicros(),
        last.span().traceId(),
        last.span().spanId(),
        attempts.stream().map(RunResource::attempt).toList());
  }

  private static AttemptView attempt(Checkpoint r) {
    return new AttemptView(
        r.attempt().number(),
        r.outcome().status().id(),
        ref(r),
        digest(r),
        r.inputDigest(),
        r.outcome().outputDigest(),
        error(r),
        r.guest().logs(),
        Long.toString(r.guest().seed()),
        r.timing().startedAt(),
        r.timing().finishedAt(),
        r.timing().durationMicros(),
        r.timing().queuedMicros(),
        r.span().traceId(),
        r.span().spanId());
  }

  private static String ref(Checkpoint r) {
    return r.function() == null ? null : r.function().ref();
  }

  private static String digest(Checkpoint r) {
    return r.function() == null ? null : r.function().digest();
  }

  private static ErrorView error(Checkpoint r) {
    Outcome o = r.outcome();
    return o.code() == null && o.message() == null
        ? null
        : new ErrorView(o.code() == null ? null : o.code().name(), o.message());
  }

  /** A run whose items failed says where to list them (the core stores no URLs). */
  private static String withListHint(StoredRun r, Map<String, Map<String, Integer>> counts) {
    String message = r.error().message();
    if (r.error().code() != RunError.Code.STEP_FAILED) {
      return message;
    }
    return counts.entrySet().stream()
        .filter(e -> e.getValue().getOrDefault("failed", 0) > 0)
        .findFirst()
        .map(
            e ->
                message
                    + "; list them with GET /api/v1/runs/"
                    + r.id()
                    + "/steps/"
                    + e.getKey()
                    + "/items?status=failed")
        .orElse(message);
  }

  private void checkStep(StoredRun run, String step) {
    WorkflowDefinition def = catalog.definition(run.workflow(), run.version());
    if (!def.steps().containsKey(step)) {
      throw new NotFoundException(
          "workflow "
              + run.workflow()
              + " version "
              + run.version()
              + " has no step '"
              + step
              + "'; its steps are: "
              + String.join(", ", def.steps().keySet()));
    }
  }

  private static RunStatus runStatus(String status) {
    return oneOf(status, "a run status", RunStatus.values(), RunStatus::id);
  }

  private static ExecutionStatus executionStatus(String status) {
    return oneOf(status, "an item status", ExecutionStatus.values(), ExecutionStatus::id);
  }

  private static <E> E oneOf(
      String value, String what, E[] values, java.util.function.Function<E, String> id) {
    for (E e : values) {
      if (id.apply(e).equalsIgnoreCase(value.trim())) {
        return e;
      }
    }
    throw new InvalidParameterException(
        "status",
        "'"
            + value
            + "' is not "
            + what
            + ": use one of "
            + Arrays.stream(values).map(id).collect(Collectors.joining(", ")));
  }
}
