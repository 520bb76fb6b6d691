package dev.leakguard.fix;

import static dev.leakguard.fix.SourceText.deletionRange;
import static dev.leakguard.fix.SourceText.isBlank;
import static dev.leakguard.fix.SourceText.leadingBlankCount;
import static dev.leakguard.fix.SourceText.leadingWhitespace;
import static dev.leakguard.fix.SourceText.lineEnd;
import static dev.leakguard.fix.SourceText.lineStart;
import static dev.leakguard.fix.SourceText.lineStartsToIndent;
import static dev.leakguard.fix.SourceText.restOfLineIsBlank;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.Replacement;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites a {@link ScopedRegion} into {@code try { region } finally { release; }}, so the release
 * runs on every path out of the region, exceptions included.
 *
 * <p>The edit is small and local: {@code try} opens after the acquiring statement, the release
 * statement becomes the {@code finally}, each line of the region is indented one level, releases
 * just before a jump out of the region are deleted, and declarations used after the region are
 * declared before the {@code try} and assigned inside it. The statements themselves are not
 * re-printed, so their comments and formatting stay as written. Edits of two regions (nested
 * locks) touch different characters and can be applied together.
 */
public final class TryFinallyFix {

  private TryFinallyFix() {}

  /** The rewrite that moves the region's own release statement into {@code finally}. */
  public static SuggestedFix wrap(ScopedRegion region, VisitorState state) {
    StatementTree release = region.release();
    if (release == null) {
      throw new IllegalArgumentException("the region has no release statement to move");
    }
    return wrap(region, null, state.getSourceForNode(release), state);
  }

  /**
   * The rewrite with the given release in {@code finally} and, when {@code acquireText} is not
   * null, that statement added just before {@code try} (a region that was not acquired before). The
   * region's own release statement, if any, is replaced.
   *
   * @param acquireText a statement, e.g. {@code "lock.lock();"}, or null
   * @param releaseText one or more statements, e.g. {@code "executor.shutdown();"}
   */
  public static SuggestedFix wrap(
      ScopedRegion region, @Nullable String acquireText, String releaseText, VisitorState state) {
    return rewrite(
        region,
        acquireText,
        ImmutableList.of(new Clause("finally", releaseText)),
        Placement.REPLACED,
        state);
  }

  /**
   * {@code outer} and {@code inner}, two rewrites of one body where {@code inner}'s region lies in
   * {@code outer}'s and leaves the declarations {@code outer} hoists where they are ({@link
   * ScopedRegion#withoutHoisting}), as one fix. The indentation {@code inner} adds to a line
   * inside text {@code outer} replaces (the continuation of a wrapped declaration it turns into an
   * assignment) is left out: an insertion there cannot be applied.
   */
  public static SuggestedFix nest(SuggestedFix outer, SuggestedFix inner, VisitorState state) {
    EndPositions endPositions = EndPositions.of(state);
    List<Replacement> rewritten = new ArrayList<>();
    for (Replacement replacement : endPositions.replacements(outer)) {
      if (replacement.startPosition() < replacement.endPosition()) {
        rewritten.add(replacement);
      }
    }
    SuggestedFix.Builder nested = SuggestedFix.builder().merge(outer);
    for (Replacement replacement : endPositions.replacements(inner)) {
      int at = replacement.startPosition();
      boolean indentInsideRewrittenText =
          at == replacement.endPosition()
              && replacement.replaceWith().isBlank()
              && rewritten.stream().anyMatch(r -> r.startPosition() < at && at < r.endPosition());
      if (!indentInsideRewrittenText) {
        nested.replace(at, replacement.endPosition(), replacement.replaceWith());
      }
    }
    return nested.build();
  }

  /**
   * The rewrite with {@code clauses} closing the {@code try} (a {@code finally} whose release is
   * null-checked, nested one level), replacing the region's own release statement if it has one.
   */
  public static SuggestedFix wrap(ScopedRegion region, List<Clause> clauses, VisitorState state) {
    return rewrite(region, null, clauses, Placement.REPLACED, state);
  }

  /**
   * The rewrite that opens {@code try} after the acquisition and closes it with {@code clauses}
   * instead of a plain {@code finally}, for releases that differ by path: a transaction commits on
   * the normal path and rolls back on the others ({@code try { …; conn.commit(); } catch
   * (SQLException | RuntimeException e) { conn.rollback(); throw e; }}). The region's release
   * statement (the commit) stays where {@code placement} says; nested releases are kept as
   * written.
   */
  public static SuggestedFix guard(
      ScopedRegion region, Placement placement, List<Clause> clauses, VisitorState state) {
    if (region.release() == null || placement == Placement.REPLACED) {
      throw new IllegalArgumentException("a guard keeps the region's release statement");
    }
    return rewrite(region, null, clauses, placement, state);
  }

