package dev.intereststream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the one environment builder layers the job's needs, a caller's defaults and the user's settings. */
class JobEnvironmentTest {

  @Test
  void theUsersSettingsWinOverTheCallersDefaultsAboveWhatTheJobNeeds(@TempDir Path dir) {
    Configuration options = new Configuration();
    options.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("given").toUri().toString());
    Configuration callerDefaults = new Configuration();
    callerDefaults.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("caller").toUri().toString());
    callerDefaults.set(RestOptions.PORT, 0);

    Configuration conf = JobEnvironment.configuration(options, callerDefaults);

    assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(dir.resolve("given").toUri().toString());
    assertThat(conf.get(RestOptions.PORT)).isZero();
    assertThat(conf.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
  }

  @Test
  void aLocalEnvironmentRefusesADashDOfTheCheckpointDirectoryOrRestAddressItManages(@TempDir Path dir) {
    for (String key : List.of("execution.checkpointing.dir", "rest.bind-address")) {
      Configuration options = Configuration.fromMap(Map.of(key, "file:///elsewhere"));
      assertThatThrownBy(() -> JobEnvironment.local(options, 2, dir)).hasMessageContaining("-D " + key + "=");
    }
  }

  @Test
  void aParallelismOptionBecomesTheContextEnvironmentsParallelism() {
    Configuration options = new Configuration();
    options.set(CoreOptions.DEFAULT_PARALLELISM, 3);
    assertThat(JobEnvironment.fromContext(options, new Configuration()).getParallelism()).isEqualTo(3);
  }

  @Test
  void aLocalEnvironmentKeepsCheckpointsOnDiskAndItsRestEndpointOnAFreeLoopbackPort(@TempDir Path dir) {
    StreamExecutionEnvironment env = JobEnvironment.local(new Configuration(), 2, dir);
    assertThat(env.getParallelism()).isEqualTo(2);
    assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
    assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(dir.toUri().toString());
    assertThat(env.getConfiguration().get(RestOptions.BIND_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(env.getConfiguration().get(RestOptions.PORT)).isZero();
  }
}
