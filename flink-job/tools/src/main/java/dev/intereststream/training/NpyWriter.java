package dev.intereststream.training;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams one array to a NumPy {@code .npy} file (format 1.0, little-endian, C order) whose first
 * dimension grows as rows are written. The header is reserved at a fixed size and rewritten with the
 * final row count on {@link #close()}, so rows never sit in memory.
 */
public final class NpyWriter implements AutoCloseable {

  /** Element types, with their NumPy descriptors and sizes. */
  public enum DType {
    INT8("|i1", 1), INT16("<i2", 2), INT32("<i4", 4), INT64("<i8", 8), FLOAT32("<f4", 4);

    final String descr;
    final int size;

    DType(String descr, int size) {
      this.descr = descr;
      this.size = size;
    }
  }

  private static final int HEADER_BYTES = 128;

  private final Path path;
  private final DType dtype;
  private final int[] rowShape;
  private final int rowElements;
  private final OutputStream out;
  private final ByteBuffer row;
  private long rows;

  /** @param rowShape dimensions after the first (empty for a 1-d array) */
  public NpyWriter(Path path, DType dtype, int... rowShape) throws IOException {
    this.path = path;
    this.dtype = dtype;
    this.rowShape = rowShape.clone();
    int n = 1;
    for (int d : rowShape) {
      n *= d;
    }
    this.rowElements = n;
    this.row = ByteBuffer.allocate(n * dtype.size).order(ByteOrder.LITTLE_ENDIAN);
    this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
    out.write(header(0));
  }

  private byte[] header(long n) {
    StringBuilder shape = new StringBuilder("(").append(n);
    if (rowShape.length == 0) {
      shape.append(",");
    }
    for (int d : rowShape) {
      shape.append(", ").append(d);
    }
    shape.append(")");
    String dict = "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int textLength = HEADER_BYTES - 10;
    if (dict.length() + 1 > textLength) {
      throw new IllegalStateException("npy header too long: " + dict);
    }
    String text = dict + " ".repeat(textLength - dict.length() - 1) + "\n";
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) textLength);
    b.put(text.getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  /** Writes one row of integers, narrowed to the file's type (refusing values that do not fit). */
  public void writeInts(int[] values, int offset) throws IOException {
    row.clear();
    for (int i = 0; i < rowElements; i++) {
      int v = values[offset + i];
      switch (dtype) {
        case INT8 -> row.put((byte) checked(v, Byte.MIN_VALUE, Byte.MAX_VALUE));
        case INT16 -> row.putShort((short) checked(v, Short.MIN_VALUE, Short.MAX_VALUE));
        case INT32 -> row.putInt(v);
        case INT64 -> row.putLong(v);
        case FLOAT32 -> row.putFloat(v);
      }
    }
    flushRow();
  }

  /** Writes one row of floats (FLOAT32 files only). */
  public void writeFloats(float[] values, int offset) throws IOException {
    if (dtype != DType.FLOAT32) {
      throw new IllegalStateException(path + " holds " + dtype);
    }
    row.clear();
    for (int i = 0; i < rowElements; i++) {
      row.putFloat(values[offset + i]);
    }
    flushRow();
  }

  /** Writes one scalar row of a 1-d FLOAT32 file. */
  public void writeScalar(float value) throws IOException {
    if (dtype != DType.FLOAT32) {
      throw new IllegalStateException(path + " holds " + dtype);
    }
    row.clear();
    row.putFloat(value);
    flushRow();
  }

  /** Writes one scalar row of a 1-d INT64 file. */
  public void writeLong(long value) throws IOException {
    if (dtype != DType.INT64) {
      throw new IllegalStateException(path + " holds " + dtype);
    }
    row.clear();
    row.putLong(value);
    flushRow();
  }

  private int checked(int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(v + " does not fit " + dtype + " in " + path);
    }
    return v;
  }

  private void flushRow() throws IOException {
    out.write(row.array(), 0, row.position());
    rows++;
  }

  public long rows() {
    return rows;
  }

  @Override
  public void close() throws IOException {
    out.close();
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      file.seek(0);
      file.write(header(rows));
    }
  }
}
