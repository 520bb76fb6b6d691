package dev.leakguard.bench;

import com.google.errorprone.ErrorProneTimings;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import com.sun.source.util.JavacTask;
import com.sun.tools.javac.api.BasicJavacTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import javax.tools.Diagnostic;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * One compilation of one project, in a JVM of its own: javac + Error Prone through the javac
 * plugin API ({@code -Xplugin:ErrorProne}), with or without the LeakGuard jar on the processor
 * path, exactly as a user's build wires it.
 *
 * <p>A fresh JVM per compilation keeps the measurements apart: wall time, the process's CPU time
 * (all threads, GC and JIT included), peak heap (the fullest the heap was before any collection,
 * and the largest live set after one), and Error Prone's own per-check timings for this one
 * {@code Context}. Everything is written to a result file that {@link Bench} reads back.
 *
 * <p>Usage: {@code CompileRun <request.properties> <result.tsv>}.
 */
public final class CompileRun {

  /** The diagnostic code of Error Prone's crash report: a check threw into javac. */
  static final String CRASH_CODE = "compiler.err.error.prone.crash";

  public static void main(String[] args) throws IOException {
    Properties request = new Properties();
    try (var in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
      request.load(in);
    }
    Path result = Path.of(args[1]);
    Files.writeString(result, run(request), StandardCharsets.UTF_8);
    // javac may leave non-daemon threads behind on a crash; the result is written.
    System.exit(0);
  }

