package dev.leakguard.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.flow.Leak;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import dev.leakguard.trees.TypeNames;
import java.util.List;

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
    boolean ownedByThis =
        semaphoreSymbol.getKind().isField()
            && !ASTHelpers.isStatic(semaphoreSymbol)
            && isThisOrImplicit(semaphore);
    int after = state.getEndPosition(leak.site());
    int before =
        leak.witness() == null ? Integer.MAX_VALUE : ASTHelpers.getStartPosition(leak.witness());
    // Code in a nested lambda or class runs later, not on this method's path.
    return OwnCodeScanner.anyInvocation(
        body,
        call -> {
          int start = ASTHelpers.getStartPosition(call);
          if (start < after || start >= before) {
            return false;
          }
          List<? extends ExpressionTree> arguments =
              call instanceof MethodInvocationTree invocation
                  ? invocation.getArguments()
                  : call instanceof NewClassTree creation ? creation.getArguments() : List.of();
          return arguments.stream()
              .anyMatch(a -> isTask(a, state) && reaches(a, semaphoreSymbol, ownedByThis));
        });
  }

  /** Whether the value is something another thread runs: a {@code Runnable} or {@code Callable}. */
  private static boolean isTask(ExpressionTree argument, VisitorState state) {
    Type type = ASTHelpers.getType(argument);
    return TypeNames.isSubtype(type, "java.lang.Runnable", state)
        || TypeNames.isSubtype(type, "java.util.concurrent.Callable", state);
  }

  /**
   * Whether the task can reach the semaphore: a lambda or anonymous class that names it, or a new
   * task object given it or (for a field of {@code this}) given {@code this}.
   */
  private static boolean reaches(ExpressionTree task, Symbol semaphore, boolean ownedByThis) {
    ExpressionTree value = LockSpec.stripParentheses(task);
    if (value instanceof LambdaExpressionTree lambda) {
      return Mentions.mentions(lambda.getBody(), semaphore);
    }
    if (value instanceof NewClassTree creation) {
      if (Mentions.mentions(creation.getClassBody(), semaphore)) {
        return true;
      }
      for (ExpressionTree argument : creation.getArguments()) {
        ExpressionTree a = LockSpec.stripParentheses(argument);
        if (semaphore.equals(ASTHelpers.getSymbol(a)) || (ownedByThis && LockSpec.isThis(a))) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code semaphore} or {@code this.semaphore}: a field of the object running the method. */
  private static boolean isThisOrImplicit(ExpressionTree semaphore) {
    ExpressionTree name = LockSpec.stripParentheses(semaphore);
    return LockSpec.isName(name) && LockSpec.isThis(LockSpec.qualifier(name));
  }
}
