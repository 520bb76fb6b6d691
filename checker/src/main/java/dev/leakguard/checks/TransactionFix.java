package dev.leakguard.checks;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.UnionTypeTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.fix.ScopedRegion;
import dev.leakguard.fix.TryFinallyFix;
import dev.leakguard.fix.TryFinallyFix.Clause;
import dev.leakguard.fix.TryFinallyFix.Placement;
import dev.leakguard.flow.Leak;
import dev.leakguard.trees.OwnCodeScanner;
import dev.leakguard.trees.TypeNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The scoped form of a {@link TransactionLeak} finding: the work between the begin and the commit
 * goes into a {@code try} whose other exits roll back.
 *
 * <ul>
 *   <li>JDBC: {@code try { …; conn.commit(); } catch (SQLException | RuntimeException e) {
 *       conn.rollback(); throw e; }}, with {@code finally { conn.setAutoCommit(true); }} for a
 *       connection the method did not open. {@code rollback()} throws {@code SQLException}, so the
 *       method must declare or catch it there.
 *   <li>JPA and Hibernate: {@code try { …; tx.commit(); } finally { if (tx.isActive())
 *       tx.rollback(); }}, which covers a {@code return} in the work too.
 *   <li>Spring: {@code try { … } catch (RuntimeException | Error e) { tm.rollback(status); throw e;
 *       } tm.commit(status);}, as Spring's documentation writes it (a commit that fails has
 *       already rolled back).
 * </ul>
 *
 * The catch forms rethrow, so a path leaving the work by {@code return}, {@code break} or {@code
 * continue} is not covered: there is no fix then, and the message says where to decide.
 */
final class TransactionFix {

  private static final String SQL_EXCEPTION = "java.sql.SQLException";

  /** A fix with the advice that names it, or why there is none. */
  record Outcome(@Nullable SuggestedFix fix, String advice, String whyNot) {
    static Outcome none(String whyNot) {
      return new Outcome(null, "", whyNot);
    }
  }

  private TransactionFix() {}

  static Outcome of(
      Leak leak, TransactionSpec spec, boolean restoreAutoCommit, VisitorState state) {
    TreePath sitePath = TreePath.getPath(state.getPath(), leak.site());
    if (sitePath == null) {
      return Outcome.none("the transaction is begun outside the code being fixed");
    }
    TreePath statement = sitePath.getParentPath();
    while (statement.getLeaf() instanceof ParenthesizedTree) {
      statement = statement.getParentPath();
    }
    // The expression naming the transaction: the identity, or the variable holding the value.
    Predicate<ExpressionTree> namesIt;
    String handle;
    ExpressionTree identity = leak.acquisition().identity();
    if (identity != null && statement.getLeaf() instanceof ExpressionStatementTree) {
      namesIt = e -> LockSpec.sameLock(e, identity);
      handle = state.getSourceForNode(identity);
    } else if (identity == null
        && statement.getLeaf() instanceof VariableTree variable
        && variable.getInitializer() == leak.site()) {
      Symbol symbol = ASTHelpers.getSymbol(variable);
      namesIt =
          e ->
              LockSpec.stripParentheses(e) instanceof IdentifierTree id
                  && Objects.equals(ASTHelpers.getSymbol(id), symbol);
      handle = variable.getName().toString();
    } else {
      return Outcome.none("the transaction is begun inside a larger expression");
    }
    if (leak.acquisition().kind().equals(TransactionSpec.CONFIGURED)) {
      return Outcome.none(
          "the scoped form of a configured transaction type is not known; roll it back where"
              + " `commit` is not reached");
    }
    String kind = leak.acquisition().kind();
    ScopedRegion.Resource resource =
        new ScopedRegion.Resource() {
          @Override
          public boolean isRelease(ExpressionTree expression, VisitorState s) {
            if (!(expression instanceof MethodInvocationTree call)) {
              return false;
            }
            ExpressionTree named = spec.releasedOperand(call, s).of(call);
            return named != null && namesIt.test(named);
          }

          @Override
          public boolean isAcquire(ExpressionTree expression, VisitorState s) {
            var acquisition = spec.acquisitionAt(expression, s);
            return acquisition != null && acquisition.kind().equals(kind);
          }
        };
    ScopedRegion.Outcome found = ScopedRegion.afterStatement(statement, resource, state);
    ScopedRegion region = found.region();
    if (region == null) {
      return Outcome.none(found.whyNot());
    }
    if (!(region.release() instanceof ExpressionStatementTree end)
        || !(end.getExpression() instanceof MethodInvocationTree commit)
        || !spec.isCommit(commit, state)) {
      return Outcome.none("the first statement of the block that ends it is not its commit");
    }
    return switch (kind) {
      case TransactionSpec.JDBC -> jdbc(region, statement, handle, restoreAutoCommit, state);
      case TransactionSpec.SPRING -> spring(region, handle, commit, state);
      default ->
          new Outcome(
              TryFinallyFix.guard(
                  region,
                  Placement.IN_TRY,
                  ImmutableList.of(
                      new Clause(
                          "finally",
                          "if (" + handle + ".isActive()) " + handle + ".rollback();")),
                  state),
              "roll it back in a finally block when it is still active",
              "");
    };
  }

