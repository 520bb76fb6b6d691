package dev.leakguard.report;

import com.sun.tools.javac.util.JCDiagnostic;
import com.sun.tools.javac.util.Log;
import java.lang.reflect.Constructor;
import java.util.function.Predicate;

/**
 * Puts a tap on javac's {@link Log}: every diagnostic reported from then on is shown to a predicate
 * first, which keeps it (false: it goes on to the handler that was current before) or drops it
 * (true).
 *
 * <p>javac's own {@code Log.DeferredDiagnosticHandler(Log, Predicate)} does exactly this: it
 * defers what the predicate accepts and hands everything else to the previous handler. It is
 * created reflectively because its shape changed in JDK 25 (a static nested class with a {@code
 * Log} parameter up to JDK 24, an inner class of {@code Log} since), while both keep a constructor
 * that reflection sees as {@code (Log, Predicate)}. Error Prone's {@code ErrorProneLog} uses the
 * same approach. Dropped diagnostics stay in the handler's queue, which is never reported.
 */
final class DiagnosticTap {
  private DiagnosticTap() {}

  static void install(Log log, Predicate<JCDiagnostic> drop) {
    try {
      Constructor<Log.DeferredDiagnosticHandler> constructor =
          Log.DeferredDiagnosticHandler.class.getConstructor(Log.class, Predicate.class);
      constructor.newInstance(log, drop);
    } catch (ReflectiveOperationException e) {
      throw new LinkageError(
          "LeakGuardReport cannot attach to this javac's Log: " + e.getMessage(), e);
    }
  }
}
