package dev.taproot.function.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.DataSegment;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Loads, stores and growth of the hand-written memory, on the edges where mistakes hide. */
class LinearMemoryTest {

  private static final WasmModule MODULE = Parser.parse(TestModules.bytes("fresh"));
  private static final MemoryImage FRESH = MemoryImage.prepare(MODULE);

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void startsAsTheImage(MemoryMode mode) {
    LinearMemory memory = memory(mode, 8);
    assertEquals(2, memory.pages());
    assertArrayEquals(new byte[] {0, 1, 2, 16, 0}, pick(memory));
    assertEquals(0x14131211, memory.readInt(70000));
    assertEquals(0, memory.readLong(65536 * 2 - 8));
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void accessesAcrossAPageBoundaryAreLittleEndianAndWhole(MemoryMode mode) {
    LinearMemory memory = memory(mode, 8);
    memory.writeLong(Memory.PAGE_SIZE - 3, 0x0102030405060708L);
    assertEquals(0x0102030405060708L, memory.readLong(Memory.PAGE_SIZE - 3));
    assertEquals(0x08, memory.read(Memory.PAGE_SIZE - 3));
    assertEquals(0x01, memory.read(Memory.PAGE_SIZE + 4));
    memory.writeF64(Memory.PAGE_SIZE - 1, 2.5);
    assertEquals(2.5, memory.readDouble(Memory.PAGE_SIZE - 1));
    memory.writeShort(Memory.PAGE_SIZE - 1, (short) 0xBEEF);
    assertEquals(0xBEEF, memory.readU16(Memory.PAGE_SIZE - 1));
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void accessesAcrossAChunkBoundaryInsideAPage(MemoryMode mode) {
    LinearMemory memory = memory(mode, 8);
    int at = LinearMemory.CHUNK * 3 - 2;
    memory.writeI32(at, 0xCAFEBABE);
    assertEquals(0xCAFEBABE, memory.readInt(at));
    assertEquals(0xBABE, memory.readU16(at));
    memory.writeF32(at, 1.25f);
    assertEquals(1.25f, memory.readFloat(at));
    byte[] span = new byte[3 * LinearMemory.CHUNK];
    span[0] = 1;
    span[span.length - 1] = 2;
    memory.write(100, span, 0, span.length);
    byte[] back = new byte[span.length];
    memory.read(100, back, 0, back.length);
    assertArrayEquals(span, back);
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void outOfBoundsTrapsAndWritesNothing(MemoryMode mode) {
    LinearMemory memory = memory(mode, 8);
    int end = 2 * Memory.PAGE_SIZE;
    WasmRuntimeException trap =
        assertThrows(WasmRuntimeException.class, () -> memory.writeI32(end - 2, -1));
    assertTrue(trap.getMessage().startsWith("out of bounds memory access"), trap.getMessage());
    assertEquals(0, memory.read(end - 2));
    assertThrows(WasmRuntimeException.class, () -> memory.read(end));
    assertThrows(WasmRuntimeException.class, () -> memory.readInt(-4));
    assertThrows(WasmRuntimeException.class, () -> memory.write(end - 1, new byte[2], 0, 2));
    assertThrows(WasmRuntimeException.class, () -> memory.copy(end - 4, 0, 8));
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void growsToTheLimitAndNoFurtherAndNewPagesAreZero(MemoryMode mode) {
    MemoryGuard guard = guard(4);
    LinearMemory memory = new LinearMemory(FRESH, mode, new ChunkPool(1 << 20), 4, guard, null);
    memory.zero();
    memory.initialize(null, freshSegments());
    memory.fill((byte) 7, 0, 2 * Memory.PAGE_SIZE);
    assertEquals(2, memory.grow(2));
    assertEquals(0, memory.readLong(3 * Memory.PAGE_SIZE - 8));
    assertEquals(-1, memory.grow(1));
    assertTrue(guard.limitReached());
    assertEquals(4, memory.pages());
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void overlappingCopiesMoveTheRightBytes(MemoryMode mode) {
    LinearMemory memory = memory(mode, 8);
    byte[] pattern = new byte[300];
    for (int i = 0; i < pattern.length; i++) {
      pattern[i] = (byte) i;
    }
    int at = Memory.PAGE_SIZE - 150;
    memory.write(at, pattern, 0, pattern.length);
    memory.copy(at + 10, at, 290);
    byte[] moved = memory.readBytes(at + 10, 290);
    for (int i = 0; i < 290; i++) {
      assertEquals((byte) i, moved[i]);
    }
    memory.copy(at, at + 10, 290);
    byte[] back = memory.readBytes(at, 290);
    for (int i = 0; i < 290; i++) {
      assertEquals((byte) i, back[i]);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = MemoryMode.class,
      names = {"LAZY", "LAZY_POOLED"})
  void theChunksOneExecutionTouchedAreFetchedUpFrontByTheNextAsTheImageHasThem(MemoryMode mode) {
    MemoryImage image = MemoryImage.prepare(MODULE);
    // One pool for both, as in the runtime: under LAZY_POOLED the second execution gets the very
    // arrays the first one wrote into.
    ChunkPool pool = new ChunkPool(1 << 20);
    LinearMemory first = memory(image, mode, pool, 8);
    int stored = LinearMemory.CHUNK * 3 + 8;
    first.writeI32(stored, 0x7F7F7F7F);
    assertEquals(0x14131211, first.readInt(70000));
    first.grow(1);
    int grown = 2 * Memory.PAGE_SIZE + 16;
    first.writeI32(grown, -1);
    assertEquals(3, first.faults());
    first.release();
    assertArrayEquals(new int[] {3, 70000 / LinearMemory.CHUNK, 32}, image.workingSet());
    int pooled = mode == MemoryMode.LAZY_POOLED ? 3 : 0;
    assertEquals(pooled, pool.idle(), "the chunks the first execution gave back");

    // The next execution starts from the image, not from what the first one wrote.
    LinearMemory second = memory(image, mode, pool, 8);
    assertEquals(0, second.readInt(stored));
    assertEquals(0x14131211, second.readInt(70000));
    second.grow(1);
    assertEquals(0, pool.idle(), "the second took the first's arrays for its working set");
    assertEquals(0, second.readInt(grown));
    assertEquals(0, second.faults(), "every chunk it touched was fetched before it ran");
    second.read(LinearMemory.CHUNK * 5 + 1);
    assertEquals(1, second.faults(), "a chunk no execution touched before is fetched on touch");
  }

  @org.junit.jupiter.api.Test
  void theSetFetchedUpFrontStopsGrowingAtItsBound() {
    MemoryImage image = MemoryImage.prepare(MODULE);
    int[] everywhere = java.util.stream.IntStream.range(0, 1000).toArray();
    image.touched(everywhere, everywhere.length);
    assertEquals(MemoryImage.MOST_PREFETCHED, image.workingSet().length);
  }

  private static byte[] pick(LinearMemory memory) {
    return new byte[] {
      memory.read(1023), memory.read(1024), memory.read(1025), memory.read(1039), memory.read(1040)
    };
  }

  private static LinearMemory memory(MemoryMode mode, int maximumPages) {
    return memory(FRESH, mode, new ChunkPool(1 << 20), maximumPages);
  }

  private static LinearMemory memory(
      MemoryImage image, MemoryMode mode, ChunkPool pool, int maximumPages) {
    LinearMemory memory =
        new LinearMemory(image, mode, pool, maximumPages, guard(maximumPages), null);
    // What Chicory's instantiation does: zero, then the module's own segments.
    memory.zero();
    memory.initialize(null, freshSegments());
    return memory;
  }

  /** A copy of the array, holding the module's own segments, as Chicory passes them. */
  private static DataSegment[] freshSegments() {
    return MODULE.dataSection().dataSegments();
  }

  private static MemoryGuard guard(int pages) {
    Limits limits = new Limits(pages * Limits.PAGE_BYTES, Duration.ofSeconds(1), 1024);
    return new MemoryGuard(limits, FRESH, MemoryMode.LAZY, new ChunkPool(0), null);
  }
}
