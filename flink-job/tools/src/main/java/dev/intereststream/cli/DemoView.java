package dev.intereststream.cli;

import dev.intereststream.local.OutputMonitor;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.sim.SimulationRun;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * The demo's once-a-second live view of what a read_committed consumer sees: rates, how far the output
 * trails the input, pipeline and visible latency percentiles, a few users' updates, and the final
 * {@code SUMMARY} line the tests parse.
 */
final class DemoView {
  /** Seconds after the first update before latencies count as steady state (the start-up backlog). */
  private static final int WARM_UP_SECONDS = 5;

  private final PrintStream out;
  private final int usersShown;
  private final OutputMonitor monitor;
  private final SimulationRun simulation;
  private final long started = System.nanoTime();
  private long lastEvents;
  private long lastUpdates;
  private long lastDead;
  private int seconds;
  private long firstUpdateSecond = -1;
  private long eventsAtFirstUpdate;
  /** Last tick while traffic was still running, for the steady input rate. */
  private long lastLiveSecond;
  private long eventsAtLastLiveTick;
  /** Largest "behind" after the warm-up while traffic ran: how far the scored output trailed the input. */
  private long steadyBehindMaxMs;
  private final OutputMonitor.Interval all = OutputMonitor.Interval.empty();
  /** Latencies after the first updates' catch-up of the backlog written while the job started. */
  private final OutputMonitor.Interval steady = OutputMonitor.Interval.empty();

  DemoView(PrintStream out, OutputMonitor monitor, SimulationRun simulation, int usersShown) {
    this.out = out;
    this.usersShown = usersShown;
    this.monitor = monitor;
    this.simulation = simulation;
  }

  void header() {
    out.println("   time  events/s  updates/s  dead/s   behind s | pipeline ms p50   p99 | visible ms p50   p99");
  }

  /** @param live whether traffic is still running (false for the last tick after it stopped) */
  void tick(boolean live) {
    seconds = (int) Math.round((System.nanoTime() - started) / 1e9);
    long events = simulation.validEvents();
    long updates = monitor.updates();
    long dead = monitor.deadLetters();
    OutputMonitor.Interval interval = monitor.interval();
    if (firstUpdateSecond < 0 && updates > 0) {
      firstUpdateSecond = seconds;
      eventsAtFirstUpdate = events;
    }
    all.add(interval);
    if (firstUpdateSecond >= 0 && seconds > firstUpdateSecond + WARM_UP_SECONDS) {
      steady.add(interval);
    }
    if (live) {
      lastLiveSecond = seconds;
      eventsAtLastLiveTick = events;
    }
    String behind = "-";
    long newestInput = simulation.newestEventTime();
    long newestScored = monitor.newestTriggerEventTime();
    if (newestInput != Long.MIN_VALUE && newestScored != Long.MIN_VALUE) {
      long behindMs = Math.max(0, newestInput - newestScored);
      behind = String.format(Locale.ROOT, "%.1f", behindMs / 1000.0);
      if (live && firstUpdateSecond >= 0 && seconds > firstUpdateSecond + WARM_UP_SECONDS) {
        steadyBehindMaxMs = Math.max(steadyBehindMaxMs, behindMs);
      }
    }
    out.printf(Locale.ROOT, "%6ds %9d %10d %7d %10s | %15s %5s | %14s %5s%n", seconds, events - lastEvents,
        updates - lastUpdates, dead - lastDead, behind, p(interval.pipeline(), 50), p(interval.pipeline(), 99),
        p(interval.visible(), 50), p(interval.visible(), 99));
    lastEvents = events;
    lastUpdates = updates;
    lastDead = dead;
    if (seconds % 5 == 0 && usersShown > 0) {
      users();
    }
  }

  private void users() {
    for (Map.Entry<Long, Map<Scenario, InterestUpdate>> user : monitor.mostActiveUsers(usersShown).entrySet()) {
      for (InterestUpdate u : user.getValue().values()) {
        String categories = u.getCategoryInterests().stream().limit(4)
            .map(c -> c.getCategoryId() + ":" + String.format(Locale.ROOT, "%.2f", c.getWeight()))
            .collect(Collectors.joining(" "));
        String items = u.getTopItems().stream().limit(4)
            .map(i -> i.getItemId() + "(" + String.format(Locale.ROOT, "%.2f", i.getScore()) + ")")
            .collect(Collectors.joining(" "));
        out.printf("         user %-6d %-9s categories %-30s top items %s%n", user.getKey(), u.getScenario(),
            categories, items.isEmpty() ? "(no trending candidates yet)" : items);
      }
    }
  }

  void summary() {
    long steadySeconds = firstUpdateSecond < 0 ? 0 : Math.max(1, lastLiveSecond - firstUpdateSecond);
    double eventsPerSecond = steadySeconds == 0 ? 0 : (eventsAtLastLiveTick - eventsAtFirstUpdate) / (double) steadySeconds;
    out.printf(Locale.ROOT, "SUMMARY seconds=%d events_in=%d malformed_in=%d duplicates_in=%d updates_out=%d "
            + "dead_letters=%d first_update_after_s=%d steady_events_per_s=%.0f updates_per_s=%.0f "
            + "pipeline_p50_ms=%s pipeline_p99_ms=%s visible_p50_ms=%s visible_p99_ms=%s "
            + "all_pipeline_p99_ms=%s all_visible_p99_ms=%s steady_behind_max_ms=%d%n",
        seconds, simulation.validEvents(), simulation.malformedRecords(), simulation.duplicateRecords(),
        monitor.updates(), monitor.deadLetters(), firstUpdateSecond, eventsPerSecond,
        steadySeconds == 0 ? 0.0 : monitor.updates() / (double) steadySeconds,
        p(steady.pipeline(), 50), p(steady.pipeline(), 99), p(steady.visible(), 50), p(steady.visible(), 99),
        p(all.pipeline(), 99), p(all.visible(), 99), steadyBehindMaxMs);
  }

  private static String p(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? "-" : Long.toString(h.getValueAtPercentile(percentile));
  }
}
