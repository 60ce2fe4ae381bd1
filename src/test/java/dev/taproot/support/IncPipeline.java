package dev.taproot.support;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The pipeline the multi-process tests and benchmarks run: a (inc over the input items), b (inc,
 * item by item over a), total (inc of how many items b has, a fan-in). Every output is known in
 * advance: b's output of item i is {@code {"n": i + 2}}, total's is {@code {"n": items + 1}}.
 */
public final class IncPipeline {
  private IncPipeline() {}

  /** The workflow YAML, named {@code name}, running the registered function {@code inc@1}. */
  public static String yaml(String name) {
    return """
        name: %s
        functions:
          inc: { ref: inc@1 }
        steps:
          a:
            function: inc
            forEach: ${{ input.items }}
            input: ${{ item }}
          b:
            function: inc
            forEach: ${{ steps.a.items }}
            input: ${{ item.output }}
          total:
            function: inc
            input:
              n: ${{ steps.b.items.map(i, i.output.n).size() }}
        """
        .formatted(name);
  }

  /** {@code {"items": [{"n": 0}, …]}} with {@code items} items. */
  public static String input(int items) {
    return IntStream.range(0, items)
        .mapToObj(i -> "{\"n\": " + i + "}")
        .collect(Collectors.joining(",", "{\"items\": [", "]}"));
  }
}
