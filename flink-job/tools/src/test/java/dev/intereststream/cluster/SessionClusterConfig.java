package dev.intereststream.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The conf directory of a {@link FlinkSessionCluster}: a Flink 2 {@code config.yaml} for one machine
 * (everything on one address, free ports) and a Log4j configuration writing each process's log file.
 */
final class SessionClusterConfig {

  private SessionClusterConfig() {}

  /** The cluster's settings: these defaults, then {@code settings} over them. */
  static Configuration of(Path dir, String host, int slots, Map<String, String> settings) throws IOException {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", host);
    c.put("jobmanager.rpc.port", Integer.toString(freePort(host)));
    c.put("jobmanager.bind-host", host);
    c.put("rest.address", host);
    c.put("rest.bind-address", host);
    c.put("rest.port", Integer.toString(freePort(host)));
    c.put("taskmanager.host", host);
    c.put("taskmanager.bind-host", host);
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
    // Flink's default, stated: user code first from the job jar, org.apache.flink.* and logging from lib/.
    c.put("classloader.resolve-order", "child-first");
    // Small enough for a shared 2-core test machine; the JVM flags are derived from these as Flink's
    // scripts derive them. Managed memory is RocksDB's budget.
    c.put("jobmanager.memory.process.size", "1024m");
    c.put("taskmanager.memory.process.size", "1280m");
    c.put("taskmanager.memory.managed.size", "128m");
    c.put("state.backend.type", "rocksdb");
    c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
    // A killed TaskManager is declared lost after two failed heartbeat calls a second apart, rather
    // than after Flink's 50 s timeout, so restarts stop trying to deploy into its slots sooner.
    c.put("heartbeat.interval", "1 s");
    c.put("heartbeat.timeout", "20 s");
    // The test machine's cores are shared: Flink's 10 s defaults for starting and asking RPC endpoints
    // fail under load.
    c.put("pekko.startup-timeout", "60 s");
    c.put("pekko.ask.timeout", "30 s");
    c.put("pekko.lookup.timeout", "30 s");
    c.put("metrics.fetcher.update-interval", "1 s");
    c.put("web.tmpdir", dir.resolve("jobmanager/web").toString());
    c.put("io.tmp.dirs", dir.resolve("jobmanager/tmp").toString());
    c.putAll(settings);
    return Configuration.fromMap(c);
  }

  /** Writes {@code config.yaml} and {@code log4j.properties} into {@code conf}. */
  static void write(Configuration config, Path conf) throws IOException {
    Files.createDirectories(conf);
    Files.write(conf.resolve(GlobalConfiguration.FLINK_CONF_FILENAME),
        ConfigurationUtils.convertConfigToWritableLines(config, false), StandardCharsets.UTF_8);
    Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
        "rootLogger.level = INFO",
        "rootLogger.appenderRef.file.ref = File",
        "appender.file.name = File",
        "appender.file.type = File",
        "appender.file.fileName = ${sys:log.file}",
        "appender.file.layout.type = PatternLayout",
        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n", ""));
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    }
  }
}
