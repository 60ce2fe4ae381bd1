package dev.taproot.function.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasi.WasiPreview1_ModuleFactory;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The world one execution sees through WASI: its input on stdin, stdout and stderr captured,
 * exactly the declared environment, no arguments beyond a program name, no directories, no sockets,
 * and time and randomness that depend only on the invocation.
 *
 * <p>This is the execution's state only; the functions acting on it are shared by every execution
 * ({@link WasiHost}), which reach it through the instance's memory. The rarely called WASI
 * functions are Chicory's own, bound to a {@link WasiPreview1} this sandbox builds only when the
 * guest first calls one of them.
 */
final class WasiSandbox implements AutoCloseable {

  /** argv[0]; fixed so it cannot differ between a run and its replay. */
  static final String PROGRAM_NAME = "function";

  private static final byte[][] ARGUMENTS = {PROGRAM_NAME.getBytes(UTF_8)};

  /** What a descriptor of the three stdio descriptors is; null once closed. */
  enum Stream {
    STDIN,
    STDOUT,
    STDERR
  }

  private final Invocation invocation;
  private final byte[] input;
  private int inputRead;
  private final BoundedOutput stdout;
  private final TailBuffer stderr;
  private final VirtualClock clock;
  private final SeededRandom random;
  private final Stream[] descriptors = {Stream.STDIN, Stream.STDOUT, Stream.STDERR};
  private byte[][] environment;
  private WasiPreview1 chicory;
  private HostFunction[] chicoryFunctions;
  private ExtismKernel kernel;

  WasiSandbox(Invocation invocation) {
    this.invocation = invocation;
    this.input = invocation.input();
    this.stdout = new BoundedOutput(invocation.limits().outputBytes());
    this.stderr = new TailBuffer(TailBuffer.LOG_BYTES);
    this.clock = new VirtualClock(invocation.clock());
    this.random = new SeededRandom(invocation.seed());
  }

  BoundedOutput stdout() {
    return stdout;
  }

  TailBuffer stderr() {
    return stderr;
  }

  VirtualClock clock() {
    return clock;
  }

  SeededRandom random() {
    return random;
  }

  /**
   * Starts the Extism kernel of a plug-in execution, with the input in its first block, the
   * invocation's environment as the config, and its log lines in stderr's tail.
   */
  ExtismKernel startKernel() {
    kernel = new ExtismKernel(input, invocation.limits(), invocation.env(), stderr);
    return kernel;
  }

  /** The Extism kernel, or null for a {@code wasi} command. */
  ExtismKernel kernel() {
    return kernel;
  }

  /** The stream behind a descriptor, or null when it is not open. */
  Stream stream(int fd) {
    return fd >= 0 && fd < descriptors.length ? descriptors[fd] : null;
  }

  /** Closes a descriptor; false if it was not open. */
  boolean close(int fd) {
    if (stream(fd) == null) {
      return false;
    }
    descriptors[fd] = null;
    return true;
  }

  /**
   * Moves descriptor {@code from} to {@code to}, closing what was there; false if either is not
   * open.
   */
  boolean renumber(int from, int to) {
    if (stream(from) == null || stream(to) == null) {
      return false;
    }
    if (from != to) {
      descriptors[to] = descriptors[from];
      descriptors[from] = null;
    }
    return true;
  }

  /** Stdin not yet read. */
  int inputLeft() {
    return input.length - inputRead;
  }

  /** Copies up to {@code max} unread bytes of stdin into {@code memory} at {@code addr}. */
  int readInput(ExecutionMemory memory, int addr, int max) {
    int n = Math.min(max, inputLeft());
    memory.write(addr, input, inputRead, n);
    inputRead += n;
    return n;
  }

  OutputStream output(Stream stream) {
    return stream == Stream.STDOUT ? stdout : stderr;
  }

  List<byte[]> arguments() {
    return List.of(ARGUMENTS);
  }

  /** The environment as WASI hands it over: {@code NAME=value} entries, without the NUL. */
  byte[][] environment() {
    if (environment == null) {
      Map<String, String> env = invocation.env();
      byte[][] entries = new byte[env.size()][];
      int i = 0;
      for (Map.Entry<String, String> entry : env.entrySet()) {
        entries[i++] = (entry.getKey() + "=" + entry.getValue()).getBytes(UTF_8);
      }
      environment = entries;
    }
    return environment;
  }

  /**
   * Chicory's implementation of a WASI function for this execution, in {@link WasiCatalog} order,
   * with its descriptors in the state ours are in (stdin from where the guest is, closed ones
   * closed).
   */
  HostFunction chicory(int index) {
    if (chicoryFunctions == null) {
      WasiOptions.Builder options =
          WasiOptions.builder()
              .withStdin(new ByteArrayInputStream(input, inputRead, inputLeft()), false)
              .withStdout(stdout, false)
              .withStderr(stderr, false)
              .withArguments(List.of(PROGRAM_NAME))
              // Our clock_time_get and random_get replace Chicory's; these only keep anything
              // else in Chicory's WASI that reads them (file timestamps) away from the host.
              .withClock(Clock.fixed(invocation.clock(), ZoneOffset.UTC))
              .withRandom(new Random(invocation.seed()))
              .withThrowOnExit0(true);
      invocation.env().forEach(options::withEnvironment);
      chicory =
          WasiPreview1.builder()
              .withLogger(SilentLogger.INSTANCE)
              .withOptions(options.build())
              .build();
      for (int fd = 0; fd < descriptors.length; fd++) {
        if (descriptors[fd] == null) {
          chicory.fdClose(fd);
        }
      }
      chicoryFunctions = WasiPreview1_ModuleFactory.toHostFunctions(chicory);
    }
    return chicoryFunctions[index];
  }

  @Override
  public void close() {
    if (chicory != null) {
      chicory.close();
    }
  }
}
