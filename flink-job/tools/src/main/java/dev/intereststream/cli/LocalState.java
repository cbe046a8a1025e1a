package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamOptions.StartingOffsets;
import dev.intereststream.job.InterestStreamOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;

/**
 * Durable state of {@code run} on the local mini cluster ({@code java -jar}): checkpoints go to
 * {@code <run.state-dir>/<kafka.group-id>} and are kept when the process ends, and a new start resumes
 * from the newest completed one. Settings given with {@code -D} win over every default chosen here.
 */
final class LocalState {

  private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  /** File beside the job directories naming the input topic their checkpoints read. */
  static final String INPUT_MARKER = "input-topic";

  private LocalState() {}

  /** A completed checkpoint: its directory (the one holding {@code _metadata}) and its id. */
  record Checkpoint(Path dir, long id, FileTime completed) {}

  /**
   * The settings that make this run durable, for the keys {@code given} (the {@code -D} settings) does
   * not set; says on {@code out} where the run starts from.
   */
  static Configuration configure(Configuration given, boolean fresh, java.io.PrintStream out) {
    Configuration conf = new Configuration();
    if (given.getOptional(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION).isEmpty()) {
      conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }
    if (given.getOptional(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS).isEmpty()) {
      // One is enough to resume; with more, each restart would leave the older ones behind, since a
      // new job claims (and later deletes) only the checkpoint it resumed from.
      conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 1);
    }
    Optional<String> recoveryPath = given.getOptional(StateRecoveryOptions.SAVEPOINT_PATH);
    Optional<String> checkpointDir = given.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
    boolean stateDirGiven = given.getOptional(InterestStreamOptions.STATE_DIR).isPresent();
    if (fresh && recoveryPath.isPresent()) {
      throw new IllegalArgumentException("--fresh contradicts -D " + StateRecoveryOptions.SAVEPOINT_PATH.key()
          + ": give one of them");
    }
    if (stateDirGiven && checkpointDir.isPresent()) {
      throw new IllegalArgumentException("-D " + InterestStreamOptions.STATE_DIR.key() + " and -D "
          + CheckpointingOptions.CHECKPOINTS_DIRECTORY.key() + " both say where checkpoints go: give one of them");
    }
    if (checkpointDir.isPresent()) {
      out.println("interest-stream: checkpoints go to " + checkpointDir.get() + " ("
          + CheckpointingOptions.CHECKPOINTS_DIRECTORY.key() + "); " + recoveryPath
              .map(p -> "resuming from " + p + " (" + StateRecoveryOptions.SAVEPOINT_PATH.key() + ")")
              .orElse("nothing is resumed unless -D " + StateRecoveryOptions.SAVEPOINT_PATH.key() + " is set"));
      return conf;
    }
    Path dir = directory(given);
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
    if (recoveryPath.isPresent()) {
      out.println("interest-stream: resuming from " + recoveryPath.get() + " ("
          + StateRecoveryOptions.SAVEPOINT_PATH.key() + "); checkpoints go to " + dir);
      return conf;
    }
    if (fresh) {
      deleteRecursively(dir);
      writeInputTopic(dir, given.get(InterestStreamOptions.INPUT_TOPIC));
      out.println("interest-stream: --fresh: deleted the checkpoints in " + dir + "; starting with empty state "
          + "from " + startingOffsets(given));
      return conf;
    }
    Optional<Checkpoint> latest = latest(dir);
    String input = given.get(InterestStreamOptions.INPUT_TOPIC);
    Optional<String> checkpointedInput = readInputTopic(dir);
    if (latest.isPresent() && checkpointedInput.isPresent() && !checkpointedInput.get().equals(input)) {
      // The checkpoint holds the source's splits and offsets of the old topic and users' state built
      // from it: resuming would silently mix the two topics.
      throw new IllegalArgumentException("the checkpoints in " + dir + " were taken reading topic "
          + checkpointedInput.get() + ", this run reads " + input + ": use --fresh to start over, or another -D "
          + InterestStreamOptions.CONSUMER_GROUP.key());
    }
    writeInputTopic(dir, input);
    if (latest.isPresent()) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.get().dir().toUri().toString());
      // The job takes the checkpoint over and deletes it once newer ones exist, so restarts do not pile
      // up old checkpoints in the state directory.
      conf.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
      out.println("interest-stream: resuming from checkpoint " + latest.get().id() + " at " + latest.get().dir());
    } else {
      out.println("interest-stream: no checkpoint in " + dir + ": starting from " + startingOffsets(given));
    }
    return conf;
  }

  /** Where the checkpoints of this job (its consumer group) go. */
  static Path directory(Configuration given) {
    String group = given.get(InterestStreamOptions.CONSUMER_GROUP);
    // The group id names a directory that --fresh deletes: it must stay one plain name inside the
    // state directory (Kafka allows '/' and '..' in group ids).
    if (!PLAIN_NAME.matcher(group).matches() || group.equals(".") || group.equals("..")) {
      throw new IllegalArgumentException(InterestStreamOptions.CONSUMER_GROUP.key() + " '" + group + "' names the "
          + "checkpoint directory of run under java -jar: use letters, digits and . _ - only (or set -D "
          + "execution.checkpointing.dir)");
    }
    Path root = Path.of(given.get(InterestStreamOptions.STATE_DIR)).toAbsolutePath().normalize();
    return root.resolve(group);
  }

  private static String startingOffsets(Configuration given) {
    StartingOffsets offsets = given.get(InterestStreamOptions.STARTING_OFFSETS);
    return switch (offsets) {
      case COMMITTED_OR_EARLIEST, COMMITTED_OR_LATEST -> "the committed offsets of consumer group "
          + given.get(InterestStreamOptions.CONSUMER_GROUP);
      case EARLIEST, LATEST -> "the " + offsets.name().toLowerCase() + " offsets ("
          + InterestStreamOptions.STARTING_OFFSETS.key() + ")";
    };
  }

  /**
   * The most recently completed checkpoint under {@code dir} ({@code <job id>/chk-N/_metadata}; Flink
   * writes {@code _metadata} last, so a checkpoint cut short by a crash has none). By completion time,
   * not id: a job started with --fresh or from an older checkpoint numbers its checkpoints anew.
   */
  static Optional<Checkpoint> latest(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> jobs = Files.list(dir)) {
      return jobs.filter(Files::isDirectory).flatMap(LocalState::completed)
          .max(Comparator.comparing(Checkpoint::completed).thenComparingLong(Checkpoint::id));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the checkpoints in " + dir, e);
    }
  }

  private static Stream<Checkpoint> completed(Path jobDir) {
    try (Stream<Path> children = Files.list(jobDir)) {
      return children.flatMap(c -> {
        Matcher m = CHECKPOINT.matcher(c.getFileName().toString());
        Path metadata = c.resolve("_metadata");
        try {
          return m.matches() && Files.isRegularFile(metadata)
              ? Stream.of(new Checkpoint(c, Long.parseLong(m.group(1)), Files.getLastModifiedTime(metadata)))
              : Stream.empty();
        } catch (NoSuchFileException deletedMeanwhile) {
          return Stream.empty();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + jobDir, e);
    }
  }

  /** The input topic the checkpoints in {@code dir} were taken from, if a run wrote it down. */
  private static Optional<String> readInputTopic(Path dir) {
    Path marker = dir.resolve(INPUT_MARKER);
    try {
      return Files.isRegularFile(marker) ? Optional.of(Files.readString(marker).strip()) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + marker, e);
    }
  }

  private static void writeInputTopic(Path dir, String topic) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(INPUT_MARKER), topic + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(INPUT_MARKER), e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the checkpoints in " + dir, e);
    }
  }
}
