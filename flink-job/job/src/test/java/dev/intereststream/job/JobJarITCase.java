package dev.intereststream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job jar is what a Flink cluster runs: it must carry what a Flink distribution lacks and nothing a
 * cluster provides or a tool needs. Runs after {@code package} (failsafe), on the shaded jar itself.
 */
class JobJarITCase {

  private static final Path JAR = Path.of(System.getProperty("interest-stream-job.jar", "target/interest-stream-job.jar"));
  private static List<String> entries;
  private static String mainClass;

  @BeforeAll
  static void list() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      entries = jar.stream().map(ZipEntry::getName).toList();
      mainClass = jar.getManifest().getMainAttributes().getValue("Main-Class");
    }
    System.out.printf("job jar %s: %.1f MB, %d entries%n", JAR.getFileName(), Files.size(JAR) / 1e6, entries.size());
  }

  @Test
  void holdsNoFlinkRuntimeBrokerScalaLoggingBackendOrTools() {
    List<String> forbidden = List.of(
        "org/apache/flink/runtime/", "org/apache/flink/streaming/api/", "org/apache/flink/api/",
        "org/apache/flink/client/", "org/apache/flink/configuration/", "org/apache/flink/state/rocksdb/",
        "org/apache/flink/connector/base/",
        "kafka/Kafka.class", "kafka/server/", "kafka/tools/", "org/apache/kafka/server/common/", "org/apache/kafka/server/util/", "org/apache/kafka/metadata/",
        "org/apache/kafka/raft/", "org/apache/kafka/storage/",
        "scala/", "org/apache/logging/log4j/", "org/slf4j/", "org/rocksdb/", "picocli/", "org/HdrHistogram/",
        "java/awt/", "dev/intereststream/cli/", "dev/intereststream/sim/", "dev/intereststream/bench/",
        "dev/intereststream/local/", "dev/intereststream/training/");
    assertThat(entries).noneMatch(e -> forbidden.stream().anyMatch(e::startsWith));
  }

  @Test
  void carriesWhatAFlinkDistributionLacksAndTheModel() {
    for (String needed : List.of("dev/intereststream/job/InterestStreamJob.class", "dev/intereststream/schemas/",
        "org/apache/flink/connector/kafka/", "org/apache/flink/formats/avro/", "org/apache/kafka/clients/",
        "org/apache/avro/", "ai/onnxruntime/OrtSession.class", "ai/onnxruntime/native/linux-x64/",
        "com/fasterxml/jackson/databind/", "model/interest-model.onnx")) {
      assertThat(entries).as(needed).anyMatch(e -> e.startsWith(needed));
    }
  }

  @Test
  void namesTheJobAsItsMainClass() {
    assertThat(mainClass).isEqualTo(InterestStreamJob.class.getName());
  }
}
