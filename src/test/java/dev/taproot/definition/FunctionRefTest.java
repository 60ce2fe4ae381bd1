package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionRefTest {

  private static final String HEX = "ab12".repeat(16);

  @Test
  void threeFormsOfRef() {
    assertEquals(new FunctionRef.Latest("parse-orders"), FunctionRef.parse("parse-orders"));
    assertEquals(new FunctionRef.Version("enrich-order", 3), FunctionRef.parse("enrich-order@3"));
    assertEquals(new FunctionRef.Digest("sha256:" + HEX), FunctionRef.parse("sha256:" + HEX));
    assertEquals(
        new FunctionRef.Digest("sha256:" + HEX), FunctionRef.parse("SHA256:" + HEX.toUpperCase()));
  }

  @Test
  void refsPrintAsWritten() {
    assertEquals("enrich-order@3", FunctionRef.parse("enrich-order@3").toString());
    assertEquals("sha256:" + HEX, FunctionRef.parse("sha256:" + HEX).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "name@", "name@0", "name@x", "@3", "-name", "name@3@4"})
  void badRefsSayWhatARefLooksLike(String ref) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FunctionRef.parse(ref));
    assertTrue(e.getMessage().startsWith("bad function ref '" + ref + "'"), e.getMessage());
  }

  @Test
  void badDigests() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> FunctionRef.parse("sha256:abc"))
            .getMessage()
            .startsWith("bad digest 'sha256:abc'"));
  }

  @Test
  void resolvedFunctionsAreValidated() {
    String digest = "sha256:" + HEX;
    assertEquals("f@2", new ResolvedFunction("f", 2, digest, "wasi", List.of()).pinnedRef());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ResolvedFunction("f", 0, digest, "wasi", List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ResolvedFunction("f", 1, "abc", "wasi", List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ResolvedFunction("f", 1, digest, "jvm", List.of()));
  }
}
