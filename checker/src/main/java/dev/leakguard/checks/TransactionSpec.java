package dev.leakguard.checks;

import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.matchers.Matchers;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Type;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.config.LeakGuardOptions.TransactionType;
import dev.leakguard.flow.ObligationSpec;
import dev.leakguard.trees.TypeNames;
import org.jspecify.annotations.Nullable;

/**
 * The obligations {@link TransactionLeak} tracks: a transaction begun by hand, which {@code
 * commit()} or {@code rollback()} must end on every path. Commit alone discharges it on the path
 * that reaches it, so what the engine reports is exactly the path that does not: an exception out
 * of the work, an early {@code return}, a caught failure.
 *
 * <ul>
 *   <li>JDBC: {@code conn.setAutoCommit(false)} begins, identified by the connection; {@code
 *       conn.commit()} or {@code conn.rollback()} ends it (not {@code rollback(savepoint)}, which
 *       keeps the transaction open, nor {@code setAutoCommit(true)}, which commits half the work
 *       on a failing path).
 *   <li>JPA / Jakarta Persistence: {@code tx.begin()} on an {@code EntityTransaction}, identified
 *       by the expression naming it ({@code tx}, {@code em.getTransaction()}); {@code
 *       tx.isActive()} false means nothing is owed.
 *   <li>Hibernate: the {@code Transaction} that {@code session.beginTransaction()} returns.
 *   <li>Spring: the {@code TransactionStatus} that {@code PlatformTransactionManager
 *       .getTransaction(def)} returns, ended by the manager's {@code commit(status)} or {@code
 *       rollback(status)}.
 *   <li>The {@code ExtraTransactionTypes} option: a project's type with its own three names.
 * </ul>
 *
 * The persistence APIs are matched by name: none of them is on LeakGuard's classpath.
 */
final class TransactionSpec implements ObligationSpec {

  private static final String CONNECTION = "java.sql.Connection";
  private static final ImmutableList<String> ENTITY_TRANSACTIONS =
      ImmutableList.of("jakarta.persistence.EntityTransaction", "javax.persistence.EntityTransaction");
  private static final ImmutableList<String> HIBERNATE_SESSIONS =
      ImmutableList.of("org.hibernate.SharedSessionContract", "org.hibernate.Session");
  private static final String HIBERNATE_TRANSACTION = "org.hibernate.Transaction";
  private static final String SPRING_MANAGER =
      "org.springframework.transaction.PlatformTransactionManager";

  /** The {@link Acquisition#kind()} of a JDBC transaction: the connection is the identity. */
  static final String JDBC = "JDBC transaction";
  /** The kind of a JPA (or Hibernate) {@code EntityTransaction} begun with {@code begin()}. */
  static final String JPA = "JPA transaction";
  /** The kind of the {@code Transaction} Hibernate's {@code beginTransaction()} returns. */
  static final String HIBERNATE = "Hibernate transaction";
  /** The kind of the {@code TransactionStatus} Spring's {@code getTransaction(def)} returns. */
  static final String SPRING = "Spring transaction";
  /** The kind of a transaction of a type the options name. */
  static final String CONFIGURED = "transaction";

  private static final Matcher<ExpressionTree> SET_AUTO_COMMIT =
      instanceMethod().onDescendantOf(CONNECTION).named("setAutoCommit");
  private static final Matcher<ExpressionTree> JDBC_END =
      Matchers.anyOf(
          instanceMethod().onDescendantOf(CONNECTION).named("commit").withNoParameters(),
          instanceMethod().onDescendantOf(CONNECTION).named("rollback").withNoParameters());

  private static final Matcher<ExpressionTree> JPA_BEGIN =
      instanceMethod().onDescendantOfAny(ENTITY_TRANSACTIONS).named("begin");
  /** Hibernate's {@code Transaction} is an {@code EntityTransaction} since 5.2; not before. */
  private static final ImmutableList<String> ENDED_LIKE_JPA =
      ImmutableList.<String>builder().addAll(ENTITY_TRANSACTIONS).add(HIBERNATE_TRANSACTION).build();
  private static final Matcher<ExpressionTree> JPA_END =
      instanceMethod().onDescendantOfAny(ENDED_LIKE_JPA).namedAnyOf("commit", "rollback");
  private static final Matcher<ExpressionTree> JPA_ACTIVE =
      instanceMethod().onDescendantOfAny(ENDED_LIKE_JPA).named("isActive");

  private static final Matcher<ExpressionTree> HIBERNATE_BEGIN =
      instanceMethod().onDescendantOfAny(HIBERNATE_SESSIONS).named("beginTransaction");

  private static final Matcher<ExpressionTree> SPRING_BEGIN =
      instanceMethod().onDescendantOf(SPRING_MANAGER).named("getTransaction");
  private static final Matcher<ExpressionTree> SPRING_END =
      instanceMethod().onDescendantOf(SPRING_MANAGER).namedAnyOf("commit", "rollback");

