package dev.leakguard.trees;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.util.Context;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What several checks read of a whole compilation unit, found in one walk of it: the stores into
 * fields, every method call, and every variable declaration. Without it, each class of the unit
 * walked its own subtree once per check for its fields' stores (nested classes again for each
 * class around them), and RateLimitRace walked the unit for its clock reads.
 *
 * <p>The index of the last unit asked about is kept in javac's {@link Context} (never in static
 * state: javac may run several compilations in one JVM). Error Prone runs every check over one
 * unit before it moves on, so the checks of a unit share one walk; a unit asked about again after
 * another is simply walked again.
 */
public final class UnitIndex {

  /**
   * A field given a value: by its declaration's initializer ({@code assignment} null) or by an
   * assignment anywhere in the unit, nested classes and lambdas included.
   */
  public record FieldStore(
      VarSymbol field,
      ExpressionTree value,
      @Nullable AssignmentTree assignment,
      @Nullable ClassChain enclosing) {

    /** Whether the store is written inside {@code classTree}, in it or in a class it nests. */
    public boolean isWithin(ClassTree classTree) {
      for (ClassChain c = enclosing; c != null; c = c.outer()) {
        if (c.tree() == classTree) {
          return true;
        }
      }
      return false;
    }
  }

  /** The classes around a point of the unit, innermost first. */
  public record ClassChain(ClassTree tree, @Nullable ClassChain outer) {}

  private final CompilationUnitTree unit;
  private final ImmutableList<FieldStore> fieldStores;
  private final ImmutableList<MethodInvocationTree> calls;
  private final ImmutableList<VariableTree> variables;
  private final Map<Tree, List<ExpressionTree>> ownInvocations;

  private UnitIndex(
      CompilationUnitTree unit,
      ImmutableList<FieldStore> fieldStores,
      ImmutableList<MethodInvocationTree> calls,
      ImmutableList<VariableTree> variables,
      Map<Tree, List<ExpressionTree>> ownInvocations) {
    this.unit = unit;
    this.fieldStores = fieldStores;
    this.calls = calls;
    this.variables = variables;
    this.ownInvocations = ownInvocations;
  }

  /**
   * The calls and {@code new}s that {@code body} (a method's or lambda's body, or an initializer
   * block of this unit) runs itself, outermost first, nested lambdas and class bodies left out, as
   * {@link OwnCodeScanner} lists them; null for any other tree. Listed in the unit's one walk, so
   * that each check's first question about a body walks nothing.
   */
  @Nullable ImmutableList<ExpressionTree> ownInvocationsOf(Tree body) {
    List<ExpressionTree> listed = ownInvocations.get(body);
    return listed == null ? null : ImmutableList.copyOf(listed);
  }

  /** Every store into a field, in source order. */
  public ImmutableList<FieldStore> fieldStores() {
    return fieldStores;
  }

  /** Every method call of the unit, in source order (outer calls before their arguments). */
  public ImmutableList<MethodInvocationTree> calls() {
    return calls;
  }

  /** Every variable declared in the unit: fields, parameters, locals, resources, in source order. */
  public ImmutableList<VariableTree> variables() {
    return variables;
  }

  private static final Context.Key<LastUnit> LAST_UNIT = new Context.Key<>();

  /** The index {@link #of} made last. */
  private static final class LastUnit {
    @Nullable UnitIndex index;
  }

  /**
   * The index of {@code unit} if it is the last one made, else null: for questions a fresh walk
   * would answer no faster, and that must not displace the index of the unit being checked (a
   * callee's body in another unit, read for its summary).
   */
  static @Nullable UnitIndex ifCurrent(CompilationUnitTree unit, VisitorState state) {
    LastUnit last = state.context.get(LAST_UNIT);
    return last == null || last.index == null || last.index.unit != unit ? null : last.index;
  }

  /** The index of {@code unit}, walked now unless it was the last unit asked about. */
  public static UnitIndex of(CompilationUnitTree unit, VisitorState state) {
    LastUnit last = state.context.get(LAST_UNIT);
    if (last == null) {
      last = new LastUnit();
      state.context.put(LAST_UNIT, last);
    }
    if (last.index == null || last.index.unit != unit) {
      last.index = build(unit);
    }
    return last.index;
  }

  private static UnitIndex build(CompilationUnitTree unit) {
    ImmutableList.Builder<FieldStore> stores = ImmutableList.builder();
    ImmutableList.Builder<MethodInvocationTree> calls = ImmutableList.builder();
    ImmutableList.Builder<VariableTree> variables = ImmutableList.builder();
    Map<Tree, List<ExpressionTree>> ownInvocations = new IdentityHashMap<>();
    new TreeScanner<Void, @Nullable ClassChain>() {
      /** The body whose own code is being walked: a method's, a lambda's, an initializer. */
      private @Nullable List<ExpressionTree> own;

      private Void within(@Nullable Tree body, Runnable walk) {
        List<ExpressionTree> outer = own;
        own = body == null ? null : ownInvocations.computeIfAbsent(body, b -> new ArrayList<>());
        try {
          walk.run();
        } finally {
          own = outer;
        }
        return null;
      }

      @Override
      public Void visitClass(ClassTree classTree, @Nullable ClassChain outer) {
        return within(
            null, () -> super.visitClass(classTree, new ClassChain(classTree, outer)));
      }

      @Override
      public Void visitMethod(MethodTree method, @Nullable ClassChain enclosing) {
        return within(method.getBody(), () -> super.visitMethod(method, enclosing));
      }

      @Override
      public Void visitLambdaExpression(
          LambdaExpressionTree lambda, @Nullable ClassChain enclosing) {
        return within(lambda.getBody(), () -> super.visitLambdaExpression(lambda, enclosing));
      }

      @Override
      public Void visitBlock(BlockTree block, @Nullable ClassChain enclosing) {
        // A block met outside any body is an initializer of a class: a body of its own.
        return own == null
            ? within(block, () -> super.visitBlock(block, enclosing))
            : super.visitBlock(block, enclosing);
      }

      @Override
      public Void visitNewClass(NewClassTree creation, @Nullable ClassChain enclosing) {
        if (own != null) {
          own.add(creation);
        }
        return super.visitNewClass(creation, enclosing);
      }

      @Override
      public Void visitVariable(VariableTree variable, @Nullable ClassChain enclosing) {
        variables.add(variable);
        VarSymbol symbol = ASTHelpers.getSymbol(variable);
        if (variable.getInitializer() != null && symbol != null && symbol.getKind().isField()) {
          stores.add(new FieldStore(symbol, variable.getInitializer(), null, enclosing));
        }
        return super.visitVariable(variable, enclosing);
      }

      @Override
      public Void visitAssignment(AssignmentTree assignment, @Nullable ClassChain enclosing) {
        if (ASTHelpers.getSymbol(assignment.getVariable()) instanceof VarSymbol symbol
            && symbol.getKind().isField()) {
          stores.add(new FieldStore(symbol, assignment.getExpression(), assignment, enclosing));
        }
        return super.visitAssignment(assignment, enclosing);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, @Nullable ClassChain enclosing) {
        calls.add(call);
        if (own != null) {
          own.add(call);
        }
        return super.visitMethodInvocation(call, enclosing);
      }
    }.scan(unit, null);
    return new UnitIndex(
        unit, stores.build(), calls.build(), variables.build(), ownInvocations);
  }
}
