package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * The reserve-then-wait form of a spacing limiter that sleeps inside its check-then-act:
 *
 * <pre>{@code
 * long sinceLast = System.nanoTime() - last;        long delay;
 * if (sinceLast < interval) {                       synchronized (this) {
 *   NANOSECONDS.sleep(interval - sinceLast);   ->     long now = System.nanoTime();
 * }                                                   long slot = Math.max(now, last + interval);
 * last = System.nanoTime();                           last = slot;
 *                                                     delay = slot - now;
 *                                                   }
 *                                                   if (delay > 0) {
 *                                                     NANOSECONDS.sleep(delay);
 *                                                   }
 * }</pre>
 *
 * <p>Each caller takes the next free slot under the lock and sleeps until it outside the lock: no
 * two callers get the same slot, and none waits behind another's sleep. One thread sees the same
 * spacing as before. Why only this shape: the rewrite states what the limiter means (the next
 * request goes {@code interval} after the last one), which other arithmetic may not; everything
 * else keeps the refusal that says how to do it by hand.
 */
final class ReserveThenWait {

  /** How the reservation is made atomic: the statements before and after it. */
  record Guard(String enter, String exit, String words) {}

  private ReserveThenWait() {}

  /**
   * The replacement text for {@code statements} (the whole check-then-act, and nothing after it
   * that uses its locals), indented by {@code indent} with {@code unit} per level, or null when
   * they are not a spacing limiter's sleep.
   */
  static @Nullable String rewrite(
      TreePath blockPath,
      List<? extends StatementTree> statements,
      Guard guard,
      String indent,
      String unit,
      VisitorState state) {
    Shape shape = Shape.match(statements, state);
    if (shape == null || hasComment(statements, state)) {
      return null;
    }
    Set<String> taken = namesIn(blockPath, state);
    String delay = fresh("delay", taken);
    String now = shape.clockIsCall() ? fresh("now", taken) : shape.clock();
    String slot = fresh("slot", taken);
    String inner = indent + unit;
    StringBuilder text = new StringBuilder();
    text.append("long ").append(delay).append(";\n");
    for (String line : guard.enter().split("\n")) {
      text.append(indent).append(line).append('\n');
    }
    if (shape.clockIsCall()) {
      text.append(inner).append("long ").append(now).append(" = ").append(shape.clock()).append(";\n");
    }
    text.append(inner)
        .append("long ")
        .append(slot)
        .append(" = Math.max(")
        .append(now)
        .append(", ")
        .append(shape.field())
        .append(" + ")
        .append(shape.interval())
        .append(");\n");
    text.append(inner).append(shape.field()).append(" = ").append(slot).append(";\n");
    text.append(inner).append(delay).append(" = ").append(slot).append(" - ").append(now).append(";\n");
    for (String line : guard.exit().split("\n")) {
      text.append(indent).append(line.isEmpty() ? "" : line).append('\n');
    }
    text.append(indent).append("if (").append(delay).append(" > 0) {\n");
    text.append(inner).append(shape.sleepWith(delay, state)).append(";\n");
    text.append(indent).append("}");
    return text.toString();
  }

