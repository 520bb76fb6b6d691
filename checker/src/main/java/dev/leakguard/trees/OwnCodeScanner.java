package dev.leakguard.trees;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import java.util.function.Predicate;

/**
 * Scans the code a method body runs itself: nested lambdas and class bodies (local, anonymous) are
 * skipped, because they run at another time and every check matches them on their own. The
 * arguments and enclosing instance of an anonymous {@code new} are still scanned: they run here.
 */
public class OwnCodeScanner<R, P> extends TreeScanner<R, P> {

  @Override
  public R visitLambdaExpression(LambdaExpressionTree lambda, P p) {
    return null;
  }

  @Override
  public R visitClass(ClassTree classTree, P p) {
    return null;
  }

  @Override
  public R visitNewClass(NewClassTree creation, P p) {
    R r = scan(creation.getEnclosingExpression(), p);
    r = reduce(scan(creation.getIdentifier(), p), r);
    r = reduce(scan(creation.getTypeArguments(), p), r);
    return reduce(scan(creation.getArguments(), p), r);
  }

  /** Whether any call or {@code new} the body runs itself satisfies {@code test}. */
  public static boolean anyInvocation(Tree body, Predicate<ExpressionTree> test) {
    boolean[] found = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        return found[0] ? null : super.scan(tree, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (test.test(call)) {
          found[0] = true;
          return null;
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitNewClass(NewClassTree creation, Void unused) {
        if (test.test(creation)) {
          found[0] = true;
          return null;
        }
        return super.visitNewClass(creation, null);
      }
    }.scan(body, null);
    return found[0];
  }
}
