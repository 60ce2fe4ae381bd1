package dev.taproot.engine;

import static dev.taproot.engine.RecordingDispatcher.RUN_ID;
import static dev.taproot.engine.RecordingDispatcher.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.RunError;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.expression.CelValues;
import dev.taproot.function.FailureCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scheduler ({@link RunState}) through its {@link Dispatcher} seam, without Quarkus, a database
 * or a function: the test is the workers and the checkpoint writer, committing outcomes in whatever
 * order it needs.
 */
class SchedulerTest {

  /** a over the input records, b item-wise over a, total a fan-in over b. */
  private static final String PIPELINE =
      """
      name: pipeline
      functions:
        fn: { ref: fn }
      steps:
        a:
          function: fn
          forEach: ${{ input.items }}
          input: ${{ item }}
          retry: { maxAttempts: %d, backoff: 10ms }
        b:
          function: fn
          forEach: ${{ steps.a.items }}
          input: ${{ item.output }}
        total:
          function: fn
          input: ${{ steps.b.items.map(i, i.output.n) }}
      output: ${{ steps.total.output }}
      """;

  private static final String DIAMOND =
      """
      name: diamond
      functions:
        fn: { ref: fn }
      steps:
        top: { function: fn }
        left: { function: fn, input: "${{ steps.top.output }}" }
        right: { function: fn, input: "${{ steps.top.output }}" }
        join:
          function: fn
          input:
            a: ${{ steps.left.output }}
            b: ${{ steps.right.output }}
      output: ${{ steps.join.output }}
      """;

  private static final String FAN_IN =
      """
      name: fan-in
      functions:
        fn: { ref: fn }
      steps:
        a: { function: fn, forEach: "${{ input.items }}", input: "${{ item }}" }
        total: { function: fn, input: "${{ steps.a.items.map(i, i.output.n) }}" }
      """;

  private static final String FILTER =
      """
      name: filter
      functions:
        fn: { ref: fn }
      steps:
        a: { function: fn, forEach: "${{ input.items }}", input: "${{ item }}" }
        b:
          function: fn
          forEach: ${{ steps.a.items }}
          when: ${{ item.output.n > 0 }}
          input: ${{ item.output }}
        c: { function: fn, forEach: "${{ steps.b.items }}", input: "${{ item.output }}" }
        total: { function: fn, input: "${{ steps.b.items }}" }
      """;

  /** c follows b's items but starts only once gate is done. */
  private static final String GATED =
      """
      name: gated
      functions:
        fn: { ref: fn }
      steps:
        a: { function: fn, forEach: "${{ input.items }}", input: "${{ item }}" }
        b: { function: fn, forEach: "${{ steps.a.items }}", when: "${{ item.output.n > 0 }}" }
        gate: { function: fn }
        c: { function: fn, forEach: "${{ steps.b.items }}", needs: [gate] }
      """;

  private static final String RETRY =
      """
      name: retry
      functions:
        fn: { ref: fn }
      steps:
        a: { function: fn, retry: { maxAttempts: 3, backoff: 10ms } }
      """;

  private static final String RETRY_THEN_SUCCEED =
      """
      name: retry-then-succeed
      functions:
        fn: { ref: fn }
      steps:
        a: { function: fn, retry: { maxAttempts: 2, backoff: 10ms } }
        b: { function: fn, input: "${{ steps.a.output }}" }
      """;

  private static final String NOT_A_LIST = "${{ input.count }}";
  private static final String NO_SUCH_FIELD = "${{ input.missing }}";
  private static final String DIVISION_BY_ZERO = "${{ input.count / input.zero }}";

  private static final String BAD_FOR_EACH =
      """
      name: bad-for-each
      functions:
        fn: { ref: fn }
      steps:
        a:
          function: fn
          forEach: %s
          retry: { maxAttempts: 3, backoff: 10ms }
        b: { function: fn, forEach: "${{ steps.a.items }}", input: "${{ item }}" }
      """;

