package dev.intereststream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Settings that cannot work are refused before any environment is built, naming the job's option. */
class EnvironmentConfigTest {

  @Test
  void flinksOwnCheckpointIntervalKeyIsRefusedSinceItWouldBypassTheCheckedOption() {
    Configuration options = new Configuration();
    options.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ZERO);
    assertThatThrownBy(() -> InterestStreamJob.environmentConfig(options))
        .hasMessageContaining("set job.checkpoint-interval, not execution.checkpointing.interval");
  }

  @Test
  void theJobsIntervalBecomesFlinksInterval() {
    Configuration options = new Configuration();
    options.set(InterestStreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(3));
    assertThat(InterestStreamJob.environmentConfig(options).get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aNegativeWatermarkLeadIsRefusedNamingTheOption() {
    Configuration options = new Configuration();
    options.set(InterestStreamOptions.WATERMARK_MAX_LEAD, Duration.ofSeconds(-1));
    assertThatThrownBy(() -> InterestStreamJob.watermarks(options))
        .hasMessageContaining("events.watermark-max-lead must not be negative");
  }
}
