package dev.leakguard.checks;

import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.matchers.Matchers;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.config.LeakGuardOptions.ContextType;
import dev.leakguard.flow.Leak;
import dev.leakguard.flow.ObligationSpec;
import dev.leakguard.trees.TypeNames;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * The obligations {@link ThreadLocalLeak} tracks: a value put into per-thread context, which must
 * be cleared before the thread goes back to its pool.
 *
 * <ul>
 *   <li>{@code tl.set(v)} on a {@link ThreadLocal} (an {@code InheritableThreadLocal}, any
 *       subclass), identified by the thread-local ({@code tl}); {@code tl.remove()} clears it, and
 *       so does the restore idiom, {@code tl.set(previous)} with a {@code previous} read by {@code
 *       tl.get()}. {@code tl.set(null)} clears the value too, but keeps the thread's entry: the
 *       check reports it on its own.
 *   <li>slf4j's {@code MDC.put(k, v)}, identified by its key, cleared by {@code MDC.remove(k)} or
 *       {@code MDC.clear()}; log4j's {@code ThreadContext.put(k, v)} (cleared by {@code remove(k)},
 *       {@code removeAll}, {@code clearMap()}, {@code clearAll()}) and {@code push(m)} (cleared by
 *       {@code pop()}, {@code trim}, {@code clearStack()}, {@code clearAll()}).
 *   <li>The closeable forms, {@code MDC.putCloseable(k, v)} and log4j's {@code
 *       CloseableThreadContext.put/push(…)}: their result must be closed, as any resource.
 *   <li>The {@code ExtraContextTypes} option: a project's context holder with its own set and
 *       clear names.
 * </ul>
 *
 * The logging APIs are matched by name: neither is on LeakGuard's classpath.
 */
final class ThreadLocalSpec implements ObligationSpec {

  private static final String THREAD_LOCAL = "java.lang.ThreadLocal";

  /** The {@link Acquisition#kind()} of a value set on a {@code ThreadLocal}. */
  static final String THREAD_LOCAL_VALUE = "thread-local value";
  /** The kind of a value set on a context type the options name. */
  static final String CONFIGURED = "context value";

  /** The kind of an slf4j {@code MDC.put(k, v)} entry; the site's first argument is its key. */
  static final String MDC_ENTRY = "MDC entry";
  /** The kind of a log4j {@code ThreadContext.put(k, v)} entry. */
  static final String THREAD_CONTEXT_ENTRY = "ThreadContext entry";
  /** The kind of a log4j {@code ThreadContext.push(m)} stack entry. */
  static final String THREAD_CONTEXT_STACK = "ThreadContext stack entry";
  /** The kind of an {@code MDC.putCloseable} or {@code CloseableThreadContext} result. */
  static final String CLOSEABLE_CONTEXT = "closeable context";

  private static final String MDC = "org.slf4j.MDC";
  private static final String THREAD_CONTEXT = "org.apache.logging.log4j.ThreadContext";
  private static final String CLOSEABLE_THREAD_CONTEXT =
      "org.apache.logging.log4j.CloseableThreadContext";
  private static final String CLOSEABLE_INSTANCE = CLOSEABLE_THREAD_CONTEXT + ".Instance";

  private static final Matcher<ExpressionTree> MDC_PUT = staticMethod().onClass(MDC).named("put");
  private static final Matcher<ExpressionTree> MDC_REMOVE =
      staticMethod().onClass(MDC).named("remove");
  private static final Matcher<ExpressionTree> MDC_CLEAR = staticMethod().onClass(MDC).named("clear");
  private static final Matcher<ExpressionTree> THREAD_CONTEXT_PUT =
      staticMethod().onClass(THREAD_CONTEXT).named("put");
  private static final Matcher<ExpressionTree> THREAD_CONTEXT_REMOVE =
      staticMethod().onClass(THREAD_CONTEXT).named("remove");
  private static final Matcher<ExpressionTree> THREAD_CONTEXT_CLEAR_MAP =
      staticMethod().onClass(THREAD_CONTEXT).namedAnyOf("removeAll", "clearMap", "clearAll");
  private static final Matcher<ExpressionTree> THREAD_CONTEXT_PUSH =
      staticMethod().onClass(THREAD_CONTEXT).named("push");
  private static final Matcher<ExpressionTree> THREAD_CONTEXT_POP =
      staticMethod().onClass(THREAD_CONTEXT).namedAnyOf("pop", "trim", "clearStack", "clearAll");
  private static final Matcher<ExpressionTree> OPENS_CLOSEABLE =
      Matchers.anyOf(
          staticMethod().onClass(MDC).named("putCloseable"),
          staticMethod()
              .onClass(CLOSEABLE_THREAD_CONTEXT)
              .namedAnyOf("put", "push", "putAll", "pushAll"));
  private static final Matcher<ExpressionTree> CLOSES_CLOSEABLE =
      instanceMethod()
          .onDescendantOfAny(MDC + ".MDCCloseable", CLOSEABLE_INSTANCE)
          .named("close");
  /** {@code CloseableThreadContext.put(…).put(…)}: the same instance, returned for chaining. */
  private static final Matcher<ExpressionTree> CHAINS_CLOSEABLE =
      instanceMethod()
          .onDescendantOf(CLOSEABLE_INSTANCE)
          .namedAnyOf("put", "push", "putAll", "pushAll");

