package dev.leakguard.report;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.tools.javac.util.JCDiagnostic;
import com.sun.tools.javac.util.JCDiagnostic.DiagnosticFlag;
import com.sun.tools.javac.util.JCDiagnostic.DiagnosticPosition;
import com.sun.tools.javac.util.JCDiagnostic.DiagnosticType;
import com.sun.tools.javac.util.Log;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Sees every diagnostic of one compilation (through {@link DiagnosticTap}), keeps LeakGuard's,
 * and when the compilation ends writes the SARIF report and the baseline.
 *
 * <p>Each finding is located and fingerprinted the moment Error Prone reports it: the trees are
 * then attributed and not yet lowered. With a baseline, a finding not in it is reported again as an
 * error (and its warning dropped), so the build fails on it and only on it.
 */
final class FindingCollector implements TaskListener {
  private final ReportOptions options;
  private final Log log;
  private final JCDiagnostic.Factory diagnostics;
  private final FindingLocator locator;
  private final Set<Fingerprint> baseline;
  private final AttachedFixes attachedFixes;
  private final Map<JavaFileObject, CompilationUnitTree> units = new HashMap<>();
  private final Map<Fingerprint, Integer> occurrences = new HashMap<>();
  private final List<Finding> findings = new ArrayList<>();
  /** True while this collector reports a diagnostic of its own, which it must let through. */
  private boolean reporting;

  FindingCollector(
      ReportOptions options,
      Log log,
      JCDiagnostic.Factory diagnostics,
      SourcePositions positions,
      Set<Fingerprint> baseline,
      AttachedFixes attachedFixes) {
    this.options = options;
    this.attachedFixes = attachedFixes;
    this.log = log;
    this.diagnostics = diagnostics;
    this.locator = new FindingLocator(positions);
    this.baseline = baseline;
  }

  @Override
  public void started(TaskEvent e) {
    if (e.getKind() == TaskEvent.Kind.ANALYZE && e.getCompilationUnit() != null) {
      units.put(e.getSourceFile(), e.getCompilationUnit());
    }
  }

  @Override
  public void finished(TaskEvent e) {
    if (e.getKind() == TaskEvent.Kind.PARSE && e.getCompilationUnit() != null) {
      units.put(e.getSourceFile(), e.getCompilationUnit());
    } else if (e.getKind() == TaskEvent.Kind.COMPILATION) {
      finish();
    }
  }

  /** The tap: records LeakGuard findings; returns true to drop the diagnostic. */
  boolean onDiagnostic(JCDiagnostic diagnostic) {
    if (reporting) {
      return false;
    }
    String raw = textOf(diagnostic);
    DiagnosticText parsed = DiagnosticText.parse(raw);
    if (parsed == null) {
      return false;
    }
    Finding finding;
    String shown;
    try {
      List<AttachedFixes.Fix> fixes =
          attachedFixes.take(diagnostic.getSource(), diagnostic.getPosition(), parsed.checkName());
      shown =
          DiagnosticText.describingFixes(
              raw, fixes.stream().map(AttachedFixes.Fix::description).toList());
      finding = record(diagnostic, DiagnosticText.parse(shown), fixes);
    } catch (RuntimeException e) {
      // The report must never break the build it reports on: keep Error Prone's diagnostic.
      return false;
    }
    if ("new".equals(finding.baselineState())) {
      reportAsNew(diagnostic, shown);
      return true;
    }
    if (!shown.equals(raw)) {
      // The same diagnostic, saying what its fix does instead of quoting a line of it.
      report(
          diagnostic.getType(),
          DiagnosticFlag.API,
          diagnostic.getSource(),
          diagnostic.getDiagnosticPosition(),
          shown);
      return true;
    }
    return false;
  }

  private Finding record(
      JCDiagnostic diagnostic, DiagnosticText text, List<AttachedFixes.Fix> fixes) {
    JavaFileObject source = diagnostic.getSource();
    CompilationUnitTree unit = source == null ? null : units.get(source);
    int position = (int) diagnostic.getPosition();
    FindingLocator.Location location =
        unit != null && position >= 0
            ? locator.locate(unit, position)
            : new FindingLocator.Location(
                new SourceRegion(
                    (int) Math.max(1, diagnostic.getLineNumber()),
                    (int) Math.max(1, diagnostic.getColumnNumber()),
                    0,
                    0),
                "",
                "",
                "");
    FileRef file = file(source);
    Fingerprint key =
        new Fingerprint(
            text.checkName(), file.key(), location.owner(), location.member(), location.code(), 0);
    int occurrence = occurrences.merge(key, 1, Integer::sum) - 1;
    Fingerprint fingerprint =
        new Fingerprint(
            key.check(), key.file(), key.owner(), key.member(), key.code(), occurrence);
    String state = null;
    String level = level(diagnostic.getKind());
    if (baseline != null && options.writeBaseline() == null) {
      state = baseline.contains(fingerprint) ? "unchanged" : "new";
      if (state.equals("new")) {
        level = "error";
      }
    }
    Finding finding =
        new Finding(
            text, level, file.uri(), file.relative(), location, fingerprint, state, fixes);
    findings.add(finding);
    return finding;
  }

