package dev.leakguard.fix;

import static dev.leakguard.fix.SourceText.deletionRange;
import static dev.leakguard.fix.SourceText.leadingWhitespace;
import static dev.leakguard.fix.SourceText.lineStart;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.util.TreePath;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The fix for a resource released by hand on each way out of the {@code try} that follows its
 * acquisition, at the end of the {@code try} block and in each {@code catch}, which misses the
 * exceptions no {@code catch} takes: the releases become one {@code finally}.
 *
 * <pre>{@code
 * lock.lock();                          lock.lock();
 * try {                                 try {
 *   work();                               work();
 *   lock.unlock();               ->     } catch (IOException e) {
 * } catch (IOException e) {               log(e);
 *   log(e);                               throw e;
 *   lock.unlock();                      } finally {
 *   throw e;                              lock.unlock();
 * }                                     }
 * }</pre>
 *
 * <p>Each release must be the last thing its branch does before it ends or rethrows, so the
 * {@code finally} runs it at the same point: the {@code try} block's last statement, and in each
 * {@code catch} its last statement or the one just before a final {@code throw}. A trailing {@code
 * catch} left only rethrowing its parameter is removed. No fix when the {@code try} has a {@code
 * finally} or resources, or releases or acquires it anywhere else.
 */
public final class ReleaseInEachBranchFix {

  /** What the fix does, worded to follow "Did you mean to". */
  public static final String WHAT_IT_DOES =
      "release it once, in a finally block, instead of at the end of the try and in each catch";

  private ReleaseInEachBranchFix() {}

  /**
   * The rewrite for a resource held from the end of the statement at {@code held}, a statement of
   * a block followed by a {@code try} of that shape; null when the code is not that shape. Never
   * throws.
   */
  public static @Nullable Rewrite propose(
      TreePath held, ScopedRegion.Resource resource, VisitorState state) {
    try {
      return plan(held, resource, state);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static @Nullable Rewrite plan(
      TreePath held, ScopedRegion.Resource resource, VisitorState state) {
    if (!(held.getParentPath().getLeaf() instanceof BlockTree block)) {
      return null;
    }
    List<? extends StatementTree> statements = block.getStatements();
    int index = statements.indexOf(held.getLeaf());
    if (index < 0
        || index + 1 >= statements.size()
        || !(statements.get(index + 1) instanceof TryTree attempt)
        || attempt.getFinallyBlock() != null
        || !attempt.getResources().isEmpty()
        || attempt.getCatches().isEmpty()) {
      return null;
    }
    List<StatementTree> releases = new ArrayList<>();
    StatementTree last = lastOf(attempt.getBlock());
    if (last == null || !isRelease(last, resource, state)) {
      return null;
    }
    releases.add(last);
    List<CatchTree> rethrowOnly = new ArrayList<>();
    for (CatchTree clause : attempt.getCatches()) {
      List<? extends StatementTree> body = clause.getBlock().getStatements();
      int at = body.size() - 1;
      boolean rethrows = at >= 0 && body.get(at) instanceof ThrowTree;
      if (rethrows) {
        at--;
      }
      if (at < 0 || !isRelease(body.get(at), resource, state)) {
        return null;
      }
      releases.add(body.get(at));
      if (rethrows
          && body.size() == 2
          && ((ThrowTree) body.get(1)).getExpression() instanceof IdentifierTree thrown
          && ASTHelpers.getSymbol(thrown) == ASTHelpers.getSymbol(clause.getParameter())) {
        rethrowOnly.add(clause);
      } else {
        rethrowOnly.clear(); // only trailing rethrow-only clauses can go
      }
    }
    if (touchesElsewhere(attempt, releases, resource, state)) {
      return null;
    }
    String releaseText = state.getSourceForNode(last);
    for (StatementTree release : releases) {
      if (!state.getSourceForNode(release).equals(releaseText)) {
        return null; // different releases on different branches: not one finally
      }
    }
    CharSequence source = state.getSourceCode();
    int tryStart = ASTHelpers.getStartPosition(attempt);
    int tryEnd = state.getEndPosition(attempt);
    if (tryStart < 0 || tryEnd <= tryStart || source.charAt(tryEnd - 1) != '}') {
      return null;
    }
    String indent = leadingWhitespace(source, lineStart(source, tryStart));
    String inner = leadingWhitespace(source, lineStart(source, ASTHelpers.getStartPosition(last)));
    String unit = SourceText.indentUnit(inner, indent);
    SuggestedFix.Builder fix = SuggestedFix.builder();
    int keptEnd = tryEnd;
    if (!rethrowOnly.isEmpty()) {
      // `} catch (E e) { throw e; }` at the end would only rethrow: the finally replaces it.
      CatchTree firstGone = rethrowOnly.get(0);
      List<? extends CatchTree> catches = attempt.getCatches();
      int position = catches.indexOf(firstGone);
      int from =
          position == 0
              ? state.getEndPosition(attempt.getBlock())
              : state.getEndPosition(catches.get(position - 1));
      fix.replace(from, tryEnd, "");
      keptEnd = from;
    }
    for (StatementTree release : releases) {
      int start = ASTHelpers.getStartPosition(release);
      if (start < keptEnd) {
        int[] range = deletionRange(source, start, state.getEndPosition(release));
        fix.replace(range[0], range[1], "");
      }
    }
    fix.replace(
        keptEnd,
        keptEnd,
        " finally {\n" + indent + unit + releaseText + "\n" + indent + "}");
    return new Rewrite(fix.build(), null, WHAT_IT_DOES);
  }

  private static @Nullable StatementTree lastOf(BlockTree block) {
    List<? extends StatementTree> statements = block.getStatements();
    return statements.isEmpty() ? null : statements.get(statements.size() - 1);
  }

  private static boolean isRelease(
      StatementTree statement, ScopedRegion.Resource resource, VisitorState state) {
    return statement instanceof ExpressionStatementTree expression
        && expression.getExpression() instanceof MethodInvocationTree call
        && resource.isRelease(call, state);
  }

  /** Whether the {@code try} releases or acquires it anywhere but at {@code releases}. */
  private static boolean touchesElsewhere(
      TryTree attempt,
      List<StatementTree> releases,
      ScopedRegion.Resource resource,
      VisitorState state) {
    List<Tree> expected = new ArrayList<>();
    for (StatementTree release : releases) {
      expected.add(((ExpressionStatementTree) release).getExpression());
    }
    return ScopedRegion.callsOn(attempt, resource, false, state).stream()
        .anyMatch(call -> !expected.contains(call));
  }
}
