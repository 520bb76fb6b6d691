package dev.leakguard.flow;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;
import org.checkerframework.errorprone.dataflow.cfg.node.ArrayAccessNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ArrayCreationNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ClassNameNode;
import org.checkerframework.errorprone.dataflow.cfg.node.FieldAccessNode;
import org.checkerframework.errorprone.dataflow.cfg.node.LocalVariableNode;
import org.checkerframework.errorprone.dataflow.cfg.node.MethodInvocationNode;
import org.checkerframework.errorprone.dataflow.cfg.node.Node;
import org.checkerframework.errorprone.dataflow.cfg.node.NullLiteralNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ObjectCreationNode;
import org.checkerframework.errorprone.dataflow.cfg.node.StringConcatenateNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ThisNode;
import org.checkerframework.errorprone.dataflow.cfg.node.TypeCastNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ValueLiteralNode;
import org.jspecify.annotations.Nullable;

/**
 * Which nodes of a method can throw without a call, for specs that count such paths ({@link
 * ObligationSpec#countsImplicitExceptions}): an integer division or remainder by a divisor that may
 * be zero, an array index, a reference cast that may fail, unboxing or dereferencing a value that
 * may be null.
 *
 * <p>What cannot be null, so that real critical sections stay quiet: {@code this}, a class name, a
 * new object or literal, a final field (initialised before any method runs), a field whose only
 * value is the non-null one its declaration gives it, a local variable declared with a new object
 * and never reassigned, and a local that the method already tested against null, tested with
 * {@code instanceof}, or dereferenced before the node. Casts that cannot fail (widening, to a type
 * variable, after an {@code instanceof} of the same expression) do not count either.
 */
final class ImplicitThrows {

  private final Tree body;
  private final CompilationUnitTree unit;
  private final VisitorState state;
  /** Per local variable, the first position where the method shows it is not null. */
  private @Nullable Map<Symbol, Integer> knownNonNullFrom;
  /** The sources of expressions the method tests with {@code instanceof}, with the first position. */
  private @Nullable Map<String, Integer> testedTypes;
  /** Variables assigned anywhere in the compilation unit after their declaration. */
  private @Nullable Set<Symbol> reassigned;

  ImplicitThrows(Tree body, CompilationUnitTree unit, VisitorState state) {
    this.body = body;
    this.unit = unit;
    this.state = state;
  }

  /**
   * The tree to name as the leaking event when {@code node} can throw implicitly, or null when it
   * cannot (or when the only way it throws is one a reader would not guard against).
   */
  @Nullable Tree throwingTree(Node node) {
    Tree tree = node.getTree();
    if (tree == null) {
      return null;
    }
    if (node instanceof MethodInvocationNode unboxing) {
      // javac's `intValue()` on a boxed value: not in the source, its receiver is.
      Node boxed = unboxing.getTarget().getReceiver();
      return !node.getInSource() && isUnboxing(unboxing) && mayBeNull(boxed) ? boxed.getTree() : null;
    }
    if (!node.getInSource()) {
      return null;
    }
    if (node instanceof FieldAccessNode access) {
      return !access.isStatic() && mayBeNull(access.getReceiver()) ? tree : null;
    }
    if (node instanceof ArrayAccessNode) {
      return tree;
    }
    if (node instanceof TypeCastNode cast) {
      return castMayFail(cast) ? tree : null;
    }
    // Integer division and remainder (the only other nodes the transfer asks about).
    ExpressionTree divisor =
        tree instanceof BinaryTree binary
            ? binary.getRightOperand()
            : tree instanceof CompoundAssignmentTree compound ? compound.getExpression() : null;
    if (divisor == null) {
      return null;
    }
    Object constant = ASTHelpers.constValue(divisor);
    return constant instanceof Number number && number.longValue() != 0 ? null : tree;
  }

