package dev.intereststream.job;

import dev.intereststream.contracts.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up check that Kafka is reachable with the given settings, the topics exist and the topics the
 * job writes accept its largest record, so a wrong address, wrong credentials, a missing topic or a
 * topic limit below {@code sink.max-record-bytes} is one clear message instead of a job that restarts
 * forever or stops at the first large dead letter.
 */
public final class TopicCheck {

  private static final int CONNECT_TIMEOUT_MS = 3_000;
  private static final Logger LOG = LoggerFactory.getLogger(TopicCheck.class);

  private TopicCheck() {}

  /** {@link #requireTopics} for the job's own three topics, as {@code options} name them. */
  public static void requireJobTopics(ReadableConfig options) {
    String output = Topics.INTEREST_SCORES.name(options);
    String deadLetters = Topics.DEAD_LETTERS.name(options);
    requireTopics(KafkaIo.adminProperties(options), List.of(Topics.CLICK_EVENTS.name(options), output, deadLetters),
        List.of(output, deadLetters), KafkaIo.maxRecordBytes(options));
  }

  /**
   * @param topics every topic the job uses
   * @param written the topics it writes, whose {@code max.message.bytes} must take a record of
   *     {@code maxRecordBytes} key and value plus Kafka's framing
   */
  public static void requireTopics(Properties clientProperties, Collection<String> topics, Collection<String> written,
      int maxRecordBytes) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    String servers = props.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    requireReachable(servers);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
      Set<String> missing = new TreeSet<>(topics);
      missing.removeAll(existing);
      if (!missing.isEmpty()) {
        throw new IllegalStateException("Kafka at " + servers + " has no topic " + String.join(", ", missing)
            + ": create it (the job does not create topics)");
      }
      requireRecordLimit(admin, written, maxRecordBytes);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + servers + " accepts connections but did not answer within "
          + "20 s: check that the port is a Kafka listener, that the brokers' advertised.listeners are reachable "
          + "from this machine, and the security settings of --client-properties", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka at " + servers + " refused the connection: "
          + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking Kafka topics", e);
    }
  }

  private static void requireRecordLimit(Admin admin, Collection<String> written, int maxRecordBytes)
      throws InterruptedException, TimeoutException {
    long needed = (long) maxRecordBytes + KafkaIo.RECORD_FRAMING_BYTES;
    String key = InterestStreamOptions.MAX_RECORD_BYTES.key();
    Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(
        written.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).values();
    for (Map.Entry<ConfigResource, KafkaFuture<Config>> e : configs.entrySet()) {
      String topic = e.getKey().name();
      Config config;
      try {
        config = e.getValue().get(20, TimeUnit.SECONDS);
      } catch (ExecutionException failed) {
        if (failed.getCause() instanceof AuthorizationException) {
          // Writing needs no DescribeConfigs ACL: a least-privilege principal may not see the limit.
          LOG.warn("cannot read max.message.bytes of topic {} (no DescribeConfigs permission): make sure it "
              + "takes records of {} + {} bytes ({})", topic, maxRecordBytes, KafkaIo.RECORD_FRAMING_BYTES, key);
          continue;
        }
        throw new IllegalStateException("cannot read the configuration of topic " + topic + ": "
            + failed.getCause().getClass().getSimpleName() + ": " + failed.getCause().getMessage(), failed.getCause());
      }
      ConfigEntry limit = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      if (limit == null || limit.value() == null) {
        continue;
      }
      long accepted = Long.parseLong(limit.value());
      if (accepted < needed) {
        long fitting = accepted - KafkaIo.RECORD_FRAMING_BYTES;
        String remedy = fitting >= KafkaIo.MIN_RECORD_BYTES
            ? "Set -D " + key + "=" + fitting + " or raise the topic's " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG
            : "Raise the topic's " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + " to at least "
                + (KafkaIo.MIN_RECORD_BYTES + KafkaIo.RECORD_FRAMING_BYTES);
        throw new IllegalStateException("topic " + topic + " accepts records of at most " + accepted + " bytes ("
            + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + "), less than " + key + " (" + maxRecordBytes + ") plus "
            + KafkaIo.RECORD_FRAMING_BYTES + " bytes of framing: the first large dead letter or update would stop "
            + "the job. " + remedy);
      }
    }
  }

  /**
   * Fails at once if no bootstrap address accepts a TCP connection. The admin client would retry such
   * an address until its API timeout and then report only "timed out waiting for a node assignment".
   */
  private static void requireReachable(String servers) {
    java.util.List<String> failures = new java.util.ArrayList<>();
    for (String server : servers.split(",")) {
      String address = server.trim();
      String host = Utils.getHost(address);
      Integer port = Utils.getPort(address);
      if (host == null || port == null) {
        throw new IllegalArgumentException("Kafka bootstrap address '" + address + "' is not host:port: check "
            + "--bootstrap-servers");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        return;
      } catch (IOException e) {
        String why = e instanceof java.net.UnknownHostException ? "unknown host"
            : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        failures.add(address + " (" + why + ")");
      }
    }
    throw new IllegalStateException("cannot connect to Kafka at " + String.join(", ", failures) + ": check "
        + "--bootstrap-servers (host:port of a broker listener), that the broker is running, and that this "
        + "machine can reach it (firewall, DNS)");
  }
}
