package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AnnotationTree;
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
    CharSequence source = state.getSourceCode();
    SuggestedFix.Builder fix = SuggestedFix.builder();

    StatementTree release = region.release();
    int bodyEnd =
        release != null
            ? ASTHelpers.getStartPosition(release)
            : region.body().isEmpty()
                ? region.openPosition()
                : state.getEndPosition(region.body().get(region.body().size() - 1));
    String indent = indentOf(region, source, state);
    String unit = indentUnit(region.container(), indent, source);

    // `try {` (after any hoisted declarations) at the end of the acquiring line.
    int open = region.openPosition();
    int insertAt = restOfLineIsBlank(source, open) ? lineEnd(source, open) : open;
    StringBuilder head = new StringBuilder();
    for (VariableTree variable : region.hoisted()) {
      head.append('\n').append(indent).append(declaration(variable, fix, state));
    }
    if (acquireText != null) {
      head.append('\n').append(indent).append(acquireText);
    }
    head.append('\n').append(indent).append("try {");
    fix.replace(insertAt, insertAt, head.toString());

    // Deletions inside the region: early releases, hoisted declarations without initializer.
    List<int[]> deleted = new ArrayList<>();
    for (StatementTree early : region.earlyReleases()) {
      deleted.add(deletionRange(early, source, state));
    }
    for (VariableTree variable : region.hoisted()) {
      if (variable.getInitializer() == null) {
        deleted.add(deletionRange(variable, source, state));
      } else {
        fix.replace(
            ASTHelpers.getStartPosition(variable),
            ASTHelpers.getStartPosition(variable.getInitializer()),
            variable.getName() + " = ");
      }
    }
    for (int[] range : deleted) {
      fix.replace(range[0], range[1], "");
    }

    // One more level of indentation for every line of the region.
    for (int i = insertAt; i < bodyEnd; i++) {
      if (source.charAt(i) != '\n') {
        continue;
      }
      int lineStart = i + 1;
      if (lineStart >= bodyEnd || isBlankLine(source, lineStart) || isDeleted(deleted, lineStart)) {
        continue;
      }
      if (release != null && lineStart == lineStart(source, ASTHelpers.getStartPosition(release))) {
        continue;
      }
      fix.replace(lineStart, lineStart, unit);
    }

    // The release becomes the `finally`; a comment trailing it moves along.
    String finallyBlock;
    if (release != null) {
      int start = ASTHelpers.getStartPosition(release);
      int end = state.getEndPosition(release);
      String comment = "";
      if (restOfLineIsBlank(source, end)) {
        comment = source.subSequence(end, lineEnd(source, end)).toString().strip();
        end = lineEnd(source, end);
      }
      boolean ownLine = lineStart(source, start) == start - leadingBlankCount(source, start);
      finallyBlock =
          (ownLine ? "" : "\n" + indent)
              + finallyText(indent, unit, releaseText + (comment.isEmpty() ? "" : " " + comment));
      fix.replace(start, end, finallyBlock);
    } else {
      int at = restOfLineIsBlank(source, bodyEnd) ? lineEnd(source, bodyEnd) : bodyEnd;
      fix.replace(at, at, "\n" + indent + finallyText(indent, unit, releaseText));
    }
    return fix.build();
  }

  private static String finallyText(String indent, String unit, String releaseText) {
    StringBuilder text = new StringBuilder("} finally {");
    for (String line : releaseText.split("\n", -1)) {
      text.append('\n').append(indent).append(unit).append(line.strip());
    }
    return text.append('\n').append(indent).append('}').toString();
  }

  /**
   * {@code Type name;} for a hoisted declaration: {@code var} spelled out, {@code final} dropped.
   */
  private static String declaration(
      VariableTree variable, SuggestedFix.Builder fix, VisitorState state) {
    StringBuilder text = new StringBuilder();
    for (AnnotationTree annotation : variable.getModifiers().getAnnotations()) {
      text.append(state.getSourceForNode(annotation)).append(' ');
    }
    String type =
        ASTHelpers.hasImplicitType(variable, state)
            ? SuggestedFixes.prettyType(state, fix, ASTHelpers.getSymbol(variable).type)
            : state.getSourceForNode(variable.getType());
    return text.append(type).append(' ').append(variable.getName()).append(';').toString();
  }

  /** The statement's own line when nothing else is on it, else just the statement. */
  private static int[] deletionRange(Tree statement, CharSequence source, VisitorState state) {
    int start = ASTHelpers.getStartPosition(statement);
    int end = state.getEndPosition(statement);
    int lineStart = lineStart(source, start);
    if (isBlank(source, lineStart, start) && restOfLineIsBlankNoComment(source, end)) {
      int lineEnd = lineEnd(source, end);
      return new int[] {lineStart, Math.min(lineEnd + 1, source.length())};
    }
    return new int[] {start, end};
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

  /** One level of indentation: what the block's statements have beyond the line of its brace. */
  private static String indentUnit(Tree container, String indent, CharSequence source) {
    String outer =
        leadingWhitespace(source, lineStart(source, ASTHelpers.getStartPosition(container)));
    if (indent.length() > outer.length() && indent.startsWith(outer)) {
      return indent.substring(outer.length());
    }
    return indent.startsWith("\t") ? "\t" : "  ";
  }

  private static String leadingWhitespace(CharSequence source, int lineStart) {
    int i = lineStart;
    while (i < source.length() && (source.charAt(i) == ' ' || source.charAt(i) == '\t')) {
      i++;
    }
    return source.subSequence(lineStart, i).toString();
  }

  private static int leadingBlankCount(CharSequence source, int position) {
    int i = position;
    while (i > 0 && (source.charAt(i - 1) == ' ' || source.charAt(i - 1) == '\t')) {
      i--;
    }
    return position - i;
  }

  private static int lineStart(CharSequence source, int position) {
    int i = position;
    while (i > 0 && source.charAt(i - 1) != '\n') {
      i--;
    }
    return i;
  }

  /** The position of the newline ending the line of {@code position} (or the end of the file). */
  private static int lineEnd(CharSequence source, int position) {
    int i = position;
    while (i < source.length() && source.charAt(i) != '\n') {
      i++;
    }
    if (i > position && source.charAt(i - 1) == '\r') {
      i--;
    }
    return i;
  }

  /** Whether only whitespace or a {@code //} comment follows {@code position} on its line. */
  private static boolean restOfLineIsBlank(CharSequence source, int position) {
    String rest = source.subSequence(position, lineEnd(source, position)).toString().strip();
    return rest.isEmpty() || rest.startsWith("//");
  }

  private static boolean restOfLineIsBlankNoComment(CharSequence source, int position) {
    return isBlank(source, position, lineEnd(source, position));
  }

  private static boolean isBlankLine(CharSequence source, int lineStart) {
    return isBlank(source, lineStart, lineEnd(source, lineStart));
  }

  private static boolean isBlank(CharSequence source, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isWhitespace(source.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
