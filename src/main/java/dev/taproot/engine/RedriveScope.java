package dev.taproot.engine;

import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.RecordedAttempt;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a redrive re-executes. The run is rebuilt around these items only: every other item keeps
 * its recorded outcome and is only counted ({@link #tallies}), or read from the database when a
 * fan-in needs its output ({@link #recorded}). That keeps a redrive of a few items of a big run
 * proportional to the few.
 */
final class RedriveScope {
  private final Map<String, List<String>> keys;
  private final Map<String, Set<String>> selected = new HashMap<>();
  private final Set<String> whole;
  private final Map<ItemRef, RecordedAttempt> followed;
  private final Map<String, RecordedRun.Tally> tallies;
  private final RecordedRun recorded;

  /** Sorted once per step, as progress is asked for again and again; read under the run's lock. */
  private final Map<String, int[]> recordIndexes = new HashMap<>();

  /**
   * @param keys the selected item keys of each step, in item order
   * @param whole steps that run again entirely, because an input every item reads changed
   * @param followed recorded attempts of upstream items that selected item-wise items follow but
   *     that do not run again themselves
   * @param tallies per step, the outcomes of the items that are not rebuilt
   * @param recorded what the run recorded, for the fan-ins that read the items left alone
   */
  RedriveScope(
      Map<String, List<String>> keys,
      Set<String> whole,
      Map<ItemRef, RecordedAttempt> followed,
      Map<String, RecordedRun.Tally> tallies,
      RecordedRun recorded) {
    this.keys = Map.copyOf(keys);
    this.whole = Set.copyOf(whole);
    this.followed = Map.copyOf(followed);
    this.tallies = Map.copyOf(tallies);
    this.recorded = recorded;
    keys.forEach((step, ks) -> selected.put(step, Set.copyOf(ks)));
  }

  /** The selected item keys of a step, in item order. */
  List<String> keysOf(String step) {
    return keys.getOrDefault(step, List.of());
  }

  /** Whether item {@code key} of {@code step} is rebuilt (and so runs again) in this redrive. */
  boolean rebuilds(String step, String key) {
    return whole.contains(step) || selected.getOrDefault(step, Set.of()).contains(key);
  }

  /**
   * How many selected records of a step over an upload are at or after record {@code next}: the
   * keys of such a step are record indexes.
   */
  int selectedRecordsFrom(String step, int next) {
    int[] indexes = recordIndexes.computeIfAbsent(step, this::recordIndexes);
    int at = Arrays.binarySearch(indexes, next);
    return indexes.length - (at >= 0 ? at : -at - 1);
  }

  private int[] recordIndexes(String step) {
    return keysOf(step).stream().mapToInt(Integer::parseInt).sorted().toArray();
  }

  /** Whether every item of {@code step} runs again. */
  boolean wholeStep(String step) {
    return whole.contains(step);
  }

  /** The recorded attempt of an upstream item a selected item-wise item follows; or null. */
  RecordedAttempt followed(ItemRef upstreamItem) {
    return followed.get(upstreamItem);
  }

  RecordedRun.Tally tally(String step) {
    return tallies.getOrDefault(step, RecordedRun.Tally.NONE);
  }

  RecordedRun recorded() {
    return recorded;
  }
}
