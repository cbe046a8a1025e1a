package dev.intereststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published benchmark end to end, shrunk to one rung per ladder and short measurements: every phase
 * runs against the real broker, job and ONNX Runtime, and the report files hold each phase's figures,
 * each plausible (positive rates, ordered percentiles, a larger batch costing more per call), and every
 * target. Tagged {@code bench}: it runs under {@code mvn verify -Pbench} only (four minutes of fixed-length
 * phases), which .ci/run runs after the default verify.
 */
@Tag("bench")
class BenchCliITCase {

  private static final double RATE = 1_000;
  private static final double PEER_RATE = 100;

  @TempDir
  Path out;

  @Test
  @Timeout(value = 420, unit = TimeUnit.SECONDS)
  void benchWritesEveryPhaseAndTargetAsJsonMarkdownAndPlot() throws Exception {
    try (CliProcess bench = CliProcess.start("bench", "--out", out.toString(), "--rates", Double.toString(RATE),
        "--peer-rates", Double.toString(PEER_RATE), "--warm-up-seconds", "1", "--measure-seconds", "3",
        "--seconds", "1", "--backlog", "10000", "--users", "500",
        "--peer-model", "../../model/peers/bst-per-candidate.onnx")) {
      assertThat(bench.waitFor(Duration.ofSeconds(400))).as(bench.output()).isZero();

      JsonNode report = new ObjectMapper().readTree(out.resolve("benchmark.json").toFile());
      String all = report.toPrettyString();
      assertThat(report.get("modelVersion").asText()).startsWith("ims-");
      assertCeiling(report.get("ceiling"), all);
      assertThat(report.get("peerCeiling").get("usersPerSecond").asDouble()).isPositive();
      assertThat(report.get("ceilingMixedHistories").get("usersPerSecond").asDouble()).isPositive();
      assertThat(report.get("ceilingAtCatchUpK").get("usersPerSecond").asDouble()).isPositive();
      for (String phase : List.of("catchUpColdJvm", "catchUp")) {
        JsonNode c = report.get(phase);
        assertThat(c.get("eventsPerSecond").asDouble()).as(phase).isPositive();
        assertThat(c.get("updatesPerSecond").asDouble()).as(phase).isPositive()
            .isLessThanOrEqualTo(c.get("eventsPerSecond").asDouble());
        assertThat(c.get("threadCpuShares").size()).as(phase).isPositive();
      }
      assertThat(report.get("catchUp").get("backlog").asLong()).isEqualTo(10_000);
      assertThat(report.get("catchUp").get("secondHalfUpdatesPerSecond").asDouble()).isPositive();

      List<String> setups = new ArrayList<>();
      report.get("ladder").fieldNames().forEachRemaining(setups::add);
      assertThat(setups).containsExactly("at-least-once", "exactly-once", "per-record", "per-candidate");
      for (String setup : setups) {
        JsonNode rungs = report.get("ladder").get(setup);
        assertThat(rungs).as("%s: one rung per offered rate", setup).hasSize(1);
        assertRung(rungs.get(0), setup.equals("per-candidate") ? PEER_RATE : RATE, all);
      }
      // live rungs score against trending lists from their first request on (seeded history), not the
      // one or two candidates a job has before its first list closes
      assertThat(report.get("ladder").get("at-least-once").get(0).get("meanCandidates").asDouble()).isGreaterThan(10);
      JsonNode half = report.get("halfLoad");
      assertThat(half).hasSize(2);
      assertRung(half.get(0), RATE, all);
      assertRung(half.get(1), RATE, all);
      assertThat(half.get(1).get("visibleP99Ms").asLong()).as("exactly-once output becomes visible").isPositive();

      assertThat(report.get("state").get("meanFullBytes").asDouble()).isBetween(100.0, 2_000.0);
      assertThat(report.get("ratios").get("catchUpOverCeiling").asDouble()).isPositive();
      assertThat(report.get("targets")).hasSize(6);
      for (JsonNode t : report.get("targets")) {
        assertThat(t.get("measured").isNumber()).as(t.toString()).isTrue();
        assertThat(t.get("met").isBoolean()).as(t.toString()).isTrue();
      }

      String markdown = Files.readString(out.resolve("benchmark.md"));
      assertThat(markdown).contains("## Targets", "## Catch-up", "## Live ladder", "at-least-once", "exactly-once",
          "per-record", "per-candidate");
      byte[] png = Files.readAllBytes(out.resolve("benchmark-latency.png"));
      assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
  }

  /** Every point of the grid (threads 1, 2 x K 50, 100 x batch 1, 8, 32, 128), and a batch of 32 costing more than 1. */
  private static void assertCeiling(JsonNode ceiling, String report) {
    assertThat(ceiling).as(report).hasSize(16);
    Map<String, Double> msPerCall = new HashMap<>();
    for (JsonNode p : ceiling) {
      assertThat(p.get("usersPerSecond").asDouble()).as(p.toString()).isPositive();
      assertThat(p.get("msPerCall").asDouble()).as(p.toString()).isPositive();
      msPerCall.put(p.get("threads") + "/" + p.get("candidates") + "/" + p.get("batch"), p.get("msPerCall").asDouble());
    }
    for (int threads : new int[] {1, 2}) {
      for (int k : new int[] {50, 100}) {
        String point = threads + "/" + k + "/";
        assertThat(msPerCall).as(report).containsKeys(point + 1, point + 8, point + 32, point + 128);
        assertThat(msPerCall.get(point + 32)).as("ms per call, batch 32 against 1, threads/K %s", point)
            .isGreaterThan(msPerCall.get(point + 1));
      }
    }
  }

  /** A live measurement at {@code rate}: traffic produced, consumed and scored, latency percentiles in order. */
  private static void assertRung(JsonNode p, double rate, String report) {
    String setup = p.get("setup").asText();
    assertThat(p.get("offered").asDouble()).as(setup).isEqualTo(rate);
    assertThat(p.get("produced").asDouble()).as(setup).isPositive();
    assertThat(p.get("consumed").asDouble()).as(setup).isPositive();
    assertThat(p.get("updatesPerSecond").asDouble()).as(setup).isPositive();
    long p50 = p.get("p50Ms").asLong();
    long p95 = p.get("p95Ms").asLong();
    long p99 = p.get("p99Ms").asLong();
    assertThat(p50).as("%s p50 in %s", setup, report).isNotNegative();
    assertThat(p95).as("%s p95 >= p50", setup).isGreaterThanOrEqualTo(p50);
    assertThat(p99).as("%s p99 >= p95", setup).isGreaterThanOrEqualTo(p95).isPositive();
    assertThat(p.get("visibleP99Ms").asLong()).as("%s visible p99 >= p50", setup)
        .isGreaterThanOrEqualTo(p.get("visibleP50Ms").asLong());
    assertThat(p.get("cores").asDouble()).as(setup).isPositive();
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
