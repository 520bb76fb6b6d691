package dev.leakguard.report;

import com.google.auto.service.AutoService;
import com.sun.source.util.JavacTask;
import com.sun.source.util.Plugin;
import com.sun.source.util.Trees;
import com.sun.tools.javac.api.BasicJavacTask;
import com.sun.tools.javac.util.JCDiagnostic;
import com.sun.tools.javac.util.Context;
import com.sun.tools.javac.util.JCDiagnostic.DiagnosticFlag;
import com.sun.tools.javac.util.JCDiagnostic.DiagnosticType;
import com.sun.tools.javac.util.Log;
import java.util.EnumSet;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;

/**
 * Writes LeakGuard's findings of a build as a SARIF 2.1.0 report and gates the build on a baseline.
 * Runs next to Error Prone in the same javac:
 *
 * <pre>{@code
 * -Xplugin:ErrorProne
 * -Xplugin:LeakGuardReport sarif=target/leakguard.sarif baseline=leakguard-baseline.txt
 * }</pre>
 *
 * <p>A javac plugin rather than a converter of build logs: it sees each diagnostic with its file,
 * exact position and the trees around it (which the baseline's fingerprints need), in every build
 * tool that runs javac, with no log format to parse. The cost is reliance on javac's internal
 * {@code Log} (see {@link DiagnosticTap}).
 */
@AutoService(Plugin.class)
public final class LeakGuardReportPlugin implements Plugin {
  static final String NAME = "LeakGuardReport";

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public void init(JavacTask task, String... args) {
    Context context = ((BasicJavacTask) task).getContext();
    Log log = Log.instance(context);
    JCDiagnostic.Factory diagnostics = JCDiagnostic.Factory.instance(context);
    ReportOptions options;
    Set<Fingerprint> baseline = null;
    try {
      options = ReportOptions.parse(args);
      if (options.baseline() != null && options.writeBaseline() == null) {
        if (!Files.isRegularFile(options.baseline())) {
          throw new IllegalArgumentException(
              "baseline=" + options.baseline() + ": no such file; record one with writeBaseline="
                  + options.baseline().getFileName());
        }
        baseline = Baseline.read(options.baseline());
      }
    } catch (IllegalArgumentException | IOException e) {
      log.report(
          diagnostics.create(
              DiagnosticType.ERROR,
              null,
              EnumSet.of(DiagnosticFlag.API),
              log.currentSource(),
              null,
              "proc.messager",
              NAME + ": " + e.getMessage()));
      return;
    }
    FindingCollector collector =
        new FindingCollector(
            options,
            log,
            diagnostics,
            Trees.instance(task).getSourcePositions(),
            baseline,
            AttachedFixes.collectIn(context));
    task.addTaskListener(collector);
    DiagnosticTap.install(log, collector::onDiagnostic);
  }
}