  /**
   * The rewrite that opens {@code try} before a region with no release statement and closes it with
   * {@code clauses}: a {@code catch} that releases and rethrows, for a resource kept on success
   * ({@link CloseOnFailureFix}).
   */
  public static SuggestedFix guardAll(ScopedRegion region, List<Clause> clauses, VisitorState state) {
    return guardAll(region, null, clauses, state);
  }

  /**
   * {@link #guardAll(ScopedRegion, List, VisitorState)} with {@code acquireText}, when not null,
   * added just before {@code try}: the declaration of a resource hoisted out of the region's
   * statement ({@link HoistOnFailureFix}).
   */
  public static SuggestedFix guardAll(
      ScopedRegion region, @Nullable String acquireText, List<Clause> clauses, VisitorState state) {
    if (region.release() != null) {
      throw new IllegalArgumentException("the region's release statement would be left in place");
    }
    return rewrite(region, acquireText, clauses, Placement.REPLACED, state);
  }

  /**
   * One clause that closes the {@code try}: {@code catch (E e)} or {@code finally}.
   *
   * @param statements one statement a line, indented by the block's own indentation
   * @param nested whether two leading spaces of a line stand for one level of nesting inside the
   *     clause (a {@code try} inside a {@code catch}); otherwise each line is stripped, so that a
   *     statement copied from the source with its continuation lines lines up
   */
  public record Clause(String header, String statements, boolean nested) {
    public Clause(String header, String statements) {
      this(header, statements, false);
    }
  }

  /** Where the region's own release statement goes. */
  public enum Placement {
    /** Replaced by the clauses: {@code try { … } finally { release; }}. */
    REPLACED,
    /** The last statement inside {@code try}: {@code try { …; commit(); } catch (…) { … }}. */
    IN_TRY,
    /** Just after the whole statement: {@code try { … } catch (…) { … } commit();}. */
    AFTER_TRY
  }

  private static SuggestedFix rewrite(
      ScopedRegion region,
      @Nullable String acquireText,
      List<Clause> clauses,
      Placement placement,
      VisitorState state) {
    CharSequence source = state.getSourceCode();
    SuggestedFix.Builder fix = SuggestedFix.builder();

    StatementTree release = region.release();
    boolean releaseInTry = release != null && placement == Placement.IN_TRY;
    int bodyEnd =
        release != null
            ? releaseInTry ? state.getEndPosition(release) : ASTHelpers.getStartPosition(release)
            : region.body().isEmpty()
                ? region.openPosition()
                : state.getEndPosition(region.body().get(region.body().size() - 1));
    String indent = indentOf(region, source, state);
    String unit = indentUnit(region.container(), indent, source, state);

    // `try {` (after any hoisted declarations) at the end of the acquiring line.
    int open = region.openPosition();
    int insertAt = restOfLineIsBlank(source, open) ? lineEnd(source, open) : open;
    StringBuilder head = new StringBuilder();
    for (VariableTree variable : region.hoisted()) {
      head.append('\n').append(indent).append(Hoisting.declaration(variable, fix, state));
    }
    if (acquireText != null) {
      head.append('\n').append(indent).append(acquireText);
    }
    head.append('\n').append(indent).append("try {");
    fix.replace(insertAt, insertAt, head.toString());

    // Inside the region: early releases deleted (a `finally` does their work), hoisted
    // declarations made assignments.
    List<int[]> deleted = new ArrayList<>();
    List<int[]> replaced = new ArrayList<>();
    if (placement == Placement.REPLACED) {
      for (StatementTree early : region.earlyReleases()) {
        deleted.add(
            deletionRange(source, ASTHelpers.getStartPosition(early), state.getEndPosition(early)));
      }
    }
    for (VariableTree variable : region.hoisted()) {
      Hoisting.Replacement replacement = Hoisting.inRegion(variable, state);
      if (replacement.text().isEmpty()) {
        deleted.add(new int[] {replacement.from(), replacement.to()});
      } else {
        fix.replace(replacement.from(), replacement.to(), replacement.text());
        replaced.add(new int[] {replacement.from(), replacement.to()});
      }
    }
    for (int[] range : deleted) {
      fix.replace(range[0], range[1], "");
    }
    if (release != null && !releaseInTry) {
      // Its text is rewritten as the clauses below, continuation lines included.
      replaced.add(new int[] {ASTHelpers.getStartPosition(release), state.getEndPosition(release)});
    }

    // One more level of indentation for every line of the region, except lines whose start is
    // deleted or lies inside replaced text (the continuation of a wrapped declaration): an
    // insertion inside another edit of the same fix cannot be applied.
    int releaseLine =
        release == null || releaseInTry
            ? -1
            : lineStart(source, ASTHelpers.getStartPosition(release));
    for (int lineStart : lineStartsToIndent(source, insertAt, bodyEnd)) {
      if (!isDeleted(deleted, lineStart)
          && !SourceText.isStrictlyInside(replaced, lineStart)
          && lineStart != releaseLine) {
        fix.replace(lineStart, lineStart, unit);
      }
    }

    // The clauses close the `try`; a release that leaves it takes a comment trailing it along.
    if (release != null && !releaseInTry) {
      int start = ASTHelpers.getStartPosition(release);
      int end = state.getEndPosition(release);
      String comment = "";
      if (restOfLineIsBlank(source, end)) {
        comment = source.subSequence(end, lineEnd(source, end)).toString().strip();
        end = lineEnd(source, end);
      }
      String trailing = comment.isEmpty() ? "" : " " + comment;
      boolean ownLine = lineStart(source, start) == start - leadingBlankCount(source, start);
      String closing;
      if (placement == Placement.AFTER_TRY) {
        closing =
            clausesText(indent, unit, clauses)
                + "\n"
                + indent
                + state.getSourceForNode(release)
                + trailing;
      } else {
        List<Clause> withComment = new ArrayList<>(clauses);
        Clause last = withComment.remove(withComment.size() - 1);
        withComment.add(new Clause(last.header(), last.statements() + trailing, last.nested()));
        closing = clausesText(indent, unit, withComment);
      }
      fix.replace(start, end, (ownLine ? "" : "\n" + indent) + closing);
    } else {
      int at = restOfLineIsBlank(source, bodyEnd) ? lineEnd(source, bodyEnd) : bodyEnd;
      fix.replace(at, at, "\n" + indent + clausesText(indent, unit, clauses));
    }
    return fix.build();
  }

