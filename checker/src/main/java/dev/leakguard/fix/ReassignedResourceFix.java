package dev.leakguard.fix;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.fix.TryWithResourcesFix.Ownership;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.trees.Enclosing;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * Closes a resource kept in a local variable that try-with-resources cannot own, because the
 * variable is declared elsewhere or holds several resources in turn:
 *
 * <ul>
 *   <li>{@link #closeBeforeOverwrite}: in {@code prep = conn.prepareStatement(a); prep.execute();
 *       prep = conn.prepareStatement(b);} the statements between the two assignments go in {@code
 *       try { … } finally { prep.close(); }}, so the first statement is closed before the second
 *       is opened, on every path (h2's {@code FullText.dropIndex}).
 *   <li>{@link #closeInFinally}: {@code stat = conn.createStatement(); stat.execute(sql);} is
 *       followed by {@code try { … } finally { stat.close(); }} covering the rest of its block, or
 *       up to the block's own {@code stat.close();}, which moves into the {@code finally}. Where
 *       it is opened inside a nested {@code if} or {@code try} and read after it, the {@code try}
 *       starts with that statement, in the block that declares the variable {@code = null}, and
 *       the close is null-checked (hsqldb's {@code WebServerConnection.processGet}).
 * </ul>
 *
 * <p>Both close the value the acquiring statement gave the variable, so both need that value, and
 * nothing else, in the variable where the close runs: the acquisition and the close are in one
 * block, the variable is not assigned in between, and it is not closed, returned, stored, handed
 * to an owner or captured there. A value obtained from the resource that lives only as long as
 * it does (a {@code ResultSet} of the statement, a reader around the stream) must not be used
 * after the close; for {@link #closeInFinally} neither may the variable itself, after the block
 * or, in a loop, before the acquisition (the next iteration would read the closed value). Where
 * any of this does not hold, the result says why instead.
 */
public final class ReassignedResourceFix {

  /** What {@link #closeBeforeOverwrite} does, worded to follow "Did you mean to". */
  public static final String CLOSE_BEFORE_OVERWRITE =
      "close it in a finally block before the variable is overwritten";

  /** What {@link #closeInFinally} does, worded to follow "Did you mean to". */
  public static final String CLOSE_IN_FINALLY = "close it in a finally block";

  /** Types whose {@code close()} is documented to do nothing when the object is closed already. */
  private static final ImmutableList<String> IDEMPOTENT_CLOSE =
      ImmutableList.of(
          "java.io.Closeable", "java.sql.Connection", "java.sql.Statement", "java.sql.ResultSet");

  /** Whether {@code close()} of a {@code type} is documented to do nothing the second time. */
  static boolean closeIsIdempotent(Type type, VisitorState state) {
    return IDEMPOTENT_CLOSE.stream()
        .map(state::getTypeFromString)
        .anyMatch(t -> t != null && ASTHelpers.isSubtype(type, t, state));
  }

  private static final String UNHANDLED_SHAPE =
      "the code around it has a shape the fix does not handle";

  private ReassignedResourceFix() {}

  /**
   * The fix for a resource whose variable is overwritten at {@code overwrite} while it is open:
   * close it just before that assignment.
   *
   * @param owner the expression whose value must be closed (the acquisition or its wrapper)
   */
  public static Rewrite closeBeforeOverwrite(
      TreePath owner, Tree overwrite, Ownership ownership, VisitorState state) {
    try {
      return new Planner(owner, ownership, state).beforeOverwrite(overwrite);
    } catch (RuntimeException e) {
      return Rewrite.none(UNHANDLED_SHAPE);
    }
  }

  /**
   * The fix for a resource assigned to a variable declared elsewhere, or declared with one that is
   * reassigned later: close it in a {@code finally} after the rest of its block. No fix, and a
   * blank reason, for a declaration whose variable is never reassigned: try-with-resources is that
   * one's fix, and says why not.
   */
  public static Rewrite closeInFinally(TreePath owner, Ownership ownership, VisitorState state) {
    try {
      return new Planner(owner, ownership, state).inFinally();
    } catch (RuntimeException e) {
      return Rewrite.none(UNHANDLED_SHAPE);
    }
  }

  private static final class Planner {
    private final TreePath owner;
    private final Ownership ownership;
    private final VisitorState state;
    private Symbol variable;
    private TreePath acquiring;
    private TreePath blockPath;
    private List<? extends StatementTree> statements;
    private int index;
    /** The method or lambda body the variable lives in. */
    private Tree body;
    private TreePath bodyPath;
    /** Locals holding a value obtained from the resource: they die with it. */
    private final Set<Symbol> views = new HashSet<>();

    Planner(TreePath owner, Ownership ownership, VisitorState state) {
      this.owner = owner;
      this.ownership = ownership;
      this.state = state;
    }

    Rewrite beforeOverwrite(Tree overwrite) {
      String why = locate();
      if (why != null) {
        return Rewrite.none(why);
      }
      int at = ASTHelpers.getStartPosition(overwrite);
      if (ASTHelpers.getStartPosition(acquiring.getLeaf()) <= at
          && at < state.getEndPosition(acquiring.getLeaf())) {
        // Overwritten by its own acquisition, on the next iteration of a loop: each iteration's
        // resource is closed at the end of the iteration's block instead.
        return inFinally();
      }
      int next = -1;
      for (int i = index + 1; i < statements.size(); i++) {
        StatementTree statement = statements.get(i);
        if (ASTHelpers.getStartPosition(statement) <= at && at < state.getEndPosition(statement)) {
          next = i;
          break;
        }
      }
      if (next < 0
          || !(statements.get(next) instanceof ExpressionStatementTree statement)
          || !(statement.getExpression() instanceof AssignmentTree assignment)
          || !(assignment.getVariable() instanceof IdentifierTree)
          || ASTHelpers.getSymbol(assignment.getVariable()) != variable) {
        return Rewrite.none(
            "it is overwritten inside a nested statement, where the old value may differ by path");
      }
      if (Mentions.mentions(assignment.getExpression(), variable)) {
        return Rewrite.none("the new value of `" + name() + "` is built on the old one");
      }
      StatementTree overwriting = statements.get(next);
      int from = ASTHelpers.getStartPosition(overwriting);
      why = checkRegion(statements.subList(index + 1, next), from, from);
      if (why == null) {
        why = readWhereTheOverwriteFails();
      }
      if (why == null) {
        why = closeUnhandled(new TreePath(blockPath, overwriting));
      }
      if (why != null) {
        return Rewrite.none(why);
      }
      List<? extends StatementTree> between = statements.subList(index + 1, next);
      String close = closeText(between);
      if (between.isEmpty()) {
        // Nothing runs between the two acquisitions: the close goes just before the second.
        CharSequence source = state.getSourceCode();
        String indent = SourceText.indentOf(source, from);
        String text =
            close.replace("\n", "\n" + indent)
                + (SourceText.isBlank(source, SourceText.lineStart(source, from), from)
                    ? "\n" + indent
                    : " ");
        return new Rewrite(
            SuggestedFix.builder().replace(from, from, text).build(), null, CLOSE_BEFORE_OVERWRITE);
      }
      ScopedRegion.Outcome outcome =
          ScopedRegion.between(
              new TreePath(blockPath, between.get(0)), between.get(between.size() - 1), state);
      if (outcome.region() == null) {
        return Rewrite.none(outcome.whyNot());
      }
      return new Rewrite(
          TryFinallyFix.wrap(
              outcome.region(), List.of(new TryFinallyFix.Clause("finally", close, true)), state),
          null,
          CLOSE_BEFORE_OVERWRITE);
    }

    Rewrite inFinally() {
      String why = locate();
      if (why != null) {
        return Rewrite.none(why);
      }
      if (acquiring.getLeaf() instanceof VariableTree && !assignedInBody()) {
        return Rewrite.none(""); // try-with-resources' case, refused for its own reason
      }
      Rewrite here = inFinallyInItsBlock();
      if (here.fix() != null) {
        return here;
      }
      Rewrite widened = inFinallyInDeclaringBlock();
      return widened == null ? here : widened;
    }

    /** The try/finally over the rest of the acquisition's own block, or why there is none. */
    private Rewrite inFinallyInItsBlock() {
      String why;
      List<? extends StatementTree> rest = statements.subList(index + 1, statements.size());
      boolean closedInBlock = rest.stream().anyMatch(s -> closes(s));
      ScopedRegion.Outcome outcome =
          closedInBlock
              ? ScopedRegion.afterStatement(acquiring, closeOfVariable(), state)
              : ScopedRegion.restOfBlock(acquiring, state);
      ScopedRegion region = outcome.region();
      if (region == null) {
        return Rewrite.none(outcome.whyNot());
      }
      Tree last =
          region.release() != null
              ? region.release()
              : region.body().get(region.body().size() - 1);
      why = checkRegion(region.body(), state.getEndPosition(last), reassignedAfter(last));
      if (why == null) {
        why = closeUnhandled(blockPath);
      }
      if (why != null) {
        return Rewrite.none(why);
      }
      SuggestedFix fix =
          TryFinallyFix.wrap(
              region,
              List.of(new TryFinallyFix.Clause("finally", closeText(region.body()), true)),
              state);
      return new Rewrite(fix, null, CLOSE_IN_FINALLY);
    }

    /**
     * For a resource opened inside a nested statement ({@code if}, {@code try}, a block) into a
     * variable declared in an enclosing block and read after that statement: the try/finally that
     * starts with the statement of the declaring block that holds the opening and runs to the
     * block's own close of the variable, or to its end; the close is null-checked. Null when the
     * shape is not that one (the variable is declared in the opening's own block, or a loop, a
     * {@code switch}, a lambda or a class lies in between: a loop would carry the value into the
     * next iteration).
     *
     * <p>Every value the holding statement gives the variable must be a new resource or null (the
     * {@code finally} closes whatever the variable holds), and the variable must hold null where
     * the region starts: its declaration or the nearest statement before that names it gives it
     * null, which also makes it definitely assigned where the {@code finally} reads it.
     */
    private @Nullable Rewrite inFinallyInDeclaringBlock() {
      TreePath child = acquiring;
      TreePath declaring = null;
      for (TreePath up = blockPath; up != null; child = up, up = up.getParentPath()) {
        Tree leaf = up.getLeaf();
        if (leaf instanceof BlockTree block) {
          if (up != blockPath
              && block.getStatements().stream()
                  .anyMatch(st -> ASTHelpers.getSymbol(st) == variable)) {
            declaring = up;
            break;
          }
          continue;
        }
        if (!(leaf instanceof IfTree
            || leaf instanceof TryTree
            || leaf instanceof CatchTree
            || leaf instanceof LabeledStatementTree)) {
          return null;
        }
      }
      if (declaring == null) {
        return null;
      }
      List<? extends StatementTree> outer = ((BlockTree) declaring.getLeaf()).getStatements();
      int first = outer.indexOf(child.getLeaf());
      if (first < 0) {
        return null;
      }
      TreePath holding = new TreePath(declaring, outer.get(first));
      views.clear();
      String why = checkHolding(holding);
      // `Statement stat; if (edit) { stat = conn.createStatement(…); } else { stat = …; }` (h2's
      // WebApp.query): declared without a value, and opened last on every branch of the holding
      // statement, so the variable is definitely assigned and open after it; the try starts after
      // it, and closes without a null check.
      boolean startsAfter =
          why == null
              && first + 1 < outer.size()
              && declaredWithoutValueBefore(outer, first)
              && opensLastOnEveryBranch(outer.get(first));
      if (why == null && !startsAfter) {
        why = whyNotNullBefore(outer, first);
      }
      if (why != null) {
        return Rewrite.none(why);
      }
      TreePath start = startsAfter ? new TreePath(declaring, outer.get(first + 1)) : holding;
      Set<ExpressionTree> ownCloses = new HashSet<>();
      for (int i = first + 1; i < outer.size(); i++) {
        if (outer.get(i) instanceof ExpressionStatementTree statement
            && isCloseOfVariable(statement.getExpression())) {
          ownCloses.add(statement.getExpression());
        }
      }
      ScopedRegion.Outcome outcome =
          ownCloses.isEmpty()
              ? ScopedRegion.between(start, outer.get(outer.size() - 1), state)
              : ScopedRegion.fromStatement(
                  start,
                  new ScopedRegion.Resource() {
                    @Override
                    public boolean isRelease(ExpressionTree expression, VisitorState unused) {
                      return ownCloses.contains(expression);
                    }

                    @Override
                    public boolean isAcquire(ExpressionTree expression, VisitorState unused) {
                      return false; // the holding statement's openings are checked above
                    }
                  },
                  state);
      ScopedRegion region = outcome.region();
      if (region == null) {
        return Rewrite.none(outcome.whyNot());
      }
      // The region's other statements are checked like those after an opening in its own block;
      // the reads after the close are found from the declaring block on.
      acquiring = holding;
      blockPath = declaring;
      statements = outer;
      index = first;
      Tree last =
          region.release() != null
              ? region.release()
              : region.body().get(region.body().size() - 1);
      List<StatementTree> after =
          startsAfter ? region.body() : region.body().subList(1, region.body().size());
      why = checkRegion(after, state.getEndPosition(last), reassignedAfter(last));
      if (why == null) {
        why = closeUnhandled(declaring);
      }
      if (why != null) {
        return Rewrite.none(why);
      }
      String close = name() + ".close();";
      SuggestedFix fix =
          TryFinallyFix.wrap(
              region,
              List.of(
                  new TryFinallyFix.Clause(
                      "finally",
                      startsAfter ? close : "if (" + name() + " != null) {\n  " + close + "\n}",
                      true)),
              state);
      return new Rewrite(fix, null, CLOSE_IN_FINALLY);
    }

    /**
     * Whether the nearest earlier statement of the declaring block that names the variable is its
     * declaration without a value: then nothing before statement {@code at} can have opened it.
     */
    private boolean declaredWithoutValueBefore(List<? extends StatementTree> outer, int at) {
      for (int i = at - 1; i >= 0; i--) {
        StatementTree statement = outer.get(i);
        if (statement instanceof VariableTree declaration
            && ASTHelpers.getSymbol(declaration) == variable) {
          return declaration.getInitializer() == null;
        }
        if (Mentions.mentions(statement, variable)) {
          return false;
        }
      }
      return false;
    }

    /**
     * Whether every way through {@code statement} ends by assigning the variable, and names it
     * nowhere else: an {@code if} with an {@code else}, each branch a block whose last statement
     * is {@code variable = …;}. The values are new resources ({@link #checkHolding}), so after the
     * statement the variable holds an open one, whichever branch ran.
     */
    private boolean opensLastOnEveryBranch(StatementTree statement) {
      if (statement instanceof IfTree branches) {
        return branches.getElseStatement() != null
            && !Mentions.mentions(branches.getCondition(), variable)
            && opensLastOnEveryBranch(branches.getThenStatement())
            && opensLastOnEveryBranch(branches.getElseStatement());
      }
      if (statement instanceof BlockTree block) {
        List<? extends StatementTree> inside = block.getStatements();
        return !inside.isEmpty()
            && inside.subList(0, inside.size() - 1).stream()
                .noneMatch(s -> Mentions.mentions(s, variable))
            && opensLastOnEveryBranch(inside.get(inside.size() - 1));
      }
      return statement instanceof ExpressionStatementTree expression
          && expression.getExpression() instanceof AssignmentTree assignment
          && assignment.getVariable() instanceof IdentifierTree
          && ASTHelpers.getSymbol(assignment.getVariable()) == variable
          && assignment.getExpression().getKind() != Tree.Kind.NULL_LITERAL
          && !Mentions.mentions(assignment.getExpression(), variable);
    }

    /**
     * Why the variable may not hold null just before statement {@code at} of the declaring block,
     * or null when it does: the nearest earlier statement that names it is its declaration {@code
     * = null} or {@code x = null;}.
     */
    private @Nullable String whyNotNullBefore(List<? extends StatementTree> outer, int at) {
      for (int i = at - 1; i >= 0; i--) {
        StatementTree statement = outer.get(i);
        if (statement instanceof VariableTree declaration
            && ASTHelpers.getSymbol(declaration) == variable) {
          if (declaration.getInitializer() == null) {
            return "`"
                + name()
                + "` has no value before the statement that opens it, where a `finally` would"
                + " read it";
          }
          return declaration.getInitializer().getKind() == Tree.Kind.NULL_LITERAL
              ? null
              : "`" + name() + "` holds another value where the code that opens it starts";
        }
        if (statement instanceof ExpressionStatementTree expression
            && expression.getExpression() instanceof AssignmentTree assignment
            && assignment.getVariable() instanceof IdentifierTree
            && ASTHelpers.getSymbol(assignment.getVariable()) == variable) {
          return assignment.getExpression().getKind() == Tree.Kind.NULL_LITERAL
              ? null
              : "`" + name() + "` holds another value where the code that opens it starts";
        }
        if (Mentions.mentions(statement, variable)) {
          break;
        }
      }
      return "`" + name() + "` may hold another value where the code that opens it starts";
    }

    /**
     * Why the statement that holds the opening cannot be the start of the region: it gives the
     * variable a value that is not a new resource, hands the resource on, or passes it to a call
     * (which may release it another way). A close in it (a
     * {@code catch} that closes what it opened) stays where closing the resource again does nothing
     * ({@link #IDEMPOTENT_CLOSE}); other types may not be closed there.
     */
    private @Nullable String checkHolding(TreePath holding) {
      String[] why = {null};
      boolean idempotentClose = closeIsIdempotent(variable.type, state);
      Mentions.forEachNamed(
          holding,
          (symbol, use) -> {
            if (why[0] != null || (symbol != variable && !views.contains(symbol))) {
              return;
            }
            if (symbol == variable
                && use.getParentPath().getLeaf() instanceof AssignmentTree assignment
                && assignment.getVariable() == use.getLeaf()) {
              ExpressionTree value = assignment.getExpression();
              if (value.getKind() != Tree.Kind.NULL_LITERAL
                  && !(acquiring.getLeaf() instanceof ExpressionStatementTree own
                      && own.getExpression() == assignment)
                  && !ownership.acquires(value, state.withPath(use.getParentPath()))) {
                why[0] = givenValueNotOpenedHere(name(), state.getSourceForNode(value));
              }
              return;
            }
            if (symbol == variable
                && idempotentClose
                && use.getParentPath().getLeaf() instanceof MemberSelectTree select
                && select.getIdentifier().contentEquals("close")) {
              return;
            }
            TreePath child = Enclosing.withParenthesesAndCasts(use);
            TreePath parent = child.getParentPath();
            if (symbol == variable
                && (parent.getLeaf() instanceof MethodInvocationTree call
                        && call.getArguments().contains(child.getLeaf())
                    || parent.getLeaf() instanceof NewClassTree construction
                        && construction.getArguments().contains(child.getLeaf()))) {
              // The code that opens it may also release it its own way on some path (Spring's
              // `DataSourceUtils.releaseConnection(con, ds)` for a connection bound to a
              // transaction), which a close in the `finally` would contradict.
              why[0] =
                  "`"
                      + name()
                      + "` is passed to `"
                      + TryWithResourcesFix.shortCall(parent.getLeaf(), state)
                      + "` in the statement that opens it, which may release it its own way";
              return;
            }
            why[0] = useOf(use, symbol);
          });
      return why[0];
    }

    /** Finds the statement that puts the resource in a local variable; null, or why not. */
    private @Nullable String locate() {
      StoringStatement stored = StoringStatement.of(owner);
      if (stored == null) {
        return "it is not put in a local variable by a statement of its own";
      }
      variable = stored.variable();
      acquiring = stored.statement();
      blockPath = acquiring.getParentPath();
      if (!(blockPath.getLeaf() instanceof BlockTree block)) {
        return "it is opened outside a block";
      }
      statements = block.getStatements();
      index = statements.indexOf(acquiring.getLeaf());
      Type autoCloseable = state.getTypeFromString("java.lang.AutoCloseable");
      if (index < 0
          || variable.type == null
          || autoCloseable == null
          || !ASTHelpers.isSubtype(variable.type, autoCloseable, state)) {
        return "`" + name() + "` is not declared AutoCloseable";
      }
      for (TreePath p = blockPath; p != null; p = p.getParentPath()) {
        if (p.getLeaf() instanceof MethodTree method) {
          body = method.getBody();
          bodyPath = new TreePath(p, body);
          break;
        }
        if (p.getLeaf() instanceof LambdaExpressionTree lambda) {
          body = lambda.getBody();
          bodyPath = new TreePath(p, body);
          break;
        }
        if (p.getLeaf() instanceof ClassTree) {
          break;
        }
      }
      return body == null ? "it is opened outside a method" : null;
    }

    /**
     * Why closing the resource at the end of {@code region} would change what the code does: the
     * variable is assigned, closed or handed on inside it, or the resource, or a value obtained
     * from it, is used after {@code closedAt} (or, in a loop, before the acquisition).
     *
     * @param givenNewValueAt where every path from the close on has given the variable another
     *     value; before that, reading it would read the closed resource
     */
    private @Nullable String checkRegion(
        List<? extends StatementTree> region, int closedAt, int givenNewValueAt) {
      for (StatementTree statement : region) {
        String why = checkUses(new TreePath(blockPath, statement));
        if (why != null) {
          return why;
        }
      }
      int acquiredAt = ASTHelpers.getStartPosition(acquiring.getLeaf());
      Tree loop = enclosingLoop();
      // Any code of the loop before the acquisition runs again on the next iteration.
      int loopStart = loop == null ? Integer.MAX_VALUE : ASTHelpers.getStartPosition(loop);
      String[] why = {null};
      Mentions.forEachNamed(
          bodyPath,
          (symbol, use) -> {
            int at = ASTHelpers.getStartPosition(use.getLeaf());
            boolean afterClose = at >= closedAt;
            boolean nextIteration = at >= loopStart && at < acquiredAt;
            boolean dead =
                views.contains(symbol)
                    || (symbol == variable && (nextIteration || at < givenNewValueAt));
            if (why[0] == null && dead && (afterClose || nextIteration) && !isAssignedTo(use)) {
              why[0] =
                  symbol == variable
                      ? "`" + name() + "` is read after the point where it would be closed"
                      : "`"
                          + symbol.getSimpleName()
                          + "`, obtained from it, is used after the point where it would be closed";
            }
          });
      return why[0];
    }

    /** Checks the uses of the resource and of its views in one statement of the region. */
    private @Nullable String checkUses(TreePath statement) {
      String[] why = {null};
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree tree, Void unused) {
          if (ASTHelpers.getSymbol(tree.getVariable()) == variable) {
            note("`" + name() + "` is assigned again before it would be closed");
          }
          return super.visitAssignment(tree, null);
        }

        @Override
        public Void visitCompoundAssignment(CompoundAssignmentTree tree, Void unused) {
          if (ASTHelpers.getSymbol(tree.getVariable()) == variable) {
            note("`" + name() + "` is assigned again before it would be closed");
          }
          return super.visitCompoundAssignment(tree, null);
        }

        @Override
        public Void visitUnary(UnaryTree tree, Void unused) {
          if (ASTHelpers.getSymbol(tree.getExpression()) == variable) {
            note("`" + name() + "` is assigned again before it would be closed");
          }
          return super.visitUnary(tree, null);
        }

        private void note(String reason) {
          if (why[0] == null) {
            why[0] = reason;
          }
        }
      }.scan(statement.getLeaf(), null);
      if (why[0] != null) {
        return why[0];
      }
      Mentions.forEachNamed(
          statement,
          (symbol, use) -> {
            if (why[0] == null && (symbol == variable || views.contains(symbol))) {
              why[0] = useOf(use, symbol);
            }
          });
      return why[0];
    }

    /**
     * Why this use of the resource (or a view of it) hands it beyond the close, or null for a
     * use that ends before it: a call on it, a null or type test, an argument of a call that does not
     * take it over, the value of a new view.
     */
    private @Nullable String useOf(TreePath use, Symbol symbol) {
      for (TreePath p = use; p != null && p.getLeaf() != body; p = p.getParentPath()) {
        if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
          return "it is captured by a lambda or class that may outlive the close";
        }
      }
      TreePath child = Enclosing.withParenthesesAndCasts(use);
      TreePath parent = child.getParentPath();
      Tree leaf = parent.getLeaf();
      if (leaf instanceof MemberSelectTree select && select.getExpression() == child.getLeaf()) {
        if (!(parent.getParentPath().getLeaf() instanceof MethodInvocationTree)) {
          return null; // a field read, `array.length`
        }
        if (select.getIdentifier().contentEquals("close")) {
          return "it is closed on some paths before that point";
        }
        return resultOf(parent.getParentPath());
      }
      if ((leaf instanceof BinaryTree binary
              && (binary.getKind() == Tree.Kind.EQUAL_TO
                  || binary.getKind() == Tree.Kind.NOT_EQUAL_TO))
          || (leaf instanceof InstanceOfTree test && test.getPattern() == null)) {
        return null; // a test: nothing keeps the value (a pattern would give it another name)
      }
      if (leaf instanceof MethodInvocationTree || leaf instanceof NewClassTree) {
        List<? extends ExpressionTree> arguments =
            leaf instanceof MethodInvocationTree call
                ? call.getArguments()
                : ((NewClassTree) leaf).getArguments();
        int argument = arguments.indexOf(child.getLeaf());
        if (argument >= 0
            && ownership.takesOwnership((ExpressionTree) leaf, argument, state.withPath(parent))) {
          return "it is handed to `"
              + TryWithResourcesFix.shortCall(leaf, state)
              + "` on some paths";
        }
        return argument >= 0 ? resultOf(parent) : null;
      }
      if (leaf instanceof VariableTree declaration
          && declaration.getInitializer() == child.getLeaf()) {
        return "it is given another name, `" + declaration.getName() + "`";
      }
      return "`" + symbol.getSimpleName() + "` is used where the fix cannot follow the value";
    }

    /**
     * Why the value of {@code call}, made on or with the resource, outlives the close; null when it
     * is plain data, thrown away, called on, or kept in a local (which then becomes a view).
     */
    private @Nullable String resultOf(TreePath call) {
      Type type = ASTHelpers.getType(call.getLeaf());
      if (type == null
          || type.getKind() == javax.lang.model.type.TypeKind.VOID
          || TryWithResourcesFix.isPlainData(type, state)) {
        return null;
      }
      TreePath child = Enclosing.withParenthesesAndCasts(call);
      TreePath parent = child.getParentPath();
      Tree leaf = parent.getLeaf();
      if (leaf instanceof ExpressionStatementTree) {
        return null;
      }
      if (leaf instanceof MemberSelectTree select && select.getExpression() == child.getLeaf()) {
        return parent.getParentPath().getLeaf() instanceof MethodInvocationTree
            ? resultOf(parent.getParentPath())
            : null;
      }
      Symbol target =
          leaf instanceof VariableTree declaration
                  && declaration.getInitializer() == child.getLeaf()
              ? ASTHelpers.getSymbol(declaration)
              : leaf instanceof AssignmentTree assignment
                      && assignment.getExpression() == child.getLeaf()
                      && assignment.getVariable() instanceof IdentifierTree
                  ? ASTHelpers.getSymbol(assignment.getVariable())
                  : null;
      if (target != null && target.getKind() == ElementKind.LOCAL_VARIABLE) {
        views.add(target);
        return null;
      }
      return "a value obtained from it, `"
          + TryWithResourcesFix.shortCall(call.getLeaf(), state)
          + "`, is handed on";
    }

    /**
     * Why a failure of the overwriting assignment would show the closed old value: a {@code catch}
     * or {@code finally} around the block reads the variable. Null when none does.
     */
    private @Nullable String readWhereTheOverwriteFails() {
      TreePath child = blockPath;
      for (TreePath p = blockPath.getParentPath();
          p != null && child.getLeaf() != body;
          child = p, p = p.getParentPath()) {
        if (p.getLeaf() instanceof TryTree attempt && attempt.getBlock() == child.getLeaf()) {
          List<Tree> handlers = new ArrayList<>();
          attempt.getCatches().forEach(c -> handlers.add(c.getBlock()));
          if (attempt.getFinallyBlock() != null) {
            handlers.add(attempt.getFinallyBlock());
          }
          for (Tree handler : handlers) {
            boolean[] read = {false};
            Mentions.forEachNamed(
                new TreePath(p, handler),
                (symbol, use) -> read[0] |= symbol == variable && !isAssignedTo(use));
            if (read[0]) {
              return "a `catch` or `finally` that a failure of the overwrite reaches reads `"
                  + name()
                  + "`, which would then be closed";
            }
          }
        }
      }
      return null;
    }

    /**
     * The start of the first statement after {@code last} in the block that gives the variable a
     * new value ({@code prep = conn.prepareStatement(b);}), which every path from {@code last} on
     * runs before it leaves the block normally; the largest position when there is none.
     */
    private int reassignedAfter(Tree last) {
      for (int i = statements.indexOf(last) + 1; i > 0 && i < statements.size(); i++) {
        if (statements.get(i) instanceof ExpressionStatementTree statement
            && statement.getExpression() instanceof AssignmentTree assignment
            && assignment.getVariable() instanceof IdentifierTree
            && ASTHelpers.getSymbol(assignment.getVariable()) == variable) {
          return ASTHelpers.getStartPosition(statement);
        }
      }
      return Integer.MAX_VALUE;
    }

    /** {@code r.close();}, null-checked when {@code before} leaves it possibly null. */
    private String closeText(List<? extends StatementTree> before) {
      String close = name() + ".close();";
      return mayBeNull(before) ? "if (" + name() + " != null) {\n  " + close + "\n}" : close;
    }

    /**
     * Whether the variable may hold null where the close runs, so that the close must test it:
     * the resource is not a {@code new} object, and the code before the close tests it for null
     * or never calls a method on it (code that does so without a test fails on null already;
     * passing null on, {@code println(in)}, does not).
     */
    private boolean mayBeNull(List<? extends StatementTree> before) {
      ExpressionTree value = (ExpressionTree) owner.getLeaf();
      while (value instanceof ParenthesizedTree || value instanceof TypeCastTree) {
        value =
            value instanceof ParenthesizedTree parenthesized
                ? parenthesized.getExpression()
                : ((TypeCastTree) value).getExpression();
      }
      if (value instanceof NewClassTree) {
        return false;
      }
      boolean[] calledOrTested = {false, false};
      for (StatementTree statement : before) {
        Mentions.forEachNamed(
            new TreePath(blockPath, statement),
            (symbol, use) -> {
              if (symbol == variable) {
                calledOrTested[0] |=
                    use.getParentPath().getLeaf() instanceof MemberSelectTree select
                        && select.getExpression() == use.getLeaf();
                calledOrTested[1] |=
                    use.getParentPath().getLeaf() instanceof BinaryTree binary
                        && (binary.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL
                            || binary.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL);
              }
            });
      }
      return !calledOrTested[0] || calledOrTested[1];
    }

    /** The outermost loop between the acquisition and the variable's body, or null. */
    private @Nullable Tree enclosingLoop() {
      Tree loop = null;
      for (TreePath p = acquiring.getParentPath();
          p != null && p.getLeaf() != body;
          p = p.getParentPath()) {
        switch (p.getLeaf().getKind()) {
          case FOR_LOOP, ENHANCED_FOR_LOOP, WHILE_LOOP, DO_WHILE_LOOP -> loop = p.getLeaf();
          default -> {}
        }
      }
      return loop;
    }

    private @Nullable String closeUnhandled(TreePath at) {
      return TryWithResourcesFix.whyCloseUnhandled(variable.type, at, state);
    }

    /** Whether the variable is assigned anywhere in its method or lambda. */
    private boolean assignedInBody() {
      boolean[] found = {false};
      Mentions.forEachNamed(
          bodyPath,
          (symbol, use) -> found[0] |= symbol == variable && isAssignedTo(use));
      return found[0];
    }

    /** Whether the statement calls {@code close()} on the variable anywhere. */
    private boolean closes(StatementTree statement) {
      boolean[] found = {false};
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
          found[0] |= isCloseOfVariable(call);
          return super.visitMethodInvocation(call, null);
        }
      }.scan(statement, null);
      return found[0];
    }

    private boolean isCloseOfVariable(ExpressionTree expression) {
      return expression instanceof MethodInvocationTree call
          && call.getArguments().isEmpty()
          && call.getMethodSelect() instanceof MemberSelectTree select
          && select.getIdentifier().contentEquals("close")
          && select.getExpression() instanceof IdentifierTree receiver
          && ASTHelpers.getSymbol(receiver) == variable;
    }

    private ScopedRegion.Resource closeOfVariable() {
      return new ScopedRegion.Resource() {
        @Override
        public boolean isRelease(ExpressionTree expression, VisitorState unused) {
          return isCloseOfVariable(expression);
        }

        @Override
        public boolean isAcquire(ExpressionTree expression, VisitorState unused) {
          return false; // an assignment, which checkUses refuses
        }
      };
    }

    private String name() {
      return variable.getSimpleName().toString();
    }
  }

  /**
   * Why a fix that closes whatever the variable holds would be wrong: on some path it holds a value
   * this code did not open.
   */
  static String givenValueNotOpenedHere(String variable, String value) {
    return "`"
        + variable
        + "` is also given `"
        + value
        + "`, which is not opened here, and the close would close that too";
  }

  /** Whether the name at {@code use} is the target of a plain assignment ({@code r = null}). */
  private static boolean isAssignedTo(TreePath use) {
    return use.getParentPath().getLeaf() instanceof AssignmentTree assignment
        && assignment.getVariable() == use.getLeaf();
  }
}
