package dev.intereststream.sim;

import dev.intereststream.schemas.ClickEvent;

/** Where simulated events go: a Kafka topic or an Avro file. */
public interface EventWriter extends AutoCloseable {

  /** Writes a valid event; {@code encoded} is its single-object encoding. */
  void write(ClickEvent event, byte[] encoded) throws Exception;

  /** Writes raw bytes (malformed records, re-sent duplicates); not every writer can. */
  void writeRaw(byte[] key, byte[] value) throws Exception;

  /** Whether {@link #writeRaw} is supported. */
  boolean acceptsRaw();

  @Override
  void close() throws Exception;
}
