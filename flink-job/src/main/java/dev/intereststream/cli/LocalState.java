package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.InterestStreamOptions.StartingOffsets;
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
      out.println("interest-stream: --fresh: deleted the checkpoints in " + dir + "; starting with empty state "
          + "from " + startingOffsets(given));
      return conf;
    }
    Optional<Checkpoint> latest = latest(dir);
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
    return Path.of(given.get(InterestStreamOptions.STATE_DIR)).toAbsolutePath().normalize()
        .resolve(given.get(InterestStreamOptions.CONSUMER_GROUP));
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
