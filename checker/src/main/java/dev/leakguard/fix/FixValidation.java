package dev.leakguard.fix;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.Fix;
import com.google.errorprone.fixes.Replacement;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import dev.leakguard.flow.ObligationAnalysis;
import dev.leakguard.report.AttachedFixes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one gate every LeakGuard check's fix passes before it is attached to a finding: the fix is
 * built, its edits are computed against the compilation unit, checked, and applied once to the
 * source text, all here. A fix that fails any step is dropped and the finding is reported without
 * it, saying why.
 *
 * <p>Why: Error Prone applies a finding's fix while javac runs, to render the "Did you mean" line
 * ({@code AppliedFix}) and for {@code -XepPatchChecks}. A fix whose edits cannot be applied (an
 * insertion inside a range another edit replaces, which {@code Replacements} does not reject)
 * throws there, outside any check, and fails the user's build. Checking here makes that whole class
 * of bug cost one fix instead of a build. Under {@value ObligationAnalysis#STRICT_PROPERTY} (our own
 * tests) a failing fix throws instead, so that a test sees it.
 */
public final class FixValidation {

  /** What a dropped fix's finding says, worded to follow "no fix is offered: ". */
  static final String DROPPED = "the rewrite LeakGuard computed could not be applied safely";

  private FixValidation() {}

  /**
   * Builds the fix and adds it to {@code description} when it applies cleanly to the file being
   * compiled. Returns null when it was added, or why it was dropped (worded to follow "no fix is
   * offered: "); the check reports the finding either way.
   *
   * @param whatItDoes the fix's short description, worded to follow "Did you mean to" and to end
   *     the finding's message ("release it in a finally block"): Error Prone's {@link
   *     Fix#getShortDescription()}, which IDEs and the SARIF report show
   * @throws IllegalStateException under the strict property, for a fix that would be dropped
   */
  public static @Nullable String attach(
      Description.Builder description,
      Supplier<? extends Fix> fix,
      String whatItDoes,
      VisitorState state) {
    Fix built;
    String problem;
    try {
      if (whatItDoes.isBlank()) {
        throw new IllegalArgumentException("a fix must say what it does");
      }
      built = described(fix.get(), whatItDoes);
      problem = problem(built, state.getSourceCode(), EndPositions.of(state));
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      built = null;
      problem = "building it failed: " + e;
    }
    if (problem == null) {
      description.addFix(built);
      return null;
    }
    if (Boolean.getBoolean(ObligationAnalysis.STRICT_PROPERTY)) {
      throw new IllegalStateException("LeakGuard built an unusable fix: " + problem);
    }
    return DROPPED;
  }

  /** {@code fix} with {@code whatItDoes} as its short description. */
  private static Fix described(Fix fix, String whatItDoes) {
    if (!(fix instanceof SuggestedFix suggested)) {
      throw new IllegalArgumentException("not a SuggestedFix: " + fix.getClass().getName());
    }
    return SuggestedFix.builder().merge(suggested).setShortDescription(whatItDoes).build();
  }

  /**
   * Reports {@code description} through {@code state}, first handing its fixes, as exact edits of
   * the file, to the {@code LeakGuardReport} plugin when one runs in this compilation (its SARIF
   * {@code fixes}). Every LeakGuard finding is reported through here.
   */
  public static void report(Description description, VisitorState state) {
    AttachedFixes collector = AttachedFixes.of(state.context);
    if (collector != null && description != Description.NO_MATCH) {
      try {
        CharSequence source = state.getSourceCode();
        EndPositions endPositions = EndPositions.of(state);
        List<AttachedFixes.Fix> fixes = new ArrayList<>();
        for (Fix fix : description.fixes) {
          fixes.add(
              new AttachedFixes.Fix(
                  fix.getShortDescription(),
                  edits(checkedReplacements(fix, source, endPositions), source)));
        }
        collector.record(
            state.getPath().getCompilationUnit().getSourceFile(),
            EndPositions.reportedAt(description),
            description.checkName,
            fixes);
      } catch (RuntimeException e) {
        // The report loses this finding's fixes; the finding itself is still reported below.
        if (Boolean.getBoolean(ObligationAnalysis.STRICT_PROPERTY)) {
          throw e;
        }
      }
    }
    state.reportMatch(description);
  }

  /** The replacements (in source order) as edits with 1-based lines and columns of {@code source}. */
  private static List<AttachedFixes.Edit> edits(
      List<Replacement> replacements, CharSequence source) {
    LineCounter lines = new LineCounter(source);
    List<AttachedFixes.Edit> edits = new ArrayList<>();
    for (Replacement replacement : replacements) {
      int start = replacement.startPosition();
      int end = replacement.endPosition();
      int startLine = lines.lineOf(start);
      int startColumn = start - lines.lineStart + 1;
      int endLine = lines.lineOf(end);
      int endColumn = end - lines.lineStart + 1;
      edits.add(
          new AttachedFixes.Edit(
              start, end - start, startLine, startColumn, endLine, endColumn,
              replacement.replaceWith()));
    }
    return edits;
  }

