package dev.intereststream.reliability;

import dev.intereststream.scoring.Scorer;
import dev.intereststream.scoring.ScorerFactory;
import dev.intereststream.scoring.ScoringRequest;
import java.util.List;

/**
 * Wraps a scorer and throws, like an ONNX Runtime error, on the next batch once {@link ChaosMapper}
 * arms it: the job must fail and recover from its checkpoint rather than drop the batch's triggers.
 */
final class FlakyScorer implements Scorer {

  private final Scorer delegate;

  private FlakyScorer(Scorer delegate) {
    this.delegate = delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public String modelVersion() {
    return delegate.modelVersion();
  }

  @Override
  public float[][] score(List<ScoringRequest> batch) {
    if (ChaosMapper.SCORER_ARMED.compareAndSet(true, false)) {
      ChaosMapper.INJECTED.add("the scorer threw on a batch of " + batch.size());
      throw new IllegalStateException("injected scoring failure (as an ONNX Runtime error would)");
    }
    return delegate.score(batch);
  }

  @Override
  public void close() {
    delegate.close();
  }


  /** Wraps another factory. */
  static final class Factory implements ScorerFactory {
    private static final long serialVersionUID = 1L;
    private final ScorerFactory delegate;

    Factory(ScorerFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public Scorer create() throws Exception {
      return new FlakyScorer(delegate.create());
    }

    @Override
    public boolean needsModelInputs() {
      return delegate.needsModelInputs();
    }
  }
}
