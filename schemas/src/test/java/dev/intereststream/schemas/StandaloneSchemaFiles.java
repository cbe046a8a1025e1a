package dev.intereststream.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * What {@code schemas/standalone} must hold, computed from the generated classes and the released
 * versions: one self-contained {@code .avsc} per topic value (named types inlined, the Java-only
 * string property dropped, so any Avro implementation parses a file on its own) and
 * {@code fingerprints.json}.
 *
 * <p>The files are checked in rather than written by the build so that clients in other languages
 * find them in the repository without building Java, and a schema change shows up in review;
 * {@code StandaloneSchemaFilesTest} fails when they drift and writes the expected set to
 * {@code target/standalone} for copying.
 */
final class StandaloneSchemaFiles {

  /** Name of the machine-readable fingerprint list. */
  static final String FINGERPRINTS = "fingerprints.json";

  private static final String JAVA_STRING = "avro.java.string";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StandaloneSchemaFiles() {}

  /**
   * One schema a client may meet on the wire.
   *
   * @param name record name
   * @param topic the topic (default name) whose values use it
   * @param role who writes it
   * @param version released version number, for the versions the job accepts
   * @param current whether today's code writes it
   * @param schema the schema
   */
  record Entry(String name, String topic, String role, int version, boolean current, Schema schema) {

    long fingerprint() {
      return ReleasedSchemas.fingerprint(schema);
    }

    String fingerprintHex() {
      return String.format(Locale.ROOT, "%016X", fingerprint());
    }

    /** The 10 bytes every value written with this schema starts with, as spaced hex. */
    String header() {
      StringBuilder b = new StringBuilder("C3 01");
      long f = fingerprint();
      for (int i = 0; i < 8; i++) {
        b.append(String.format(Locale.ROOT, " %02X", (f >>> (8 * i)) & 0xFF));
      }
      return b.toString();
    }

    /** This schema's row in the table of docs/schemas.md. */
    String docsRow() {
      return "| `" + name + "` | " + version + (current ? " (current)" : "") + " | `" + topic + "` | " + role
          + " | `" + fingerprintHex() + "` | `" + header() + "` | [`" + file() + "`](../schemas/standalone/" + file()
          + ") |";
    }

    /** The self-contained schema file: the current one unversioned, older releases by version. */
    String file() {
      return current ? name + ".avsc" : name + "-v" + version + ".avsc";
    }
  }

  /**
   * Every released ClickEvent version (the job decodes each), the current InterestUpdate (no older
   * release yet) and every released DeadLetter version (the job writes the current one; a consumer of
   * the dead-letter topic may meet older ones).
   */
  static List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    List<Schema> clicks = ReleasedSchemas.clickEvent();
    long current = ReleasedSchemas.fingerprint(ClickEvent.getClassSchema());
    for (int i = 0; i < clicks.size(); i++) {
      Schema s = clicks.get(i);
      entries.add(new Entry("ClickEvent", "click-events", "your producers; the job decodes every released version",
          i + 1, ReleasedSchemas.fingerprint(s) == current, s));
    }
    entries.add(new Entry("InterestUpdate", "interest-scores", "the job", 1, true, InterestUpdate.getClassSchema()));
    List<Schema> deadLetters = ReleasedSchemas.deadLetter();
    long currentDeadLetter = ReleasedSchemas.fingerprint(DeadLetter.getClassSchema());
    for (int i = 0; i < deadLetters.size(); i++) {
      Schema s = deadLetters.get(i);
      boolean isCurrent = ReleasedSchemas.fingerprint(s) == currentDeadLetter;
      entries.add(new Entry("DeadLetter", "click-events-dlq", isCurrent ? "the job" : "earlier releases of the job",
          i + 1, isCurrent, isCurrent ? DeadLetter.getClassSchema() : s));
    }
    return entries;
  }

  /** File name to content, in a stable order. */
  static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    for (Entry e : entries()) {
      files.put(e.file(), portableJson(e.schema()));
    }
    files.put(FINGERPRINTS, fingerprintsJson(entries()));
    return files;
  }

  /**
   * The schema's JSON without the Java-only {@code avro.java.string} property. Java and the spec
   * ignore it in the canonical form, but python-avro 1.11 keeps the object it sits in, so leaving
   * it would move that library's fingerprint even further from the spec's.
   */
  static String portableJson(Schema schema) {
    try {
      JsonNode tree = MAPPER.readTree(schema.toString());
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(withoutJavaString(tree)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Avro wrote JSON Jackson cannot read", e);
    }
  }

  private static JsonNode withoutJavaString(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(JAVA_STRING);
      if (object.size() == 1 && object.has("type") && object.get("type").isTextual()) {
        return object.get("type"); // {"type": "string"} is just "string"
      }
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        object.set(name, withoutJavaString(object.get(name)));
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, withoutJavaString(array.get(i)));
      }
    }
    return node;
  }

  private static String fingerprintsJson(List<Entry> entries) {
    StringBuilder b = new StringBuilder();
    b.append("{\n");
    b.append("  \"about\": \"CRC-64-AVRO fingerprint (Avro specification: Parsing Canonical Form, logical types"
        + " stripped) of every schema on the job's topics. A single-object encoded value starts with header:"
        + " C3 01, then the fingerprint's 8 bytes little-endian. fingerprint is that 64-bit number in hex, as the"
        + " job's dead letters print it. Use these values, not your Avro library's own fingerprint: some"
        + " libraries compute it differently.\",\n");
    b.append("  \"schemas\": [\n");
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      b.append("    {\"name\": \"").append(e.name())
          .append("\", \"topic\": \"").append(e.topic())
          .append("\", \"version\": ").append(e.version())
          .append(", \"current\": ").append(e.current())
          .append(", \"fingerprint\": \"").append(e.fingerprintHex())
          .append("\", \"header\": \"").append(e.header().replace(" ", ""))
          .append("\", \"file\": \"").append(e.file()).append("\"}")
          .append(i + 1 < entries.size() ? ",\n" : "\n");
    }
    b.append("  ]\n}\n");
    return b.toString();
  }
}
