package dev.intereststream.scoring;

import java.io.Serializable;

/** Creates the {@link Scorer} of one parallel task; shipped with the job graph. */
@FunctionalInterface
public interface ScorerFactory extends Serializable {
  Scorer create() throws Exception;
}
