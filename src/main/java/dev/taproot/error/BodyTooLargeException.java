package dev.taproot.error;

/**
 * A request body over the limit of its endpoint: refused (413) as soon as the limit is known to be
 * passed, before the rest of the body is read.
 */
public final class BodyTooLargeException extends RuntimeException {
  private final long max;
  private final String setting;

  /**
   * @param what the body, as a user names it ("the run input")
   * @param size its declared length; null when it is only known to be over
   * @param setting the setting that raises the limit
   * @param hint what to do instead
   */
  public BodyTooLargeException(String what, Long size, long max, String setting, String hint) {
    super(
        what
            + (size == null ? " is over" : " is " + size + " bytes, over")
            + " the limit of "
            + max
            + " bytes ("
            + setting
            + "); "
            + hint);
    this.max = max;
    this.setting = setting;
  }

  public long max() {
    return max;
  }

  public String setting() {
    return setting;
  }
}
