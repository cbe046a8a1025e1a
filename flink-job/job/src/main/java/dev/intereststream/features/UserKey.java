package dev.intereststream.features;

import dev.intereststream.events.Click;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys clicks by user id. */
public final class UserKey implements KeySelector<Click, Long> {
  @Override
  public Long getKey(Click click) {
    return click.userId;
  }
}
