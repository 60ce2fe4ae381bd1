package dev.taproot.function.runtime;

import com.dylibso.chicory.log.Logger;

/**
 * Chicory's WASI traces every host call through its logger. What a guest does is its own business
 * (its stderr is kept as its log), so none of it reaches the service log, and no time is spent
 * formatting it.
 */
final class SilentLogger implements Logger {

  static final SilentLogger INSTANCE = new SilentLogger();

  private SilentLogger() {}

  @Override
  public void log(Level level, String msg, Throwable throwable) {}

  @Override
  public boolean isLoggable(Level level) {
    return false;
  }
}
