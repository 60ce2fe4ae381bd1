package dev.taproot.function;

import java.util.regex.Pattern;

/** Function and workflow names: lowercase, URL- and path-safe, so no name can escape its route. */
public final class FunctionNames {
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private FunctionNames() {}

  public static String check(String kind, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidNameException(kind, name);
    }
    return name;
  }

  /** A name that is not {@code [a-z][a-z0-9-]{0,62}}. */
  public static final class InvalidNameException extends IllegalArgumentException {
    public InvalidNameException(String kind, String name) {
      super(
          kind
              + " name '"
              + name
              + "' is not allowed: use 1 to 63 characters, lowercase letters, digits and '-',"
              + " starting with a letter (e.g. parse-orders)");
    }
  }
}
