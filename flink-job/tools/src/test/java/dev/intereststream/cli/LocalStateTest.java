package dev.intereststream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where 'run' on the local mini cluster keeps its checkpoints and which one a restart resumes from. */
class LocalStateTest {

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  private static Path checkpoint(Path groupDir, String job, int id, long completedAt, boolean complete)
      throws Exception {
    Path chk = Files.createDirectories(groupDir.resolve(job).resolve("chk-" + id));
    if (complete) {
      Path metadata = Files.writeString(chk.resolve("_metadata"), "x");
      Files.setLastModifiedTime(metadata, FileTime.fromMillis(completedAt));
    }
    return chk;
  }

  private static Configuration given(Path stateDir, Map<String, String> more) {
    Configuration c = Configuration.fromMap(more);
    c.setString("run.state-dir", stateDir.toString());
    c.setString("kafka.group-id", "g");
    return c;
  }

  @Test
  void resumesFromTheMostRecentlyCompletedCheckpointSkippingOnesCutShortByACrash(@TempDir Path dir) throws Exception {
    Path group = dir.resolve("g");
    checkpoint(group, "job-a", 7, 1_000_000, true);
    Path newest = checkpoint(group, "job-b", 3, 2_000_000, true); // a later job numbering anew (--fresh)
    checkpoint(group, "job-b", 4, 0, false);                      // killed before its _metadata was written

    Configuration conf = LocalState.configure(given(dir, Map.of()), false, out);

    assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(newest.toUri().toString());
    assertThat(conf.get(StateRecoveryOptions.RESTORE_MODE)).isEqualTo(RecoveryClaimMode.CLAIM);
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(group.toUri().toString());
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("resuming from checkpoint 3 at " + newest);
  }

  @Test
  void startsFromTheCommittedOffsetsWhenTheStateDirectoryHoldsNoCompletedCheckpoint(@TempDir Path dir)
      throws Exception {
    checkpoint(dir.resolve("g"), "job-a", 1, 0, false);

    Configuration conf = LocalState.configure(given(dir, Map.of()), false, out);

    assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("no checkpoint in " + dir.resolve("g") + ": starting from the committed offsets of consumer group g");
  }

  @Test
  void freshDeletesTheCheckpointsOfTheJobAndResumesNothing(@TempDir Path dir) throws Exception {
    checkpoint(dir.resolve("g"), "job-a", 5, 1_000, true);
    checkpoint(dir.resolve("other-group"), "job-x", 5, 1_000, true);

    Configuration conf = LocalState.configure(given(dir, Map.of()), true, out);

    assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
    assertThat(dir.resolve("g").resolve("job-a")).doesNotExist();
    assertThat(dir.resolve("other-group")).exists();
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("--fresh: deleted the checkpoints in " + dir.resolve("g"));
  }

  @Test
  void anExplicitRecoveryPathOrCheckpointDirectoryIsNeverReplaced(@TempDir Path dir) throws Exception {
    checkpoint(dir.resolve("g"), "job-a", 5, 1_000, true);
    Configuration explicitPath = given(dir, Map.of("execution.state-recovery.path", "/elsewhere/chk-2"));
    Configuration conf = LocalState.configure(explicitPath, false, out);
    assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
    assertThat(conf.getOptional(StateRecoveryOptions.RESTORE_MODE)).isEmpty();

    Configuration explicitDir = Configuration.fromMap(Map.of("execution.checkpointing.dir", "file:///cluster/chk",
        "execution.checkpointing.num-retained", "5"));
    conf = LocalState.configure(explicitDir, false, out);
    assertThat(conf.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEmpty();
    assertThat(conf.getOptional(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isEmpty();
    assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
  }

  @Test
  void refusesToResumeCheckpointsTakenFromAnotherInputTopic(@TempDir Path dir) throws Exception {
    checkpoint(dir.resolve("g"), "job-a", 5, 1_000, true);
    Map<String, String> first = Map.of("topics.click-events", "clicks-a");
    LocalState.configure(given(dir, first), false, out); // writes down the topic it reads

    assertThatThrownBy(() -> LocalState.configure(given(dir, Map.of("topics.click-events", "clicks-b")), false, out))
        .hasMessageContaining("were taken reading topic clicks-a, this run reads clicks-b")
        .hasMessageContaining("--fresh");
    assertThat(LocalState.configure(given(dir, first), false, out).getOptional(StateRecoveryOptions.SAVEPOINT_PATH))
        .isPresent();
    assertThat(LocalState.configure(given(dir, Map.of("topics.click-events", "clicks-b")), true, out)
        .getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
  }

  @Test
  void refusesAGroupIdThatIsNotOnePlainDirectoryName(@TempDir Path dir) {
    for (String group : new String[] {"..", ".", "a/b", "a\\b", "../../etc"}) {
      Configuration c = given(dir, Map.of());
      c.setString("kafka.group-id", group);
      assertThatThrownBy(() -> LocalState.configure(c, true, out)).as(group)
          .hasMessageContaining("kafka.group-id '" + group + "' names the checkpoint directory");
    }
    assertThat(dir).exists();
  }

  @Test
  void refusesFreshTogetherWithAnExplicitRecoveryPath(@TempDir Path dir) {
    assertThatThrownBy(() -> LocalState.configure(
        given(dir, Map.of("execution.state-recovery.path", "/elsewhere/chk-2")), true, out))
        .hasMessageContaining("--fresh contradicts -D execution.state-recovery.path");
  }
}
