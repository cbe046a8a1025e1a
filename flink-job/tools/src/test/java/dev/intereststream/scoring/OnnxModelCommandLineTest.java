package dev.intereststream.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The model loads in a JVM with a long command line, as a Flink TaskManager has (its classpath and
 * -D options run past 4 KB): creating ONNX Runtime's environment on a default thread stack kills such
 * a JVM with SIGSEGV. Runs a child JVM, since the crash takes the whole process down.
 */
class OnnxModelCommandLineTest {

  /** Loads the shipped model and prints "loaded". */
  public static final class LoadShippedModel {
    public static void main(String[] args) {
      OnnxModel model = OnnxModel.load(GoldenParityTest.MODEL.toString());
      model.closeSession();
      System.out.println("loaded");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void loadsTheModelInAJvmWhoseCommandLineIsLongerThanSixteenKilobytes() throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Dpadding=" + "x".repeat(16_384), "-cp", System.getProperty("java.class.path"),
        LoadShippedModel.class.getName());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("exit status (139: SIGSEGV); output:%n%s", output).isZero();
    assertThat(output).contains("loaded");
  }
}
