package dev.taproot.definition;

import dev.taproot.expression.Expression;
import dev.taproot.expression.Template;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One node of the DAG, with every default filled in.
 *
 * @param id the key under {@code steps}
 * @param function the alias under {@code functions}
 * @param input what the function receives; {@code ${{ input }}} unless set
 * @param forEach how many executions the step has
 * @param when skip condition; null when the step always runs
 * @param needs explicit edges, as written
 * @param dependsOn {@code needs} plus every step the expressions reference: all direct upstreams
 * @param retry attempts and waits
 * @param timeout per attempt
 * @param memoryBytes cap on the module's linear memory
 * @param outputBytes cap on the output's size
 * @param inputContract checked against every input; null when none
 * @param outputContract checked against every output; null when none
 */
public record StepDefinition(
    String id,
    String function,
    Template input,
    ForEach forEach,
    Expression when,
    Set<String> needs,
    Set<String> dependsOn,
    RetryPolicy retry,
    Duration timeout,
    long memoryBytes,
    long outputBytes,
    Contract inputContract,
    Contract outputContract) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final long DEFAULT_MEMORY_BYTES = 64L << 20;
  public static final long DEFAULT_OUTPUT_BYTES = 4L << 20;

  public StepDefinition {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(forEach, "forEach");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(timeout, "timeout");
    needs = Collections.unmodifiableSet(new LinkedHashSet<>(needs));
    dependsOn = Collections.unmodifiableSet(new LinkedHashSet<>(dependsOn));
    if (!dependsOn.containsAll(needs)) {
      throw new IllegalArgumentException("dependsOn must include needs: " + needs);
    }
    if (dependsOn.contains(id)) {
      throw new IllegalArgumentException("step " + id + " cannot depend on itself");
    }
    if (forEach instanceof ForEach.ItemWise itemWise
        && !dependsOn.contains(itemWise.upstreamStep())) {
      throw new IllegalArgumentException("an item-wise step depends on its upstream");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (memoryBytes <= 0 || outputBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /**
   * Whether this step runs item k as soon as item k of {@code upstream} has ended (a {@code
   * forEach} over {@code steps.<upstream>.items}), keeping its keys: the one item-wise rule every
   * part of the engine follows.
   */
  public boolean followsItemsOf(String upstream) {
    return forEach instanceof ForEach.ItemWise iw && iw.upstreamStep().equals(upstream);
  }

  /** The step whose items this one follows one by one, if it is item-wise. */
  public java.util.Optional<String> itemWiseUpstream() {
    return forEach instanceof ForEach.ItemWise iw
        ? java.util.Optional.of(iw.upstreamStep())
        : java.util.Optional.empty();
  }

  public boolean hasForEach() {
    return !(forEach instanceof ForEach.None);
  }
}
