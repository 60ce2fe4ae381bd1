package dev.taproot.error;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Supplier;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Stores the next version of a name (a function, a workflow) in a transaction of its own, and again
 * when another request stored that version first: both read the same latest version, the database's
 * unique key on (name, version) refuses the second commit, and the second tries again with the
 * version after. Without this, two registrations at the same moment answered 500.
 */
public final class VersionRace {
  private static final int ATTEMPTS = 5;

  /** SQLState of a unique key violation, on PostgreSQL and H2 alike. */
  private static final String UNIQUE_VIOLATION = "23505";

  private VersionRace() {}

  /**
   * Runs {@code store} in a new transaction, up to five times while the commit meets a version
   * another request took at the same moment.
   *
   * @throws ConflictException naming {@code what} when every attempt lost its race
   */
  // Boundary: the duplicate key arrives wrapped in whatever the transaction layer throws (a
  // persistence exception at flush, a transaction exception at commit); anything else is rethrown.
  @SuppressWarnings("checkstyle:IllegalCatch")
  public static <T> T store(String what, Supplier<T> store) {
    for (int attempt = 1; ; attempt++) {
      try {
        return QuarkusTransaction.requiringNew().call(store::get);
      } catch (RuntimeException e) {
        if (!isDuplicateKey(e, Collections.newSetFromMap(new IdentityHashMap<>()))) {
          throw e;
        }
        if (attempt == ATTEMPTS) {
          throw new ConflictException(
              what
                  + " lost the race for its next version "
                  + ATTEMPTS
                  + " times to other requests storing the same name at the same moment; send it"
                  + " again");
        }
      }
    }
  }

  /**
   * Whether the failure (its causes, or what was suppressed at the commit) is Hibernate's report of
   * a duplicate key: the versions are stored through entities, so that is how the refusal comes.
   */
  private static boolean isDuplicateKey(Throwable t, Set<Throwable> seen) {
    if (t == null || !seen.add(t)) {
      return false;
    }
    if (t instanceof ConstraintViolationException c && UNIQUE_VIOLATION.equals(c.getSQLState())) {
      return true;
    }
    for (Throwable suppressed : t.getSuppressed()) {
      if (isDuplicateKey(suppressed, seen)) {
        return true;
      }
    }
    return isDuplicateKey(t.getCause(), seen);
  }
}
