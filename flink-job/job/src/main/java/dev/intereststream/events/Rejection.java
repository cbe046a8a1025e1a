package dev.intereststream.events;

/**
 * Why an input record cannot be used: a machine-readable error type and a human-readable reason, as
 * written to the dead-letter topic.
 */
public record Rejection(ErrorType errorType, String reason) {

  /** Classes of unusable input. */
  public enum ErrorType {
    /** The record had no value (a tombstone). */
    NULL_VALUE,
    /** Too short for, or not starting with, the Avro single-object header C3 01. */
    BAD_HEADER,
    /** The header names a schema fingerprint that no released ClickEvent version has. */
    UNKNOWN_SCHEMA,
    /** The body does not decode with the writer schema (truncated, corrupt lengths, bad enum index). */
    CORRUPT_PAYLOAD,
    /** The body decodes but is followed by extra bytes. */
    TRAILING_BYTES,
    /** A field holds a value the contract forbids (missing id, unknown enum symbol, negative dwell). */
    INVALID_FIELD,
    /** event_time is before 2000 or too far ahead of the wall clock. */
    EVENT_TIME_OUT_OF_RANGE,
    /** A recent event of the same user had this event_id with another content (ids must be unique). */
    EVENT_ID_CONFLICT
  }
}
