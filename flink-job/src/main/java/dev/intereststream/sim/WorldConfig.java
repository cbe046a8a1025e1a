package dev.intereststream.sim;

/**
 * Parameters of the simulated world. Defaults give three scenarios of different density (news is the
 * sparse one), 40 categories shared across scenarios, and a click model whose effects are listed in
 * {@link World}.
 *
 * @param seed seed of every random draw: equal configs give equal worlds and event streams
 * @param users number of users
 * @param categories number of categories, shared by all scenarios
 * @param ecommerceItems items in the e-commerce catalog
 * @param socialItems items in the social feed
 * @param newsItems items in the news feed
 * @param ecommerceShare share of sessions in e-commerce
 * @param socialShare share of sessions in social
 * @param newsShare share of sessions in news
 * @param slateSize items shown per impression slate
 * @param meanSlatesPerSession mean number of slates a session shows (geometric)
 * @param intentDrift probability that the session intent moves to another category after a slate
 * @param interestConcentration Dirichlet concentration of long-term interests (small = few favourites)
 * @param concurrentSessions sessions interleaved in the event stream at any time
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
    double intentDrift,
    double interestConcentration,
    int concurrentSessions) {

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
  }

  public static WorldConfig defaults() {
    return new WorldConfig(42L, 10_000, 40, 5_000, 3_000, 2_000, 0.45, 0.40, 0.15, 8, 5.0, 0.25, 0.15, 200);
  }

  public WorldConfig withSeed(long s) {
    return new WorldConfig(s, users, categories, ecommerceItems, socialItems, newsItems, ecommerceShare, socialShare,
        newsShare, slateSize, meanSlatesPerSession, intentDrift, interestConcentration, concurrentSessions);
  }

  public WorldConfig withUsers(int u) {
    return new WorldConfig(seed, u, categories, ecommerceItems, socialItems, newsItems, ecommerceShare, socialShare,
        newsShare, slateSize, meanSlatesPerSession, intentDrift, interestConcentration, concurrentSessions);
  }

  public WorldConfig withConcurrentSessions(int c) {
    return new WorldConfig(seed, users, categories, ecommerceItems, socialItems, newsItems, ecommerceShare, socialShare,
        newsShare, slateSize, meanSlatesPerSession, intentDrift, interestConcentration, c);
  }
}
