package dev.taproot.function.runtime;

import static com.dylibso.chicory.runtime.ConstantEvaluators.computeConstantValue;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One execution's linear memory, started from its module's {@link MemoryImage} instead of being
 * allocated, zeroed and filled from the data segments again.
 *
 * <p>The memory is held in {@link #CHUNK}-byte chunks, separate arrays: smaller than a Wasm page so
 * that {@link MemoryMode#LAZY} copies only what a guest touches (a small C guest touches a few KiB
 * of its stack, data and heap, not whole 64 KiB pages); the default, {@link
 * MemoryMode#LAZY_POOLED}, copies into arrays earlier executions gave back. The chunks earlier
 * executions of the module touched ({@link MemoryImage#workingSet}) are copied up front, so that
 * the path of a missing chunk is taken only where a guest goes somewhere new: taken on every
 * execution, C2 inlined it into every load and store and ran memory-heavy guests about a fifth
 * slower. The chunk table is exactly as long as the memory, so an index past it is an out-of-bounds
 * access, and a null entry is a chunk not yet copied from the image; the null check that finds it
 * is the one the JVM would make anyway. The memory limit is enforced in {@link #grow} alone: loads
 * and stores check nothing but the chunk table.
 *
 * <p>Not for shared memories (no atomics across threads): the image is only prepared for unshared
 * ones.
 */
final class LinearMemory implements ExecutionMemory {

  /** Bytes per chunk: 4 KiB, the host's page size too. */
  static final int CHUNK = 4096;

  static final int CHUNKS_PER_PAGE = PAGE_SIZE / CHUNK;

  private static final int SHIFT = Integer.numberOfTrailingZeros(CHUNK);
  private static final int MASK = CHUNK - 1;

  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOAT =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DOUBLE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

  private final MemoryImage image;
  private final MemoryMode mode;
  private final ChunkPool pool;
  private final int maximumPages;
  private final MemoryGuard guard;
  private final WasiSandbox sandbox;

  private byte[][] chunks;

  /** Whether chunks not yet materialised come from the image (after initialize) or are zeros. */
  private boolean imaged;

  private DataSegment[] segments;

  /** Chunks fetched on first touch during this execution, for the image's working set. */
  private int[] faulted = new int[8];

  private int faults;

  LinearMemory(
      MemoryImage image,
      MemoryMode mode,
      ChunkPool pool,
      int maximumPages,
      MemoryGuard guard,
      WasiSandbox sandbox) {
    this.image = image;
    this.mode = mode;
    this.pool = pool;
    this.maximumPages = maximumPages;
    this.guard = guard;
    this.sandbox = sandbox;
    this.chunks = new byte[image.chunks()][];
  }

  @Override
  public WasiSandbox sandbox() {
    return sandbox;
  }

  @Override
  public int pages() {
    return chunks.length / CHUNKS_PER_PAGE;
  }

  @Override
  public int initialPages() {
    return image.initialPages();
  }

  @Override
  public int maximumPages() {
    return maximumPages;
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public int grow(int delta) {
    int previous = pages();
    long wanted = previous + Integer.toUnsignedLong(delta);
    if (wanted > maximumPages) {
      guard.refused(previous, delta, image.declared().maximumPages());
      return -1;
    }
    int first = chunks.length;
    chunks = Arrays.copyOf(chunks, (int) wanted * CHUNKS_PER_PAGE);
    if (!mode.lazy()) {
      for (int i = first; i < chunks.length; i++) {
        chunks[i] = materialise(i);
      }
    } else {
      prefetch(first);
    }
    return previous;
  }

  /**
   * Chicory's instantiation calls {@link #zero()} and then this, to reach the module's initial
   * state, which this memory already stands for: the segments are only kept for {@code
   * memory.init}. Anything else (segments of another module) is applied as Chicory would.
   */
  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments) {
    initialize(instance, dataSegments, 0);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
    this.segments = dataSegments;
    if (!imaged && memoryIndex == 0 && untouched() && image.holds(dataSegments)) {
      imaged = true;
      if (!mode.lazy()) {
        for (int i = 0; i < chunks.length; i++) {
          chunks[i] = materialise(i);
        }
      } else {
        prefetch(0);
      }
      return;
    }
    for (DataSegment segment : dataSegments) {
      if (segment instanceof ActiveDataSegment active && active.index() == memoryIndex) {
        int offset = (int) computeConstantValue(instance, active.offsetInstructions())[0];
        byte[] data = active.data();
        if (!inBounds(offset, data.length)) {
          throw new UninstantiableException(outOfBoundsMessage(offset, data.length));
        }
        write(offset, data, 0, data.length);
      } else if (!(segment instanceof ActiveDataSegment)
          && !(segment instanceof PassiveDataSegment)) {
        throw new ChicoryException("Data segment should be active or passive: " + segment);
      }
    }
  }

  @Override
  public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
    write(dest, segments[segmentId].data(), offset, size);
  }

  @Override
  public void drop(int segment) {
    segments[segment] = PassiveDataSegment.EMPTY;
  }

  @Override
  public void zero() {
    imaged = false;
    for (byte[] chunk : chunks) {
      if (chunk != null) {
        Arrays.fill(chunk, (byte) 0);
      }
    }
  }

  @Override
  public void release() {
    if (faults > 0 && imaged) {
      image.touched(faulted, faults);
    }
    if (mode.pooled()) {
      for (byte[] chunk : chunks) {
        if (chunk != null) {
          pool.give(chunk);
        }
      }
    }
    chunks = new byte[0][];
  }

  // ---- loads and stores: one chunk lookup, a slow path only across a chunk boundary ----

  @Override
  public byte read(int addr) {
    return chunk(addr, 1)[addr & MASK];
  }

  @Override
  public void writeByte(int addr, byte value) {
    chunk(addr, 1)[addr & MASK] = value;
  }

  @Override
  public short readShort(int addr) {
    int off = addr & MASK;
    if (off <= CHUNK - 2) {
      return (short) SHORT.get(chunk(addr, 2), off);
    }
    return (short) readAcross(addr, 2);
  }

  @Override
  public long readU16(int addr) {
    return readShort(addr) & 0xFFFFL;
  }

  @Override
  public void writeShort(int addr, short value) {
    int off = addr & MASK;
    if (off <= CHUNK - 2) {
      SHORT.set(chunk(addr, 2), off, value);
    } else {
      writeAcross(addr, value, 2);
    }
  }

  @Override
  public int readInt(int addr) {
    int off = addr & MASK;
    if (off <= CHUNK - 4) {
      return (int) INT.get(chunk(addr, 4), off);
    }
    return (int) readAcross(addr, 4);
  }

  @Override
  public void writeI32(int addr, int value) {
    int off = addr & MASK;
    if (off <= CHUNK - 4) {
      INT.set(chunk(addr, 4), off, value);
    } else {
      writeAcross(addr, value, 4);
    }
  }

  @Override
  public long readLong(int addr) {
    int off = addr & MASK;
    if (off <= CHUNK - 8) {
      return (long) LONG.get(chunk(addr, 8), off);
    }
    return readAcross(addr, 8);
  }

  @Override
  public void writeLong(int addr, long value) {
    int off = addr & MASK;
    if (off <= CHUNK - 8) {
      LONG.set(chunk(addr, 8), off, value);
    } else {
      writeAcross(addr, value, 8);
    }
  }

  @Override
  public float readFloat(int addr) {
    int off = addr & MASK;
    if (off <= CHUNK - 4) {
      return (float) FLOAT.get(chunk(addr, 4), off);
    }
    return Float.intBitsToFloat((int) readAcross(addr, 4));
  }

  @Override
  public long readF32(int addr) {
    return readInt(addr);
  }

  @Override
  public void writeF32(int addr, float value) {
    int off = addr & MASK;
    if (off <= CHUNK - 4) {
      FLOAT.set(chunk(addr, 4), off, value);
    } else {
      writeAcross(addr, Float.floatToRawIntBits(value), 4);
    }
  }

  @Override
  public double readDouble(int addr) {
    int off = addr & MASK;
    if (off <= CHUNK - 8) {
      return (double) DOUBLE.get(chunk(addr, 8), off);
    }
    return Double.longBitsToDouble(readAcross(addr, 8));
  }

  @Override
  public long readF64(int addr) {
    return readLong(addr);
  }

  @Override
  public void writeF64(int addr, double value) {
    int off = addr & MASK;
    if (off <= CHUNK - 8) {
      DOUBLE.set(chunk(addr, 8), off, value);
    } else {
      writeAcross(addr, Double.doubleToRawLongBits(value), 8);
    }
  }

  // ---- bulk operations ----

  @Override
  public void write(int addr, byte[] data, int offset, int size) {
    if (offset < 0 || size < 0 || offset > data.length - size) {
      throw new WasmRuntimeException(outOfBoundsMessage(offset, size, data.length));
    }
    checkBounds(addr, size);
    while (size > 0) {
      int within = addr & MASK;
      int n = Math.min(size, CHUNK - within);
      System.arraycopy(data, offset, chunk(addr, n), within, n);
      addr += n;
      offset += n;
      size -= n;
    }
  }

  @Override
  public void read(int addr, byte[] target, int offset, int len) {
    checkBounds(addr, len);
    while (len > 0) {
      int within = addr & MASK;
      int n = Math.min(len, CHUNK - within);
      System.arraycopy(chunk(addr, n), within, target, offset, n);
      addr += n;
      offset += n;
      len -= n;
    }
  }

  @Override
  public byte[] readBytes(int addr, int len) {
    checkBounds(addr, len);
    byte[] bytes = new byte[len];
    read(addr, bytes, 0, len);
    return bytes;
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    int addr = fromIndex;
    int size = toIndex - fromIndex;
    checkBounds(addr, size);
    while (size > 0) {
      int within = addr & MASK;
      int n = Math.min(size, CHUNK - within);
      Arrays.fill(chunk(addr, n), within, within + n, value);
      addr += n;
      size -= n;
    }
  }

  @Override
  public void copy(int dest, int src, int size) {
    checkBounds(dest, size);
    checkBounds(src, size);
    if (dest > src && dest < src + size) {
      // Overlapping with the destination after the source: copy from the end.
      dest += size;
      src += size;
      while (size > 0) {
        int destIn = dest & MASK;
        int srcIn = src & MASK;
        int n = Math.min(size, Math.min(destIn == 0 ? CHUNK : destIn, srcIn == 0 ? CHUNK : srcIn));
        dest -= n;
        src -= n;
        System.arraycopy(chunk(src, n), src & MASK, chunk(dest, n), dest & MASK, n);
        size -= n;
      }
    } else {
      while (size > 0) {
        int n = Math.min(size, CHUNK - Math.max(dest & MASK, src & MASK));
        System.arraycopy(chunk(src, n), src & MASK, chunk(dest, n), dest & MASK, n);
        dest += n;
        src += n;
        size -= n;
      }
    }
  }

  // ---- threads: this memory is never shared ----

  @Override
  @SuppressWarnings("removal")
  public Object lock(int addr) {
    // Atomics on an unshared memory: one thread only, so Memory's defaults need no real lock.
    return this;
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int addr, int expected, long timeout) {
    throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int addr, long expected, long timeout) {
    throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
  }

  @Override
  @SuppressWarnings("removal")
  public int notify(int addr, int count) {
    return 0;
  }

  // ---- chunks ----

  /** The chunk holding {@code addr}, for an access of {@code size} bytes within that chunk. */
  private byte[] chunk(int addr, int size) {
    int index = addr >>> SHIFT;
    byte[][] table = chunks;
    if (index < table.length) {
      byte[] chunk = table[index];
      if (chunk != null) {
        return chunk;
      }
      chunk = fault(index);
      table[index] = chunk;
      return chunk;
    }
    throw new WasmRuntimeException(outOfBoundsMessage(addr, size));
  }

  /** How many chunks this execution has fetched on first touch (not up front). */
  int faults() {
    return faults;
  }

  /** A chunk touched for the first time: copied now, and remembered for the image. */
  private byte[] fault(int index) {
    if (faults == faulted.length) {
      faulted = Arrays.copyOf(faulted, faults * 2);
    }
    faulted[faults++] = index;
    return materialise(index);
  }

  /**
   * Copies up front the chunks from {@code from} on that the module's executions have touched
   * before: the same content a first touch would copy.
   */
  private void prefetch(int from) {
    for (int index : image.workingSet()) {
      if (index >= from && index < chunks.length && chunks[index] == null) {
        chunks[index] = materialise(index);
      }
    }
  }

  /** The chunk's initial content in an array of its own. */
  private byte[] materialise(int index) {
    byte[] initial = imaged && index < image.chunks() ? image.chunk(index) : null;
    if (mode.pooled()) {
      byte[] chunk = pool.take();
      if (initial != null) {
        System.arraycopy(initial, 0, chunk, 0, CHUNK);
      } else {
        Arrays.fill(chunk, (byte) 0);
      }
      return chunk;
    }
    return initial != null ? initial.clone() : new byte[CHUNK];
  }

  private boolean untouched() {
    for (byte[] chunk : chunks) {
      if (chunk != null) {
        return false;
      }
    }
    return true;
  }

  private long readAcross(int addr, int size) {
    checkBounds(addr, size);
    long value = 0;
    for (int i = size - 1; i >= 0; i--) {
      value = (value << 8) | (read(addr + i) & 0xFF);
    }
    return value;
  }

  private void writeAcross(int addr, long value, int size) {
    // All or nothing: a store that is partly out of bounds writes no byte.
    checkBounds(addr, size);
    for (int i = 0; i < size; i++) {
      writeByte(addr + i, (byte) (value >>> (8 * i)));
    }
  }

  private boolean inBounds(int addr, int size) {
    return addr >= 0 && size >= 0 && (long) addr + size <= (long) chunks.length * CHUNK;
  }

  private void checkBounds(int addr, int size) {
    checkRange(addr, size);
  }

  /** Worded as Chicory's own memories word it, so a trap reads the same whichever memory ran. */
  private String outOfBoundsMessage(int addr, int size) {
    return outOfBoundsMessage(addr, size, (long) chunks.length * CHUNK);
  }

  private static String outOfBoundsMessage(int addr, int size, long limit) {
    return "out of bounds memory access: attempted to access address: "
        + addr
        + " but limit is: "
        + limit
        + " and size: "
        + size;
  }
}