  /** Lines of a text read forward once: positions must be asked in ascending order. */
  private static final class LineCounter {
    private final CharSequence text;
    private int line = 1;
    private int lineStart;
    private int scanned;

    LineCounter(CharSequence text) {
      this.text = text;
    }

    /** The 1-based line of {@code position}; {@link #lineStart} is then that line's start. */
    int lineOf(int position) {
      for (; scanned < position; scanned++) {
        if (text.charAt(scanned) == '\n') {
          line++;
          lineStart = scanned + 1;
        }
      }
      return line;
    }
  }

  /**
   * The source text with {@code fix} applied, the way {@code -XepPatchChecks} would (imports
   * aside).
   *
   * @throws IllegalArgumentException when the fix's edits cannot be applied, saying why
   */
  public static String apply(Fix fix, CharSequence source, EndPositions endPositions) {
    List<Replacement> replacements = checkedReplacements(fix, source, endPositions);
    StringBuilder patched = new StringBuilder(source.length());
    int at = 0;
    for (Replacement replacement : replacements) {
      patched.append(source, at, replacement.startPosition()).append(replacement.replaceWith());
      at = replacement.endPosition();
    }
    return patched.append(source, at, source.length()).toString();
  }

  /**
   * Whether the text {@code fix} edits, from its first edit to its last, lies apart from that of
   * every one of {@code others}: fixes of one finding each that a user may apply together, so
   * that no two of them edit, or insert at, the same place. False when a span cannot be computed.
   */
  public static boolean apart(Fix fix, List<? extends Fix> others, VisitorState state) {
    try {
      EndPositions endPositions = EndPositions.of(state);
      int[] span = span(fix, endPositions);
      for (Fix other : others) {
        int[] otherSpan = span(other, endPositions);
        if (!(span[1] < otherSpan[0] || otherSpan[1] < span[0])) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether no edit of {@code fix} touches an edit of one of {@code others}, edit by edit: for a fix
   * that only inserts statements, which another fix may enclose (a class that becomes {@code
   * AutoCloseable}, where {@link #apart} sees the whole class as that fix's). False when an edit
   * cannot be computed.
   */
  public static boolean editsApart(Fix fix, List<? extends Fix> others, VisitorState state) {
    try {
      EndPositions endPositions = EndPositions.of(state);
      ImmutableSet<Replacement> edits = endPositions.replacements(fix);
      for (Fix other : others) {
        for (Replacement theirs : endPositions.replacements(other)) {
          for (Replacement mine : edits) {
            if (!(mine.endPosition() < theirs.startPosition()
                || theirs.endPosition() < mine.startPosition())) {
              return false;
            }
          }
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether {@code fix} makes exactly the edits of one of {@code others} (the same rewrite reached
   * from two findings, one per branch that opens the same variable). Compared edit by edit: older
   * Error Prone versions' fixes do not compare by value.
   */
  public static boolean sameEditsAsOneOf(Fix fix, List<? extends Fix> others, VisitorState state) {
    try {
      EndPositions endPositions = EndPositions.of(state);
      ImmutableSet<Replacement> edits = endPositions.replacements(fix);
      for (Fix other : others) {
        if (edits.equals(endPositions.replacements(other))) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** From the first edit of {@code fix} to the end of its last: {@code {start, end}}. */
  static int[] span(Fix fix, EndPositions endPositions) {
    int[] span = {Integer.MAX_VALUE, Integer.MIN_VALUE};
    for (Replacement replacement : endPositions.replacements(fix)) {
      span[0] = Math.min(span[0], replacement.startPosition());
      span[1] = Math.max(span[1], replacement.endPosition());
    }
    if (span[0] > span[1]) {
      throw new IllegalArgumentException("a fix without edits");
    }
    return span;
  }

  /** Why {@code fix} cannot be applied to {@code source}; null when it can. */
  static @Nullable String problem(
      Fix fix, CharSequence source, EndPositions endPositions) {
    try {
      apply(fix, source, endPositions);
      // What javac's diagnostic does with it: any exception here would fail the build.
      endPositions.preview(source, fix);
      return null;
    } catch (RuntimeException e) {
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }

  /**
   * The fix's edits in source order, each inside the file and none overlapping another (a
   * zero-length insertion strictly inside a replaced range included).
   */
  private static List<Replacement> checkedReplacements(
      Fix fix, CharSequence source, EndPositions endPositions) {
    List<Replacement> sorted = new ArrayList<>(endPositions.replacements(fix));
    sorted.sort(
        Comparator.comparingInt(Replacement::startPosition)
            .thenComparingInt(Replacement::endPosition));
    int coveredTo = 0;
    for (Replacement replacement : sorted) {
      int start = replacement.startPosition();
      int end = replacement.endPosition();
      if (start < 0 || end > source.length() || start > end) {
        throw new IllegalArgumentException(
            "edit [" + start + ", " + end + ") is outside the file of " + source.length());
      }
      if (start < coveredTo) {
        throw new IllegalArgumentException(
            "edit [" + start + ", " + end + ") overlaps an earlier edit ending at " + coveredTo);
      }
      coveredTo = Math.max(coveredTo, end);
    }
    return ImmutableList.copyOf(sorted);
  }
}
