package dev.intereststream.features;

import java.util.Arrays;

/** The items a user engaged with, as candidate selection excludes them. */
public final class ConsumedItems {

  private ConsumedItems() {}

  /** Items of the user's sequence, sorted, for {@code CandidateSelector.select}. */
  public static long[] of(UserState user) {
    long[] consumed = new long[user.sequenceSize()];
    for (int i = 0; i < consumed.length; i++) {
      consumed[i] = user.sequenceItem(i);
    }
    Arrays.sort(consumed);
    return consumed;
  }
}
