package dev.intereststream.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of a Flink cluster's REST API (the one its web UI and {@code flink list} use) that the
 * real-cluster tests read: registered TaskManagers, a job's state and parallelism, its restarts, the
 * failures that caused them and the checkpoints it completed and restored.
 */
public final class FlinkRest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  FlinkRest(String host, int port) {
    this.base = URI.create("http://" + host + ":" + port);
  }

  /** Resource ids of the TaskManagers registered at the ResourceManager. */
  public Set<String> taskManagers() throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
      ids.add(tm.path("id").asText());
    }
    return ids;
  }

  /** Task slots no job uses, over all registered TaskManagers. */
  public int freeSlots() throws IOException {
    return get("/overview").path("slots-available").asInt();
  }

  /** The job's status: CREATED, RUNNING, RESTARTING, CANCELED, FAILED, ... */
  public String jobState(String jobId) throws IOException {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** Parallelism of each of the job's vertices. */
  public List<Integer> vertexParallelism(String jobId) throws IOException {
    List<Integer> out = new ArrayList<>();
    for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
      out.add(v.path("parallelism").asInt());
    }
    return out;
  }

  /** Whether every subtask of the job is RUNNING (deployed and started, not only scheduled). */
  public boolean allTasksRunning(String jobId) throws IOException {
    JsonNode job = get("/jobs/" + jobId);
    boolean all = "RUNNING".equals(job.path("state").asText());
    for (JsonNode v : job.path("vertices")) {
      all &= v.path("tasks").path("RUNNING").asInt() == v.path("parallelism").asInt();
    }
    return all;
  }

  /** How many checkpoints of the job completed. */
  public long completedCheckpoints(String jobId) throws IOException {
    return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
  }

  /** How many times the job was restored from a checkpoint (each recovery restores one). */
  public long restoredCheckpoints(String jobId) throws IOException {
    return get("/jobs/" + jobId + "/checkpoints").path("counts").path("restored").asLong();
  }

  /** Id of the checkpoint the job restored last, if it ever did. */
  public Optional<Long> lastRestoredCheckpoint(String jobId) throws IOException {
    JsonNode restored = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
    return restored.isObject() ? Optional.of(restored.path("id").asLong()) : Optional.empty();
  }

  /**
   * The job's {@code numRestarts} metric, as fetched after this call began. The REST API answers from
   * the metrics the JobManager fetched last, and a request only starts the next fetch (at most every
   * {@code metrics.fetcher.update-interval}, 1 s here), so the first answer may be stale or empty.
   */
  public long restarts(String jobId) throws IOException, InterruptedException {
    String path = "/jobs/" + jobId + "/metrics?get=numRestarts";
    get(path);
    Thread.sleep(2_500);
    for (int attempt = 0; attempt < 50; attempt++) {
      for (JsonNode m : get(path)) {
        if ("numRestarts".equals(m.path("id").asText())) {
          return m.path("value").asLong();
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the JobManager reported no numRestarts metric of " + jobId);
  }

  /** The failures in the job's exception history, newest first: exception class and failed task. */
  public List<String> failures(String jobId) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode e : get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")) {
      out.add(e.path("exceptionName").asText() + " in " + e.path("taskName").asText("(no task)")
          + " on " + e.path("endpoint").asText("?"));
    }
    return out;
  }

  /** Asks the cluster to cancel the job (as {@code flink cancel} does). */
  public void cancel(String jobId) throws IOException {
    send(HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "?mode=cancel"))
        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  JsonNode get(String path) throws IOException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException {
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 503) {
        // Leader election still going on while the JobManager starts: try again.
        throw new IOException(request.build().uri() + " answered 503: " + response.body());
      }
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(request.build().uri() + " answered " + response.statusCode() + ": "
            + response.body());
      }
      return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    } catch (ConnectException e) {
      throw new IOException("Flink's REST endpoint " + base + " does not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
