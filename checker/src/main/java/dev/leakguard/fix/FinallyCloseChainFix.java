package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.List;
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

  private FinallyCloseChainFix() {}

  /**
   * The rewrite for a resource whose close is skipped when the close at {@code failingClose}, in a
   * {@code finally}, throws; null when the code is not that shape. Never throws.
   *
   * @param closes whether a call releases something (the check's own model of releases)
   */
  public static @Nullable Rewrite propose(
      TreePath failingClose, Predicate<MethodInvocationTree> closes, VisitorState state) {
    try {
      return plan(failingClose, closes, state);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static @Nullable Rewrite plan(
      TreePath failingClose, Predicate<MethodInvocationTree> closes, VisitorState state) {
    if (!(failingClose.getLeaf() instanceof MethodInvocationTree)) {
      return null;
    }
    TreePath statementPath = failingClose;
    while (statementPath != null
        && !(statementPath.getLeaf() instanceof StatementTree
            && statementPath.getParentPath().getLeaf() instanceof BlockTree)) {
      if (statementPath.getLeaf() instanceof LambdaExpressionTree
          || statementPath.getLeaf() instanceof ClassTree) {
        return null;
      }
      statementPath = statementPath.getParentPath();
    }
    if (statementPath == null
        || !(statementPath.getParentPath().getLeaf() instanceof BlockTree block)
        || !(statementPath.getParentPath().getParentPath().getLeaf() instanceof TryTree attempt)
        || attempt.getFinallyBlock() != block) {
      return null;
    }
    List<? extends StatementTree> statements = block.getStatements();
    int first = statements.indexOf((StatementTree) statementPath.getLeaf());
    if (first < 0 || first + 1 >= statements.size()) {
      return null;
    }
    return chain(block, statements.subList(first, statements.size()), null, closes, state);
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
          : chain(block, statements.subList(from, to + 1), added, closes, state);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static @Nullable Rewrite chain(
      BlockTree block,
      List<? extends StatementTree> chain,
      @Nullable String added,
      Predicate<MethodInvocationTree> closes,
      VisitorState state) {
    for (StatementTree statement : chain) {
      if (statement instanceof VariableTree || !closesAndStays(statement, closes)) {
        return null;
      }
    }
    CharSequence source = state.getSourceCode();
    int from = ASTHelpers.getStartPosition(chain.get(0));
    int to = state.getEndPosition(chain.get(chain.size() - 1));
    if (from < 0 || to <= from) {
      return null;
    }
    int lastStatement = chain.size() - 1;
    int last = added == null ? lastStatement : lastStatement + 1; // the innermost level
    // What follows each statement on its line, and the comment lines before each: they move
    // with their statement.
    String[] trailing = new String[chain.size()];
    List<List<String>> leading = new ArrayList<>();
    leading.add(List.of());
    for (int i = 1; i <= lastStatement; i++) {
      int gapFrom = state.getEndPosition(chain.get(i - 1));
      int gapTo = ASTHelpers.getStartPosition(chain.get(i));
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
        statement
            .append(reindented(chain.get(i), source, state, inner.substring(indent.length())))
            .append(trailing[i]);
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
    return new Rewrite(SuggestedFix.replace(from, to, text.toString()), null, WHAT_IT_DOES);
  }

  /** The statement's text with each line after its first indented by {@code extra} more. */
  private static String reindented(
      StatementTree statement, CharSequence source, VisitorState state, String extra) {
    String text =
        source
            .subSequence(ASTHelpers.getStartPosition(statement), state.getEndPosition(statement))
            .toString();
    return text.replace("\n", "\n" + extra);
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
