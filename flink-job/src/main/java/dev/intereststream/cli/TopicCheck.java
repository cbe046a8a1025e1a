package dev.intereststream.cli;

import java.util.Collection;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Start-up check that Kafka is reachable with the given settings and the topics exist, so a wrong
 * address, wrong credentials or a missing topic is one clear message instead of a job that restarts
 * forever.
 */
final class TopicCheck {

  private TopicCheck() {}

  static void requireTopics(Properties clientProperties, Collection<String> topics) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    String servers = props.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
      Set<String> missing = new TreeSet<>(topics);
      missing.removeAll(existing);
      if (!missing.isEmpty()) {
        throw new IllegalStateException("Kafka at " + servers + " has no topic " + String.join(", ", missing)
            + ": create it (the job does not create topics)");
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + servers + " did not answer within 20 s: check "
          + "--bootstrap-servers and the security settings of --client-properties", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka at " + servers + " refused the connection: "
          + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking Kafka topics", e);
    }
  }
}
