package dev.leakguard.trees;

import com.google.common.collect.ImmutableList;
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
 * Matchers of method calls built only from Error Prone's method matchers ({@code
 * instanceMethod()}, {@code staticMethod()}, {@code onClass}, {@code onDescendantOf}, {@code named},
 * {@code withParameters}, {@code constructor().forClass} and {@code anyOf} over them), whose answer
 * for a call therefore depends on nothing but the called method and its receiver's class, generics
 * erased (for a {@code new}, the constructor alone). The answer is remembered for the rest of the
 * compilation: a list of a dozen library methods, asked of every call of every method, then costs
 * a lookup instead of a dozen subtype tests. Several matchers asked one after the other share one
 * lookup ({@link #firstOf}).
 *
 * <p>Kept in javac's {@link Context}, never in static state: javac may run several compilations in
 * one JVM. Anything else (a call whose receiver is not a class) is matched as before.
 */
public final class RememberedCallMatcher implements Matcher<ExpressionTree> {

  private final ImmutableList<Matcher<ExpressionTree>> matchers;
  private final Context.Key<Map<Symbol, Map<TypeSymbol, Integer>>> calls = new Context.Key<>();
  private final Context.Key<Map<Symbol, Integer>> constructions = new Context.Key<>();

  private RememberedCallMatcher(ImmutableList<Matcher<ExpressionTree>> matchers) {
    this.matchers = matchers;
  }

  /** {@code matcher}, which must be made of method matchers alone (see the class comment). */
  public static RememberedCallMatcher of(Matcher<ExpressionTree> matcher) {
    return new RememberedCallMatcher(ImmutableList.of(matcher));
  }

  /** Matchers asked in this order, for {@link #firstMatching}; each made of method matchers. */
  @SafeVarargs
  public static RememberedCallMatcher firstOf(Matcher<ExpressionTree>... matchers) {
    return new RememberedCallMatcher(ImmutableList.copyOf(matchers));
  }

  /** Whether any of the matchers matches. */
  @Override
  public boolean matches(ExpressionTree tree, VisitorState state) {
    return firstMatching(tree, state) >= 0;
  }

  /** The index of the first of the matchers that matches {@code tree}, or -1 for none. */
  public int firstMatching(ExpressionTree tree, VisitorState state) {
    if (tree instanceof NewClassTree creation) {
      // A constructor matcher sees the constructor and its class only; a method matcher, nothing.
      Symbol constructor = ASTHelpers.getSymbol(creation);
      if (constructor == null) {
        return compute(tree, state);
      }
      return remembered(answersIn(constructions, state), constructor, tree, state);
    }
    if (!(tree instanceof MethodInvocationTree call)) {
      return compute(tree, state);
    }
    ExpressionTree select = call.getMethodSelect();
    Symbol method = ASTHelpers.getSymbol(select);
    if (!(method instanceof MethodSymbol)
        || !(select instanceof MemberSelectTree || select instanceof IdentifierTree)) {
      return compute(tree, state);
    }
    // The receiver's class as the method matchers see it.
    Type receiver = ASTHelpers.getReceiverType(select);
    if (receiver == null) {
      return compute(tree, state);
    }
    Type erased = receiver.hasTag(TypeTag.CLASS) ? receiver : state.getTypes().erasure(receiver);
    if (!erased.hasTag(TypeTag.CLASS)) {
      return compute(tree, state);
    }
    Map<Symbol, Map<TypeSymbol, Integer>> byMethod = answersIn(calls, state);
    Map<TypeSymbol, Integer> byReceiver = byMethod.get(method);
    if (byReceiver == null) {
      byReceiver = new IdentityHashMap<>(4);
      byMethod.put(method, byReceiver);
    }
    return remembered(byReceiver, erased.tsym, tree, state);
  }

  private <K> int remembered(Map<K, Integer> known, K key, ExpressionTree tree, VisitorState state) {
    Integer answer = known.get(key);
    if (answer == null) {
      answer = compute(tree, state);
      known.put(key, answer);
    }
    return answer;
  }

  private int compute(ExpressionTree tree, VisitorState state) {
    for (int i = 0; i < matchers.size(); i++) {
      if (matchers.get(i).matches(tree, state)) {
        return i;
      }
    }
    return -1;
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
