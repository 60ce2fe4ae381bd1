package dev.taproot.function.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dylibso.chicory.runtime.WasmRuntimeException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One execution's Extism kernel: the memory a plug-in reaches only through the {@code
 * extism:host/env} functions, the input, output and error blocks in it, the vars and the config.
 *
 * <p>Extism keeps this memory in a separate Wasm module; here it is a byte array on the host side,
 * addressed by the same u64 offsets ({@code 0} means none), with a bump allocator that reuses freed
 * blocks as the kernel's does. Plug-ins never see the representation, only offsets, lengths and
 * bytes. The array grows in 64 KiB pages and, together with the vars and the plug-in's linear
 * memory, stays under the execution's memory limit: an alloc past it returns 0, as Extism's does,
 * and the refusal is remembered so the failure that follows reads as MEMORY_LIMIT.
 *
 * <p>Where Extism returns 0 or ignores a store outside its memory, this kernel traps with the call
 * and the offset: a plug-in reading what it never wrote is a bug better reported than hidden.
 */
final class ExtismKernel {

  /** Extism's log levels, in the order {@code get_log_level} numbers them. */
  enum Level {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  /** The first offset handed out: 0 is "none", and a little room keeps offsets distinct from it. */
  static final int BASE = 8;

  private static final int PAGE = 64 * 1024;

  /** A Java array's practical ceiling, rounded down to whole pages. */
  private static final long MAX_BYTES = (Integer.MAX_VALUE - PAGE) / PAGE * (long) PAGE;

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** One allocation: where it starts, how large it is, how much of it the last alloc asked for. */
  private static final class Block {
    final int offset;
    final int size;
    int used;
    boolean active = true;

    Block(int offset, int size) {
      this.offset = offset;
      this.size = size;
      this.used = size;
    }
  }

  /** An alloc or var_set the memory limit refused. */
  record Refusal(long requested, long kernelBytes, long linearBytes) {}

  private final long limitBytes;
  private final long outputLimit;
  private final Map<String, String> config;
  private final TailBuffer log;
  private final Map<Integer, Block> blocks = new HashMap<>();
  private final List<Block> freed = new ArrayList<>();
  private final Map<String, byte[]> vars = new HashMap<>();
  private byte[] bytes = new byte[0];
  private int position = BASE;
  private long varBytes;
  private long inputOffset;
  private long inputLength;
  private long outputOffset;
  private long outputLength = -1;
  private long error;
  private Refusal refusal;

  /**
   * @param input the plug-in's input, copied into the first block
   * @param config what {@code config_get} answers
   * @param log where the plug-in's log lines go (the execution's log, shared with WASI stderr)
   */
  ExtismKernel(byte[] input, Limits limits, Map<String, String> config, TailBuffer log) {
    this.limitBytes = limits.memoryBytes();
    this.outputLimit = limits.outputBytes();
    this.config = config;
    this.log = log;
    if (input.length > 0) {
      long offset = alloc(input.length, 0);
      if (offset == 0) {
        throw new MemoryGuard.InitialMemoryTooLarge(
            "the input ("
                + Units.bytes(input.length)
                + ") does not fit in the plug-in's memory limit of "
                + Units.bytes(limitBytes)
                + "; raise the step's memory limit");
      }
      System.arraycopy(input, 0, bytes, (int) offset, input.length);
      inputOffset = offset;
      inputLength = input.length;
    }
  }

  // --- memory ---

  /**
   * A new block of {@code length} bytes, or 0 when {@code length} is 0 or the limit refuses it.
   *
   * @param linearBytes the plug-in's linear memory now, which shares the limit
   */
  long alloc(long length, long linearBytes) {
    if (length == 0) {
      return 0;
    }
    if (length < 0 || length > MAX_BYTES) {
      refuse(length, linearBytes);
      return 0;
    }
    int n = (int) length;
    for (int i = 0; i < freed.size(); i++) {
      Block block = freed.get(i);
      if (block.size >= n) {
        freed.remove(i);
        block.active = true;
        block.used = n;
        return block.offset;
      }
    }
    long end = (long) position + n;
    if (end > bytes.length && !grow(end, length, linearBytes)) {
      return 0;
    }
    Block block = new Block(position, n);
    blocks.put(position, block);
    position = (int) end;
    return block.offset;
  }

  private boolean grow(long end, long requested, long linearBytes) {
    long wanted = (end + PAGE - 1) / PAGE * PAGE;
    long allowed = Math.min(MAX_BYTES, limitBytes - linearBytes - varBytes);
    if (wanted > allowed) {
      refuse(requested, linearBytes);
      return false;
    }
    // Doubling keeps a plug-in that allocates piece by piece from copying the array each time.
    long doubled = Math.min((long) bytes.length * 2, allowed / PAGE * PAGE);
    bytes = Arrays.copyOf(bytes, (int) Math.max(wanted, doubled));
    return true;
  }

  private void refuse(long requested, long linearBytes) {
    if (refusal == null) {
      refusal = new Refusal(requested, bytes.length + varBytes, linearBytes);
    }
  }

  void free(long offset) {
    Block block = active(offset);
    if (block != null) {
      block.active = false;
      freed.add(block);
      if (offset == inputOffset) {
        inputLength = 0;
      }
    }
  }

  /** The length of the active block starting at {@code offset}, or 0 if none starts there. */
  long length(long offset) {
    Block block = active(offset);
    return block == null ? 0 : block.used;
  }

  private Block active(long offset) {
    if (offset < BASE || offset >= position) {
      return null;
    }
    Block block = blocks.get((int) offset);
    return block != null && block.active ? block : null;
  }

  int loadU8(long offset) {
    check("load_u8", offset, 1);
    return bytes[(int) offset] & 0xFF;
  }

