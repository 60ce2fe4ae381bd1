package dev.taproot.definition;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a definition names a function: its latest version, one version, or a module digest. */
public sealed interface FunctionRef
    permits FunctionRef.Latest, FunctionRef.Version, FunctionRef.Digest {

  /** What a function name may look like (the registry may be stricter). */
  Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  Pattern VERSIONED = Pattern.compile("(.+)@(\\d{1,9})");

  /**
   * Reads {@code name}, {@code name@3} or {@code sha256:<64 hex>}.
   *
   * @throws IllegalArgumentException saying what a ref looks like
   */
  static FunctionRef parse(String text) {
    Objects.requireNonNull(text, "text");
    String ref = text.strip();
    if (ref.regionMatches(true, 0, "sha256:", 0, 7)) {
      String digest = ref.toLowerCase(Locale.ROOT);
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException(
            "bad digest '" + text + "': a digest is sha256: followed by 64 hex digits");
      }
      return new Digest(digest);
    }
    Matcher versioned = VERSIONED.matcher(ref);
    if (versioned.matches() && NAME.matcher(versioned.group(1)).matches()) {
      int version = Integer.parseInt(versioned.group(2));
      if (version < 1) {
        throw new IllegalArgumentException(
            "bad function ref '"
                + text
                + "': versions start at 1, e.g. "
                + versioned.group(1)
                + "@1");
      }
      return new Version(versioned.group(1), version);
    }
    if (NAME.matcher(ref).matches()) {
      return new Latest(ref);
    }
    throw new IllegalArgumentException(
        "bad function ref '"
            + text
            + "': write a function name (its latest version), name@3 (a version), or"
            + " sha256:<64 hex digits> (a module digest)");
  }

  /** The latest version registered under {@code name} when the definition is submitted. */
  record Latest(String name) implements FunctionRef {
    public Latest {
      requireName(name);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** One version of {@code name}. */
  record Version(String name, int version) implements FunctionRef {
    public Version {
      requireName(name);
      if (version < 1) {
        throw new IllegalArgumentException("versions start at 1: " + version);
      }
    }

    @Override
    public String toString() {
      return name + "@" + version;
    }
  }

  /** The module with this digest, e.g. {@code sha256:ab12…}. */
  record Digest(String digest) implements FunctionRef {
    public Digest {
      if (digest == null || !DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException("a digest is sha256:<64 lowercase hex>: " + digest);
      }
    }

    @Override
    public String toString() {
      return digest;
    }
  }

  private static void requireName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad function name: " + name);
    }
  }
}
