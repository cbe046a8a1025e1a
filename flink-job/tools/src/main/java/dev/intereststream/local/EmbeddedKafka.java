package dev.intereststream.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;

/**
 * A real Apache Kafka broker (KRaft, one combined broker and controller) running in this JVM on
 * 127.0.0.1, built from Kafka's own server classes. Replication factors and min ISR are 1, and
 * consumer-group rebalances start at once, which suits one broker. Its ports stay fixed for its life,
 * so it can be stopped and started again (an outage) and clients reconnect to the same address. Data
 * lives in a temporary directory removed on {@link #close()}.
 *
 * <p>{@link #startWithScram} requires SASL/SCRAM-SHA-256 authentication on the client listener; the
 * credentials are bootstrapped into the cluster's metadata when its storage is formatted.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** SCRAM mechanism of {@link #startWithScram}. */
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-256";
  private static final String ADMIN_USER = "admin";

  private final Path dataDir;
  private final int brokerPort;
  private final Properties config;
  private final String adminPassword;
  private KafkaRaftServer server;

  private EmbeddedKafka(Path dataDir, int brokerPort, Properties config, String adminPassword) {
    this.dataDir = dataDir;
    this.brokerPort = brokerPort;
    this.config = config;
    this.adminPassword = adminPassword;
  }

  /** Starts a broker that accepts unauthenticated clients, and waits until it serves them. */
  public static EmbeddedKafka start() throws Exception {
    return start(Map.of());
  }

  /** Starts a broker with extra broker settings. */
  public static EmbeddedKafka start(Map<String, String> brokerConfig) throws Exception {
    return create(brokerConfig, Map.of());
  }

  /**
   * Starts a broker whose client listener requires SASL/SCRAM-SHA-256 with one of {@code users}
   * (name to password). {@link #clientProperties()} then carries the broker's own admin credentials.
   */
  public static EmbeddedKafka startWithScram(Map<String, String> users) throws Exception {
    return create(Map.of(), users);
  }

  private static EmbeddedKafka create(Map<String, String> brokerConfig, Map<String, String> scramUsers)
      throws Exception {
    Path dataDir = Files.createTempDirectory("interest-stream-kafka-");
    int brokerPort = freePort();
    int controllerPort = freePort();
    boolean sasl = !scramUsers.isEmpty();
    String adminPassword = sasl ? "admin-" + Uuid.randomUuid() : null;

    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "BROKER://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "BROKER://127.0.0.1:" + brokerPort);
    p.put("listener.security.protocol.map",
        "BROKER:" + (sasl ? "SASL_PLAINTEXT" : "PLAINTEXT") + ",CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "BROKER");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("log.dirs", dataDir.resolve("log").toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    if (sasl) {
      p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
      p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
      p.put("listener.name.broker.scram-sha-256.sasl.jaas.config", jaas(ADMIN_USER, adminPassword));
    }
    p.putAll(brokerConfig);

    List<String> scram = new ArrayList<>();
    if (sasl) {
      Map<String, String> all = new LinkedHashMap<>(scramUsers);
      all.put(ADMIN_USER, adminPassword);
      all.forEach((user, password) -> scram.add(SCRAM_MECHANISM + "=[name=" + user + ",password=" + password + "]"));
    }
    KafkaConfig kafkaConfig = KafkaConfig.fromProps(p, false);
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .setControllerListenerName("CONTROLLER")
        .setMetadataLogDirectory(kafkaConfig.metadataLogDir())
        .setDirectories(List.of(dataDir.resolve("log").toString()))
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setScramArguments(scram)
        .run();

    EmbeddedKafka kafka = new EmbeddedKafka(dataDir, brokerPort, p, adminPassword);
    try {
      kafka.startServer();
    } catch (Exception e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /** JAAS configuration of a SCRAM client. */
  public static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
        + "\" password=\"" + password + "\";";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private void startServer() throws Exception {
    server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
    server.startup();
    awaitReady(Duration.ofSeconds(60));
  }

  private void awaitReady(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < end) {
      try (Admin admin = Admin.create(clientProperties())) {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        last = e;
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("embedded Kafka broker did not become ready within " + timeout, last);
  }

  /** Stops the broker (an outage); its data and ports are kept for {@link #restart()}. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts the broker again after {@link #stop()}, on the same ports and data. */
  public synchronized void restart() throws Exception {
    if (server == null) {
      startServer();
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  /** Client settings that reach this broker (with the broker's own admin credentials if it uses SASL). */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    if (adminPassword != null) {
      props.putAll(saslClientProperties(ADMIN_USER, adminPassword));
    }
    return props;
  }

  /** Client security settings for a SCRAM user of a broker from {@link #startWithScram}. */
  public static Properties saslClientProperties(String user, String password) {
    Properties props = new Properties();
    props.put("security.protocol", "SASL_PLAINTEXT");
    props.put("sasl.mechanism", SCRAM_MECHANISM);
    props.put("sasl.jaas.config", jaas(user, password));
    return props;
  }

  /**
   * Creates topics with replication factor 1 and waits until the broker serves every partition:
   * producing into a partition the broker does not serve yet makes clients retry, which an idempotent
   * producer's first batch does not always survive.
   */
  public void createTopics(Map<String, Integer> partitionsByTopic) throws Exception {
    createTopics(partitionsByTopic, Map.of());
  }

  /** Creates topics with the same topic configs (e.g. max.message.bytes) and waits until they serve. */
  public void createTopics(Map<String, Integer> partitionsByTopic, Map<String, String> topicConfigs) throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    partitionsByTopic.forEach(
        (name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1).configs(topicConfigs)));
    try (Admin admin = Admin.create(clientProperties())) {
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!partitionsAcceptRequests(admin, partitionsByTopic)) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException("partitions of " + partitionsByTopic.keySet() + " not served after 60 s");
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * Whether the broker's replica manager serves every partition. The metadata cache names a leader a moment
   * before the partition is open for requests; an idempotent producer writing in that moment can have its
   * first batch refused and a later one accepted, after which the first fails for good with
   * OutOfOrderSequenceException (KAFKA-15591, fixed after Kafka 4.2). A ListOffsets answer comes from the
   * replica manager itself, so once every partition answers, produce requests are safe. A topic not yet
   * in the metadata or a partition without a leader is a retriable error here too.
   */
  private static boolean partitionsAcceptRequests(Admin admin, Map<String, Integer> partitionsByTopic)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request =
        new HashMap<>();
    partitionsByTopic.forEach((name, partitions) -> {
      for (int p = 0; p < partitions; p++) {
        request.put(new TopicPartition(name, p),
            OffsetSpec.latest());
      }
    });
    try {
      admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(2_000))
          .all().get(10, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RetriableException) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      stop();
    } finally {
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp directory is not worth failing shutdown for
    }
  }
}
