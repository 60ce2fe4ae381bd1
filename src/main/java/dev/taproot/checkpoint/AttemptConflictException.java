package dev.taproot.checkpoint;

/**
 * An attempt was already committed when another checkpoint of the same (run, step, item key,
 * attempt) arrived: the first one stays, as on every database Taproot runs on.
 */
public class AttemptConflictException extends RuntimeException {
  private final AttemptRef attempt;

  public AttemptConflictException(AttemptRef attempt) {
    super(
        "attempt "
            + attempt
            + " is already checkpointed; the first committed checkpoint stays and this one is"
            + " dropped");
    this.attempt = attempt;
  }

  public AttemptRef attempt() {
    return attempt;
  }
}
