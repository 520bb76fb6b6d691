package dev.leakguard.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.flow.ObligationSpec;
import dev.leakguard.flow.ObligationSpec.ArgumentEffect;
import dev.leakguard.fix.ScopedRegion;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@code try { … } finally { x.release(); }} goes for a value held in a local variable
 * whose release is a method call rather than a {@code close()} that try-with-resources could make:
 * an executor's {@code shutdown()}, a {@code Deflater}'s {@code end()}, a {@code TypedArray}'s
 * {@code recycle()}. The {@code try} opens after the declaration and runs up to the variable's
 * existing release when that is a statement of the same block (which then moves into {@code
 * finally}), else up to the block's last statement that uses it. Uses that a {@code finally}
 * would break (handed on, stored, captured) say why there is no region.
 */
final class LocalReleaseRegion {

  private final ObligationSpec spec;

  /**
   * Why releasing a value that is handed on would be wrong, for reasons: "shutting it down here
   * could stop work that continues elsewhere".
   */
  private final String releasingWouldBreak;

  LocalReleaseRegion(ObligationSpec spec, String releasingWouldBreak) {
    this.spec = spec;
    this.releasingWouldBreak = releasingWouldBreak;
  }

  /**
   * The region for the value that {@code site}, the initializer of a local variable, makes; or
   * why there is none.
   *
   * @param noun what the value is, for reasons ("executor")
   */
  ScopedRegion.Outcome of(TreePath site, String noun, VisitorState state) {
    return of(site, noun, false, state);
  }

  /**
   * @param servesInTheBackground whether the value works while the code after it runs without
   *     naming it (a started gRPC server answers the calls the rest of a test makes through a
   *     channel): the {@code try} then runs on to the block's last statement before a final
   *     {@code return} or {@code throw}, whether or not that code names it
   */
  ScopedRegion.Outcome of(
      TreePath site, String noun, boolean servesInTheBackground, VisitorState state) {
    TreePath declarationPath = site.getParentPath();
    if (declarationPath != null
        && declarationPath.getLeaf() instanceof AssignmentTree assignment
        && assignment.getExpression() == site.getLeaf()
        && assignment.getVariable() instanceof IdentifierTree assigned) {
      // `timer = new Timer()` into a variable declared before, and perhaps given other values.
      return ScopedRegion.Outcome.none(
          "it is assigned to `" + assigned.getName() + "`, which is declared elsewhere");
    }
    if (declarationPath == null
        || !(declarationPath.getLeaf() instanceof VariableTree variable)
        || variable.getInitializer() != site.getLeaf()) {
      return ScopedRegion.Outcome.none("the " + noun + " is not stored in a variable of its own");
    }
    VarSymbol symbol = ASTHelpers.getSymbol(variable);
    TreePath blockPath = declarationPath.getParentPath();
    if (symbol == null || !(blockPath.getLeaf() instanceof BlockTree block)) {
      return ScopedRegion.Outcome.none("it is declared outside a block");
    }
    List<? extends StatementTree> statements = block.getStatements();
    int declared = statements.indexOf(variable);
    int lastUse = -1;
    boolean released = false;
    for (int i = declared + 1; i < statements.size(); i++) {
      Uses uses = uses(symbol, new TreePath(blockPath, statements.get(i)), state);
      if (uses.whyNot != null) {
        return ScopedRegion.Outcome.none(uses.whyNot);
      }
      if (uses.used) {
        lastUse = i;
      }
      released |= uses.released;
    }
    ScopedRegion.Resource resource =
        new ScopedRegion.Resource() {
          @Override
          public boolean isRelease(ExpressionTree expression, VisitorState s) {
            return expression instanceof MethodInvocationTree call && releases(call, symbol, s);
          }

          @Override
          public boolean isAcquire(ExpressionTree expression, VisitorState s) {
            return false;
          }
        };
    if (released) {
      return ScopedRegion.afterStatement(declarationPath, resource, state);
    }
    if (servesInTheBackground) {
      int last = statements.size() - 1;
      if (last > declared
          && (statements.get(last) instanceof ReturnTree
              || statements.get(last) instanceof ThrowTree)) {
        last--;
      }
      lastUse = Math.max(lastUse, last > declared ? last : -1);
    }
    if (lastUse < 0) {
      return ScopedRegion.Outcome.none("`" + variable.getName() + "` is never used");
    }
    return ScopedRegion.between(
        new TreePath(blockPath, statements.get(declared + 1)), statements.get(lastUse), state);
  }

