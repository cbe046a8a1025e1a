package dev.intereststream.features;

import static dev.intereststream.features.UserState.DAY_HORIZON;
import static dev.intereststream.features.UserState.HORIZONS;
import static dev.intereststream.features.UserState.LONG_HORIZON;
import static dev.intereststream.features.UserState.SCENARIOS;

import java.util.Arrays;

/**
 * The part of {@link UserState} that counts per scenario: which scenarios the user was active in, the
 * decayed engagement weight at each horizon and the decayed impressions (1 day), referenced to the
 * user's clock.
 */
final class ScenarioCounters {

  /** Bit {@code s} set once the user had an event in scenario {@code s}. */
  int mask;
  /** Engagement weight per scenario and horizon: index {@code s * HORIZONS + h}. */
  final float[] engagement = new float[SCENARIOS * HORIZONS];
  /** Impressions per scenario at the 1-day horizon. */
  final float[] impressions = new float[SCENARIOS];

  void markActive(int s) {
    mask |= 1 << s;
  }

  boolean active(int s) {
    return (mask & (1 << s)) != 0;
  }

  /** Moves the reference time {@code dt} forward. */
  void decay(long dt) {
    for (int h = 0; h < HORIZONS; h++) {
      float f = UserState.decayFactor(h, dt);
      for (int s = 0; s < SCENARIOS; s++) {
        engagement[s * HORIZONS + h] *= f;
      }
    }
    float day = UserState.decayFactor(DAY_HORIZON, dt);
    for (int s = 0; s < SCENARIOS; s++) {
      impressions[s] *= day;
    }
  }

  /** Adds an engagement of weight {@code w}, scaled at each horizon by what it is worth at the user's clock. */
  void addEngagement(int s, float w, float hour, float day, float week) {
    engagement[s * HORIZONS] += w * hour;
    engagement[s * HORIZONS + DAY_HORIZON] += w * day;
    engagement[s * HORIZONS + LONG_HORIZON] += w * week;
  }

  void addImpression(int s, float day) {
    impressions[s] += day;
  }

  void copyFrom(ScenarioCounters o) {
    mask = o.mask;
    System.arraycopy(o.engagement, 0, engagement, 0, engagement.length);
    System.arraycopy(o.impressions, 0, impressions, 0, impressions.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScenarioCounters c && mask == c.mask && Arrays.equals(engagement, c.engagement)
        && Arrays.equals(impressions, c.impressions);
  }

  @Override
  public int hashCode() {
    return mask;
  }
}
