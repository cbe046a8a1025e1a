package dev.intereststream.training;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads NumPy .npy files (format 1.x, little-endian, C order) for tests. */
public final class Npy {

  public final String descr;
  public final int[] shape;
  private final ByteBuffer data;

  private Npy(String descr, int[] shape, ByteBuffer data) {
    this.descr = descr;
    this.shape = shape;
    this.data = data;
  }

  public static Npy read(Path path) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    if (b.get(0) != (byte) 0x93 || b.get(1) != 'N') {
      throw new IOException(path + " is not an npy file");
    }
    int major = b.get(6);
    int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
    int start = major == 1 ? 10 : 12;
    String header = new String(b.array(), start, headerLength, StandardCharsets.US_ASCII);
    Matcher d = Pattern.compile("'descr': '([^']+)'").matcher(header);
    Matcher s = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
    if (!d.find() || !s.find() || header.contains("'fortran_order': True")) {
      throw new IOException("unsupported npy header " + header);
    }
    int[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
        .mapToInt(Integer::parseInt).toArray();
    b.position(start + headerLength);
    return new Npy(d.group(1), shape, b.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  public int size() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** Element i as a long (integer types). */
  public long getLong(int i) {
    return switch (descr) {
      case "|i1", "<i1" -> data.get(i);
      case "<i2" -> data.getShort(i * 2);
      case "<i4" -> data.getInt(i * 4);
      case "<i8" -> data.getLong(i * 8);
      default -> throw new IllegalStateException("not an integer array: " + descr);
    };
  }

  /** Element i as a float (float32 arrays). */
  public float getFloat(int i) {
    if (!descr.equals("<f4")) {
      throw new IllegalStateException("not a float32 array: " + descr);
    }
    return data.getFloat(i * 4);
  }

  public int[] ints() {
    int[] out = new int[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) getLong(i);
    }
    return out;
  }

  public float[] floats() {
    float[] out = new float[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = getFloat(i);
    }
    return out;
  }

  /** Elements of row r (first dimension). */
  public int rowSize() {
    return shape.length == 0 ? 1 : size() / shape[0];
  }
}
