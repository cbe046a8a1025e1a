package dev.intereststream.job;

import dev.intereststream.candidates.CandidateConfig;
import dev.intereststream.features.FeatureConfig;
import dev.intereststream.schemas.Action;
import java.util.EnumSet;
import java.util.Locale;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Builds the typed settings of the lower layers from {@link InterestStreamOptions}, so that those layers
 * receive plain values and never depend on the option definitions (nothing imports {@code job}).
 */
public final class JobConfigs {

  private JobConfigs() {}

  /** The feature and re-scoring settings. */
  public static FeatureConfig features(ReadableConfig config) {
    EnumSet<Action> strong = EnumSet.noneOf(Action.class);
    for (String name : config.get(InterestStreamOptions.STRONG_ACTIONS)) {
      try {
        strong.add(Action.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("rescoring.strong-actions: unknown action '" + name + "'", e);
      }
    }
    return new FeatureConfig(
        config.get(InterestStreamOptions.SEQUENCE_LENGTH),
        config.get(InterestStreamOptions.TRACKED_CATEGORIES),
        config.get(InterestStreamOptions.DEDUP_WINDOW),
        config.get(InterestStreamOptions.SESSION_GAP).toMillis(),
        config.get(InterestStreamOptions.USER_TTL).toMillis(),
        config.get(InterestStreamOptions.ALLOWED_LATENESS).toMillis(),
        config.get(InterestStreamOptions.DEBOUNCE_INTERVAL).toMillis(),
        strong);
  }

  /** The candidate and trending settings. */
  public static CandidateConfig candidates(ReadableConfig config) {
    return new CandidateConfig(
        config.get(InterestStreamOptions.TRENDING_WINDOW).toMillis(),
        config.get(InterestStreamOptions.TRENDING_SLIDE).toMillis(),
        config.get(InterestStreamOptions.TRENDING_ITEMS),
        config.get(InterestStreamOptions.ITEMS_PER_CATEGORY),
        config.get(InterestStreamOptions.USER_TOP_CATEGORIES),
        config.get(InterestStreamOptions.SNAPSHOT_GRACE).toMillis());
  }
}
