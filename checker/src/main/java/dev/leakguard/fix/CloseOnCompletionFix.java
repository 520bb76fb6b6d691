package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.trees.Mentions;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Hands a statement to the result set a method returns from it, and closes it when the code before
 * fails (h2's {@code ScriptCommand.getLobStream}):
 *
 * <pre>{@code
 * PreparedStatement prep = conn.prepareStatement(q);     PreparedStatement prep = conn.prepareStatement(q);
 * prep.setInt(1, id);                              ->    prep.closeOnCompletion();
 * return prep.executeQuery();                            try {
 *                                                          prep.setInt(1, id);
 *                                                          return prep.executeQuery();
 *                                                        } catch (Throwable e) {
 *                                                          try {
 *                                                            prep.close();
 *                                                          } catch (Throwable suppressed) {
 *                                                            e.addSuppressed(suppressed);
 *                                                          }
 *                                                          throw e;
 *                                                        }
 * }</pre>
 *
 * <p>Closing the statement in the method would close the result set before the caller reads it;
 * {@code Statement.closeOnCompletion()} (JDBC 4.1) closes it when the caller closes the result
 * set. Until a result set exists nothing else would close it, so a failure before the return
 * closes it and rethrows, as in {@link CloseOnFailureFix}.
 *
 * <p>The shape is narrow on purpose: the statement is declared with its opening in a block whose
 * last statement returns a result set the statement itself makes ({@code return s.executeQuery(…)}
 * or {@code return s.getResultSet()}), and the statements between only call methods on it and
 * leave by no other {@code return}, {@code break} or {@code continue}. A result set closed and
 * replaced in a loop (h2's {@code RunScript.execute}) would close the statement with it.
 */
public final class CloseOnCompletionFix {

  /** What the fix does, worded to follow "Did you mean to". */
  public static final String WHAT_IT_DOES =
      "let the returned result set close it (Statement.closeOnCompletion()) and close it if the"
          + " code before the return throws";

  private static final Set<String> RESULT_SET_CALLS = Set.of("executeQuery", "getResultSet");

  private static final Set<String> RELEASES = Set.of("close", "closeOnCompletion");

  private CloseOnCompletionFix() {}

  /**
   * The rewrite for the statement opened by the expression at {@code opening}, or null when the
   * code is not the shape above. Never throws.
   */
  public static @Nullable Rewrite propose(TreePath opening, VisitorState state) {
    try {
      return plan(opening, state);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static @Nullable Rewrite plan(TreePath opening, VisitorState state) {
    TreePath declarationPath = opening.getParentPath();
    if (!(declarationPath.getLeaf() instanceof VariableTree declaration)
        || declaration.getInitializer() != opening.getLeaf()
        || !(declarationPath.getParentPath().getLeaf() instanceof BlockTree block)) {
      return null;
    }
    Symbol statement = ASTHelpers.getSymbol(declaration);
    Type statementType = state.getTypeFromString("java.sql.Statement");
    if (statement == null
        || statementType == null
        || !ASTHelpers.isSubtype(statement.type, statementType, state)) {
      return null;
    }
    List<? extends StatementTree> statements = block.getStatements();
    int declared = statements.indexOf(declaration);
    if (declared < 0 || declared + 1 >= statements.size()) {
      return null;
    }
    StatementTree last = statements.get(statements.size() - 1);
    if (!(last instanceof ReturnTree returned)
        || !returnsItsResultSet(returned.getExpression(), statement)) {
      return null;
    }
    List<? extends StatementTree> between = statements.subList(declared + 1, statements.size() - 1);
    TreePath blockPath = declarationPath.getParentPath();
    for (StatementTree before : between) {
      if (!onlyCallsMethodsOn(new TreePath(blockPath, before), statement)
          || EarlyExits.anyIn(before, false)) {
        return null;
      }
    }
    TreePath first = new TreePath(blockPath, statements.get(declared + 1));
    ScopedRegion.Outcome outcome = ScopedRegion.between(first, last, state);
    if (outcome.region() == null) {
      return null;
    }
    String name = statement.getSimpleName().toString();
    Set<String> taken = TryWithResourcesFix.namesIn(CloseOnFailureFix.outermostMember(opening));
    return new Rewrite(
        TryFinallyFix.guardAll(
            outcome.region(),
            name + ".closeOnCompletion();",
            List.of(CloseOnFailureFix.closeAndRethrow(name, false, taken)),
            state),
        null,
        WHAT_IT_DOES);
  }

  /** Whether {@code expression} is {@code statement.executeQuery(…)} or its {@code getResultSet()}. */
  private static boolean returnsItsResultSet(@Nullable ExpressionTree expression, Symbol statement) {
    return ASTHelpers.stripParentheses(expression) instanceof MethodInvocationTree call
        && call.getMethodSelect() instanceof MemberSelectTree select
        && RESULT_SET_CALLS.contains(select.getIdentifier().toString())
        && ASTHelpers.stripParentheses(select.getExpression()) instanceof IdentifierTree receiver
        && ASTHelpers.getSymbol(receiver) == statement
        && call.getArguments().stream().noneMatch(argument -> Mentions.mentions(argument, statement));
  }

  /**
   * Whether the code at {@code path} names the statement only as the receiver of a call that neither closes
   * it nor hands it to its result sets: {@code prep.setInt(1, id)}, not {@code use(prep)}.
   */
  private static boolean onlyCallsMethodsOn(TreePath path, Symbol statement) {
    boolean[] other = {false};
    Mentions.forEachNamed(
        path,
        (symbol, use) -> {
          if (symbol != statement) {
            return;
          }
          Tree parent = use.getParentPath() == null ? null : use.getParentPath().getLeaf();
          TreePath callPath = use.getParentPath() == null ? null : use.getParentPath().getParentPath();
          boolean receiver =
              parent instanceof MemberSelectTree select
                  && select.getExpression() == use.getLeaf()
                  && !RELEASES.contains(select.getIdentifier().toString())
                  && callPath != null
                  && callPath.getLeaf() instanceof MethodInvocationTree call
                  && call.getMethodSelect() == select;
          other[0] |= !receiver;
        });
    return !other[0];
  }
}
