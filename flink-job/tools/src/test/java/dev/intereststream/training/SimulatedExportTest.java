package dev.intereststream.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.sim.AvroFileEventWriter;
import dev.intereststream.sim.SimulationRun;
import dev.intereststream.sim.Simulator;
import dev.intereststream.sim.TruthWriter;
import dev.intereststream.sim.World;
import dev.intereststream.sim.WorldConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A simulator log with its ground truth, exported: every impression gets its oracle, position and slate. */
class SimulatedExportTest {

  @Test
  void carriesTheTruthOfEveryImpression(@TempDir Path dir) throws Exception {
    Path events = dir.resolve("events.avro");
    Path truth = dir.resolve("truth.csv");
    Simulator sim = new Simulator(new World(WorldConfig.defaults().withUsers(300)), 1_767_225_600_000L, 200);
    try (AvroFileEventWriter writer = new AvroFileEventWriter(events.toFile());
        TruthWriter truthWriter = new TruthWriter(truth)) {
      new SimulationRun(sim, writer, truthWriter, false, 0, 0, 1).run(20_000, () -> true);
    }
    Path out = dir.resolve("data");
    TrainingDataExporter.Summary s = new TrainingDataExporter(ExportParityTest.FEATURES, ExportParityTest.CANDIDATES,
        10, 60_000L, 0.8, 0.1).export(events, truth, out);
    assertThat(s.truthCompared()).isEqualTo(s.impressions());
    assertThat(s.truthAgreed()).isGreaterThan(s.truthCompared() * 99 / 100);
    Map<Long, Integer> slateSizes = new HashMap<>();
    for (String split : TrainingDataExporter.SPLITS) {
      Npy oracle = Npy.read(out.resolve(split).resolve("oracle.npy"));
      Npy position = Npy.read(out.resolve(split).resolve("position.npy"));
      Npy slate = Npy.read(out.resolve(split).resolve("slate.npy"));
      for (int i = 0; i < oracle.size(); i++) {
        assertThat(oracle.getFloat(i)).isBetween(0f, 1f);
        assertThat(position.getLong(i)).isBetween(0L, 7L);
        slateSizes.merge(slate.getLong(i), 1, Integer::sum);
      }
    }
    assertThat(slateSizes.values()).allMatch(n -> n <= 8);
    assertThat(slateSizes.values().stream().filter(n -> n == 8).count()).isGreaterThan(slateSizes.size() / 2);
  }

  @Test
  void worldKnobsChangeTheWorldAndUnknownOnesAreRefused() {
    WorldConfig plain = WorldConfig.defaults().with(Map.of("qualityWeight", "0", "newsShare", "0.3"));
    assertThat(plain.qualityWeight()).isZero();
    assertThat(plain.newsShare()).isEqualTo(0.3);
    World world = new World(WorldConfig.defaults().withUsers(10));
    World flat = new World(plain.withUsers(10));
    World.UserProfile user = world.profile(1);
    // item quality is a standard normal draw, so it moves the probability of almost every item
    assertThat(world.clickProbability(user, 0, 5, -1)).isNotCloseTo(flat.clickProbability(user, 0, 5, -1),
        org.assertj.core.data.Offset.offset(1e-9));
    // removed knobs are refused by name, not silently ignored
    for (String removed : new String[] {"fatigueWeight", "positionWeight", "intentDrift"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorldConfig.defaults().with(Map.of(removed, "0")))
          .hasMessageContaining("unknown world parameter(s) [" + removed + "]");
    }
  }
}
