package dev.leakguard.checks;

import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.matchers.Matchers;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.MethodTree;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import dev.leakguard.flow.OwnershipSummaries;
import dev.leakguard.trees.Branches;
import dev.leakguard.trees.TypeNames;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.flow.FieldReleases;
import dev.leakguard.flow.ObligationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * The obligations {@link UnreleasedLock} tracks: a held {@link java.util.concurrent.locks.Lock}
 * (read and write locks of a {@code ReadWriteLock} included), a {@link
 * java.util.concurrent.locks.StampedLock} stamp, a {@link java.util.concurrent.Semaphore} permit.
 * Each is identified by the object it was taken from, so {@code lock.lock()} is released by {@code
 * lock.unlock()} and {@code sl.writeLock()} by {@code sl.unlockWrite(stamp)}.
 *
 * <p>The {@code ExtraLockTypes} and {@code ExtraPermitTypes} options add a project's own locks
 * that do not implement {@code Lock} ({@code Mutex.lock()/tryLock()/unlock()}) and its
 * semaphore-like types ({@code acquire()/tryAcquire()/release()}); they use the method names above,
 * so {@link #mayAcquire} stays a complete name filter.
 */
final class LockSpec implements ObligationSpec {

  /** Matches nothing: the matchers of an option that is not set. */
  private static final Matcher<ExpressionTree> NONE = (tree, state) -> false;

  private static final String LOCK = "java.util.concurrent.locks.Lock";
  private static final String REENTRANT_LOCK = "java.util.concurrent.locks.ReentrantLock";
  private static final String REENTRANT_READ_WRITE_LOCK =
      "java.util.concurrent.locks.ReentrantReadWriteLock";
  private static final String WRITE_LOCK =
      "java.util.concurrent.locks.ReentrantReadWriteLock.WriteLock";
  private static final String STAMPED_LOCK = "java.util.concurrent.locks.StampedLock";
  private static final String SEMAPHORE = "java.util.concurrent.Semaphore";

  /** The {@link Acquisition#kind()} of a semaphore permit. */
  static final String PERMIT = "permit";

  private static final Matcher<ExpressionTree> LOCK_ACQUIRE =
      instanceMethod().onDescendantOf(LOCK).namedAnyOf("lock", "lockInterruptibly");
  private static final Matcher<ExpressionTree> LOCK_TRY_ACQUIRE =
      instanceMethod().onDescendantOf(LOCK).named("tryLock");
  private static final Matcher<ExpressionTree> LOCK_RELEASE =
      instanceMethod().onDescendantOf(LOCK).named("unlock");

  private static final Matcher<ExpressionTree> STAMP_ACQUIRE =
      instanceMethod()
          .onDescendantOf(STAMPED_LOCK)
          .namedAnyOf("writeLock", "readLock", "writeLockInterruptibly", "readLockInterruptibly");
  private static final Matcher<ExpressionTree> STAMP_TRY_ACQUIRE =
      instanceMethod().onDescendantOf(STAMPED_LOCK).namedAnyOf("tryWriteLock", "tryReadLock");
  private static final Matcher<ExpressionTree> STAMP_RELEASE =
      instanceMethod()
          .onDescendantOf(STAMPED_LOCK)
          .namedAnyOf(
              "unlockWrite",
              "unlockRead",
              "unlock",
              "tryUnlockWrite",
              "tryUnlockRead",
              "tryConvertToOptimisticRead");

  private static final Matcher<ExpressionTree> PERMIT_ACQUIRE =
      instanceMethod().onDescendantOf(SEMAPHORE).namedAnyOf("acquire", "acquireUninterruptibly");
  private static final Matcher<ExpressionTree> PERMIT_TRY_ACQUIRE =
      instanceMethod().onDescendantOf(SEMAPHORE).named("tryAcquire");
  private static final Matcher<ExpressionTree> PERMIT_RELEASE =
      instanceMethod().onDescendantOf(SEMAPHORE).named("release");

  private final Matcher<ExpressionTree> extraLockAcquire;
  private final Matcher<ExpressionTree> extraLockTryAcquire;
  private final Matcher<ExpressionTree> extraLockRelease;
  private final Matcher<ExpressionTree> extraPermitAcquire;
  private final Matcher<ExpressionTree> extraPermitTryAcquire;
  private final Matcher<ExpressionTree> extraPermitRelease;

  LockSpec(LeakGuardOptions options) {
    ImmutableList<String> locks = options.extraLockTypes();
    ImmutableList<String> permits = options.extraPermitTypes();
    extraLockAcquire =
        locks.isEmpty()
            ? NONE
            : instanceMethod().onDescendantOfAny(locks).namedAnyOf("lock", "lockInterruptibly");
    extraLockTryAcquire =
        locks.isEmpty() ? NONE : instanceMethod().onDescendantOfAny(locks).named("tryLock");
    extraLockRelease =
        locks.isEmpty() ? NONE : instanceMethod().onDescendantOfAny(locks).named("unlock");
    extraPermitAcquire =
        permits.isEmpty()
            ? NONE
            : instanceMethod()
                .onDescendantOfAny(permits)
                .namedAnyOf("acquire", "acquireUninterruptibly");
    extraPermitTryAcquire =
        permits.isEmpty() ? NONE : instanceMethod().onDescendantOfAny(permits).named("tryAcquire");
    extraPermitRelease =
        permits.isEmpty() ? NONE : instanceMethod().onDescendantOfAny(permits).named("release");
  }

  /** True only while the caller may hold the lock; false means this thread does not hold it. */
  private static final Matcher<ExpressionTree> HELD_TEST =
      Matchers.anyOf(
          instanceMethod()
              .onDescendantOfAny(REENTRANT_LOCK, WRITE_LOCK)
              .namedAnyOf("isHeldByCurrentThread", "isLocked"),
          instanceMethod()
              .onDescendantOf(REENTRANT_READ_WRITE_LOCK)
              .named("isWriteLockedByCurrentThread"),
          instanceMethod()
              .onDescendantOf(STAMPED_LOCK)
              .namedAnyOf("isWriteLocked", "isReadLocked"));

  /**
   * Method names that can acquire something this spec tracks; a method mentioning none of them
   * cannot hold a lock, so the check skips it without building anything. The types the options
   * add acquire through these names too.
   */
  static boolean mayAcquire(String methodName) {
    return switch (methodName) {
      case "lock",
          "lockInterruptibly",
          "tryLock",
          "writeLock",
          "readLock",
          "writeLockInterruptibly",
          "readLockInterruptibly",
          "tryWriteLock",
          "tryReadLock",
          "acquire",
          "acquireUninterruptibly",
          "tryAcquire" ->
          true;
      default -> false;
    };
  }

  /** The {@link Acquisition#kind()} of an {@code AutoCloseable} handle that holds a lock. */
  static final String LOCK_HANDLE = "lock handle";

  @Override
  public @Nullable Acquisition acquisitionAt(ExpressionTree expression, VisitorState state) {
    if (LockHandles.createsHandle(expression, state)) {
      return new Acquisition(Condition.ALWAYS, null, LOCK_HANDLE);
    }
    if (!(expression instanceof MethodInvocationTree call) || !mayAcquire(methodName(call))) {
      return null;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (isThis(receiver)) {
      // `lock()` of this object that only locks a lock it keeps in a field: that lock, named as
      // its body names it. Otherwise (a class extending ReentrantLock locking itself) nothing
      // names it.
      ExpressionTree own = delegatedLock(call, LOCK_ACQUIRE, state);
      return own == null ? null : new Acquisition(Condition.ALWAYS, own, "lock");
    }
    if (LOCK_ACQUIRE.matches(call, state)
        || extraLockAcquire.matches(call, state)
        || onlyDelegatesTo(call, LOCK_ACQUIRE, state)) {
      return new Acquisition(Condition.ALWAYS, receiver, "lock");
    }
    if (LOCK_TRY_ACQUIRE.matches(call, state)
        || (extraLockTryAcquire.matches(call, state) && returnsBoolean(call))) {
      return new Acquisition(Condition.IF_TRUE, receiver, "lock");
    }
    if (STAMP_ACQUIRE.matches(call, state)) {
      return new Acquisition(Condition.ALWAYS, receiver, "stamp");
    }
    if (STAMP_TRY_ACQUIRE.matches(call, state)) {
      return new Acquisition(Condition.IF_NONZERO, receiver, "stamp");
    }
    if (PERMIT_ACQUIRE.matches(call, state) || extraPermitAcquire.matches(call, state)) {
      return new Acquisition(Condition.ALWAYS, receiver, PERMIT);
    }
    if (PERMIT_TRY_ACQUIRE.matches(call, state)
        || (extraPermitTryAcquire.matches(call, state) && returnsBoolean(call))) {
      return new Acquisition(Condition.IF_TRUE, receiver, PERMIT);
    }
    return null;
  }

  /** A project's {@code tryLock()} that returns something else cannot be tested as acquired. */
  private static boolean returnsBoolean(MethodInvocationTree call) {
    var type = ASTHelpers.getType(call);
    return type != null && type.getKind() == TypeKind.BOOLEAN;
  }

  /** {@code unlock()} of this object that only unlocks a lock it keeps: that lock. */
  @Override
  public @Nullable ExpressionTree releasedIdentity(MethodInvocationTree call, VisitorState state) {
    return methodName(call).equals("unlock") && isThis(ASTHelpers.getReceiver(call))
        ? delegatedLock(call, LOCK_RELEASE, state)
        : null;
  }

  @Override
  public Operand releasedOperand(MethodInvocationTree call, VisitorState state) {
    return isLockRelease(call, state)
            || extraLockRelease.matches(call, state)
            || extraPermitRelease.matches(call, state)
            || LockHandles.closes(call, state)
            || (methodName(call).equals("unlock") && onlyDelegatesTo(call, LOCK_RELEASE, state))
        ? Operand.RECEIVER
        : Operand.NONE;
  }

  /**
   * Whether {@code call} runs a method of the compilation that only takes (or only releases) a
   * lock its object keeps in a field, and is named for it: h2's {@code session.lock()} and {@code
   * session.unlock()} around the session's {@code ReentrantLock}. Called on a receiver, such a
   * method takes or releases that object's lock, so the receiver names the lock as it would a
   * {@code Lock}'s. Only a method no subclass can replace (final, private, or of a final class)
   * whose body is that one call counts; a {@code Lock}'s own methods are matched as such.
   */
  private static boolean onlyDelegatesTo(
      MethodInvocationTree call, Matcher<ExpressionTree> lockCall, VisitorState state) {
    // On `this` (written or not) the lock is named by the method's body instead (delegatedLock).
    return !isThis(ASTHelpers.getReceiver(call)) && delegatedLock(call, lockCall, state) != null;
  }

  /**
   * For a call of such a method ({@link #onlyDelegatesTo}), the lock its body takes or releases,
   * as the body writes it ({@code lock}, {@code this.lock}, {@code rw.writeLock()}); null for any
   * other call. Called on this object, that expression names the lock: h2's {@code JdbcConnection}
   * calls its own {@code lock()} and {@code unlock()} around its {@code ReentrantLock}.
   */
  private static @Nullable ExpressionTree delegatedLock(
      MethodInvocationTree call, Matcher<ExpressionTree> lockCall, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (method == null
        || (receiver instanceof IdentifierTree self && self.getName().contentEquals("super"))
        || method.isStatic()
        || !method.getParameters().isEmpty()
        || method.getReturnType().getKind() != TypeKind.VOID
        || ((method.flags() & (Flags.FINAL | Flags.PRIVATE)) == 0
            && (method.owner.flags() & Flags.FINAL) == 0)
        || TypeNames.isSubtype(method.owner.type, LOCK, state)) {
      return null;
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(method, state);
    if (declaration == null
        || !(declaration.getLeaf() instanceof MethodTree tree)
        || tree.getBody() == null
        || tree.getBody().getStatements().size() != 1
        || !(tree.getBody().getStatements().get(0) instanceof ExpressionStatementTree statement)
        || !(statement.getExpression() instanceof MethodInvocationTree delegate)
        || !lockCall.matches(delegate, state)) {
      return null;
    }
    // The lock is a field of the method's own object: `lock`, `this.lock`, `rw.writeLock()`.
    ExpressionTree taken = ASTHelpers.getReceiver(delegate);
    ExpressionTree lock = taken;
    while (lock != null
        && stripParentheses(lock) instanceof MethodInvocationTree accessor
        && accessor.getArguments().isEmpty()) {
      lock = ASTHelpers.getReceiver(accessor);
    }
    ExpressionTree name = lock == null ? null : stripParentheses(lock);
    return (name instanceof IdentifierTree
            || (name instanceof MemberSelectTree select && isThis(select.getExpression())))
        && ASTHelpers.getSymbol(name) instanceof VarSymbol field
        && field.getKind() == ElementKind.FIELD
        && !field.isStatic()
        && field.owner == method.owner
        ? taken
        : null;
  }

  /** {@code unlock()} of a {@code Lock}, a {@code StampedLock}'s releases, {@code release()}. */
  static boolean isLockRelease(MethodInvocationTree call, VisitorState state) {
    return LOCK_RELEASE.matches(call, state)
        || STAMP_RELEASE.matches(call, state)
        || PERMIT_RELEASE.matches(call, state);
  }

  @Override
  public Operand heldTestOperand(MethodInvocationTree call, VisitorState state) {
    return HELD_TEST.matches(call, state) ? Operand.RECEIVER : Operand.NONE;
  }

  @Override
  public ArgumentEffect argumentEffect(ExpressionTree callOrNew, int index, VisitorState state) {
    // Passing a lock or a stamp to a call never hands over the duty to release it.
    return ArgumentEffect.BORROWS;
  }

  /**
   * A lock that the method takes and never releases is a leak when the method means to release it
   * (a release of the same lock follows the acquisition, but no path reaches it holding the lock),
   * or when nothing else can: a lock created in the method, or a private field of this class that
   * no other code of the compilation unit releases or lets out ({@link
   * FieldReleases#releasedOutside}). Otherwise the method is one half of a protocol that spans
   * methods ({@code begin()/end()}, a lock re-taken for the caller after an {@code unlock()}), or
   * the lock came from a parameter and is left held for the caller.
   */
  @Override
  public boolean reportsWhenNeverReleased(
      ExpressionTree site, Acquisition acquisition, TreePath method, VisitorState state) {
    ExpressionTree identity = acquisition.identity();
    if (identity == null) {
      return true; // a lock handle: dropped, it leaks like any closeable
    }
    // `Lock w = rw.writeLock(); w.lock(); … rw.writeLock().unlock();`: both names count.
    ExpressionTree copiedFrom =
        ASTHelpers.getSymbol(stripParentheses(identity)) instanceof VarSymbol local
                && local.getKind() == ElementKind.LOCAL_VARIABLE
            ? onlySource(local, method.getLeaf())
            : null;
    int sitePosition = ASTHelpers.getStartPosition(site);
    TreePath sitePath = TreePath.getPath(method, site);
    boolean[] releasedBefore = {false};
    boolean[] releasedAfter = {false};
    boolean[] releasedUnderOtherName = {false};
    boolean[] releasedOnAnotherArm = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (releases(call, identity, state)) {
          if (sitePath != null && Branches.onDifferentArms(sitePath, getCurrentPath())) {
            releasedOnAnotherArm[0] = true;
          } else if (ASTHelpers.getStartPosition(call) > sitePosition) {
            releasedAfter[0] = true;
          } else {
            releasedBefore[0] = true;
          }
        } else if (copiedFrom != null && releases(call, copiedFrom, state)) {
          // Released under the name it was copied from, which the method-level analysis does
          // not connect: the method does release it.
          releasedUnderOtherName[0] = true;
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(method, null);
    // A dispatcher that takes the lock for one event and releases it for another, on another arm
    // of the same switch or if (jgroups Locking.down: Event.LOCK and Event.UNLOCK), is the two
    // halves of a protocol, as a begin() and an end() are.
    if (releasedUnderOtherName[0] || (releasedOnAnotherArm[0] && !releasedAfter[0])) {
      return false;
    }
    if (releasedAfter[0]) {
      return true;
    }
    // A permit taken and never given back is a spent budget, not a forgotten release.
    return !releasedBefore[0]
        && !acquisition.kind().equals(PERMIT)
        && nothingElseReleases(identity, method, state);
  }

  /**
   * Whether the lock {@code identity} names is one only the method at {@code method} can release:
   * created there, or a private field of this class released nowhere else.
   */
  private boolean nothingElseReleases(ExpressionTree identity, TreePath method, VisitorState state) {
    ExpressionTree lock = stripParentheses(identity);
    while (lock instanceof MethodInvocationTree accessor && accessor.getArguments().isEmpty()) {
      lock = ASTHelpers.getReceiver(accessor); // rw.writeLock(): the lock of field rw
      if (lock == null) {
        return false;
      }
      lock = stripParentheses(lock);
    }
    if (!isName(lock) || !(ASTHelpers.getSymbol(lock) instanceof VarSymbol variable)) {
      return false;
    }
    if (variable.getKind() == ElementKind.LOCAL_VARIABLE) {
      ExpressionTree source = onlySource(variable, method.getLeaf());
      if (source == null) {
        return false;
      }
      if (source instanceof NewClassTree) {
        return true; // a lock made here: no other code can reach it
      }
      return nothingElseReleases(source, method, state);
    }
    if (variable.getKind() != ElementKind.FIELD
        || (!ASTHelpers.isStatic(variable) && !isThis(qualifier(lock)))) {
      return false;
    }
    return !FieldReleases.releasedOutside(variable, method.getLeaf(), method, this, state);
  }

  /**
   * What a local variable holds: a fresh lock when every value it is given is a {@code new}
   * expression (that one stands for all), else the single expression it is initialised with and
   * never replaced; null when neither.
   */
  private static @Nullable ExpressionTree onlySource(VarSymbol local, Tree method) {
    List<ExpressionTree> values = new ArrayList<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        if (ASTHelpers.getSymbol(variable) == local && variable.getInitializer() != null) {
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
    }.scan(method, null);
    if (!values.isEmpty()
        && values.stream().allMatch(value -> stripParentheses(value) instanceof NewClassTree)) {
      return stripParentheses(values.get(0));
    }
    return values.size() == 1 ? values.get(0) : null;
  }

  /** An integer division, an index or an unboxing that throws leaves the lock held: it counts. */
  @Override
  public boolean countsImplicitExceptions() {
    return true;
  }

  @Override
  public boolean countsErrorPaths() {
    return true; // a lock kept by a thread that died blocks every other thread forever
  }

  @Override
  public String leakVerb() {
    return "stays held";
  }

  /** Whether {@code expression} is a call that releases the lock {@code identity} names. */
  boolean releases(ExpressionTree expression, ExpressionTree identity, VisitorState state) {
    if (!(expression instanceof MethodInvocationTree call)) {
      return false;
    }
    ExpressionTree released = releasedIdentity(call, state);
    if (released != null) {
      return sameLock(released, identity);
    }
    if (!releasedOperand(call, state).equals(Operand.RECEIVER)) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return receiver != null && sameLock(receiver, identity);
  }

  /** Whether {@code expression} acquires the lock {@code identity} names (again). */
  boolean acquires(ExpressionTree expression, ExpressionTree identity, VisitorState state) {
    Acquisition acquisition = acquisitionAt(expression, state);
    return acquisition != null
        && acquisition.identity() != null
        && sameLock(acquisition.identity(), identity);
  }

  /**
   * Whether two lock expressions name the same lock: the same local, the same field of the same
   * object ({@code lock} and {@code this.lock} alike), or the same no-argument accessor on the same
   * object ({@code rw.writeLock()} each time).
   */
  static boolean sameLock(ExpressionTree a, ExpressionTree b) {
    a = stripParentheses(a);
    b = stripParentheses(b);
    if (a instanceof MethodInvocationTree callA && b instanceof MethodInvocationTree callB) {
      if (!callA.getArguments().isEmpty() || !callB.getArguments().isEmpty()) {
        return false;
      }
      Symbol methodA = ASTHelpers.getSymbol(callA.getMethodSelect());
      Symbol methodB = ASTHelpers.getSymbol(callB.getMethodSelect());
      return methodA != null
          && methodA.equals(methodB)
          && sameReceiver(ASTHelpers.getReceiver(callA), ASTHelpers.getReceiver(callB));
    }
    if (!isName(a) || !isName(b)) {
      return false;
    }
    Symbol symbolA = ASTHelpers.getSymbol(a);
    Symbol symbolB = ASTHelpers.getSymbol(b);
    if (symbolA == null || !Objects.equals(symbolA, symbolB)) {
      return false;
    }
    if (!(symbolA instanceof VarSymbol) || ASTHelpers.isStatic(symbolA)) {
      return true;
    }
    if (symbolA.getKind().isField()) {
      return sameReceiver(qualifier(a), qualifier(b));
    }
    return true; // the same local variable or parameter
  }

  /** {@code a} of {@code a.b}; null for a bare name (an implicit {@code this}). */
  static @Nullable ExpressionTree qualifier(ExpressionTree name) {
    return name instanceof MemberSelectTree select ? select.getExpression() : null;
  }

  private static boolean sameReceiver(@Nullable ExpressionTree a, @Nullable ExpressionTree b) {
    if (isThis(a) && isThis(b)) {
      return true;
    }
    return a != null && b != null && sameLock(a, b);
  }

  static boolean isThis(@Nullable ExpressionTree tree) {
    return tree == null
        || (tree instanceof IdentifierTree identifier
            && identifier.getName().contentEquals("this"));
  }

  static boolean isName(Tree tree) {
    return tree instanceof IdentifierTree || tree instanceof MemberSelectTree;
  }

  /** The invoked method's name, read from the tree alone (no symbol needed). */
  static String methodName(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    if (select instanceof MemberSelectTree member) {
      return member.getIdentifier().toString();
    }
    if (select instanceof IdentifierTree identifier) {
      return identifier.getName().toString();
    }
    return "";
  }

  static ExpressionTree stripParentheses(ExpressionTree tree) {
    while (tree instanceof ParenthesizedTree parenthesized) {
      tree = parenthesized.getExpression();
    }
    return tree;
  }
}