  private static Outcome jdbc(
      ScopedRegion region,
      TreePath begin,
      String connection,
      boolean restoreAutoCommit,
      VisitorState state) {
    if (region.leavesEarly() || !region.earlyReleases().isEmpty()) {
      return Outcome.none(
          "a `return`, `break` or `continue` leaves the work before `commit()`; commit or roll"
              + " back there");
    }
    String method = whereSqlExceptionIsNotAllowed(begin, state);
    if (method != null) {
      return Outcome.none(
          "`rollback()` throws SQLException, which " + method + " neither declares nor catches");
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    String caught =
        throwsOtherCheckedExceptions(region, SQL_EXCEPTION, state)
            ? "Exception"
            : SuggestedFixes.qualifyType(state, fix, SQL_EXCEPTION) + " | RuntimeException";
    String name = freshName(begin, state);
    List<Clause> clauses = new ArrayList<>();
    clauses.add(
        new Clause(
            "catch (" + caught + " " + name + ")",
            connection + ".rollback();\nthrow " + name + ";"));
    if (restoreAutoCommit) {
      clauses.add(new Clause("finally", connection + ".setAutoCommit(true);"));
    }
    fix.merge(TryFinallyFix.guard(region, Placement.IN_TRY, clauses, state));
    return new Outcome(
        fix.build(),
        restoreAutoCommit
            ? "roll it back where `commit()` is not reached, and restore auto-commit in a finally"
                + " block"
            : "roll it back where `commit()` is not reached",
        "");
  }

  private static Outcome spring(
      ScopedRegion region, String status, MethodInvocationTree commit, VisitorState state) {
    if (region.leavesEarly() || !region.earlyReleases().isEmpty()) {
      return Outcome.none(
          "a `return`, `break` or `continue` leaves the work before `commit(...)`; commit or roll"
              + " back there");
    }
    ExpressionTree manager = ASTHelpers.getReceiver(commit);
    if (manager == null) {
      return Outcome.none("the transaction manager is the enclosing object itself");
    }
    String caught =
        throwsOtherCheckedExceptions(region, null, state) ? "Throwable" : "RuntimeException | Error";
    String name = freshName(state.getPath(), state);
    return new Outcome(
        TryFinallyFix.guard(
            region,
            Placement.AFTER_TRY,
            ImmutableList.of(
                new Clause(
                    "catch (" + caught + " " + name + ")",
                    state.getSourceForNode(manager)
                        + ".rollback("
                        + status
                        + ");\nthrow "
                        + name
                        + ";")),
            state),
        "roll it back when the work throws, then commit",
        "");
  }

  /**
   * The method (or "the lambda") that may not throw {@code SQLException} at {@code path}, or null
   * when it may: declared by the method, or caught by a {@code try} around the code.
   */
  private static @Nullable String whereSqlExceptionIsNotAllowed(TreePath path, VisitorState state) {
    Tree previous = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof TryTree tryTree && tryTree.getBlock() == previous) {
        for (CatchTree clause : tryTree.getCatches()) {
          for (Type caught : caughtTypes(clause)) {
            if (isSqlExceptionA(caught, state)) {
              return null;
            }
          }
        }
      }
      if (leaf instanceof LambdaExpressionTree) {
        return "the lambda";
      }
      if (leaf instanceof ClassTree) {
        return "the initializer";
      }
      if (leaf instanceof MethodTree method) {
        MethodSymbol symbol = ASTHelpers.getSymbol(method);
        for (Type thrown : symbol.getThrownTypes()) {
          if (isSqlExceptionA(thrown, state)) {
            return null;
          }
        }
        return "`" + method.getName() + "`";
      }
      previous = leaf;
    }
    return "the code";
  }

  /** Whether an {@code SQLException} is an instance of {@code type}. */
  private static boolean isSqlExceptionA(Type type, VisitorState state) {
    Type sql = state.getTypeFromString(SQL_EXCEPTION);
    return sql != null && state.getTypes().isSubtype(sql, state.getTypes().erasure(type));
  }

  private static List<Type> caughtTypes(CatchTree clause) {
    Tree type = clause.getParameter().getType();
    List<Type> types = new ArrayList<>();
    if (type instanceof UnionTypeTree union) {
      for (Tree alternative : union.getTypeAlternatives()) {
        types.add(ASTHelpers.getType(alternative));
      }
    } else {
      types.add(ASTHelpers.getType(type));
    }
    types.removeIf(Objects::isNull);
    return types;
  }

  /**
   * Whether the region (its commit included) can throw a checked exception other than {@code
   * allowed} (and its subtypes): then a multi-catch of {@code allowed | RuntimeException} would let
   * it by without rolling back, and the fix catches {@code Exception} and rethrows it precisely.
   */
  private static boolean throwsOtherCheckedExceptions(
      ScopedRegion region, @Nullable String allowed, VisitorState state) {
    List<StatementTree> statements = new ArrayList<>(region.body());
    statements.add(region.release());
    boolean[] other = {false};
    Predicate<Type> isOther =
        type ->
            type != null
                && !TypeNames.isSubtype(type, "java.lang.RuntimeException", state)
                && !TypeNames.isSubtype(type, "java.lang.Error", state)
                && (allowed == null || !TypeNames.isSubtype(type, allowed, state));
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        check(ASTHelpers.getSymbol(call));
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitNewClass(NewClassTree creation, Void unused) {
        check(ASTHelpers.getSymbol(creation));
        return super.visitNewClass(creation, null);
      }

      @Override
      public Void visitThrow(ThrowTree tree, Void unused) {
        other[0] |= isOther.test(ASTHelpers.getType(tree.getExpression()));
        return super.visitThrow(tree, null);
      }

      private void check(@Nullable Symbol symbol) {
        if (symbol instanceof MethodSymbol method) {
          for (Type thrown : method.getThrownTypes()) {
            other[0] |= isOther.test(thrown);
          }
        }
      }
    }.scan(statements, null);
    return other[0];
  }

  /** A name for the caught exception that no variable of the enclosing method uses. */
  private static String freshName(TreePath path, VisitorState state) {
    MethodTree method = ASTHelpers.findEnclosingNode(path, MethodTree.class);
    Tree scope = method != null ? method : path.getLeaf();
    Set<String> used = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        used.add(variable.getName().toString());
        return super.visitVariable(variable, null);
      }
    }.scan(scope, null);
    for (String candidate : List.of("e", "ex", "failure", "rollbackCause")) {
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
    int i = 2;
    while (used.contains("e" + i)) {
      i++;
    }
    return "e" + i;
  }
}
