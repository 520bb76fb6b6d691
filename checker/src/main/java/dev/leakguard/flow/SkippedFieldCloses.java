package dev.leakguard.flow;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.flow.FieldLifecycle.OwnedField;
import dev.leakguard.flow.FieldLifecycle.SkippedClose;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * The closes of a class's own fields that a failing close of another of its fields skips: {@code
 * close() { in.close(); out.close(); }} leaves {@code out} open when {@code in.close()} throws.
 * The same rule as for locals closed in a {@code finally} ({@code
 * ObligationTransfer.skippedReleasesInFinally}), read here from the tree: the class's closes are
 * sequences of statements, not one method's flow of obligations.
 *
 * <p>A close counts as failing only when it declares a checked exception, is not known to be
 * unable to fail (a quiet helper, {@code closeQuietly}), releases another field the class itself
 * opened, and no {@code catch} inside its own statement takes its failure.
 */
public final class SkippedFieldCloses {

  private final Map<Tree, VarSymbol> fieldClosedBy = new IdentityHashMap<>();
  private final ObligationSpec spec;
  private final VisitorState state;

  private SkippedFieldCloses(ObligationSpec spec, VisitorState state) {
    this.spec = spec;
    this.state = state;
  }

  /**
   * The skipped closes of {@code fields}, each released by the calls {@code uses} found: at most
   * one per release, naming the earliest close that skips it.
   */
  static List<SkippedClose> find(
      List<OwnedField> fields, FieldReleases uses, ObligationSpec spec, VisitorState state) {
    if (fields.size() < 2) {
      return List.of();
    }
    SkippedFieldCloses finder = new SkippedFieldCloses(spec, state);
    for (OwnedField field : fields) {
      for (TreePath release : uses.releasesOf(field.symbol())) {
        if (release.getLeaf() instanceof MethodInvocationTree call) {
          finder.fieldClosedBy.put(call, field.symbol());
        }
      }
    }
    List<SkippedClose> skipped = new ArrayList<>();
    for (OwnedField field : fields) {
      for (TreePath release : uses.releasesOf(field.symbol())) {
        SkippedClose found = finder.skippedBefore(field, release);
        if (found != null) {
          skipped.add(found);
        }
      }
    }
    return withoutPartialChains(skipped);
  }

  /**
   * The closes with a chain dropped where the chain would hold a close still skipped inside one
   * of its statements ({@code a.close(); if (all) { b.close(); c.close(); }}: chaining from {@code
   * a.close()} leaves {@code c} skipped by {@code b.close()}). One pass of the fixes must leave
   * nothing to fix.
   */
  private static List<SkippedClose> withoutPartialChains(List<SkippedClose> skipped) {
    List<SkippedClose> result = new ArrayList<>();
    for (SkippedClose close : skipped) {
      TreePath chainFrom = close.chainFrom();
      boolean partial = false;
      if (chainFrom != null) {
        Tree block = chainFrom.getParentPath().getLeaf();
        int from = ASTHelpers.getStartPosition(chainFrom.getLeaf());
        for (SkippedClose other : skipped) {
          if (other.chainFrom() == null
              && ASTHelpers.getStartPosition(other.release().getLeaf()) > from
              && FieldReleases.isInside(other.release(), block)) {
            partial = true;
            break;
          }
        }
      }
      result.add(
          partial
              ? new SkippedClose(close.field(), close.release(), close.failingClose(), null)
              : close);
    }
    return result;
  }

  /**
   * The earliest failing close of another field that runs before {@code release} in the same
   * method and, when it throws, skips it; null when there is none.
   */
  private @Nullable SkippedClose skippedBefore(OwnedField field, TreePath release) {
    MethodInvocationTree earliest = null;
    TreePath earliestStatement = null;
    int levels = 0;
    for (TreePath current = release;
        current.getParentPath() != null;
        current = current.getParentPath()) {
      Tree leaf = current.getLeaf();
      if (leaf instanceof MethodTree
          || leaf instanceof LambdaExpressionTree
          || leaf instanceof ClassTree) {
        break;
      }
      List<? extends StatementTree> siblings = statementsAround(current);
      if (siblings == null) {
        continue;
      }
      boolean foundAtThisLevel = false;
      for (StatementTree sibling : siblings) {
        if (sibling == leaf) {
          break;
        }
        TreePath siblingPath = new TreePath(current.getParentPath(), sibling);
        MethodInvocationTree failing = failingCloseIn(siblingPath, field.symbol());
        if (failing != null) {
          if (!foundAtThisLevel) {
            levels++;
            foundAtThisLevel = true;
          }
          // Outer levels are visited later, and their statements come first in the source.
          earliest = failing;
          earliestStatement = siblingPath;
          break;
        }
      }
    }
    if (earliest == null) {
      return null;
    }
    // Failing closes at several levels of nesting: a chain from the outer one would leave the
    // inner one skipping this close, so no single rewrite fixes it.
    return new SkippedClose(field, release, earliest, levels == 1 ? earliestStatement : null);
  }

