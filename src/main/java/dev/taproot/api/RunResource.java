package dev.taproot.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.CheckpointQueries;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.PayloadStore;
import dev.taproot.checkpoint.RunEntity;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.config.TaprootConfig;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.engine.RunLoader;
import dev.taproot.engine.RunProgress;
import dev.taproot.engine.RunService;
import dev.taproot.error.InvalidParameterException;
import dev.taproot.error.NotFoundException;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
  private final CheckpointQueries checkpoints;
  private final PayloadStore payloads;
  private final WorkflowCatalog catalog;
  private final TaprootConfig config;

  RunResource(
      RunService runs,
      RunLoader loader,
      RunProgress progress,
      CheckpointQueries checkpoints,
      PayloadStore payloads,
      WorkflowCatalog catalog,
      TaprootConfig config) {
    this.runs = runs;
    this.loader = loader;
    this.progress = progress;
    this.checkpoints = checkpoints;
    this.payloads = payloads;
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
    List<String> clauses = new ArrayList<>();
    Map<String, Object> params = new LinkedHashMap<>();
    if (workflow != null && !workflow.isBlank()) {
      clauses.add("workflow = :workflow");
      params.put("workflow", workflow);
    }
    if (status != null && !status.isBlank()) {
      clauses.add("status = :status");
      params.put("status", runStatus(status));
    }
    var query =
        clauses.isEmpty()
            ? RunEntity.<RunEntity>findAll(Sort.descending("createdAt"))
            : RunEntity.<RunEntity>find(
                String.join(" and ", clauses), Sort.descending("createdAt"), params);
    List<RunSummary> items =
        query.page(Page.of(p, s)).list().stream()
            .map(
                r ->
                    new RunSummary(
                        r.id,
                        r.workflow,
                        r.workflowVersion,
                        r.status,
                        r.createdAt,
                        r.finishedAt,
                        r.traceId))
            .toList();
    return new PageView<>(items, p, s, query.count());
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
    RunEntity r = loader.run(id);
    Map<String, Map<String, Integer>> counts = progress.of(r);
    JsonNode output = r.outputDigest == null ? null : payloads.get(r.outputDigest).orElse(null);
    ErrorView error =
        r.errorCode == null && r.errorMessage == null
            ? null
            : new ErrorView(r.errorCode, r.errorMessage);
    return new RunView(
        r.id,
        r.workflow,
        r.workflowVersion,
        r.status,
        r.createdAt,
        r.finishedAt,
        r.traceId,
        r.inputFormat,
        r.recordCount,
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
    String st = status == null || status.isBlank() ? null : executionStatus(status);
    int p = Paging.page(page);
    int s = Paging.size(size, config);
    List<ItemSummary> items =
        checkpoints.items(id, step, st, p * s, s).stream()
            .map(
                row ->
                    new ItemSummary(
                        row.itemKey(),
                        row.attempt(),
                        row.status(),
                        row.functionRef(),
                        error(row),
                        row.startedAt(),
                        row.durationMicros()))
            .toList();
    return new PageView<>(items, p, s, checkpoints.countItems(id, step, st));
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
    List<CheckpointQueries.Row> attempts = checkpoints.attempts(id, step, key);
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
    CheckpointQueries.Row last = attempts.get(attempts.size() - 1);
    Map<String, JsonNode> values =
        payloads.getAll(Arrays.asList(last.inputDigest(), last.outputDigest()));
    return new CheckpointView(
        id,
        step,
        key,
        last.status(),
        last.attempt(),
        values.get(last.inputDigest()),
        values.get(last.outputDigest()),
        error(last),
        last.logs(),
        last.functionRef(),
        last.functionDigest(),
        Long.toString(last.seed()),
        last.startedAt(),
        last.finishedAt(),
        last.durationMicros(),
        last.traceId(),
        last.spanId(),
        attempts.stream().map(RunResource::attempt).toList());
  }

  private static AttemptView attempt(CheckpointQueries.Row r) {
    return new AttemptView(
        r.attempt(),
        r.status(),
        r.functionRef(),
        r.functionDigest(),
        r.inputDigest(),
        r.outputDigest(),
        error(r),
        r.logs(),
        Long.toString(r.seed()),
        r.startedAt(),
        r.finishedAt(),
        r.durationMicros(),
        r.queuedMicros(),
        r.traceId(),
        r.spanId());
  }

  private static ErrorView error(CheckpointQueries.Row r) {
    return r.errorCode() == null && r.errorMessage() == null
        ? null
        : new ErrorView(r.errorCode(), r.errorMessage());
  }

  private void checkStep(RunEntity run, String step) {
    WorkflowDefinition def = catalog.definition(run.workflow, run.workflowVersion);
    if (!def.steps().containsKey(step)) {
      throw new NotFoundException(
          "workflow "
              + run.workflow
              + " version "
              + run.workflowVersion
              + " has no step '"
              + step
              + "'; its steps are: "
              + String.join(", ", def.steps().keySet()));
    }
  }

  private static String runStatus(String status) {
    return oneOf(status, "a run status", RunStatus.values(), RunStatus::id);
  }

  private static String executionStatus(String status) {
    return oneOf(status, "an item status", ExecutionStatus.values(), ExecutionStatus::id);
  }

  private static <E> String oneOf(
      String value, String what, E[] values, java.util.function.Function<E, String> id) {
    for (E e : values) {
      if (id.apply(e).equalsIgnoreCase(value.trim())) {
        return id.apply(e);
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