  private static String run(Properties request) throws IOException {
    Path root = Path.of(request.getProperty("root"));
    List<String> sources = Files.readAllLines(Path.of(request.getProperty("sources")));
    Set<String> ownChecks = new HashSet<>(words(request.getProperty("checks", "")));

    List<String> options = new ArrayList<>();
    options.addAll(List.of("-d", request.getProperty("out")));
    options.addAll(List.of("-classpath", request.getProperty("classpath")));
    options.addAll(List.of("-processorpath", request.getProperty("processorpath")));
    options.addAll(List.of("--release", request.getProperty("release")));
    options.addAll(List.of("-encoding", request.getProperty("encoding", "UTF-8")));
    options.addAll(List.of("-implicit:none", "-Xlint:none"));
    options.addAll(List.of("-Xmaxwarns", "10000000", "-Xmaxerrs", "10000"));
    options.addAll(
        List.of(
            "-XDcompilePolicy=simple",
            "--should-stop=ifError=FLOW",
            "-XDaddTypeAnnotationsToSymbol=true"));
    options.addAll(words(request.getProperty("javacFlags", "")));
    options.add(
        ("-Xplugin:ErrorProne -XepAllErrorsAsWarnings " + request.getProperty("epFlags", ""))
            .strip());

    Outcome outcome = new Outcome(root, ownChecks);
    PeakHeap peak = new PeakHeap();
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    JavacTask task;
    ErrorProneTimings timings;
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(
            null, Locale.ROOT, Charset.forName(request.getProperty("encoding", "UTF-8")))) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromStrings(sources);
      task = (JavacTask) javac.getTask(null, files, outcome::report, options, null, units);
      // Made now, in javac's root Context, so Error Prone records into this one; the task
      // drops its Context when the compile ends.
      timings = ErrorProneTimings.instance(((BasicJavacTask) task).getContext());
      try {
        outcome.succeeded = task.call();
      } catch (RuntimeException | Error e) {
        outcome.thrown = stackTrace(e);
      }
    }
    long wall = System.nanoTime() - wall0;
    long cpu = os.getProcessCpuTime() - cpu0;
    peak.sampleNow();

    StringBuilder out = new StringBuilder();
    line(out, "wall_ns", wall);
    line(out, "cpu_ns", cpu);
    line(out, "heap_peak_bytes", peak.beforeGc.get());
    line(out, "heap_live_bytes", peak.afterGc.get());
    line(out, "succeeded", outcome.succeeded);
    line(out, "errors", outcome.errors);
    line(out, "ep_init_ns", timings.initializationTime().toNanos());
    for (Map.Entry<String, Duration> t : new TreeMap<>(timings.timings()).entrySet()) {
      line(out, "timing", t.getKey(), t.getValue().toNanos());
    }
    for (Map.Entry<String, Integer> w : outcome.warningsPerCheck.entrySet()) {
      line(out, "warnings", w.getKey(), w.getValue());
    }
    for (String f : outcome.findings) {
      out.append("finding\t").append(f).append('\n');
    }
    for (String e : outcome.errorSamples) {
      out.append("error\t").append(oneLine(e)).append('\n');
    }
    for (String c : outcome.crashes) {
      out.append("crash\t").append(oneLine(c)).append('\n');
    }
    if (outcome.thrown != null) {
      out.append("thrown\t").append(oneLine(outcome.thrown)).append('\n');
    }
    return out.toString();
  }

  /** Collects what javac and Error Prone report. */
  private static final class Outcome {
    final Path root;
    final Set<String> ownChecks;
    final Map<String, Integer> warningsPerCheck = new TreeMap<>();
    final List<String> findings = new ArrayList<>();
    final List<String> errorSamples = new ArrayList<>();
    final List<String> crashes = new ArrayList<>();
    int errors;
    boolean succeeded;
    String thrown;

    Outcome(Path root, Set<String> ownChecks) {
      this.root = root;
      this.ownChecks = ownChecks;
    }

    void report(Diagnostic<? extends JavaFileObject> d) {
      String message = d.getMessage(Locale.ROOT);
      String where = where(d);
      if (CRASH_CODE.equals(d.getCode())) {
        crashes.add(where + ": " + crashSummary(message));
      }
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors++;
        if (errorSamples.size() < 20) {
          errorSamples.add(where + ": " + message);
        }
        return;
      }
      if (!message.startsWith("[")) {
        return; // javac's own notes and lint
      }
      int close = message.indexOf(']');
      if (close < 0) {
        return;
      }
      String check = message.substring(1, close);
      warningsPerCheck.merge(check, 1, Integer::sum);
      if (ownChecks.contains(check)) {
        String text = message.substring(close + 1).strip();
        int newline = text.indexOf('\n');
        if (newline >= 0) {
          text = text.substring(0, newline).strip(); // drop the "(see …)" link line
        }
        findings.add(where + "\t" + check + "\t" + oneLine(text));
      }
    }

    /** "BugPattern: X: the exception, at its first frame" out of Error Prone's crash report. */
    private static String crashSummary(String message) {
      List<String> lines = message.lines().map(String::strip).toList();
      String check = "";
      String exception = "";
      String frame = "";
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i);
        if (l.startsWith("BugPattern:")) {
          check = l;
        } else if (l.equals("Stack Trace:") && i + 1 < lines.size()) {
          exception = lines.get(i + 1);
          if (i + 2 < lines.size()) {
            frame = lines.get(i + 2);
          }
        }
      }
      return check + "; " + exception + " " + frame;
    }

    private String where(Diagnostic<? extends JavaFileObject> d) {
      if (d.getSource() == null) {
        return "-\t0";
      }
      Path file = Path.of(d.getSource().toUri());
      String rel = file.startsWith(root) ? root.relativize(file).toString() : file.toString();
      return rel + "\t" + d.getLineNumber();
    }
  }

  /** Peak heap occupancy, from the collector's own before/after figures for every GC. */
  private static final class PeakHeap {
    final AtomicLong beforeGc = new AtomicLong();
    final AtomicLong afterGc = new AtomicLong();

    PeakHeap() {
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc)
            .addNotificationListener(
                (n, handback) -> {
                  if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                      n.getType())) {
                    return;
                  }
                  var info =
                      GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                  beforeGc.accumulateAndGet(
                      used(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
                  afterGc.accumulateAndGet(
                      used(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
                },
                null,
                null);
      }
    }

    /** The heap at the end of the compile counts too: it may never have been collected. */
    void sampleNow() {
      beforeGc.accumulateAndGet(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
    }

    private static long used(Map<String, MemoryUsage> pools) {
      long sum = 0;
      for (var e : pools.entrySet()) {
        if (isHeapPool(e.getKey())) {
          sum += e.getValue().getUsed();
        }
      }
      return sum;
    }

    private static boolean isHeapPool(String name) {
      for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getName().equals(name)) {
          return pool.getType() == java.lang.management.MemoryType.HEAP;
        }
      }
      return false;
    }
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    for (String w : s.strip().split("\\s+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  private static void line(StringBuilder out, Object... fields) {
    for (int i = 0; i < fields.length; i++) {
      out.append(i == 0 ? "" : "\t").append(fields[i]);
    }
    out.append('\n');
  }

  static String oneLine(String s) {
    return s.replace('\t', ' ').replace("\r", "").replace("\n", "\\n");
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  private CompileRun() {}
}