  /**
   * The first statement of {@code body} (a method's body) with a close of a field of its class
   * that may fail out of it; null when there is none. A close of a field added after it is skipped
   * when that close fails, so it goes in a {@code finally} around the statements from there on.
   * Broader than what {@link #find} reports (any field of the class, not only those it opened), so
   * that a fix which follows it leaves nothing for {@link #find} to report.
   */
  public static @Nullable StatementTree firstWithFailingFieldClose(
      TreePath body, ObligationSpec spec, VisitorState state) {
    if (!(body.getLeaf() instanceof BlockTree block)) {
      return null;
    }
    SkippedFieldCloses finder = new SkippedFieldCloses(spec, state);
    for (StatementTree statement : block.getStatements()) {
      if (finder.failingCloseIn(new TreePath(body, statement), null) != null) {
        return statement;
      }
    }
    return null;
  }

  /** The statements of the block or {@code case} whose statement {@code path} leads to, or null. */
  private static @Nullable List<? extends StatementTree> statementsAround(TreePath path) {
    if (!(path.getLeaf() instanceof StatementTree)) {
      return null;
    }
    Tree parent = path.getParentPath().getLeaf();
    if (parent instanceof BlockTree block) {
      return block.getStatements();
    }
    if (parent instanceof CaseTree caseTree) {
      return caseTree.getStatements(); // null for `case X -> …`
    }
    return null;
  }

  /**
   * The first close in {@code statement} of another field than {@code skipped} whose failure
   * leaves the statement; null when there is none.
   */
  private @Nullable MethodInvocationTree failingCloseIn(
      TreePath statement, @Nullable VarSymbol skipped) {
    MethodInvocationTree[] found = {null};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (found[0] == null) {
          VarSymbol closed = skipped == null ? closedField(call) : fieldClosedBy.get(call);
          if (closed != null
              && !closed.equals(skipped)
              && NonThrowingCalls.declaresCheckedException(ASTHelpers.getSymbol(call), state)
              && !NonThrowingCalls.cannotThrow(call, spec, state)
              && !caughtWithin(getCurrentPath(), statement.getLeaf())) {
            found[0] = call;
          }
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree lambda, Void unused) {
        return null; // runs later, if at all
      }

      @Override
      public Void visitClass(ClassTree nested, Void unused) {
        return null;
      }
    }.scan(statement, null);
    return found[0];
  }

  /** The field of the enclosing class that {@code call} releases, by the spec; null if none. */
  private @Nullable VarSymbol closedField(MethodInvocationTree call) {
    Tree operand;
    try {
      operand = spec.releasedOperand(call, state).of(call);
    } catch (RuntimeException e) {
      return null;
    }
    return operand instanceof ExpressionTree expression
            && ASTHelpers.getSymbol(FieldLifecycle.strip(expression)) instanceof VarSymbol variable
            && variable.getKind() == ElementKind.FIELD
        ? variable
        : null;
  }

  /**
   * Whether a {@code try} between {@code call} and {@code statement} has a {@code catch} that may
   * take the call's failure: the code after it then runs. Any {@code catch} counts, whatever it
   * names, so that only closes whose failure surely leaves are reported.
   */
  private static boolean caughtWithin(TreePath call, Tree statement) {
    Tree child = null;
    for (TreePath current = call; current != null; current = current.getParentPath()) {
      Tree leaf = current.getLeaf();
      if (leaf instanceof TryTree attempt
          && !attempt.getCatches().isEmpty()
          && (child == attempt.getBlock() || attempt.getResources().contains(child))) {
        return true;
      }
      if (leaf == statement) {
        return false;
      }
      child = leaf;
    }
    return false;
  }
}
