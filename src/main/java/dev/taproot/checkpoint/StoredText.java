package dev.taproot.checkpoint;

import dev.taproot.function.GuestText;
import java.util.Base64;

/**
 * Text for the TEXT columns (guest logs, error messages), stored faithfully on every database.
 * PostgreSQL refuses NUL in text, and a guest may write any byte to stderr (invalid UTF-8 arrives
 * as escaped bytes, see {@link GuestText}); such a text is stored as a marker and the base64 of its
 * bytes, and read back as it was. Every other text is stored as it is, so rows stay readable in
 * SQL.
 */
final class StoredText {
  /** Starts with U+0001, which no readable text does; PostgreSQL accepts it. */
  static final String MARK = "\u0001taproot:base64:";

  private StoredText() {}

  static String encode(String text) {
    if (text == null
        || (text.indexOf('\u0000') < 0 && !text.startsWith(MARK) && GuestText.exact(text))) {
      return text;
    }
    return MARK + Base64.getEncoder().encodeToString(GuestText.bytes(text));
  }

  static String decode(String stored) {
    if (stored == null || !stored.startsWith(MARK)) {
      return stored;
    }
    return GuestText.decode(Base64.getDecoder().decode(stored.substring(MARK.length())));
  }
}
