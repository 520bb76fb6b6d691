package dev.leakguard.fix;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import dev.leakguard.fix.TryFinallyFix.Clause;
import dev.leakguard.fix.TryWithResourcesFix.Ownership;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * Closes a resource opened in the middle of a statement when the rest of that statement throws:
 * the resource is an argument of a wrapper whose constructor fails, or of a call whose later
 * argument fails, and the statement hands the result on (returns it or stores it). It moves the
 * opening into a variable of its own, just before the statement, and wraps the statement:
 *
 * <pre>{@code
 * return new ObjectInputStream(          FileInputStream fileInputStream = new FileInputStream(f);
 *     new FileInputStream(f));     ->    try {
 *                                          return new ObjectInputStream(fileInputStream);
 *                                        } catch (Throwable e) {
 *                                          try {
 *                                            fileInputStream.close();
 *                                          } catch (Throwable suppressed) {
 *                                            e.addSuppressed(suppressed);
 *                                          }
 *                                          throw e;
 *                                        }
 * }</pre>
 *
 * <p>Try-with-resources would close it when the statement succeeds too, for the owner the
 * statement hands it to. The {@code catch} rethrows precisely, as in {@link CloseOnFailureFix}.
 *
 * <p>Moving the opening ahead of the statement must not change what the statement does, so the
 * opening must be the first thing the statement evaluates that could have an effect: everything
 * evaluated before it (a receiver, earlier arguments, the variable assigned) is a name, a field, a
 * literal or {@code this}. A {@code return}, an expression statement (an assignment or a call) or
 * a local variable's declaration of a block or {@code case} is rewritten; a declared variable the
 * code after it uses is declared before the {@code try} and assigned in it (log4j's {@code
 * ResolverUtil}: {@code final JarInputStream stream = new JarInputStream(url.openStream());},
 * which a {@code finally} later hands to a closing helper). A {@code this(…)}/{@code super(…)}
 * call cannot follow another statement. The statement must open nothing else (the fix would leave
 * that one as it was), and the opening's type must be one a declaration can name.
 */
public final class HoistOnFailureFix {

  /** What the fix does, worded to follow "Did you mean to". */
  public static final String WHAT_IT_DOES =
      "open it in a variable of its own and close it if the rest of the statement throws";

  private HoistOnFailureFix() {}

  /**
   * The rewrite for the resource opened by the expression at {@code resource}, which leaks when
   * {@code witness} throws, or why there is none. Never throws.
   */
  public static Rewrite propose(
      TreePath resource, Tree witness, Ownership ownership, VisitorState state) {
    try {
      return plan(resource, witness, ownership, state);
    } catch (RuntimeException e) {
      return Rewrite.none("the code around it has a shape the fix does not handle");
    }
  }

  private static Rewrite plan(
      TreePath resource, Tree witness, Ownership ownership, VisitorState state) {
    if (!(resource.getLeaf() instanceof ExpressionTree opening)) {
      return Rewrite.none("it is not opened by an expression");
    }
    TreePath statementPath = firstEvaluatedIn(resource, true);
    if (statementPath == null) {
      return Rewrite.none(
          "the statement evaluates something else before opening it, which the fix would reorder");
    }
    List<ExpressionTree> twins = twinsInOtherArms(resource, statementPath.getLeaf(), state);
    if (twins == null) {
      return Rewrite.none("it is opened conditionally");
    }
    StatementTree statement = (StatementTree) statementPath.getLeaf();
    Tree container = statementPath.getParentPath().getLeaf();
    if (!(container instanceof BlockTree || container instanceof CaseTree)
        || isConstructorCall(statement)) {
      return Rewrite.none("the statement that opens it is not one a declaration can precede");
    }
    if (!inside(witness, statement, state)) {
      return Rewrite.none("the call that leaks it is not in the statement that opens it");
    }
    if (inside(witness, opening, state)) {
      // The opening failed: what leaks is an instance opened before (a loop's previous pass).
      return Rewrite.none(
          "it leaks when the next one fails to open, which the fix would not close");
    }
    if (opensAnotherResource(statement, resource, twins, ownership, state)) {
      return Rewrite.none("the statement opens another resource as well");
    }
    String notMovable = whyNotMovable(opening, "opens", state);
    if (notMovable != null) {
      return Rewrite.none(notMovable);
    }
    ScopedRegion.Outcome scoped = ScopedRegion.between(statementPath, statement, state);
    if (scoped.region() == null) {
      return Rewrite.none(scoped.whyNot());
    }
    return new Rewrite(
        declareAndCloseOnFailure(scoped.region(), statementPath, opening, twins, false, state),
        null,
        WHAT_IT_DOES);
  }

