package dev.intereststream.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Apache Kafka broker (KRaft, one combined broker and controller) running in this JVM on
 * 127.0.0.1, built from Kafka's own server artifacts. Replication factors and min ISR are 1, and
 * consumer-group rebalances start at once, which suits one broker. Data lives in a temporary
 * directory removed on {@link #close()}.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private final KafkaClusterTestKit cluster;
  private final Path dataDir;

  private EmbeddedKafka(KafkaClusterTestKit cluster, Path dataDir) {
    this.cluster = cluster;
    this.dataDir = dataDir;
  }

  /** Starts the broker and waits until it accepts clients. */
  public static EmbeddedKafka start() throws Exception {
    return start(Map.of());
  }

  /** Starts the broker with extra broker settings. */
  public static EmbeddedKafka start(Map<String, String> brokerConfig) throws Exception {
    Path dataDir = Files.createTempDirectory("interest-stream-kafka-");
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .setBaseDirectory(dataDir)
        .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "4")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("transaction.state.log.num.partitions", "4")
        .setConfigProp("min.insync.replicas", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("auto.create.topics.enable", "false")
        .setConfigProp("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    brokerConfig.forEach(builder::setConfigProp);
    builder.setDeleteOnClose(true);
    KafkaClusterTestKit cluster = builder.build();
    try {
      formatQuietly(cluster);
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return new EmbeddedKafka(cluster, dataDir);
  }

  /** Kafka's storage formatter prints its bootstrap metadata to stdout; keep the caller's console clean. */
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    java.io.PrintStream stdout = System.out;
    synchronized (System.class) {
      System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      try {
        cluster.format();
      } finally {
        System.setOut(stdout);
      }
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Client settings that reach this broker. */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /** Creates topics with replication factor 1 and waits for them. */
  public void createTopics(Map<String, Integer> partitionsByTopic) throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    partitionsByTopic.forEach((name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1)));
    try (Admin admin = Admin.create(clientProperties())) {
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      cluster.close();
    } finally {
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // best effort: a leftover temp directory is not worth failing shutdown for
    }
  }
}
