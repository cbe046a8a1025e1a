package dev.intereststream.contracts;

import dev.intereststream.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Keeps a {@link DeadLetter} within a Kafka record size limit. A dead letter carries a prefix of the
 * original key and value, their whole sizes and SHA-256 hashes: the record that caused it may be as
 * large as the broker accepts, and a dead letter that cannot be written would stop the job for good.
 */
public final class DeadLetterCap {

  /**
   * Longest key prefix kept. The prefix travels twice (as the dead letter's Kafka key and inside its
   * value), and real keys are user ids of a few bytes: a longer key is garbage, identified by its hash.
   */
  public static final int MAX_KEY_PREFIX_BYTES = 1024;
  /** Room left for the other fields (reason, topic, hashes, times) and Avro framing. */
  public static final int METADATA_RESERVE_BYTES = 2048;

  private DeadLetterCap() {}

  /**
   * Sets the original key and value of {@code builder}: prefixes that leave the dead letter's record
   * below {@code maxRecordBytes}, the whole sizes, the hashes and whether anything was cut.
   */
  public static DeadLetter.Builder setOriginal(DeadLetter.Builder builder, byte[] key, byte[] value,
      int maxRecordBytes) {
    byte[] keyPrefix = prefix(key, MAX_KEY_PREFIX_BYTES);
    int keyBytes = keyPrefix == null ? 0 : keyPrefix.length;
    byte[] valuePrefix = prefix(value, Math.max(0, maxRecordBytes - 2 * keyBytes - METADATA_RESERVE_BYTES));
    return builder
        .setOriginalKey(wrap(keyPrefix))
        .setOriginalValue(wrap(valuePrefix))
        .setOriginalKeySize(key == null ? null : key.length)
        .setOriginalValueSize(value == null ? null : value.length)
        .setOriginalKeySha256(wrap(sha256(key)))
        .setOriginalValueSha256(wrap(sha256(value)))
        .setTruncated(keyPrefix != key || valuePrefix != value);
  }

  /**
   * A copy of {@code d} at least {@code excess} bytes smaller when encoded with its key: the key prefix
   * cut to {@link #MAX_KEY_PREFIX_BYTES} first, then the end of the value prefix, of the reason and of
   * the key prefix; null if all of that is too short. Sizes and hashes of the whole parts are kept (or
   * set, for a dead letter built without them).
   */
  public static DeadLetter shrink(DeadLetter d, int excess) {
    byte[] key = bytes(d.getOriginalKey());
    byte[] value = bytes(d.getOriginalValue());
    DeadLetter.Builder b = DeadLetter.newBuilder(d).setTruncated(true);
    if (d.getOriginalKeySize() == null && key != null) {
      b.setOriginalKeySize(key.length).setOriginalKeySha256(wrap(sha256(key)));
    }
    if (d.getOriginalValueSize() == null && value != null) {
      b.setOriginalValueSize(value.length).setOriginalValueSha256(wrap(sha256(value)));
    }
    long left = excess;
    // The key prefix is both the record key and a field of the value: each byte cut saves two.
    if (key != null && key.length > MAX_KEY_PREFIX_BYTES) {
      left -= 2L * (key.length - MAX_KEY_PREFIX_BYTES);
      key = Arrays.copyOf(key, MAX_KEY_PREFIX_BYTES);
    }
    if (left > 0 && value != null) {
      int cut = (int) Math.min(left, value.length);
      value = Arrays.copyOf(value, value.length - cut);
      left -= cut;
    }
    String reason = d.getReason();
    if (left > 0) {
      // Each char is at least one UTF-8 byte, so cutting `left` chars saves at least `left` bytes.
      int cut = (int) Math.min(left, reason.length());
      reason = reason.substring(0, reason.length() - cut);
      left -= cut;
    }
    if (left > 0 && key != null) {
      int cut = (int) Math.min((left + 1) / 2, key.length);
      key = Arrays.copyOf(key, key.length - cut);
      left -= 2L * cut;
    }
    return left > 0 ? null : b.setOriginalKey(wrap(key)).setOriginalValue(wrap(value)).setReason(reason).build();
  }

  private static byte[] prefix(byte[] bytes, int max) {
    return bytes == null || bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
  }

  public static byte[] sha256(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The remaining bytes of {@code b} (not consumed), or null. */
  public static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static ByteBuffer wrap(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes);
  }
}
