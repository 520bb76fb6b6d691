package dev.leakguard.race;

import static com.google.errorprone.matchers.Matchers.allOf;
import static com.google.errorprone.matchers.Matchers.not;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.flow.NonThrowingCalls;
import dev.leakguard.flow.OwnershipSummaries;
import dev.leakguard.trees.Enclosing;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * Objects a method makes and no other thread can see yet: a check-then-act on the fields of one
 * is not a race (activemq's SimpleDiscoveryAgent copies the failed event into {@code event = new
 * SimpleDiscoveryEvent(sevent)}, decides on {@code event.connectTime} and writes it back before
 * {@code listener.onServiceAdd(event)} publishes it).
 *
 * <p>The receiver must be a local of the method, never reassigned, declared with a {@code new} of a
 * class whose constructor (where its source is in the compilation) does not hand {@code this}
 * away. Up to the write, the method may only read or write the object's fields, give it to a
 * logger, or pass it to a method of the compilation that only reads or writes the fields of that
 * parameter; anything else (a call on it, a store, a capture, another call taking it) may let
 * another thread see it. Where a loop between the declaration and the write repeats the write, what
 * follows it in the loop counts too.
 */
final class ThreadConfinement {

  private ThreadConfinement() {}

  /** Whether the object {@code receiver} names is seen by this thread alone up to {@code write}. */
  static boolean confinedUntil(Object receiver, TreePath write, VisitorState state) {
    try {
      return receiver instanceof VarSymbol local
          && local.getKind() == ElementKind.LOCAL_VARIABLE
          && (local.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0
          && (confined(local, write, state) || perThread(local, write, state));
    } catch (RuntimeException e) {
      return false; // a tree shape this does not know: the finding stands
    }
  }

  private static boolean confined(VarSymbol local, TreePath write, VisitorState state) {
    TreePath body = enclosingBody(write);
    if (body == null) {
      return false;
    }
    VariableTree declaration = declarationIn(body, local);
    if (declaration == null
        || !(declaration.getInitializer() instanceof NewClassTree creation)
        || creation.getClassBody() != null
        || publishesThis(ASTHelpers.getSymbol(creation), state)) {
      return false;
    }
    int until =
        repeatedByALoop(write, declaration)
            ? Integer.MAX_VALUE
            : ASTHelpers.getStartPosition(write.getLeaf());
    boolean[] escapes = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == local
            && ASTHelpers.getStartPosition(node) < until
            && (captured(getCurrentPath(), body.getLeaf()) || !staysHere(getCurrentPath(), state))) {
          escapes[0] = true;
        }
        return null;
      }
    }.scan(body, null);
    return !escapes[0];
  }

  /**
   * Whether the local holds this thread's own object: a {@code ThreadLocal}'s value (not an
   * inheritable one, whose children share it), or what a method of the compilation returns from a
   * table keyed by {@code Thread.currentThread()} (undertow's ProxyConnectionPool keeps one
   * {@code HostThreadData} per I/O thread, and its {@code getData()} looks it up or puts a new one
   * under the current thread). Other threads may reach such an object, but its check-then-act
   * fields are the owning thread's by design.
   */
  private static boolean perThread(VarSymbol local, TreePath write, VisitorState state) {
    TreePath body = enclosingBody(write);
    VariableTree declaration = body == null ? null : declarationIn(body, local);
    if (declaration == null || !(declaration.getInitializer() instanceof MethodInvocationTree call)) {
      return false;
    }
    if (THREAD_LOCAL_GET.matches(call, state)) {
      return true;
    }
    MethodSymbol method = ASTHelpers.getSymbol(call);
    TreePath callee =
        method == null ? null : OwnershipSummaries.of(state).declaration(method, state);
    return callee != null
        && callee.getLeaf() instanceof MethodTree tree
        && returnsOnlyPerThreadValues(tree, state);
  }

  private static final Matcher<ExpressionTree> CURRENT_THREAD =
      staticMethod().onClass("java.lang.Thread").named("currentThread");

  /** A thread-local's value; an inheritable one's is shared with the threads it starts. */
  private static final Matcher<ExpressionTree> THREAD_LOCAL_GET =
      allOf(
          instanceMethod().onDescendantOf("java.lang.ThreadLocal").named("get"),
          not(instanceMethod().onDescendantOf("java.lang.InheritableThreadLocal")));

  private static final Matcher<ExpressionTree> THREAD_LOCAL_SET =
      instanceMethod().onDescendantOf("java.lang.ThreadLocal").named("set");

  /** Lookups in a table by key: the key is the first argument. */
  private static final Matcher<ExpressionTree> KEYED_LOOKUP =
      instanceMethod()
          .onDescendantOf("java.util.Map")
          .namedAnyOf("get", "putIfAbsent", "computeIfAbsent");

  /** Stores in a table by key: the key first, the value last. */
  private static final Matcher<ExpressionTree> KEYED_STORE =
      instanceMethod().onDescendantOf("java.util.Map").namedAnyOf("put", "putIfAbsent");

  /**
   * Whether every {@code return} of {@code method} gives a per-thread value: a thread-local's
   * value, a lookup ({@code get}, {@code putIfAbsent}, {@code computeIfAbsent}) keyed by the
   * current thread, or a local holding only such values and new objects that the method stores
   * under the current thread ({@code put}/{@code putIfAbsent} keyed by it, a thread-local's {@code
   * set}). Locals that name the current thread are those initialised with {@code
   * Thread.currentThread()}, or with a cast of another such local, and never reassigned.
   */
  private static boolean returnsOnlyPerThreadValues(MethodTree method, VisitorState state) {
    if (method.getBody() == null) {
      return false;
    }
    Set<VarSymbol> threads = new HashSet<>();
    Map<VarSymbol, List<ExpressionTree>> assigned = new HashMap<>();
    List<ExpressionTree> returned = new ArrayList<>();
    List<MethodInvocationTree> calls = new ArrayList<>();
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        VarSymbol symbol = ASTHelpers.getSymbol(node);
        ExpressionTree initializer = node.getInitializer();
        if (symbol != null && initializer != null) {
          if ((symbol.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0
              && namesTheCurrentThread(initializer, threads, state)) {
            threads.add(symbol);
          }
          assigned.computeIfAbsent(symbol, k -> new ArrayList<>()).add(initializer);
        }
        return super.visitVariable(node, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree node, Void unused) {
        if (ASTHelpers.getSymbol(node.getVariable()) instanceof VarSymbol symbol) {
          assigned.computeIfAbsent(symbol, k -> new ArrayList<>()).add(node.getExpression());
        }
        return super.visitAssignment(node, null);
      }

      @Override
      public Void visitReturn(ReturnTree node, Void unused) {
        if (node.getExpression() != null) {
          returned.add(node.getExpression());
        }
        return super.visitReturn(node, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        calls.add(node);
        return super.visitMethodInvocation(node, null);
      }
    }.scan(method.getBody(), null);
    if (returned.isEmpty()) {
      return false;
    }
    for (ExpressionTree value : returned) {
      ExpressionTree stripped = ASTHelpers.stripParentheses(value);
      if (isPerThreadLookup(stripped, threads, state)) {
        continue;
      }
      if (!(ASTHelpers.getSymbol(stripped) instanceof VarSymbol local)
          || local.getKind() != ElementKind.LOCAL_VARIABLE
          || !assigned.containsKey(local)) {
        return false;
      }
      for (ExpressionTree source : assigned.get(local)) {
        ExpressionTree s = ASTHelpers.stripParentheses(source);
        if (!isPerThreadLookup(s, threads, state)
            && !(s instanceof NewClassTree && storedPerThread(local, calls, threads, state))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean namesTheCurrentThread(
      ExpressionTree tree, Set<VarSymbol> threads, VisitorState state) {
    ExpressionTree t = ASTHelpers.stripParentheses(tree);
    if (t instanceof TypeCastTree cast) {
      t = ASTHelpers.stripParentheses(cast.getExpression());
    }
    return CURRENT_THREAD.matches(t, state)
        || (ASTHelpers.getSymbol(t) instanceof VarSymbol v && threads.contains(v));
  }

  /** {@code tl.get()}, or {@code table.get(thread)} and the like keyed by the current thread. */
  private static boolean isPerThreadLookup(
      ExpressionTree tree, Set<VarSymbol> threads, VisitorState state) {
    return THREAD_LOCAL_GET.matches(tree, state)
        || (KEYED_LOOKUP.matches(tree, state)
            && namesTheCurrentThread(
                ((MethodInvocationTree) tree).getArguments().get(0), threads, state));
  }

  /** Whether a call stores {@code local} under the current thread: a keyed put, a thread-local set. */
  private static boolean storedPerThread(
      VarSymbol local, List<MethodInvocationTree> calls, Set<VarSymbol> threads, VisitorState state) {
    for (MethodInvocationTree call : calls) {
      List<? extends ExpressionTree> arguments = call.getArguments();
      boolean stores =
          (KEYED_STORE.matches(call, state)
                  && arguments.size() == 2
                  && namesTheCurrentThread(arguments.get(0), threads, state))
              || (THREAD_LOCAL_SET.matches(call, state) && arguments.size() == 1);
      if (stores && ASTHelpers.getSymbol(arguments.get(arguments.size() - 1)) == local) {
        return true;
      }
    }
    return false;
  }

  /** Whether the use at {@code use} is in a lambda or class inside {@code body}: it may run elsewhere. */
  private static boolean captured(TreePath use, Tree body) {
    for (TreePath p = use; p != null && p.getLeaf() != body; p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
        return true;
      }
    }
    return false;
  }

  /** The body of the method or lambda the code at {@code path} runs in ({@link Enclosing}). */
  private static @Nullable TreePath enclosingBody(TreePath path) {
    TreePath executable = Enclosing.executable(path);
    if (executable == null) {
      return null;
    }
    Tree body =
        executable.getLeaf() instanceof MethodTree method
            ? method.getBody()
            : executable.getLeaf() instanceof LambdaExpressionTree lambda ? lambda.getBody() : null;
    return body == null ? null : new TreePath(executable, body);
  }

  private static @Nullable VariableTree declarationIn(TreePath body, VarSymbol local) {
    VariableTree[] found = {null};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == local) {
          found[0] = node;
        }
        return super.visitVariable(node, null);
      }
    }.scan(body.getLeaf(), null);
    return found[0];
  }

  /** Whether a loop that encloses {@code write} lies inside the block of {@code declaration}. */
  private static boolean repeatedByALoop(TreePath write, VariableTree declaration) {
    for (TreePath p = write; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof BlockTree block && block.getStatements().contains(declaration)) {
        return false;
      }
      if (leaf instanceof ForLoopTree
          || leaf instanceof EnhancedForLoopTree
          || leaf instanceof WhileLoopTree
          || leaf instanceof DoWhileLoopTree) {
        return true;
      }
    }
    return true;
  }

  /** Whether the use of the local at {@code use} leaves the object to this thread. */
  private static boolean staysHere(TreePath use, VisitorState state) {
    Tree parent = use.getParentPath().getLeaf();
    if (parent instanceof MemberSelectTree select) {
      // `event.connectTime`: a field of it, not a method that may publish it.
      return !(use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree call
          && call.getMethodSelect() == select);
    }
    if (parent instanceof MethodInvocationTree call && call.getArguments().contains(use.getLeaf())) {
      return NonThrowingCalls.LOGGING.matches(call, state)
          || onlyFieldsOfParameter(
              ASTHelpers.getSymbol(call), call.getArguments().indexOf(use.getLeaf()), state);
    }
    return false;
  }

  /** Whether {@code method}'s source names its parameter {@code index} only to reach its fields. */
  private static boolean onlyFieldsOfParameter(
      @Nullable MethodSymbol method, int index, VisitorState state) {
    if (method == null || method.isVarArgs() || index >= method.getParameters().size()) {
      return false;
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(method, state);
    if (declaration == null || !(declaration.getLeaf() instanceof MethodTree tree)) {
      return false;
    }
    VarSymbol parameter = method.getParameters().get(index);
    boolean[] other = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == parameter) {
          Tree parent = getCurrentPath().getParentPath().getLeaf();
          other[0] |=
              !(parent instanceof MemberSelectTree select
                  && !(getCurrentPath().getParentPath().getParentPath().getLeaf()
                          instanceof MethodInvocationTree call
                      && call.getMethodSelect() == select));
        }
        return null;
      }
    }.scan(new TreePath(declaration, tree.getBody()), null);
    return !other[0];
  }

  /**
   * Whether a constructor of the compilation names {@code this} other than to reach a field or
   * call {@code this(…)}: it may hand the new object to another thread. A library constructor
   * does not, for what matters here.
   */
  private static boolean publishesThis(@Nullable MethodSymbol constructor, VisitorState state) {
    if (constructor == null) {
      return true;
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(constructor, state);
    if (declaration == null) {
      return false;
    }
    boolean[] published = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (node.getName().contentEquals("this")) {
          Tree parent = getCurrentPath().getParentPath().getLeaf();
          published[0] |=
              !(parent instanceof MemberSelectTree
                  || (parent instanceof MethodInvocationTree call
                      && call.getMethodSelect() == node));
        }
        return null;
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        // An instance method of its own called from the constructor may hand it on.
        ExpressionTree select = node.getMethodSelect();
        MethodSymbol callee = ASTHelpers.getSymbol(node);
        if (callee != null
            && !callee.isStatic()
            && !callee.isConstructor()
            && (select instanceof IdentifierTree
                || (select instanceof MemberSelectTree member
                    && member.getExpression() instanceof IdentifierTree receiver
                    && receiver.getName().contentEquals("this")))) {
          published[0] = true;
        }
        return super.visitMethodInvocation(node, null);
      }
    }.scan(declaration, null);
    return published[0];
  }
}
