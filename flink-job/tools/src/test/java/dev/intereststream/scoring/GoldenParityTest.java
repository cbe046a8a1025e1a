package dev.intereststream.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intereststream.training.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped model in ONNX Runtime (Java) reproduces PyTorch's outputs on the committed golden
 * vectors within 1e-4, at every shipped batch size and candidate count.
 */
class GoldenParityTest {

  static final Path MODEL_DIR = Path.of("..", "..", "model");
  static final Path MODEL = MODEL_DIR.resolve("interest-model.onnx");
  static final Path GOLDEN = MODEL_DIR.resolve("golden");
  static final double TOLERANCE = 1e-4;

  private static long[] shape(Npy npy) {
    long[] s = new long[npy.shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = npy.shape[i];
    }
    return s;
  }

  @Test
  void onnxRuntimeMatchesPyTorchOnEveryGoldenCase() throws Exception {
    assertThat(MODEL).as("the shipped model").exists();
    JsonNode manifest = new ObjectMapper().readTree(GOLDEN.resolve("manifest.json").toFile());
    List<Path> cases;
    try (Stream<Path> dirs = Files.list(GOLDEN)) {
      cases = dirs.filter(p -> p.getFileName().toString().matches("b\\d+_k\\d+")).sorted().toList();
    }
    assertThat(cases).as("golden cases").hasSizeGreaterThanOrEqualTo(3);

    OnnxModel model = OnnxModel.load(MODEL.toString());
    try {
      assertThat(model.verify()).isEmpty();
      assertThat(manifest.findValuesAsText("model_version")).contains(model.modelVersion());
      List<String> checked = new ArrayList<>();
      for (Path dir : cases) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
          for (String name : FeatureSpec.INPUTS) {
            Npy npy = Npy.read(dir.resolve(name + ".npy"));
            ByteBuffer bytes = ByteBuffer.allocateDirect(npy.size() * 4).order(ByteOrder.nativeOrder());
            if (FeatureSpec.isFloat(name)) {
              FloatBuffer f = bytes.asFloatBuffer().put(npy.floats());
              feeds.put(name, OnnxTensor.createTensor(model.environment(), f.flip(), shape(npy)));
            } else {
              IntBuffer i = bytes.asIntBuffer().put(npy.ints());
              feeds.put(name, OnnxTensor.createTensor(model.environment(), i.flip(), shape(npy)));
            }
          }
          Npy expected = Npy.read(dir.resolve(FeatureSpec.OUTPUT + ".npy"));
          try (OrtSession.Result result = model.session().run(feeds)) {
            OnnxTensor out = (OnnxTensor) result.get(FeatureSpec.OUTPUT).orElseThrow();
            assertThat(out.getInfo().getShape()).containsExactly(shape(expected));
            FloatBuffer scores = out.getFloatBuffer();
            float[] want = expected.floats();
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
              worst = Math.max(worst, Math.abs(scores.get(i) - want[i]));
            }
            assertThat(worst).as("max |ORT - PyTorch| in %s", dir.getFileName()).isLessThanOrEqualTo(TOLERANCE);
            checked.add(dir.getFileName() + " " + worst);
          }
        } finally {
          feeds.values().forEach(OnnxTensor::close);
        }
      }
      System.out.println("golden parity: " + checked);
    } finally {
      model.closeSession();
    }
  }
}
