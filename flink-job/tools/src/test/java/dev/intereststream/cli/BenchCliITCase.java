package dev.intereststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published benchmark end to end, shrunk to one rung per ladder: every phase runs against the real
 * broker, job and ONNX Runtime, and the report files hold each phase's figures and every target.
 */
class BenchCliITCase {

  @TempDir
  Path out;

  @Test
  @Timeout(value = 420, unit = TimeUnit.SECONDS)
  void benchWritesEveryPhaseAndTargetAsJsonMarkdownAndPlot() throws Exception {
    try (CliProcess bench = CliProcess.start("bench", "--out", out.toString(), "--rates", "1000",
        "--peer-rates", "100", "--warm-up-seconds", "1", "--measure-seconds", "3", "--backlog", "10000",
        "--users", "500", "--peer-model", "../../model/peers/bst-per-candidate.onnx")) {
      assertThat(bench.waitFor(Duration.ofSeconds(400))).as(bench.output()).isZero();

      JsonNode report = new ObjectMapper().readTree(out.resolve("benchmark.json").toFile());
      assertThat(report.get("modelVersion").asText()).startsWith("ims-");
      assertThat(report.get("ceiling")).hasSize(16);
      for (JsonNode p : report.get("ceiling")) {
        assertThat(p.get("usersPerSecond").asDouble()).isPositive();
      }
      assertThat(report.get("peerCeiling").get("usersPerSecond").asDouble()).isPositive();
      assertThat(report.get("ceilingMixedHistories").get("usersPerSecond").asDouble()).isPositive();
      assertThat(report.get("catchUp").get("updatesPerSecond").asDouble()).isPositive();
      assertThat(report.get("catchUp").get("secondHalfUpdatesPerSecond").asDouble()).isPositive();
      assertThat(report.get("catchUp").get("threadCpuShares").size()).isPositive();
      List<String> setups = new ArrayList<>();
      report.get("ladder").fieldNames().forEachRemaining(setups::add);
      assertThat(setups).containsExactly("at-least-once", "exactly-once", "per-record", "per-candidate");
      JsonNode alo = report.get("ladder").get("at-least-once").get(0);
      assertThat(alo.get("updatesPerSecond").asDouble()).isPositive();
      assertThat(alo.get("p99Ms").asLong()).isPositive();
      // live rungs score against trending lists from their first request on (seeded history), not the
      // one or two candidates a job has before its first list closes
      assertThat(alo.get("meanCandidates").asDouble()).isGreaterThan(10);
      assertThat(report.get("state").get("meanFullBytes").asDouble()).isBetween(100.0, 2_000.0);
      assertThat(report.get("targets")).hasSize(6);
      for (JsonNode t : report.get("targets")) {
        assertThat(t.get("measured").isNumber()).as(t.toString()).isTrue();
      }

      String markdown = Files.readString(out.resolve("benchmark.md"));
      assertThat(markdown).contains("## Targets", "## Catch-up", "## Live ladder", "per-candidate");
      byte[] png = Files.readAllBytes(out.resolve("benchmark-latency.png"));
      assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
  }

  @Test
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void soakOnlySamplesMemoryAndStateAfterItsFillAndJudgesFlatness() throws Exception {
    try (CliProcess bench = CliProcess.start("bench", "--soak-only", "--soak", "30s", "--soak-rate", "2000",
        "--soak-fill-events", "20000", "--users", "500", "--out", out.toString())) {
      assertThat(bench.waitFor(Duration.ofSeconds(180))).as(bench.output()).isZero();

      JsonNode report = new ObjectMapper().readTree(out.resolve("soak.json").toFile());
      assertThat(report.get("modelVersion").asText()).startsWith("ims-");
      JsonNode soak = report.get("soak");
      assertThat(soak.get("fillEvents").asLong()).isEqualTo(20_000);
      JsonNode samples = soak.get("samples");
      assertThat(samples.size()).isGreaterThanOrEqualTo(10);
      JsonNode last = samples.get(samples.size() - 1);
      assertThat(last.get("rssBytes").asLong())
          .isGreaterThan(last.get("nativeBytes").asLong() + last.get("fileBytes").asLong());
      assertThat(last.get("nativeBytes").asLong()).isPositive();
      assertThat(last.get("fileBytes").asLong()).isPositive();
      assertThat(last.get("jvmNativeBytes").asLong()).isPositive().isLessThan(last.get("nativeBytes").asLong());
      assertThat(last.get("heapCommittedBytes").asLong()).isGreaterThanOrEqualTo(last.get("heapAfterGcBytes").asLong());
      assertThat(last.get("checkpointBytes").asLong()).as("the job checkpoints its users' state").isPositive();
      assertThat(last.get("updates").asLong()).isGreaterThan(samples.get(0).get("updates").asLong());
      assertThat(report.get("targets")).hasSize(3);
      for (JsonNode t : report.get("targets")) {
        assertThat(t.get("measured").isNumber()).as(t.toString()).isTrue();
      }
      assertThat(Files.readString(out.resolve("soak.md"))).contains("## Soak", "native memory (anonymous outside the Java heap");
    }
  }
}