  /**
   * The fix that declares the value {@code opening} makes in a variable of its own just before
   * {@code region}, and closes it when the region throws ({@link CloseOnFailureFix#closeAndRethrow},
   * the new names apart from every name of the member at {@code at}). The variable is given the
   * opening itself, which the region then names instead ({@code T t = open(); try { use(t); }}),
   * or, {@code inPlace}, null, the opening assigning it where it stands ({@code T t = null; try {
   * … return t = open(); … }}) and the close null-checked. {@link #whyNotMovable} must have
   * accepted the opening.
   */
  static SuggestedFix declareAndCloseOnFailure(
      ScopedRegion region,
      TreePath at,
      ExpressionTree opening,
      boolean inPlace,
      VisitorState state) {
    return declareAndCloseOnFailure(region, at, opening, List.of(), inPlace, state);
  }

  /**
   * The same, with {@code twins} (the same opening in the other arms of a conditional, {@link
   * #twinsInOtherArms}) naming the variable too.
   */
  private static SuggestedFix declareAndCloseOnFailure(
      ScopedRegion region,
      TreePath at,
      ExpressionTree opening,
      List<ExpressionTree> twins,
      boolean inPlace,
      VisitorState state) {
    CharSequence source = state.getSourceCode();
    int from = ASTHelpers.getStartPosition(opening);
    int to = state.getEndPosition(opening);
    String openingText = source.subSequence(from, to).toString();
    Set<String> taken = TryWithResourcesFix.namesIn(CloseOnFailureFix.outermostMember(at));
    String name = TryWithResourcesFix.unusedName(TryWithResourcesFix.baseName(opening), taken);
    taken.add(name);
    Clause closeAndRethrow = CloseOnFailureFix.closeAndRethrow(name, inPlace, taken);
    SuggestedFix.Builder fix = SuggestedFix.builder();
    String declaration =
        SuggestedFixes.prettyType(state, fix, ASTHelpers.getType(opening))
            + " "
            + name
            + " = "
            + (inPlace ? "null" : openingText)
            + ";";
    fix.merge(TryFinallyFix.guardAll(region, declaration, ImmutableList.of(closeAndRethrow), state));
    fix.replace(from, to, inPlace ? name + " = " + openingText : name);
    for (ExpressionTree twin : twins) {
      fix.replace(twin, name);
    }
    return fix.build();
  }

  /**
   * Why the resource {@code opening} makes cannot be moved into a variable of its own, declared
   * with its type, in a statement whose lines a fix re-indents; null when it can. The expression
   * must fit on one line (a line edited twice breaks the fix), and its type be a closeable class
   * type a declaration can name.
   *
   * @param verb how the reason names what the expression does ("opens", "makes")
   */
  static @Nullable String whyNotMovable(ExpressionTree opening, String verb, VisitorState state) {
    CharSequence source = state.getSourceCode();
    int from = ASTHelpers.getStartPosition(opening);
    int to = state.getEndPosition(opening);
    if (from < 0 || to <= from || source.subSequence(from, to).toString().contains("\n")) {
      return "the expression that " + verb + " it spans several lines";
    }
    return declarable(opening, state)
        ? null
        : "its type is not one a local variable can be declared with";
  }

  /** Whether a local variable can be declared with the type of {@code opening}, a closeable. */
  static boolean declarable(ExpressionTree opening, VisitorState state) {
    Type type = ASTHelpers.getType(opening);
    Type autoCloseable = state.getTypeFromString("java.lang.AutoCloseable");
    return type != null
        && type.getTag() == TypeTag.CLASS
        && type.getTypeArguments().isEmpty()
        && type.tsym != null
        && !type.tsym.isAnonymous()
        && autoCloseable != null
        && ASTHelpers.isSubtype(type, autoCloseable, state);
  }

