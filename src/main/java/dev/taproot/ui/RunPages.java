package dev.taproot.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.CanonicalJson;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.PayloadStore;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.RunStore;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.config.TaprootConfig;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.engine.RunLoader;
import dev.taproot.engine.RunProgress;
import dev.taproot.error.InvalidParameterException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** What the runs list, a run and the items of a step show: read from the services and stores. */
@ApplicationScoped
class RunPages {
  static final int RUNS_PER_PAGE = 20;
  static final int ITEMS_PER_PAGE = 50;

  private final RunStore runs;
  private final RunLoader loader;
  private final RunProgress progress;
  private final ExecutionStore checkpoints;
  private final PayloadStore payloads;
  private final WorkflowCatalog catalog;
  private final TaprootConfig config;

  RunPages(
      RunStore runs,
      RunLoader loader,
      RunProgress progress,
      ExecutionStore checkpoints,
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

  // --- the runs list
  // ------------------------------------------------------------------------------

  record RunRow(
      String id,
      String href,
      String workflow,
      int version,
      String status,
      String started,
      String duration,
      List<StepCounts> steps) {}

  record RunsView(
      List<RunRow> runs,
      String workflow,
      String status,
      List<String> workflows,
      List<String> statuses,
      Pager pager,
      long total,
      boolean live,
      String fragmentHref,
      long refreshMs) {}

  RunsView runs(String workflow, String status, int page) {
    String wf = blank(workflow) ? null : workflow.trim();
    RunStatus st = blank(status) ? null : runStatus(status);
    RunStore.RunPage found = runs.list(wf, st, page, RUNS_PER_PAGE);
    List<RunRow> rows = new ArrayList<>();
    for (StoredRun r : found.runs()) {
      rows.add(
          new RunRow(
              r.id(),
              Links.run(r.id()),
              r.workflow(),
              r.version(),
              r.status().id(),
              Text.when(r.createdAt()),
              Text.duration(r.createdAt(), r.finishedAt()),
              StepCounts.of(progress.of(r), Links.items(r.id(), "{step}", null))));
    }
    String query = Links.query("workflow", wf, "status", st == null ? null : st.id());
    Pager pager =
        Pager.of(page, RUNS_PER_PAGE, found.total(), p -> "/ui/runs" + Links.and(query, "page", p));
    return new RunsView(
        rows,
        wf == null ? "" : wf,
        st == null ? "" : st.id(),
        catalog.names(),
        Arrays.stream(RunStatus.values()).map(RunStatus::id).toList(),
        pager,
        found.total(),
        rows.stream().anyMatch(r -> r.status().equals(RunStatus.RUNNING.id())),
        "/ui/runs/table" + Links.and(query, "page", page),
        config.ui().refreshInterval().toMillis());
  }

  // --- one run
  // ------------------------------------------------------------------------------------

  record RunView(
      String id,
      String href,
      String workflow,
      int version,
      String workflowHref,
      String status,
      boolean running,
      boolean cancelled,
      boolean failed,
      String started,
      String finished,
      String duration,
      String inputFormat,
      Integer records,
      String traceId,
      String traceHref,
      String output,
      String errorCode,
      String errorMessage,
      String failedItemsHref,
      PipelineGraph graph,
      List<StepCounts> steps,
      String apiHref,
      String fragmentHref,
      String redriveHref,
      long refreshMs,
      String notice,
      List<String> overrides) {}

  RunView run(String id, String notice) {
    StoredRun r = loader.run(id);
    WorkflowDefinition def = catalog.definition(r.workflow(), r.version());
    Map<String, Map<String, Integer>> counts = progress.of(r);
    JsonNode output = r.outputDigest() == null ? null : payloads.get(r.outputDigest()).orElse(null);
    String failedStep =
        counts.entrySet().stream()
            .filter(e -> e.getValue().getOrDefault("failed", 0) > 0)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse(null);
    String itemsHref = Links.items(id, "{step}", null);
    return new RunView(
        r.id(),
        Links.run(r.id()),
        r.workflow(),
        r.version(),
        Links.workflow(r.workflow(), r.version()),
        r.status().id(),
        r.status() == RunStatus.RUNNING,
        r.status() == RunStatus.CANCELLED,
        r.status() == RunStatus.FAILED,
        Text.when(r.createdAt()),
        Text.when(r.finishedAt()),
        Text.duration(r.createdAt(), r.finishedAt()),
        r.inputFormat(),
        r.recordCount(),
        r.traceId(),
        traceHref(r.traceId()),
        Text.json(output),
        r.error() == null ? null : r.error().codeId(),
        r.error() == null ? null : r.error().message(),
        failedStep == null ? null : Links.items(id, failedStep, "failed"),
        PipelineGraph.of(def, counts, itemsHref),
        StepCounts.of(counts, itemsHref),
        "/api/v1/runs/" + id,
        Links.run(id) + "/live",
        Links.run(id) + "/redrive?scope=failed",
        config.ui().refreshInterval().toMillis(),
        notice,
        overrides(r.overrides()));
  }

  /** The function versions redrives put in place of the pinned ones, as "alias: ref". */
  private static List<String> overrides(String json) {
    if (blank(json)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    CanonicalJson.parse(json.getBytes(StandardCharsets.UTF_8))
        .fields()
        .forEachRemaining(e -> out.add(e.getKey() + ": " + e.getValue().asText()));
    return out;
  }

  String traceHref(String traceId) {
    if (traceId == null) {
      return null;
    }
    return config.ui().traceUrl().map(u -> u.replace("{traceId}", traceId)).orElse(null);
  }

  // --- the items of a step
  // ------------------------------------------------------------------------

  record ItemRow(
      String key,
      String href,
      String status,
      int attempt,
      String function,
      String errorCode,
      String errorMessage,
      String started,
      String duration) {}

  record StatusLink(String label, String href, boolean current, long count) {}

  record ItemsView(
      String runId,
      String runHref,
      String workflow,
      String runStatus,
      String step,
      String stepKind,
      String status,
      List<StatusLink> filters,
      List<ItemRow> items,
      Pager pager,
      long total,
      String apiHref) {}

  /**
   * A page of a step's items. Pages are keyed by item order ({@code after} or {@code before}), not
   * by offset, so the last of 2,000 pages opens as fast as the first; {@code page} only numbers the
   * page for the reader and is ignored without a cursor.
   */
  ItemsView items(String runId, String step, String status, Long after, Long before, int pageHint) {
    StoredRun r = loader.run(runId);
    WorkflowDefinition def = catalog.definition(r.workflow(), r.version());
    def.stepNamed(step); // 404 naming the steps
    ExecutionStatus st = blank(status) ? null : executionStatus(status);
    Map<String, Integer> counts = progress.of(r).getOrDefault(step, Map.of());
    // a finished run's counts are exact (and kept): counting 100,000 rows again at every page
    // costs most of a second on PostgreSQL; a running run's rows are counted as they are now
    boolean settled = r.status() == RunStatus.SUCCEEDED || r.status() == RunStatus.FAILED;
    long total =
        !settled
            ? checkpoints.countLatest(runId, step, st)
            : st == null
                ? counts.values().stream().mapToLong(Integer::longValue).sum()
                : counts.getOrDefault(st.id(), 0);
    boolean backwards = after == null && before != null;
    int page = after == null && before == null ? 0 : pageHint;
    List<Checkpoint> found =
        new ArrayList<>(checkpoints.latestPage(runId, step, st, after, before, ITEMS_PER_PAGE + 1));
    boolean more = found.size() > ITEMS_PER_PAGE;
    if (more) {
      found.remove(backwards ? 0 : found.size() - 1);
    }
    List<ItemRow> rows = new ArrayList<>();
    for (Checkpoint c : found) {
      rows.add(
          new ItemRow(
              c.item().key(),
              Links.item(runId, step, c.item().key()),
              c.outcome().status().id(),
              c.attempt().number(),
              c.function() == null ? "" : c.function().ref(),
              c.outcome().code() == null ? "" : c.outcome().code().name(),
              c.outcome().message() == null ? "" : c.outcome().message(),
              Text.when(c.timing().startedAt()),
              Text.micros(c.timing().durationMicros())));
    }
    List<StatusLink> filters = new ArrayList<>();
    long all = counts.values().stream().mapToLong(Integer::longValue).sum();
    filters.add(new StatusLink("all", Links.items(runId, step, null), st == null, all));
    for (ExecutionStatus s : ExecutionStatus.values()) {
      filters.add(
          new StatusLink(
              s.id(), Links.items(runId, step, s.id()), s == st, counts.getOrDefault(s.id(), 0)));
    }
    String base = Links.items(runId, step, st == null ? null : st.id());
    boolean hasPrevious = backwards ? more : after != null;
    boolean hasNext = backwards ? before != Long.MAX_VALUE : more;
    int pages = (int) Math.max(1, (total + ITEMS_PER_PAGE - 1) / ITEMS_PER_PAGE);
    if (backwards && before == Long.MAX_VALUE) {
      page = pages - 1;
    }
    long from = found.isEmpty() ? 0 : (long) page * ITEMS_PER_PAGE + 1;
    Pager pager =
        new Pager(
            page,
            pages,
            from,
            found.isEmpty() ? 0 : from + found.size() - 1,
            total,
            hasPrevious ? base : null,
            hasPrevious
                ? Links.and(Links.and(base, "before", found.get(0).order()), "page", page - 1)
                : null,
            hasNext
                ? Links.and(
                    Links.and(base, "after", found.get(found.size() - 1).order()), "page", page + 1)
                : null,
            hasNext
                ? Links.and(Links.and(base, "before", Long.MAX_VALUE), "page", pages - 1)
                : null);
    return new ItemsView(
        runId,
        Links.run(runId),
        r.workflow(),
        r.status().id(),
        step,
        PipelineGraph.of(def, Map.of(), "").boxes().stream()
            .filter(b -> b.step().equals(step))
            .findFirst()
            .map(PipelineGraph.Box::kind)
            .orElse(""),
        st == null ? "" : st.id(),
        filters,
        rows,
        pager,
        total,
        "/api/v1/runs/"
            + runId
            + "/steps/"
            + step
            + "/items"
            + (st == null ? "" : "?status=" + st.id()));
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  static RunStatus runStatus(String status) {
    for (RunStatus s : RunStatus.values()) {
      if (s.id().equalsIgnoreCase(status.trim())) {
        return s;
      }
    }
    throw new InvalidParameterException(
        "status",
        "'" + status + "' is not a run status: use one of running, succeeded, failed, cancelled");
  }

  static ExecutionStatus executionStatus(String status) {
    for (ExecutionStatus s : ExecutionStatus.values()) {
      if (s.id().equalsIgnoreCase(status.trim())) {
        return s;
      }
    }
    throw new InvalidParameterException(
        "status", "'" + status + "' is not an item status: use one of succeeded, failed, skipped");
  }
}
