package dev.intereststream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up checks of the model: a missing, corrupt or mismatched model is refused with a clear message. */
class OnnxModelTest {

  @Test
  void acceptsTheShippedModel() {
    OnnxScorer.Factory factory = new OnnxScorer.Factory(GoldenParityTest.MODEL.toString(), 8, 100);
    assertThat(factory.modelVersion()).isNotBlank().isNotEqualTo("unknown");
  }

  @Test
  void refusesAMissingModelNamingThePath(@TempDir Path dir) {
    Path missing = dir.resolve("nope.onnx");
    assertThatThrownBy(() -> new OnnxScorer.Factory(missing.toString(), 8, 100))
        .hasMessageContaining("does not exist").hasMessageContaining("nope.onnx");
    assertThatThrownBy(() -> new OnnxScorer.Factory("classpath:model/nope.onnx", 8, 100))
        .hasMessageContaining("not found on the classpath");
  }

  @Test
  void refusesACorruptModel(@TempDir Path dir) throws Exception {
    Path corrupt = dir.resolve("corrupt.onnx");
    byte[] bytes = Files.readAllBytes(GoldenParityTest.MODEL);
    Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    assertThatThrownBy(() -> new OnnxScorer.Factory(corrupt.toString(), 8, 100))
        .hasMessageContaining("is not a valid ONNX model");
  }

  @Test
  void refusesAModelOfAnotherFeatureSpecVersionSayingWhatDiffers(@TempDir Path dir) throws Exception {
    // Same graph, metadata value "fs-1" rewritten to "fs-9" in place (same length, so the protobuf stays valid).
    byte[] bytes = Files.readAllBytes(GoldenParityTest.MODEL);
    byte[] from = "fs-1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int replaced = 0;
    for (int i = 0; i + from.length <= bytes.length; i++) {
      if (java.util.Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
        bytes[i + 3] = '9';
        replaced++;
      }
    }
    assertThat(replaced).isPositive();
    Path other = dir.resolve("fs9.onnx");
    Files.write(other, bytes);
    assertThatThrownBy(() -> new OnnxScorer.Factory(other.toString(), 8, 100))
        .isInstanceOf(OnnxModel.ModelMismatchException.class)
        .hasMessageContaining("feature_spec_version is 'fs-9' in the model, 'fs-1' in the job");
  }

  @Test
  void refusesAModelWithOtherInputShapesSayingWhatDiffers() {
    Path fixture = Path.of("src", "test", "resources", "models", "sequence-length-20.onnx");
    assertThatThrownBy(() -> new OnnxScorer.Factory(fixture.toString(), 8, 100))
        .isInstanceOf(OnnxModel.ModelMismatchException.class)
        .hasMessageContaining("sequence_length is '20' in the model, '50' in the job")
        .hasMessageContaining("input seq_item has shape [-1, 20] in the model, [-1, 50] in the job");
  }

  @Test
  void refusesAStateThatKeepsFewerEngagementsThanTheModelReads() {
    assertThatThrownBy(() -> new OnnxScorer.Factory(GoldenParityTest.MODEL.toString(), 8, 100, 20))
        .isInstanceOf(OnnxModel.ModelMismatchException.class)
        .hasMessageContaining("sequence_length is '50' in the model, but features.sequence-length keeps 20");
  }
}
