package dev.intereststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.local.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a broker that requires SASL/SCRAM-SHA-256 on 127.0.0.1: with the right credentials, passed
 * in a client properties file, the CLI's job, simulator and tail work and never print the password;
 * with wrong or no credentials the job stops at start-up with a clear message.
 */
class SecurityITCase {

  private static final String PASSWORD = "app-" + UUID.randomUUID();
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.startWithScram(Map.of("app", PASSWORD));
    kafka.createTopics(Map.of("click-events", 2, "interest-scores", 2, "click-events-dlq", 1));
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  private static Path clientProperties(Path dir, String user, String password) throws Exception {
    Properties props = EmbeddedKafka.saslClientProperties(user, password);
    Path file = dir.resolve(user + "-" + password.hashCode() + ".properties");
    try (var out = Files.newOutputStream(file)) {
      props.store(out, "SCRAM client settings");
    }
    return file;
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void runsWithCredentialsFromAPropertiesFileAndNeverPrintsThem(@TempDir Path dir) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    String props = clientProperties(dir, "app", PASSWORD).toString();
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", bootstrap, "--client-properties", props,
        "-D", "job.checkpoint-interval=1s", "-D", "run.state-dir=" + dir.resolve("state"))) {
      job.awaitLine(l -> l.startsWith("interest-stream: reading click-events"), Duration.ofSeconds(60));
      try (CliProcess sim = CliProcess.start("simulate", "--bootstrap-servers", bootstrap, "--client-properties", props,
          "--topic", "click-events", "--rate", "500", "--duration", "6s", "--users", "300")) {
        assertThat(sim.waitFor(Duration.ofSeconds(60))).as(sim.output()).isZero();
        assertThat(sim.output()).doesNotContain(PASSWORD);
      }
      try (CliProcess tail = CliProcess.start("tail", "--bootstrap-servers", bootstrap, "--client-properties", props,
          "--from-beginning", "--max-records", "10", "--timeout", "60s")) {
        assertThat(tail.waitFor(Duration.ofSeconds(90))).as(tail.output() + "\njob:\n" + job.output()).isZero();
        List<String> json = tail.lines().stream().filter(l -> l.startsWith("{")).toList();
        assertThat(json).hasSize(10);
        assertThat(tail.output()).doesNotContain(PASSWORD);
      }
      assertThat(job.output()).doesNotContain(PASSWORD).doesNotContain("Exception");
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void refusesToStartWithAWrongPasswordSayingAuthenticationFailed(@TempDir Path dir) throws Exception {
    String wrong = "not-" + PASSWORD;
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "--client-properties", clientProperties(dir, "app", wrong).toString())) {
      assertThat(job.waitFor(Duration.ofSeconds(60))).isNotZero();
      assertThat(job.output()).contains("Authentication failed").doesNotContain(wrong);
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void refusesToStartWithoutCredentials(@TempDir Path dir) throws Exception {
    // No credentials at all; the broker drops such a client without an answer, so all the job could wait
    // for is the admin client's API timeout (15 s by default), shortened here as a user may.
    Path props = dir.resolve("no-credentials.properties");
    Files.writeString(props, "default.api.timeout.ms=4000\nrequest.timeout.ms=3000\n");
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "--client-properties", props.toString())) {
      assertThat(job.waitFor(Duration.ofSeconds(60))).isNotZero();
      assertThat(job.output()).contains("Kafka at " + kafka.bootstrapServers())
          .containsAnyOf("did not answer", "refused the connection");
    }
  }
}
