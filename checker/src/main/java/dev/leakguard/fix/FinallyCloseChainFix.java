package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Closes each resource of a {@code finally} in a {@code finally} of the close before it, so that
 * one failing close does not skip the rest (Infer's {@code twoResourcesBad}, dbunit's {@code
 * FileHelper.copyFile}):
 *
 * <pre>{@code
 * } finally {                          } finally {
 *   if (in != null) in.close();    ->    try {
 *   if (out != null) out.close();          if (in != null) in.close();
 * }                                      } finally {
 *                                          if (out != null) out.close();
 *                                        }
 *                                      }
 * }</pre>
 *
 * <p>Every statement of the {@code finally} from the failing close on must close something, and
 * none may declare a variable or jump: each becomes one level of the chain, as written (its
 * comments and line breaks kept, its lines indented one level per level; the comment lines
 * before it and the comment after it on its line go with it). Where a statement does
 * something else, the code is left as it is and the finding keeps saying why.
 */
public final class FinallyCloseChainFix {

  /** What the fix does, worded to follow "Did you mean to". */
  public static final String WHAT_IT_DOES =
      "close it in a finally block of the close before it, so that a failing close does not skip"
          + " it";

  /** What the fix does when the call that fails first is not a close ({@code out.flush()}). */
  public static final String AFTER_FAILING_CALL =
      "close it in a finally block of the call before it, so that a failing call does not skip it";

  private FinallyCloseChainFix() {}

