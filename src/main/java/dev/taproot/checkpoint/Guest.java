package dev.taproot.checkpoint;

/** What a replay needs to reproduce an attempt's call, and what the guest said on stderr. */
public record Guest(long seed, String logs) {
  public static final Guest NONE = new Guest(0L, null);
}
