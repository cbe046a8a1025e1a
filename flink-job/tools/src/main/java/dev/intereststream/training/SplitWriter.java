package dev.intereststream.training;

import dev.intereststream.scoring.FeatureSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The arrays of one split, one {@code .npy} file per model input and per column beside them, appended
 * row by row ({@link NpyWriter}).
 */
final class SplitWriter implements AutoCloseable {
  private final int l;
  private final List<NpyWriter> sequence = new ArrayList<>();
  private final NpyWriter userDense;
  private final NpyWriter scenario;
  private final NpyWriter candItem;
  private final NpyWriter candCategory;
  private final NpyWriter candDense;
  private final NpyWriter label;
  private final NpyWriter oracle;
  private final NpyWriter heuristic;
  private final NpyWriter paper;
  private final NpyWriter eventTime;
  private final NpyWriter userId;
  private final NpyWriter position;
  private final NpyWriter slate;
  private final int[] paperColumns = {
      FeatureSpec.USER_DENSE.indexOf("dwell_seconds"), FeatureSpec.USER_DENSE.indexOf("clicks"),
      FeatureSpec.USER_DENSE.indexOf("imp_1d")};
  private final float[] paperRow = new float[3];
  private final int[] one = new int[1];
  private long positives;

  SplitWriter(Path dir, int l) throws IOException {
    this.l = l;
    Files.createDirectories(dir);
    for (String name : FeatureSpec.SEQUENCE_INPUTS) {
      NpyWriter.DType type = switch (name) {
        case "seq_item" -> NpyWriter.DType.INT32;
        case "seq_category" -> NpyWriter.DType.INT16;
        default -> NpyWriter.DType.INT8;
      };
      sequence.add(new NpyWriter(dir.resolve(name + ".npy"), type, l));
    }
    userDense = new NpyWriter(dir.resolve("user_dense.npy"), NpyWriter.DType.FLOAT32, FeatureSpec.USER_DENSE_SIZE);
    scenario = new NpyWriter(dir.resolve("scenario.npy"), NpyWriter.DType.INT8);
    candItem = new NpyWriter(dir.resolve("cand_item.npy"), NpyWriter.DType.INT32, 1);
    candCategory = new NpyWriter(dir.resolve("cand_category.npy"), NpyWriter.DType.INT16, 1);
    candDense = new NpyWriter(dir.resolve("cand_dense.npy"), NpyWriter.DType.FLOAT32, 1,
        FeatureSpec.CANDIDATE_DENSE_SIZE);
    label = new NpyWriter(dir.resolve("label.npy"), NpyWriter.DType.FLOAT32);
    oracle = new NpyWriter(dir.resolve("oracle.npy"), NpyWriter.DType.FLOAT32);
    heuristic = new NpyWriter(dir.resolve("heuristic.npy"), NpyWriter.DType.FLOAT32);
    paper = new NpyWriter(dir.resolve("paper.npy"), NpyWriter.DType.FLOAT32, 3);
    eventTime = new NpyWriter(dir.resolve("event_time.npy"), NpyWriter.DType.INT64);
    userId = new NpyWriter(dir.resolve("user_id.npy"), NpyWriter.DType.INT64);
    position = new NpyWriter(dir.resolve("position.npy"), NpyWriter.DType.INT8);
    slate = new NpyWriter(dir.resolve("slate.npy"), NpyWriter.DType.INT64);
  }

  void write(TrainingExample x) throws IOException {
    for (int f = 0; f < sequence.size(); f++) {
      sequence.get(f).writeInts(x.sequence, f * l);
    }
    userDense.writeFloats(x.userDense, 0);
    one[0] = x.scenario;
    scenario.writeInts(one, 0);
    one[0] = x.candItem;
    candItem.writeInts(one, 0);
    one[0] = x.candCategory;
    candCategory.writeInts(one, 0);
    candDense.writeFloats(x.candDense, 0);
    label.writeScalar(x.label ? 1 : 0);
    oracle.writeScalar(x.oracle);
    heuristic.writeScalar(x.heuristic);
    for (int i = 0; i < 3; i++) {
      paperRow[i] = x.userDense[paperColumns[i]];
    }
    paper.writeFloats(paperRow, 0);
    eventTime.writeLong(x.time);
    userId.writeLong(x.user);
    one[0] = x.position;
    position.writeInts(one, 0);
    slate.writeLong(x.slate);
    if (x.label) {
      positives++;
    }
  }

  long rows() {
    return label.rows();
  }

  long positives() {
    return positives;
  }

  @Override
  public void close() throws IOException {
    for (NpyWriter w : sequence) {
      w.close();
    }
    for (NpyWriter w : List.of(userDense, scenario, candItem, candCategory, candDense, label, oracle, heuristic,
        paper, eventTime, userId, position, slate)) {
      w.close();
    }
  }
}
