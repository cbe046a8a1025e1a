package dev.intereststream.sim;

import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.Scenario;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * An endless, deterministic stream of click events from a {@link World}.
 *
 * <p>Many sessions run at once and their events interleave. A session belongs to one user and one
 * scenario; it shows impression slates chosen by a biased feed policy (by default half popular items,
 * a third items of a category the policy believes the user likes, the rest random), the user clicks each
 * shown item with its true probability, and a click may lead to deeper actions (like, share, comment;
 * add to cart, then purchase). A session keeps one intent. Event i of the stream has
 * event time {@code start + i / rate}, so equal seeds, starts and rates give equal streams.
 */
public final class Simulator implements Iterator<SimEvent> {

  private final World world;
  private final SplittableRandom random;
  private final long startTimeMs;
  private final double msPerEvent;
  private final Session[] sessions;
  private long index;
  private long slates;

  /**
   * @param startTimeMs event time of the first event
   * @param eventsPerSecond event-time rate of the stream
   */
  public Simulator(World world, long startTimeMs, double eventsPerSecond) {
    if (eventsPerSecond <= 0) {
      throw new IllegalArgumentException("event rate must be positive");
    }
    this.world = world;
    this.random = new SplittableRandom(world.config.seed() ^ 0x5DEECE66DL);
    this.startTimeMs = startTimeMs;
    this.msPerEvent = 1000.0 / eventsPerSecond;
    this.sessions = new Session[world.config.concurrentSessions()];
    for (int i = 0; i < sessions.length; i++) {
      sessions[i] = newSession();
    }
  }

  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public SimEvent next() {
    int slot = random.nextInt(sessions.length);
    Session session = sessions[slot];
    while (session.pending.isEmpty()) {
      if (session.slatesLeft-- > 0) {
        showSlate(session);
      } else {
        session = sessions[slot] = newSession();
      }
    }
    Pending p = session.pending.poll();
    long eventTime = startTimeMs + (long) (index++ * msPerEvent);
    ClickEvent event = new ClickEvent(eventId(), World.userId(session.profile.user()),
        World.itemId(p.item), World.categoryId(world.itemCategory[p.item]), Scenario.values()[session.scenario + 1],
        p.action, p.dwellMs < 0 ? null : (Long) p.dwellMs, Instant.ofEpochMilli(eventTime));
    return new SimEvent(event, p.probability, p.slate, p.position, p.clicked);
  }

  /** Number of events produced so far. */
  public long produced() {
    return index;
  }

  private Session newSession() {
    Session s = new Session();
    s.profile = world.profile(world.drawUser(random));
    s.scenario = world.drawScenario(s.profile, random);
    s.intent = world.drawCategory(s.profile, s.scenario, random);
    // geometric number of slates with the configured mean, at least one
    double p = 1.0 / world.config.meanSlatesPerSession();
    s.slatesLeft = 1 + (int) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - p));
    return s;
  }

  private void showSlate(Session s) {
    long slateId = slates++;
    int size = world.config.slateSize();
    int[] slate = new int[size];
    for (int j = 0; j < size; j++) {
      int item;
      do {
        item = policyPick(s);
      } while (contains(slate, j, item));
      slate[j] = item;
    }
    ArrayDeque<Pending> clicks = new ArrayDeque<>();
    for (int j = 0; j < size; j++) {
      int item = slate[j];
      double p = world.clickProbability(s.profile, s.scenario, item, s.intent);
      boolean clicked = random.nextDouble() < p;
      s.pending.add(new Pending(Action.IMPRESSION, item, -1, p, slateId, j, clicked));
      if (clicked) {
        addEngagement(s, item, clicks);
      }
    }
    s.pending.addAll(clicks);
  }

  private int policyPick(Session s) {
    double x = random.nextDouble();
    if (x < world.config.popularShare()) {
      return world.drawPopularItem(s.scenario, random);
    }
    if (x < world.config.popularShare() + world.config.targetedShare()) {
      // The feed's own personalization: right about the user's taste only part of the time.
      int category = random.nextDouble() < 0.6
          ? world.drawCategory(s.profile, s.scenario, random)
          : random.nextInt(world.categories);
      int item = world.drawItemOfCategory(s.scenario, category, random);
      if (item >= 0) {
        return item;
      }
    }
    return world.drawRandomItem(s.scenario, random);
  }

  private void addEngagement(Session s, int item, ArrayDeque<Pending> out) {
    boolean onIntent = world.itemCategory[item] == s.intent;
    double medianDwell = switch (s.scenario) {
      case 0 -> 20_000;  // e-commerce product page
      case 1 -> 8_000;   // social post
      default -> 30_000; // news article
    };
    long dwell = (long) Math.min(3_600_000, Math.exp(Math.log(medianDwell) + 0.8 * World.gaussian(random)
        + (onIntent ? 0.3 : 0.0)));
    out.add(new Pending(Action.CLICK, item, dwell));
    switch (s.scenario) {
      case 0 -> {
        if (random.nextDouble() < (onIntent ? 0.35 : 0.2)) {
          out.add(new Pending(Action.ADD_TO_CART, item, -1));
          if (random.nextDouble() < 0.35) {
            out.add(new Pending(Action.PURCHASE, item, -1));
          }
        }
      }
      case 1 -> {
        if (random.nextDouble() < 0.35) {
          out.add(new Pending(Action.LIKE, item, -1));
        }
        if (random.nextDouble() < 0.08) {
          out.add(new Pending(Action.SHARE, item, -1));
        }
        if (random.nextDouble() < 0.06) {
          out.add(new Pending(Action.COMMENT, item, -1));
        }
      }
      default -> {
        if (random.nextDouble() < 0.05) {
          out.add(new Pending(Action.SHARE, item, -1));
        }
        if (random.nextDouble() < 0.04) {
          out.add(new Pending(Action.COMMENT, item, -1));
        }
      }
    }
  }

  private String eventId() {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(msb, lsb).toString();
  }

  private static boolean contains(int[] a, int n, int v) {
    for (int i = 0; i < n; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }

  private static final class Session {
    World.UserProfile profile;
    int scenario;
    int intent;
    int slatesLeft;
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
  }

  private record Pending(Action action, int item, long dwellMs, double probability, long slate, int position,
      boolean clicked) {
    /** A non-impression event. */
    Pending(Action action, int item, long dwellMs) {
      this(action, item, dwellMs, Double.NaN, -1, -1, false);
    }
  }
}
