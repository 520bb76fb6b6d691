package dev.leakguard.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.trees.Enclosing;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.TypeNames;
import javax.lang.model.element.ElementKind;

/**
 * Whether a Netty bootstrap given an event loop group keeps it beyond the method. A bootstrap
 * holds its groups for the channels it makes and never shuts them down: one that stays in the
 * method ({@code new Bootstrap().group(group).connect(…)}, Netty's own client example) only
 * borrows the group, which the method still shuts down; one the method stores, returns or passes
 * on takes the group with it (zookeeper's {@code NettyServerCnxnFactory} keeps its bootstrap in a
 * field, and its {@code shutdown()} reads the groups back from {@code bootstrap.config()}).
 */
final class NettyBootstraps {

  static final String ABSTRACT_BOOTSTRAP = "io.netty.bootstrap.AbstractBootstrap";

  /** How many locals deep a bootstrap is followed before it is taken to be kept. */
  private static final int MAX_DEPTH = 4;

  private NettyBootstraps() {}

  /**
   * Whether the bootstrap that {@code call} (a method of one, given the group) is made on outlives
   * the method. True when it cannot tell: a bootstrap in a field or a parameter, or a shape it
   * does not follow.
   */
  static boolean keptBeyondTheMethod(ExpressionTree call, VisitorState state) {
    // The checks ask with the method, the class or the unit at hand: find the call below it.
    TreePath at = state.getPath() == null ? null : TreePath.getPath(state.getPath(), call);
    TreePath body = Enclosing.executable(at);
    if (at == null || body == null || !(call instanceof MethodInvocationTree invocation)) {
      return true;
    }
    ExpressionTree root = invocation;
    for (ExpressionTree receiver = ASTHelpers.getReceiver(root);
        receiver != null;
        receiver = root instanceof MethodInvocationTree ? ASTHelpers.getReceiver(root) : null) {
      root = ASTHelpers.stripParentheses(receiver);
    }
    if (root instanceof NewClassTree) {
      return retained(at, body, state, 0);
    }
    if (root instanceof IdentifierTree
        && ASTHelpers.getSymbol(root) instanceof VarSymbol local
        && local.getKind() == ElementKind.LOCAL_VARIABLE) {
      return retained(at, body, state, 0) || anyUseRetains(local, body, state, 0);
    }
    return true;
  }

  /**
   * Whether the bootstrap that {@code expression} evaluates to is kept past the method: followed
   * up through the fluent calls that return it, into the local it initializes.
   */
  private static boolean retained(TreePath expression, TreePath body, VisitorState state, int depth) {
    if (depth > MAX_DEPTH) {
      return true;
    }
    TreePath path = expression;
    while (true) {
      path = Enclosing.withParenthesesAndCasts(path);
      TreePath parent = path.getParentPath();
      if (parent == null) {
        return true;
      }
      Tree leaf = parent.getLeaf();
      if (leaf instanceof MemberSelectTree select
          && select.getExpression() == path.getLeaf()
          && parent.getParentPath() != null
          && parent.getParentPath().getLeaf() instanceof MethodInvocationTree next
          && next.getMethodSelect() == select) {
        if (!TypeNames.isSubtype(ASTHelpers.getType(next), ABSTRACT_BOOTSTRAP, state)) {
          return false; // `b.connect(…)`: what it returns does not hold the bootstrap
        }
        path = parent.getParentPath();
        continue;
      }
      if (leaf instanceof ExpressionStatementTree) {
        return false;
      }
      if (leaf instanceof VariableTree variable && variable.getInitializer() == path.getLeaf()) {
        VarSymbol local = ASTHelpers.getSymbol(variable);
        return local == null
            || local.getKind() != ElementKind.LOCAL_VARIABLE
            || anyUseRetains(local, body, state, depth + 1);
      }
      return true; // returned, stored, passed on, captured: kept
    }
  }

  private static boolean anyUseRetains(
      VarSymbol local, TreePath body, VisitorState state, int depth) {
    boolean[] kept = {false};
    Mentions.forEachNamed(
        body,
        (Symbol symbol, TreePath use) -> {
          if (kept[0] || !local.equals(symbol)) {
            return;
          }
          if (insideALambdaOrClass(use, body)) {
            kept[0] = true;
            return;
          }
          if (use.getParentPath().getLeaf() instanceof AssignmentTree assignment
              && assignment.getVariable() == use.getLeaf()) {
            return; // `b = …`: a new value, not a use of the bootstrap
          }
          kept[0] = retained(use, body, state, depth);
        });
    return kept[0];
  }

  private static boolean insideALambdaOrClass(TreePath use, TreePath body) {
    for (TreePath p = use; p != null && p.getLeaf() != body.getLeaf(); p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree
          || p.getLeaf() instanceof ClassTree) {
        return true;
      }
    }
    return false;
  }
}
