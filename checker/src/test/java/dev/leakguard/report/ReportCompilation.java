package dev.leakguard.report;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Runs the real javac in this JVM the way a build does: Error Prone and LeakGuard found on the
 * processor path, {@code -Xplugin:ErrorProne} with only the LeakGuard check under test enabled, and
 * {@code -Xplugin:LeakGuardReport} with the given arguments.
 */
final class ReportCompilation {
  final boolean success;
  final List<Diagnostic<? extends JavaFileObject>> diagnostics;
  final String output;

  private ReportCompilation(
      boolean success, List<Diagnostic<? extends JavaFileObject>> diagnostics, String output) {
    this.success = success;
    this.diagnostics = diagnostics;
    this.output = output;
  }

  /** Writes {@code sources} (path under {@code root} to content), then compiles them. */
  static ReportCompilation run(
      Path root, Map<String, String> sources, String checks, String reportArgs)
      throws IOException {
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = root.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
      files.add(file);
    }
    Path classes = Files.createDirectories(root.resolve("classes"));
    List<String> options = new ArrayList<>();
    options.addAll(
        List.of(
            "-d", classes.toString(),
            "-processorpath", System.getProperty("java.class.path"),
            "-XDcompilePolicy=simple",
            "--should-stop=ifError=FLOW",
            "-XDaddTypeAnnotationsToSymbol=true",
            "-XDaddTypeAnnotationsToSymbol=true",
            "-Xplugin:ErrorProne -XepDisableAllChecks " + checks));
    if (reportArgs != null) {
      options.add("-Xplugin:LeakGuardReport " + reportArgs);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> collector = new DiagnosticCollector<>();
    StringWriter output = new StringWriter();
    try (StandardJavaFileManager fileManager =
        javac.getStandardFileManager(collector, Locale.ROOT, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> units = fileManager.getJavaFileObjectsFromPaths(files);
      boolean success =
          javac.getTask(output, fileManager, collector, options, null, units).call();
      return new ReportCompilation(success, collector.getDiagnostics(), output.toString());
    }
  }

  List<Diagnostic<? extends JavaFileObject>> ofKind(Diagnostic.Kind kind) {
    return diagnostics.stream().filter(d -> d.getKind() == kind).collect(Collectors.toList());
  }

  List<String> messages(Diagnostic.Kind kind) {
    return ofKind(kind).stream().map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.toList());
  }

  @Override
  public String toString() {
    return "success=" + success + "\n" + output + "\n" + diagnostics;
  }
}
