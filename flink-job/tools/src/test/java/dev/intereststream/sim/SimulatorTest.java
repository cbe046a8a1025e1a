package dev.intereststream.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {

  private static final long START = 1_767_225_600_000L;

  private static List<SimEvent> events(long seed, int n) {
    Simulator sim = new Simulator(new World(WorldConfig.defaults().withSeed(seed).withUsers(500)), START, 100);
    List<SimEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(sim.next());
    }
    return out;
  }

  @Test
  void equalSeedsGiveEqualStreamsAndOtherSeedsDiffer() {
    assertThat(events(7, 2_000)).isEqualTo(events(7, 2_000));
    assertThat(events(8, 2_000)).isNotEqualTo(events(7, 2_000));
  }

  @Test
  void eventTimesFollowTheRateAndIdsAreUnique() {
    List<SimEvent> events = events(1, 5_000);
    assertThat(events.get(0).event().getEventTime().toEpochMilli()).isEqualTo(START);
    assertThat(events.get(100).event().getEventTime().toEpochMilli()).isEqualTo(START + 1_000);
    Set<String> ids = new HashSet<>();
    events.forEach(e -> ids.add(e.event().getEventId()));
    assertThat(ids).hasSize(events.size());
  }

  @Test
  void impressionsCarryTruthAndEveryEngagementFollowsAClickedImpression() {
    List<SimEvent> events = events(3, 20_000);
    Map<String, Boolean> clickedShown = new HashMap<>();
    int impressions = 0;
    int clicks = 0;
    for (SimEvent e : events) {
      ClickEvent ev = e.event();
      String key = ev.getUserId() + "/" + ev.getItemId();
      if (ev.getAction() == Action.IMPRESSION) {
        impressions++;
        assertThat(e.clickProbability()).isBetween(0.0, 1.0);
        assertThat(e.position()).isBetween(0, 7);
        if (e.clicked()) {
          clickedShown.put(key, true);
        }
      } else {
        assertThat(e.isImpression()).isFalse();
        assertThat(clickedShown).as("engagement with %s follows a clicked impression", key).containsKey(key);
        if (ev.getAction() == Action.CLICK) {
          clicks++;
          assertThat(ev.getDwellMs()).isPositive();
        }
      }
    }
    double ctr = clicks / (double) impressions;
    assertThat(ctr).as("click-through rate").isBetween(0.02, 0.3);
  }

  @Test
  void clickProbabilityRisesWithInterestAndIntent() {
    World world = new World(WorldConfig.defaults().withUsers(10));
    World.UserProfile user = world.profile(3);
    int item = world.drawPopularItem(0, new java.util.SplittableRandom(1));
    int category = world.itemCategory[item];
    double base = world.clickProbability(user, 0, item, -1);
    assertThat(world.clickProbability(user, 0, item, category)).isGreaterThan(base);
    // a user who likes the item's category more clicks it more
    World.UserProfile fan = null;
    World.UserProfile indifferent = null;
    for (int u = 0; u < 10; u++) {
      World.UserProfile p = world.profile(u);
      float theta = p.theta()[category];
      if (fan == null || theta > fan.theta()[category]) {
        fan = p;
      }
      if (indifferent == null || theta < indifferent.theta()[category]) {
        indifferent = p;
      }
    }
    assertThat(world.clickProbability(fan, 0, item, -1))
        .isGreaterThan(world.clickProbability(indifferent, 0, item, -1));
  }

  @Test
  void writesOneTruthLinePerImpression(@TempDir Path dir) throws Exception {
    Path truth = dir.resolve("truth.csv");
    Path events = dir.resolve("events.avro");
    Simulator sim = new Simulator(new World(WorldConfig.defaults().withUsers(200)), START, 100);
    try (AvroFileEventWriter writer = new AvroFileEventWriter(events.toFile());
        TruthWriter truthWriter = new TruthWriter(truth)) {
      new SimulationRun(sim, writer, truthWriter, false, 0, 0, 1).run(3_000, () -> true);
    }
    List<String> lines = Files.readAllLines(truth);
    assertThat(lines.get(0)).isEqualTo(TruthWriter.HEADER);
    try (var reader = new org.apache.avro.file.DataFileReader<>(events.toFile(),
        new org.apache.avro.specific.SpecificDatumReader<>(ClickEvent.class))) {
      long n = 0;
      long shown = 0;
      for (ClickEvent e : reader) {
        n++;
        if (e.getAction() == Action.IMPRESSION) {
          shown++;
        }
      }
      assertThat(n).isEqualTo(3_000);
      assertThat(lines).hasSize((int) shown + 1);
    }
  }
}
