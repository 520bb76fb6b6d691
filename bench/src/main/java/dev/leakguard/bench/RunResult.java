package dev.leakguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What one {@link CompileRun} wrote, read back by {@link Bench}. */
final class RunResult {
  long wallNs;
  long cpuNs;
  long heapPeakBytes;
  long heapLiveBytes;
  boolean succeeded;
  int errors;
  long epInitNs;
  /** Error Prone's time per check (canonical name), for this one compilation. */
  final Map<String, Long> timings = new TreeMap<>();
  /** Warnings per check, all of Error Prone's and LeakGuard's. */
  final Map<String, Integer> warnings = new TreeMap<>();
  /** LeakGuard findings, as "path\tline\tcheck\tmessage". */
  final List<String> findings = new ArrayList<>();
  final List<String> errorSamples = new ArrayList<>();
  final List<String> crashes = new ArrayList<>();
  String thrown;
  /** The child JVM's exit code and the tail of its output, when it did not finish normally. */
  String abnormal;
  /**
   * The crashes of the compiles {@link Bench} ran before this one to get past them, each
   * leaving one more crashed file out of the analysis; this one is the last of them.
   */
  final List<String> earlierCrashes = new ArrayList<>();

  static RunResult read(Path file) throws IOException {
    RunResult r = new RunResult();
    for (String line : Files.readAllLines(file)) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "wall_ns" -> r.wallNs = Long.parseLong(f[1]);
        case "cpu_ns" -> r.cpuNs = Long.parseLong(f[1]);
        case "heap_peak_bytes" -> r.heapPeakBytes = Long.parseLong(f[1]);
        case "heap_live_bytes" -> r.heapLiveBytes = Long.parseLong(f[1]);
        case "succeeded" -> r.succeeded = Boolean.parseBoolean(f[1]);
        case "errors" -> r.errors = Integer.parseInt(f[1]);
        case "ep_init_ns" -> r.epInitNs = Long.parseLong(f[1]);
        case "timing" -> r.timings.put(f[1], Long.parseLong(f[2]));
        case "warnings" -> r.warnings.put(f[1], Integer.parseInt(f[2]));
        case "finding" -> r.findings.add(line.substring("finding\t".length()));
        case "error" -> r.errorSamples.add(f[1]);
        case "crash" -> r.crashes.add(f[1]);
        case "thrown" -> r.thrown = f[1];
        default -> throw new IOException("unexpected line in " + file + ": " + line);
      }
    }
    return r;
  }

  /** Time Error Prone spent in the given checks, in nanoseconds. */
  long timeIn(Set<String> checks) {
    long sum = 0;
    for (var e : timings.entrySet()) {
      if (checks.contains(e.getKey())) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  long timeInAllChecks() {
    long sum = 0;
    for (long t : timings.values()) {
      sum += t;
    }
    return sum;
  }

  /** True when a check threw into javac, or the compiler died, in this compile. */
  boolean crashed() {
    return !crashes.isEmpty() || thrown != null || abnormal != null;
  }

  /** Every crash, "path:line: BugPattern: Check; exception at its first frame". */
  List<String> crashLines() {
    List<String> out = new ArrayList<>(earlierCrashes);
    for (String c : crashes) {
      int space = c.indexOf(' ');
      int colon = c.indexOf(": ");
      // CompileRun writes "path line: summary"
      out.add(space > 0 && colon > space ? c.substring(0, space) + ":" + c.substring(space + 1) : c);
    }
    if (crashes.isEmpty() && thrown != null) {
      out.add("javac threw: " + thrown);
    }
    if (crashes.isEmpty() && abnormal != null) {
      out.add(abnormal);
    }
    return out;
  }

  /** The source file (relative path) of the first crash, or null when it was in no file. */
  String crashedFile() {
    if (crashes.isEmpty()) {
      return null;
    }
    String c = crashes.get(0);
    int space = c.indexOf(' ');
    String file = space > 0 ? c.substring(0, space) : "-";
    return file.equals("-") || !file.endsWith(".java") ? null : file;
  }

  String crashSummary() {
    if (!crashes.isEmpty()) {
      return crashes.get(0).replace("\t", ":");
    }
    return thrown != null ? thrown : abnormal;
  }

  /** The findings in the committed file's form, "path:line: Check: message", by path and line. */
  List<String> findingLines() {
    List<String[]> rows = new ArrayList<>();
    for (String f : findings) {
      rows.add(f.split("\t", 4));
    }
    rows.sort(
        Comparator.<String[], String>comparing(r -> r[0])
            .thenComparingInt(r -> Integer.parseInt(r[1]))
            .thenComparing(r -> r[2])
            .thenComparing(r -> r[3]));
    List<String> out = new ArrayList<>();
    for (String[] r : rows) {
      out.add(r[0] + ":" + r[1] + ": " + r[2] + ": " + r[3]);
    }
    return out;
  }

  Map<String, Integer> findingsPerCheck() {
    Map<String, Integer> out = new TreeMap<>();
    for (String f : findings) {
      out.merge(f.split("\t", 4)[2], 1, Integer::sum);
    }
    return out;
  }
}
