package dev.leakguard.trees;

import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Where two trees of one method part ways, and whether one run can reach both. */
public final class Branches {

  private Branches() {}

  /**
   * Where the paths to two trees part: their deepest common ancestor, the child of it that leads
   * to each, and the tree below {@code childA} on the way to {@code a} (null when {@code childA}
   * is {@code a}).
   */
  public record Divergence(Tree parent, Tree childA, Tree childB, @Nullable Tree belowChildA) {}

  /** Null when one path contains the other, or they share no root. */
  public static @Nullable Divergence of(TreePath a, TreePath b) {
    List<Tree> fromRootA = new ArrayList<>();
    a.forEach(t -> fromRootA.add(0, t));
    List<Tree> fromRootB = new ArrayList<>();
    b.forEach(t -> fromRootB.add(0, t));
    int i = 0;
    while (i < fromRootA.size() && i < fromRootB.size() && fromRootA.get(i) == fromRootB.get(i)) {
      i++;
    }
    if (i == 0 || i >= fromRootA.size() || i >= fromRootB.size()) {
      return null;
    }
    return new Divergence(
        fromRootA.get(i - 1),
        fromRootA.get(i),
        fromRootB.get(i),
        i + 1 < fromRootA.size() ? fromRootA.get(i + 1) : null);
  }

  /**
   * Whether {@code a} and {@code b} lie on different arms of an {@code if}, a {@code ?:} or a
   * {@code switch} statement or expression (different cases), so that taking one arm skips the
   * other: one run through the choice reaches at most one of them (a case that falls through into
   * the next is the caller's to rule out, where it matters).
   */
  public static boolean onDifferentArms(TreePath a, TreePath b) {
    Divergence split = of(a, b);
    return split != null && onDifferentArms(split);
  }

  /** The same, for a divergence already found. */
  public static boolean onDifferentArms(Divergence split) {
    if (split.parent() instanceof IfTree choice) {
      return split.childA() != choice.getCondition() && split.childB() != choice.getCondition();
    }
    if (split.parent() instanceof ConditionalExpressionTree choice) {
      return split.childA() != choice.getCondition() && split.childB() != choice.getCondition();
    }
    return (split.parent() instanceof SwitchTree || split.parent() instanceof SwitchExpressionTree)
        && split.childA() instanceof CaseTree
        && split.childB() instanceof CaseTree;
  }
}
