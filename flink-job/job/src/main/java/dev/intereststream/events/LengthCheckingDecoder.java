package dev.intereststream.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * The decoder of {@link ClickEventDecoder}'s skip pass: Avro's {@link BinaryDecoder} skips a negative
 * string or bytes length as if it were 0, so a corrupt prefix would let the pass go on reading the
 * following bytes as fields and end up anywhere (typically "trailing bytes"). This one refuses it.
 * Everything else is delegated.
 */
final class LengthCheckingDecoder extends Decoder {

  private BinaryDecoder in;

  /** Skips through {@code decoder} from now on; returns this. */
  LengthCheckingDecoder reset(BinaryDecoder decoder) {
    this.in = decoder;
    return this;
  }

  private int length(String what) throws IOException {
    long length = in.readLong();
    if (length < 0) {
      throw new AvroRuntimeException(what + " has a negative length " + length);
    }
    if (length > Integer.MAX_VALUE) {
      throw new AvroRuntimeException(what + " length " + length + " exceeds 2 GiB");
    }
    return (int) length;
  }

  @Override
  public void skipString() throws IOException {
    in.skipFixed(length("string"));
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipFixed(length("bytes"));
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    return in.readString(old);
  }

  @Override
  public String readString() throws IOException {
    return in.readString();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    return in.readBytes(old);
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return in.readArrayStart();
  }

  @Override
  public long arrayNext() throws IOException {
    return in.arrayNext();
  }

  // Block counts are read item by item (a negative count's byte size is read and ignored), so the
  // items themselves go through the checks above instead of a block skip by an unchecked byte size.
  @Override
  public long skipArray() throws IOException {
    return in.arrayNext();
  }

  @Override
  public long readMapStart() throws IOException {
    return in.readMapStart();
  }

  @Override
  public long mapNext() throws IOException {
    return in.mapNext();
  }

  @Override
  public long skipMap() throws IOException {
    return in.mapNext();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
