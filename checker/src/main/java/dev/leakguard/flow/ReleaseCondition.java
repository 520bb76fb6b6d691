package dev.leakguard.flow;

import static com.google.errorprone.util.ASTHelpers.stripParentheses;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.trees.Mentions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import org.jspecify.annotations.Nullable;

/**
 * The condition that every release of a leaked obligation depends on, said in its message: "and
 * `in.close()` runs only when `flag`". A release under an {@code if} is the likeliest reason why a
 * path that reaches it still leaks, and the path a finding names need not show it: zookeeper's
 * {@code Shell} cancels its timer in a {@code finally} under {@code !timedOut.get()}, and the
 * finding named a caught exception on the way there.
 *
 * <p>Not a condition for this purpose: a test of the released value ({@code in != null}: a null
 * owes nothing; {@code !socket.isConnected()}), an {@code if} that also encloses the acquisition
 * (it chooses whether there is anything to release), a flag whose value the leaking paths know
 * (hsqldb's {@code close = true} beside the stream it opens: the analysis has already followed
 * the branch it takes), and the flag the acquisition set ({@code boolean locked =
 * lock.tryLock()}).
 */
final class ReleaseCondition {

  private ReleaseCondition() {}

  /**
   * "`in.close()` runs only when `flag`", or null when some release of {@code obligation} is not
   * under such a condition, or it was never released.
   */
  static @Nullable String of(
      Obligation obligation,
      Set<Element> knownFlags,
      TreePath method,
      ObligationSpec spec,
      VisitorState state) {
    List<MethodInvocationTree> releases = new ArrayList<>(obligation.releases);
    if (releases.isEmpty()) {
      return null;
    }
    releases.sort(Comparator.comparingInt(ASTHelpers::getStartPosition));
    String first = null;
    for (MethodInvocationTree release : releases) {
      String condition = conditionOf(release, obligation, knownFlags, method, spec, state);
      if (condition == null) {
        return null; // released unconditionally somewhere
      }
      if (first == null) {
        first = condition;
      }
    }
    return first;
  }

  private static @Nullable String conditionOf(
      MethodInvocationTree release,
      Obligation obligation,
      Set<Element> knownFlags,
      TreePath method,
      ObligationSpec spec,
      VisitorState state) {
    TreePath path = TreePath.getPath(method, release);
    if (path == null) {
      return null;
    }
    ExpressionTree operand = spec.releasedOperand(release, state).of(release);
    Symbol released = operand == null ? null : ASTHelpers.getSymbol(operand);
    Tree child = release;
    for (TreePath up = path.getParentPath();
        up != null && child != method.getLeaf();
        child = up.getLeaf(), up = up.getParentPath()) {
      Tree leaf = up.getLeaf();
      if (leaf instanceof LambdaExpressionTree || leaf instanceof ClassTree) {
        return null;
      }
      if (!(leaf instanceof IfTree choice)
          || child == choice.getCondition()
          || ObligationAnalysis.isWithin(obligation.site, choice, state)) {
        continue;
      }
      boolean inThen = child == choice.getThenStatement();
      List<ExpressionTree> tests = new ArrayList<>();
      // Released when all of `a && b` hold, or (in the else branch) when none of `a || b` does.
      // A test that reads the released value (`x != null`, `!socket.isConnected()`) is about
      // what there is to release, not a choice not to.
      split(choice.getCondition(), inThen ? Tree.Kind.CONDITIONAL_AND : Tree.Kind.CONDITIONAL_OR, tests);
      tests.removeIf(test -> released != null && Mentions.mentions(test, released));
      tests.removeIf(
          test -> isKnownFlag(test, knownFlags) || isFlagOf(test, obligation, method));
      if (tests.isEmpty()) {
        continue;
      }
      ExpressionTree shown = tests.size() == 1 ? tests.get(0) : stripParentheses(choice.getCondition());
      // `if (!timedOut.get()) timer.cancel()`: "does not run when `timedOut.get()`".
      boolean negated = shown.getKind() == Tree.Kind.LOGICAL_COMPLEMENT;
      shown = withoutNot(shown);
      String call = "`" + ObligationAnalysis.callText(release, state) + "`";
      String test = "`" + ObligationAnalysis.shortSource(shown, state) + "`";
      return inThen != negated
          ? call + " runs only when " + test
          : call + " does not run when " + test;
    }
    return null;
  }

  private static void split(ExpressionTree condition, Tree.Kind operator, List<ExpressionTree> into) {
    ExpressionTree bare = stripParentheses(condition);
    if (bare.getKind() == operator) {
      split(((BinaryTree) bare).getLeftOperand(), operator, into);
      split(((BinaryTree) bare).getRightOperand(), operator, into);
    } else {
      into.add(bare);
    }
  }

  /** {@code flag} or {@code !flag}, of a local whose value the leaking paths know. */
  private static boolean isKnownFlag(ExpressionTree test, Set<Element> knownFlags) {
    Symbol flag = ASTHelpers.getSymbol(withoutNot(test));
    return flag != null && knownFlags.contains(flag);
  }

  /**
   * {@code locked} or {@code !locked} after {@code locked = lock.tryLock()}: the acquisition's own
   * outcome, which says whether there is anything to release.
   */
  private static boolean isFlagOf(ExpressionTree test, Obligation obligation, TreePath method) {
    Symbol flag = ASTHelpers.getSymbol(withoutNot(test));
    if (!(flag instanceof VarSymbol) || flag.getKind().isField()) {
      return false;
    }
    boolean[] setByAcquisition = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        check(ASTHelpers.getSymbol(variable), variable.getInitializer());
        return super.visitVariable(variable, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree assignment, Void unused) {
        check(ASTHelpers.getSymbol(assignment.getVariable()), assignment.getExpression());
        return super.visitAssignment(assignment, null);
      }

      private void check(@Nullable Symbol assigned, @Nullable ExpressionTree value) {
        if (flag.equals(assigned) && value != null && stripParentheses(value) == obligation.site) {
          setByAcquisition[0] = true;
        }
      }
    }.scan(method.getLeaf(), null);
    return setByAcquisition[0];
  }

  /** {@code x} for {@code !x}; any other test as it is. */
  private static ExpressionTree withoutNot(ExpressionTree test) {
    return test.getKind() == Tree.Kind.LOGICAL_COMPLEMENT
        ? stripParentheses(((UnaryTree) test).getExpression())
        : test;
  }
}