  /** How {@code code} uses the local {@code variable}. */
  Uses uses(VarSymbol variable, TreePath code, VisitorState state) {
    Uses uses = new Uses(variable, state);
    uses.scan(code, null);
    return uses;
  }

  /** Whether {@code call} releases the local {@code variable}. */
  boolean releases(MethodInvocationTree call, VarSymbol variable, VisitorState state) {
    ExpressionTree released = spec.releasedOperand(call, state).of(call);
    return released != null
        && variable.equals(ASTHelpers.getSymbol(ASTHelpers.stripParentheses(released)));
  }

  /**
   * The uses of a local in some code: whether it is used, released, or used in a way that a
   * {@code finally} releasing it would break (handed off, captured, reassigned).
   */
  final class Uses extends TreePathScanner<Void, Void> {
    private final VarSymbol variable;
    private final VisitorState state;
    boolean used;
    boolean released;
    @Nullable String whyNot;

    private Uses(VarSymbol variable, VisitorState state) {
      this.variable = variable;
      this.state = state;
    }

    @Override
    public Void visitIdentifier(IdentifierTree identifier, Void unused) {
      if (!variable.equals(ASTHelpers.getSymbol(identifier))) {
        return null;
      }
      used = true;
      TreePath parent = getCurrentPath().getParentPath();
      Tree parentLeaf = parent.getLeaf();
      if (parentLeaf instanceof MemberSelectTree
          && parent.getParentPath().getLeaf() instanceof MethodInvocationTree call) {
        released |= releases(call, variable, state);
        return null; // pool.execute(r), pool.shutdown()
      }
      if (parentLeaf instanceof MethodInvocationTree call
          && call.getArguments().contains(identifier)) {
        if (releases(call, variable, state)) {
          released = true;
          return null;
        }
        if (spec.argumentEffect(call, call.getArguments().indexOf(identifier), state)
            == ArgumentEffect.BORROWS) {
          return null; // supplyAsync(task, pool)
        }
      }
      if (parentLeaf instanceof NewClassTree creation
          && spec.argumentEffect(creation, creation.getArguments().indexOf(identifier), state)
              == ArgumentEffect.BORROWS) {
        return null;
      }
      if (parentLeaf instanceof BinaryTree) {
        return null; // pool != null
      }
      if (whyNot == null) {
        whyNot =
            "`"
                + identifier.getName()
                + "` is handed on, stored or captured, so "
                + releasingWouldBreak;
      }
      return null;
    }

    @Override
    public Void visitLambdaExpression(LambdaExpressionTree lambda, Void unused) {
      Uses inner = new Uses(variable, state);
      inner.scan(new TreePath(getCurrentPath(), lambda.getBody()), null);
      if (inner.used && whyNot == null) {
        whyNot = "it is captured by a lambda that may run after the block";
      }
      used |= inner.used;
      return null;
    }

    @Override
    public Void visitClass(ClassTree classTree, Void unused) {
      Uses inner = new Uses(variable, state);
      for (Tree member : classTree.getMembers()) {
        inner.scan(new TreePath(getCurrentPath(), member), null);
      }
      if (inner.used && whyNot == null) {
        whyNot = "it is captured by a class that may run after the block";
      }
      used |= inner.used;
      return null;
    }
  }
}
