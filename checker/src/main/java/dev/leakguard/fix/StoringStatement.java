package dev.leakguard.fix;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * The statement that puts an opening expression into a local variable: its declaration {@code T r
 * = <owner>;} or an assignment statement {@code r = <owner>;} (through parentheses and casts).
 * Shared by the fixes that rewrite the code around that variable.
 *
 * @param statement the declaration, or the expression statement holding the assignment
 * @param variable the local variable
 */
record StoringStatement(TreePath statement, Symbol variable) {

  /** The statement storing {@code owner} in a local variable, or null for any other shape. */
  static @Nullable StoringStatement of(TreePath owner) {
    TreePath child = owner;
    TreePath parent = owner.getParentPath();
    while (parent != null
        && (parent.getLeaf() instanceof ParenthesizedTree
            || parent.getLeaf() instanceof TypeCastTree)) {
      child = parent;
      parent = parent.getParentPath();
    }
    if (parent == null) {
      return null;
    }
    Symbol variable;
    TreePath statement;
    if (parent.getLeaf() instanceof VariableTree declaration
        && declaration.getInitializer() == child.getLeaf()) {
      variable = ASTHelpers.getSymbol(declaration);
      statement = parent;
    } else if (parent.getLeaf() instanceof AssignmentTree assignment
        && assignment.getExpression() == child.getLeaf()
        && assignment.getVariable() instanceof IdentifierTree
        && parent.getParentPath().getLeaf() instanceof ExpressionStatementTree) {
      variable = ASTHelpers.getSymbol(assignment.getVariable());
      statement = parent.getParentPath();
    } else {
      return null;
    }
    return variable != null && variable.getKind() == ElementKind.LOCAL_VARIABLE
        ? new StoringStatement(statement, variable)
        : null;
  }
}
