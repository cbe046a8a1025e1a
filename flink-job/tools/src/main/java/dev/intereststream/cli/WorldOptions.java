package dev.intereststream.cli;

import dev.intereststream.sim.WorldConfig;
import picocli.CommandLine.Option;

/** Simulator world options shared by 'simulate' and 'demo'. */
final class WorldOptions {

  @Option(names = "--seed", description = "Seed of the simulated world and its events (default: ${DEFAULT-VALUE}).",
      defaultValue = "42")
  long seed;

  @Option(names = "--users", description = "Number of simulated users (default: ${DEFAULT-VALUE}).",
      defaultValue = "10000")
  int users;

  @Option(names = "--sessions", description = "Concurrent sessions interleaved in the stream (default: 200; "
      + "demo: rate / 5).")
  Integer sessions;

  @Option(names = "--world", paramLabel = "key=value",
      description = "Set a world parameter, e.g. popularShare=0 or newsShare=0.3 (see WorldConfig).")
  java.util.Map<String, String> world = new java.util.LinkedHashMap<>();

  WorldConfig toConfig() {
    return WorldConfig.defaults().withSeed(seed).withUsers(users).withConcurrentSessions(sessions == null ? 200 : sessions)
        .with(world);
  }
}
