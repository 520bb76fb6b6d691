package dev.leakguard.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.CompilationUnitTree;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.flow.ObligationAnalysis;
import java.util.function.Supplier;

/**
 * The base of every LeakGuard check, and the single place that keeps a check's exception out of
 * javac: each {@code match…} method of a check runs its work through {@link #guarded}. An exception
 * that escapes a matcher stops the user's build with "An unhandled exception was thrown by the
 * Error Prone static analysis plugin"; missing the findings of one method or class is better.
 *
 * <p>Fixes have a gate of their own, {@link dev.leakguard.fix.FixValidation}: Error Prone applies a
 * fix after the matcher has returned, where no catch of ours runs, so every fix is checked before it
 * is attached. Under {@value ObligationAnalysis#STRICT_PROPERTY} (our own tests) both rethrow, so a
 * test sees the bug instead of a silent gap.
 */
abstract class LeakGuardChecker extends BugChecker {

  private static final long serialVersionUID = 1L;

  /** Whether this instance (one per compilation) has reported option types that do not resolve. */
  private boolean optionTypesChecked;

  /**
   * Once per compilation, at its first unit: a finding that names the option types (extra lock,
   * resource or transaction types...) that do not resolve on this compilation's classpath, so a
   * misspelled option does not silently check nothing.
   */
  protected final Description reportUnresolvedOptionTypes(
      CompilationUnitTree unit, LeakGuardOptions options, VisitorState state) {
    if (optionTypesChecked) {
      return Description.NO_MATCH;
    }
    optionTypesChecked = true;
    String unresolved = options.unresolvedTypesMessage(canonicalName(), state);
    return unresolved == null
        ? Description.NO_MATCH
        : buildDescription(unit).setMessage(unresolved).build();
  }

  /**
   * Runs one matcher's work; an exception (a tree shape, an attribution gap the code did not
   * expect) ends it with the findings reported so far, instead of failing the compilation.
   */
  protected final Description guarded(Supplier<Description> matcher) {
    try {
      return matcher.get();
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      if (Boolean.getBoolean(ObligationAnalysis.STRICT_PROPERTY)) {
        throw e;
      }
      return Description.NO_MATCH;
    }
  }
}