  /** How a message names the implicit exception at {@code tree}: "`a / b` throws ...". */
  static String describe(Tree tree, String source) {
    String code = "`" + source + "`";
    return switch (tree.getKind()) {
      case DIVIDE, REMAINDER, DIVIDE_ASSIGNMENT, REMAINDER_ASSIGNMENT ->
          code + " throws (an ArithmeticException when dividing by zero)";
      case ARRAY_ACCESS -> code + " throws (an ArrayIndexOutOfBoundsException)";
      case TYPE_CAST -> code + " throws (a ClassCastException)";
      case MEMBER_SELECT -> code + " throws (a NullPointerException)";
      default -> "unboxing " + code + " throws (a NullPointerException)";
    };
  }

  private static boolean isUnboxing(MethodInvocationNode node) {
    Symbol method = ASTHelpers.getSymbol(node.getTree());
    return method != null
        && method.getSimpleName().toString().endsWith("Value")
        && method.owner.getQualifiedName().toString().startsWith("java.lang.");
  }

  private boolean mayBeNull(Node value) {
    if (value instanceof ThisNode
        || value instanceof ClassNameNode
        || value instanceof ObjectCreationNode
        || value instanceof ArrayCreationNode
        || value instanceof StringConcatenateNode
        || (value instanceof ValueLiteralNode && !(value instanceof NullLiteralNode))) {
      return false;
    }
    if (value instanceof FieldAccessNode field) {
      return !(field.getElement() instanceof VarSymbol symbol) || !isNeverNullField(symbol);
    }
    if (value instanceof LocalVariableNode local && value.getTree() != null) {
      Symbol symbol = ASTHelpers.getSymbol(value.getTree());
      Integer from = symbol == null ? null : knownNonNullFrom().get(symbol);
      return from == null || from >= ASTHelpers.getStartPosition(value.getTree());
    }
    return true;
  }

  /** A final field, or one whose declaration gives it a non-null value nothing replaces. */
  private boolean isNeverNullField(VarSymbol field) {
    if (field.getModifiers().contains(Modifier.FINAL) || field.isEnum()) {
      return true;
    }
    VariableTree declaration = declarationOf(field);
    return declaration != null
        && isNonNullValue(declaration.getInitializer())
        && !reassigned().contains(field);
  }

