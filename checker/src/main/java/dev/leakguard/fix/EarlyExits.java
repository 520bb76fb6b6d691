package dev.leakguard.fix;

import com.sun.source.tree.BreakTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.YieldTree;
import com.sun.tools.javac.tree.JCTree;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** The jumps in a piece of code that a fix wrapping it in a {@code try} has to allow for. */
final class EarlyExits {

  private EarlyExits() {}

  /** Whether {@code tree} holds a {@code return} in its own code ({@link OwnCodeScanner}). */
  static boolean anyReturnIn(Tree tree) {
    boolean[] found = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitReturn(ReturnTree node, Void unused) {
        found[0] = true;
        return null;
      }
    }.scan(tree, null);
    return found[0];
  }

  /**
   * Whether {@code tree} holds a {@code return}, {@code break}, {@code continue} or {@code yield},
   * or, with {@code orThrow}, a {@code throw}, in its own code ({@link OwnCodeScanner}). A
   * {@code break} whose loop is inside {@code tree} counts too: the answer is conservative.
   */
  static boolean anyIn(Tree tree, boolean orThrow) {
    return jumps(tree, orThrow, false);
  }

  /**
   * Whether code in {@code tree} can leave it other than by running off its end or throwing: a
   * {@code return} or {@code yield}, or a {@code break}/{@code continue} whose target is outside
   * {@code tree} (a loop's own {@code break} inside it does not leave).
   */
  static boolean anyLeaving(Tree tree) {
    return jumps(tree, false, true);
  }

  /**
   * @param targetInsideStays whether a {@code break} or {@code continue} whose target statement is
   *     inside {@code tree} stays in it (javac has set each jump's target by attribution)
   */
  private static boolean jumps(Tree tree, boolean orThrow, boolean targetInsideStays) {
    Set<Tree> inside = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean[] found = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void scan(Tree node, Void unused) {
        if (node != null) {
          inside.add(node); // a jump's target encloses it, so is scanned first
        }
        return super.scan(node, null);
      }

      @Override
      public Void visitReturn(ReturnTree node, Void unused) {
        found[0] = true;
        return null;
      }

      @Override
      public Void visitYield(YieldTree node, Void unused) {
        found[0] = true;
        return null;
      }

      @Override
      public Void visitBreak(BreakTree node, Void unused) {
        found[0] |= !(targetInsideStays && inside.contains(((JCTree.JCBreak) node).target));
        return null;
      }

      @Override
      public Void visitContinue(ContinueTree node, Void unused) {
        found[0] |= !(targetInsideStays && inside.contains(((JCTree.JCContinue) node).target));
        return null;
      }

      @Override
      public Void visitThrow(ThrowTree node, Void unused) {
        found[0] |= orThrow;
        return super.visitThrow(node, null);
      }
    }.scan(tree, null);
    return found[0];
  }
}
