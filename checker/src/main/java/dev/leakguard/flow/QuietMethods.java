package dev.leakguard.flow;

import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * Methods of this compilation whose body cannot throw, read from their source: a path through a
 * call to one of them is not a leak path. What real code reported through such calls (docs/
 * benchmark.md): hsqldb's {@code Error.printSystemOut(message)} (a {@code println} behind a flag),
 * log4j's {@code Closer.closeSilently(c)} (everything inside a {@code catch (Exception)}), a
 * {@code boolean foo() { return Math.random() < 0.5; }}.
 *
 * <p>A body is quiet when every statement in it is: blocks, {@code if}, {@code return}, local
 * declarations and expression statements whose expressions are quiet, loops whose parts are quiet
 * (a for-each over an array, or over a collection the method made, without unboxing), or a {@code
 * try} whose {@code catch} takes every {@code Exception} (or {@code Throwable}) and whose catch and
 * finally blocks are quiet. Quiet expressions are literals, names, fields of {@code this} or of a
 * class, an array's {@code length}, assignments to them, arithmetic and comparisons on primitives
 * and strings (not an integer division or remainder: it throws on zero), {@code instanceof},
 * conditionals, {@code a[i]} inside {@code for (int i = 0; i < a.length; i++)} that assigns
 * neither, the JDK's constructions that cannot fail ({@code new HashSet<>()}), arrays of constant
 * size, and calls that are quiet themselves, on receivers that are: {@link NonThrowingCalls},
 * {@code Math}'s functions, {@code String.valueOf} of a string or primitive, a {@code print} of a
 * string or primitive to {@code System.out}/{@code System.err}, element operations without an
 * index on a {@code HashSet}, {@code ArrayList} or {@code HashMap} the method made and never
 * reassigns (h2's {@code CipherFactory.disableSSL}: a for-each over the protocols into a set),
 * or another quiet method. {@code switch}, {@code throw}, {@code synchronized}, dereferences of
 * anything but {@code this}, other array accesses, casts and other object creation are not; an
 * unknown tree shape is not either, the answer that reports more.
 *
 * <p>Summaries are computed lazily and kept per compilation in javac's {@link Context}; a method
 * asked for again while it is being summarised (recursion) is not quiet.
 */
public final class QuietMethods {

  private static final Context.Key<QuietMethods> KEY = new Context.Key<>();

  /** How deep a chain of quiet calls the summary follows before it gives up (says not quiet). */
  private static final int MAX_DEPTH = 4;

  /** {@code Math.min}, {@code Math.random}: pure functions; the {@code *Exact} ones throw. */
  private static final Matcher<ExpressionTree> MATH_FUNCTION =
      staticMethod()
          .onClassAny("java.lang.Math", "java.lang.StrictMath")
          .namedAnyOf(
              "abs", "min", "max", "random", "signum", "sqrt", "cbrt", "pow", "exp", "log",
              "log10", "ceil", "floor", "round", "rint", "hypot", "sin", "cos", "tan", "atan",
              "atan2", "toRadians", "toDegrees");

  /** {@code System.out.println("...")}: a {@code PrintStream} records its errors, it never throws. */
  private static final Matcher<ExpressionTree> PRINT =
      instanceMethod().onDescendantOf("java.io.PrintStream").namedAnyOf("print", "println");

  /**
   * {@code Objects.requireNonNull(x)}: a null check, which fails only as a dereference of the
   * value would, and dereferences are not counted here either.
   */
  private static final Matcher<ExpressionTree> NULL_CHECKS =
      staticMethod()
          .onClass("java.util.Objects")
          .namedAnyOf(
              "requireNonNull", "requireNonNullElse", "isNull", "nonNull", "equals", "hash",
              "hashCode");

  private static final Matcher<ExpressionTree> KNOWN_QUIET =
      anyOf(NonThrowingCalls.MATCHER, MATH_FUNCTION, NULL_CHECKS);

  private static final Matcher<ExpressionTree> STRING_VALUE_OF =
      staticMethod().onClass("java.lang.String").named("valueOf");

  /**
   * The JDK's general-purpose collections: made by their constructor, their element operations
   * run no user code but {@code equals} and {@code hashCode}, and never reject an element.
   */
  private static final ImmutableSet<String> PLAIN_COLLECTIONS =
      ImmutableSet.of(
          "java.util.HashSet", "java.util.LinkedHashSet", "java.util.ArrayList",
          "java.util.LinkedList", "java.util.ArrayDeque", "java.util.HashMap",
          "java.util.LinkedHashMap");

  /**
   * Element operations of {@link #PLAIN_COLLECTIONS} that take no index and need no element to be
   * there. Not {@code addAll} (it iterates a collection of any kind) nor {@code remove()} of a
   * queue's head (it fails when the queue is empty).
   */
  private static final ImmutableSet<String> SAFE_COLLECTION_METHODS =
      ImmutableSet.of(
          "add", "contains", "containsKey", "containsValue", "get", "getOrDefault", "put",
          "putIfAbsent", "remove", "size", "isEmpty", "toArray", "clear", "keySet", "values",
          "entrySet");

  /** JDK superclasses whose no-argument constructor runs no code that can fail. */
  private static final ImmutableSet<String> QUIET_JDK_SUPERCLASSES =
      ImmutableSet.of(
          "java.io.InputStream",
          "java.io.OutputStream",
          "java.io.Reader",
          "java.io.Writer",
          "java.util.AbstractCollection",
          "java.util.AbstractList",
          "java.util.AbstractSet",
          "java.util.AbstractMap");

  private final Map<MethodSymbol, Boolean> quiet = new HashMap<>();

  /** Index variables of the loops being read, with the array each one stays inside of. */
  private final Map<Symbol, Symbol> inBounds = new HashMap<>();

  /**
   * Parameters of the constructor being read through a {@code this(…)} or {@code super(…)} call
   * that passed them a non-negative constant, which that constructor never reassigns.
   */
  private final Set<Symbol> nonNegativeParameters = new HashSet<>();

  /** Locals this summary saw made by a constructor of {@link #PLAIN_COLLECTIONS}. */
  private final Set<Symbol> localCollections = new HashSet<>();

  private QuietMethods() {}

  /** The summaries of the compilation {@code state} belongs to. */
  public static QuietMethods of(VisitorState state) {
    Context context = state.context;
    QuietMethods summaries = context.get(KEY);
    if (summaries == null) {
      summaries = new QuietMethods();
      context.put(KEY, summaries);
    }
    return summaries;
  }

  /**
   * Whether {@code creation} runs a constructor of this compilation that cannot throw: its body
   * (the {@code super(…)} call included, up to {@code Object}), the field initializers and
   * instance initializer blocks of its class are quiet (jetty's {@code new
   * ByteBufferPool.Sized(pool, direct, size)}: a null check and field stores).
   */
  public boolean isQuietCreation(NewClassTree creation, VisitorState state) {
    if (creation.getClassBody() != null) {
      return isQuietInterfaceInstance(creation);
    }
    if (!creation.getArguments().stream()
            .allMatch(
                argument ->
                    argument instanceof MethodInvocationTree
                        || argument instanceof NewClassTree
                        || quietExpression(argument, state, 0))) {
      return false;
    }
    MethodSymbol constructor = ASTHelpers.getSymbol(creation);
    return constructor != null
        && constructor.getThrownTypes().isEmpty()
        && isQuietMethod(constructor, state, 0);
  }

  /**
   * An anonymous class that implements an interface ({@code new PrivilegedAction<Object>() { … }},
   * {@code new Runnable() { … }}) with no field initializers or initializer blocks: making one
   * only stores what it captures and runs {@code Object()}.
   */
  private static boolean isQuietInterfaceInstance(NewClassTree creation) {
    if (!creation.getArguments().isEmpty()
        || !(ASTHelpers.getSymbol((Tree) creation.getClassBody()) instanceof ClassSymbol anonymous)
        || !(anonymous.getSuperclass() != null
            && anonymous.getSuperclass().tsym != null
            && anonymous.getSuperclass().tsym.getQualifiedName().contentEquals("java.lang.Object"))) {
      return false;
    }
    for (Tree member : creation.getClassBody().getMembers()) {
      if (member instanceof BlockTree
          || (member instanceof VariableTree field && field.getInitializer() != null)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code call} invokes a method of this compilation whose body cannot throw, with
   * arguments whose evaluation cannot throw either.
   */
  public boolean isQuietCall(MethodInvocationTree call, VisitorState state) {
    if (DO_PRIVILEGED.matches(call, state) && call.getArguments().size() == 1) {
      // The action, a lambda given its type by a cast, is read for what running it does.
      return quietAction(call.getArguments().get(0), state);
    }
    // An argument that is a call (or a `new`) of its own is a node of its own in the control flow
    // graph, and the analysis asks about it there (`disableSSL(socket.getEnabledProtocols())`).
    if (!call.getArguments().stream()
        .allMatch(
            argument ->
                argument instanceof MethodInvocationTree
                    || argument instanceof NewClassTree
                    || quietExpression(argument, state, 0))) {
      return false;
    }
    if (isSystemPrint(call, state)) {
      return true;
    }
    MethodSymbol method = ASTHelpers.getSymbol(call);
    return method != null && method.getThrownTypes().isEmpty() && isQuietMethod(method, state, 0);
  }

  /**
   * {@code AccessController.doPrivileged(action)} with a {@code PrivilegedAction} (not the {@code
   * PrivilegedExceptionAction} form, whose failures it wraps and throws): it only runs the action,
   * so it is quiet when the action's {@code run()} is (netty's NioEventLoop loads a class in one
   * whose body catches every {@code Throwable} and returns it).
   */
  private static final Matcher<ExpressionTree> DO_PRIVILEGED =
      staticMethod()
          .onClass("java.security.AccessController")
          .named("doPrivileged")
          .withParameters("java.security.PrivilegedAction");

  /** Whether the action given to {@code doPrivileged}, written in place, runs quietly. */
  private boolean quietAction(ExpressionTree written, VisitorState state) {
    ExpressionTree action = written;
    while (action instanceof ParenthesizedTree || action instanceof TypeCastTree) {
      action =
          action instanceof ParenthesizedTree parenthesized
              ? parenthesized.getExpression()
              : ((TypeCastTree) action).getExpression();
    }
    try {
      if (action instanceof LambdaExpressionTree lambda) {
        return lambda.getBody() instanceof BlockTree block
            ? quietStatement(block, state, 0)
            : quietExpression((ExpressionTree) lambda.getBody(), state, 0);
      }
      if (action instanceof NewClassTree creation && creation.getClassBody() != null) {
        for (Tree member : creation.getClassBody().getMembers()) {
          if (member instanceof MethodTree run
              && run.getName().contentEquals("run")
              && run.getParameters().isEmpty()
              && ASTHelpers.getSymbol(run) != null) {
            return isQuietMethod(ASTHelpers.getSymbol(run), state, 0);
          }
        }
      }
    } catch (RuntimeException e) {
      return false; // a tree shape this does not know: assume it throws
    }
    return false;
  }

  private boolean isQuietMethod(MethodSymbol method, VisitorState state, int depth) {
    if (method.isConstructor()
        && method.owner.getQualifiedName().contentEquals("java.lang.Object")) {
      return true; // the end of every `super()` chain
    }
    if (method.isConstructor()
        && method.getParameters().isEmpty()
        && QUIET_JDK_SUPERCLASSES.contains(method.owner.getQualifiedName().toString())) {
      // `super()` into the JDK's `OutputStream()` or `Reader()`: an empty constructor, or one that
      // sets a field to `this`. Not `Thread()`, which runs the inheritable thread-locals' code.
      return true;
    }
    Boolean known = quiet.get(method);
    if (known != null) {
      return known;
    }
    if (depth > MAX_DEPTH) {
      return false; // not cached: a shallower caller may still reach it
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(method, state);
    if (declaration == null || !(declaration.getLeaf() instanceof MethodTree tree)) {
      quiet.put(method, false);
      return false;
    }
    quiet.put(method, false); // while computing: a recursive method is not quiet
    boolean result = readBody(method, declaration, tree, state, depth);
    quiet.put(method, result);
    return result;
  }

  private boolean readBody(
      MethodSymbol method, TreePath declaration, MethodTree tree, VisitorState state, int depth) {
    try {
      return tree.getBody() != null
          && !(isHook(method) && isTrivial(tree.getBody()))
          && quietStatement(tree.getBody(), state, depth)
          && (!method.isConstructor()
              || callsThis(tree.getBody())
              || quietInitialization(declaration.getParentPath(), state, depth));
    } catch (RuntimeException e) {
      return false; // a tree shape this scan does not know: assume it throws
    }
  }

  /**
   * Whether the constructor {@code call} delegates to ({@code this(1028)}, {@code super(size)})
   * is quiet with the arguments it is given: a parameter passed a non-negative constant is a valid
   * array size there (activemq's {@code ByteArrayOutputStream() { this(1028); }} and its {@code
   * buffer = new byte[capacity]}). Read afresh, not cached: the answer holds for these arguments.
   */
  private boolean quietDelegation(
      MethodInvocationTree call, MethodSymbol constructor, VisitorState state, int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(constructor, state);
    if (declaration == null || !(declaration.getLeaf() instanceof MethodTree tree)) {
      return false;
    }
    List<Symbol> bound = new ArrayList<>();
    List<VarSymbol> parameters = constructor.getParameters();
    for (int i = 0; i < parameters.size() && i < call.getArguments().size(); i++) {
      VarSymbol parameter = parameters.get(i);
      if (isNonNegativeConstant(call.getArguments().get(i))
          && tree.getBody() != null
          && !assigns(tree.getBody(), parameter)
          && nonNegativeParameters.add(parameter)) {
        bound.add(parameter);
      }
    }
    if (bound.isEmpty()) {
      return false;
    }
    try {
      return readBody(constructor, declaration, tree, state, depth);
    } finally {
      bound.forEach(nonNegativeParameters::remove);
    }
  }

  /** {@code this(…)} as a constructor's first statement: the other constructor initializes. */
  private static boolean callsThis(BlockTree body) {
    return !body.getStatements().isEmpty()
        && body.getStatements().get(0) instanceof ExpressionStatementTree first
        && first.getExpression() instanceof MethodInvocationTree call
        && call.getMethodSelect() instanceof IdentifierTree name
        && name.getName().contentEquals("this");
  }

  /**
   * Whether the instance field initializers and initializer blocks of the class at {@code
   * classPath}, which every constructor that calls {@code super(…)} runs, are quiet.
   */
  private boolean quietInitialization(TreePath classPath, VisitorState state, int depth) {
    if (classPath == null || !(classPath.getLeaf() instanceof ClassTree declaration)) {
      return false;
    }
    for (Tree member : declaration.getMembers()) {
      if (member instanceof VariableTree field
          && !field.getModifiers().getFlags().contains(Modifier.STATIC)
          && !quietStatement(field, state, depth)) {
        return false;
      }
      if (member instanceof BlockTree block
          && !block.isStatic()
          && !quietStatement(block, state, depth)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A method a subclass can override: what runs may not be the body the compilation shows. An
   * overridable method that does nothing ({@code protected void onStart() {}}, {@code boolean
   * accept() { return true; }}) is a hook whose overrides do the real work, so it is not trusted;
   * one with a real body is taken to be what runs. ({@code void work() {}} is also how tests and
   * sketches stand for "some code that may throw".)
   */
  private static boolean isHook(MethodSymbol method) {
    Symbol owner = method.owner;
    return !method.isStatic()
        && !method.isPrivate()
        && !method.isConstructor()
        && (method.flags() & Flags.FINAL) == 0
        && owner instanceof ClassSymbol cls
        && (cls.flags() & (Flags.FINAL | Flags.ENUM | Flags.RECORD)) == 0
        && !cls.isAnonymous();
  }

  /**
   * An empty body, or one that only returns a literal or a parameter ({@code return d;}): a
   * default for subclasses to replace. A getter ({@code return outputStream;}) is not a hook.
   */
  private static boolean isTrivial(BlockTree body) {
    List<? extends StatementTree> statements = body.getStatements();
    if (statements.isEmpty()) {
      return true;
    }
    if (statements.size() != 1 || !(statements.get(0) instanceof ReturnTree ret)) {
      return false;
    }
    ExpressionTree returned = ret.getExpression();
    if (returned == null || isLiteral(returned.getKind())) {
      return true;
    }
    Symbol symbol = returned instanceof IdentifierTree ? ASTHelpers.getSymbol(returned) : null;
    return symbol != null && symbol.getKind() == ElementKind.PARAMETER;
  }

  private boolean quietStatements(List<? extends StatementTree> statements, VisitorState state, int depth) {
    for (StatementTree statement : statements) {
      if (!quietStatement(statement, state, depth)) {
        return false;
      }
    }
    return true;
  }

  private boolean quietStatement(Tree statement, VisitorState state, int depth) {
    if (statement == null) {
      return true;
    }
    if (statement instanceof BlockTree block) {
      return quietStatements(block.getStatements(), state, depth);
    }
    if (statement instanceof ExpressionStatementTree expression) {
      return quietExpression(expression.getExpression(), state, depth);
    }
    if (statement instanceof VariableTree variable) {
      ExpressionTree initializer = variable.getInitializer();
      noteLocalCollection(variable);
      return initializer == null
          || (!unboxes(ASTHelpers.getType(variable), initializer)
              && quietExpression(initializer, state, depth));
    }
    if (statement instanceof ReturnTree ret) {
      return ret.getExpression() == null || quietExpression(ret.getExpression(), state, depth);
    }
    if (statement instanceof IfTree branch) {
      return quietExpression(branch.getCondition(), state, depth)
          && quietStatement(branch.getThenStatement(), state, depth)
          && quietStatement(branch.getElseStatement(), state, depth);
    }
    if (statement instanceof TryTree attempt) {
      return quietTry(attempt, state, depth);
    }
    if (statement instanceof EnhancedForLoopTree loop) {
      return quietForEach(loop, state, depth);
    }
    if (statement instanceof ForLoopTree loop) {
      return quietFor(loop, state, depth);
    }
    if (statement instanceof WhileLoopTree loop) {
      return quietExpression(loop.getCondition(), state, depth)
          && quietStatement(loop.getStatement(), state, depth);
    }
    if (statement instanceof DoWhileLoopTree loop) {
      return quietExpression(loop.getCondition(), state, depth)
          && quietStatement(loop.getStatement(), state, depth);
    }
    return statement.getKind() == Tree.Kind.EMPTY_STATEMENT;
  }

  /**
   * {@code for (String x : names)} over an array, or over a collection this method made with a
   * JDK constructor: the iteration runs no user code. The loop variable must not unbox.
   */
  private boolean quietForEach(EnhancedForLoopTree loop, VisitorState state, int depth) {
    ExpressionTree iterated = loop.getExpression();
    Type type = ASTHelpers.getType(iterated);
    if (type == null
        || !quietExpression(iterated, state, depth)
        || !(type.getKind() == TypeKind.ARRAY || isLocalJdkCollection(iterated))) {
      return false;
    }
    Type element =
        type instanceof Type.ArrayType array ? array.getComponentType() : null;
    Type variable = ASTHelpers.getType(loop.getVariable());
    if (variable != null && variable.isPrimitive() && (element == null || !element.isPrimitive())) {
      return false; // unboxing each element
    }
    return quietStatement(loop.getStatement(), state, depth);
  }

  /**
   * {@code for (int i = 0; i < names.length; i++)}: quiet when its parts are; in its body, {@code
   * names[i]} is in bounds when the loop counts up from a non-negative constant, below the
   * array's length, and the body assigns neither the index nor the array.
   */
  private boolean quietFor(ForLoopTree loop, VisitorState state, int depth) {
    if (!quietStatements(loop.getInitializer(), state, depth)
        || (loop.getCondition() != null && !quietExpression(loop.getCondition(), state, depth))
        || !quietStatements(loop.getUpdate(), state, depth)) {
      return false;
    }
    Symbol[] bounded = boundedIndex(loop);
    if (bounded == null) {
      return quietStatement(loop.getStatement(), state, depth);
    }
    Symbol previous = inBounds.put(bounded[0], bounded[1]);
    try {
      return quietStatement(loop.getStatement(), state, depth);
    } finally {
      if (previous == null) {
        inBounds.remove(bounded[0]);
      } else {
        inBounds.put(bounded[0], previous);
      }
    }
  }

  /** The index and the array of {@code for (int i = 0; i < a.length; i++)}, or null. */
  private static Symbol @Nullable [] boundedIndex(ForLoopTree loop) {
    if (loop.getInitializer().size() != 1
        || !(loop.getInitializer().get(0) instanceof VariableTree index)
        || index.getInitializer() == null
        || !(ASTHelpers.constValue(index.getInitializer()) instanceof Integer start)
        || start < 0
        || !(loop.getCondition() instanceof BinaryTree condition)
        || condition.getKind() != Tree.Kind.LESS_THAN
        || !(condition.getLeftOperand() instanceof IdentifierTree left)
        || !(condition.getRightOperand() instanceof MemberSelectTree length)
        || !length.getIdentifier().contentEquals("length")
        || !(length.getExpression() instanceof IdentifierTree arrayName)
        || loop.getUpdate().size() != 1
        || !(loop.getUpdate().get(0).getExpression() instanceof UnaryTree increment)
        || (increment.getKind() != Tree.Kind.POSTFIX_INCREMENT
            && increment.getKind() != Tree.Kind.PREFIX_INCREMENT)
        || !(increment.getExpression() instanceof IdentifierTree incremented)) {
      return null;
    }
    Symbol indexSymbol = ASTHelpers.getSymbol(index);
    Symbol array = ASTHelpers.getSymbol(arrayName);
    if (indexSymbol == null
        || array == null
        || ASTHelpers.getSymbol(left) != indexSymbol
        || ASTHelpers.getSymbol(incremented) != indexSymbol
        || assigns(loop.getStatement(), indexSymbol)
        || assigns(loop.getStatement(), array)) {
      return null;
    }
    return new Symbol[] {indexSymbol, array};
  }

  /** Whether {@code tree} assigns, increments or decrements {@code variable}. */
  private static boolean assigns(Tree tree, Symbol variable) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitAssignment(AssignmentTree node, Void unused) {
        found[0] |= ASTHelpers.getSymbol(node.getVariable()) == variable;
        return super.visitAssignment(node, null);
      }

      @Override
      public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
        found[0] |= ASTHelpers.getSymbol(node.getVariable()) == variable;
        return super.visitCompoundAssignment(node, null);
      }

      @Override
      public Void visitUnary(UnaryTree node, Void unused) {
        found[0] |= ASTHelpers.getSymbol(node.getExpression()) == variable;
        return super.visitUnary(node, null);
      }
    }.scan(tree, null);
    return found[0];
  }

  /**
   * A {@code try} that catches every exception is quiet whatever its body does, when the catch
   * and finally blocks are quiet themselves.
   */
  private boolean quietTry(TryTree attempt, VisitorState state, int depth) {
    boolean catchesEverything = false;
    for (CatchTree handler : attempt.getCatches()) {
      Type caught = ASTHelpers.getType(handler.getParameter());
      if (caught != null
          && (ASTHelpers.isSameType(caught, state.getSymtab().exceptionType, state)
              || ASTHelpers.isSameType(caught, state.getSymtab().throwableType, state))) {
        catchesEverything = true;
      }
      if (!quietStatement(handler.getBlock(), state, depth)) {
        return false;
      }
    }
    boolean bodyQuiet =
        catchesEverything
            || (attempt.getResources().isEmpty() && quietStatement(attempt.getBlock(), state, depth));
    return bodyQuiet && quietStatement(attempt.getFinallyBlock(), state, depth);
  }

  private boolean quietExpression(ExpressionTree expression, VisitorState state, int depth) {
    if (expression instanceof ParenthesizedTree parenthesized) {
      return quietExpression(parenthesized.getExpression(), state, depth);
    }
    if (expression instanceof IdentifierTree) {
      return true;
    }
    if (expression instanceof MemberSelectTree select) {
      return isThisOrClass(select.getExpression()) || isArrayLength(select);
    }
    if (expression instanceof ArrayAccessTree access) {
      // `names[i]` inside `for (int i = 0; i < names.length; i++)`.
      return access.getExpression() instanceof IdentifierTree array
          && access.getIndex() instanceof IdentifierTree index
          && ASTHelpers.getSymbol(index) != null
          && inBounds.get(ASTHelpers.getSymbol(index)) == ASTHelpers.getSymbol(array)
          && ASTHelpers.getSymbol(array) != null;
    }
    if (expression instanceof NewClassTree creation) {
      // `new HashSet<>()`, `new StringBuilder()`: the JDK constructions that cannot fail. (Not a
      // project's own objects: a method that makes one is a factory the analysis follows.)
      Type created = ASTHelpers.getType(creation);
      return creation.getClassBody() == null
          && created != null
          && created.tsym.getQualifiedName().toString().startsWith("java.")
          && creation.getArguments().stream().allMatch(argument -> quietExpression(argument, state, depth))
          && NonThrowingCalls.MATCHER.matches(creation, state);
    }
    if (expression instanceof NewArrayTree creation) {
      // `new String[0]`, `{"a", "b"}`: no negative size.
      return creation.getDimensions().stream().allMatch(this::isNonNegativeSize)
          && (creation.getInitializers() == null
              || creation.getInitializers().stream()
                  .allMatch(element -> quietExpression(element, state, depth)));
    }
    if (expression instanceof AssignmentTree assignment) {
      return isPlainVariable(assignment.getVariable())
          && !unboxes(ASTHelpers.getType(assignment.getVariable()), assignment.getExpression())
          && quietExpression(assignment.getExpression(), state, depth);
    }
    if (expression instanceof CompoundAssignmentTree compound) {
      return isPlainVariable(compound.getVariable())
          && hasValueType(compound.getVariable())
          && hasValueType(compound.getExpression())
          && !isIntegerDivision(compound.getKind(), compound.getVariable())
          && quietExpression(compound.getExpression(), state, depth);
    }
    if (expression instanceof UnaryTree unary) {
      return hasPrimitiveType(unary.getExpression())
          && quietExpression(unary.getExpression(), state, depth);
    }
    if (expression instanceof BinaryTree binary) {
      return quietBinary(binary, state, depth);
    }
    if (expression instanceof ConditionalExpressionTree conditional) {
      return quietExpression(conditional.getCondition(), state, depth)
          && quietExpression(conditional.getTrueExpression(), state, depth)
          && quietExpression(conditional.getFalseExpression(), state, depth);
    }
    if (expression instanceof InstanceOfTree test) {
      return quietExpression(test.getExpression(), state, depth);
    }
    if (expression instanceof MethodInvocationTree call) {
      return quietInvocation(call, state, depth);
    }
    return isLiteral(expression.getKind());
  }

  /** Whether storing {@code value} into a variable of type {@code target} unboxes it. */
  private static boolean unboxes(Type target, ExpressionTree value) {
    return target != null && target.isPrimitive() && !hasPrimitiveType(value);
  }

  private boolean quietBinary(BinaryTree binary, VisitorState state, int depth) {
    Tree.Kind kind = binary.getKind();
    if (isStringConcatenation(binary)) {
      // A message being built ("[" + this + "]: created"): the objects' toString() is not a
      // failure anyone guards against.
      return quietExpression(binary.getLeftOperand(), state, depth)
          && quietExpression(binary.getRightOperand(), state, depth);
    }
    if (kind == Tree.Kind.EQUAL_TO || kind == Tree.Kind.NOT_EQUAL_TO) {
      // Reference comparison never unboxes unless one side is primitive.
      boolean unboxes =
          hasPrimitiveType(binary.getLeftOperand()) != hasPrimitiveType(binary.getRightOperand());
      if (unboxes) {
        return false;
      }
    } else if (!hasValueType(binary.getLeftOperand())
        || !hasValueType(binary.getRightOperand())
        || (isIntegerDivision(kind, binary.getLeftOperand())
            && !isNonZeroConstant(binary.getRightOperand()))) {
      return false;
    } else if (!hasPrimitiveType(binary.getLeftOperand())
        || !hasPrimitiveType(binary.getRightOperand())) {
      return false; // unboxing a null Integer throws
    }
    return quietExpression(binary.getLeftOperand(), state, depth)
        && quietExpression(binary.getRightOperand(), state, depth);
  }

  private boolean quietInvocation(MethodInvocationTree call, VisitorState state, int depth) {
    if (!call.getArguments().stream().allMatch(argument -> quietExpression(argument, state, depth))) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver != null
        && !(receiver instanceof IdentifierTree)
        && !quietExpression(receiver, state, depth)) {
      // `name.substring(i).equals("gz")`: the quiet `equals` is called on what may have thrown.
      return false;
    }
    if (KNOWN_QUIET.matches(call, state)) {
      return true;
    }
    if (isSystemPrint(call, state)) {
      return true;
    }
    if (STRING_VALUE_OF.matches(call, state)
        && call.getArguments().stream().allMatch(QuietMethods::hasValueType)) {
      return true; // `String.valueOf(names[i])`: no toString() of an object runs
    }
    if (receiver != null && isLocalJdkCollection(receiver) && isSafeCollectionCall(call)) {
      return true; // `set.add(x)` on a `new HashSet<>()` of this method
    }
    MethodSymbol method = ASTHelpers.getSymbol(call);
    return method != null
        && method.getThrownTypes().isEmpty()
        && (receiver == null || isThisOrClass(receiver))
        && (isQuietMethod(method, state, depth + 1)
            || (method.isConstructor() && quietDelegation(call, method, state, depth + 1)));
  }

  /** {@code System.out.println("…")} of strings and primitives: no user code runs. */
  private static boolean isSystemPrint(MethodInvocationTree call, VisitorState state) {
    return PRINT.matches(call, state)
        && isSystemStream(ASTHelpers.getReceiver(call))
        && call.getArguments().stream().allMatch(QuietMethods::hasValueType);
  }

  /** {@code System.out} or {@code System.err}. */
  private static boolean isSystemStream(ExpressionTree receiver) {
    Symbol symbol = ASTHelpers.getSymbol(receiver);
    return symbol != null
        && symbol.getKind() == ElementKind.FIELD
        && symbol.owner.getQualifiedName().contentEquals("java.lang.System")
        && (symbol.getSimpleName().contentEquals("out")
            || symbol.getSimpleName().contentEquals("err"));
  }

  /** Remembers {@code Set<String> set = new HashSet<>();}, a local that is never reassigned. */
  private void noteLocalCollection(VariableTree variable) {
    Symbol symbol = ASTHelpers.getSymbol(variable);
    if (symbol != null
        && symbol.getKind() == ElementKind.LOCAL_VARIABLE
        && (symbol.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0
        && variable.getInitializer() instanceof NewClassTree creation
        && creation.getClassBody() == null
        && ASTHelpers.getType(creation) != null
        && PLAIN_COLLECTIONS.contains(
            ASTHelpers.getType(creation).tsym.getQualifiedName().toString())) {
      localCollections.add(symbol);
    }
  }

  private boolean isLocalJdkCollection(ExpressionTree expression) {
    return expression instanceof IdentifierTree
        && localCollections.contains(ASTHelpers.getSymbol(expression));
  }

  /**
   * An element operation that takes no index: not {@code list.get(i)} or {@code remove(i)}, nor
   * the argument-less {@code remove()} of a deque.
   */
  private static boolean isSafeCollectionCall(MethodInvocationTree call) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null || !SAFE_COLLECTION_METHODS.contains(method.getSimpleName().toString())) {
      return false;
    }
    if (method.getSimpleName().contentEquals("remove") && method.getParameters().isEmpty()) {
      return false;
    }
    return method.getParameters().stream().noneMatch(parameter -> parameter.type.isPrimitive());
  }

  /** {@code names.length} of an array named by a local, a parameter or a field. */
  private static boolean isArrayLength(MemberSelectTree select) {
    Type type = ASTHelpers.getType(select.getExpression());
    return select.getIdentifier().contentEquals("length")
        && type != null
        && type.getKind() == TypeKind.ARRAY
        && isPlainVariable(select.getExpression());
  }

  private static boolean isNonNegativeConstant(ExpressionTree dimension) {
    return ASTHelpers.constValue(dimension) instanceof Integer size && size >= 0;
  }

  /** A constant, or a parameter a delegating constructor call passed one ({@link #quietDelegation}). */
  private boolean isNonNegativeSize(ExpressionTree dimension) {
    return isNonNegativeConstant(dimension)
        || (dimension instanceof IdentifierTree name
            && nonNegativeParameters.contains(ASTHelpers.getSymbol(name)));
  }

  /** {@code this}, {@code Outer.this}, {@code super} or a class name: never null. */
  private static boolean isThisOrClass(ExpressionTree receiver) {
    if (receiver instanceof IdentifierTree identifier
        && (identifier.getName().contentEquals("this") || identifier.getName().contentEquals("super"))) {
      return true;
    }
    Symbol symbol = ASTHelpers.getSymbol(receiver);
    return symbol != null
        && (symbol.getKind().isClass()
            || symbol.getKind().isInterface()
            || symbol.getKind() == ElementKind.PACKAGE
            || (receiver instanceof MemberSelectTree select
                && select.getIdentifier().contentEquals("this")));
  }

  /** A local, a parameter, or a field of {@code this} or of a class: not an array element. */
  private static boolean isPlainVariable(ExpressionTree variable) {
    return variable instanceof IdentifierTree
        || (variable instanceof MemberSelectTree select && isThisOrClass(select.getExpression()));
  }

  private static boolean hasPrimitiveType(ExpressionTree expression) {
    Type type = ASTHelpers.getType(expression);
    return type != null && type.isPrimitive();
  }

  /** A primitive or a string: what arithmetic and concatenation use without running user code. */
  private static boolean hasValueType(ExpressionTree expression) {
    Type type = ASTHelpers.getType(expression);
    return type != null
        && (type.isPrimitive()
            || (type.tsym != null && type.tsym.getQualifiedName().contentEquals("java.lang.String")));
  }

  private static boolean isStringConcatenation(BinaryTree binary) {
    Type type = ASTHelpers.getType(binary);
    return binary.getKind() == Tree.Kind.PLUS
        && type != null
        && type.tsym != null
        && type.tsym.getQualifiedName().contentEquals("java.lang.String");
  }

  private static boolean isNonZeroConstant(ExpressionTree divisor) {
    Object constant = ASTHelpers.constValue(divisor);
    return constant instanceof Number number && number.longValue() != 0;
  }

  /** An integer division or remainder, which throws when the divisor is zero. */
  private static boolean isIntegerDivision(Tree.Kind kind, ExpressionTree left) {
    boolean divides =
        kind == Tree.Kind.DIVIDE
            || kind == Tree.Kind.REMAINDER
            || kind == Tree.Kind.DIVIDE_ASSIGNMENT
            || kind == Tree.Kind.REMAINDER_ASSIGNMENT;
    if (!divides) {
      return false;
    }
    Type type = ASTHelpers.getType(left);
    return type == null
        || !(type.getKind() == TypeKind.FLOAT || type.getKind() == TypeKind.DOUBLE);
  }

  private static boolean isLiteral(Tree.Kind kind) {
    switch (kind) {
      case INT_LITERAL:
      case LONG_LITERAL:
      case FLOAT_LITERAL:
      case DOUBLE_LITERAL:
      case BOOLEAN_LITERAL:
      case CHAR_LITERAL:
      case STRING_LITERAL:
      case NULL_LITERAL:
        return true;
      default:
        return false;
    }
  }
}
