package dev.intereststream.sim;

import dev.intereststream.schemas.ClickEvent;

/**
 * One simulated event with its ground truth. For impressions, the true click probability, the slate
 * (an id unique in the stream) and position, and whether the simulated user clicked; for other
 * actions, NaN, -1, -1 and false.
 */
public record SimEvent(ClickEvent event, double clickProbability, long slate, int position, boolean clicked) {

  public boolean isImpression() {
    return !Double.isNaN(clickProbability);
  }
}
