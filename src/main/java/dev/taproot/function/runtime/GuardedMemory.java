package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.DataSegment;
import java.nio.charset.Charset;

/**
 * A Chicory memory that tells its {@link MemoryGuard} when a grow is refused, for the modules whose
 * memory has no prepared {@link MemoryImage} (a shared memory, a segment at a computed offset).
 * Chicory's memories are final classes and report a refused grow only to the guest (as -1), so this
 * wraps one and forwards every other call unchanged; each method is overridden, defaults included,
 * so the wrapped memory's own faster implementations stay in use.
 */
final class GuardedMemory implements ExecutionMemory {

  private final Memory delegate;
  private final MemoryGuard guard;
  private final int declaredMaximum;
  private final WasiSandbox sandbox;

  GuardedMemory(Memory delegate, MemoryGuard guard, int declaredMaximum, WasiSandbox sandbox) {
    this.delegate = delegate;
    this.guard = guard;
    this.declaredMaximum = declaredMaximum;
    this.sandbox = sandbox;
  }

  @Override
  public WasiSandbox sandbox() {
    return sandbox;
  }

  @Override
  public void read(int addr, byte[] target, int offset, int len) {
    System.arraycopy(delegate.readBytes(addr, len), 0, target, offset, len);
  }

  @Override
  public void release() {
    // Chicory's memory is garbage once the instance is.
  }

  @Override
  public int grow(int pages) {
    int previous = delegate.grow(pages);
    if (previous == -1) {
      guard.refused(delegate.pages(), pages, declaredMaximum);
    }
    return previous;
  }

  @Override
  public int pages() {
    return delegate.pages();
  }

  @Override
  public int initialPages() {
    return delegate.initialPages();
  }

  @Override
  public int maximumPages() {
    return delegate.maximumPages();
  }

  @Override
  public boolean shared() {
    return delegate.shared();
  }

  @Override
  public Object lock(int addr) {
    return delegate.lock(addr);
  }

  @Override
  public int waitOn(int addr, int expected, long timeout) {
    return delegate.waitOn(addr, expected, timeout);
  }

  @Override
  public int waitOn(int addr, long expected, long timeout) {
    return delegate.waitOn(addr, expected, timeout);
  }

  @Override
  public int notify(int addr, int count) {
    return delegate.notify(addr, count);
  }

  @Override
  public void atomicFence() {
    delegate.atomicFence();
  }

  @Override
  public int atomicWait(int addr, int expected, long timeout) {
    return delegate.atomicWait(addr, expected, timeout);
  }

  @Override
  public int atomicWait(int addr, long expected, long timeout) {
    return delegate.atomicWait(addr, expected, timeout);
  }

  @Override
  public int atomicNotify(int addr, int count) {
    return delegate.atomicNotify(addr, count);
  }

  @Override
  public int atomicReadInt(int addr) {
    return delegate.atomicReadInt(addr);
  }

  @Override
  public long atomicReadLong(int addr) {
    return delegate.atomicReadLong(addr);
  }

  @Override
  public short atomicReadShort(int addr) {
    return delegate.atomicReadShort(addr);
  }

  @Override
  public byte atomicReadByte(int addr) {
    return delegate.atomicReadByte(addr);
  }

  @Override
  public void atomicWriteInt(int addr, int value) {
    delegate.atomicWriteInt(addr, value);
  }

  @Override
  public void atomicWriteLong(int addr, long value) {
    delegate.atomicWriteLong(addr, value);
  }

  @Override
  public void atomicWriteShort(int addr, short value) {
    delegate.atomicWriteShort(addr, value);
  }

  @Override
  public void atomicWriteByte(int addr, byte value) {
    delegate.atomicWriteByte(addr, value);
  }

  @Override
  public int atomicAddInt(int addr, int value) {
    return delegate.atomicAddInt(addr, value);
  }

  @Override
  public int atomicAndInt(int addr, int value) {
    return delegate.atomicAndInt(addr, value);
  }

  @Override
  public int atomicOrInt(int addr, int value) {
    return delegate.atomicOrInt(addr, value);
  }

  @Override
  public int atomicXorInt(int addr, int value) {
    return delegate.atomicXorInt(addr, value);
  }

  @Override
  public int atomicXchgInt(int addr, int value) {
    return delegate.atomicXchgInt(addr, value);
  }

  @Override
  public int atomicCmpxchgInt(int addr, int expected, int replacement) {
    return delegate.atomicCmpxchgInt(addr, expected, replacement);
  }

  @Override
  public long atomicAddLong(int addr, long value) {
    return delegate.atomicAddLong(addr, value);
  }

  @Override
  public long atomicAndLong(int addr, long value) {
    return delegate.atomicAndLong(addr, value);
  }

  @Override
  public long atomicOrLong(int addr, long value) {
    return delegate.atomicOrLong(addr, value);
  }

  @Override
  public long atomicXorLong(int addr, long value) {
    return delegate.atomicXorLong(addr, value);
  }

  @Override
  public long atomicXchgLong(int addr, long value) {
    return delegate.atomicXchgLong(addr, value);
  }

  @Override
  public long atomicCmpxchgLong(int addr, long expected, long replacement) {
    return delegate.atomicCmpxchgLong(addr, expected, replacement);
  }