  /** Replaces Error Prone's diagnostic by an error at the same place with the text shown. */
  private void reportAsNew(JCDiagnostic diagnostic, String shown) {
    String message =
        shown
            + "\n  (new: not in the LeakGuard baseline "
            + options.baseline().getFileName()
            + ")";
    report(
        DiagnosticType.ERROR,
        DiagnosticFlag.API,
        diagnostic.getSource(),
        diagnostic.getDiagnosticPosition(),
        message);
  }

  private void finish() {
    units.clear();
    if (options.sarif() != null) {
      try {
        SarifReport.write(options.sarif(), options.root(), options.category(), findings);
      } catch (IOException | RuntimeException e) {
        error("cannot write the SARIF report " + options.sarif() + ": " + e);
      }
    }
    if (options.writeBaseline() != null) {
      writeBaseline();
    } else if (baseline != null) {
      summarizeGate();
    }
  }

  private void writeBaseline() {
    int otherErrors = log.nerrors;
    if (otherErrors > 0) {
      note(
          "LeakGuard baseline not written: the compilation had errors, so its findings may be"
              + " incomplete; " + options.writeBaseline() + " is unchanged");
      return;
    }
    List<Fingerprint> fingerprints = new ArrayList<>();
    for (Finding finding : findings) {
      fingerprints.add(finding.fingerprint());
    }
    try {
      Baseline.write(options.writeBaseline(), fingerprints);
      note(
          "LeakGuard baseline: recorded "
              + fingerprints.size()
              + " finding(s) in "
              + options.writeBaseline());
    } catch (IOException | RuntimeException e) {
      error("cannot write the baseline " + options.writeBaseline() + ": " + e);
    }
  }

  private void summarizeGate() {
    int fresh = 0;
    Set<Fingerprint> seen = new HashSet<>();
    for (Finding finding : findings) {
      seen.add(finding.fingerprint());
      if ("new".equals(finding.baselineState())) {
        fresh++;
      }
    }
    int baselined = findings.size() - fresh;
    long gone = baseline.stream().filter(f -> !seen.contains(f)).count();
    String name = options.baseline().getFileName().toString();
    String summary =
        "LeakGuard baseline "
            + name
            + ": "
            + fresh
            + " new finding(s), "
            + baselined
            + " baselined"
            + (gone > 0
                ? ", " + gone + " baselined finding(s) no longer reported (re-record with"
                    + " writeBaseline=" + name + " to drop them)"
                : "");
    if (fresh > 0) {
      error(summary + "; fix the new findings, suppress them with @SuppressWarnings, or"
          + " re-record the baseline");
    } else {
      note(summary);
    }
  }

  private void error(String message) {
    report(DiagnosticType.ERROR, DiagnosticFlag.API, null, null, message);
  }

  private void note(String message) {
    report(DiagnosticType.NOTE, DiagnosticFlag.MANDATORY, null, null, message);
  }

  /**
   * Reports a diagnostic of the plugin's own under javac's {@code proc.messager} key (the one
   * {@code Messager} uses: the text as is), so it needs no resource bundle and no package of javac
   * beyond those Error Prone already needs exported.
   */
  private void report(
      DiagnosticType type,
      DiagnosticFlag flag,
      JavaFileObject file,
      DiagnosticPosition position,
      String text) {
    JavaFileObject previous = log.useSource(file);
    reporting = true;
    try {
      log.report(
          diagnostics.create(
              type, null, EnumSet.of(flag), log.currentSource(), position, "proc.messager", text));
    } finally {
      reporting = false;
      log.useSource(previous);
    }
  }

  /**
   * A source file as the report names it.
   *
   * @param uri relative to the report root when inside it, else absolute
   * @param relative whether {@code uri} is relative to the root
   * @param key the path the fingerprint uses: relative to the root with {@code /}, else absolute
   */
  private record FileRef(String uri, boolean relative, String key) {}

  private FileRef file(JavaFileObject source) {
    if (source == null) {
      return new FileRef("unknown", false, "unknown");
    }
    URI uri = source.toUri();
    Path path;
    try {
      path = Paths.get(uri).toAbsolutePath().normalize();
    } catch (RuntimeException e) {
      return new FileRef(uri.toString(), false, uri.toString());
    }
    Path root = options.root().toAbsolutePath().normalize();
    if (!path.startsWith(root)) {
      return new FileRef(path.toUri().toString(), false, path.toString());
    }
    String relative =
        root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    try {
      return new FileRef(new URI(null, null, relative, null).toASCIIString(), true, relative);
    } catch (URISyntaxException e) {
      return new FileRef(path.toUri().toString(), false, relative);
    }
  }

  private static String level(Diagnostic.Kind kind) {
    return switch (kind) {
      case ERROR -> "error";
      case WARNING, MANDATORY_WARNING -> "warning";
      default -> "note";
    };
  }

  /** The raw text Error Prone reported: its message bundle key {@code error.prone} takes it whole. */
  private static String textOf(JCDiagnostic diagnostic) {
    Object[] args = diagnostic.getArgs();
    if (diagnostic.getCode().endsWith(".error.prone") && args.length == 1 && args[0] instanceof String s) {
      return s;
    }
    return diagnostic.getMessage(Locale.ROOT);
  }
}
