package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.fixes.SuggestedFix;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.trees.Mentions;
import java.util.List;
import javax.lang.model.element.ElementKind;
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

  /** The same for the loop shape, worded to follow "Did you mean to". */
  public static final String WHAT_IT_DOES_FOR_A_HELD_RESULT_SET =
      "let the returned result set close it (Statement.closeOnCompletion()), close it when no"
          + " result set is returned, and close it if the code before the return throws";

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
    if (!(last instanceof ReturnTree returned)) {
      return null;
    }
    List<? extends StatementTree> between = statements.subList(declared + 1, statements.size() - 1);
    TreePath blockPath = declarationPath.getParentPath();
    if (!returnsItsResultSet(returned.getExpression(), statement)) {
      return heldResultSet(returned, statement, between, blockPath, opening, state);
    }
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

  /**
   * The loop shape: the block returns a local that holds the statement's latest result set, or
   * null ({@code rs = stat.getResultSet()} after each {@code execute}, the earlier one closed).
   * {@code closeOnCompletion()} can only come just before the return, where no earlier result set
   * is left to be closed (closing one would close the statement with it); with no result set to
   * return, nothing would ever close the statement, so it is closed there:
   *
   * <pre>{@code
   * Statement stat = conn.createStatement();
   * ResultSet rs = null;
   * try {
   *   while (…) { … rs = stat.getResultSet(); … }
   * } catch (Throwable e) { …stat.close()…; throw e; }
   * if (rs == null) {
   *   stat.close();
   * } else {
   *   stat.closeOnCompletion();
   * }
   * return rs;
   * }</pre>
   */
  private static @Nullable Rewrite heldResultSet(
      ReturnTree returned,
      Symbol statement,
      List<? extends StatementTree> between,
      TreePath blockPath,
      TreePath opening,
      VisitorState state) {
    if (between.isEmpty()
        || !(ASTHelpers.stripParentheses(returned.getExpression()) instanceof IdentifierTree held)
        || !(ASTHelpers.getSymbol(held) instanceof VarSymbol holder)
        || holder.getKind() != ElementKind.LOCAL_VARIABLE) {
      return null;
    }
    TreePath member = CloseOnFailureFix.outermostMemberPath(opening);
    Type sqlException = state.getTypeFromString("java.sql.SQLException");
    TreePath returnPath = new TreePath(blockPath, returned);
    if (member == null
        || sqlException == null
        || !holdsOnlyResultSetsOf(member, holder, statement)
        || !TryWithResourcesFix.handled(sqlException, returnPath, state)) {
      return null;
    }
    for (StatementTree before : between) {
      if (!onlyCallsMethodsOn(new TreePath(blockPath, before), statement)
          || EarlyExits.anyLeaving(before)) {
        return null;
      }
    }
    TreePath first = new TreePath(blockPath, between.get(0));
    ScopedRegion.Outcome outcome =
        ScopedRegion.between(first, between.get(between.size() - 1), state);
    if (outcome.region() == null) {
      return null;
    }
    String name = statement.getSimpleName().toString();
    String result = holder.getSimpleName().toString();
    Set<String> taken = TryWithResourcesFix.namesIn(member.getLeaf());
    CharSequence source = state.getSourceCode();
    int returnStart = ASTHelpers.getStartPosition(returned);
    String indent = SourceText.indentOf(source, returnStart);
    if (!SourceText.isBlank(source, SourceText.lineStart(source, returnStart), returnStart)) {
      return null;
    }
    String unit = TryFinallyFix.indentUnit(blockPath.getLeaf(), indent, source, state);
    // `executeQuery` never returns null; `getResultSet()` does when the statement made none.
    String handOver =
        mayBeNull(member, holder)
            ? String.join(
                "\n" + indent,
                "if (" + result + " == null) {",
                unit + name + ".close();",
                "} else {",
                unit + name + ".closeOnCompletion();",
                "}",
                "")
            : name + ".closeOnCompletion();\n" + indent;
    SuggestedFix guarded =
        TryFinallyFix.guardAll(
            outcome.region(),
            List.of(CloseOnFailureFix.closeAndRethrow(name, false, taken)),
            state);
    return new Rewrite(
        SuggestedFix.builder().merge(guarded).prefixWith(returned, handOver).build(),
        null,
        mayBeNull(member, holder) ? WHAT_IT_DOES_FOR_A_HELD_RESULT_SET : WHAT_IT_DOES);
  }

  /** Whether {@code holder} is ever given null, or a result set only {@code getResultSet()} made. */
  private static boolean mayBeNull(TreePath member, VarSymbol holder) {
    boolean[] nullable = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == holder) {
          nullable[0] |= node.getInitializer() == null || !isExecuteQuery(node.getInitializer());
        }
        return super.visitVariable(node, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree node, Void unused) {
        if (ASTHelpers.getSymbol(node.getVariable()) == holder) {
          nullable[0] |= !isExecuteQuery(node.getExpression());
        }
        return super.visitAssignment(node, null);
      }
    }.scan(member, null);
    return nullable[0];
  }

  private static boolean isExecuteQuery(ExpressionTree value) {
    return ASTHelpers.stripParentheses(value) instanceof MethodInvocationTree call
        && call.getMethodSelect() instanceof MemberSelectTree select
        && select.getIdentifier().contentEquals("executeQuery");
  }

  /**
   * Whether every value {@code holder} is given in {@code member} is null or a result set of
   * {@code statement}, and it is only tested against null, called, assigned or returned.
   */
  private static boolean holdsOnlyResultSetsOf(TreePath member, VarSymbol holder, Symbol statement) {
    boolean[] other = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == holder) {
          other[0] |= !heldValue(node.getInitializer(), statement);
        }
        return super.visitVariable(node, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == holder) {
          other[0] |= !fineUse(getCurrentPath(), statement);
        }
        return null;
      }
    }.scan(member, null);
    return !other[0];
  }

  /** A use of the holder: assigned a held value, returned, called, or tested against null. */
  private static boolean fineUse(TreePath use, Symbol statement) {
    TreePath parentPath = use.getParentPath();
    Tree parent = parentPath.getLeaf();
    if (parent instanceof AssignmentTree assignment) {
      return assignment.getVariable() == use.getLeaf()
          && heldValue(assignment.getExpression(), statement);
    }
    return parent instanceof ReturnTree
        || (parent instanceof MemberSelectTree select
            && parentPath.getParentPath() != null
            && parentPath.getParentPath().getLeaf() instanceof MethodInvocationTree call
            && call.getMethodSelect() == select)
        || (parent instanceof BinaryTree comparison
            && (comparison.getKind() == Tree.Kind.EQUAL_TO
                || comparison.getKind() == Tree.Kind.NOT_EQUAL_TO)
            && (isNull(comparison.getLeftOperand()) || isNull(comparison.getRightOperand())));
  }

  private static boolean heldValue(@Nullable ExpressionTree value, Symbol statement) {
    return value == null || isNull(value) || returnsItsResultSet(value, statement);
  }

  private static boolean isNull(ExpressionTree expression) {
    return ASTHelpers.stripParentheses(expression).getKind() == Tree.Kind.NULL_LITERAL;
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