  private static final String BAD_WHEN =
      """
      name: bad-when
      functions:
        fn: { ref: fn }
      steps:
        a: { function: fn, forEach: "${{ input.items }}", when: "${{ item.n }}" }
      """;

  private static final String BAD_OUTPUT =
      """
      name: bad-output
      functions:
        fn: { ref: fn }
      steps:
        a: { function: fn }
      output: ${{ steps.a.output.missing }}
      """;

  /** Compiling a definition's expressions is set-up, not scheduling: it is done once here. */
  @BeforeAll
  static void parseEveryWorkflowOnce() {
    List.of(DIAMOND, FAN_IN, FILTER, GATED, RETRY, RETRY_THEN_SUCCEED, BAD_WHEN, BAD_OUTPUT)
        .forEach(RecordingDispatcher::definition);
    for (int maxAttempts = 1; maxAttempts <= 3; maxAttempts++) {
      RecordingDispatcher.definition(PIPELINE.formatted(maxAttempts));
    }
    for (String forEach : List.of(NOT_A_LIST, NO_SUCH_FIELD, DIVISION_BY_ZERO)) {
      RecordingDispatcher.definition(BAD_FOR_EACH.formatted(forEach));
    }
  }

  private static RecordingDispatcher pipeline(int maxAttempts, int items) {
    return new RecordingDispatcher(PIPELINE.formatted(maxAttempts), items(items));
  }

