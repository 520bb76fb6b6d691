package dev.leakguard.fix;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines, indentation and trailing comments of a compilation unit's source text: what every rewrite
 * in this package needs to move statements by editing text, so that comments and formatting stay
 * as written. Positions are character offsets into the source.
 */
final class SourceText {

  private SourceText() {}

  /** The start of the line that holds {@code position}. */
  static int lineStart(CharSequence source, int position) {
    int i = position;
    while (i > 0 && source.charAt(i - 1) != '\n') {
      i--;
    }
    return i;
  }

  /** The position of the newline ending the line of {@code position} (or the end of the file). */
  static int lineEnd(CharSequence source, int position) {
    int i = position;
    while (i < source.length() && source.charAt(i) != '\n') {
      i++;
    }
    if (i > position && source.charAt(i - 1) == '\r') {
      i--;
    }
    return i;
  }

  /** The spaces and tabs that start the line holding {@code position}, up to at most it. */
  static String indentOf(CharSequence source, int position) {
    int lineStart = lineStart(source, position);
    int i = lineStart;
    while (i < position && (source.charAt(i) == ' ' || source.charAt(i) == '\t')) {
      i++;
    }
    return source.subSequence(lineStart, i).toString();
  }

  /** The spaces and tabs that start the line beginning at {@code lineStart}. */
  static String leadingWhitespace(CharSequence source, int lineStart) {
    int i = lineStart;
    while (i < source.length() && (source.charAt(i) == ' ' || source.charAt(i) == '\t')) {
      i++;
    }
    return source.subSequence(lineStart, i).toString();
  }

  /**
   * One level of indentation as the file writes it: what a block's statements ({@code inner}) have
   * beyond the line of the block's brace ({@code outer}); two spaces (or a tab) when that is unclear.
   */
  static String indentUnit(String inner, String outer) {
    if (inner.length() > outer.length() && inner.startsWith(outer)) {
      return inner.substring(outer.length());
    }
    return inner.contains("\t") ? "\t" : "  ";
  }

  /** How many spaces and tabs stand just before {@code position}. */
  static int leadingBlankCount(CharSequence source, int position) {
    int i = position;
    while (i > 0 && (source.charAt(i - 1) == ' ' || source.charAt(i - 1) == '\t')) {
      i--;
    }
    return position - i;
  }

  /** Whether only whitespace or a {@code //} comment follows {@code position} on its line. */
  static boolean restOfLineIsBlank(CharSequence source, int position) {
    String rest = source.subSequence(position, lineEnd(source, position)).toString().strip();
    return rest.isEmpty() || rest.startsWith("//");
  }

  /** Whether only whitespace follows {@code position} on its line. */
  static boolean restOfLineIsBlankNoComment(CharSequence source, int position) {
    return isBlank(source, position, lineEnd(source, position));
  }

  static boolean isBlankLine(CharSequence source, int lineStart) {
    return isBlank(source, lineStart, lineEnd(source, lineStart));
  }

  static boolean isBlank(CharSequence source, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isWhitespace(source.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The end of a {@code // comment} that follows {@code position} on its line, else position. */
  static int endOfLineComment(CharSequence source, int position) {
    int p = position;
    while (p < source.length() && (source.charAt(p) == ' ' || source.charAt(p) == '\t')) {
      p++;
    }
    if (p + 1 < source.length() && source.charAt(p) == '/' && source.charAt(p + 1) == '/') {
      while (p < source.length() && source.charAt(p) != '\n' && source.charAt(p) != '\r') {
        p++;
      }
      return p;
    }
    return position;
  }

  /**
   * The starts of the non-blank lines that begin after {@code from} and before {@code to}: where a
   * rewrite that puts the text into a new block adds one level of indentation.
   */
  static List<Integer> lineStartsToIndent(CharSequence source, int from, int to) {
    List<Integer> starts = new ArrayList<>();
    for (int i = from; i < to && i < source.length(); i++) {
      if (source.charAt(i) != '\n') {
        continue;
      }
      int lineStart = i + 1;
      if (lineStart < to && lineStart < source.length() && !isBlankLine(source, lineStart)) {
        starts.add(lineStart);
      }
    }
    return starts;
  }

  /**
   * Whether {@code position} lies strictly inside one of the {@code [from, to)} ranges: an insertion
   * there would split text that another edit of the same fix replaces.
   */
  static boolean isStrictlyInside(List<int[]> ranges, int position) {
    for (int[] range : ranges) {
      if (range[0] < position && position < range[1]) {
        return true;
      }
    }
    return false;
  }

  /**
   * The statement's own line (with its newline) when nothing else is on it, else just the statement:
   * what deleting a statement removes.
   */
  static int[] deletionRange(CharSequence source, int start, int end) {
    int lineStart = lineStart(source, start);
    if (isBlank(source, lineStart, start) && restOfLineIsBlankNoComment(source, end)) {
      int lineEnd = lineEnd(source, end);
      return new int[] {lineStart, Math.min(lineEnd + 1, source.length())};
    }
    return new int[] {start, end};
  }
}
