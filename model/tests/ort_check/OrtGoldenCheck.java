// Runs an exported interest model in ONNX Runtime (Java) on golden vectors and compares with PyTorch.
//
//   java -cp onnxruntime-<v>.jar model/tests/ort_check/OrtGoldenCheck.java MODEL.onnx GOLDEN_DIR [TOLERANCE]
//
// Single-file program (Java 11+), no dependency besides onnxruntime. Prints the model's inputs, metadata
// and the max |score diff| per golden case; exits 1 if any case differs by more than the tolerance.

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class OrtGoldenCheck {

  record Npy(String dtype, long[] shape, ByteBuffer data) {}

  static Npy readNpy(Path path) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    int major = buf.get(6);
    int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
    int start = major == 1 ? 10 : 12;
    String header = new String(buf.array(), start, headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = Pattern.compile("'descr':\\s*'([^']+)'").matcher(header);
    Matcher s = Pattern.compile("'shape':\\s*\\(([^)]*)\\)").matcher(header);
    if (!d.find() || !s.find() || header.contains("'fortran_order': True")) {
      throw new IOException(path + ": unsupported npy header " + header);
    }
    long[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
        .mapToLong(Long::parseLong).toArray();
    ByteBuffer data = ByteBuffer.wrap(buf.array(), start + headerLen, buf.capacity() - start - headerLen)
        .slice().order(ByteOrder.LITTLE_ENDIAN);
    return new Npy(d.group(1), shape, data);
  }

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    Path golden = Path.of(args[1]);
    double tolerance = args.length > 2 ? Double.parseDouble(args[2]) : 1e-4;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    boolean ok = true;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model.toString(), opts)) {
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
          TensorInfo t = (TensorInfo) e.getValue().getInfo();
          System.out.println("input " + e.getKey() + " " + t.type + " " + Arrays.toString(t.getShape()));
        }
        for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
          TensorInfo t = (TensorInfo) e.getValue().getInfo();
          System.out.println("output " + e.getKey() + " " + t.type + " " + Arrays.toString(t.getShape()));
        }
        for (Map.Entry<String, String> e : session.getMetadata().getCustomMetadata().entrySet()) {
          System.out.println("metadata " + e.getKey() + "=" + e.getValue());
        }
        List<String> names = new ArrayList<>(session.getInputNames());
        List<Path> cases;
        try (Stream<Path> s = Files.list(golden)) {
          cases = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path c : cases) {
          Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
          try {
            for (String name : names) {
              Npy a = readNpy(c.resolve(name + ".npy"));
              switch (a.dtype()) {
                case "<i4" -> inputs.put(name, OnnxTensor.createTensor(env, a.data().asIntBuffer(), a.shape()));
                case "<f4" -> inputs.put(name, OnnxTensor.createTensor(env, a.data().asFloatBuffer(), a.shape()));
                default -> throw new IOException(c + "/" + name + ".npy: dtype " + a.dtype());
              }
            }
            Npy expected = readNpy(c.resolve("score.npy"));
            FloatBuffer want = expected.data().asFloatBuffer();
            try (OrtSession.Result result = session.run(inputs)) {
              OnnxTensor score = (OnnxTensor) result.get("score").orElseThrow();
              long[] shape = score.getInfo().getShape();
              FloatBuffer got = score.getFloatBuffer();
              double maxDiff = 0;
              boolean finite = true;
              for (int i = 0; i < want.capacity(); i++) {
                float g = got.get(i);
                finite &= Float.isFinite(g) && g > 0f && g < 1f;
                maxDiff = Math.max(maxDiff, Math.abs(g - want.get(i)));
              }
              boolean caseOk = Arrays.equals(shape, expected.shape()) && finite && maxDiff <= tolerance;
              ok &= caseOk;
              System.out.printf("case %s shape %s max_abs_diff %.3g %s%n", c.getFileName(), Arrays.toString(shape),
                  maxDiff, caseOk ? "OK" : "FAIL");
            }
          } finally {
            for (OnnxTensor t : inputs.values()) {
              t.close();
            }
          }
        }
      }
    }
    System.exit(ok ? 0 : 1);
  }
}