  private static final ImmutableSet<String> BEGIN_NAMES =
      ImmutableSet.of("setAutoCommit", "begin", "beginTransaction", "getTransaction");

  private final ImmutableList<TransactionType> extraTypes;
  private final ImmutableSet<String> extraBeginNames;

  TransactionSpec(LeakGuardOptions options) {
    this.extraTypes = options.extraTransactionTypes();
    this.extraBeginNames =
        extraTypes.stream().map(TransactionType::begin).collect(ImmutableSet.toImmutableSet());
  }

  /**
   * Whether a call of this name can begin a transaction; a method calling none of them is skipped
   * before anything is built.
   */
  boolean mayBegin(String methodName) {
    return BEGIN_NAMES.contains(methodName) || extraBeginNames.contains(methodName);
  }

  @Override
  public @Nullable Acquisition acquisitionAt(ExpressionTree expression, VisitorState state) {
    if (!(expression instanceof MethodInvocationTree call)
        || !mayBegin(LockSpec.methodName(call))) {
      return null;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (SET_AUTO_COMMIT.matches(call, state)) {
      return receiver != null && isFalseLiteral(call.getArguments().get(0))
          ? new Acquisition(Condition.ALWAYS, receiver, JDBC)
          : null;
    }
    if (JPA_BEGIN.matches(call, state)) {
      return receiver == null ? null : new Acquisition(Condition.ALWAYS, receiver, JPA);
    }
    if (HIBERNATE_BEGIN.matches(call, state)) {
      return new Acquisition(Condition.ALWAYS, null, HIBERNATE);
    }
    if (SPRING_BEGIN.matches(call, state)) {
      return new Acquisition(Condition.ALWAYS, null, SPRING);
    }
    TransactionType extra = extraType(call, state);
    if (extra != null && extra.begin().equals(LockSpec.methodName(call)) && receiver != null) {
      return new Acquisition(Condition.ALWAYS, receiver, CONFIGURED);
    }
    return null;
  }

  private static boolean isFalseLiteral(ExpressionTree argument) {
    return LockSpec.stripParentheses(argument) instanceof LiteralTree literal
        && Boolean.FALSE.equals(literal.getValue());
  }

  @Override
  public Operand releasedOperand(MethodInvocationTree call, VisitorState state) {
    if (JDBC_END.matches(call, state) || JPA_END.matches(call, state)) {
      return Operand.RECEIVER;
    }
    if (SPRING_END.matches(call, state) && call.getArguments().size() == 1) {
      return Operand.argument(0);
    }
    TransactionType extra = extraType(call, state);
    String name = LockSpec.methodName(call);
    return extra != null && (extra.commit().equals(name) || extra.rollback().equals(name))
        ? Operand.RECEIVER
        : Operand.NONE;
  }

  /** {@code tx.isActive()} is false once the transaction has ended (or never began). */
  @Override
  public Operand heldTestOperand(MethodInvocationTree call, VisitorState state) {
    return JPA_ACTIVE.matches(call, state) ? Operand.RECEIVER : Operand.NONE;
  }

  @Override
  public ArgumentEffect argumentEffect(ExpressionTree callOrNew, int index, VisitorState state) {
    // A status or transaction passed to a helper is used there; ending it is still ours. A
    // transaction handed off for good (returned, stored in a field) is the engine's to see.
    return ArgumentEffect.BORROWS;
  }

  /** A method that only begins is one half of a {@code begin()/commit()} pair, not a leak. */
  @Override
  public boolean reportsWhenNeverReleased(
      ExpressionTree site, Acquisition acquisition, TreePath method, VisitorState state) {
    return false;
  }

  @Override
  public String leakVerb() {
    return "leaves its transaction open";
  }

  /** Whether {@code call} is {@code conn.setAutoCommit(…)} on a JDBC connection. */
  static boolean isSetAutoCommit(ExpressionTree call, VisitorState state) {
    return SET_AUTO_COMMIT.matches(call, state);
  }

  /** Whether {@code call} is {@code commit(…)} of any transaction this spec knows. */
  boolean isCommit(MethodInvocationTree call, VisitorState state) {
    String name = LockSpec.methodName(call);
    if (JDBC_END.matches(call, state) || JPA_END.matches(call, state) || SPRING_END.matches(call, state)) {
      return name.equals("commit");
    }
    TransactionType extra = extraType(call, state);
    return extra != null && extra.commit().equals(name);
  }

  private @Nullable TransactionType extraType(MethodInvocationTree call, VisitorState state) {
    if (extraTypes.isEmpty()) {
      return null;
    }
    Type receiverType = ASTHelpers.getReceiverType(call);
    for (TransactionType type : extraTypes) {
      if (TypeNames.isSubtype(receiverType, type.type(), state)) {
        return type;
      }
    }
    return null;
  }
}
