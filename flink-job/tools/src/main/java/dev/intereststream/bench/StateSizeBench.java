package dev.intereststream.bench;

import dev.intereststream.events.Click;
import dev.intereststream.features.FeatureConfig;
import dev.intereststream.features.UserEventFold;
import dev.intereststream.features.UserState;
import dev.intereststream.features.UserStateSerializer;
import dev.intereststream.job.JobConfigs;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.sim.Simulator;
import dev.intereststream.sim.World;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Stored bytes per user ({@link UserStateSerializer}) after simulated traffic through the job's own user-event fold. */
final class StateSizeBench {

  /** Mean over all users, mean and max over users with a full sequence (L engagements). */
  record Result(int users, double meanBytes, int fullUsers, double meanFullBytes, int maxFullBytes,
      int sequenceLength) {}

  private StateSizeBench() {}

  static Result run(long events, int users) throws IOException {
    FeatureConfig features = JobConfigs.features(new Configuration());
    UserEventFold fold = new UserEventFold(features);
    Simulator sim = new Simulator(new World(Traffic.world(users)), 1_767_225_600_000L, 2_000);
    Map<Long, UserState> states = new HashMap<>();
    for (long i = 0; i < events; i++) {
      ClickEvent e = sim.next().event();
      Click c = new Click(e.getEventId(), e.getUserId(), e.getItemId(), e.getCategoryId(), e.getScenario(),
          e.getAction(), e.getDwellMs() == null ? Click.NO_DWELL : (int) (long) e.getDwellMs(),
          e.getEventTime().toEpochMilli());
      states.put(c.userId, fold.apply(states.get(c.userId), c).state());
    }
    UserStateSerializer serializer = new UserStateSerializer();
    DataOutputSerializer out = new DataOutputSerializer(1024);
    long total = 0;
    long full = 0;
    int fullUsers = 0;
    int max = 0;
    for (UserState u : states.values()) {
      out.clear();
      serializer.serialize(u, out);
      total += out.length();
      if (u.sequenceSize() == features.sequenceLength()) {
        fullUsers++;
        full += out.length();
        max = Math.max(max, out.length());
      }
    }
    return new Result(states.size(), total / (double) states.size(), fullUsers,
        fullUsers == 0 ? 0 : full / (double) fullUsers, max, features.sequenceLength());
  }
}
