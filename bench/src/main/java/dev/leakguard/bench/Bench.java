package dev.leakguard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The integration and benchmark run: every project of {@code bench/projects.txt} compiled with
 * javac + Error Prone (the baseline) and javac + Error Prone + LeakGuard, each compile in a JVM of
 * its own ({@link CompileRun}), then every LeakGuard fix applied in place and the patched copy
 * compiled again.
 *
 * <p>Exits non-zero when a LeakGuard check crashed, a patched project does not compile, a project
 * does not compile at all (the list is wrong), or the findings differ between two runs.
 */
public final class Bench {

  private static final String BUGCHECKER_SERVICE =
      "META-INF/services/com.google.errorprone.bugpatterns.BugChecker";
  private static final long COMPILE_TIMEOUT_MINUTES = 40;

  private final Options options;
  private final Set<String> ownChecks;
  private final List<String> failures = new ArrayList<>();

  private Bench(Options options, Set<String> ownChecks) {
    this.options = options;
    this.ownChecks = ownChecks;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Set<String> checks = checkNames(options.jar);
    log("LeakGuard jar: " + options.repo.relativize(options.jar) + " (checks: " + checks + ")");
    int status = new Bench(options, checks).run();
    System.exit(status);
  }

  private int run() throws Exception {
    List<Project> all = Project.readAll(options.list);
    List<Project> projects = new ArrayList<>();
    for (Project p : all) {
      boolean chosen =
          options.only.isEmpty() ? (!options.quick || p.quick()) : options.only.contains(p.name());
      if (chosen) {
        projects.add(p);
      }
    }
    if (projects.isEmpty()) {
      log("no project selected from " + options.list);
      return 2;
    }
    Files.createDirectories(options.results);
    ProjectFetcher fetcher = new ProjectFetcher(options.maven, options.work);
    List<ProjectReport> reports = new ArrayList<>();
    for (Project p : projects) {
      log("== " + p.name() + " " + p.coordinates());
      ProjectFetcher.Prepared prepared = fetcher.prepare(p);
      if (options.fetchOnly) {
        log("  " + prepared.sources().size() + " files, " + Loc.count(prepared.sources()) + " LOC");
        continue;
      }
      reports.add(measure(prepared));
    }
    if (options.fetchOnly) {
      return 0;
    }
    String summary = Report.render(reports, ownChecks, options, failures);
    System.out.print(summary);
    if (!options.quick && options.only.isEmpty()) {
      Files.writeString(options.results.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
    }
    return failures.isEmpty() ? 0 : 1;
  }

  private ProjectReport measure(ProjectFetcher.Prepared prepared) throws Exception {
    Project p = prepared.project();
    ProjectReport report = new ProjectReport(p.name());
    report.files = prepared.sources().size();
    report.loc = Loc.count(prepared.sources());
    log("  " + report.files + " files, " + report.loc + " lines of code");

    // One unmeasured compile first: the first compile of a project reads its sources and
    // classpath jars from disk, and would otherwise count against whichever build ran first.
    logRun("warm-up", 1, compile(prepared, prepared.sourceRoot(), "warmup", false, ""));
    // Interleaved, so a change in the machine's load hits both builds alike, and in alternating
    // order (base, lg, lg, base, …), so neither build always runs first.
    for (int i = 1; i <= options.runs; i++) {
      boolean baseFirst = i % 2 == 1;
      RunResult base = null;
      if (baseFirst) {
        base = compile(prepared, prepared.sourceRoot(), "baseline-" + i, false, "");
        logRun("baseline", i, base);
      }
      RunResult lg = compile(prepared, prepared.sourceRoot(), "leakguard-" + i, true, "");
      logRun("leakguard", i, lg);
      if (!baseFirst) {
        base = compile(prepared, prepared.sourceRoot(), "baseline-" + i, false, "");
        logRun("baseline", i, base);
      }
      report.baseline.add(base);
      report.leakguard.add(lg);
      if (base.crashed() || base.errors > 0) {
        failures.add(
            p.name()
                + ": does not compile with Error Prone alone (fix the list): "
                + (base.crashed() ? base.crashSummary() : base.errorSamples));
        return report;
      }
      if (lg.crashed()) {
        // Error Prone stops a compile at the first crash: survey the rest of the project, so
        // that every crash is recorded, and the findings and fixes of the other files too.
        // Timing stops here: the project is measured again once its crashes are fixed.
        lg =
            compileAroundCrashes(
                prepared, prepared.sourceRoot(), "leakguard-" + i, "", lg, report.crashedFiles);
        report.leakguard.set(report.leakguard.size() - 1, lg);
        for (String crash : lg.crashLines()) {
          failures.add(p.name() + ": crash with LeakGuard: " + crash);
        }
        writeCrashes(p, lg);
        if (!lg.crashed()) { // else a crash in no file, or one that leaving its file out did not stop
          writeFindingsAndPatch(prepared, report, lg);
        }
        return report;
      }
      if (lg.errors > 0) {
        failures.add(p.name() + ": errors with LeakGuard only: " + lg.errorSamples);
      }
    }
    RunResult first = report.leakguard.get(0);
    for (RunResult other : report.leakguard) {
      if (!other.findingLines().equals(first.findingLines())) {
        failures.add(p.name() + ": findings differ between two runs of the same compile");
      }
    }
    writeCrashes(p, first);
    writeFindingsAndPatch(prepared, report, first);
    return report;
  }

  private void writeFindingsAndPatch(
      ProjectFetcher.Prepared prepared, ProjectReport report, RunResult first) throws Exception {
    Project p = prepared.project();
    Files.write(
        options.results.resolve("findings-" + p.name() + ".txt"),
        first.findingLines(),
        StandardCharsets.UTF_8);
    if (!ownChecks.isEmpty() && !first.findings.isEmpty()) {
      patch(prepared, report);
    } else {
      report.patchNote = "nothing to fix";
      Files.deleteIfExists(options.results.resolve("fixes-" + p.name() + ".diff"));
    }
  }

  /** {@code crashes-<project>.txt}: every crash of the run, or no file when there was none. */
  private void writeCrashes(Project p, RunResult lg) throws IOException {
    Path file = options.results.resolve("crashes-" + p.name() + ".txt");
    if (lg.crashLines().isEmpty()) {
      Files.deleteIfExists(file);
    } else {
      Files.write(file, lg.crashLines(), StandardCharsets.UTF_8);
    }
  }

  /** At most this many files are left out of the analysis, one recompile each, per compile. */
  private static final int MAX_CRASHED_FILES = 30;

  /**
   * Goes on past crashes: Error Prone stops a compile at the first check that throws, so the
   * file the crash was in is left out of Error Prone's analysis ({@code -XepExcludedPaths}: javac
   * still compiles it, so the files that use it still compile) and the project compiled again,
   * until a compile ends without a crash. The result holds every crash met on the way and the
   * findings of the last compile: those of every file no check crashed in. {@code crashedFiles}
   * collects the files left out (it may already hold some: they stay out).
   */
  private RunResult compileAroundCrashes(
      ProjectFetcher.Prepared prepared,
      Path root,
      String label,
      String epFlags,
      RunResult first,
      Set<String> crashedFiles)
      throws IOException, InterruptedException {
    List<String> earlier = new ArrayList<>();
    RunResult last = first;
    int round = 0;
    while (last.crashed()) {
      String file = last.crashedFile();
      if (file == null || !crashedFiles.add(file) || crashedFiles.size() > MAX_CRASHED_FILES) {
        break; // no file to leave out, or leaving it out did not help: stop here, crashed
      }
      earlier.addAll(last.crashLines());
      round++;
      log("  " + label + ": crash in " + file + "; compiling again without analysing it");
      last =
          compile(
              prepared,
              root,
              label + "-around-crash-" + round,
              true,
              withExcluded(epFlags, crashedFiles));
      logRun(label + " (" + crashedFiles.size() + " file(s) left out)", round, last);
    }
    last.earlierCrashes.addAll(earlier);
    return last;
  }

  /** Error Prone's flag that leaves files out of its analysis, for paths relative to a root. */
  static String excludedPaths(Set<String> relativePaths) {
    if (relativePaths.isEmpty()) {
      return "";
    }
    List<String> quoted = new ArrayList<>();
    for (String rel : relativePaths) {
      quoted.add(java.util.regex.Pattern.quote(rel));
    }
    return "-XepExcludedPaths:.*/(" + String.join("|", quoted) + ")";
  }

  /** Applies every LeakGuard fix in place on a copy, then compiles the copy again. */
  private void patch(ProjectFetcher.Prepared prepared, ProjectReport report) throws Exception {
    Project p = prepared.project();
    Path original = prepared.sourceRoot();
    Path patched = prepared.dir().resolve("patched");
    deleteTree(patched);
    for (Path f : prepared.sources()) {
      Path to = patched.resolve(original.relativize(f));
      Files.createDirectories(to.getParent());
      Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
    }
    Set<String> crashedFiles = report.crashedFiles;
    String patchFlags =
        "-XepPatchChecks:" + String.join(",", ownChecks) + " -XepPatchLocation:IN_PLACE";
    RunResult apply =
        compile(prepared, patched, "patch-apply", true, withExcluded(patchFlags, crashedFiles));
    if (apply.crashed()) {
      apply = compileAroundCrashes(prepared, patched, "patch-apply", patchFlags, apply, crashedFiles);
      for (String crash : apply.crashLines()) {
        failures.add(p.name() + ": crash while applying fixes: " + crash);
      }
      report.patchCrashes += apply.crashLines().size();
      if (apply.crashed()) {
        report.patchNote = "crashed";
        return;
      }
    }
    StringBuilder diff = new StringBuilder();
    for (Path f : prepared.sources()) {
      String rel = original.relativize(f).toString();
      Path g = patched.resolve(rel);
      if (Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(g))) {
        continue;
      }
      report.fixedFiles++;
      String unified = unifiedDiff(f, g, rel);
      diff.append(unified);
      report.fixedHunks += (int) unified.lines().filter(l -> l.startsWith("@@")).count();
    }
    Files.writeString(
        options.results.resolve("fixes-" + p.name() + ".diff"), diff, StandardCharsets.UTF_8);
    RunResult again =
        compile(prepared, patched, "patch-recompile", true, withExcluded("", crashedFiles));
    if (again.crashed()) {
      again = compileAroundCrashes(prepared, patched, "patch-recompile", "", again, crashedFiles);
      for (String crash : again.crashLines()) {
        failures.add(p.name() + ": crash on the patched sources: " + crash);
      }
    }
    report.patched = again;
    if (again.crashed()) {
      // recorded above
    } else if (again.errors > 0) {
      failures.add(p.name() + ": patched sources do not compile: " + again.errorSamples);
    } else if (report.fixedHunks > 0) {
      secondPass(prepared, report, patched, patchFlags);
    }
    log(
        "  fixes: "
            + report.fixedFiles
            + " files, "
            + report.fixedHunks
            + " hunks; patched copy "
            + (again.errors == 0 && !again.crashed() ? "compiles" : "DOES NOT COMPILE")
            + ", "
            + again.findings.size()
            + " findings remain");
  }

