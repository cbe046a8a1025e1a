package dev.intereststream.training;

/**
 * One row of an exported split: the model's inputs for a user and one shown item, the label and what
 * is written beside it (see {@link TrainingDataExporter}).
 */
final class TrainingExample {
  long time;
  long user;
  long item;
  /** The simulator's clicked flag: 1, 0, or -1 without a truth file. */
  int truthClicked = -1;
  /** Slate position from the truth file, or -1. */
  int position = -1;
  /** Id of the slate (impressions shown together), or -1. */
  long slate = -1;
  /** Index into {@link TrainingDataExporter#SPLITS}. */
  int split;
  /** The sequence inputs, feature-major: {@link dev.intereststream.scoring.FeatureSpec#SEQUENCE_FEATURES} rows of L. */
  int[] sequence;
  float[] userDense;
  int scenario;
  int candItem;
  int candCategory;
  float[] candDense;
  float heuristic;
  float oracle = Float.NaN;
  boolean label;
}
