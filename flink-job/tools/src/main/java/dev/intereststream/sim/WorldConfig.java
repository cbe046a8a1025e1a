package dev.intereststream.sim;

import java.util.Map;

/**
 * Parameters of the simulated world. Defaults give three scenarios of different density (news is the
 * sparse one), 40 categories shared across scenarios, and a click model whose terms {@link World}
 * lists. Each effect has a knob here so evaluations can switch it off and measure what it is worth;
 * {@code simulate --world key=value} sets them by the names of the record components.
 *
 * @param seed seed of every random draw: equal configs give equal worlds and event streams
 * @param users number of users
 * @param categories number of categories, shared by all scenarios
 * @param ecommerceItems items in the e-commerce catalog
 * @param socialItems items in the social feed
 * @param newsItems items in the news feed
 * @param ecommerceShare share of sessions in e-commerce
 * @param socialShare share of sessions in social
 * @param newsShare share of sessions in news (the sparse scenario)
 * @param slateSize items shown per impression slate
 * @param meanSlatesPerSession mean number of slates a session shows (geometric)
 * @param interestConcentration Dirichlet concentration of long-term interests (small = few favourites)
 * @param concurrentSessions sessions interleaved in the event stream at any time
 * @param longTermWeight click log-odds per unit of log long-term interest
 * @param intentWeight click log-odds added when the item is of the session's intent category
 * @param qualityWeight click log-odds per unit of item quality
 * @param sharedInterest weight of the user's scenario-independent interests in each scenario's interests
 *     (1: identical in all scenarios, 0: unrelated), what lets interest transfer across scenarios
 * @param popularShare share of slate slots the feed policy fills with popular items (popularity bias)
 * @param targetedShare share of slate slots the policy fills from a category it believes the user likes
 */
public record WorldConfig(
    long seed,
    int users,
    int categories,
    int ecommerceItems,
    int socialItems,
    int newsItems,
    double ecommerceShare,
    double socialShare,
    double newsShare,
    int slateSize,
    double meanSlatesPerSession,
    double interestConcentration,
    int concurrentSessions,
    double longTermWeight,
    double intentWeight,
    double qualityWeight,
    double sharedInterest,
    double popularShare,
    double targetedShare) {

  public WorldConfig {
    if (users < 1 || categories < 2 || ecommerceItems < slateSize || socialItems < slateSize || newsItems < slateSize) {
      throw new IllegalArgumentException("world needs at least 1 user, 2 categories and a slate of items per scenario");
    }
    if (slateSize < 1 || meanSlatesPerSession < 1 || concurrentSessions < 1) {
      throw new IllegalArgumentException("slate size, slates per session and concurrent sessions must be positive");
    }
    if (ecommerceShare < 0 || socialShare < 0 || newsShare < 0 || ecommerceShare + socialShare + newsShare <= 0) {
      throw new IllegalArgumentException("scenario shares must be non-negative and not all zero");
    }
    if (sharedInterest < 0 || sharedInterest > 1 || popularShare < 0 || targetedShare < 0
        || popularShare + targetedShare > 1) {
      throw new IllegalArgumentException("sharedInterest must be in [0, 1]; popularShare and targetedShare "
          + "non-negative with a sum of at most 1");
    }
  }

  public static WorldConfig defaults() {
    return new WorldConfig(42L, 10_000, 40, 5_000, 3_000, 2_000, 0.45, 0.40, 0.15, 8, 5.0, 0.15, 200,
        0.9, 1.3, 0.5, 0.75, 0.5, 0.33);
  }

  public WorldConfig withSeed(long s) {
    return with(Map.of("seed", Long.toString(s)));
  }

  public WorldConfig withUsers(int u) {
    return with(Map.of("users", Integer.toString(u)));
  }

  public WorldConfig withConcurrentSessions(int c) {
    return with(Map.of("concurrentSessions", Integer.toString(c)));
  }

  /** This config with the named components changed; names as the record components. */
  public WorldConfig with(Map<String, String> changes) {
    var components = WorldConfig.class.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    java.util.Set<String> unknown = new java.util.TreeSet<>(changes.keySet());
    try {
      for (int i = 0; i < components.length; i++) {
        var c = components[i];
        types[i] = c.getType();
        String change = changes.get(c.getName());
        unknown.remove(c.getName());
        if (change == null) {
          values[i] = c.getAccessor().invoke(this);
        } else if (c.getType() == long.class) {
          values[i] = Long.parseLong(change);
        } else if (c.getType() == int.class) {
          values[i] = Integer.parseInt(change);
        } else {
          values[i] = Double.parseDouble(change);
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("unknown world parameter(s) " + unknown + "; known: "
            + java.util.Arrays.stream(components).map(java.lang.reflect.RecordComponent::getName).toList());
      }
      return WorldConfig.class.getDeclaredConstructor(types).newInstance(values);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("world parameter is not a number: " + e.getMessage(), e);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
