package dev.leakguard.race;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.flow.NonThrowingCalls;
import dev.leakguard.flow.OwnershipSummaries;
import dev.leakguard.trees.Enclosing;
import dev.leakguard.trees.OwnCodeScanner;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * Objects a method makes and no other thread can see yet: a check-then-act on the fields of one
 * is not a race (activemq's SimpleDiscoveryAgent copies the failed event into {@code event = new
 * SimpleDiscoveryEvent(sevent)}, decides on {@code event.connectTime} and writes it back before
 * {@code listener.onServiceAdd(event)} publishes it).
 *
 * <p>The receiver must be a local of the method, never reassigned, declared with a {@code new} of a
 * class whose constructor (where its source is in the compilation) does not hand {@code this}
 * away. Up to the write, the method may only read or write the object's fields, give it to a
 * logger, or pass it to a method of the compilation that only reads or writes the fields of that
 * parameter; anything else (a call on it, a store, a capture, another call taking it) may let
 * another thread see it. Where a loop between the declaration and the write repeats the write, what
 * follows it in the loop counts too.
 */
final class ThreadConfinement {

  private ThreadConfinement() {}

  /** Whether the object {@code receiver} names is seen by this thread alone up to {@code write}. */
  static boolean confinedUntil(Object receiver, TreePath write, VisitorState state) {
    try {
      return receiver instanceof VarSymbol local
          && local.getKind() == ElementKind.LOCAL_VARIABLE
          && (local.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0
          && confined(local, write, state);
    } catch (RuntimeException e) {
      return false; // a tree shape this does not know: the finding stands
    }
  }

  private static boolean confined(VarSymbol local, TreePath write, VisitorState state) {
    TreePath body = enclosingBody(write);
    if (body == null) {
      return false;
    }
    VariableTree declaration = declarationIn(body, local);
    if (declaration == null
        || !(declaration.getInitializer() instanceof NewClassTree creation)
        || creation.getClassBody() != null
        || publishesThis(ASTHelpers.getSymbol(creation), state)) {
      return false;
    }
    int until =
        repeatedByALoop(write, declaration)
            ? Integer.MAX_VALUE
            : ASTHelpers.getStartPosition(write.getLeaf());
    boolean[] escapes = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == local
            && ASTHelpers.getStartPosition(node) < until
            && (captured(getCurrentPath(), body.getLeaf()) || !staysHere(getCurrentPath(), state))) {
          escapes[0] = true;
        }
        return null;
      }
    }.scan(body, null);
    return !escapes[0];
  }

  /** Whether the use at {@code use} is in a lambda or class inside {@code body}: it may run elsewhere. */
  private static boolean captured(TreePath use, Tree body) {
    for (TreePath p = use; p != null && p.getLeaf() != body; p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
        return true;
      }
    }
    return false;
  }

  /** The body of the method or lambda the code at {@code path} runs in ({@link Enclosing}). */
  private static @Nullable TreePath enclosingBody(TreePath path) {
    TreePath executable = Enclosing.executable(path);
    if (executable == null) {
      return null;
    }
    Tree body =
        executable.getLeaf() instanceof MethodTree method
            ? method.getBody()
            : executable.getLeaf() instanceof LambdaExpressionTree lambda ? lambda.getBody() : null;
    return body == null ? null : new TreePath(executable, body);
  }

  private static @Nullable VariableTree declarationIn(TreePath body, VarSymbol local) {
    VariableTree[] found = {null};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == local) {
          found[0] = node;
        }
        return super.visitVariable(node, null);
      }
    }.scan(body.getLeaf(), null);
    return found[0];
  }

  /** Whether a loop that encloses {@code write} lies inside the block of {@code declaration}. */
  private static boolean repeatedByALoop(TreePath write, VariableTree declaration) {
    for (TreePath p = write; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof BlockTree block && block.getStatements().contains(declaration)) {
        return false;
      }
      if (leaf instanceof ForLoopTree
          || leaf instanceof EnhancedForLoopTree
          || leaf instanceof WhileLoopTree
          || leaf instanceof DoWhileLoopTree) {
        return true;
      }
    }
    return true;
  }

  /** Whether the use of the local at {@code use} leaves the object to this thread. */
  private static boolean staysHere(TreePath use, VisitorState state) {
    Tree parent = use.getParentPath().getLeaf();
    if (parent instanceof MemberSelectTree select) {
      // `event.connectTime`: a field of it, not a method that may publish it.
      return !(use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree call
          && call.getMethodSelect() == select);
    }
    if (parent instanceof MethodInvocationTree call && call.getArguments().contains(use.getLeaf())) {
      return NonThrowingCalls.LOGGING.matches(call, state)
          || onlyFieldsOfParameter(
              ASTHelpers.getSymbol(call), call.getArguments().indexOf(use.getLeaf()), state);
    }
    return false;
  }

  /** Whether {@code method}'s source names its parameter {@code index} only to reach its fields. */
  private static boolean onlyFieldsOfParameter(
      @Nullable MethodSymbol method, int index, VisitorState state) {
    if (method == null || method.isVarArgs() || index >= method.getParameters().size()) {
      return false;
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(method, state);
    if (declaration == null || !(declaration.getLeaf() instanceof MethodTree tree)) {
      return false;
    }
    VarSymbol parameter = method.getParameters().get(index);
    boolean[] other = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == parameter) {
          Tree parent = getCurrentPath().getParentPath().getLeaf();
          other[0] |=
              !(parent instanceof MemberSelectTree select
                  && !(getCurrentPath().getParentPath().getParentPath().getLeaf()
                          instanceof MethodInvocationTree call
                      && call.getMethodSelect() == select));
        }
        return null;
      }
    }.scan(new TreePath(declaration, tree.getBody()), null);
    return !other[0];
  }

  /**
   * Whether a constructor of the compilation names {@code this} other than to reach a field or
   * call {@code this(…)}: it may hand the new object to another thread. A library constructor
   * does not, for what matters here.
   */
  private static boolean publishesThis(@Nullable MethodSymbol constructor, VisitorState state) {
    if (constructor == null) {
      return true;
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(constructor, state);
    if (declaration == null) {
      return false;
    }
    boolean[] published = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (node.getName().contentEquals("this")) {
          Tree parent = getCurrentPath().getParentPath().getLeaf();
          published[0] |=
              !(parent instanceof MemberSelectTree
                  || (parent instanceof MethodInvocationTree call
                      && call.getMethodSelect() == node));
        }
        return null;
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        // An instance method of its own called from the constructor may hand it on.
        ExpressionTree select = node.getMethodSelect();
        MethodSymbol callee = ASTHelpers.getSymbol(node);
        if (callee != null
            && !callee.isStatic()
            && !callee.isConstructor()
            && (select instanceof IdentifierTree
                || (select instanceof MemberSelectTree member
                    && member.getExpression() instanceof IdentifierTree receiver
                    && receiver.getName().contentEquals("this")))) {
          published[0] = true;
        }
        return super.visitMethodInvocation(node, null);
      }
    }.scan(declaration, null);
    return published[0];
  }
}