  /**
   * Applies the fixes once more, to a copy of the patched sources: a fix is idempotent when this
   * second pass changes nothing. What it changes is written to {@code fixes-again-<project>.diff}
   * and counted in the summary; it is not a failure (a first fix may leave a narrower finding
   * that has a fix of its own), but each such hunk is a fix that did not finish its job.
   */
  private void secondPass(
      ProjectFetcher.Prepared prepared, ProjectReport report, Path patched, String patchFlags)
      throws Exception {
    Project p = prepared.project();
    Path again = prepared.dir().resolve("patched-again");
    deleteTree(again);
    List<Path> patchedSources = new ArrayList<>();
    for (Path f : prepared.sources()) {
      Path from = patched.resolve(prepared.sourceRoot().relativize(f));
      Path to = again.resolve(prepared.sourceRoot().relativize(f));
      Files.createDirectories(to.getParent());
      Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
      patchedSources.add(from);
    }
    RunResult apply =
        compile(
            prepared,
            again,
            "patch-again",
            true,
            withExcluded(patchFlags, report.crashedFiles));
    if (apply.crashed()) {
      for (String crash : apply.crashLines()) {
        failures.add(p.name() + ": crash while applying fixes a second time: " + crash);
      }
      report.patchCrashes += apply.crashLines().size();
      return;
    }
    StringBuilder diff = new StringBuilder();
    for (Path from : patchedSources) {
      String rel = patched.relativize(from).toString();
      Path g = again.resolve(rel);
      if (Arrays.equals(Files.readAllBytes(from), Files.readAllBytes(g))) {
        continue;
      }
      String unified = unifiedDiff(from, g, rel);
      diff.append(unified);
      report.secondPassHunks += (int) unified.lines().filter(l -> l.startsWith("@@")).count();
    }
    Path out = options.results.resolve("fixes-again-" + p.name() + ".diff");
    if (diff.isEmpty()) {
      Files.deleteIfExists(out);
    } else {
      Files.writeString(out, diff, StandardCharsets.UTF_8);
    }
    log("  second fix pass: " + report.secondPassHunks + " hunks changed");
  }

