package dev.taproot.engine;

import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.RecordedAttempt;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a redrive re-executes. The run is rebuilt around these items only: every other item keeps
 * its recorded outcome and is only counted ({@code tallies}), or read from the database when a
 * fan-in needs its output ({@code recorded}). That keeps a redrive of a few items of a big run
 * proportional to the few.
 *
 * @param keys the selected item keys of each step, in item order
 * @param whole steps that run again entirely, because an input every item reads changed
 * @param followed recorded attempts of upstream items that selected item-wise items follow but that
 *     do not run again themselves
 * @param tallies per step, the outcomes of the items that are not rebuilt
 */
record RedriveScope(
    Map<String, List<String>> keys,
    Set<String> whole,
    Map<ItemRef, RecordedAttempt> followed,
    Map<String, RecordedRun.Tally> tallies,
    RecordedRun recorded) {

  List<String> keysOf(String step) {
    return keys.getOrDefault(step, List.of());
  }
}