  private @Nullable VariableTree declarationOf(VarSymbol field) {
    VariableTree[] found = {null};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        if (ASTHelpers.getSymbol(variable) == field) {
          found[0] = variable;
          return null;
        }
        return super.visitVariable(variable, null);
      }
    }.scan(unit, null);
    return found[0];
  }

  private static boolean isNonNullValue(@Nullable ExpressionTree value) {
    return value instanceof NewClassTree
        || value instanceof NewArrayTree
        || (value instanceof LiteralTree literal && literal.getValue() != null);
  }

  private boolean castMayFail(TypeCastNode cast) {
    Type target = (Type) cast.getType();
    Type operand = (Type) cast.getOperand().getType();
    if (target.isPrimitive()
        || target.getKind() == TypeKind.TYPEVAR
        || operand == null
        || operand.isPrimitive()
        || state.getTypes().isSubtype(state.getTypes().erasure(operand), state.getTypes().erasure(target))) {
      return false;
    }
    Tree operandTree = cast.getOperand().getTree();
    if (isSelfReturningCallOnThis(operandTree, target)) {
      return false;
    }
    String source = operandTree == null ? null : state.getSourceForNode(operandTree);
    Integer tested = source == null ? null : testedTypes().get(source);
    return tested == null || tested >= ASTHelpers.getStartPosition(cast.getTree());
  }

  /**
   * {@code (WithCondition) super.lock()} in {@code WithCondition}: a call on {@code super} or
   * {@code this} narrowed to the class the code is in, the fluent idiom of a method that returns
   * {@code this} (jetty AutoLock.WithCondition). It cannot fail.
   */
  private boolean isSelfReturningCallOnThis(@Nullable Tree operand, Type target) {
    if (!(operand instanceof MethodInvocationTree call)) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver != null
        && !(receiver instanceof IdentifierTree id
            && (id.getName().contentEquals("super") || id.getName().contentEquals("this")))) {
      return false;
    }
    ClassTree enclosing = ASTHelpers.findEnclosingNode(state.getPath(), ClassTree.class);
    Symbol enclosingClass = enclosing == null ? null : ASTHelpers.getSymbol(enclosing);
    return enclosingClass != null
        && state.getTypes().isSameType(
            state.getTypes().erasure(enclosingClass.type), state.getTypes().erasure(target));
  }

  private Map<Symbol, Integer> knownNonNullFrom() {
    if (knownNonNullFrom == null) {
      scanBody();
    }
    return knownNonNullFrom;
  }

  private Map<String, Integer> testedTypes() {
    if (testedTypes == null) {
      scanBody();
    }
    return testedTypes;
  }

  /** One pass over the method: null tests, instanceof tests, dereferences, non-null locals. */
  private void scanBody() {
    Map<Symbol, Integer> nonNull = new HashMap<>();
    Map<String, Integer> tested = new HashMap<>();
    Set<Symbol> assigned = new HashSet<>();
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitBinary(BinaryTree binary, Void unused) {
        if (binary.getKind() == Tree.Kind.EQUAL_TO || binary.getKind() == Tree.Kind.NOT_EQUAL_TO) {
          if (isNull(binary.getRightOperand())) {
            note(binary.getLeftOperand(), binary);
          } else if (isNull(binary.getLeftOperand())) {
            note(binary.getRightOperand(), binary);
          }
        }
        return super.visitBinary(binary, null);
      }

      @Override
      public Void visitInstanceOf(InstanceOfTree test, Void unused) {
        note(test.getExpression(), test);
        String source = state.getSourceForNode(test.getExpression());
        if (source != null) {
          tested.putIfAbsent(source, ASTHelpers.getStartPosition(test));
        }
        return super.visitInstanceOf(test, null);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree select, Void unused) {
        note(select.getExpression(), select); // used as a receiver: past here it was not null
        return super.visitMemberSelect(select, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        Symbol method = ASTHelpers.getSymbol(call);
        if (method != null
            && method.getSimpleName().contentEquals("requireNonNull")
            && !call.getArguments().isEmpty()) {
          note(call.getArguments().get(0), call);
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        if (isNonNullValue(variable.getInitializer())) {
          Symbol symbol = ASTHelpers.getSymbol(variable);
          if (symbol != null) {
            nonNull.putIfAbsent(symbol, ASTHelpers.getStartPosition(variable));
          }
        }
        return super.visitVariable(variable, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree assignment, Void unused) {
        Symbol symbol = ASTHelpers.getSymbol(assignment.getVariable());
        if (symbol != null && !isNonNullValue(assignment.getExpression())) {
          assigned.add(symbol);
        }
        return super.visitAssignment(assignment, null);
      }

      private void note(ExpressionTree expression, Tree at) {
        if (expression instanceof IdentifierTree identifier
            && ASTHelpers.getSymbol(identifier) instanceof VarSymbol local
            && local.getKind() != ElementKind.FIELD) {
          nonNull.merge(local, ASTHelpers.getStartPosition(at), Math::min);
        }
      }
    }.scan(body, null);
    // A local that may be set to something unknown later is only known from its tests.
    for (Symbol symbol : assigned) {
      nonNull.remove(symbol);
    }
    knownNonNullFrom = nonNull;
    testedTypes = tested;
  }

  private static boolean isNull(ExpressionTree tree) {
    return tree.getKind() == Tree.Kind.NULL_LITERAL;
  }

  private Set<Symbol> reassigned() {
    if (reassigned == null) {
      Set<Symbol> found = new HashSet<>();
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree assignment, Void unused) {
          add(assignment.getVariable());
          return super.visitAssignment(assignment, null);
        }

        @Override
        public Void visitCompoundAssignment(CompoundAssignmentTree assignment, Void unused) {
          add(assignment.getVariable());
          return super.visitCompoundAssignment(assignment, null);
        }

        @Override
        public Void visitUnary(UnaryTree unary, Void unused) {
          switch (unary.getKind()) {
            case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT ->
                add(unary.getExpression());
            default -> {}
          }
          return super.visitUnary(unary, null);
        }

        private void add(ExpressionTree variable) {
          Symbol symbol = ASTHelpers.getSymbol(variable);
          if (symbol != null) {
            found.add(symbol);
          }
        }
      }.scan(unit, null);
      reassigned = found;
    }
    return reassigned;
  }
}