  /**
   * The rewrite for a resource whose close is skipped when the call at {@code failing}, in a
   * {@code finally}, throws: a close before it, or another call of the cleanup ({@code
   * out.flush(); out.close();}); null when the code is not that shape. Never throws.
   *
   * @param closes whether a call releases something (the check's own model of releases)
   * @param releasesLeaked whether a call releases the resource the finding is about: the chain
   *     must put one of those in a {@code finally}, or it would not fix the finding
   */
  public static @Nullable Rewrite propose(
      TreePath failing,
      Predicate<MethodInvocationTree> closes,
      Predicate<MethodInvocationTree> releasesLeaked,
      VisitorState state) {
    try {
      return plan(failing, closes, releasesLeaked, state);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The chain in the outermost block, from the cleanup block down to the failing call's own, that
   * has a close after the statement holding the failing call: from that statement through the
   * block's last close, each level's own skipped closes chained too ({@link #deepen}). Null unless
   * the chain puts a close of the leaked resource in a {@code finally} of the failing call.
   */
  private static @Nullable Rewrite plan(
      TreePath failing,
      Predicate<MethodInvocationTree> closes,
      Predicate<MethodInvocationTree> releasesLeaked,
      VisitorState state) {
    if (!(failing.getLeaf() instanceof MethodInvocationTree call)) {
      return null;
    }
    TreePath at = failing;
    TreePath chosenBlock = null;
    List<? extends StatementTree> chosen = null;
    while (true) {
      TreePath statementPath = at;
      while (statementPath != null
          && !(statementPath.getLeaf() instanceof StatementTree
              && statementPath.getParentPath().getLeaf() instanceof BlockTree)) {
        Tree leaf = statementPath.getLeaf();
        if (leaf instanceof LambdaExpressionTree
            || leaf instanceof ClassTree
            || leaf instanceof MethodTree) {
          return null;
        }
        statementPath = statementPath.getParentPath();
      }
      if (statementPath == null) {
        return null;
      }
      TreePath blockPath = statementPath.getParentPath();
      if (!withinCleanup(blockPath)) {
        break;
      }
      List<? extends StatementTree> statements = ((BlockTree) blockPath.getLeaf()).getStatements();
      int first = statements.indexOf((StatementTree) statementPath.getLeaf());
      int last = -1;
      for (int i = first + 1; first >= 0 && i < statements.size(); i++) {
        if (closesAndStays(statements.get(i), closes)) {
          last = i;
        }
      }
      if (last >= 0) {
        chosenBlock = blockPath;
        chosen = statements.subList(first, last + 1);
      }
      if (isCleanup(blockPath)) {
        break;
      }
      at = blockPath.getParentPath(); // the `if` or block around: its later statements
    }
    if (chosen == null) {
      return null;
    }
    // What follows the last close is skipped by a failing call before and after the rewrite.
    Span span =
        chainSpan(
            chosenBlock, (BlockTree) chosenBlock.getLeaf(), chosen, null, closes, true, state);
    if (span == null
        || !span.guards(
            ASTHelpers.getStartPosition(call), leakedCloses(chosen, releasesLeaked, state))) {
      return null;
    }
    return new Rewrite(
        SuggestedFix.replace(span.from(), span.to(), span.text()),
        null,
        closes.test(call) ? WHAT_IT_DOES : AFTER_FAILING_CALL);
  }

  /** Where the calls of {@code statements} that close the leaked resource start. */
  private static List<Integer> leakedCloses(
      List<? extends StatementTree> statements,
      Predicate<MethodInvocationTree> releasesLeaked,
      VisitorState state) {
    List<Integer> found = new ArrayList<>();
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (releasesLeaked.test(call)) {
          found.add(ASTHelpers.getStartPosition(call));
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(statements, null);
    return found;
  }

  /**
   * Whether the block at {@code blockPath} is a cleanup block ({@link #isCleanup}) or nested in
   * one, in the same method: code that runs to release. Each statement of the cleanup block is a
   * statement like any other to it, whatever it nests: what a {@code try} in it throws or its
   * {@code catch} rethrows, or a loop or {@code if} in it throws, skips the closes after it
   * (spring's {@code MySQLMaxValueIncrementer}: {@code try { con.commit(); } catch (SQLException
   * e) { throw …; } closeConnection(con);}), so that statement as a whole can be the chain's
   * first level.
   */
  private static boolean withinCleanup(TreePath blockPath) {
    for (TreePath path = blockPath; path != null; path = path.getParentPath()) {
      Tree leaf = path.getLeaf();
      if (leaf instanceof BlockTree && path.getParentPath() != null && isCleanup(path)) {
        return true;
      }
      if (leaf instanceof LambdaExpressionTree
          || leaf instanceof ClassTree
          || leaf instanceof MethodTree) {
        return false;
      }
    }
    return false;
  }

  /**
   * Whether the block at {@code blockPath} is a {@code finally}, or the body of a {@code try}
   * that is itself a statement of one (hsqldb's {@code FileArchiver}: {@code finally { try {
   * in.close(); f.close(); } catch (Throwable e) { throw wrap(e); } }}): code that runs to release.
   */
  private static boolean isCleanup(TreePath blockPath) {
    if (!(blockPath.getParentPath().getLeaf() instanceof TryTree attempt)) {
      return false;
    }
    if (attempt.getFinallyBlock() == blockPath.getLeaf()) {
      return true;
    }
    TreePath outer = blockPath.getParentPath().getParentPath();
    return attempt.getBlock() == blockPath.getLeaf()
        && outer.getLeaf() instanceof BlockTree finallyBlock
        && outer.getParentPath().getLeaf() instanceof TryTree enclosing
        && enclosing.getFinallyBlock() == finallyBlock;
  }

  /**
   * The rewrite for the closes of a class's fields in one of its methods ({@code close() {
   * in.close(); out.close(); }}): from {@code statement}, whose close fails, through the last
   * statement of its block that closes something, each in a {@code finally} of the one before.
   * What follows the last close stays after the chain. Null when the code is not that shape.
   * Never throws.
   */
  public static @Nullable Rewrite proposeFrom(
      TreePath statement, Predicate<MethodInvocationTree> closes, VisitorState state) {
    return chainFrom(statement, null, closes, state);
  }

  /**
   * A new release, {@code added} (its lines without indentation), put in a {@code finally} of the
   * closes of a class's method from {@code statement}, whose close may fail, through the last
   * statement of its block that closes something, those chained the same way: {@code a.close();
   * b.close();} and an added {@code c.close();} become {@code try { a.close(); } finally { try {
   * b.close(); } finally { c.close(); } }}, so that no close skips another. Null when the code
   * from {@code statement} on is not a plain sequence of closes. Never throws.
   */
  public static @Nullable SuggestedFix appendToChain(
      TreePath statement,
      String added,
      Predicate<MethodInvocationTree> closes,
      VisitorState state) {
    Rewrite rewrite = chainFrom(statement, added, closes, state);
    return rewrite == null ? null : rewrite.fix();
  }

  /**
   * The chain from {@code statement} through the last statement of its block that closes
   * something, with {@code added} as its innermost level when there is one (then a chain of one
   * statement will do); null when the code is not that shape. Never throws.
   */
  private static @Nullable Rewrite chainFrom(
      TreePath statement,
      @Nullable String added,
      Predicate<MethodInvocationTree> closes,
      VisitorState state) {
    try {
      if (!(statement.getLeaf() instanceof StatementTree first)
          || !(statement.getParentPath().getLeaf() instanceof BlockTree block)) {
        return null;
      }
      List<? extends StatementTree> statements = block.getStatements();
      int from = statements.indexOf(first);
      int to = added == null ? -1 : from;
      for (int i = from + 1; i < statements.size(); i++) {
        if (closesAndStays(statements.get(i), closes)) {
          to = i;
        }
      }
      return from < 0 || to < 0
          ? null
          : chain(block, statements.subList(from, to + 1), added, closes, false, state);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The rewrite that nests the statements of {@code chain}, each in a {@code finally} of the ones
   * before, with {@code added} as the innermost level when there is one.
   *
   * @param firstMayNotClose whether the first statements may be ones that do not close (the
   *     failing call of a cleanup, {@code out.flush()}); they must still leave only by finishing
   *     or throwing
   */
  private static @Nullable Rewrite chain(
      BlockTree block,
      List<? extends StatementTree> chain,
      @Nullable String added,
      Predicate<MethodInvocationTree> closes,
      boolean firstMayNotClose,
      VisitorState state) {
    Span span = chainSpan(null, block, chain, added, closes, firstMayNotClose, state);
    return span == null
        ? null
        : new Rewrite(SuggestedFix.replace(span.from(), span.to(), span.text()), null, WHAT_IT_DOES);
  }

  /**
   * The text that replaces {@code [from, to)} of the source, with the source ranges of its levels
   * (each in a {@code finally} of the ones before) and the chains made inside a level, by level.
   */
  private record Span(
      int from, int to, String text, List<int[]> levels, Map<Integer, Span> deepened) {

    /**
     * Whether a call starting at {@code failing} puts one of the closes starting at {@code
     * closes} in a {@code finally}: a later level of this chain, or of the one inside its level.
     */
    boolean guards(int failing, List<Integer> closes) {
      int from = levelOf(failing);
      if (from < 0) {
        return false;
      }
      for (int close : closes) {
        int to = levelOf(close);
        if (to > from) {
          return true;
        }
        Span inner = deepened.get(from);
        if (to == from && inner != null && inner.guards(failing, List.of(close))) {
          return true;
        }
      }
      return false;
    }

    private int levelOf(int position) {
      for (int i = 0; i < levels.size(); i++) {
        if (levels.get(i)[0] <= position && position < levels.get(i)[1]) {
          return i;
        }
      }
      return -1;
    }
  }

  /**
   * The chain's text and the source range it replaces.
   *
   * @param blockPath the block's path; when not null, a level whose statement closes something
   *     after other calls in a block of its own ({@code if (f != null) { f.finish(); f.close();
   *     }}) gets those calls chained too ({@link #deepen}), so that one rewrite covers every path
   *     that skips a close
   */
  private static @Nullable Span chainSpan(
      @Nullable TreePath blockPath,
      BlockTree block,
      List<? extends StatementTree> chain,
      @Nullable String added,
      Predicate<MethodInvocationTree> closes,
      boolean firstMayNotClose,
      VisitorState state) {
    // The levels of the chain, as source spans: a statement each; with firstMayNotClose, the
    // first level is everything before the first close (`out.flush(); sync();`).
    List<int[]> levels = new ArrayList<>();
    int grouped = 0;
    if (firstMayNotClose) {
      while (grouped < chain.size() && !closesAndStays(chain.get(grouped), closes)) {
        StatementTree statement = chain.get(grouped);
        // A throw may leave it (a `catch` that rethrows): the closes after it then run in the
        // finally, which is the point.
        if (statement instanceof VariableTree
            || statement instanceof ClassTree
            || EarlyExits.anyIn(statement, false)) {
          return null;
        }
        grouped++;
      }
      if (grouped == chain.size()) {
        return null; // nothing after the failing call closes
      }
      if (grouped == 0) {
        // The failing call is a close itself: a level of its own, as every other close.
        if (chain.get(0) instanceof VariableTree) {
          return null;
        }
        grouped = 1;
      }
      levels.add(
          new int[] {
            ASTHelpers.getStartPosition(chain.get(0)), state.getEndPosition(chain.get(grouped - 1))
          });
    }
    for (int i = grouped; i < chain.size(); i++) {
      StatementTree statement = chain.get(i);
      if (statement instanceof VariableTree || !closesAndStays(statement, closes)) {
        return null;
      }
      levels.add(new int[] {ASTHelpers.getStartPosition(statement), state.getEndPosition(statement)});
    }
    if (levels.size() < 2 && added == null) {
      return null;
    }
    CharSequence source = state.getSourceCode();
    int from = levels.get(0)[0];
    int to = levels.get(levels.size() - 1)[1];
    if (from < 0 || to <= from) {
      return null;
    }
    int lastStatement = levels.size() - 1;
    int last = added == null ? lastStatement : lastStatement + 1; // the innermost level
    // What follows each statement on its line, and the comment lines before each: they move
    // with their statement.
    String[] trailing = new String[levels.size()];
    List<List<String>> leading = new ArrayList<>();
    leading.add(List.of());
    for (int i = 1; i <= lastStatement; i++) {
      int gapFrom = levels.get(i - 1)[1];
      int gapTo = levels.get(i)[0];
      if (gapFrom < 0 || gapTo < gapFrom) {
        return null;
      }
      String gap = source.subSequence(gapFrom, gapTo).toString();
      int newline = gap.indexOf('\n');
      if (newline < 0 || gap.contains("/*")) {
        return null; // two closes on one line, or a block comment that could span lines
      }
      trailing[i - 1] = gap.substring(0, newline).stripTrailing();
      List<String> lines = new ArrayList<>();
      for (String line : gap.substring(newline + 1).split("\n", -1)) {
        if (!line.isBlank()) {
          lines.add(line.strip());
        }
      }
      leading.add(lines);
    }
    trailing[lastStatement] = "";
    if (source.subSequence(from, to).toString().contains("\"\"\"")) {
      return null; // a text block's lines would change its value when re-indented
    }
    String indent = SourceText.indentOf(source, from);
    if (!SourceText.isBlank(source, SourceText.lineStart(source, from), from)) {
      return null; // a statement sharing its line with code before it
    }
    int blockStart = ASTHelpers.getStartPosition(block);
    String unit =
        SourceText.indentUnit(
            indent, SourceText.leadingWhitespace(source, SourceText.lineStart(source, blockStart)));
    StringBuilder text = new StringBuilder();
    Map<Integer, Span> deepened = new HashMap<>();
    for (int i = 0; i <= last; i++) {
      String level = indent + unit.repeat(i);
      String inner = i < last ? level + unit : level;
      StringBuilder statement = new StringBuilder();
      if (i > lastStatement) {
        statement.append(added.replace("\n", "\n" + inner));
      } else {
        for (String comment : leading.get(i)) {
          statement.append(comment).append('\n').append(inner);
        }
        String body = source.subSequence(levels.get(i)[0], levels.get(i)[1]).toString();
        // The statement of this level: the level's own, or the single one of a first level.
        int index = grouped == 0 ? i : i == 0 ? (grouped == 1 ? 0 : -1) : grouped + i - 1;
        if (blockPath != null && index >= 0 && index < chain.size()) {
          Span deeper = deepen(new TreePath(blockPath, chain.get(index)), closes, state);
          if (deeper != null
              && levels.get(i)[0] <= deeper.from()
              && deeper.to() <= levels.get(i)[1]) {
            body =
                source.subSequence(levels.get(i)[0], deeper.from())
                    + deeper.text()
                    + source.subSequence(deeper.to(), levels.get(i)[1]);
            deepened.put(i, deeper);
          }
        }
        statement.append(reindented(body, inner.substring(indent.length()))).append(trailing[i]);
      }
      if (i > 0) {
        text.append('\n').append(level);
      }
      if (i < last) {
        text.append("try {\n").append(inner).append(statement);
        text.append('\n').append(level).append("} finally {");
      } else {
        text.append(statement);
      }
    }
    for (int i = last - 1; i >= 0; i--) {
      text.append('\n').append(indent).append(unit.repeat(i)).append('}');
    }
    return new Span(from, to, text.toString(), levels, deepened);
  }

  /**
   * For a statement that closes something in a block of its own after other calls
   * ({@code if (f != null) { f.finish(); sync(); f.close(); }}), the chain of those calls and the
   * close ({@code try { f.finish(); sync(); } finally { f.close(); }}); null when it is not that
   * shape, or nothing before the close calls anything.
   */
  private static @Nullable Span deepen(
      TreePath statement, Predicate<MethodInvocationTree> closes, VisitorState state) {
    MethodInvocationTree[] close = {null};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (close[0] == null && closes.test(call)) {
          close[0] = call;
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(statement.getLeaf(), null);
    if (close[0] == null) {
      return null;
    }
    TreePath at = TreePath.getPath(statement, close[0]);
    while (at != null
        && at.getLeaf() != statement.getLeaf()
        && !(at.getLeaf() instanceof StatementTree
            && at.getParentPath().getLeaf() instanceof BlockTree)) {
      at = at.getParentPath();
    }
    if (at == null || at.getLeaf() == statement.getLeaf()) {
      return null;
    }
    for (TreePath up = at.getParentPath();
        up.getLeaf() != statement.getLeaf();
        up = up.getParentPath()) {
      if (!(up.getLeaf() instanceof BlockTree || up.getLeaf() instanceof IfTree)) {
        return null; // a loop or a try around the close: not a plain sequence
      }
    }
    BlockTree inner = (BlockTree) at.getParentPath().getLeaf();
    List<? extends StatementTree> statements = inner.getStatements();
    int index = statements.indexOf((StatementTree) at.getLeaf());
    if (index <= 0
        || statements.subList(0, index).stream()
            .noneMatch(before -> OwnCodeScanner.anyInvocation(before, invocation -> true))) {
      return null;
    }
    return chainSpan(null, inner, statements.subList(0, index + 1), null, closes, true, state);
  }

  /** The statement's text with each line after its first indented by {@code extra} more. */
  private static String reindented(String text, String extra) {
    String[] lines = text.split("\n", -1);
    StringBuilder indented = new StringBuilder(lines[0]);
    for (int i = 1; i < lines.length; i++) {
      // A blank line stays as written: indenting it would only add trailing whitespace.
      indented.append('\n').append(lines[i].isBlank() ? lines[i] : extra + lines[i]);
    }
    return indented.toString();
  }

  /**
   * Whether the statement closes something and leaves only by finishing or throwing: nesting it
   * in a {@code try} then changes nothing but what runs after it fails.
   */
  private static boolean closesAndStays(
      StatementTree statement, Predicate<MethodInvocationTree> closes) {
    if (EarlyExits.anyIn(statement, true)) {
      return false;
    }
    boolean[] closesSomething = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        closesSomething[0] |= closes.test(call);
        return super.visitMethodInvocation(call, null);
      }
    }.scan(statement, null);
    return closesSomething[0];
  }
}