  /** {"items": [{"n": 0}, {"n": 1}, ...]} */
  private static String items(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> "{\"n\": " + i + "}")
        .collect(Collectors.joining(",", "{\"items\": [", "]}"));
  }

  private static String n(int n) {
    return "{\"n\": " + n + "}";
  }

  private static List<String> names(List<ExecutionTask> tasks) {
    return tasks.stream().map(RecordingDispatcher::name).toList();
  }

  /** What an attempt consumed, as {@code step/key#attempt}. */
  private static List<String> consumed(ExecutionTask t) {
    return t.edges().stream()
        .map(e -> e.fromStep() + "/" + e.fromKey() + "#" + e.fromAttempt())
        .toList();
  }

  private static FanIn fanIn(ExecutionTask t, String over) {
    return assertInstanceOf(FanIn.class, t.stepValues().get(over));
  }

  private static List<String> keys(FanIn f) {
    return f.entries().stream().map(FanIn.Entry::key).toList();
  }

  /** {@code [{key: "0", output: {n: first}}, ...]}: what a fan-in expression is given. */
  private static JsonNode fanInValue(int first, int count) {
    return json(
        IntStream.range(0, count)
            .mapToObj(k -> "{\"key\": \"" + k + "\", \"output\": " + n(first + k) + "}")
            .collect(Collectors.joining(",", "[", "]")));
  }

  private static Map<String, Integer> counts(
      int pending, int running, int succeeded, int failed, int skipped) {
    return Map.of(
        "pending", pending,
        "running", running,
        "succeeded", succeeded,
        "failed", failed,
        "skipped", skipped);
  }

  private static void assertStepFailed(RecordingDispatcher d, String message) {
    RunUpdate end = d.finished();
    assertEquals(RunStatus.FAILED, end.status());
    assertEquals(new RunError(RunError.Code.STEP_FAILED, message), end.error());
  }

  // --- readiness and pipelining ------------------------------------------------------------------

  @Test
  void aStepIsReadyOnlyOnceEveryDependencyIsDone() {
    RecordingDispatcher d = new RecordingDispatcher(DIAMOND, n(1)).start();
    assertEquals(List.of("top/0#1"), d.queued());
    d.succeed("top", "0", n(2));
    assertEquals(List.of("left/0#1", "right/0#1"), d.queued());
    d.succeed("left", "0", n(3));
    assertEquals(List.of("right/0#1"), d.queued(), "join waits for right");
    d.succeed("right", "0", n(4));
    ExecutionTask join = d.take("join", "0");
    assertEquals(List.of("left/0#1", "right/0#1"), consumed(join));
    assertEquals(Set.of("left", "right"), join.stepValues().keySet());
    assertTrue(d.updates.isEmpty(), "the run goes on while join runs");

    d.succeed(join, "{\"sum\": 7}");
    RunUpdate end = d.finished();
    assertEquals(RunStatus.SUCCEEDED, end.status());
    assertEquals(json("{\"sum\": 7}"), end.output().value(), "the workflow's output expression");
  }

  @Test
  void itemKOfAnItemWiseStepIsQueuedAsSoonAsItemKUpstreamCommits() {
    RecordingDispatcher d = pipeline(1, 3).start();
    assertEquals(List.of("a/0#1", "a/1#1", "a/2#1"), d.queued());

    d.succeed("a", "1", n(11));
    assertEquals(List.of("a/0#1", "a/2#1", "b/1#1"), d.queued(), "a/0 and a/2 are still queued");
    ExecutionTask b1 = d.queuedTasks().get(2);
    assertEquals(json("{\"key\": \"1\", \"output\": {\"n\": 11}}"), b1.itemValue());
    assertEquals(List.of("a/1#1"), consumed(b1));

    // A worker takes the deepest step first, then the earliest item: records flow through.
    PriorityQueue<ExecutionTask> workers = new PriorityQueue<>(d.queuedTasks());
    List<String> order = new ArrayList<>();
    while (!workers.isEmpty()) {
      order.add(RecordingDispatcher.name(workers.poll()));
    }
    assertEquals(List.of("b/1#1", "a/0#1", "a/2#1"), order);
  }

  // --- fan-in ------------------------------------------------------------------------------------

  @Test
  void aFanInRunsOnceOnEverySucceededItemInItemOrder() {
    RecordingDispatcher d = new RecordingDispatcher(FAN_IN, items(12)).start();
    for (int k = 11; k >= 1; k--) {
      d.succeed("a", Integer.toString(k), n(k * 10));
    }
    assertEquals(List.of("a/0#1"), d.queued(), "no fan-in while a/0 has not ended");

    d.succeed("a", "0", n(0));
    ExecutionTask total = d.take("total", "0");
    FanIn a = fanIn(total, "a");
    List<String> inOrder = IntStream.range(0, 12).mapToObj(Integer::toString).toList();
    assertEquals(inOrder, keys(a), "item order: 2 before 10");
    assertEquals(
        IntStream.range(0, 12).mapToObj(k -> json(n(k * 10))).toList(),
        a.entries().stream().map(FanIn.Entry::output).toList());
    assertEquals(12, total.edges().size(), "one lineage edge per item consumed");
    assertEquals(1, d.executed.stream().filter(t -> t.stepId().equals("total")).count());
  }

  @Test
  void aFanInOverAnItemWiseStepWaitsForTheItemsItsUpstreamHasNotMadeYet() {
    RecordingDispatcher d = pipeline(1, 3).start();
    d.succeed("a", "0", n(0));
    d.succeed("b", "0", n(100));
    // Every item b has so far has ended, but a/1 and a/2 will give b two more.
    assertEquals(List.of("a/1#1", "a/2#1"), d.queued());

    d.succeed("a", "1", n(1));
    d.succeed("a", "2", n(2));
    d.succeed("b", "2", n(102));
    assertEquals(List.of("b/1#1"), d.queued());
    d.succeed("b", "1", n(101));
    assertEquals(List.of("0", "1", "2"), keys(fanIn(d.take("total", "0"), "b")));
  }

  @Test
  void aFailedItemSkipsItsFollowerAndTheFanInWhileTheOtherItemsGoOn() {
    RecordingDispatcher d = pipeline(1, 3).start();
    d.fail("a", "1", FailureCode.TRAP);
    assertEquals(List.of("b/1#1"), d.recordedItems());
    assertEquals(Outcome.Skipped.byUpstream(), d.recordedOutcome("b", "1"));
    assertEquals(List.of("a/0#1", "a/2#1"), d.queued(), "the other items go on");

    d.succeed("a", "0", n(0));
    d.succeed("a", "2", n(2));
    d.succeed("b", "0", n(100));
    assertTrue(d.updates.isEmpty(), "the run waits for b/2");
    d.succeed("b", "2", n(102));

    assertEquals(List.of("b/1#1", "total/0#1"), d.recordedItems());
    assertEquals(Outcome.Skipped.byUpstream(), d.recordedOutcome("total", "0"));
    assertFalse(d.executed.stream().anyMatch(t -> t.stepId().equals("total")), "never ran");
    assertStepFailed(d, "1 item(s) failed in step(s) a");
    assertEquals(List.of("a", "b"), d.stepsStarted, "the forEach steps have spans");
    assertEquals(List.of("a", "b"), d.stepsFinished);
  }

  @Test
  void whenFalseFiltersAnItemAndItsFollowersNeverSeeIt() {
    RecordingDispatcher d = new RecordingDispatcher(FILTER, items(3)).start();
    d.succeed("a", "0", n(0));
    assertEquals(Outcome.Skipped.byWhen(), d.recordedOutcome("b", "0"));
    d.succeed("a", "1", n(1));
    d.succeed("a", "2", n(2));
    d.succeed("b", "1", n(11));
    d.succeed("b", "2", n(12));
    assertEquals(List.of("c/1#1", "c/2#1", "total/0#1"), d.queued());
    assertEquals(List.of("1", "2"), keys(fanIn(d.take("total", "0"), "b")), "a filter is no gap");
    assertEquals(List.of("b/0#1"), d.recordedItems(), "c/0 is not even skipped");
    assertEquals(counts(2, 0, 0, 0, 0), d.run().progress().get("c"));
  }

  @Test
  void aFollowerWaitingForAnotherStepCountsTheItemsItWillFollowAsPending() {
    RecordingDispatcher d = new RecordingDispatcher(GATED, items(3)).start();
    assertEquals(counts(3, 0, 0, 0, 0), d.run().progress().get("c"), "one per item of a to come");
    d.succeed("a", "0", n(0));
    d.succeed("a", "1", n(1));
    d.succeed("a", "2", n(2));
    d.succeed("b", "1", n(11));
    assertEquals(
        counts(2, 0, 0, 0, 0),
        d.run().progress().get("c"),
        "b/1 ended and b/2 to end; b/0 filtered, so nothing follows it");
    d.succeed("gate", "0", "{}");
    assertEquals(List.of("c/1#1"), d.queued().stream().filter(q -> q.startsWith("c/")).toList());
    assertEquals(counts(2, 0, 0, 0, 0), d.run().progress().get("c"), "the same once it started");
  }

  // --- retries and failures ----------------------------------------------------------------------

  @Test
  void aRetryableFailureRunsAgainLaterUpToMaxAttempts() {
    RecordingDispatcher d = new RecordingDispatcher(RETRY, "{}").start();
    d.fail("a", "0", FailureCode.TRAP);
    assertEquals(List.of(), d.queued());
    assertEquals(
        List.of("a/0#2 after PT0.01S"),
        d.delayed.stream()
            .map(l -> RecordingDispatcher.name(l.task()) + " after " + l.delay())
            .toList());
    d.fail(d.takeDelayed("a", "0"), FailureCode.TIMEOUT);
    RecordingDispatcher.Delayed third = d.delayed.get(0);
    assertEquals("a/0#3", RecordingDispatcher.name(third.task()));
    assertEquals(Duration.ofMillis(20), third.delay(), "the backoff doubles");
    assertTrue(d.updates.isEmpty());

    d.fail(d.takeDelayed("a", "0"), FailureCode.TRAP);
    assertTrue(d.delayed.isEmpty(), "three attempts in all");
    assertStepFailed(d, "1 item(s) failed in step(s) a");
    assertEquals(Map.of(new ItemRef("a", "0"), 3), d.run().summary().retried());
  }

  @Test
  void whatDownstreamConsumesIsTheAttemptThatSucceeded() {
    RecordingDispatcher d = new RecordingDispatcher(RETRY_THEN_SUCCEED, "{}").start();
    ExecutionTask first = d.fail("a", "0", FailureCode.EXIT);
    ExecutionTask retry = d.takeDelayed("a", "0");
    assertEquals(first.itemValue(), retry.itemValue());
    d.succeed(retry, n(1));
    assertEquals(List.of("a/0#2"), consumed(d.take("b", "0")));
  }

  @ParameterizedTest
  @EnumSource(
      value = FailureCode.class,
      names = {"CONTRACT", "EXPRESSION"})
  void aFailureAnotherAttemptCannotChangeIsNotRetried(FailureCode code) {
    RecordingDispatcher d = pipeline(3, 1).start();
    d.fail("a", "0", code);
    assertTrue(d.delayed.isEmpty());
    assertEquals(Outcome.Skipped.byUpstream(), d.recordedOutcome("b", "0"));
    assertStepFailed(d, "1 item(s) failed in step(s) a");
  }

  @ParameterizedTest
  @ValueSource(strings = {NOT_A_LIST, NO_SUCH_FIELD, DIVISION_BY_ZERO})
  void aForEachThatFailsOrGivesNoListFailsTheStepAsExpression(String forEach) {
    RecordingDispatcher d =
        new RecordingDispatcher(BAD_FOR_EACH.formatted(forEach), "{\"count\": 3, \"zero\": 0}")
            .start();
    assertEquals(List.of(), d.queued());
    assertEquals(List.of("a/0#1", "b/0#1"), d.recordedItems());
    Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, d.recordedOutcome("a", "0"));
    assertEquals(FailureCode.EXPRESSION, failed.code());
    assertTrue(failed.message().startsWith("forEach of step a "), failed.message());
    assertTrue(d.delayed.isEmpty(), "an expression gives the same error again");
    assertStepFailed(d, "1 item(s) failed in step(s) a");
  }

  @Test
  void aWhenThatGivesNoBooleanFailsTheItemAsExpression() {
    RecordingDispatcher d = new RecordingDispatcher(BAD_WHEN, items(1)).start();
    Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, d.recordedOutcome("a", "0"));
    assertEquals(FailureCode.EXPRESSION, failed.code());
    assertEquals("when of step a: when must give true or false, got 0", failed.message());
    assertStepFailed(d, "1 item(s) failed in step(s) a");
  }

  @Test
  void anOutputExpressionThatFailsFailsTheRunAsExpression() {
    RecordingDispatcher d = new RecordingDispatcher(BAD_OUTPUT, "{}").start();
    d.succeed("a", "0", n(1));
    RunUpdate end = d.finished();
    assertEquals(RunStatus.FAILED, end.status());
    assertEquals(RunError.Code.EXPRESSION, end.error().code());
    assertTrue(end.error().message().startsWith("output: "), end.error().message());
  }

  // --- cancel ------------------------------------------------------------------------------------

  @Test
  void cancelStopsDispatchingAndFinishesTheRunCancelled() {
    RecordingDispatcher d = pipeline(2, 3).start();
    d.succeed("a", "0", n(0));
    ExecutionTask b0 = d.take("b", "0");

    d.run().cancel();
    assertTrue(d.run().cancelled(), "workers drop what is still queued");
    assertEquals(RunStatus.CANCELLED, d.finished().status());
    assertEquals(RunError.CANCELLED_BY_REQUEST, d.finished().error());

    int queuedSoFar = d.executed.size();
    d.succeed("a", "1", n(1));
    d.fail("a", "2", FailureCode.TRAP);
    d.commit(b0, new Outcome.Cancelled("cancelled: the thread was interrupted"), null);
    d.run().cancel();
    assertEquals(queuedSoFar, d.executed.size(), "no follower of a/1 is queued");
    assertTrue(d.delayed.isEmpty(), "no retry of a/2");
    assertTrue(d.records.isEmpty(), "nothing is skipped on the run's behalf either");
    assertEquals(1, d.updates.size(), "one final status");
  }

  // --- resume and redrive ------------------------------------------------------------------------

  @Test
  void aResumedRunKeepsCommittedItemsAndRunsTheRestAsTheirNextAttempt() {
    RecordingDispatcher d = pipeline(2, 3);
    RecordedAttempt a0 = d.recordedSuccess("a", "0", 1, n(0));
    RecordedAttempt b0 = d.recordedSuccess("b", "0", 1, n(100));
    RecordedAttempt a1 = d.recorded("a", "1", 1, new Outcome.Failed(FailureCode.TRAP, "trapped"));
    d.resume(Map.of(a0.item(), a0, b0.item(), b0, a1.item(), a1));

    assertEquals(List.of("a/1#2", "a/2#1"), d.queued(), "a/0 and b/0 are committed");
    assertEquals(counts(2, 0, 1, 0, 0), d.run().progress().get("a"));
    assertEquals(
        counts(2, 0, 1, 0, 0), d.run().progress().get("b"), "one to follow each of a/1, a/2");

    d.succeed("a", "1", n(1));
    d.succeed("a", "2", n(2));
    d.succeed("b", "1", n(101));
    d.succeed("b", "2", n(102));
    ExecutionTask total = d.take("total", "0");
    FanIn b = fanIn(total, "b");
    assertEquals(
        fanInValue(100, 3),
        CelValues.toJson(b.celValue()),
        "b/0's output is read from the payload store");
    assertEquals(List.of(b0.outcome().outputDigest()), d.payloadReads, "only what is consumed");
  }

  @Test
  void anOutputTheDatabaseLostFailsTheItemThatNeedsItAsInternalAndTheRunGoesOn() {
    RecordingDispatcher d = pipeline(1, 2);
    RecordedAttempt a0 = d.recorded("a", "0", 1, new Outcome.Succeeded("sha256:gone"));
    d.resume(Map.of(a0.item(), a0));

    Outcome b0 = d.recordedOutcome("b", "0");
    assertInstanceOf(Outcome.Failed.class, b0, "b/0 could not be given its input");
    assertEquals(FailureCode.INTERNAL, b0.code(), "a database fault, not the function's");
    assertTrue(b0.message().contains("sha256:gone"), b0.message());
    assertEquals(List.of("a/1#1"), d.queued(), "the other items go on");
    d.succeed("a", "1", n(1));
    d.succeed("b", "1", n(101));
    assertEquals(RunStatus.FAILED, d.finished().status(), "the run ends; it is not stranded");
  }

  @Test
  void aResumedRunRunsAgainAnAttemptThatAStopInterrupted() {
    RecordingDispatcher d = new RecordingDispatcher(FAN_IN, items(2));
    RecordedAttempt a0 =
        d.recorded("a", "0", 1, new Outcome.Cancelled("cancelled: the thread was interrupted"));
    d.resume(Map.of(a0.item(), a0));
    assertEquals(List.of("a/0#2", "a/1#1"), d.queued());
    assertTrue(d.updates.isEmpty(), d.updates.toString());
  }

  @Test
  void aRedriveRunsOnlyTheSelectedItemsAndItsFanInSeesRecordedAndNewItemsInOrder() {
    RecordingDispatcher d = pipeline(1, 5);
    List<RecordedAttempt> rows = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      String key = Integer.toString(k);
      rows.add(d.recordedSuccess("a", key, 1, n(k)));
      if (k != 2) {
        rows.add(d.recordedSuccess("b", key, 1, n(100 + k)));
      }
    }
    RecordedAttempt b2 = d.recorded("b", "2", 1, new Outcome.Failed(FailureCode.TRAP, "trap"));
    RecordedAttempt total0 = d.recorded("total", "0", 1, Outcome.Skipped.byUpstream());
    rows.addAll(List.of(b2, total0));
    InMemoryRecordedAttempts store = new InMemoryRecordedAttempts(rows);
    RecordedAttempt a2 =
        rows.stream().filter(r -> r.item().equals(new ItemRef("a", "2"))).findFirst().orElseThrow();

    // What Redrive.restart builds for "redrive the failed items": b/2 and the fan-in after it.
    d.redrive(
        Map.of(b2.item(), b2, total0.item(), total0),
        Set.of(b2.item(), total0.item()),
        new RedriveScope(
            Map.of("a", List.of(), "b", List.of("2"), "total", List.of("0")),
            Set.of("total"),
            Map.of(a2.item(), a2),
            Map.of("a", new RecordedRun.Tally(5, 0, 0, 0), "b", new RecordedRun.Tally(4, 0, 0, 0)),
            new RecordedRun(RUN_ID, store)));

    assertEquals(List.of("b/2#2"), names(d.executed), "nothing but the selected item");
    ExecutionTask redriven = d.take("b", "2");
    assertEquals(json("{\"key\": \"2\", \"output\": {\"n\": 2}}"), redriven.itemValue());
    assertEquals("span-b/2#1", redriven.item().replacedSpanId, "linked to the attempt it replaces");
    assertEquals(counts(0, 0, 5, 0, 0), d.run().progress().get("a"), "counted, not rebuilt");
    assertEquals(counts(0, 1, 4, 0, 0), d.run().progress().get("b"));

    d.succeed(redriven, n(102));
    ExecutionTask total = d.take("total", "0");
    FanIn b = fanIn(total, "b");
    assertEquals(List.of("0", "1", "2", "3", "4"), keys(b));
    assertEquals(List.of(1, 1, 2, 1, 1), b.entries().stream().map(FanIn.Entry::attempt).toList());
    assertEquals(fanInValue(100, 5), CelValues.toJson(b.celValue()));
    assertEquals(0, store.everyAttemptReads, "a redrive of one item reads no whole run");

    d.succeed(total, "{\"sum\": 510}");
    assertEquals(RunStatus.SUCCEEDED, d.finished().status());
    RecordedRun.Summary summary = d.run().summary();
    assertEquals(
        Map.of(
            "a", new RecordedRun.Tally(5, 0, 0, 0),
            "b", new RecordedRun.Tally(5, 0, 0, 0),
            "total", new RecordedRun.Tally(1, 0, 0, 0)),
        summary.tallies());
    assertEquals(Map.of(), summary.failedOrBlocked());
    assertEquals(Map.of(new ItemRef("b", "2"), 2, new ItemRef("total", "0"), 2), summary.retried());
  }

  // --- progress and summary ----------------------------------------------------------------------

  @Test
  void progressCountsItemsAsTheyMove() {
    RecordingDispatcher d = pipeline(1, 3).start();
    assertEquals(counts(3, 0, 0, 0, 0), d.run().progress().get("a"));
    assertEquals(counts(0, 0, 0, 0, 0), d.run().progress().get("total"));

    d.take("a", "2");
    d.fail("a", "1", FailureCode.TRAP);
    d.succeed("a", "0", n(0));
    assertEquals(counts(0, 1, 1, 1, 0), d.run().progress().get("a"));
    assertEquals(
        counts(2, 0, 0, 0, 1),
        d.run().progress().get("b"),
        "b/0 made, b/2 to follow a/2, b/1 skipped as a/1 failed");
  }

  @Test
  void theSummaryOfAFinishedRunHoldsItsTalliesFailuresAndRetries() {
    RecordingDispatcher d = pipeline(2, 3).start();
    d.succeed("a", "0", n(0));
    d.fail("a", "1", FailureCode.TRAP);
    d.fail(d.takeDelayed("a", "1"), FailureCode.TRAP);
    d.fail("a", "2", FailureCode.TIMEOUT);
    d.succeed(d.takeDelayed("a", "2"), n(2));
    d.succeed("b", "0", n(100));
    d.succeed("b", "2", n(102));
    assertStepFailed(d, "1 item(s) failed in step(s) a");

    RecordedRun.Summary summary = d.run().summary();
    assertEquals(
        Map.of(
            "a", new RecordedRun.Tally(2, 1, 0, 1),
            "b", new RecordedRun.Tally(2, 0, 1, 1),
            "total", new RecordedRun.Tally(0, 0, 1, 1)),
        summary.tallies());
    Map<String, List<String>> failed =
        summary.failedOrBlocked().entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e ->
                        e.getValue().stream()
                            .map(r -> r.item() + "#" + r.attempt() + " " + r.outcome().code())
                            .toList()));
    assertEquals(
        Map.of(
            "a", List.of("a/1#2 TRAP"),
            "b", List.of("b/1#1 UPSTREAM"),
            "total", List.of("total/0#1 UPSTREAM")),
        failed);
    assertEquals(Map.of(new ItemRef("a", "1"), 2, new ItemRef("a", "2"), 2), summary.retried());
  }

  // --- partitions --------------------------------------------------------------------------------

  @Test
  void onlyStepsThatFollowTheInputItemByItemArePartitioned() {
    Partitioning p = Partitioning.of(RecordingDispatcher.definition(PIPELINE.formatted(1)));
    assertEquals(Set.of("a", "b"), p.steps(), "total reads b as a whole: the coordinator's");
    assertEquals(List.of("a"), p.roots());
    Partitioning mixed =
        Partitioning.of(
            RecordingDispatcher.definition(
                """
                name: mixed
                functions:
                  fn: { ref: fn }
                steps:
                  a: { function: fn, forEach: "${{ input.items }}", input: "${{ item }}" }
                  all: { function: fn, input: "${{ steps.a.items.size() }}" }
                  b:
                    function: fn
                    forEach: ${{ steps.a.items }}
                    input: { n: "${{ item.output.n }}", of: "${{ steps.all.output }}" }
                """));
    assertEquals(
        Set.of("a"),
        mixed.steps(),
        "b also reads a step as a whole: in a partition it would see part of it");
  }

  @Test
  void aRunIsSplitOnlyWhenItHasMoreItemsThanAPartition() {
    var def = RecordingDispatcher.definition(PIPELINE.formatted(1));
    Partitioning p = Partitioning.of(def);
    assertEquals(List.of(), p.ranges(def, json(items(100)), 100));
    var ranges = p.ranges(def, json(items(250)), 100);
    assertEquals(
        List.of(
            new dev.taproot.checkpoint.ItemRange(0, 100),
            new dev.taproot.checkpoint.ItemRange(100, 200),
            new dev.taproot.checkpoint.ItemRange(200, 250)),
        ranges);
  }

  @Test
  void aPartitionSchedulesItsItemsAndNeverTheFanInNorTheRunsStatus() {
    RecordingDispatcher d =
        pipeline(1, 10).partition(new dev.taproot.checkpoint.ItemRange(3, 6), Map.of());
    assertEquals(List.of("a/3#1", "a/4#1", "a/5#1"), d.queued());
    for (int k = 3; k < 6; k++) {
      d.succeed("a", Integer.toString(k), n(k));
    }
    assertEquals(List.of("b/3#1", "b/4#1", "b/5#1"), d.queued());
    for (int k = 3; k < 5; k++) {
      d.succeed("b", Integer.toString(k), n(k));
    }
    assertEquals(0, d.partitionsDone, "b/5 is still running");
    d.succeed("b", "5", n(5));
    assertEquals(1, d.partitionsDone);
    assertEquals(List.of(), d.queued(), "total is the coordinator's, after every partition");
    assertEquals(List.of(), d.updates, "a partition never says how the run ends");
  }

  @Test
  void aPartitionTakenOverRunsOnlyWhatItsEarlierOwnerDidNotFinish() {
    RecordingDispatcher d = pipeline(1, 10);
    d.partition(
        new dev.taproot.checkpoint.ItemRange(0, 3),
        Map.of(
            new ItemRef("a", "0"), d.recordedSuccess("a", "0", 1, n(0)),
            new ItemRef("b", "0"), d.recordedSuccess("b", "0", 1, n(0)),
            new ItemRef("a", "1"), d.recordedSuccess("a", "1", 1, n(1))));
    assertEquals(Set.of("b/1#1", "a/2#1"), Set.copyOf(d.queued()));
  }
}
