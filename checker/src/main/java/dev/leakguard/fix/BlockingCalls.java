package dev.leakguard.fix;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import dev.leakguard.trees.TypeNames;
import java.util.List;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * Code that a lock must not be held across: calls that sleep, wait, join, park, block on a queue,
 * a future or a latch, or do I/O (declare {@code IOException} or {@code InterruptedException}),
 * and loops that run until a thread stops ({@code while (true)} without an exit, {@code while
 * (running)}). Nested lambdas and classes do not run there and are not looked at.
 */
final class BlockingCalls {

  private static final ImmutableSet<String> QUEUE_BLOCKING =
      ImmutableSet.of("take", "put", "takeFirst", "takeLast", "putFirst", "putLast", "transfer");

  private BlockingCalls() {}

  /**
   * What in {@code statements} blocks, as words for a diagnostic ("calls `Thread.sleep(...)`",
   * "loops until `running` changes"), or null when nothing does.
   */
  static @Nullable String in(List<? extends StatementTree> statements, VisitorState state) {
    String[] found = {null};
    TreeScanner<Void, Void> scanner =
        new OwnCodeScanner<Void, Void>() {
          @Override
          public Void scan(Tree tree, Void unused) {
            return found[0] != null ? null : super.scan(tree, null);
          }

          @Override
          public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
            if (blocks(call, state)) {
              found[0] = "calls `" + callText(call, state) + "`";
              return null;
            }
            return super.visitMethodInvocation(call, null);
          }

          @Override
          public Void visitWhileLoop(WhileLoopTree loop, Void unused) {
            return loopsForever(loop.getCondition(), loop.getStatement())
                ? null
                : super.visitWhileLoop(loop, null);
          }

          @Override
          public Void visitDoWhileLoop(DoWhileLoopTree loop, Void unused) {
            return loopsForever(loop.getCondition(), loop.getStatement())
                ? null
                : super.visitDoWhileLoop(loop, null);
          }

          @Override
          public Void visitForLoop(ForLoopTree loop, Void unused) {
            return loopsForever(loop.getCondition(), loop.getStatement())
                ? null
                : super.visitForLoop(loop, null);
          }

          /** Records a loop that never ends on its own; true when it found one. */
          private boolean loopsForever(@Nullable ExpressionTree condition, StatementTree body) {
            found[0] = forever(condition, body, state);
            return found[0] != null;
          }
        };
    for (StatementTree statement : statements) {
      scanner.scan(statement, null);
    }
    return found[0];
  }

  private static boolean blocks(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null) {
      return false;
    }
    String name = method.getSimpleName().toString();
    Symbol owner = method.owner;
    switch (name) {
      case "sleep", "sleepUninterruptibly", "park", "parkNanos", "parkUntil" -> {
        return true;
      }
      case "wait" -> {
        return owner != null && owner.getQualifiedName().contentEquals("java.lang.Object");
      }
      case "join" -> {
        return isSubtype(owner, "java.lang.Thread", state)
            || isSubtype(owner, "java.util.concurrent.Future", state)
            || isSubtype(owner, "java.util.concurrent.ForkJoinTask", state);
      }
      case "get" -> {
        if (isSubtype(owner, "java.util.concurrent.Future", state)) {
          return true;
        }
      }
      default -> {}
    }
    if (isSubtype(owner, "java.util.concurrent.BlockingQueue", state)
        && (QUEUE_BLOCKING.contains(name)
            || ((name.startsWith("poll") || name.startsWith("offer")) && call.getArguments().size() >= 2))) {
      return true;
    }
    for (Type thrown : method.getThrownTypes()) {
      if (isSubtype(thrown.tsym, "java.lang.InterruptedException", state)
          || isSubtype(thrown.tsym, "java.io.IOException", state)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Words for a loop that only ends when another thread says so: no condition or {@code true}
   * with no {@code break} or {@code return} in the body, or a condition that reads a boolean
   * field and no local ({@code while (running && !closing)}).
   */
  private static @Nullable String forever(
      @Nullable ExpressionTree condition, StatementTree body, VisitorState state) {
    ExpressionTree c = condition == null ? null : ASTHelpers.stripParentheses(condition);
    if (c == null || (c instanceof LiteralTree literal && Boolean.TRUE.equals(literal.getValue()))) {
      return exits(body) ? null : "runs a loop that never ends on its own";
    }
    boolean[] local = {false};
    VarSymbol[] flag = {null};
    Mentions.forEachNamed(
        c,
        s -> {
          if (!(s instanceof VarSymbol v)) {
            return;
          }
          if (v.getKind() != ElementKind.FIELD) {
            local[0] = true;
          } else if (v.type != null && v.type.getKind() == TypeKind.BOOLEAN && flag[0] == null) {
            flag[0] = v;
          }
        });
    if (local[0] || flag[0] == null) {
      return null;
    }
    return "runs a loop until `" + flag[0].getSimpleName() + "` changes";
  }

  private static boolean exits(StatementTree body) {
    boolean[] exits = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitBreak(BreakTree tree, Void unused) {
        exits[0] = true;
        return null;
      }

      @Override
      public Void visitReturn(ReturnTree tree, Void unused) {
        exits[0] = true;
        return null;
      }
    }.scan(body, null);
    return exits[0];
  }

  private static String callText(MethodInvocationTree call, VisitorState state) {
    String select = state.getSourceForNode(call.getMethodSelect());
    if (select == null) {
      select = call.getMethodSelect().toString();
    }
    return select.replaceAll("\\s+", "") + "(" + (call.getArguments().isEmpty() ? "" : "...") + ")";
  }

  private static boolean isSubtype(@Nullable Symbol symbol, String name, VisitorState state) {
    return symbol != null && TypeNames.isSubtype(symbol.type, name, state);
  }
}
