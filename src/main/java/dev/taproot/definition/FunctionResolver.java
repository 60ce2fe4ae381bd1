package dev.taproot.definition;

/** Looks function refs up in the registry, so that a definition can pin them when submitted. */
@FunctionalInterface
public interface FunctionResolver {

  /** Never null: {@link Resolution.NotFound} says why a ref names nothing. */
  Resolution resolve(FunctionRef ref);
}
