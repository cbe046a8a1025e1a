package dev.intereststream.scoring;

import java.io.Serializable;

/** Creates the {@link Scorer} of one parallel task; shipped with the job graph. */
@FunctionalInterface
public interface ScorerFactory extends Serializable {
  Scorer create() throws Exception;

  /** Whether the scorer reads the model inputs of a request ({@code sequence}, {@code userDense}). */
  default boolean needsModelInputs() {
    return false;
  }
}
