package dev.intereststream.sim;

import dev.intereststream.schemas.ClickEvent;

/**
 * One simulated event with its ground truth. For impressions, the true click probability, the slate
 * position and whether the simulated user clicked; for other actions, NaN, -1 and false.
 */
public record SimEvent(ClickEvent event, double clickProbability, int position, boolean clicked) {

  public boolean isImpression() {
    return !Double.isNaN(clickProbability);
  }
}
