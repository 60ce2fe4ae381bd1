package dev.taproot.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where the command line reads and writes. {@code terminal} says whether standard error, where
 * progress goes, is a terminal that can redraw bars; tests pass their own.
 */
public record Io(InputStream in, PrintWriter out, PrintWriter err, boolean terminal) {

  public static Io system() {
    Charset charset = Charset.defaultCharset();
    return new Io(
        System.in,
        new PrintWriter(System.out, true, charset),
        new PrintWriter(System.err, true, charset),
        stderrIsTerminal());
  }

  /** The bytes of a file named on the command line, {@code -} being standard input. */
  public byte[] read(String file, String what) {
    try {
      return file.equals("-") ? in.readAllBytes() : Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw CliException.usage("cannot read " + what + " " + file + ": no such file");
    } catch (IOException e) {
      throw CliException.usage("cannot read " + what + " " + file + ": " + e.getMessage());
    }
  }

  private static boolean stderrIsTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    // Java 17 can only ask about stdin and stdout together (System.console()); on Linux the file
    // descriptor says exactly where standard error goes, so `taproot run x - < in.json` still
    // gets bars.
    Path fd2 = Path.of("/proc/self/fd/2");
    if (Files.exists(fd2, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException e) {
        return System.console() != null;
      }
    }
    return System.console() != null;
  }
}