  /** {@code } finally {}, one statement a line, {@code }}; each clause in turn. */
  private static String clausesText(String indent, String unit, List<Clause> clauses) {
    StringBuilder text = new StringBuilder();
    for (Clause clause : clauses) {
      text.append("} ").append(clause.header()).append(" {");
      for (String line : clause.statements().split("\n", -1)) {
        String stripped = line.strip();
        int levels = clause.nested() ? (line.length() - line.stripLeading().length()) / 2 : 0;
        text.append('\n').append(indent).append(unit).append(unit.repeat(levels)).append(stripped);
      }
      text.append('\n').append(indent);
    }
    return text.append('}').toString();
  }

  private static boolean isDeleted(List<int[]> deleted, int position) {
    for (int[] range : deleted) {
      if (range[0] <= position && position < range[1]) {
        return true;
      }
    }
    return false;
  }

  /**
   * The indentation of the region's statements: that of the first of the region's lines (or the
   * release's) that starts with a statement.
   */
  private static String indentOf(ScopedRegion region, CharSequence source, VisitorState state) {
    List<Tree> candidates = new ArrayList<>(region.body());
    if (region.release() != null) {
      candidates.add(region.release());
    }
    for (Tree tree : candidates) {
      int start = ASTHelpers.getStartPosition(tree);
      int lineStart = lineStart(source, start);
      if (isBlank(source, lineStart, start)) {
        return source.subSequence(lineStart, start).toString();
      }
    }
    int containerStart = ASTHelpers.getStartPosition(region.container());
    return leadingWhitespace(source, lineStart(source, containerStart)) + "  ";
  }

  /**
   * One level of indentation: what the block's statements have beyond the line of its opening
   * brace, or, when that line is a continuation indented deeper than the statements (a method
   * whose {@code throws} clause is wrapped onto the line of its opening brace), beyond the line of
   * its closing brace.
   */
  static String indentUnit(
      Tree container, String indent, CharSequence source, VisitorState state) {
    String opening =
        leadingWhitespace(source, lineStart(source, ASTHelpers.getStartPosition(container)));
    int end = state.getEndPosition(container);
    if (!indent.startsWith(opening) && end > 0 && source.charAt(end - 1) == '}') {
      int closingLine = lineStart(source, end - 1);
      if (isBlank(source, closingLine, end - 1)) {
        return SourceText.indentUnit(indent, source.subSequence(closingLine, end - 1).toString());
      }
    }
    return SourceText.indentUnit(indent, opening);
  }
}
