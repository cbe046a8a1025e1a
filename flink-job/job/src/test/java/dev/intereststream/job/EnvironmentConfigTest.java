package dev.intereststream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
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
  void aDashDThatWouldDropExactlyOnceCheckpointsIsRefused() {
    Configuration options = Configuration.fromMap(Map.of("execution.checkpointing.mode", "AT_LEAST_ONCE"));
    assertThatThrownBy(() -> InterestStreamJob.environmentConfig(options))
        .hasMessageContaining("execution.checkpointing.mode must stay EXACTLY_ONCE (given: AT_LEAST_ONCE)");
  }

  @Test
  void aDashDOfUidsKryoOrMaxParallelismThatDiffersFromWhatTheJobNeedsIsRefused() {
    for (Map<String, String> setting : List.of(Map.of("pipeline.auto-generate-uids", "true"),
        Map.of("pipeline.generic-types", "true"), Map.of("pipeline.max-parallelism", "256"))) {
      assertThatThrownBy(() -> InterestStreamJob.environmentConfig(Configuration.fromMap(setting)))
          .hasMessageContaining(setting.keySet().iterator().next() + " must stay");
    }
  }

  @Test
  void aDashDEqualToWhatTheJobNeedsIsAccepted() {
    Configuration options = Configuration.fromMap(Map.of("execution.checkpointing.mode", "EXACTLY_ONCE",
        "pipeline.max-parallelism", "256", "job.max-parallelism", "256"));
    assertThat(InterestStreamJob.environmentConfig(options).get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(256);
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