  /**
   * For each conditional on the way from the opening at {@code resource} up to {@code statement}
   * that holds it in an arm, the same opening (the same text, evaluated first in its arm) in each
   * other arm: {@code return c ? new XmlStreamReader(open(), a) : new XmlStreamReader(open(), a,
   * b)} opens the same way whichever arm runs (commons-io's {@code XmlStreamReader.Builder.get}),
   * so one variable opened before the statement serves both. Null when an arm has no such twin.
   */
  private static @Nullable List<ExpressionTree> twinsInOtherArms(
      TreePath resource, Tree statement, VisitorState state) {
    String text = state.getSourceForNode(resource.getLeaf());
    if (text == null) {
      return null;
    }
    List<ExpressionTree> twins = new ArrayList<>();
    TreePath child = resource;
    for (TreePath parent = resource.getParentPath();
        parent != null && child.getLeaf() != statement;
        child = parent, parent = parent.getParentPath()) {
      if (parent.getLeaf() instanceof ConditionalExpressionTree conditional
          && conditional.getCondition() != child.getLeaf()) {
        ExpressionTree other =
            conditional.getTrueExpression() == child.getLeaf()
                ? conditional.getFalseExpression()
                : conditional.getTrueExpression();
        ExpressionTree twin = twinIn(new TreePath(parent, other), text, state);
        if (twin == null) {
          return null;
        }
        twins.add(twin);
      }
    }
    return twins;
  }

