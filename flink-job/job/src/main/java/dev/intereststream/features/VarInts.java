package dev.intereststream.features;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** LEB128 variable-length integers (7 bits per byte), zig-zag for signed values, as in Avro and protobuf. */
final class VarInts {

  private VarInts() {}

  static void writeUnsigned(DataOutputView out, long v) throws IOException {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  static long readUnsigned(DataInputView in) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("malformed varint: more than 10 bytes");
  }

  static void writeSigned(DataOutputView out, long v) throws IOException {
    writeUnsigned(out, (v << 1) ^ (v >> 63));
  }

  static long readSigned(DataInputView in) throws IOException {
    long z = readUnsigned(in);
    return (z >>> 1) ^ -(z & 1);
  }

  static int readCount(DataInputView in, int max, String what) throws IOException {
    long n = readUnsigned(in);
    if (n < 0 || n > max) {
      throw new IOException("corrupt user state: " + what + " count " + n + " exceeds " + max);
    }
    return (int) n;
  }
}
