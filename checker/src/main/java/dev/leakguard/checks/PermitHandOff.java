package dev.leakguard.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.flow.Leak;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A semaphore permit, unlike a lock, may be released by another thread. A method that, on its way
 * out with the permit held, submits a task given the semaphore (or the object that owns it) has
 * handed the release to that task: log4j {@code RollingFileManager.rollover()} passes {@code this}
 * to the {@code AsyncAction} that releases the permit when the rollover's asynchronous half ends.
 */
final class PermitHandOff {

  private PermitHandOff() {}

  /**
   * Whether {@code leak}, a permit left held when the method completes, was handed to a task
   * created between the acquisition and the exit.
   */
  static boolean handedToTask(Leak leak, Tree body, VisitorState state) {
    ExpressionTree semaphore = leak.acquisition().identity();
    if (!LockSpec.PERMIT.equals(leak.acquisition().kind())
        || semaphore == null
        || (leak.path() != Leak.Path.RETURN && leak.path() != Leak.Path.END_OF_METHOD)) {
      return false;
    }
    Symbol semaphoreSymbol = ASTHelpers.getSymbol(LockSpec.stripParentheses(semaphore));
    if (semaphoreSymbol == null) {
      return false;
    }
    boolean ownedByThis = semaphoreSymbol.getKind().isField() && !ASTHelpers.isStatic(semaphoreSymbol)
        && isThisOrImplicit(semaphore);
    int after = state.getEndPosition(leak.site());
    int before =
        leak.witness() == null ? Integer.MAX_VALUE : ASTHelpers.getStartPosition(leak.witness());
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        return found[0] ? null : super.scan(tree, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        check(call, call.getArguments());
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitNewClass(NewClassTree creation, Void unused) {
        check(creation, creation.getArguments());
        return super.visitNewClass(creation, null);
      }

      // Code in a nested lambda or class runs later, not on this method's path.
      @Override
      public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
        return null;
      }

      @Override
      public Void visitClass(ClassTree tree, Void unused) {
        return null;
      }

      private void check(ExpressionTree call, List<? extends ExpressionTree> arguments) {
        int start = ASTHelpers.getStartPosition(call);
        if (start < after || start >= before) {
          return;
        }
        for (ExpressionTree argument : arguments) {
          if (isTask(argument, state) && reaches(argument, semaphoreSymbol, ownedByThis)) {
            found[0] = true;
          }
        }
      }
    }.scan(body, null);
    return found[0];
  }

  /** Whether the value is something another thread runs: a {@code Runnable} or {@code Callable}. */
  private static boolean isTask(ExpressionTree argument, VisitorState state) {
    Type type = ASTHelpers.getType(argument);
    return type != null
        && (ASTHelpers.isSubtype(type, state.getTypeFromString("java.lang.Runnable"), state)
            || ASTHelpers.isSubtype(
                type, state.getTypeFromString("java.util.concurrent.Callable"), state));
  }

  /**
   * Whether the task can reach the semaphore: a lambda or anonymous class that names it, or a new
   * task object given it or (for a field of {@code this}) given {@code this}.
   */
  private static boolean reaches(ExpressionTree task, Symbol semaphore, boolean ownedByThis) {
    ExpressionTree value = LockSpec.stripParentheses(task);
    if (value instanceof LambdaExpressionTree lambda) {
      return mentions(lambda.getBody(), semaphore);
    }
    if (value instanceof NewClassTree creation) {
      if (creation.getClassBody() != null && mentions(creation.getClassBody(), semaphore)) {
        return true;
      }
      for (ExpressionTree argument : creation.getArguments()) {
        ExpressionTree a = LockSpec.stripParentheses(argument);
        if (semaphore.equals(ASTHelpers.getSymbol(a)) || (ownedByThis && isThis(a))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean mentions(@Nullable Tree tree, Symbol symbol) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree identifier, Void unused) {
        found[0] |= symbol.equals(ASTHelpers.getSymbol(identifier));
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree select, Void unused) {
        found[0] |= symbol.equals(ASTHelpers.getSymbol(select));
        return super.visitMemberSelect(select, null);
      }
    }.scan(tree, null);
    return found[0];
  }

  /** {@code semaphore} or {@code this.semaphore}: a field of the object running the method. */
  private static boolean isThisOrImplicit(ExpressionTree semaphore) {
    ExpressionTree name = LockSpec.stripParentheses(semaphore);
    return name instanceof IdentifierTree
        || (name instanceof MemberSelectTree select && isThis(select.getExpression()));
  }

  private static boolean isThis(ExpressionTree tree) {
    return tree instanceof IdentifierTree identifier && identifier.getName().contentEquals("this");
  }
}