  /** Names of the calls that can put context, other than {@code set} and the options' names. */
  private static final ImmutableSet<String> PUT_NAMES =
      ImmutableSet.of("put", "push", "putAll", "pushAll", "putCloseable");

  private static final Matcher<ExpressionTree> SET =
      instanceMethod().onDescendantOf(THREAD_LOCAL).named("set");
  private static final Matcher<ExpressionTree> REMOVE =
      instanceMethod().onDescendantOf(THREAD_LOCAL).named("remove").withNoParameters();
  private static final Matcher<ExpressionTree> GET =
      instanceMethod().onDescendantOf(THREAD_LOCAL).named("get").withNoParameters();

  /**
   * Calls that hand a task to a pool of threads: whatever the task leaves in its thread's context,
   * the next task on that thread finds.
   */
  private static final Matcher<ExpressionTree> RUNS_ON_POOL =
      Matchers.anyOf(
          instanceMethod().onDescendantOf("java.util.concurrent.Executor"),
          staticMethod()
              .onClass("java.util.concurrent.CompletableFuture")
              .namedAnyOf("runAsync", "supplyAsync"));

  private final ImmutableList<ContextType> extraTypes;
  /** Whether {@code set(null)} counts as clearing (it does for a path; not for a field's life). */
  private final boolean setNullClears;

  ThreadLocalSpec(LeakGuardOptions options) {
    this(options.extraContextTypes(), true);
  }

  private ThreadLocalSpec(ImmutableList<ContextType> extraTypes, boolean setNullClears) {
    this.extraTypes = extraTypes;
    this.setNullClears = setNullClears;
  }

  /**
   * This spec, with only real removals clearing: {@code set(null)} ends a path's value, but a
   * thread-local only ever cleared that way keeps every thread's entry for good.
   */
  ThreadLocalSpec removalsOnly() {
    return new ThreadLocalSpec(extraTypes, false);
  }

  /** The name of the method that clears what {@code site} set: {@code remove}, or the option's. */
  String clearName(Tree site, VisitorState state) {
    ContextType extra =
        site instanceof MethodInvocationTree call ? extraType(call, state) : null;
    return extra == null ? "remove" : extra.clear();
  }

