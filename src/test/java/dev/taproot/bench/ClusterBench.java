package dev.taproot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.support.IncPipeline;
import dev.taproot.support.ServiceProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Throughput of 1, 2 and 3 instances of the packaged service sharing one PostgreSQL on one run of a
 * 3-step pipeline (a, b item-wise over the input, a fan-in), CPU time per execution summed over
 * every instance's JVM, claim latency (from the POST to the first unit held), and the time from an
 * instance's SIGKILL to its work being held by another. Prints a Markdown table. Before the
 * measured run, {@code bench.warm-up-runs} (2) runs of the same size.
 */
public final class ClusterBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ITEMS = Integer.getInteger("bench.records", 20_000);
  private static final int PARTITION = Integer.getInteger("bench.partition-size", 1000);
  private static final String LEASE = System.getProperty("bench.lease", "20s");
  private static final String URL =
      System.getProperty("bench.pg-url", "jdbc:postgresql://127.0.0.1:5432/taproot_bench");
  private static final Path APP =
      Path.of(System.getProperty("bench.pg-app", "target/bench-pg/quarkus-app"));
  private static final long TICKS_PER_SECOND = 100;
  private static final int WARM_UP_RUNS = Integer.getInteger("bench.warm-up-runs", 2);

  private ClusterBench() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(
        "%d records, 3 steps (%d executions), partitions of %d, lease %s, %d cores%n%n",
        ITEMS, 2 * ITEMS + 1, PARTITION, LEASE, Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| instances | run (s) | executions/s | CPU ms per execution (all JVMs) | claim latency (ms)"
            + " |");
    System.out.println("|---|---|---|---|---|");
    for (int n : new int[] {1, 2, 3}) {
      List<ServiceProcess> cluster = start(n);
      try {
        ServiceProcess first = cluster.get(0);
        // Whole runs as warm-up, so that every instance has run its share and compiled the
        // module before the measured run (a small warm-up left some JVMs cold, and their JIT
        // time counted as the cluster's CPU per execution).
        for (int i = 0; i < WARM_UP_RUNS; i++) {
          runToEnd(first, ITEMS);
        }
        long cpuBefore = cpuTicks(cluster);
        long t0 = System.nanoTime();
        String runId = post(first, ITEMS);
        long claimed = firstClaim(first, runId, t0);
        awaitFinished(first, runId);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpu = cpuTicks(cluster) - cpuBefore;
        System.out.printf(
            "| %d | %.1f | %.0f | %.3f | %d |%n",
            n,
            seconds,
            (2 * ITEMS + 1) / seconds,
            cpu * 1000.0 / TICKS_PER_SECOND / (2 * ITEMS + 1),
            claimed);
        if (n == 3) {
          takeover(cluster, first);
        }
      } finally {
        cluster.forEach(s -> s.process.destroyForcibly());
      }
    }
  }

  private static void takeover(List<ServiceProcess> cluster, ServiceProcess first)
      throws Exception {
    String runId = post(first, ITEMS);
    ServiceProcess victim = cluster.get(1);
    String victimId = JSON.readTree(victim.get("/api/v1/cluster").body()).get("self").asText();
    while (!holds(first, victimId)) {
      Thread.sleep(10);
    }
    victim.kill();
    long killed = System.nanoTime();
    while (holds(first, victimId)) {
      Thread.sleep(20);
    }
    System.out.printf(
        "%nSIGKILL of an instance holding units → its units held by another after %d ms (lease"
            + " %s)%n",
        (System.nanoTime() - killed) / 1_000_000, LEASE);
    awaitFinished(first, runId);
  }

  private static boolean holds(ServiceProcess asked, String owner) throws Exception {
    for (JsonNode u : JSON.readTree(asked.get("/api/v1/cluster").body()).get("units")) {
      if (owner.equals(u.path("owner").asText())) {
        return true;
      }
    }
    return false;
  }

  private static List<ServiceProcess> start(int n) throws Exception {
    ServiceProcess.resetPostgres(URL, "postgres");
    Path logs = Files.createTempDirectory("taproot-cluster-bench");
    List<ServiceProcess> cluster = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cluster.add(
          ServiceProcess.start(
              APP,
              URL,
              "postgres",
              logs.resolve("instance-" + i + ".log"),
              List.of(
                  "-Xmx2g",
                  "-Dquarkus.log.level=WARN",
                  "-Dtaproot.runs.max-input-size=1G",
                  "-Dtaproot.cluster.lease=" + LEASE,
                  "-Dtaproot.cluster.partition-size=" + PARTITION)));
    }
    ServiceProcess first = cluster.get(0);
    byte[] inc;
    try (InputStream in = ClusterBench.class.getResourceAsStream("/wasm/inc.wasm")) {
      inc = in.readAllBytes();
    }
    first.put("/api/v1/functions/inc", "application/wasm", inc);
    first.post("/api/v1/workflows", "application/yaml", IncPipeline.yaml("cluster"));
    return cluster;
  }

  private static String post(ServiceProcess s, int items) throws Exception {
    String input = IncPipeline.input(items);
    var r = s.post("/api/v1/workflows/cluster/runs", "application/json", input);
    if (r.statusCode() != 202) {
      throw new IllegalStateException(r.body());
    }
    return JSON.readTree(r.body()).get("runId").asText();
  }

  private static void runToEnd(ServiceProcess s, int items) throws Exception {
    awaitFinished(s, post(s, items));
  }

  /** Milliseconds from {@code t0} until some unit of the run is held. */
  private static long firstClaim(ServiceProcess s, String runId, long t0) throws Exception {
    while (true) {
      for (JsonNode u : JSON.readTree(s.get("/api/v1/cluster").body()).get("units")) {
        if (u.get("runId").asText().equals(runId) && "held".equals(u.path("state").asText())) {
          return (System.nanoTime() - t0) / 1_000_000;
        }
      }
      Thread.sleep(5);
    }
  }

  private static void awaitFinished(ServiceProcess s, String runId) throws Exception {
    while (true) {
      JsonNode run = JSON.readTree(s.get("/api/v1/runs/" + runId).body());
      String status = run.path("status").asText();
      if (!status.equals("running")) {
        if (!status.equals("succeeded")) {
          throw new IllegalStateException("run " + runId + " ended " + run);
        }
        return;
      }
      Thread.sleep(100);
    }
  }

  /** User plus system CPU time of the instances' JVMs, in clock ticks. */
  private static long cpuTicks(List<ServiceProcess> cluster) throws Exception {
    long ticks = 0;
    for (ServiceProcess s : cluster) {
      if (!s.process.isAlive()) {
        continue;
      }
      String stat = Files.readString(Path.of("/proc/" + s.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
    return ticks;
  }
}
