package dev.intereststream.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink session cluster of separate JVM processes on 127.0.0.1, started the way Flink's own scripts
 * start one: a JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers
 * ({@code TaskManagerRunner}) with {@code --configDir} pointing at a {@code config.yaml}, on the
 * classpath of a distribution's {@code lib/} (written by the {@code cluster-classpath} module, path in
 * the system property {@value #CLASSPATH_PROPERTY}), with the JVM memory flags and dynamic memory
 * settings Flink derives from that configuration (what {@code BashJavaUtils} prints for the scripts).
 * Jobs are submitted with Flink's own client, {@code CliFrontend}, in a process of its own as
 * {@code flink run -d} runs it. Each process logs to {@code logs/} under the cluster's directory.
 * {@link #close()} ends every process this object started, by its own handle.
 */
public final class FlinkSessionCluster implements AutoCloseable {

  /** System property holding the path of the file with the cluster's classpath. */
  public static final String CLASSPATH_PROPERTY = "flink-cluster.classpath";
  private static final String HOST = "127.0.0.1";
  private static final Pattern JOB_ID = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");

  private final Path dir;
  private final Path conf;
  private final FlinkJvm jvm;
  private final Configuration config;
  private final FlinkRest rest;
  private final Map<String, Process> taskManagers = new LinkedHashMap<>();
  private final List<Process> all = new CopyOnWriteArrayList<>();
  private Process jobManager;
  private TaskManagerSupervisor supervisor;
  private int taskManagersStarted;
  private int submissions;

  private FlinkSessionCluster(Path dir, String classpath, Configuration config) {
    this.dir = dir;
    this.conf = dir.resolve("conf");
    this.jvm = new FlinkJvm(dir, conf, classpath);
    this.config = config;
    this.rest = new FlinkRest(HOST, config.get(RestOptions.PORT));
  }

  /**
   * Writes the configuration into {@code dir}, starts the JobManager and {@code taskManagers}
   * TaskManagers of {@code slots} slots each, and waits until all have registered.
   *
   * @param settings extra cluster settings, over the defaults of {@link SessionClusterConfig}
   */
  public static FlinkSessionCluster start(Path dir, int taskManagers, int slots, Map<String, String> settings,
      Duration timeout) throws Exception {
    Path classpathFile = Path.of(System.getProperty(CLASSPATH_PROPERTY,
        "cluster-classpath/target/flink-cluster.classpath"));
    if (!Files.isRegularFile(classpathFile)) {
      throw new IllegalStateException("the Flink cluster classpath " + classpathFile.toAbsolutePath()
          + " is missing: run 'mvn verify' (the cluster-classpath module writes it)");
    }
    FlinkSessionCluster cluster = new FlinkSessionCluster(dir, Files.readString(classpathFile).trim(),
        SessionClusterConfig.of(dir, HOST, slots, settings));
    try {
      SessionClusterConfig.write(cluster.config, cluster.conf);
      cluster.startJobManager();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < taskManagers; i++) {
        ids.add(cluster.startTaskManager());
      }
      for (String id : ids) {
        cluster.awaitTaskManager(id, timeout);
      }
      return cluster;
    } catch (Exception | AssertionError e) {
      try {
        cluster.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** What the processes read from {@code config.yaml}, for deriving their memory flags. */
  private Configuration loadedConfiguration() {
    return GlobalConfiguration.loadConfiguration(conf.toString());
  }

  private void startJobManager() throws IOException {
    JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(loadedConfiguration());
    jobManager = jvm.start("jobmanager",
        FlinkJvm.split(JobManagerProcessUtils.generateJvmParametersStr(spec, loadedConfiguration())),
        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
        FlinkJvm.split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
    all.add(jobManager);
  }

  /** Starts one more TaskManager; returns its resource id (as the REST API lists it). */
  public synchronized String startTaskManager() throws IOException {
    String id = "tm-" + ++taskManagersStarted;
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(loadedConfiguration());
    List<String> args = new ArrayList<>(FlinkJvm.split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
    Path tmp = Files.createDirectories(dir.resolve(id).resolve("tmp"));
    args.addAll(List.of("-D", "taskmanager.resource-id=" + id, "-D", "io.tmp.dirs=" + tmp));
    Process p = jvm.start(id, FlinkJvm.split(ProcessMemoryUtils.generateJvmParametersStr(spec)),
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", args);
    all.add(p);
    taskManagers.put(id, p);
    return id;
  }

  /** Waits until the TaskManager {@code id} has registered at the ResourceManager. */
  public void awaitTaskManager(String id, Duration timeout) throws Exception {
    awaitCondition(() -> rest.taskManagers().contains(id), "TaskManager " + id + " registered", timeout);
  }

  /**
   * Kills a TaskManager with SIGKILL ({@link Process#destroyForcibly()} on Linux): no shutdown hook
   * runs, nothing is flushed, connections break as when its machine fails. Returns its exit status.
   */
  public int killTaskManager(String id) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = taskManagers.remove(id);
    }
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(id + " still runs 30 s after SIGKILL");
    }
    return p.exitValue();
  }

  /**
   * From now on, starts a new TaskManager whenever one exits on its own (at most {@code limit}
   * times), as a production cluster's process supervisor does; see {@link #unexpectedExits()}.
   */
  public void superviseTaskManagers(int limit) {
    supervisor = new TaskManagerSupervisor(this, limit);
  }

  /** TaskManagers that exited without being killed here, with their exit status. */
  public List<String> unexpectedExits() {
    return supervisor == null ? List.of() : supervisor.exits();
  }

  /** Forgets the TaskManagers that exited; returns each as "id (exit status N)". */
  synchronized List<String> removeExitedTaskManagers() {
    List<String> exited = new ArrayList<>();
    taskManagers.entrySet().removeIf(tm -> {
      boolean gone = !tm.getValue().isAlive();
      if (gone) {
        exited.add(tm.getKey() + " (exit status " + tm.getValue().exitValue() + ")");
      }
      return gone;
    });
    return exited;
  }

  /**
   * Submits a jar as {@code flink run -d -p PARALLELISM JAR ARGS...} does, with Flink's client in a
   * process of its own reading this cluster's configuration; returns the job id it printed.
   */
  public String submitDetached(Path jar, int parallelism, List<String> programArgs, Duration timeout)
      throws Exception {
    String name = "client-" + ++submissions;
    List<String> args = new ArrayList<>(List.of("run", "-d", "-p", Integer.toString(parallelism),
        jar.toAbsolutePath().toString()));
    args.addAll(programArgs);
    Process client = jvm.start(name, List.of("-Xmx512m"), FlinkJvm.CLIENT, args);
    all.add(client);
    if (!client.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      client.destroyForcibly();
      throw new AssertionError("flink run still running after " + timeout + ":\n" + jvm.output(name));
    }
    Matcher id = JOB_ID.matcher(jvm.output(name));
    if (client.exitValue() != 0 || !id.find()) {
      throw new AssertionError("flink run exited with " + client.exitValue() + ":\n" + jvm.output(name));
    }
    return id.group(1);
  }

  public FlinkRest rest() {
    return rest;
  }

  /** A check that may throw while the cluster comes up. */
  public interface Check {
    boolean holds() throws Exception;
  }

  /**
   * Polls {@code check} until it holds; an unanswered REST call counts as not yet. Fails naming
   * {@code what} and, unless supervised, a TaskManager that exited meanwhile.
   */
  public void awaitCondition(Check check, String what, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    while (true) {
      try {
        if (check.holds()) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      String where = " while waiting for " + what + "; logs in " + dir.resolve("logs");
      if (!jobManager.isAlive()) {
        throw new AssertionError("the JobManager exited with " + jobManager.exitValue() + where);
      }
      List<String> exited = supervisor == null ? removeExitedTaskManagers() : List.of();
      if (!exited.isEmpty()) {
        throw new AssertionError(String.join(", ", exited) + " exited" + where);
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + timeout + ": " + what + "; TaskManagers that exited on their "
            + "own: " + unexpectedExits() + "; logs in " + dir.resolve("logs"), last);
      }
      Thread.sleep(250);
    }
  }

  /**
   * Stops every process this cluster started (clients and TaskManagers first, the JobManager last),
   * then deletes their working directories (each TaskManager's blob cache holds a copy of the job jar)
   * and keeps {@code conf/} and {@code logs/}.
   */
  @Override
  public void close() throws InterruptedException, IOException {
    if (supervisor != null) {
      supervisor.close();
    }
    List<Process> reversed = new ArrayList<>(all);
    Collections.reverse(reversed);
    for (Process p : reversed) {
      p.destroy();
    }
    for (Process p : reversed) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(20, TimeUnit.SECONDS);
      }
    }
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.filter(c -> !Set.of("conf", "logs").contains(c.getFileName().toString())).toList()) {
        deleteRecursively(child);
      }
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> tree = Files.walk(path)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
