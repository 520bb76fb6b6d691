package dev.leakguard.trees;

import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.TypeSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import com.sun.tools.javac.util.Context;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A matcher of method calls built only from Error Prone's method matchers ({@code
 * instanceMethod()}, {@code staticMethod()}, {@code onClass}, {@code onDescendantOf}, {@code named},
 * {@code withParameters}, {@code constructor().forClass} and {@code anyOf} over them), whose answer
 * for a call therefore depends on nothing but the called method and its receiver's class, generics
 * erased (for a {@code new}, the constructor alone). It remembers that
 * answer for the rest of the compilation: a list of a dozen library methods, asked of every call
 * of every method, then costs two lookups instead of a dozen subtype tests.
 *
 * <p>Kept in javac's {@link Context}, never in static state: javac may run several compilations in
 * one JVM. Anything else (a call whose receiver is not a class) is matched as before.
 */
public final class RememberedCallMatcher implements Matcher<ExpressionTree> {

  private final Matcher<ExpressionTree> matcher;
  private final Context.Key<Map<Symbol, Map<TypeSymbol, Boolean>>> answers = new Context.Key<>();
  private final Context.Key<Map<Symbol, Boolean>> constructions = new Context.Key<>();

  private RememberedCallMatcher(Matcher<ExpressionTree> matcher) {
    this.matcher = matcher;
  }

  /** {@code matcher}, which must be one of method matchers alone (see the class comment). */
  public static RememberedCallMatcher of(Matcher<ExpressionTree> matcher) {
    return new RememberedCallMatcher(matcher);
  }

  @Override
  public boolean matches(ExpressionTree tree, VisitorState state) {
    if (tree instanceof NewClassTree creation) {
      // A constructor matcher sees the constructor and its class only; a method matcher, nothing.
      Symbol constructor = ASTHelpers.getSymbol(creation);
      if (constructor == null) {
        return matcher.matches(tree, state);
      }
      Map<Symbol, Boolean> known = answersIn(constructions, state);
      Boolean answer = known.get(constructor);
      if (answer == null) {
        answer = matcher.matches(tree, state);
        known.put(constructor, answer);
      }
      return answer;
    }
    if (!(tree instanceof MethodInvocationTree call)) {
      return matcher.matches(tree, state);
    }
    ExpressionTree select = call.getMethodSelect();
    Symbol method = ASTHelpers.getSymbol(select);
    if (!(method instanceof MethodSymbol)
        || !(select instanceof MemberSelectTree || select instanceof IdentifierTree)) {
      return matcher.matches(tree, state);
    }
    // The receiver's class as the method matchers see it.
    Type receiver = ASTHelpers.getReceiverType(select);
    if (receiver == null) {
      return matcher.matches(tree, state);
    }
    Type erased = state.getTypes().erasure(receiver);
    if (!erased.hasTag(TypeTag.CLASS)) {
      return matcher.matches(tree, state);
    }
    Map<TypeSymbol, Boolean> byReceiver =
        answersIn(answers, state).computeIfAbsent(method, m -> new IdentityHashMap<>());
    Boolean answer = byReceiver.get(erased.tsym);
    if (answer == null) {
      answer = matcher.matches(tree, state);
      byReceiver.put(erased.tsym, answer);
    }
    return answer;
  }

  private static <V> Map<Symbol, V> answersIn(Context.Key<Map<Symbol, V>> key, VisitorState state) {
    Map<Symbol, V> known = state.context.get(key);
    if (known == null) {
      known = new IdentityHashMap<>();
      state.context.put(key, known);
    }
    return known;
  }
}
