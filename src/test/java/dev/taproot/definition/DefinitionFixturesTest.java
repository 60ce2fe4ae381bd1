package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under definitions/valid must parse, and its pinned text must parse back to the same
 * definition. Every file under definitions/invalid states its errors in comment lines, at its end
 * so that they shift no line number:
 *
 * <pre>
 * # expect: 7:5 steps.enrich.forEch | unknown field 'forEch'
 * </pre>
 *
 * (line:column, path or "(root)", and the start of the message), and must give exactly those, in
 * that order.
 */
class DefinitionFixturesTest {

  private static final Pattern EXPECT =
      Pattern.compile("^# expect: (\\d+):(\\d+) (\\S+) \\| (.+)$", Pattern.MULTILINE);

  record Expected(int line, int column, String path, String fragment) {
    boolean matches(DefinitionError error) {
      return error.line() == line
          && error.column() == column
          && error.path().equals(path)
          && error.message().contains(fragment);
    }

    @Override
    public String toString() {
      return line + ":" + column + " " + (path.isEmpty() ? "(root)" : path) + " | " + fragment;
    }
  }

  static Stream<Path> valid() throws IOException, URISyntaxException {
    return fixtures("valid");
  }

  static Stream<Path> invalid() throws IOException, URISyntaxException {
    return fixtures("invalid");
  }

  private static Stream<Path> fixtures(String kind) throws IOException, URISyntaxException {
    Path dir = Path.of(DefinitionFixturesTest.class.getResource("/definitions/" + kind).toURI());
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no fixtures in " + dir);
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void validFixturesParseAndTheirPinnedTextParsesTheSame(Path file) throws IOException {
    String yaml = Files.readString(file, StandardCharsets.UTF_8);
    ParsedDefinition parsed;
    try {
      parsed = DefinitionParser.parse(yaml, FakeRegistry.standard());
    } catch (InvalidDefinitionException e) {
      throw new AssertionError(file.getFileName() + " was rejected:\n" + e.getMessage(), e);
    }
    ParsedDefinition again = DefinitionParser.parse(parsed.pinnedYaml(), FakeRegistry.standard());
    assertEquals(parsed.definition(), again.definition());
    assertEquals(parsed.pinnedYaml(), again.pinnedYaml(), "pinning is idempotent");
    parsed
        .definition()
        .functions()
        .values()
        .forEach(alias -> assertTrue(parsed.pinnedYaml().contains(alias.ref()), alias.ref()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidFixturesGiveExactlyTheStatedErrors(Path file) throws IOException {
    String yaml = Files.readString(file, StandardCharsets.UTF_8);
    List<Expected> expected = expectations(yaml);
    assertFalse(expected.isEmpty(), file.getFileName() + " states no '# expect:' line");
    InvalidDefinitionException e =
        assertThrows(
            InvalidDefinitionException.class,
            () -> DefinitionParser.parse(yaml, FakeRegistry.standard()),
            file.getFileName() + " was accepted");
    List<DefinitionError> actual = e.errors();
    String report =
        file.getFileName()
            + "\nexpected:\n  "
            + expected.stream().map(Expected::toString).collect(Collectors.joining("\n  "))
            + "\nactual:\n  "
            + actual.stream().map(DefinitionError::toString).collect(Collectors.joining("\n  "));
    assertEquals(expected.size(), actual.size(), report);
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(
          expected.get(i).matches(actual.get(i)), "error " + (i + 1) + " differs\n" + report);
    }
  }

  private static List<Expected> expectations(String yaml) {
    Matcher matcher = EXPECT.matcher(yaml);
    List<Expected> expected = new java.util.ArrayList<>();
    while (matcher.find()) {
      String path = matcher.group(3).equals("(root)") ? "" : matcher.group(3);
      expected.add(
          new Expected(
              Integer.parseInt(matcher.group(1)),
              Integer.parseInt(matcher.group(2)),
              path,
              matcher.group(4).strip()));
    }
    return expected;
  }
}