  private static String withExcluded(String epFlags, Set<String> crashedFiles) {
    return (epFlags + " " + excludedPaths(crashedFiles)).strip();
  }

  private String unifiedDiff(Path a, Path b, String rel) throws IOException, InterruptedException {
    Process diff =
        new ProcessBuilder(
                "diff", "-u", "--label", "a/" + rel, "--label", "b/" + rel, a.toString(),
                b.toString())
            .redirectErrorStream(true)
            .start();
    String out;
    try (InputStream in = diff.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    diff.waitFor();
    return out;
  }

  /** One compilation in a fresh JVM; {@code withLeakGuard} puts the jar on the processor path. */
  private RunResult compile(
      ProjectFetcher.Prepared prepared,
      Path root,
      String label,
      boolean withLeakGuard,
      String epFlags)
      throws IOException, InterruptedException {
    Path runs = prepared.dir().resolve("runs");
    Files.createDirectories(runs);
    Path out = prepared.dir().resolve("classes-" + label);
    deleteTree(out);
    Files.createDirectories(out);
    Path empty = prepared.dir().resolve("empty-processor-path");
    Files.createDirectories(empty);

    List<String> sources = new ArrayList<>();
    for (Path f : prepared.sources()) {
      sources.add(root.resolve(prepared.sourceRoot().relativize(f)).toString());
    }
    Path sourcesFile = runs.resolve(label + ".sources");
    Files.write(sourcesFile, sources, StandardCharsets.UTF_8);

    Properties request = new Properties();
    request.setProperty("root", root.toString());
    request.setProperty("sources", sourcesFile.toString());
    request.setProperty("classpath", prepared.classpath());
    // Both builds name a processor path, so javac searches the same places for processors.
    request.setProperty(
        "processorpath", withLeakGuard ? options.jar.toString() : empty.toString());
    request.setProperty("release", prepared.project().release());
    request.setProperty("encoding", prepared.project().encoding());
    request.setProperty("out", out.toString());
    request.setProperty("checks", String.join(" ", ownChecks));
    request.setProperty("epFlags", epFlags);
    Path requestFile = runs.resolve(label + ".properties");
    try (var w = Files.newBufferedWriter(requestFile, StandardCharsets.UTF_8)) {
      request.store(w, null);
    }
    Path resultFile = runs.resolve(label + ".tsv");
    Files.deleteIfExists(resultFile);
    Path logFile = runs.resolve(label + ".log");

    List<String> command = new ArrayList<>();
    command.add(options.java.toString());
    command.addAll(options.jvmFlags);
    command.addAll(List.of("-cp", options.classpath, CompileRun.class.getName()));
    command.addAll(List.of(requestFile.toString(), resultFile.toString()));
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    boolean finished = child.waitFor(COMPILE_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!finished) {
      child.destroyForcibly().waitFor();
    }
    RunResult result;
    if (finished && child.exitValue() == 0 && Files.exists(resultFile)) {
      result = RunResult.read(resultFile);
    } else {
      result = new RunResult();
      result.abnormal =
          (finished ? "compiler JVM exited " + child.exitValue() : "timed out")
              + ": "
              + tail(logFile)
              + " (see "
              + options.repo.relativize(logFile)
              + ")";
    }
    deleteTree(out);
    return result;
  }

  private void logRun(String mode, int i, RunResult r) {
    log(
        String.format(
            Locale.ROOT,
            "  %-9s run %d: wall %6.1f s, cpu %6.1f s, heap peak %5d MB, live %5d MB,"
                + " LeakGuard checks %6.2f s, %d findings%s",
            mode,
            i,
            r.wallNs / 1e9,
            r.cpuNs / 1e9,
            r.heapPeakBytes >> 20,
            r.heapLiveBytes >> 20,
            r.timeIn(ownChecks) / 1e9,
            r.findings.size(),
            r.crashed() ? ", CRASH" : r.errors > 0 ? ", " + r.errors + " ERRORS" : ""));
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join(
          " | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no output)";
    }
  }

  /** The canonical names of the checks the jar registers, from its @BugPattern annotations. */
  static Set<String> checkNames(Path jar) throws IOException {
    List<String> classes = new ArrayList<>();
    try (JarFile jf = new JarFile(jar.toFile())) {
      var entry = jf.getEntry(BUGCHECKER_SERVICE);
      if (entry != null) {
        try (InputStream in = jf.getInputStream(entry)) {
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String name = line.replaceAll("#.*", "").strip();
            if (!name.isEmpty()) {
              classes.add(name);
            }
          }
        }
      }
    }
    Set<String> names = new TreeSet<>();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, Bench.class.getClassLoader())) {
      for (String c : classes) {
        try {
          Class<?> k = Class.forName(c, false, loader);
          var pattern = k.getAnnotation(com.google.errorprone.BugPattern.class);
          names.add(
              pattern != null && !pattern.name().isEmpty() ? pattern.name() : k.getSimpleName());
        } catch (ClassNotFoundException e) {
          throw new IOException("the jar's service file names a missing class: " + c, e);
        }
      }
    }
    return names;
  }

  static void log(String s) {
    System.err.println(s);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  /** Everything measured for one project. */
  static final class ProjectReport {
    final String name;
    int files;
    long loc;
    final List<RunResult> baseline = new ArrayList<>();
    final List<RunResult> leakguard = new ArrayList<>();
    int fixedFiles;
    int fixedHunks;
    /** Hunks a second fix pass over the patched sources changed (0: the fixes are idempotent). */
    int secondPassHunks;
    RunResult patched;
    String patchNote;
    /** Files left out of the analysis because a LeakGuard check crashed in them. */
    final Set<String> crashedFiles = new TreeSet<>();
    int patchCrashes;

    ProjectReport(String name) {
      this.name = name;
    }
  }

  /** Command-line options; bench/run fills in the paths. */
  static final class Options {
    Path repo;
    Path jar;
    Path java;
    Path maven;
    Path list;
    Path work;
    Path results;
    String classpath;
    List<String> jvmFlags = new ArrayList<>();
    boolean quick;
    boolean fetchOnly;
    int runs = -1;
    Set<String> only = new TreeSet<>();

    static Options parse(String[] args) throws IOException {
      Options o = new Options();
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--quick" -> o.quick = true;
          case "--fetch-only" -> o.fetchOnly = true;
          case "--repo", "--jar", "--java", "--classpath", "--runs", "--projects", "--jvm-flags",
              "--list" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(a + " needs a value");
            }
            values.put(a, args[++i]);
          }
          default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
        }
      }
      o.repo = Path.of(values.getOrDefault("--repo", ".")).toAbsolutePath().normalize();
      o.jar = Path.of(required(values, "--jar")).toAbsolutePath().normalize();
      o.java = Path.of(required(values, "--java"));
      o.classpath = required(values, "--classpath");
      o.maven = o.repo.resolve("bin/mvn-jdk21");
      o.list = Path.of(values.getOrDefault("--list", o.repo.resolve("bench/projects.txt").toString()));
      o.work = o.repo.resolve("bench/work");
      o.results = o.repo.resolve("bench/results");
      o.runs = Integer.parseInt(values.getOrDefault("--runs", o.quick ? "1" : "3"));
      if (values.containsKey("--projects")) {
        o.only.addAll(List.of(values.get("--projects").split(",")));
      }
      // The javac internals Error Prone needs, as the root build passes them to its JVMs.
      String exports = Files.readString(o.repo.resolve(".mvn/jvm.config")).strip();
      o.jvmFlags.addAll(List.of(exports.split("\\s+")));
      o.jvmFlags.addAll(
          List.of(values.getOrDefault("--jvm-flags", DEFAULT_JVM_FLAGS).strip().split("\\s+")));
      return o;
    }

    private static String required(Map<String, String> values, String key) {
      String v = values.get(key);
      if (v == null) {
        throw new IllegalArgumentException("missing " + key + "\n" + USAGE);
      }
      return v;
    }
  }

  /** The same for every compile of every mode. */
  static final String DEFAULT_JVM_FLAGS = "-Xmx4g -Xss4m -XX:+UseG1GC";

  static final String USAGE =
      "usage: bench/run [--quick] [--runs N] [--projects a,b] [--jar checker.jar]"
          + " [--jvm-flags \"...\"] [--list projects.txt] [--fetch-only]";

  /** Lines of code: lines that are neither blank nor only comment. */
  static final class Loc {
    static long count(List<Path> files) throws IOException {
      long n = 0;
      for (Path f : files) {
        n += count(Files.readString(f, StandardCharsets.ISO_8859_1));
      }
      return n;
    }

    static long count(String text) {
      long n = 0;
      boolean inBlock = false;
      for (String raw : text.split("\n", -1)) {
        String line = raw.strip();
        boolean code = false;
        int i = 0;
        while (i < line.length()) {
          if (inBlock) {
            int end = line.indexOf("*/", i);
            if (end < 0) {
              i = line.length();
            } else {
              inBlock = false;
              i = end + 2;
            }
          } else if (line.startsWith("//", i)) {
            break;
          } else if (line.startsWith("/*", i)) {
            inBlock = true;
            i += 2;
          } else if (Character.isWhitespace(line.charAt(i))) {
            i++;
          } else {
            code = true;
            break; // a comment opener later on the line no longer matters
          }
        }
        if (code) {
          n++;
          // A block comment opened after code on the same line is rare in real sources;
          // if it is not closed on that line, track it so the next lines are not counted.
          int open = line.lastIndexOf("/*");
          if (open >= 0 && line.indexOf("*/", open) < 0 && !line.contains("\"")) {
            inBlock = true;
          }
        }
      }
      return n;
    }

    private Loc() {}
  }

  /** Medians and the printed table. */
  static final class Report {
    static String render(
        List<ProjectReport> reports, Set<String> ownChecks, Options options, List<String> failures) {
      StringBuilder s = new StringBuilder();
      s.append(
          String.format(
              Locale.ROOT,
              "%nLeakGuard benchmark: %d project(s), median of %d run(s) per build, JVM flags: %s%n",
              reports.size(),
              options.runs,
              String.join(" ", options.jvmFlags.stream().filter(f -> !f.startsWith("--add-")).toList())));
      s.append("checks: ").append(ownChecks).append("\n\n");

      String header =
          "%-16s %8s %8s %7s %7s %6s %7s %7s %6s %7s %7s %7s %9s %8s %9s %7s%n";
      s.append(
          String.format(
              Locale.ROOT,
              header,
              "project",
              "LOC",
              "findings",
              "crashes",
              "base s",
              "lg s",
              "wall×",
              "cpu×",
              "base MB",
              "lg MB",
              "mem×",
              "LG share",
              "EP share",
              "fixes",
              "patched",
              "again"));
      long totalLoc = 0;
      int totalFindings = 0;
      int totalCrashes = 0;
      double sumBaseWall = 0;
      double sumLgWall = 0;
      double sumBaseCpu = 0;
      double sumLgCpu = 0;
      double sumOwn = 0;
      double sumAllChecks = 0;
      Map<String, Map<String, Integer>> perCheck = new TreeMap<>();
      for (ProjectReport r : reports) {
        int crashes =
            Stream.concat(r.leakguard.stream(), Stream.ofNullable(r.patched))
                    .mapToInt(x -> x.crashLines().size())
                    .sum()
                + r.patchCrashes;
        totalCrashes += crashes;
        totalLoc += r.loc;
        if (r.leakguard.isEmpty() || r.baseline.isEmpty()) {
          continue;
        }
        RunResult first = r.leakguard.get(0);
        totalFindings += first.findings.size();
        first.findingsPerCheck().forEach(
            (check, n) -> perCheck.computeIfAbsent(check, k -> new TreeMap<>()).put(r.name, n));
        double bw = median(r.baseline, x -> x.wallNs);
        double lw = median(r.leakguard, x -> x.wallNs);
        double bc = median(r.baseline, x -> x.cpuNs);
        double lc = median(r.leakguard, x -> x.cpuNs);
        double bm = median(r.baseline, x -> x.heapLiveBytes);
        double lm = median(r.leakguard, x -> x.heapLiveBytes);
        double own = median(r.leakguard, x -> x.timeIn(ownChecks));
        double share = median(r.leakguard, x -> x.wallNs == 0 ? 0 : x.timeIn(ownChecks) * 1e6 / x.wallNs) / 1e4;
        double epShare = median(r.baseline, x -> x.wallNs == 0 ? 0 : x.timeInAllChecks() * 1e6 / x.wallNs) / 1e4;
        sumBaseWall += bw;
        sumLgWall += lw;
        sumBaseCpu += bc;
        sumLgCpu += lc;
        sumOwn += own;
        sumAllChecks += median(r.baseline, RunResult::timeInAllChecks);
        String fixes = r.patchNote != null ? "-" : r.fixedFiles + "f/" + r.fixedHunks + "h";
        String patched =
            r.patched == null
                ? (r.patchNote == null ? "-" : r.patchNote.equals("nothing to fix") ? "n/a" : r.patchNote)
                : r.patched.errors == 0 && !r.patched.crashed()
                    ? "ok/" + r.patched.findings.size()
                    : "FAILS";
        s.append(
            String.format(
                Locale.ROOT,
                "%-16s %8d %8d %7d %7.1f %7.1f %6.3f %7.3f %7d %7d %7.3f %6.2f%% %6.1f%% %9s %8s %7s%n",
                r.name,
                r.loc,
                first.findings.size(),
                crashes,
                bw / 1e9,
                lw / 1e9,
                lw / bw,
                lc / bc,
                (long) bm >> 20,
                (long) lm >> 20,
                lm / bm,
                share,
                epShare,
                fixes,
                patched,
                r.patched == null || r.fixedHunks == 0 ? "-" : r.secondPassHunks + "h"));
      }
      if (sumBaseWall > 0) {
        s.append(
            String.format(
                Locale.ROOT,
                "%-16s %8d %8d %7d %7.1f %7.1f %6.3f %7.3f %7s %7s %7s %6.2f%% %6.1f%%%n",
                "TOTAL",
                totalLoc,
                totalFindings,
                totalCrashes,
                sumBaseWall / 1e9,
                sumLgWall / 1e9,
                sumLgWall / sumBaseWall,
                sumLgCpu / sumBaseCpu,
                "",
                "",
                "",
                100 * sumOwn / sumLgWall,
                100 * sumAllChecks / sumBaseWall));
      }
      s.append(pairedRuns(reports));
      s.append(
          """

          base/lg s: median wall time of the compile without/with LeakGuard; wall×, cpu×: their ratios
          (cpu = the compiling JVM's process CPU time, GC and JIT threads included);
          base/lg MB: median largest live heap after a GC; mem×: its ratio;
          LG share: Error Prone's own timing of LeakGuard's checks / the whole compile's wall time
          (ErrorProneTimings, one compilation; the number least moved by load on the machine);
          EP share: the same for all Error Prone checks in the baseline build;
          fixes: files/hunks changed by -XepPatchChecks (IN_PLACE); patched: compiles?/findings left;
          again: hunks a second fix pass over the patched copy changes (0h: the fixes are idempotent).
          """);
      s.append("\nfindings per check:\n");
      if (perCheck.isEmpty()) {
        s.append("  (none)\n");
      }
      perCheck.forEach(
          (check, byProject) -> {
            int sum = byProject.values().stream().mapToInt(Integer::intValue).sum();
            s.append(String.format(Locale.ROOT, "  %-20s %5d  %s%n", check, sum, byProject));
          });
      s.append("\nLeakGuard's time per check (Error Prone's timings, median per project, summed):\n");
      for (String check : ownChecks) {
        double sum = 0;
        for (ProjectReport r : reports) {
          sum += median(r.leakguard, x -> x.timings.getOrDefault(check, 0L));
        }
        s.append(
            String.format(
                Locale.ROOT,
                "  %-20s %7.2f s  (%.2f%% of the LeakGuard builds' wall time)%n",
                check,
                sum / 1e9,
                sumLgWall == 0 ? 0 : 100 * sum / sumLgWall));
      }
      s.append("\n");
      if (failures.isEmpty()) {
        s.append("RESULT: OK (no crash, every patched project compiles, findings stable)\n");
      } else {
        s.append("RESULT: FAILED\n");
        for (String f : failures) {
          s.append("  - ").append(f).append('\n');
        }
      }
      return s.toString();
    }

    interface Metric {
      double of(RunResult r);
    }

    /**
     * The ratio of the i-th LeakGuard build to the i-th baseline build, summed over the projects,
     * for each run i: the two builds of a pair run back to back, so a change in the machine's load
     * between pairs cancels out, which the ratio of the two medians does not guarantee.
     */
    static String pairedRuns(List<ProjectReport> reports) {
      int runs =
          reports.stream()
              .mapToInt(r -> Math.min(r.baseline.size(), r.leakguard.size()))
              .filter(n -> n > 0)
              .min()
              .orElse(0);
      if (runs == 0) {
        return "";
      }
      double[] wall = new double[runs];
      double[] cpu = new double[runs];
      for (int i = 0; i < runs; i++) {
        double baseWall = 0, lgWall = 0, baseCpu = 0, lgCpu = 0;
        for (ProjectReport r : reports) {
          if (r.baseline.size() > i && r.leakguard.size() > i) {
            baseWall += r.baseline.get(i).wallNs;
            lgWall += r.leakguard.get(i).wallNs;
            baseCpu += r.baseline.get(i).cpuNs;
            lgCpu += r.leakguard.get(i).cpuNs;
          }
        }
        wall[i] = baseWall == 0 ? 0 : lgWall / baseWall;
        cpu[i] = baseCpu == 0 ? 0 : lgCpu / baseCpu;
      }
      return String.format(
          Locale.ROOT,
          "paired runs (run i of both builds, all projects): wall× %s median %.3f; cpu× %s median"
              + " %.3f%n",
          format(wall),
          medianOf(wall),
          format(cpu),
          medianOf(cpu));
    }

    private static String format(double[] values) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < values.length; i++) {
        b.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", values[i]));
      }
      return b.append(']').toString();
    }

    private static double medianOf(double[] values) {
      double[] v = values.clone();
      Arrays.sort(v);
      return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double median(List<RunResult> runs, Metric m) {
      double[] v = runs.stream().mapToDouble(m::of).sorted().toArray();
      if (v.length == 0) {
        return 0;
      }
      return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private Report() {}
  }
}
