package dev.leakguard.trees;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.util.Context;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.Name;
import org.jspecify.annotations.Nullable;

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

  /**
   * Whether any call or {@code new} the body runs itself satisfies {@code test}. Every check asks
   * this of every method body before anything else, most with a test on the method's name; the
   * body's calls are listed once ({@link #invocations}) and the list is read by each.
   */
  public static boolean anyInvocation(
      Tree body, VisitorState state, Predicate<ExpressionTree> test) {
    for (ExpressionTree invocation : invocations(body, state)) {
      if (test.test(invocation)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The calls and {@code new}s the body runs itself, outermost first. Error Prone runs every
   * check's matcher on a method before it moves on, so the checks ask about the same body in turn:
   * the list of the last body asked about is kept in javac's {@link Context} (never in static
   * state: javac may run several compilations in one JVM).
   */
  public static ImmutableList<ExpressionTree> invocations(Tree body, VisitorState state) {
    LastBody last = state.context.get(LAST_BODY);
    if (last == null) {
      last = new LastBody();
      state.context.put(LAST_BODY, last);
    }
    if (last.body != body) {
      // The unit's index, made by then for the unit being checked, lists its bodies in its one
      // walk; a body it does not list (a callee's in another unit) is walked here.
      UnitIndex index =
          state.getPath() == null
              ? null
              : UnitIndex.ifCurrent(state.getPath().getCompilationUnit(), state);
      ImmutableList<ExpressionTree> indexed = index == null ? null : index.ownInvocationsOf(body);
      if (indexed != null) {
        last.invocations = indexed;
        last.calledNames = null;
        last.body = body;
        return indexed;
      }
      ImmutableList.Builder<ExpressionTree> found = ImmutableList.builder();
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
          found.add(call);
          return super.visitMethodInvocation(call, null);
        }

        @Override
        public Void visitNewClass(NewClassTree creation, Void unused) {
          found.add(creation);
          return super.visitNewClass(creation, null);
        }
      }.scan(body, null);
      last.invocations = found.build();
      last.calledNames = null;
      last.body = body;
    }
    return last.invocations;
  }

  /**
   * The names of the methods the body calls itself ({@link #invocations}, {@code new}s left out).
   * The checks whose acquisitions are calls of a few known names ({@code lock}, {@code set}, {@code
   * begin}) ask this set first instead of naming each call, which turns a javac name into a new
   * string every time; it is made once per body, for all of them.
   */
  public static ImmutableSet<String> calledNames(Tree body, VisitorState state) {
    ImmutableList<ExpressionTree> invocations = invocations(body, state);
    LastBody last = state.context.get(LAST_BODY);
    if (last.calledNames == null) {
      // javac's names are unique per compilation: told apart by identity, each distinct one is
      // turned into a string once, not once per call.
      Set<Name> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
      for (ExpressionTree invocation : invocations) {
        if (invocation instanceof MethodInvocationTree call) {
          ExpressionTree select = call.getMethodSelect();
          if (select instanceof MemberSelectTree member) {
            distinct.add(member.getIdentifier());
          } else if (select instanceof IdentifierTree identifier) {
            distinct.add(identifier.getName());
          }
        }
      }
      ImmutableSet.Builder<String> names = ImmutableSet.builderWithExpectedSize(distinct.size());
      for (Name name : distinct) {
        names.add(name.toString());
      }
      last.calledNames = names.build();
    }
    return last.calledNames;
  }

  private static final Context.Key<LastBody> LAST_BODY = new Context.Key<>();

  /** The body {@link #invocations} listed last, its list, and the names it calls once asked. */
  private static final class LastBody {
    @Nullable Tree body;
    ImmutableList<ExpressionTree> invocations = ImmutableList.of();
    @Nullable ImmutableSet<String> calledNames;
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
