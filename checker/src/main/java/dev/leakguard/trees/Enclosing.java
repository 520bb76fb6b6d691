package dev.leakguard.trees;

import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.util.TreePath;

/** Where an expression's value goes, past the parentheses and casts around it. */
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
}