  @Override
  public short atomicAddShort(int addr, short value) {
    return delegate.atomicAddShort(addr, value);
  }

  @Override
  public short atomicAndShort(int addr, short value) {
    return delegate.atomicAndShort(addr, value);
  }

  @Override
  public short atomicOrShort(int addr, short value) {
    return delegate.atomicOrShort(addr, value);
  }

  @Override
  public short atomicXorShort(int addr, short value) {
    return delegate.atomicXorShort(addr, value);
  }

  @Override
  public short atomicXchgShort(int addr, short value) {
    return delegate.atomicXchgShort(addr, value);
  }

  @Override
  public short atomicCmpxchgShort(int addr, short expected, short replacement) {
    return delegate.atomicCmpxchgShort(addr, expected, replacement);
  }

  @Override
  public byte atomicAddByte(int addr, byte value) {
    return delegate.atomicAddByte(addr, value);
  }

  @Override
  public byte atomicAndByte(int addr, byte value) {
    return delegate.atomicAndByte(addr, value);
  }

  @Override
  public byte atomicOrByte(int addr, byte value) {
    return delegate.atomicOrByte(addr, value);
  }

  @Override
  public byte atomicXorByte(int addr, byte value) {
    return delegate.atomicXorByte(addr, value);
  }

  @Override
  public byte atomicXchgByte(int addr, byte value) {
    return delegate.atomicXchgByte(addr, value);
  }

  @Override
  public byte atomicCmpxchgByte(int addr, byte expected, byte replacement) {
    return delegate.atomicCmpxchgByte(addr, expected, replacement);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] segments) {
    delegate.initialize(instance, segments);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] segments, int segmentCount) {
    delegate.initialize(instance, segments, segmentCount);
  }

  @Override
  public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
    delegate.initPassiveSegment(segmentId, dest, offset, size);
  }

  @Override
  public void writeString(int addr, String data, Charset charset) {
    delegate.writeString(addr, data, charset);
  }

  @Override
  public void writeString(int addr, String data) {
    delegate.writeString(addr, data);
  }

  @Override
  public String readString(int addr, int len) {
    return delegate.readString(addr, len);
  }

  @Override
  public String readString(int addr, int len, Charset charset) {
    return delegate.readString(addr, len, charset);
  }

  @Override
  public void writeCString(int addr, String str) {
    delegate.writeCString(addr, str);
  }

  @Override
  public void writeCString(int addr, String str, Charset charset) {
    delegate.writeCString(addr, str, charset);
  }

  @Override
  public String readCString(int addr, Charset charset) {
    return delegate.readCString(addr, charset);
  }

  @Override
  public String readCString(int addr) {
    return delegate.readCString(addr);
  }

  @Override
  public void write(int addr, byte[] data) {
    delegate.write(addr, data);
  }

  @Override
  public void write(int addr, byte[] data, int offset, int size) {
    delegate.write(addr, data, offset, size);
  }

  @Override
  public byte read(int addr) {
    return delegate.read(addr);
  }

  @Override
  public byte[] readBytes(int addr, int len) {
    return delegate.readBytes(addr, len);
  }

  @Override
  public void writeI32(int addr, int value) {
    delegate.writeI32(addr, value);
  }

  @Override
  public int readInt(int addr) {
    return delegate.readInt(addr);
  }

  @Override
  public long readI32(int addr) {
    return delegate.readI32(addr);
  }

  @Override
  public long readU32(int addr) {
    return delegate.readU32(addr);
  }

  @Override
  public void writeLong(int addr, long value) {
    delegate.writeLong(addr, value);
  }

  @Override
  public long readLong(int addr) {
    return delegate.readLong(addr);
  }

  @Override
  public long readI64(int addr) {
    return delegate.readI64(addr);
  }

  @Override
  public void writeShort(int addr, short value) {
    delegate.writeShort(addr, value);
  }

  @Override
  public short readShort(int addr) {
    return delegate.readShort(addr);
  }

  @Override
  public long readI16(int addr) {
    return delegate.readI16(addr);
  }

  @Override
  public long readU16(int addr) {
    return delegate.readU16(addr);
  }

  @Override
  public void writeByte(int addr, byte value) {
    delegate.writeByte(addr, value);
  }

  @Override
  public long readU8(int addr) {
    return delegate.readU8(addr);
  }

  @Override
  public long readI8(int addr) {
    return delegate.readI8(addr);
  }

  @Override
  public void writeF32(int addr, float value) {
    delegate.writeF32(addr, value);
  }

  @Override
  public long readF32(int addr) {
    return delegate.readF32(addr);
  }

  @Override
  public float readFloat(int addr) {
    return delegate.readFloat(addr);
  }

  @Override
  public void writeF64(int addr, double value) {
    delegate.writeF64(addr, value);
  }

  @Override
  public double readDouble(int addr) {
    return delegate.readDouble(addr);
  }

  @Override
  public long readF64(int addr) {
    return delegate.readF64(addr);
  }

  @Override
  public void zero() {
    delegate.zero();
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    delegate.fill(value, fromIndex, toIndex);
  }

  @Override
  public void copy(int dest, int src, int size) {
    delegate.copy(dest, src, size);
  }

  @Override
  public void drop(int segment) {
    delegate.drop(segment);
  }
}
