package dev.intereststream.scoring;

import java.util.List;

/**
 * Scores the candidates of a batch of requests. Implementations are created once per parallel task by
 * a {@link ScorerFactory}, are called from that task's thread only, and may hold native resources
 * released in {@link #close()}.
 */
public interface Scorer extends AutoCloseable {

  /** Short name written to {@code InterestUpdate.scorer}, for example "heuristic". */
  String name();

  /** Version of the model or formula, written to {@code InterestUpdate.model_version}. */
  String modelVersion();

  /**
   * Scores every candidate of every request.
   *
   * @return one array per request, in batch order, holding a score in [0, 1] per candidate
   */
  float[][] score(List<ScoringRequest> batch);

  @Override
  default void close() {}
}
