package dev.intereststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** End to end: the README's demo command, and 'tail' reading its output from a second process. */
class DemoCliITCase {

  private static final Pattern BROKER = Pattern.compile("Kafka at (\\S+);");

  static Map<String, String> summary(String line) {
    Map<String, String> fields = new HashMap<>();
    for (String part : line.substring("SUMMARY ".length()).split(" ")) {
      String[] kv = part.split("=", 2);
      fields.put(kv[0], kv[1]);
    }
    return fields;
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void demoStreamsInterestUpdatesAndTailPrintsThemAsJson() throws Exception {
    try (CliProcess demo = CliProcess.start("demo", "--duration", "30s", "--rate", "1000", "--users", "2000")) {
      String started = demo.awaitLine(l -> BROKER.matcher(l).find(), Duration.ofSeconds(60));
      Matcher m = BROKER.matcher(started);
      assertThat(m.find()).isTrue();
      String bootstrap = m.group(1);

      try (CliProcess tail = CliProcess.start("tail", "--bootstrap-servers", bootstrap, "--from-beginning",
          "--max-records", "5", "--timeout", "60s")) {
        assertThat(tail.waitFor(Duration.ofSeconds(90))).as(tail.output()).isZero();
        List<String> json = tail.lines().stream().filter(l -> l.startsWith("{")).toList();
        assertThat(json).as("tail:\n%s\ndemo:\n%s", tail.output(), demo.output()).hasSize(5);
        ObjectMapper mapper = new ObjectMapper();
        for (String line : json) {
          JsonNode u = mapper.readTree(line);
          assertThat(u.get("user_id").asLong()).isPositive();
          assertThat(u.get("scorer").asText()).isEqualTo("onnx");
          assertThat(u.get("model_version").asText()).startsWith("ims-");
          assertThat(u.get("trigger_event_time").asText()).endsWith("Z");
          assertThat(u.get("top_items").isArray()).isTrue();
        }
      }

      String summaryLine = demo.awaitLine(l -> l.startsWith("SUMMARY "), Duration.ofSeconds(90));
      assertThat(demo.waitFor(Duration.ofSeconds(60))).as(demo.output()).isZero();
      Map<String, String> s = summary(summaryLine);
      assertThat(Long.parseLong(s.get("events_in"))).isGreaterThan(15_000);
      assertThat(Long.parseLong(s.get("updates_out"))).isGreaterThan(1_000);
      assertThat(Long.parseLong(s.get("dead_letters"))).isPositive();
      assertThat(Long.parseLong(s.get("first_update_after_s"))).isBetween(0L, 30L);
      // At 1,000 events/s the job keeps up: its output trails the newest input by about a checkpoint
      // interval (1 s in the demo), not by an amount that grows over the 30 s (the committed-offset lag
      // shown before climbed steadily); the bound leaves room for a slow checkpoint on a loaded machine.
      assertThat(Long.parseLong(s.get("steady_behind_max_ms"))).isBetween(0L, 10_000L);
      assertThat(demo.output()).contains("categories").contains("top items");
      assertThat(demo.output()).doesNotContain("Exception");
    }
  }
}
