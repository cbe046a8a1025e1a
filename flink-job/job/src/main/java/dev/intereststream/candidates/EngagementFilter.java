package dev.intereststream.candidates;

import dev.intereststream.events.Click;
import org.apache.flink.api.common.functions.FilterFunction;

/** Passes engagements (every action but impressions): trending counts what users chose, not what was shown. */
public final class EngagementFilter implements FilterFunction<Click> {
  @Override
  public boolean filter(Click click) {
    return click.isEngagement();
  }
}
