package dev.leakguard.race;

import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssertTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * The critical sections around a point of a method: {@code synchronized} methods and blocks, and
 * {@code Lock} regions ({@code lock.lock(); try { … } finally { lock.unlock(); }}, {@code if
 * (lock.tryLock()) { … }}, a {@code StampedLock} write stamp). Read locks are shared, so they are
 * not critical sections. Purely syntactic and intraprocedural; never throws.
 */
public final class CriticalSections {

  /**
   * One critical section.
   *
   * @param tree the tree that opens it (the {@code synchronized} method or block, the statement
   *     that takes the lock, the {@code if (tryLock())}); two points are in the same section only if
   *     they name the same tree
   * @param monitor the monitor or lock as source text without a leading {@code this.}: {@code
   *     this}, {@code lock}, {@code Limiter.class}, {@code rw.writeLock()}
   * @param instanceScoped whether the monitor belongs to one instance ({@code this}, an instance
   *     field), so that it does not exclude other instances touching static state
   * @param lock whether it is a {@code Lock} region rather than a monitor
   */
  public record Region(Tree tree, String monitor, boolean instanceScoped, boolean lock) {

    /** Whether this section excludes every other thread that touches {@code field}. */
    public boolean protects(VarSymbol field, @Nullable String guard) {
      if (ASTHelpers.isStatic(field) && instanceScoped) {
        return false;
      }
      return guard == null || sameMonitor(guard, monitor, field);
    }
  }

  private CriticalSections() {}

