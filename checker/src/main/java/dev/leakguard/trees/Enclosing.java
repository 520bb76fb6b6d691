package dev.leakguard.trees;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import org.jspecify.annotations.Nullable;

/**
 * Where code sits: the body it runs in, and where an expression's value goes past the parentheses
 * and casts around it.
 */
public final class Enclosing {

  private Enclosing() {}

  /**
   * The expression at {@code path} with the parentheses and casts around it ({@code ((T) x)} for
   * {@code x}): its parent is the tree that uses the value.
   */
  public static TreePath withParenthesesAndCasts(TreePath path) {
    TreePath child = path;
    while (child.getParentPath() != null
        && (child.getParentPath().getLeaf() instanceof ParenthesizedTree
            || child.getParentPath().getLeaf() instanceof TypeCastTree)) {
      child = child.getParentPath();
    }
    return child;
  }

  /**
   * The code body {@code path} runs in: the method, lambda, initializer block or field initializer
   * that encloses it; null outside any.
   */
  public static @Nullable TreePath executable(@Nullable TreePath path) {
    for (TreePath current = path; current != null; current = current.getParentPath()) {
      Tree leaf = current.getLeaf();
      TreePath parent = current.getParentPath();
      if (leaf instanceof MethodTree || leaf instanceof LambdaExpressionTree) {
        return current;
      }
      if (parent != null
          && parent.getLeaf() instanceof ClassTree
          && (leaf instanceof BlockTree || leaf instanceof VariableTree)) {
        return current;
      }
    }
    return null;
  }
}
