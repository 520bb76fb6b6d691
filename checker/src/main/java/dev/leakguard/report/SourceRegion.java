package dev.leakguard.report;

import com.sun.source.tree.LineMap;

/**
 * A region of a source file in SARIF's terms: 1-based lines, 1-based columns counted in UTF-16
 * code units (a tab is one column), and an end column that points just past the last character.
 * {@code endLine} and {@code endColumn} are 0 when the end is unknown.
 */
record SourceRegion(int startLine, int startColumn, int endLine, int endColumn) {

  /** The region from {@code start} (inclusive) to {@code end} (exclusive); end -1 if unknown. */
  static SourceRegion of(LineMap lines, long start, long end) {
    int startLine = (int) lines.getLineNumber(start);
    int startColumn = (int) (start - lines.getStartPosition(startLine)) + 1;
    if (end < start) {
      return new SourceRegion(startLine, startColumn, 0, 0);
    }
    int endLine = (int) lines.getLineNumber(end);
    int endColumn = (int) (end - lines.getStartPosition(endLine)) + 1;
    return new SourceRegion(startLine, startColumn, endLine, endColumn);
  }

  boolean hasEnd() {
    return endLine > 0;
  }
}
