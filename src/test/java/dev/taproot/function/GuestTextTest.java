package dev.taproot.function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GuestTextTest {

  @Test
  void anyBytesComeBackAsTheyWere() {
    Random random = new Random(11);
    for (int n = 0; n < 2000; n++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      assertArrayEquals(bytes, GuestText.bytes(GuestText.decode(bytes)), "case " + n);
    }
  }

  @Test
  void validUtf8IsDecodedAsItIs() {
    String text = "héllo \u0000 wörld 😀\n";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertEquals(text, GuestText.decode(bytes));
    assertTrue(GuestText.exact(text));
    assertEquals(text, GuestText.readable(text), "readable text is left alone");
  }

  @Test
  void aLogLineShowsControlCharactersAsHexAndKeepsLinesAndTabs() {
    byte[] stderr =
        "bad\0\u00ff\u00fe\u001b[31mend\u007f\n\tnext".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(
        "bad\\x00\\xFF\\xFE\\x1B[31mend\\x7F\n\tnext",
        GuestText.printable(GuestText.decode(stderr)));
    assertEquals("plain text\n", GuestText.printable("plain text\n"));
  }

  @Test
  void invalidBytesAreNotRepairedAndReadAsHex() {
    byte[] bytes = {'a', (byte) 0xFF, 'b', (byte) 0xC3, 'c', (byte) 0xC0, (byte) 0xAF};
    String text = GuestText.decode(bytes);
    assertFalse(GuestText.exact(text));
    assertEquals("a\\xFFb\\xC3c\\xC0\\xAF", GuestText.readable(text));
    byte[] other = {'a', (byte) 0xFE, 'b', (byte) 0xC3, 'c', (byte) 0xC0, (byte) 0xAF};
    assertNotEquals(
        text, GuestText.decode(other), "two different byte strings never compare equal");
  }

  @Test
  void aValidSurrogatePairIsNotAnEscapedByte() {
    String emoji = "😀"; // \uD83D\uDE00: its low half is in the escape range's neighbourhood
    assertTrue(GuestText.exact(emoji));
    assertArrayEquals(emoji.getBytes(StandardCharsets.UTF_8), GuestText.bytes(emoji));
  }
}
