package dev.intereststream.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts a new TaskManager whenever one exits that the test did not kill, as the process supervisor
 * of a production cluster (Kubernetes, YARN, systemd) does, up to a limit; it records each exit.
 * Without one, a cluster whose surviving TaskManager also dies (Flink 2.2.1 does that now and then
 * after a peer's SIGKILL: "FATAL - exception in exception handler" in the failing task's cleanup)
 * has no slots left and the job never recovers.
 */
final class TaskManagerSupervisor implements AutoCloseable {

  private final FlinkSessionCluster cluster;
  private final int limit;
  private final List<String> exits = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean closed;

  TaskManagerSupervisor(FlinkSessionCluster cluster, int limit) {
    this.cluster = cluster;
    this.limit = limit;
    this.thread = new Thread(this::supervise, "taskmanager-supervisor");
    thread.setDaemon(true);
    thread.start();
  }

  private void supervise() {
    while (!closed) {
      try {
        for (String exit : cluster.removeExitedTaskManagers()) {
          exits.add(exit);
          if (exits.size() <= limit && !closed) {
            cluster.startTaskManager();
          }
        }
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        exits.add("could not start a replacement: " + e);
      }
    }
  }

  /** TaskManagers that exited on their own: id and exit status. */
  List<String> exits() {
    return List.copyOf(exits);
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.interrupt();
    thread.join(10_000);
  }
}