  /** The expression of {@code arm} with source {@code text} that the arm evaluates first. */
  private static @Nullable ExpressionTree twinIn(TreePath arm, String text, VisitorState state) {
    if (arm.getLeaf() instanceof ExpressionTree whole && text.equals(state.getSourceForNode(whole))) {
      return whole;
    }
    List<ExpressionTree> found = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        if (tree instanceof ExpressionTree expression
            && (tree instanceof NewClassTree || tree instanceof MethodInvocationTree)
            && text.equals(state.getSourceForNode(tree))) {
          TreePath path = new TreePath(getCurrentPath(), tree);
          if (climbFirst(path, arm.getLeaf(), false) != null) {
            found.add(expression);
          }
          return null;
        }
        return super.scan(tree, null);
      }
    }.scan(arm, null);
    return found.size() == 1 ? found.get(0) : null;
  }

  /**
   * Whether evaluating {@code condition} has no effect the reordering could show: an inert value,
   * its negation, or a comparison or {@code instanceof} of inert values.
   */
  private static boolean isInertCondition(ExpressionTree condition) {
    ExpressionTree bare = ASTHelpers.stripParentheses(condition);
    if (bare instanceof UnaryTree unary && unary.getKind() == Tree.Kind.LOGICAL_COMPLEMENT) {
      return isInertCondition(unary.getExpression());
    }
    if (bare instanceof InstanceOfTree test) {
      return isInert(test.getExpression());
    }
    if (bare instanceof BinaryTree binary) {
      return switch (binary.getKind()) {
        case EQUAL_TO, NOT_EQUAL_TO, LESS_THAN, LESS_THAN_EQUAL, GREATER_THAN, GREATER_THAN_EQUAL,
                CONDITIONAL_AND, CONDITIONAL_OR ->
            isInertCondition(binary.getLeftOperand()) && isInertCondition(binary.getRightOperand());
        default -> false;
      };
    }
    return isInert(bare);
  }

  /**
   * The statement that evaluates the expression at {@code path} before anything else that could
   * have an effect, or null: each expression on the way up holds it where it is evaluated first,
   * after only names, fields, literals and {@code this}; with {@code throughArms}, an arm of a
   * conditional whose condition is inert counts too (its twins are checked apart).
   */
  private static @Nullable TreePath firstEvaluatedIn(TreePath path, boolean throughArms) {
    return climbFirst(path, null, throughArms);
  }

  /**
   * Climbs from {@code path} while the expression is evaluated first, to the enclosing statement,
   * or to {@code stop} when it is not null; null when something else is evaluated before.
   */
  private static @Nullable TreePath climbFirst(
      TreePath path, @Nullable Tree stop, boolean throughArms) {
    if (path.getLeaf() == stop) {
      return path;
    }
    TreePath child = path;
    for (TreePath parent = path.getParentPath(); parent != null; parent = parent.getParentPath()) {
      Tree leaf = parent.getLeaf();
      Tree held = child.getLeaf();
      boolean first;
      if (throughArms
          && leaf instanceof ConditionalExpressionTree conditional
          && conditional.getCondition() != held) {
        first = isInertCondition(conditional.getCondition());
      } else if (leaf instanceof ParenthesizedTree
          || leaf instanceof ReturnTree
          || leaf instanceof ExpressionStatementTree) {
        first = true;
      } else if (leaf instanceof TypeCastTree cast) {
        first = cast.getExpression() == held;
      } else if (leaf instanceof NewClassTree creation) {
        first =
            (creation.getEnclosingExpression() == null
                    || isInert(creation.getEnclosingExpression()))
                && onlyInertBefore(creation.getArguments(), held);
      } else if (leaf instanceof MethodInvocationTree call) {
        first = receiverIsInert(call) && onlyInertBefore(call.getArguments(), held);
      } else if (leaf instanceof AssignmentTree assignment) {
        first = assignment.getExpression() == held && isInert(assignment.getVariable());
      } else if (leaf instanceof VariableTree variable) {
        // A local's declaration: split by the region when the code after it uses the local.
        first = variable.getInitializer() == held;
      } else {
        first = false;
      }
      if (!first) {
        return null;
      }
      if (leaf == stop || (stop == null && leaf instanceof StatementTree)) {
        return parent;
      }
      child = parent;
    }
    return null;
  }

  /** Whether {@code held} is one of {@code arguments}, after only inert ones. */
  private static boolean onlyInertBefore(List<? extends ExpressionTree> arguments, Tree held) {
    for (ExpressionTree argument : arguments) {
      if (argument == held) {
        return true;
      }
      if (!isInert(argument)) {
        return false;
      }
    }
    return false;
  }

  private static boolean receiverIsInert(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    return !(select instanceof MemberSelectTree member) || isInert(member.getExpression());
  }

  /**
   * Whether evaluating {@code expression} has no effect the reordering could show: a literal,
   * {@code this}, a local or a field (of a name or {@code this}), a type name.
   */
  static boolean isInert(ExpressionTree expression) {
    ExpressionTree bare = ASTHelpers.stripParentheses(expression);
    if (bare instanceof LiteralTree || bare instanceof IdentifierTree) {
      return true;
    }
    if (bare instanceof MemberSelectTree select) {
      Symbol symbol = ASTHelpers.getSymbol(select);
      return symbol != null
          && (symbol.getKind() == ElementKind.FIELD
              || symbol.getKind().isClass()
              || symbol.getKind().isInterface()
              || symbol.getKind() == ElementKind.PACKAGE)
          && isInert(select.getExpression());
    }
    return false;
  }

  private static boolean isConstructorCall(StatementTree statement) {
    if (statement instanceof ExpressionStatementTree expression
        && expression.getExpression() instanceof MethodInvocationTree call) {
      Symbol symbol = ASTHelpers.getSymbol(call);
      return symbol != null && symbol.isConstructor();
    }
    return false;
  }

  private static boolean inside(Tree tree, Tree container, VisitorState state) {
    int start = ASTHelpers.getStartPosition(tree);
    return start >= ASTHelpers.getStartPosition(container)
        && start < state.getEndPosition(container);
  }

  /**
   * Whether the statement opens a resource other than {@code resource} and the wrappers built
   * around it (the expressions on the way up, which take it over).
   */
  private static boolean opensAnotherResource(
      StatementTree statement,
      TreePath resource,
      List<ExpressionTree> twins,
      Ownership ownership,
      VisitorState state) {
    Set<Tree> onTheWay = new HashSet<>(twins);
    for (TreePath p = resource; p != null && p.getLeaf() != statement; p = p.getParentPath()) {
      onTheWay.add(p.getLeaf());
    }
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        if (found[0] || tree == null || tree == resource.getLeaf() || twins.contains(tree)) {
          return null;
        }
        if (!onTheWay.contains(tree)
            && (tree instanceof NewClassTree || tree instanceof MethodInvocationTree)
            && ownership.acquires((ExpressionTree) tree, state)) {
          found[0] = true;
          return null;
        }
        return super.scan(tree, null);
      }
    }.scan(statement, null);
    return found[0];
  }
}
