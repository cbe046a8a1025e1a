package dev.intereststream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every released writer schema of the click-events value and of the dead-letter value, oldest first.
 *
 * <p>Producers write Avro single-object encoding, whose header names the writer schema by its
 * CRC-64-AVRO fingerprint. A reader that knows all released versions decodes any of them without a
 * schema registry. Changing {@code ClickEvent.avsc} therefore means adding the new full schema here as
 * the next version; {@code ReleasedSchemasTest} fails until that is done. Dead letters are the job's
 * output, but consumers of the dead-letter topic meet values written by every release, so their
 * versions are kept the same way.
 */
public final class ReleasedSchemas {

  private static final String[] CLICK_EVENT_VERSIONS = {"ClickEvent-v1.avsc"};
  private static final String[] DEAD_LETTER_VERSIONS = {"DeadLetter-v1.avsc", "DeadLetter-v2.avsc"};

  private ReleasedSchemas() {}

  /** Released {@link ClickEvent} writer schemas, oldest first; the last is the current one. */
  public static List<Schema> clickEvent() {
    return java.util.Arrays.stream(CLICK_EVENT_VERSIONS).map(ReleasedSchemas::load).toList();
  }

  /** Released {@link DeadLetter} writer schemas, oldest first; the last is the current one. */
  public static List<Schema> deadLetter() {
    return java.util.Arrays.stream(DEAD_LETTER_VERSIONS).map(ReleasedSchemas::load).toList();
  }

  /** Released writer schemas of a topic value class, oldest first; empty for a class without a list. */
  public static List<Schema> of(Class<?> valueType) {
    if (valueType == ClickEvent.class) {
      return clickEvent();
    }
    if (valueType == DeadLetter.class) {
      return deadLetter();
    }
    return List.of();
  }

  /** The fingerprint that heads a single-object encoded datum written with {@code schema}. */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  private static Schema load(String resource) {
    try (InputStream in = ReleasedSchemas.class.getResourceAsStream("released/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("released schema resource missing: " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read released schema " + resource, e);
    }
  }
}
