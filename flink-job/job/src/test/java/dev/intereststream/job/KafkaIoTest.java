package dev.intereststream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sinks' record size limit is checked against the producer's own limit before the job starts. */
class KafkaIoTest {

  @TempDir
  Path dir;

  private Configuration withClientProperties(String properties) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, properties);
    Configuration c = new Configuration();
    c.set(InterestStreamOptions.CLIENT_PROPERTIES_FILE, file.toString());
    return c;
  }

  @Test
  void defaultRecordLimitFitsTheProducerDefault() {
    assertThat(KafkaIo.maxRecordBytes(new Configuration())).isEqualTo(1_000_000);
  }

  @Test
  void refusesARecordLimitAboveTheClientPropertiesMaxRequestSize() throws Exception {
    Configuration c = withClientProperties("max.request.size=500000\n");
    assertThatThrownBy(() -> KafkaIo.maxRecordBytes(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sink.max-record-bytes is 1000000")
        .hasMessageContaining("max.request.size is 500000")
        .hasMessageContaining("at most 499488");
    c.set(InterestStreamOptions.MAX_RECORD_BYTES, 499_488);
    assertThat(KafkaIo.maxRecordBytes(c)).isEqualTo(499_488);
  }

  @Test
  void refusesARecordLimitAboveTheProducerDefaultOrBelowTheMinimum() throws Exception {
    Configuration c = new Configuration();
    c.set(InterestStreamOptions.MAX_RECORD_BYTES, 2_000_000);
    assertThatThrownBy(() -> KafkaIo.maxRecordBytes(c)).hasMessageContaining("(Kafka's default)");
    Configuration raised = withClientProperties("max.request.size=4194304\n");
    raised.set(InterestStreamOptions.MAX_RECORD_BYTES, 2_000_000);
    assertThat(KafkaIo.maxRecordBytes(raised)).isEqualTo(2_000_000);
    c.set(InterestStreamOptions.MAX_RECORD_BYTES, 4_095);
    assertThatThrownBy(() -> KafkaIo.maxRecordBytes(c)).hasMessageContaining("less than the minimum 4096");
  }
}
