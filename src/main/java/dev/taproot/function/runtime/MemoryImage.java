package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.util.List;

/**
 * A module's initial linear memory, its active data segments already applied, prepared once per
 * compiled module so that no execution rebuilds it from the segments or zeroes it twice. It is kept
 * in {@link LinearMemory#CHUNK}-byte chunks, the unit an execution copies; chunks that are all
 * zeros are not stored. Immutable once prepared: executions copy chunks out of it and never write
 * into it.
 */
final class MemoryImage {

  private final MemoryLimits declared;
  private final DataSegment[] segments;
  private final byte[][] chunks;

  /**
   * The chunks executions of this module have touched so far (ascending indices, past the initial
   * pages too when the guest grows its memory), which the lazy modes ({@link MemoryMode#lazy()})
   * copy up front: an execution then takes the slow path of a missing chunk only where its guest
   * goes somewhere new, so the JIT treats that path as rare and keeps it out of the guest's loads
   * and stores. Replaced, never changed in place.
   */
  private volatile int[] workingSet = new int[0];

  /**
   * 1 MiB: a small C guest touches about five chunks (stack, data, heap), and copying this many up
   * front costs tens of microseconds at worst.
   */
  static final int MOST_PREFETCHED = 256;

  private MemoryImage(MemoryLimits declared, DataSegment[] segments, byte[][] chunks) {
    this.declared = declared;
    this.segments = segments;
    this.chunks = chunks;
  }

  /**
   * The image of a module's memory, or null when the module's memory cannot be prepared ahead
   * (imported, shared or several memories; a segment whose offset is not a constant or lies out of
   * bounds): such modules get Chicory's own memory, initialized per execution as before, and an
   * out-of-bounds segment still fails each execution the way Chicory reports it.
   */
  static MemoryImage prepare(WasmModule module) {
    MemorySection section = module.memorySection().orElse(null);
    if (section == null
        || section.memoryCount() != 1
        || module.importSection().count(ExternalType.MEMORY) != 0) {
      return null;
    }
    MemoryLimits declared = section.getMemory(0).limits();
    if (declared.shared()) {
      return null;
    }
    long size = (long) declared.initialPages() * Memory.PAGE_SIZE;
    DataSegment[] segments = module.dataSection().dataSegments();
    byte[][] chunks = new byte[declared.initialPages() * LinearMemory.CHUNKS_PER_PAGE][];
    for (DataSegment segment : segments) {
      if (segment instanceof PassiveDataSegment) {
        continue;
      }
      if (!(segment instanceof ActiveDataSegment active) || active.index() != 0) {
        return null;
      }
      Long offset = constantOffset(active.offsetInstructions());
      byte[] data = active.data();
      if (offset == null || offset + data.length > size) {
        return null;
      }
      write(chunks, offset.intValue(), data);
    }
    return new MemoryImage(declared, segments, chunks);
  }

  /** The limits the module declares for its memory. */
  MemoryLimits declared() {
    return declared;
  }

  int initialPages() {
    return declared.initialPages();
  }

  /** The initial content of a chunk, or null when it is all zeros. Never write into it. */
  byte[] chunk(int index) {
    return chunks[index];
  }

  int chunks() {
    return chunks.length;
  }

  /** The chunks executions have touched so far, ascending. Never write into it. */
  int[] workingSet() {
    return workingSet;
  }

  /**
   * Adds the chunks an execution had to fetch on the way; their content plays no part. The set
   * stops growing at {@link #MOST_PREFETCHED} chunks, so that one execution that went everywhere
   * does not make every later one copy the whole memory up front.
   */
  synchronized void touched(int[] indices, int count) {
    int[] known = workingSet;
    java.util.BitSet all = new java.util.BitSet();
    for (int i : known) {
      all.set(i);
    }
    int before = all.cardinality();
    for (int i = 0; i < count && all.cardinality() < MOST_PREFETCHED; i++) {
      all.set(indices[i]);
    }
    if (all.cardinality() != before) {
      workingSet = all.stream().toArray();
    }
  }

  /**
   * Whether Chicory is initializing a memory with this module's own segments (it passes a copy of
   * the segment array, holding the same segment objects), the ones this image already holds.
   */
  boolean holds(DataSegment[] offered) {
    if (offered.length != segments.length) {
      return false;
    }
    for (int i = 0; i < offered.length; i++) {
      if (offered[i] != segments[i]) {
        return false;
      }
    }
    return true;
  }

  private static Long constantOffset(List<Instruction> expression) {
    if (expression.isEmpty() || expression.get(0).opcode() != OpCode.I32_CONST) {
      return null;
    }
    for (int i = 1; i < expression.size(); i++) {
      if (expression.get(i).opcode() != OpCode.END) {
        return null;
      }
    }
    // An i32.const offset is unsigned: 0x80000000 and above are offsets past 2 GiB.
    return Integer.toUnsignedLong((int) expression.get(0).operand(0));
  }

  private static void write(byte[][] chunks, int offset, byte[] data) {
    int done = 0;
    while (done < data.length) {
      int at = offset + done;
      int index = at / LinearMemory.CHUNK;
      int within = at % LinearMemory.CHUNK;
      int n = Math.min(data.length - done, LinearMemory.CHUNK - within);
      if (chunks[index] == null) {
        chunks[index] = new byte[LinearMemory.CHUNK];
      }
      System.arraycopy(data, done, chunks[index], within, n);
      done += n;
    }
  }
}