  long loadU64(long offset) {
    check("load_u64", offset, 8);
    return (long) LONG.get(bytes, (int) offset);
  }

  void storeU8(long offset, int value) {
    check("store_u8", offset, 1);
    bytes[(int) offset] = (byte) value;
  }

  void storeU64(long offset, long value) {
    check("store_u64", offset, 8);
    LONG.set(bytes, (int) offset, value);
  }

  /** Frees everything, input, output and error included, as the kernel's {@code reset} does. */
  void reset() {
    blocks.clear();
    freed.clear();
    position = BASE;
    inputOffset = 0;
    inputLength = 0;
    outputOffset = 0;
    outputLength = -1;
    error = 0;
  }

  long memoryBytes() {
    return bytes.length;
  }

  private void check(String call, long offset, int size) {
    if (offset < BASE || offset > bytes.length - size) {
      throw new WasmRuntimeException(
          "Extism kernel call "
              + call
              + " at offset "
              + Long.toUnsignedString(offset)
              + " is outside the kernel memory (offsets "
              + BASE
              + " to "
              + bytes.length
              + "); use offsets that alloc returned, within their length");
    }
  }

  // --- input, output, error ---

  long inputOffset() {
    return inputOffset;
  }

  long inputLength() {
    return inputLength;
  }

  int inputLoadU8(long offset) {
    checkInput("input_load_u8", offset, 1);
    return loadU8(inputOffset + offset);
  }

  long inputLoadU64(long offset) {
    checkInput("input_load_u64", offset, 8);
    return loadU64(inputOffset + offset);
  }

  private void checkInput(String call, long offset, int size) {
    if (offset < 0 || offset > inputLength - size) {
      throw new WasmRuntimeException(
          "Extism kernel call "
              + call
              + " at input offset "
              + Long.toUnsignedString(offset)
              + " reads past the input ("
              + inputLength
              + " bytes); read up to input_length");
    }
  }

  void inputSet(long offset, long length) {
    checkRange("input_set", offset, length);
    inputOffset = offset;
    inputLength = length;
  }

  void outputSet(long offset, long length) {
    if (length > outputLimit || length < 0) {
      throw new BoundedOutput.LimitExceeded(outputLimit);
    }
    checkRange("output_set", offset, length);
    outputOffset = offset;
    outputLength = length;
  }

  long outputOffset() {
    return outputOffset;
  }

  long outputLength() {
    return Math.max(0, outputLength);
  }

  /** The bytes given to {@code output_set}, or null when it was never called. */
  byte[] output() {
    if (outputLength < 0) {
      return null;
    }
    return Arrays.copyOfRange(bytes, (int) outputOffset, (int) (outputOffset + outputLength));
  }

  void errorSet(long offset) {
    if (offset != 0) {
      checkRange("error_set", offset, 1);
    }
    error = offset;
  }

  long errorGet() {
    return error;
  }

  /** The message given to {@code error_set}, or null when none is set. */
  String error() {
    if (error == 0) {
      return null;
    }
    long length = length(error);
    return length == 0 ? "" : new String(bytes, (int) error, (int) length, UTF_8);
  }

  private void checkRange(String call, long offset, long length) {
    if (length == 0) {
      return;
    }
    check(call, offset, 1);
    check(call, offset + length - 1, 1);
  }

  // --- config, vars, log ---

  long configGet(long keyOffset, long linearBytes) {
    String value = config.get(text(keyOffset));
    return value == null ? 0 : copy(value.getBytes(UTF_8), linearBytes);
  }

  long varGet(long keyOffset, long linearBytes) {
    byte[] value = vars.get(text(keyOffset));
    return value == null ? 0 : copy(value, linearBytes);
  }

  /** Sets a var to the block at {@code valueOffset}, or removes it when that is 0. */
  void varSet(long keyOffset, long valueOffset, long linearBytes) {
    String key = text(keyOffset);
    byte[] old = vars.remove(key);
    if (old != null) {
      varBytes -= old.length;
    }
    if (valueOffset == 0) {
      return;
    }
    byte[] value = block(valueOffset);
    if (bytes.length + varBytes + value.length + linearBytes > limitBytes) {
      refuse(value.length, linearBytes);
      throw new WasmRuntimeException(
          "Extism kernel call var_set refused: a var of "
              + Units.bytes(value.length)
              + " does not fit in the memory limit");
    }
    vars.put(key, value);
    varBytes += value.length;
  }

  void log(Level level, long messageOffset) {
    byte[] prefix = ("[" + level.name() + "] ").getBytes(UTF_8);
    byte[] message = block(messageOffset);
    log.write(prefix, 0, prefix.length);
    log.write(message, 0, message.length);
    log.write('\n');
  }

  private long copy(byte[] value, long linearBytes) {
    long offset = alloc(value.length, linearBytes);
    if (offset != 0) {
      System.arraycopy(value, 0, bytes, (int) offset, value.length);
    }
    return offset;
  }

  private byte[] block(long offset) {
    long length = length(offset);
    return length == 0
        ? new byte[0]
        : Arrays.copyOfRange(bytes, (int) offset, (int) (offset + length));
  }

  private String text(long offset) {
    return new String(block(offset), UTF_8);
  }

  /** The alloc or var_set the limit refused first, or null. */
  Refusal refusal() {
    return refusal;
  }

  /** Explains the refusal for a failure message; only meaningful when there was one. */
  String describeRefusal() {
    return "the plug-in ran out of memory: it asked the Extism kernel for "
        + Units.bytes(refusal.requested())
        + " more (kernel memory and vars "
        + Units.bytes(refusal.kernelBytes())
        + ", linear memory "
        + Units.bytes(refusal.linearBytes())
        + "), over the memory limit of "
        + Units.bytes(limitBytes)
        + ", was refused, and then failed";
  }
}
