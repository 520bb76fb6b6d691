package dev.leakguard.fix;

import static dev.leakguard.fix.SourceText.isBlank;
import static dev.leakguard.fix.SourceText.leadingWhitespace;
import static dev.leakguard.fix.SourceText.lineEnd;
import static dev.leakguard.fix.SourceText.lineStart;
import static dev.leakguard.fix.SourceText.lineStartsToIndent;
import static dev.leakguard.fix.SourceText.restOfLineIsBlank;
import static dev.leakguard.fix.SourceText.restOfLineIsBlankNoComment;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
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
import com.sun.tools.javac.code.Type.UnionClassType;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.flow.Leak;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * The fix for a resource whose release sits in the {@code finally} of a {@code try} that starts
 * too late: code between the acquisition and that {@code try} can throw with the resource held.
 * The {@code try} moves up to just after the acquisition, so that code runs inside it:
 *
 * <pre>{@code
 * lock.lock();                       lock.lock();
 * prepare();                         try {
 * try {                        ->      prepare();
 *   work();                            work();
 * } finally {                        } finally {
 *   lock.unlock();                     lock.unlock();
 * }                                  }
 * }</pre>
 *
 * <p>The edit moves the {@code try {} line, not the statements: they are indented one level and
 * keep their text and comments. It keeps the code's meaning on every path but the leaking ones
 * (which now run the {@code finally}, as the release needs), so there is no fix when the moved
 * code releases or acquires the resource itself, declares a variable that the {@code catch}es, the
 * {@code finally} or the code after the {@code try} uses (it would go out of scope), sets a local
 * that they read (it might not be set when they run), or throws what a {@code catch} of the {@code
 * try} would catch (a handler would run where the exception used to leave); nor when the {@code
 * try} declares resources, which would then open before the moved code runs.
 */
public final class LateTryFix {

  /** What the fix does, worded to follow "Did you mean to". */
  public static final String WHAT_IT_DOES =
      "start the try whose finally releases it right after the acquisition";

  private static final String UNHANDLED_SHAPE =
      "the code around it has a shape the fix does not handle";

  private LateTryFix() {}

  /**
   * Whether a leak of this shape can be the late start of a {@code try}: an exception that leaves
   * the method, or a {@code return} (a {@code return;} leaves no witness: {@link
   * Leak.Path#END_OF_METHOD}). A caught exception goes on to the {@code try} anyway.
   */
  public static boolean mayStartLate(Leak.Path path) {
    return switch (path) {
      case CALL_THROWS, IMPLICIT_THROW, THROW_STATEMENT, RETURN, END_OF_METHOD -> true;
      default -> false;
    };
  }

  /**
   * The rewrite for a resource held from the end of the statement at {@code held} (a statement of
   * a block), when a later statement of that block is a {@code try} whose {@code finally}
   * releases it and the leaking path starts in the code between; or why that rewrite would be
   * wrong. Null when the code has no such {@code try}, or the leak lies elsewhere: the caller's
   * own reason stands.
   *
   * @param witness the call, statement or {@code return} the leaking path names; null when unknown
   */
  public static @Nullable Rewrite propose(
      TreePath held, @Nullable Tree witness, ScopedRegion.Resource resource, VisitorState state) {
    try {
      return plan(held, witness, resource, state);
    } catch (RuntimeException e) {
      return Rewrite.none(UNHANDLED_SHAPE);
    }
  }

  /**
   * {@link #propose} for a value that the expression at {@code site} makes and a local variable
   * keeps: declared with it or assigned it, directly or (in an enclosing {@code if} or block) in a
   * wrapper built around it. The {@code try} is looked for after each statement that encloses the
   * site, innermost first; its {@code finally} must release one of those variables.
   *
   * @param releasedOperand what a call releases ({@code in} for {@code in.close()}), or null
   */
  public static @Nullable Rewrite proposeForValue(
      TreePath site,
      @Nullable Tree witness,
      ReleasedOperand releasedOperand,
      VisitorState state) {
    try {
      Set<Symbol> carriers = new HashSet<>();
      Symbol variable = keptIn(site);
      if (variable == null) {
        return null;
      }
      carriers.add(variable);
      ScopedRegion.Resource resource =
          new ScopedRegion.Resource() {
            @Override
            public boolean isRelease(ExpressionTree expression, VisitorState s) {
              if (!(expression instanceof MethodInvocationTree call)) {
                return false;
              }
              ExpressionTree released = releasedOperand.of(call, s);
              return released != null
                  && carriers.contains(
                      ASTHelpers.getSymbol(ASTHelpers.stripParentheses(released)));
            }

            @Override
            public boolean isAcquire(ExpressionTree expression, VisitorState s) {
              return false;
            }
          };
      for (TreePath path = site; path.getParentPath() != null; path = path.getParentPath()) {
        Tree leaf = path.getLeaf();
        if (leaf instanceof ClassTree
            || leaf instanceof MethodTree
            || leaf instanceof LambdaExpressionTree) {
          return null;
        }
        if (!(leaf instanceof StatementTree statement)
            || !(path.getParentPath().getLeaf() instanceof BlockTree)) {
          continue;
        }
        carriers.addAll(wrappersIn(statement, carriers));
        Rewrite rewrite = plan(path, witness, resource, state);
        if (rewrite != null) {
          return rewrite;
        }
      }
      return null;
    } catch (RuntimeException e) {
      return Rewrite.none(UNHANDLED_SHAPE);
    }
  }

  /** What a call releases: the operand whose obligation it discharges. */
  @FunctionalInterface
  public interface ReleasedOperand {
    @Nullable ExpressionTree of(MethodInvocationTree call, VisitorState state);
  }

  /**
   * The local variable that the value at {@code site}, or a wrapper built around it in the same
   * expression, is declared with or assigned to.
   */
  private static @Nullable Symbol keptIn(TreePath site) {
    TreePath parent = site.getParentPath();
    while (parent != null
        && (parent.getLeaf() instanceof ParenthesizedTree
            || parent.getLeaf() instanceof TypeCastTree
            || (parent.getLeaf() instanceof NewClassTree wrapper
                && wrapper.getClassBody() == null
                && wrapper.getArguments().contains(site.getLeaf())))) {
      site = parent;
      parent = parent.getParentPath();
    }
    if (parent == null) {
      return null;
    }
    Symbol symbol =
        parent.getLeaf() instanceof VariableTree declaration
            ? ASTHelpers.getSymbol(declaration)
            : parent.getLeaf() instanceof AssignmentTree assignment
                ? ASTHelpers.getSymbol(assignment.getVariable())
                : null;
    return isLocal(symbol) ? symbol : null;
  }

  private static boolean isLocal(@Nullable Symbol symbol) {
    return symbol != null
        && (symbol.getKind() == ElementKind.LOCAL_VARIABLE
            || symbol.getKind() == ElementKind.PARAMETER
            || symbol.getKind() == ElementKind.RESOURCE_VARIABLE);
  }

  /**
   * The locals that {@code statement} declares with, or assigns, a {@code new} object built around
   * one of {@code carriers} ({@code reader = new BufferedReader(new InputStreamReader(in))}).
   */
  private static Set<Symbol> wrappersIn(StatementTree statement, Set<Symbol> carriers) {
    Set<Symbol> found = new HashSet<>(carriers);
    boolean grew = true;
    while (grew) {
      int before = found.size();
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitVariable(VariableTree declaration, Void unused) {
          add(ASTHelpers.getSymbol(declaration), declaration.getInitializer());
          return super.visitVariable(declaration, null);
        }

        @Override
        public Void visitAssignment(AssignmentTree assignment, Void unused) {
          add(ASTHelpers.getSymbol(assignment.getVariable()), assignment.getExpression());
          return super.visitAssignment(assignment, null);
        }

        private void add(@Nullable Symbol target, @Nullable ExpressionTree value) {
          if (isLocal(target) && wraps(value, found)) {
            found.add(target);
          }
        }
      }.scan(statement, null);
      grew = found.size() > before;
    }
    return found;
  }

  /** Whether {@code value} is a {@code new} whose arguments hold one of {@code carriers}. */
  private static boolean wraps(@Nullable ExpressionTree value, Set<Symbol> carriers) {
    ExpressionTree bare = value == null ? null : ASTHelpers.stripParentheses(value);
    if (!(bare instanceof NewClassTree creation) || creation.getClassBody() != null) {
      return false;
    }
    for (ExpressionTree argument : creation.getArguments()) {
      ExpressionTree inner = ASTHelpers.stripParentheses(argument);
      if (carriers.contains(ASTHelpers.getSymbol(inner)) || wraps(inner, carriers)) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable Rewrite plan(
      TreePath held, @Nullable Tree witness, ScopedRegion.Resource resource, VisitorState state) {
    if (!(held.getParentPath().getLeaf() instanceof BlockTree block)) {
      return null;
    }
    List<? extends StatementTree> statements = block.getStatements();
    int index = statements.indexOf(held.getLeaf());
    if (index < 0) {
      return null;
    }
    int tryIndex = -1;
    for (int i = index + 1; i < statements.size(); i++) {
      if (statements.get(i) instanceof TryTree candidate
          && candidate.getFinallyBlock() != null
          && !ScopedRegion.callsOn(candidate.getFinallyBlock(), resource, true, state).isEmpty()) {
        tryIndex = i;
        break;
      }
    }
    if (tryIndex <= index + 1) {
      return null;
    }
    List<? extends StatementTree> moved = statements.subList(index + 1, tryIndex);
    CharSequence source = state.getSourceCode();
    int movedStart = ASTHelpers.getStartPosition(moved.get(0));
    int movedEnd = state.getEndPosition(moved.get(moved.size() - 1));
    if (witness != null) {
      int at = ASTHelpers.getStartPosition(witness);
      if (at < movedStart || at >= movedEnd) {
        return null; // the leak is not the late start of the try
      }
    } else if (moved.stream().noneMatch(EarlyExits::anyReturnIn)) {
      return null; // no witness: only a `return;` before the try can be the way out
    }
    TryTree late = (TryTree) statements.get(tryIndex);
    for (StatementTree statement : moved) {
      if (!ScopedRegion.callsOn(statement, resource, false, state).isEmpty()) {
        return Rewrite.none("the code before the `try` releases or acquires it again");
      }
    }
    if (!late.getResources().isEmpty()) {
      return Rewrite.none(
          "the `try` declares resources, which would then be opened before the code moved into"
              + " it");
    }
    String why = whyNotCaught(moved, late, state);
    List<VariableTree> hoisted = new ArrayList<>();
    if (why == null) {
      why = whyNotInScope(statements, index + 1, tryIndex, hoisted, state);
    }
    if (why != null) {
      return Rewrite.none(why);
    }
    int tryStart = ASTHelpers.getStartPosition(late);
    int open = ASTHelpers.getStartPosition(late.getBlock());
    int heldEnd = state.getEndPosition(held.getLeaf());
    if (movedStart < 0
        || movedEnd < movedStart
        || heldEnd < 0
        || open < tryStart
        || source.charAt(open) != '{'
        || !source.subSequence(tryStart, open).toString().strip().equals("try")
        || !isBlank(source, lineStart(source, tryStart), tryStart)
        || !restOfLineIsBlankNoComment(source, open + 1)
        || lineStart(source, movedStart) <= heldEnd) {
      return Rewrite.none(UNHANDLED_SHAPE);
    }
    String indent = leadingWhitespace(source, lineStart(source, tryStart));
    List<? extends StatementTree> inside = late.getBlock().getStatements();
    String unit =
        inside.isEmpty()
            ? SourceText.indentUnit(indent + "  ", indent)
            : SourceText.indentUnit(
                SourceText.indentOf(source, ASTHelpers.getStartPosition(inside.get(0))), indent);
    int insertAt = restOfLineIsBlank(source, heldEnd) ? lineEnd(source, heldEnd) : heldEnd;
    int tryLine = lineStart(source, tryStart);
    SuggestedFix.Builder fix = SuggestedFix.builder();
    StringBuilder head = new StringBuilder();
    List<int[]> edited = new ArrayList<>();
    for (VariableTree variable : hoisted) {
      // Declared before the try, assigned in it: the code after the try still sees it.
      head.append('\n').append(indent).append(Hoisting.declaration(variable, fix, state));
      Hoisting.Replacement replacement = Hoisting.inRegion(variable, state);
      fix.replace(replacement.from(), replacement.to(), replacement.text());
      edited.add(new int[] {replacement.from(), replacement.to()});
    }
    fix.replace(insertAt, insertAt, head.append('\n').append(indent).append("try {").toString());
    for (int lineStart : lineStartsToIndent(source, insertAt, tryLine)) {
      if (!SourceText.isStrictlyInside(edited, lineStart) && !startsAny(edited, lineStart)) {
        fix.replace(lineStart, lineStart, unit);
      }
    }
    int tryLineEnd = lineEnd(source, open);
    fix.replace(tryLine, Math.min(tryLineEnd + 1, source.length()), "");
    return new Rewrite(fix.build(), null, WHAT_IT_DOES);
  }

  /**
   * Why a {@code catch} of {@code late} would catch what {@code moved} throws, or null: a catch of
   * an unchecked type could, and one of a checked type related to an exception the moved code
   * declares.
   */
  private static @Nullable String whyNotCaught(
      List<? extends StatementTree> moved, TryTree late, VisitorState state) {
    if (late.getCatches().isEmpty()) {
      return null;
    }
    Type runtime = state.getSymtab().runtimeExceptionType;
    Type error = state.getSymtab().errorType;
    List<Type> thrown = new ArrayList<>();
    for (StatementTree statement : moved) {
      thrown.addAll(ASTHelpers.getThrownExceptions(statement, state));
    }
    for (CatchTree clause : late.getCatches()) {
      Type caught = ASTHelpers.getType(clause.getParameter());
      if (caught == null) {
        return UNHANDLED_SHAPE;
      }
      List<Type> alternatives = new ArrayList<>();
      if (caught instanceof UnionClassType union) {
        union.getAlternativeTypes().forEach(alternatives::add);
      } else {
        alternatives.add(caught);
      }
      for (Type alternative : alternatives) {
        boolean unchecked =
            ASTHelpers.isSubtype(runtime, alternative, state)
                || ASTHelpers.isSubtype(error, alternative, state)
                || ASTHelpers.isSubtype(alternative, runtime, state)
                || ASTHelpers.isSubtype(alternative, error, state);
        boolean related =
            thrown.stream()
                .anyMatch(
                    t ->
                        ASTHelpers.isSubtype(t, alternative, state)
                            || ASTHelpers.isSubtype(alternative, t, state));
        if (unchecked || related) {
          return "the `try`'s `catch ("
              + alternative.tsym.getSimpleName()
              + " …)` would catch what the code before it throws";
        }
      }
    }
    return null;
  }

  /** Whether one of the {@code [from, to)} ranges starts at {@code position}, a deleted line's. */
  private static boolean startsAny(List<int[]> ranges, int position) {
    return ranges.stream().anyMatch(range -> range[0] == position && range[1] > position);
  }

  /**
   * Why moving {@code statements[from, tryIndex)} into the block of the {@code try} at {@code
   * tryIndex} would put a name out of the reach of code that uses it, or read a local where it
   * might not be set; null when it would not. A variable that only the code after the {@code try}
   * uses goes into {@code hoisted}: it is declared before the {@code try} and assigned inside,
   * which keeps it definitely assigned after a {@code try} without {@code catch}es.
   */
  private static @Nullable String whyNotInScope(
      List<? extends StatementTree> statements,
      int from,
      int tryIndex,
      List<VariableTree> hoisted,
      VisitorState state) {
    List<? extends StatementTree> moved = statements.subList(from, tryIndex);
    TryTree late = (TryTree) statements.get(tryIndex);
    List<? extends StatementTree> after = statements.subList(tryIndex + 1, statements.size());
    List<Tree> handlers = new ArrayList<>(late.getCatches());
    handlers.add(late.getFinallyBlock());
    for (int k = from; k < tryIndex; k++) {
      StatementTree statement = statements.get(k);
      for (Symbol declared : Hoisting.topLevelDeclarations(statement)) {
        String name = declared.getSimpleName().toString();
        if (Mentions.mentionsAny(handlers, Set.of(declared))) {
          return "`" + name + "` is declared before the `try` and used in its `catch` or `finally`";
        }
        if (!Mentions.mentionsAny(after, Set.of(declared))) {
          continue;
        }
        if (!(statement instanceof VariableTree variable)
            || ASTHelpers.getSymbol(variable) != declared
            || !late.getCatches().isEmpty()) {
          return "`" + name + "` is declared before the `try` and used after it";
        }
        String whyNot = Hoisting.whyNotHoistable(statements, from, k, state);
        if (whyNot != null) {
          return whyNot;
        }
        hoisted.add(variable);
      }
    }
    Set<Symbol> set = new HashSet<>();
    for (StatementTree statement : moved) {
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree assignment, Void unused) {
          set.add(ASTHelpers.getSymbol(assignment.getVariable()));
          return super.visitAssignment(assignment, null);
        }

        @Override
        public Void visitCompoundAssignment(CompoundAssignmentTree assignment, Void unused) {
          set.add(ASTHelpers.getSymbol(assignment.getVariable()));
          return super.visitCompoundAssignment(assignment, null);
        }

        @Override
        public Void visitUnary(UnaryTree unary, Void unused) {
          switch (unary.getKind()) {
            case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT ->
                set.add(ASTHelpers.getSymbol(unary.getExpression()));
            default -> {}
          }
          return super.visitUnary(unary, null);
        }
      }.scan(statement, null);
    }
    set.removeIf(symbol -> !isLocal(symbol));
    for (Symbol local : set) {
      if (Mentions.mentionsAny(handlers, Set.of(local))) {
        return "`"
            + local.getSimpleName()
            + "` is set before the `try` and read in its `catch` or `finally`";
      }
      // After a try with catches, a variable set inside it is not definitely assigned.
      if (!late.getCatches().isEmpty() && Mentions.mentionsAny(after, Set.of(local))) {
        return "`" + local.getSimpleName() + "` is set before the `try` and read after it";
      }
    }
    return null;
  }
}