  /**
   * The critical sections that hold at the leaf of {@code path}, innermost first, looking outward
   * through blocks, lambdas and the enclosing method up to (not across) the enclosing class.
   */
  public static ImmutableList<Region> enclosing(TreePath path, VisitorState state) {
    ImmutableList.Builder<Region> regions = ImmutableList.builder();
    Tree child = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree parent = p.getLeaf();
      if (parent instanceof ClassTree) {
        break;
      }
      if (parent instanceof SynchronizedTree sync && sync.getBlock() == child) {
        ExpressionTree monitor = ASTHelpers.stripParentheses(sync.getExpression());
        regions.add(new Region(sync, text(monitor, state), isInstanceScoped(monitor), false));
      } else if (parent instanceof TryTree tryTree && tryTree.getBlock() == child) {
        ExpressionTree lock = autoCloseableLock(tryTree, state);
        if (lock != null && isExclusive(lock)) {
          regions.add(new Region(tryTree, text(lock, state), isInstanceScoped(lock), true));
        }
      } else if (parent instanceof BlockTree block && child instanceof StatementTree statement) {
        lockRegion(block.getStatements(), statement, state, regions);
      } else if (parent instanceof CaseTree caseTree
          && caseTree.getStatements() != null
          && child instanceof StatementTree statement) {
        lockRegion(caseTree.getStatements(), statement, state, regions);
      } else if (parent instanceof IfTree ifTree && ifTree.getThenStatement() == child) {
        ExpressionTree lock = tryLockReceiver(ifTree.getCondition(), false, state);
        if (lock != null && isExclusive(lock)) {
          regions.add(new Region(ifTree, text(lock, state), isInstanceScoped(lock), true));
        }
      } else if (parent instanceof MethodTree method
          && method.getModifiers().getFlags().contains(Modifier.SYNCHRONIZED)) {
        MethodSymbol symbol = ASTHelpers.getSymbol(method);
        boolean isStatic = symbol != null && ASTHelpers.isStatic(symbol);
        String monitor =
            isStatic && symbol.owner != null ? symbol.owner.getSimpleName() + ".class" : "this";
        regions.add(new Region(method, monitor, !isStatic, false));
      }
      if (parent instanceof MethodTree method) {
        assertedLock(method, state, regions);
        break;
      }
      child = parent;
    }
    return regions.build();
  }

  /**
   * A method that asserts, in its own top-level statements, that its caller holds a lock ({@code
   * assert storeLock.isHeldByCurrentThread();}, {@code assert Thread.holdsLock(this);}) runs inside
   * that lock from start to end (h2 MVStore.storeNow).
   */
  private static void assertedLock(
      MethodTree method, VisitorState state, ImmutableList.Builder<Region> regions) {
    if (method.getBody() == null) {
      return;
    }
    List<StatementTree> statements = new ArrayList<>(method.getBody().getStatements());
    if (statements.size() == 1 && statements.get(0) instanceof TryTree tryTree) {
      statements.addAll(tryTree.getBlock().getStatements());
    }
    for (StatementTree statement : statements) {
      if (!(statement instanceof AssertTree assertion)
          || !(ASTHelpers.stripParentheses(assertion.getCondition())
              instanceof MethodInvocationTree call)) {
        continue;
      }
      String name = methodName(call);
      if (HOLDS_LOCK.matches(call, state) && call.getArguments().size() == 1) {
        ExpressionTree monitor = ASTHelpers.stripParentheses(call.getArguments().get(0));
        regions.add(new Region(method, text(monitor, state), isInstanceScoped(monitor), false));
      } else if (name.equals("isHeldByCurrentThread") || name.equals("isWriteLockedByCurrentThread")) {
        ExpressionTree lock = ASTHelpers.getReceiver(call);
        if (lock != null
            && (isLock(lock, state)
                || isType(lock, "java.util.concurrent.locks.ReentrantReadWriteLock", state))) {
          regions.add(new Region(method, text(lock, state), isInstanceScoped(lock), true));
        }
      }
    }
  }

  private static final Matcher<ExpressionTree> HOLDS_LOCK =
      staticMethod().onClass("java.lang.Thread").named("holdsLock");

  /**
   * Whether the lambda at {@code lambdaPath} runs as one atomic step: the function of a {@code
   * ConcurrentMap.compute/computeIfAbsent/computeIfPresent/merge} (atomic per key) or of an
   * atomic's {@code updateAndGet/getAndUpdate/accumulateAndGet/getAndAccumulate} (retried until it
   * applies to the current value).
   */
  public static boolean runsAtomically(TreePath lambdaPath, VisitorState state) {
    TreePath parent = lambdaPath.getParentPath();
    if (parent == null
        || !(parent.getLeaf() instanceof MethodInvocationTree call)
        || !call.getArguments().contains(lambdaPath.getLeaf())) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver == null) {
      return false;
    }
    String name = methodName(call);
    switch (name) {
      case "compute", "computeIfAbsent", "computeIfPresent", "merge" -> {
        return isType(receiver, "java.util.concurrent.ConcurrentMap", state);
      }
      case "updateAndGet", "getAndUpdate", "accumulateAndGet", "getAndAccumulate" -> {
        Type type = ASTHelpers.getType(receiver);
        return type != null
            && type.tsym != null
            && type.tsym.getQualifiedName().toString().startsWith("java.util.concurrent.atomic.");
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * The lock a try-with-resources holds for its block: a resource that is a {@code lock()}- or
   * {@code acquire()}-named call returning an {@code AutoCloseable} ({@code try (AutoLock l =
   * _lock.lock()) { … }}, Jetty's idiom), as the receiver of that call.
   */
  private static @Nullable ExpressionTree autoCloseableLock(TryTree tryTree, VisitorState state) {
    for (Tree resource : tryTree.getResources()) {
      ExpressionTree init =
          resource instanceof VariableTree variable
              ? variable.getInitializer()
              : resource instanceof ExpressionTree e ? e : null;
      if (init == null || !(ASTHelpers.stripParentheses(init) instanceof MethodInvocationTree call)) {
        continue;
      }
      String name = methodName(call);
      ExpressionTree receiver = ASTHelpers.getReceiver(call);
      if (receiver != null
          && (name.equals("lock") || name.equals("acquire") || name.equals("lockInterruptibly"))
          && isType(call, "java.lang.AutoCloseable", state)) {
        return receiver;
      }
    }
    return null;
  }

  /** Adds the lock regions that statements before {@code statement} in {@code statements} open. */
  private static void lockRegion(
      List<? extends StatementTree> statements,
      StatementTree statement,
      VisitorState state,
      ImmutableList.Builder<Region> regions) {
    List<StatementTree> open = new ArrayList<>();
    List<String> openKeys = new ArrayList<>();
    for (StatementTree s : statements) {
      if (s == statement) {
        break;
      }
      ExpressionTree acquired = acquiredLock(s, state);
      if (acquired != null && isExclusive(acquired)) {
        open.add(s);
        openKeys.add(text(acquired, state));
        continue;
      }
      String released = releasedLock(s, state);
      if (released == null && s instanceof TryTree t && t.getFinallyBlock() != null) {
        for (StatementTree f : t.getFinallyBlock().getStatements()) {
          released = releasedLock(f, state);
          if (released != null && openKeys.contains(released)) {
            break;
          }
        }
      }
      if (released != null) {
        int index = openKeys.lastIndexOf(released);
        if (index >= 0) {
          open.remove(index);
          openKeys.remove(index);
        }
      }
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      ExpressionTree lock = acquiredLock(open.get(i), state);
      if (lock != null) {
        regions.add(new Region(open.get(i), openKeys.get(i), isInstanceScoped(lock), true));
      }
    }
  }

  /**
   * The lock that {@code statement} takes for the statements after it: {@code lock.lock();}, {@code
   * lock.lockInterruptibly();}, {@code long stamp = sl.writeLock();}, {@code if (!lock.tryLock())
   * return …;}.
   */
  private static @Nullable ExpressionTree acquiredLock(StatementTree statement, VisitorState state) {
    if (statement instanceof ExpressionStatementTree expression
        && expression.getExpression() instanceof MethodInvocationTree call) {
      return lockReceiver(call, state);
    }
    if (statement instanceof VariableTree variable
        && variable.getInitializer() instanceof MethodInvocationTree call) {
      return lockReceiver(call, state);
    }
    if (statement instanceof IfTree ifTree
        && ifTree.getElseStatement() == null
        && exits(ifTree.getThenStatement())) {
      return tryLockReceiver(ifTree.getCondition(), true, state);
    }
    return null;
  }

  private static boolean exits(StatementTree statement) {
    if (statement instanceof BlockTree block) {
      List<? extends StatementTree> list = block.getStatements();
      return !list.isEmpty() && exits(list.get(list.size() - 1));
    }
    return statement instanceof ReturnTree || statement instanceof ThrowTree;
  }

  private static @Nullable ExpressionTree lockReceiver(MethodInvocationTree call, VisitorState state) {
    String name = methodName(call);
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver == null) {
      return null;
    }
    if ((name.equals("lock") || name.equals("lockInterruptibly")) && isLock(receiver, state)) {
      return receiver;
    }
    if ((name.equals("writeLock") || name.equals("writeLockInterruptibly"))
        && isType(receiver, "java.util.concurrent.locks.StampedLock", state)) {
      return receiver;
    }
    return null;
  }

  /** The lock of a {@code tryLock()} condition ({@code !lock.tryLock()} when {@code negated}). */
  private static @Nullable ExpressionTree tryLockReceiver(
      ExpressionTree condition, boolean negated, VisitorState state) {
    ExpressionTree c = ASTHelpers.stripParentheses(condition);
    if (negated) {
      if (!(c instanceof UnaryTree not) || c.getKind() != Tree.Kind.LOGICAL_COMPLEMENT) {
        return null;
      }
      c = ASTHelpers.stripParentheses(not.getExpression());
    }
    if (!(c instanceof MethodInvocationTree call)) {
      return null;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver == null) {
      return null;
    }
    String name = methodName(call);
    if (name.equals("tryLock") && isLock(receiver, state)) {
      return receiver;
    }
    return null;
  }

  private static @Nullable String releasedLock(StatementTree statement, VisitorState state) {
    if (statement instanceof ExpressionStatementTree expression
        && expression.getExpression() instanceof MethodInvocationTree call) {
      String name = methodName(call);
      ExpressionTree receiver = ASTHelpers.getReceiver(call);
      if (receiver != null
          && (name.equals("unlock") || name.equals("unlockWrite"))) {
        return text(receiver, state);
      }
    }
    return null;
  }

  private static String methodName(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    if (select instanceof MemberSelectTree member) {
      return member.getIdentifier().toString();
    }
    if (select instanceof IdentifierTree id) {
      return id.getName().toString();
    }
    return "";
  }

  private static boolean isLock(ExpressionTree receiver, VisitorState state) {
    return isType(receiver, "java.util.concurrent.locks.Lock", state);
  }

  private static boolean isType(ExpressionTree tree, String name, VisitorState state) {
    Type type = ASTHelpers.getType(tree);
    Type target = state.getTypeFromString(name);
    return type != null
        && target != null
        && ASTHelpers.isSubtype(state.getTypes().erasure(type), state.getTypes().erasure(target), state);
  }

  /** Read locks admit many threads at once; they make nothing atomic. */
  private static boolean isExclusive(ExpressionTree lock) {
    if (lock instanceof MethodInvocationTree call && methodName(call).equals("readLock")) {
      return false;
    }
    Type type = ASTHelpers.getType(lock);
    return type == null || !type.tsym.getSimpleName().toString().equals("ReadLock");
  }

  /** Whether the monitor is the instance or one of its instance fields. */
  private static boolean isInstanceScoped(ExpressionTree monitor) {
    ExpressionTree root = monitor;
    while (true) {
      root = ASTHelpers.stripParentheses(root);
      if (root instanceof MethodInvocationTree call && ASTHelpers.getReceiver(call) != null) {
        root = ASTHelpers.getReceiver(call);
        continue;
      }
      break;
    }
    if (root instanceof IdentifierTree id && id.getName().contentEquals("this")) {
      return true;
    }
    if (root instanceof MemberSelectTree select && select.getIdentifier().contentEquals("this")) {
      return true;
    }
    if (root instanceof MemberSelectTree select && select.getIdentifier().contentEquals("class")) {
      return false;
    }
    Symbol symbol = ASTHelpers.getSymbol(root);
    return symbol instanceof VarSymbol var
        && var.getKind() == ElementKind.FIELD
        && !ASTHelpers.isStatic(var);
  }

  /** Source text of a monitor expression with any leading {@code this.} removed. */
  static String text(ExpressionTree tree, VisitorState state) {
    String source = state.getSourceForNode(tree);
    if (source == null) {
      source = tree.toString();
    }
    return normalize(source);
  }

  private static String normalize(String text) {
    String s = text.replaceAll("\\s+", "");
    while (s.startsWith("this.")) {
      s = s.substring("this.".length());
    }
    int outerThis = s.indexOf(".this.");
    if (outerThis > 0 && s.substring(0, outerThis).matches("[A-Za-z_$][\\w$]*")) {
      s = s.substring(outerThis + ".this.".length());
    }
    if (s.matches("[A-Za-z_$][\\w$]*\\.this")) {
      s = "this";
    }
    return s;
  }

  private static boolean sameMonitor(String guard, String monitor, VarSymbol field) {
    String g = normalize(guard);
    String m = normalize(monitor);
    if (g.equals(m)) {
      return true;
    }
    // `@GuardedBy("Limiter.class")` vs. a static synchronized method of `pkg.Limiter`
    ClassSymbol owner = ASTHelpers.enclosingClass(field);
    if (owner != null && g.endsWith(".class") && m.endsWith(".class")) {
      return simpleName(g).equals(simpleName(m));
    }
    return false;
  }

  private static String simpleName(String classLiteral) {
    String s = classLiteral.substring(0, classLiteral.length() - ".class".length());
    int dot = s.lastIndexOf('.');
    return dot < 0 ? s : s.substring(dot + 1);
  }
}