  /**
   * {@code long d = CLOCK - F; if (d < I) { SLEEP(… I - d …); } F = CLOCK;} with F a {@code long}
   * field of the state, CLOCK {@code System.nanoTime()}, {@code System.currentTimeMillis()} or a
   * local read before, and I a name or a literal.
   */
  private record Shape(
      String clock,
      boolean clockIsCall,
      String field,
      String interval,
      MethodInvocationTree sleep,
      Tree remaining) {

    static @Nullable Shape match(List<? extends StatementTree> statements, VisitorState state) {
      if (statements.size() != 3
          || !(statements.get(0) instanceof VariableTree elapsed)
          || !(statements.get(1) instanceof IfTree test)
          || !(statements.get(2) instanceof ExpressionStatementTree update)
          || !(update.getExpression() instanceof AssignmentTree write)) {
        return null;
      }
      VarSymbol elapsedSymbol = ASTHelpers.getSymbol(elapsed);
      if (elapsedSymbol == null
          || elapsedSymbol.type.getKind() != TypeKind.LONG
          || !(elapsed.getInitializer() instanceof BinaryTree difference)
          || difference.getKind() != Tree.Kind.MINUS) {
        return null;
      }
      ExpressionTree clock = difference.getLeftOperand();
      boolean clockIsCall = isClockCall(clock);
      if (!clockIsCall && !isLocal(clock)) {
        return null;
      }
      Symbol field = ASTHelpers.getSymbol(difference.getRightOperand());
      if (!(field instanceof VarSymbol f)
          || f.getKind() != ElementKind.FIELD
          || f.type.getKind() != TypeKind.LONG
          || !field.equals(ASTHelpers.getSymbol(write.getVariable()))
          || !sameClock(clock, write.getExpression())) {
        return null;
      }
      // if (d < I) or if (I > d), no else, then only the sleep.
      if (test.getElseStatement() != null
          || !(ASTHelpers.stripParentheses(test.getCondition()) instanceof BinaryTree condition)) {
        return null;
      }
      ExpressionTree interval =
          condition.getKind() == Tree.Kind.LESS_THAN && isSymbol(condition.getLeftOperand(), elapsedSymbol)
              ? condition.getRightOperand()
              : condition.getKind() == Tree.Kind.GREATER_THAN
                      && isSymbol(condition.getRightOperand(), elapsedSymbol)
                  ? condition.getLeftOperand()
                  : null;
      if (interval == null || !isPlainValue(interval)) {
        return null;
      }
      StatementTree then = test.getThenStatement();
      if (then instanceof BlockTree block && block.getStatements().size() == 1) {
        then = block.getStatements().get(0);
      }
      if (!(then instanceof ExpressionStatementTree sleepStatement)
          || !(sleepStatement.getExpression() instanceof MethodInvocationTree sleep)
          || !isSleep(sleep)
          || sleep.getArguments().size() != 1) {
        return null;
      }
      String intervalText = state.getSourceForNode(interval);
      Tree remaining = remainingTime(sleep.getArguments().get(0), intervalText, elapsedSymbol, state);
      if (remaining == null || usesAfter(sleep, remaining, elapsedSymbol)) {
        return null;
      }
      return new Shape(
          state.getSourceForNode(clock),
          clockIsCall,
          state.getSourceForNode(write.getVariable()),
          intervalText,
          sleep,
          remaining);
    }

    /** The sleep, its argument's {@code I - d} (with any parentheses around it) now {@code delay}. */
    String sleepWith(String delay, VisitorState state) {
      String call = state.getSourceForNode(sleep);
      int callStart = ASTHelpers.getStartPosition(sleep);
      int start = ASTHelpers.getStartPosition(remaining) - callStart;
      int end = state.getEndPosition(remaining) - callStart;
      return call.substring(0, start) + delay + call.substring(end);
    }
  }

  /** The subtree {@code I - d} of the sleep's argument (widened to its parentheses), or null. */
  private static @Nullable Tree remainingTime(
      ExpressionTree argument, String interval, VarSymbol elapsed, VisitorState state) {
    Tree[] found = {null};
    int[] count = {0};
    new TreeScanner<Void, Tree>() {
      @Override
      public Void visitParenthesized(ParenthesizedTree tree, Tree unused) {
        if (ASTHelpers.stripParentheses(tree) instanceof BinaryTree binary && isRemaining(binary)) {
          found[0] = tree;
          count[0]++;
          return null;
        }
        return super.visitParenthesized(tree, null);
      }

      @Override
      public Void visitBinary(BinaryTree binary, Tree unused) {
        if (isRemaining(binary)) {
          found[0] = binary;
          count[0]++;
          return null;
        }
        return super.visitBinary(binary, null);
      }

      private boolean isRemaining(BinaryTree binary) {
        return binary.getKind() == Tree.Kind.MINUS
            && isSymbol(binary.getRightOperand(), elapsed)
            && state.getSourceForNode(binary.getLeftOperand()).equals(interval);
      }
    }.scan(argument, null);
    return count[0] == 1 ? found[0] : null;
  }

