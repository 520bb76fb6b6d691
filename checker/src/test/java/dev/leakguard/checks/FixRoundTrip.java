package dev.leakguard.checks;

import com.google.errorprone.BaseErrorProneJavaCompiler;
import com.google.errorprone.ErrorProneOptions;
import com.google.errorprone.apply.DescriptionBasedDiff;
import com.google.errorprone.apply.ImportOrganizer;
import com.google.errorprone.apply.SourceFile;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.scanner.ErrorProneScanner;
import com.google.errorprone.scanner.ErrorProneScannerTransformer;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.api.JavacTaskImpl;
import com.sun.tools.javac.api.JavacTool;
import com.sun.tools.javac.tree.JCTree.JCCompilationUnit;
import com.sun.tools.javac.util.Context;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;

/**
 * Compiles many small sources in one in-process javac run and runs one check over each, the way
 * {@code -XepPatchChecks} would: each finding's first fix applied to the file ({@link
 * DescriptionBasedDiff}, the same code that writes patches). Sources live in packages of their own
 * so that one run holds them all; one that does not compile is reported as such, not checked.
 */
final class FixRoundTrip implements AutoCloseable {

  /**
   * What one source gave: whether it compiled (else javac's errors), the check's findings, the
   * patched text, and the exception if the check or applying its fixes threw.
   */
  record Result(
      boolean compiled, String errors, List<Description> findings, String patched, String crash) {
    long withFix() {
      return findings.stream().filter(d -> !d.fixes.isEmpty()).count();
    }
  }

  private final JavacTool javac = JavacTool.create();
  private final StandardJavaFileManager files = javac.getStandardFileManager(null, null, null);
  private final Supplier<BugChecker> check;

  FixRoundTrip(Supplier<BugChecker> check) {
    this.check = check;
  }

  /**
   * Compiles {@code sources} (each the text of one file, already in a package of its own, keyed by
   * that package) and checks each one that compiles.
   */
  Map<String, Result> run(Map<String, String> sources) {
    return run(sources, List.of());
  }

  /**
   * {@link #run(Map)} with {@code libraries} compiled beside the sources, in the packages they
   * declare, and neither checked nor reported: the stubs of a library's API that the sources use.
   */
  Map<String, Result> run(Map<String, String> sources, List<String> libraries) {
    return run(sources, libraries, Map.of());
  }

  /**
   * {@link #run(Map, List)} with {@code companions}: for a source's key, the other files of its
   * package that it needs (a test's helper class beside its input), compiled with it and neither
   * checked nor patched. An error in one counts as an error of the source it belongs to.
   */
  Map<String, Result> run(
      Map<String, String> sources, List<String> libraries, Map<String, List<String>> companions) {
    // javac wraps the file objects it is given; their URIs stay.
    Map<URI, String> byFile = new HashMap<>();
    Set<URI> companionFiles = new HashSet<>();
    List<JavaFileObject> inputs = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      JavaFileObject file = file(source.getKey(), source.getValue());
      inputs.add(file);
      byFile.put(file.toUri(), source.getKey());
      List<String> others = companions.getOrDefault(source.getKey(), List.of());
      for (int i = 0; i < others.size(); i++) {
        JavaFileObject other = file(source.getKey() + "/companion" + i, others.get(i));
        inputs.add(other);
        byFile.put(other.toUri(), source.getKey());
        companionFiles.add(other.toUri());
      }
    }
    for (int i = 0; i < libraries.size(); i++) {
      inputs.add(file("library" + i, libraries.get(i)));
    }
    Context context = new Context();
    BaseErrorProneJavaCompiler.setupMessageBundle(context);
    context.put(ErrorProneOptions.class, ErrorProneOptions.empty());
    Map<String, StringBuilder> errors = new HashMap<>();
    JavacTaskImpl task =
        (JavacTaskImpl)
            javac.getTask(
                null,
                files,
                diagnostic -> {
                  if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
                    String key = diagnostic.getSource() == null ? "" : byFile.get(diagnostic.getSource().toUri());
                    errors
                        .computeIfAbsent(key, k -> new StringBuilder())
                        .append(diagnostic.getLineNumber())
                        .append(": ")
                        .append(diagnostic.getMessage(null))
                        .append('\n');
                  }
                },
                List.of(
                    "-proc:none",
                    "-nowarn",
                    "-XDshould-stop.ifError=FLOW",
                    "-Xmaxerrs", // every error reported, so that each broken source is known
                    "1000000",
                    "-classpath",
                    System.getProperty("java.class.path")),
                null,
                inputs,
                context);
    List<CompilationUnitTree> units = new ArrayList<>();
    task.parse().forEach(units::add);
    task.analyze();
    Map<String, Result> results = new HashMap<>();
    for (CompilationUnitTree unit : units) {
      String key = byFile.get(unit.getSourceFile().toUri());
      if (key == null || companionFiles.contains(unit.getSourceFile().toUri())) {
        continue; // a library, or a file that a source needs
      }
      StringBuilder error = errors.get(key);
      if (error != null || errors.containsKey("")) {
        results.put(key, new Result(false, String.valueOf(error), List.of(), sources.get(key), ""));
        continue;
      }
      results.put(key, check(unit, sources.get(key), context));
    }
    return results;
  }

  private Result check(CompilationUnitTree unit, String source, Context context) {
    List<Description> findings = new ArrayList<>();
    DescriptionBasedDiff patch =
        DescriptionBasedDiff.create((JCCompilationUnit) unit, ImportOrganizer.STATIC_FIRST_ORGANIZER);
    try {
      ErrorProneScannerTransformer.create(new ErrorProneScanner(check.get()))
          .apply(new TreePath(unit), context, findings::add);
      findings.forEach(patch::onDescribed);
      SourceFile patched = new SourceFile(unit.getSourceFile().getName(), source);
      patch.applyDifferences(patched);
      return new Result(true, "", findings, patched.getSourceText(), "");
    } catch (RuntimeException | Error e) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      return new Result(true, "", findings, source, trace.toString());
    }
  }

  private static JavaFileObject file(String packageName, String text) {
    return new SimpleJavaFileObject(
        URI.create("string:///" + packageName + "/" + className(text) + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return text;
      }
    };
  }

  /** The public top-level class, which names the file; else any name does. */
  private static String className(String text) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile(
                "(?m)^public\\s+(?:\\w+\\s+)*(?:class|interface|enum|record)\\s+(\\w+)")
            .matcher(text);
    return matcher.find() ? matcher.group(1) : "Source";
  }

  @Override
  public void close() throws IOException {
    files.close();
  }
}
