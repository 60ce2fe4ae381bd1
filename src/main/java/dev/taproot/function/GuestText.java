package dev.taproot.function;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Bytes a guest wrote (stderr, error messages) as a Java string that gives the same bytes back:
 * valid UTF-8 is decoded, and each byte that is not is kept as the lone surrogate U+DC80–U+DCFF
 * (Python's "surrogateescape"), which valid text never holds. Two such strings are equal exactly
 * when their bytes are, so a replay compares what was written, not what a decoder repaired. A lone
 * surrogate is not text: {@link #readable} is what users see, {@link #bytes} what is stored.
 */
public final class GuestText {
  private static final int ESCAPE = 0xDC00;

  private GuestText() {}

  /** {@code length} bytes from {@code offset}, invalid UTF-8 kept as escaped bytes. */
  public static String decode(byte[] bytes, int offset, int length) {
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    CharBuffer out = CharBuffer.allocate(length);
    while (true) {
      CoderResult r = utf8.decode(in, out, true);
      if (r.isUnderflow()) {
        break;
      }
      // Malformed (or a truncated sequence at the end): escape its bytes one by one.
      for (int i = 0; i < r.length(); i++) {
        out.put((char) (ESCAPE | (in.get() & 0xFF)));
      }
    }
    utf8.flush(out);
    out.flip();
    return out.toString();
  }

  public static String decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** The bytes {@code text} stands for: escaped bytes as they were, the rest as UTF-8. */
  public static byte[] bytes(String text) {
    if (exact(text)) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (escapedByte(text, i)) {
        out.writeBytes(text.substring(start, i).getBytes(StandardCharsets.UTF_8));
        out.write(text.charAt(i) & 0xFF);
        start = i + 1;
      }
    }
    out.writeBytes(text.substring(start).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Whether {@code text} is plain text (no escaped byte), so UTF-8 gives its bytes. */
  public static boolean exact(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isSurrogate(text.charAt(i)) && escapedByte(text, i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * What a user reads: each escaped byte as {@code \xNN} (so a JSON answer, a log line or a span
   * attribute never carries a lone surrogate); everything else as it is.
   */
  public static String readable(String text) {
    if (text == null || exact(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (escapedByte(text, i)) {
        out.append("\\x").append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * What a log line shows: {@link #readable}, with control characters other than newline and tab
   * (NUL, ESC, DEL, C1) as {@code \xNN} too, so a guest's stderr can neither hide text behind a
   * terminal escape sequence nor make a log file binary.
   */
  public static String printable(String text) {
    String readable = readable(text);
    if (readable == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < readable.length(); i++) {
      char c = readable.charAt(i);
      boolean control = Character.isISOControl(c) && c != '\n' && c != '\t';
      if (control && out == null) {
        out = new StringBuilder(readable.length() + 16).append(readable, 0, i);
      }
      if (control) {
        out.append("\\x").append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? readable : out.toString();
  }

  /** A low surrogate U+DC80–U+DCFF that is not the second half of a pair. */
  private static boolean escapedByte(String text, int i) {
    char c = text.charAt(i);
    return c >= 0xDC80 && c <= 0xDCFF && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
  }
}
