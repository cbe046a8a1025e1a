package dev.intereststream.scoring;

import dev.intereststream.schemas.InterestUpdate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Micro-batches {@link ScoringRequest}s of many users into one {@link Scorer} call and emits one
 * {@link InterestUpdate} per request.
 *
 * <p>A batch is scored when it reaches {@code batchSize} requests or when its oldest request has
 * waited {@code maxDelayMs} (processing time), whichever comes first. Batches are also flushed before
 * every checkpoint barrier, before every watermark and at end of input, so the operator holds no
 * requests across a checkpoint and needs no state of its own: nothing is lost on failure, and no
 * update is emitted after a watermark that its trigger preceded.
 */
public final class BatchingScorer extends AbstractStreamOperator<InterestUpdate>
    implements OneInputStreamOperator<ScoringRequest, InterestUpdate>, ProcessingTimeCallback {

  private static final long serialVersionUID = 1L;

  private final ScorerFactory scorerFactory;
  private final int batchSize;
  private final long maxDelayMs;
  private final int topK;

  private transient Scorer scorer;
  private transient UpdateAssembler assembler;
  private transient List<ScoringRequest> batch;
  private transient boolean timerPending;
  private transient StreamRecord<InterestUpdate> reuse;
  private transient Counter scoredRequests;
  private transient Histogram batchSizes;

  BatchingScorer(StreamOperatorParameters<InterestUpdate> parameters, ScorerFactory scorerFactory, int batchSize,
      long maxDelayMs, int topK) {
    super(parameters);
    this.scorerFactory = scorerFactory;
    this.batchSize = batchSize;
    this.maxDelayMs = maxDelayMs;
    this.topK = topK;
  }

  @Override
  public void open() throws Exception {
    super.open();
    scorer = scorerFactory.create();
    assembler = new UpdateAssembler(topK);
    batch = new ArrayList<>(batchSize);
    reuse = new StreamRecord<>(null);
    scoredRequests = getMetricGroup().counter("scoredRequests");
    batchSizes = getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
  }

  @Override
  public void processElement(StreamRecord<ScoringRequest> element) throws Exception {
    batch.add(element.getValue());
    if (batch.size() >= batchSize) {
      flush();
    } else if (!timerPending && maxDelayMs > 0) {
      timerPending = true;
      long now = getProcessingTimeService().getCurrentProcessingTime();
      getProcessingTimeService().registerTimer(now + maxDelayMs, this);
    } else if (maxDelayMs <= 0) {
      flush();
    }
  }

  @Override
  public void onProcessingTime(long time) throws Exception {
    timerPending = false;
    flush();
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  private void flush() {
    if (batch.isEmpty()) {
      return;
    }
    float[][] scores = scorer.score(batch);
    long scoredAt = getProcessingTimeService().getCurrentProcessingTime();
    for (int i = 0; i < batch.size(); i++) {
      ScoringRequest request = batch.get(i);
      output.collect(reuse.replace(
          assembler.assemble(request, scores[i], scorer.name(), scorer.modelVersion(), scoredAt),
          request.triggerEventTime));
    }
    scoredRequests.inc(batch.size());
    batchSizes.update(batch.size());
    batch.clear();
  }

  @Override
  public void close() throws Exception {
    try {
      if (scorer != null) {
        scorer.close();
      }
    } finally {
      super.close();
    }
  }

  /** Creates {@link BatchingScorer}s; chains with its upstream operator. */
  public static final class Factory
      extends org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory<InterestUpdate>
      implements org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory<ScoringRequest, InterestUpdate> {

    private static final long serialVersionUID = 1L;
    private final ScorerFactory scorerFactory;
    private final int batchSize;
    private final long maxDelayMs;
    private final int topK;

    public Factory(ScorerFactory scorerFactory, int batchSize, long maxDelayMs, int topK) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("scoring.batch-size must be at least 1, was " + batchSize);
      }
      this.scorerFactory = scorerFactory;
      this.batchSize = batchSize;
      this.maxDelayMs = maxDelayMs;
      this.topK = topK;
      new UpdateAssembler(topK); // validates topK at graph construction
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends org.apache.flink.streaming.api.operators.StreamOperator<InterestUpdate>> T createStreamOperator(
        StreamOperatorParameters<InterestUpdate> parameters) {
      return (T) new BatchingScorer(parameters, scorerFactory, batchSize, maxDelayMs, topK);
    }

    @Override
    public Class<? extends org.apache.flink.streaming.api.operators.StreamOperator<?>> getStreamOperatorClass(
        ClassLoader classLoader) {
      return BatchingScorer.class;
    }
  }
}
