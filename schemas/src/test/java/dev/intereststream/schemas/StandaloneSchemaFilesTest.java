package dev.intereststream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class StandaloneSchemaFilesTest {

  private static final Path CHECKED_IN = Path.of("standalone");
  private static final Path EXPECTED = Path.of("target", "standalone");
  private static final Path DOCS = Path.of("..", "docs", "schemas.md");

  @Test
  void checkedInStandaloneFilesAreExactlyTheOnesGeneratedFromTheSchemas() throws IOException {
    Map<String, String> expected = StandaloneSchemaFiles.files();
    // Written on every run so that a failing comparison leaves the files to copy in place.
    Files.createDirectories(EXPECTED);
    for (Map.Entry<String, String> f : expected.entrySet()) {
      Files.writeString(EXPECTED.resolve(f.getKey()), f.getValue());
    }
    String fix = "schemas/standalone is stale: run 'cp schemas/target/standalone/* schemas/standalone/' "
        + "(and remove files no longer listed), then update docs/schemas.md";
    try (Stream<Path> present = Files.list(CHECKED_IN)) {
      assertThat(present.map(p -> p.getFileName().toString()).sorted().toList()).as(fix)
          .containsExactlyElementsOf(expected.keySet().stream().sorted().toList());
    }
    for (Map.Entry<String, String> f : expected.entrySet()) {
      assertThat(Files.readString(CHECKED_IN.resolve(f.getKey()))).as(fix + " (%s)", f.getKey())
          .isEqualTo(f.getValue());
    }
  }

  @Test
  void eachStandaloneSchemaParsesOnItsOwnWithTheFingerprintTheJobUses() throws IOException {
    for (StandaloneSchemaFiles.Entry e : StandaloneSchemaFiles.entries()) {
      // A fresh parser knows no named types: this is what another Avro implementation faces.
      Schema alone = new Schema.Parser().parse(CHECKED_IN.resolve(e.file()).toFile());
      assertThat(ReleasedSchemas.fingerprint(alone)).as(e.file()).isEqualTo(e.fingerprint());
    }
  }

  @Test
  void publishedFingerprintsIncludeEveryReleasedClickEventAndTheCurrentOutputs() {
    List<Long> published = StandaloneSchemaFiles.entries().stream().map(StandaloneSchemaFiles.Entry::fingerprint)
        .toList();
    assertThat(published).containsAll(ReleasedSchemas.clickEvent().stream().map(ReleasedSchemas::fingerprint).toList())
        .contains(ReleasedSchemas.fingerprint(ClickEvent.getClassSchema()),
            ReleasedSchemas.fingerprint(InterestUpdate.getClassSchema()),
            ReleasedSchemas.fingerprint(DeadLetter.getClassSchema()));
  }

  @Test
  void docsListEveryPublishedFingerprintWithItsHeaderAndFile() throws IOException {
    String docs = Files.readString(DOCS);
    for (StandaloneSchemaFiles.Entry e : StandaloneSchemaFiles.entries()) {
      assertThat(docs).as("docs/schemas.md row of %s v%d", e.name(), e.version()).contains(e.docsRow());
    }
  }
}
