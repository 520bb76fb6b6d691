package dev.leakguard.e2e;

import static com.google.common.base.Preconditions.checkState;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs the JDK's own {@code javac} in a child process, set up as a user's build sets it up:
 * {@code -Xplugin:ErrorProne}, with Error Prone and the packaged LeakGuard jar on the processor
 * path. The checks are found only through the jar's {@code META-INF/services} registration: the
 * checker's class directories are never on that path.
 *
 * <p>Diagnostics are parsed from javac's ordinary output ("File.java:12: warning: [Check] ..."
 * then the source line and a caret under the reported column). {@link #withPositions()} adds a
 * diagnostic layout that also prints each diagnostic's start and end offsets, the range an editor
 * underlines.
 */
final class JavacRunner {
  /** The checks this project ships, as Error Prone names them. */
  static final ImmutableSet<String> LEAKGUARD_CHECKS =
      ImmutableSet.of(
          "UnreleasedLock",
          "UnclosedResource",
          "ExecutorNotShutdown",
          "RateLimitRace",
          "TransactionLeak",
          "ThreadLocalLeak");

  /** file:line[:column:start:end]: kind: [Check] message */
  private static final Pattern HEADER =
      Pattern.compile(
          "^(.+\\.java):(\\d+):(?:(\\d+):(-?\\d+):(-?\\d+):)? (warning|error): (?:\\[(\\w+)\\] )?(.*)$");

  private static final Pattern SEE_LINK = Pattern.compile("^\\s*\\(see (\\S+)\\)\\s*$");

  /**
   * One diagnostic as javac printed it.
   *
   * @param column 1-based, where javac put the caret
   * @param start offset of the first character of the reported range; -1 unless {@link
   *     #withPositions()} was asked for
   * @param end offset just past the reported range; -1 unless {@link #withPositions()}
   * @param check the Error Prone check in brackets, or null for javac's own diagnostics
   * @param message the first line of the message, after the check name
   * @param link the "(see ...)" address Error Prone prints, or null
   */
  record Diagnostic(
      Path file,
      int line,
      int column,
      int start,
      int end,
      String kind,
      @Nullable String check,
      String message,
      @Nullable String link) {

    /** "Name.java:12:14", the file's name only. */
    String where() {
      return file.getFileName() + ":" + line + ":" + column;
    }

    /** "Name.java:12:14: [Check] message" with the file's name only: stable across machines. */
    @Override
    public String toString() {
      return file.getFileName() + ":" + line + ":" + column + ": " + kind + ": "
          + (check == null ? "" : "[" + check + "] ") + message;
    }
  }

  /** What one javac run did. */
  record Result(int exitCode, String output, ImmutableList<Diagnostic> diagnostics) {
    /** The diagnostics of LeakGuard's checks, in output order. */
    ImmutableList<Diagnostic> findings() {
      return diagnostics.stream()
          .filter(d -> d.check() != null && LEAKGUARD_CHECKS.contains(d.check()))
          .collect(toImmutableList());
    }

    /** The diagnostics of one check. */
    ImmutableList<Diagnostic> findings(String check) {
      return diagnostics.stream().filter(d -> check.equals(d.check())).collect(toImmutableList());
    }
  }

  private final Path dir;
  private final List<Path> sources = new ArrayList<>();
  private final List<String> errorProneFlags = new ArrayList<>();
  private final List<String> javacOptions = new ArrayList<>();
  private boolean positions;

  private JavacRunner(Path dir) {
    this.dir = dir;
  }

  /** A runner that writes sources and classes under {@code dir}. */
  static JavacRunner in(Path dir) {
    return new JavacRunner(dir);
  }

  /** Writes {@code Name.java} (its package's directories included) and compiles it. */
  JavacRunner source(String relativePath, String... lines) throws IOException {
    Path file = dir.resolve("src").resolve(relativePath);
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n", UTF_8);
    sources.add(file);
    return this;
  }

  /** Compiles an existing file as well. */
  JavacRunner existingSource(Path file) {
    sources.add(file);
    return this;
  }

  /** Flags for Error Prone itself, appended to {@code -Xplugin:ErrorProne}. */
  JavacRunner errorProneFlags(String... flags) {
    errorProneFlags.addAll(List.of(flags));
    return this;
  }

  /** Plain javac options. */
  JavacRunner javacOptions(String... options) {
    javacOptions.addAll(List.of(options));
    return this;
  }

  /** Asks javac to print each diagnostic's column and start/end offsets as well. */
  JavacRunner withPositions() {
    positions = true;
    return this;
  }

  /** The path a source written by {@link #source} has. */
  Path sourcePath(String relativePath) {
    return dir.resolve("src").resolve(relativePath);
  }

  Result compile() throws IOException, InterruptedException {
    checkState(!sources.isEmpty(), "nothing to compile");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "javac").toString());
    for (String option : javacHostOptions()) {
      command.add("-J" + option);
    }
    command.add("-XDcompilePolicy=simple");
    command.add("--should-stop=ifError=FLOW");
    command.add("-XDaddTypeAnnotationsToSymbol=true"); // Error Prone requires it on JDK 21
    command.add("-processorpath");
    command.add(processorPath());
    command.add(String.join(" ", concat("-Xplugin:ErrorProne", errorProneFlags)));
    command.add("-encoding");
    command.add("UTF-8");
    command.add("-d");
    command.add(classes.toString());
    if (positions) {
      command.add("-XDdiags.layout=%f:%l:%c:%s:%e:%_%p%L%m");
    }
    command.addAll(javacOptions);
    for (Path source : sources) {
      command.add(source.toString());
    }

    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("javac did not finish:\n" + output);
    }
    return new Result(process.exitValue(), output, parse(output));
  }

  /** Parses javac's output; package-private for the harness's own test. */
  static ImmutableList<Diagnostic> parse(String output) {
    List<String> lines = Splitter.onPattern("\r?\n").splitToList(output);
    ImmutableList.Builder<Diagnostic> diagnostics = ImmutableList.builder();
    for (int i = 0; i < lines.size(); i++) {
      Matcher header = HEADER.matcher(lines.get(i));
      if (!header.matches()) {
        continue;
      }
      // The source line and the caret follow the first line of the message.
      int caretColumn = -1;
      if (i + 2 < lines.size() && lines.get(i + 2).trim().equals("^")) {
        caretColumn = lines.get(i + 2).indexOf('^') + 1;
      }
      String link = null;
      for (int j = i + 1; j < lines.size() && !HEADER.matcher(lines.get(j)).matches(); j++) {
        Matcher see = SEE_LINK.matcher(lines.get(j));
        if (see.matches()) {
          link = see.group(1);
          break;
        }
      }
      int column = header.group(3) != null ? Integer.parseInt(header.group(3)) : caretColumn;
      checkState(
          header.group(3) == null || caretColumn == -1 || caretColumn == column,
          "caret at %s but column %s in:\n%s", caretColumn, column, lines.get(i));
      diagnostics.add(
          new Diagnostic(
              Path.of(header.group(1)),
              Integer.parseInt(header.group(2)),
              column,
              header.group(4) == null ? -1 : Integer.parseInt(header.group(4)),
              header.group(5) == null ? -1 : Integer.parseInt(header.group(5)),
              header.group(6),
              header.group(7),
              header.group(8),
              link));
    }
    return diagnostics.build();
  }

  /** The packaged jar under test, as the build hands it over ({@code leakguard.jar}). */
  static Path leakGuardJar() {
    String jar = System.getProperty("leakguard.jar");
    checkState(jar != null, "system property leakguard.jar is not set: run the *IT tests with failsafe");
    Path path = Path.of(jar);
    checkState(Files.isRegularFile(path), "no jar at %s: run `package` first", path);
    return path;
  }

  /**
   * Error Prone and what it needs, from this test's class path, then the LeakGuard jar. Class
   * directories (the checker's own classes and test classes) are left out.
   */
  static String processorPath() throws IOException {
    Set<String> path = new LinkedHashSet<>();
    for (String entry : testClassPath()) {
      if (entry.endsWith(".jar") && !entry.contains("surefire") && !entry.contains("failsafe")
          && Files.isRegularFile(Path.of(entry))) {
        path.add(entry);
      }
    }
    checkState(
        path.stream().anyMatch(p -> p.contains("error_prone_core")),
        "error_prone_core is not on the test class path: %s", path);
    String jar = leakGuardJar().toString();
    path.remove(jar);
    path.add(jar);
    return String.join(File.pathSeparator, path);
  }

  private static List<String> testClassPath() throws IOException {
    String surefire = System.getProperty("surefire.test.class.path");
    List<String> entries = new ArrayList<>();
    String classPath = surefire != null ? surefire : System.getProperty("java.class.path");
    for (String entry : Splitter.on(File.pathSeparator).omitEmptyStrings().split(classPath)) {
      entries.add(entry);
      // A manifest-only booter jar names the real class path in its manifest.
      if (entry.endsWith(".jar") && Path.of(entry).getFileName().toString().startsWith("surefirebooter")) {
        try (JarFile booter = new JarFile(entry)) {
          Manifest manifest = booter.getManifest();
          String manifestPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
          if (manifestPath != null) {
            for (String url : Splitter.on(' ').omitEmptyStrings().split(manifestPath)) {
              entries.add(Path.of(URI.create(url)).toString());
            }
          }
        }
      }
    }
    return entries;
  }

  /**
   * The {@code --add-exports}/{@code --add-opens} options this JVM was started with: the ones
   * javac needs to host Error Prone ({@code .mvn/jvm.config}, the build's {@code javac.opens}).
   */
  static ImmutableList<String> javacHostOptions() {
    ImmutableList<String> options =
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-exports=") || a.startsWith("--add-opens="))
            .distinct()
            .collect(toImmutableList());
    checkState(!options.isEmpty(), "this JVM has no --add-exports for javac; see javac.opens in the build");
    return options;
  }

  /**
   * The checks whose source is in this tree ({@code checks/<Name>.java}): each must be registered
   * in the jar and behave as its end-to-end test says. Checks still on other branches are left out.
   */
  static ImmutableSet<String> checksInSourceTree() {
    Path checks = repositoryRoot().resolve("checker/src/main/java/dev/leakguard/checks");
    return LEAKGUARD_CHECKS.stream()
        .filter(name -> Files.isRegularFile(checks.resolve(name + ".java")))
        .collect(ImmutableSet.toImmutableSet());
  }

  /** The repository's top directory: the one holding {@code checker/} and {@code sample-project/}. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("checker/pom.xml")) && Files.isDirectory(dir.resolve("sample-project"))) {
        return dir;
      }
    }
    throw new IllegalStateException("not inside the LeakGuard repository: " + Path.of("").toAbsolutePath());
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
