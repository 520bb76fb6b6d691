package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.util.TreePath;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import org.jspecify.annotations.Nullable;

/**
 * Closes a value made in a {@code return} when the code that runs after the return fails: the
 * {@code finally} of the {@code try} around it, or the close of one of its resources. The caller
 * never gets the value then, and nothing else can close it. The fix names the value in a variable
 * declared before that {@code try}, and closes it when the {@code try} throws:
 *
 * <pre>{@code
 * try {                                  FileInputStream fileInputStream = null;
 *   return new FileInputStream(f);       try {
 * } finally {                      ->      try {
 *   flushLog();                              return fileInputStream = new FileInputStream(f);
 * }                                        } finally {
 *                                            flushLog();
 *                                          }
 *                                        } catch (Throwable e) {
 *                                          if (fileInputStream != null) {
 *                                            try {
 *                                              fileInputStream.close();
 *                                            } catch (Throwable suppressed) {
 *                                              e.addSuppressed(suppressed);
 *                                            }
 *                                          }
 *                                          throw e;
 *                                        }
 * }</pre>
 *
 * <p>The variable is still null when the {@code try} fails before the value is made, and nothing
 * is closed then. The {@code catch} rethrows precisely, as in {@link CloseOnFailureFix}; a {@code
 * try} with a {@code catch} around the rewritten one is left alone by the analysis, which stops
 * reporting the value once the fix is in. The value's expression must fit on one line (the {@code
 * try}'s lines are re-indented) and its type be one a declaration can name.
 */
public final class ReturnedValueFix {

  /** What the fix does, worded to follow "Did you mean to". */
  public static final String WHAT_IT_DOES =
      "close the returned value if the code after the return throws";

  private ReturnedValueFix() {}

  /**
   * The rewrite for the value made at {@code value}, the expression of a {@code return}, which is
   * lost when {@code witness} (in a {@code finally}, or a resource of a {@code try} around the
   * return) fails; or null when the leak is not of that shape. Never throws.
   */
  public static @Nullable Rewrite propose(
      TreePath value, Tree witness, VisitorState state) {
    try {
      return plan(value, witness, state);
    } catch (RuntimeException e) {
      return Rewrite.none("the code around it has a shape the fix does not handle");
    }
  }

  private static @Nullable Rewrite plan(
      TreePath value, Tree witness, VisitorState state) {
    if (!(value.getLeaf() instanceof ExpressionTree opening)) {
      return null;
    }
    TreePath returned = value.getParentPath();
    while (returned != null && returned.getLeaf() instanceof ParenthesizedTree) {
      returned = returned.getParentPath();
    }
    if (returned == null || !(returned.getLeaf() instanceof ReturnTree)) {
      return null;
    }
    TreePath attemptPath = failingTryAround(returned, witness, state);
    if (attemptPath == null) {
      return null;
    }
    Tree container = attemptPath.getParentPath().getLeaf();
    if (!(container instanceof BlockTree || container instanceof CaseTree)) {
      return Rewrite.none("the try around the return is not in a block a declaration can go in");
    }
    String notMovable = HoistOnFailureFix.whyNotMovable(opening, "makes", state);
    if (notMovable != null) {
      return Rewrite.none(notMovable);
    }
    TryTree attempt = (TryTree) attemptPath.getLeaf();
    ScopedRegion.Outcome scoped = ScopedRegion.between(attemptPath, attempt, state);
    if (scoped.region() == null) {
      return Rewrite.none(scoped.whyNot());
    }
    return new Rewrite(
        HoistOnFailureFix.declareAndCloseOnFailure(
            scoped.region(), attemptPath, opening, true, state),
        null,
        WHAT_IT_DOES);
  }

  /**
   * The innermost {@code try} around the {@code return} (in its block or a {@code catch}, not its
   * {@code finally}) whose {@code finally} holds the witness or whose resource it is; null when
   * there is none, the leak being of another shape.
   */
  private static @Nullable TreePath failingTryAround(
      TreePath returned, Tree witness, VisitorState state) {
    Tree child = returned.getLeaf();
    for (TreePath p = returned.getParentPath(); p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof TryTree attempt && child != attempt.getFinallyBlock()) {
        if (attempt.getResources().contains(witness)
            || (attempt.getFinallyBlock() != null
                && within(witness, attempt.getFinallyBlock(), state))) {
          return p;
        }
      }
      if (p.getLeaf() instanceof MethodTree
          || p.getLeaf() instanceof LambdaExpressionTree
          || p.getLeaf() instanceof ClassTree) {
        return null;
      }
      child = p.getLeaf();
    }
    return null;
  }

  private static boolean within(Tree inner, Tree outer, VisitorState state) {
    return ASTHelpers.getStartPosition(outer) <= ASTHelpers.getStartPosition(inner)
        && state.getEndPosition(inner) <= state.getEndPosition(outer);
  }
}
