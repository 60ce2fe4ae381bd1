package dev.taproot.checkpoint;

/**
 * The database could not be read or written. Transient as a rule (a connection lost, the server
 * restarting): what failed on it may be tried again.
 */
public class StoreException extends RuntimeException {
  public StoreException(String what, java.sql.SQLException cause) {
    super(what + ": " + cause.getMessage(), cause);
  }
}
