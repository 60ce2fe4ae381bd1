package dev.taproot.function.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonOutputTest {

  private final JsonOutput json = new JsonOutput();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\": 1}",
        "{\"a\": 1}\n",
        "  [1, 2]\r\n\t ",
        "42",
        "\"text\"",
        "null",
        "{\"caf\u00e9\": \"\u65e5\u672c \ud83c\udf31\"}"
      })
  void oneValueWithWhitespaceAroundIsOutput(String stdout) {
    assertInstanceOf(JsonOutput.Value.class, json.parse(stdout.getBytes(UTF_8)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   \n"})
  void emptyStdoutSaysSo(String stdout) {
    assertTrue(reason(stdout).startsWith("stdout is empty"), reason(stdout));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{} {}", "{\"a\": 1}\n{\"a\": 2}\n", "1 2", "{}x"})
  void twoValuesAreRefused(String stdout) {
    String reason = reason(stdout);
    assertTrue(
        reason.contains("more than one JSON value") || reason.contains("not valid JSON"), reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "{\"a\": }", "{\"a\": 1", "{\"a\": 1, \"a\": 2}"})
  void invalidJsonIsRefusedQuotingStdout(String stdout) {
    String reason = reason(stdout);
    assertTrue(reason.contains("not valid JSON"), reason);
    assertTrue(reason.contains("stdout is \""), reason);
  }

  @org.junit.jupiter.api.Test
  void nonUtf8IsRefusedWithItsOffset() {
    byte[] utf16 = "{\"a\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
    byte[] latin1 = "{\"caf\u00e9\": 1}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    String reason = assertInstanceOf(JsonOutput.Invalid.class, json.parse(latin1)).reason();
    assertTrue(reason.startsWith("stdout is not UTF-8 (invalid byte sequence at byte 5)"), reason);
    assertInstanceOf(JsonOutput.Invalid.class, json.parse(utf16));
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 200, 5000})
  void quotesAtMostTheFirst200Bytes(int length) {
    String stdout = "x".repeat(length);
    String reason = reason(stdout);
    int quoted = Math.min(length, JsonOutput.QUOTED_BYTES);
    assertTrue(reason.contains("\"" + "x".repeat(quoted) + "\""), reason);
    assertEquals(length > quoted, reason.contains("(" + length + " bytes in all)"), reason);
  }

  private String reason(String stdout) {
    return assertInstanceOf(JsonOutput.Invalid.class, json.parse(stdout.getBytes(UTF_8))).reason();
  }
}