  /** Whether the sleep uses {@code d} anywhere but in {@code remaining}. */
  private static boolean usesAfter(MethodInvocationTree sleep, Tree remaining, VarSymbol elapsed) {
    boolean[] used = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        return tree == remaining ? null : super.scan(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree identifier, Void unused) {
        used[0] |= elapsed.equals(ASTHelpers.getSymbol(identifier));
        return null;
      }
    }.scan(sleep, null);
    return used[0];
  }

  private static boolean isClockCall(ExpressionTree tree) {
    if (!(tree instanceof MethodInvocationTree call) || !call.getArguments().isEmpty()) {
      return false;
    }
    MethodSymbol method = ASTHelpers.getSymbol(call);
    return method != null
        && method.owner.getQualifiedName().contentEquals("java.lang.System")
        && (method.getSimpleName().contentEquals("nanoTime")
            || method.getSimpleName().contentEquals("currentTimeMillis"));
  }

  /** The write stores the same clock: the same call again, or the same local. */
  private static boolean sameClock(ExpressionTree read, ExpressionTree written) {
    if (isClockCall(read)) {
      return isClockCall(written)
          && ASTHelpers.getSymbol(read).equals(ASTHelpers.getSymbol(written));
    }
    Symbol local = ASTHelpers.getSymbol(read);
    return local != null && local.equals(ASTHelpers.getSymbol(written));
  }

  private static boolean isLocal(ExpressionTree tree) {
    return tree instanceof IdentifierTree identifier
        && ASTHelpers.getSymbol(identifier) instanceof VarSymbol v
        && (v.getKind() == ElementKind.LOCAL_VARIABLE || v.getKind() == ElementKind.PARAMETER)
        && v.type.getKind() == TypeKind.LONG;
  }

  private static boolean isSymbol(ExpressionTree tree, Symbol symbol) {
    return tree instanceof IdentifierTree && symbol.equals(ASTHelpers.getSymbol(tree));
  }

  /** A value that reads the same before and inside the lock: a name, a field or a literal. */
  private static boolean isPlainValue(ExpressionTree tree) {
    return tree instanceof IdentifierTree
        || tree instanceof LiteralTree
        || (tree instanceof MemberSelectTree select && isPlainValue(select.getExpression()));
  }

  private static boolean isSleep(MethodInvocationTree call) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null || !method.getSimpleName().contentEquals("sleep")) {
      return false;
    }
    String owner = method.owner.getQualifiedName().toString();
    return owner.equals("java.lang.Thread") || owner.equals("java.util.concurrent.TimeUnit");
  }

  /** A comment inside the statements would be lost by the rewrite: leave them to the user. */
  private static boolean hasComment(List<? extends StatementTree> statements, VisitorState state) {
    String source =
        state.getSourceCode()
            .subSequence(
                ASTHelpers.getStartPosition(statements.get(0)),
                state.getEndPosition(statements.get(statements.size() - 1)))
            .toString();
    return source.contains("//") || source.contains("/*");
  }

  /** Every simple name the enclosing method or lambda uses or declares. */
  private static Set<String> namesIn(TreePath blockPath, VisitorState state) {
    Tree scope = blockPath.getLeaf();
    for (TreePath p = blockPath; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof com.sun.source.tree.MethodTree
          || p.getLeaf() instanceof com.sun.source.tree.LambdaExpressionTree) {
        scope = p.getLeaf();
        break;
      }
    }
    Set<String> names = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree identifier, Void unused) {
        names.add(identifier.getName().toString());
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree select, Void unused) {
        names.add(select.getIdentifier().toString());
        return super.visitMemberSelect(select, null);
      }

      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        names.add(variable.getName().toString());
        return super.visitVariable(variable, null);
      }
    }.scan(scope, null);
    return names;
  }

  private static String fresh(String base, Set<String> taken) {
    String name = base;
    for (int i = 2; taken.contains(name); i++) {
      name = base + i;
    }
    taken.add(name);
    return name;
  }
}
