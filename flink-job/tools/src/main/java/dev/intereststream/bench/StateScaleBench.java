package dev.intereststream.bench;

import dev.intereststream.contracts.Topics;
import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Scale of state: a backlog that touches every one of a million or more distinct users (an impression
 * and a click each), consumed by the job with the heap or the RocksDB state backend; throughput, and
 * stored bytes per user from the size of the last completed checkpoint. Scoring uses the heuristic
 * scorer here, so that the state backend, not ONNX Runtime, is what is measured.
 */
final class StateScaleBench {

  record Result(String backend, int users, long events, double eventsPerSecond, long checkpointBytes,
      double bytesPerUser, long heapBytes, long rssBytes) {}

  private StateScaleBench() {}

  static Result run(BenchStack stack, String backend, int users) throws Exception {
    Configuration overrides = new Configuration();
    overrides.set(InterestStreamOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
    overrides.set(InterestStreamOptions.SCORER, InterestStreamOptions.ScorerKind.HEURISTIC);
    overrides.setString("state.backend.type", backend);
    overrides.set(InterestStreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(10));
    Configuration options = stack.newRun("state-" + backend, overrides);
    long events = write(stack, options, users);
    long started = System.nanoTime();
    JobClient job = stack.startJob(options);
    try {
      long t0 = 0;
      long lag0 = 0;
      long heap = 0;
      long rss = 0;
      while (true) {
        long lag = stack.lag(options);
        if (t0 == 0 && lag < events) {
          t0 = System.nanoTime();
          lag0 = lag;
        }
        heap = Math.max(heap, ProcessStats.heapUsed());
        rss = Math.max(rss, ProcessStats.rss());
        if (lag == 0) {
          break;
        }
        Thread.sleep(500);
      }
      // Normally the rate is measured from the first poll that saw progress; if the whole backlog went
      // before that poll, the only honest figure is the whole run's, start-up included.
      boolean sawProgress = lag0 > 0;
      double seconds = (System.nanoTime() - (sawProgress ? t0 : started)) / 1e9;
      double rate = (sawProgress ? lag0 : events) / seconds;
      Thread.sleep(12_000); // one more checkpoint holds every user
      long bytes = latestCheckpointBytes(stack.checkpoints(), job.getJobID().toString());
      return new Result(backend, users, events, rate, bytes, bytes / (double) users, heap, rss);
    } finally {
      BenchStack.stop(job);
    }
  }

  private static long write(BenchStack stack, Configuration options, int users) throws IOException {
    Properties p = stack.client();
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    String topic = Topics.CLICK_EVENTS.name(options);
    long start = System.currentTimeMillis() - 3_600_000L;
    long n = 0;
    Scenario[] scenarios = {Scenario.ECOMMERCE, Scenario.SOCIAL, Scenario.NEWS};
    var encoder = Topics.CLICK_EVENTS.newEncoder();
    var buffer = new ByteArrayOutputStream(256);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int u = 1; u <= users; u++) {
        long item = 1 + (u * 7919L) % 10_000;
        long category = 1 + item % 40;
        Scenario s = scenarios[u % 3];
        long t = start + (long) (u * (3_000_000.0 / users));
        for (Action a : new Action[] {Action.IMPRESSION, Action.CLICK}) {
          ClickEvent e = new ClickEvent(new UUID(u, n).toString(), (long) u, item, category, s, a,
              a == Action.CLICK ? 4_000L : null, Instant.ofEpochMilli(t + n % 2));
          buffer.reset();
          encoder.encode(e, buffer);
          producer.send(new ProducerRecord<>(topic, null, t, Topics.userKey(u), buffer.toByteArray()));
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Bytes of the newest completed checkpoint of a job (its chk-N directory with a {@code _metadata} file;
   * one being written has none yet), -1 before the first. Flink deletes older checkpoints while this
   * reads, so a directory that vanishes mid-walk is read again from the listing.
   */
  static long latestCheckpointBytes(Path root, String jobId) throws IOException {
    Path job = root.resolve(jobId);
    for (int attempt = 0; attempt < 5; attempt++) {
      if (!Files.isDirectory(job)) {
        return -1;
      }
      Optional<Path> latest;
      try (Stream<Path> dirs = Files.list(job)) {
        latest = dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
            .filter(d -> Files.exists(d.resolve("_metadata")))
            .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString().substring(4))));
      }
      if (latest.isEmpty()) {
        return -1;
      }
      try (Stream<Path> files = Files.walk(latest.get())) {
        return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
        // deleted while read: a newer one exists
      }
    }
    return -1;
  }
}