  /**
   * Whether a call of this name can set context; a method calling none of them is skipped before
   * anything is built.
   */
  boolean maySet(String methodName) {
    if (methodName.equals("set") || PUT_NAMES.contains(methodName)) {
      return true;
    }
    for (ContextType type : extraTypes) {
      if (type.set().equals(methodName)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public @Nullable Acquisition acquisitionAt(ExpressionTree expression, VisitorState state) {
    if (!(expression instanceof MethodInvocationTree call)
        || !maySet(LockSpec.methodName(call))) {
      return null;
    }
    if (PUT_NAMES.contains(LockSpec.methodName(call))) {
      String kind = loggingContextKind(call, state);
      if (kind != null) {
        return new Acquisition(Condition.ALWAYS, null, kind);
      }
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver == null) {
      // An implicit `this` (a ThreadLocal subclass setting itself): nothing to name it by.
      return null;
    }
    if (SET.matches(call, state)) {
      return isNullLiteral(call.getArguments().get(0)) || isRestore(call, state)
          ? null
          : new Acquisition(Condition.ALWAYS, receiver, THREAD_LOCAL_VALUE);
    }
    ContextType extra = extraType(call, state);
    if (extra != null && extra.set().equals(LockSpec.methodName(call))) {
      return new Acquisition(Condition.ALWAYS, receiver, CONFIGURED);
    }
    return null;
  }

  /** The kind of logging context {@code call} puts, or null for any other call. */
  private static @Nullable String loggingContextKind(MethodInvocationTree call, VisitorState state) {
    if (MDC_PUT.matches(call, state) && call.getArguments().size() == 2) {
      return MDC_ENTRY;
    }
    if (THREAD_CONTEXT_PUT.matches(call, state) && call.getArguments().size() == 2) {
      return THREAD_CONTEXT_ENTRY;
    }
    if (THREAD_CONTEXT_PUSH.matches(call, state)) {
      return THREAD_CONTEXT_STACK;
    }
    return OPENS_CLOSEABLE.matches(call, state) ? CLOSEABLE_CONTEXT : null;
  }

  @Override
  public Operand releasedOperand(MethodInvocationTree call, VisitorState state) {
    return clears(call, state) || CLOSES_CLOSEABLE.matches(call, state)
        ? Operand.RECEIVER
        : Operand.NONE;
  }

  /** {@code CloseableThreadContext.put(…).put(…)} returns the instance it was called on. */
  @Override
  public ArgumentEffect receiverEffect(MethodInvocationTree call, VisitorState state) {
    return CHAINS_CLOSEABLE.matches(call, state) ? ArgumentEffect.WRAPS : ArgumentEffect.BORROWS;
  }

  /**
   * {@code MDC.remove(k)} ends {@code MDC.put(k, v)} (the same constant, or the same variable);
   * {@code MDC.clear()} ends every entry; log4j's {@code ThreadContext} likewise, and its {@code
   * pop()} ends a {@code push}.
   */
  @Override
  public boolean alsoReleases(
      MethodInvocationTree call, Tree site, Acquisition acquisition, VisitorState state) {
    return switch (acquisition.kind()) {
      case MDC_ENTRY ->
          MDC_CLEAR.matches(call, state) || (MDC_REMOVE.matches(call, state) && sameKey(call, site));
      case THREAD_CONTEXT_ENTRY ->
          THREAD_CONTEXT_CLEAR_MAP.matches(call, state)
              || (THREAD_CONTEXT_REMOVE.matches(call, state) && sameKey(call, site));
      case THREAD_CONTEXT_STACK -> THREAD_CONTEXT_POP.matches(call, state);
      default -> false;
    };
  }

  /** Whether two calls name the same key first: equal constants, or the same variable. */
  private static boolean sameKey(MethodInvocationTree call, Tree site) {
    if (!(site instanceof MethodInvocationTree put)
        || call.getArguments().isEmpty()
        || put.getArguments().isEmpty()) {
      return false;
    }
    ExpressionTree a = call.getArguments().get(0);
    ExpressionTree b = put.getArguments().get(0);
    Object constantA = ASTHelpers.constValue(a);
    Object constantB = ASTHelpers.constValue(b);
    if (constantA != null || constantB != null) {
      return constantA != null && constantA.equals(constantB);
    }
    return LockSpec.isName(LockSpec.stripParentheses(a)) && LockSpec.sameLock(a, b);
  }

  /**
   * The statement that clears what {@code site} put, for a fix that adds one: {@code tl.remove();},
   * {@code MDC.remove("user");}, {@code ThreadContext.pop();}; null for a closeable.
   */
  @Nullable String clearStatement(Leak leak, VisitorState state) {
    Tree site = leak.site();
    if (!(site instanceof MethodInvocationTree call)) {
      return null;
    }
    String key =
        call.getArguments().isEmpty() ? "" : state.getSourceForNode(call.getArguments().get(0));
    return switch (leak.acquisition().kind()) {
      case MDC_ENTRY -> "MDC.remove(" + key + ");";
      case THREAD_CONTEXT_ENTRY -> "ThreadContext.remove(" + key + ");";
      case THREAD_CONTEXT_STACK -> "ThreadContext.pop();";
      case CLOSEABLE_CONTEXT -> null;
      default ->
          leak.acquisition().identity() == null
              ? null
              : state.getSourceForNode(leak.acquisition().identity())
                  + "."
                  + clearName(call, state)
                  + "();";
    };
  }

  /** Whether {@code call} ends what the leak's site put, the way {@link #alsoReleases} or a clear of the same thread-local does. */
  boolean ends(MethodInvocationTree call, Leak leak, VisitorState state) {
    if (alsoReleases(call, leak.site(), leak.acquisition(), state)) {
      return true;
    }
    ExpressionTree identity = leak.acquisition().identity();
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return identity != null
        && receiver != null
        && clears(call, state)
        && LockSpec.sameLock(receiver, identity);
  }

  /** Whether {@code call} puts the same context again as the leak's site. */
  boolean putsAgain(MethodInvocationTree call, Leak leak, VisitorState state) {
    Acquisition acquisition = acquisitionAt(call, state);
    if (acquisition == null || !acquisition.kind().equals(leak.acquisition().kind())) {
      return false;
    }
    ExpressionTree identity = leak.acquisition().identity();
    return identity == null
        ? acquisition.kind().equals(THREAD_CONTEXT_STACK) || sameKey(call, leak.site())
        : acquisition.identity() != null && LockSpec.sameLock(acquisition.identity(), identity);
  }

  /**
   * Whether {@code call} clears what a set on its receiver left: {@code remove()}, {@code
   * set(null)}, a restore of the value read before, or a configured type's clear method.
   */
  private boolean clears(MethodInvocationTree call, VisitorState state) {
    if (REMOVE.matches(call, state)) {
      return true;
    }
    if (SET.matches(call, state)) {
      return setNullClears ? isClearingSet(call, state) : isRestore(call, state);
    }
    ContextType extra = extraType(call, state);
    return extra != null && extra.clear().equals(LockSpec.methodName(call));
  }

  /** {@code tl.set(null)} or {@code tl.set(previous)}: a set that undoes rather than sets. */
  static boolean isClearingSet(MethodInvocationTree call, VisitorState state) {
    return SET.matches(call, state)
        && (isNullLiteral(call.getArguments().get(0)) || isRestore(call, state));
  }

  /** {@code tl.set(null)} (or a subclass's own {@code set(null)}). */
  static boolean isSetNull(MethodInvocationTree call, VisitorState state) {
    return SET.matches(call, state) && isNullLiteral(call.getArguments().get(0));
  }

  /** {@code tl.remove()}. */
  static boolean isRemove(ExpressionTree call, VisitorState state) {
    return REMOVE.matches(call, state);
  }

  /** {@code tl.set(v)} with any argument. */
  static boolean isSet(ExpressionTree call, VisitorState state) {
    return SET.matches(call, state);
  }

  /**
   * Setting, reading and clearing the context itself do not fail in a way anyone guards against:
   * {@code MDC.put("a", x); MDC.put("b", y); try { … } finally { MDC.clear(); }} is the scoped
   * form, not a leak of {@code "a"} if the second put throws.
   */
  @Override
  public boolean mayThrow(MethodInvocationTree call, VisitorState state) {
    Symbol owner = ASTHelpers.getSymbol(call).owner;
    return !(isThreadLocal(owner, state)
        || CONTEXT_CLASSES.contains(owner.getQualifiedName().toString()));
  }

  private static final ImmutableSet<String> CONTEXT_CLASSES =
      ImmutableSet.of(MDC, THREAD_CONTEXT, CLOSEABLE_THREAD_CONTEXT, CLOSEABLE_INSTANCE);

  @Override
  public ArgumentEffect argumentEffect(ExpressionTree callOrNew, int index, VisitorState state) {
    // A thread-local passed to a helper is used there; clearing it is still ours.
    return ArgumentEffect.BORROWS;
  }

  /**
   * A method that sets and never clears is one half of a protocol ({@code before()/after()}, a
   * setter the class pairs with a {@code clear()}), or a per-thread cache; the class-level rule of
   * {@link ThreadLocalLeak} judges the field. A task handed to a thread pool has no other half: no
   * other code runs on that thread between it and the next task, so what it leaves set leaks.
   */
  @Override
  public boolean reportsWhenNeverReleased(
      ExpressionTree site, Acquisition acquisition, TreePath method, VisitorState state) {
    // A closeable context that is dropped is never closed by anyone.
    return acquisition.kind().equals(CLOSEABLE_CONTEXT) || runsOnPool(method, state);
  }

  /**
   * Whether the method or lambda at {@code method} is a task handed to a thread pool: a lambda or
   * method reference passed to an {@code Executor} (or {@code CompletableFuture.runAsync}), or the
   * {@code run()}/{@code call()} of an anonymous class passed there.
   */
  static boolean runsOnPool(TreePath method, VisitorState state) {
    TreePath task;
    if (method.getLeaf() instanceof LambdaExpressionTree) {
      task = method;
    } else if (method.getLeaf() instanceof MethodTree declaration
        && TASK_METHODS.contains(declaration.getName().toString())
        && declaration.getParameters().isEmpty()
        && method.getParentPath() != null
        && method.getParentPath().getParentPath() != null
        && method.getParentPath().getParentPath().getLeaf() instanceof NewClassTree) {
      task = method.getParentPath().getParentPath(); // new Runnable() { public void run() {…} }
    } else {
      return false;
    }
    Tree value = task.getLeaf();
    TreePath parent = task.getParentPath();
    while (parent != null
        && (parent.getLeaf() instanceof ParenthesizedTree
            || parent.getLeaf() instanceof TypeCastTree)) {
      value = parent.getLeaf();
      parent = parent.getParentPath();
    }
    return parent != null
        && parent.getLeaf() instanceof MethodInvocationTree call
        && call.getArguments().contains(value)
        && RUNS_ON_POOL.matches(call, state);
  }

  /** The methods of an anonymous task class that its pool runs. */
  private static final ImmutableSet<String> TASK_METHODS = ImmutableSet.of("run", "call", "get");

  @Override
  public String leakVerb() {
    return "stays set";
  }

  private static boolean isNullLiteral(ExpressionTree argument) {
    return LockSpec.stripParentheses(argument) instanceof LiteralTree literal
        && literal.getKind() == Tree.Kind.NULL_LITERAL;
  }

  /**
   * {@code tl.set(previous)}, where {@code previous} is a local variable whose every value is
   * {@code tl.get()} of the same thread-local: the restore idiom, which puts back what an outer
   * scope had set.
   */
  static boolean isRestore(MethodInvocationTree call, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver == null
        || call.getArguments().size() != 1
        || !(ASTHelpers.getSymbol(LockSpec.stripParentheses(call.getArguments().get(0)))
            instanceof VarSymbol local)
        || local.getKind() != ElementKind.LOCAL_VARIABLE) {
      return false;
    }
    List<ExpressionTree> values = valuesOf(local, state);
    return !values.isEmpty()
        && values.stream()
            .allMatch(
                v ->
                    LockSpec.stripParentheses(v) instanceof MethodInvocationTree read
                        && GET.matches(read, state)
                        && ASTHelpers.getReceiver(read) != null
                        && LockSpec.sameLock(ASTHelpers.getReceiver(read), receiver));
  }

  /** Every value a local variable is given: its initializer and the assignments to it. */
  private static List<ExpressionTree> valuesOf(VarSymbol local, VisitorState state) {
    List<ExpressionTree> values = new ArrayList<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        if (variable.getInitializer() != null && ASTHelpers.getSymbol(variable) == local) {
          values.add(variable.getInitializer());
        }
        return super.visitVariable(variable, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree assignment, Void unused) {
        if (ASTHelpers.getSymbol(assignment.getVariable()) == local) {
          values.add(assignment.getExpression());
        }
        return super.visitAssignment(assignment, null);
      }
    }.scan(enclosingMethod(state), null);
    return values;
  }

  /** The method (or the whole unit, outside one) that the current path is in. */
  private static Tree enclosingMethod(VisitorState state) {
    MethodTree method = ASTHelpers.findEnclosingNode(state.getPath(), MethodTree.class);
    if (state.getPath().getLeaf() instanceof MethodTree leaf) {
      return leaf;
    }
    return method != null ? method : state.getPath().getCompilationUnit();
  }

  private @Nullable ContextType extraType(MethodInvocationTree call, VisitorState state) {
    if (extraTypes.isEmpty()) {
      return null;
    }
    Type receiverType = ASTHelpers.getReceiverType(call);
    for (ContextType type : extraTypes) {
      if (TypeNames.isSubtype(receiverType, type.type(), state)) {
        return type;
      }
    }
    return null;
  }

  /** Whether {@code symbol} is a thread-local. */
  static boolean isThreadLocal(@Nullable Symbol symbol, VisitorState state) {
    return symbol != null && TypeNames.isSubtype(symbol.type, THREAD_LOCAL, state);
  }
}
