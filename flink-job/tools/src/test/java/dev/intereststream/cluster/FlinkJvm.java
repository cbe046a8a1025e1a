package dev.intereststream.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Starts the JVMs of a {@link FlinkSessionCluster} as Flink's scripts start them: Java from this JVM's
 * {@code java.home}, the {@code --add-opens} flags Flink needs on Java 17, the cluster classpath, the
 * Log4j configuration and {@code log.file} (Flink's web UI serves that file), and stdout and stderr in
 * {@code logs/NAME.out}.
 */
final class FlinkJvm {

  static final String CLIENT = "org.apache.flink.client.cli.CliFrontend";

  private final Path dir;
  private final Path conf;
  private final String classpath;

  FlinkJvm(Path dir, Path conf, String classpath) {
    this.dir = dir;
    this.conf = conf;
    this.classpath = classpath;
  }

  /** Starts {@code mainClass}; cluster entrypoints also get {@code --configDir}, the client FLINK_CONF_DIR. */
  Process start(String name, List<String> jvmOptions, String mainClass, List<String> args) throws IOException {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path tmp = Files.createDirectories(dir.resolve(name).resolve("java-tmp"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(addOpens());
    command.addAll(jvmOptions);
    command.add("-Dlog.file=" + logs.resolve(name + ".log").toAbsolutePath());
    command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
    // Native libraries extracted from jars (ONNX Runtime, RocksDB) stay inside the cluster's directory.
    command.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
    command.addAll(List.of("-cp", classpath, mainClass));
    if (!CLIENT.equals(mainClass)) {
      command.addAll(List.of("--configDir", conf.toAbsolutePath().toString()));
    }
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".out").toFile());
    builder.environment().put("FLINK_CONF_DIR", conf.toAbsolutePath().toString());
    return builder.start();
  }

  /** What a process wrote to stdout and stderr (not its log file). */
  String output(String name) throws IOException {
    return Files.readString(dir.resolve("logs").resolve(name + ".out"));
  }

  /** The --add-opens flags this JVM got from the build (the project's jdk.add-opens). */
  private static List<String> addOpens() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens")).toList();
  }

  /** Flags as Flink's process utilities print them, space separated. */
  static List<String> split(String flags) {
    return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }
}
