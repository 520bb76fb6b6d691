package dev.leakguard.fix;

import com.google.common.base.CaseFormat;
import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.UnionTypeTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.Types;
import dev.leakguard.flow.NonThrowingCalls;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites an {@link AutoCloseable} that a method leaks into try-with-resources, by moving source
 * text (comments and formatting kept), not by printing trees.
 *
 * <ul>
 *   <li>A local declaration {@code T r = <resource>;} moves into {@code try (T r = <resource>)}; the
 *       block covers every later statement of the enclosing block that uses {@code r} (or a
 *       variable initialised from it, such as a wrapper), and a trailing {@code r.close();} is
 *       dropped. Declarations inside the new block that are used after it are hoisted in front of
 *       it ({@code T x;} ... {@code x = ...;}); those that cannot be (a {@code var} of a
 *       non-denotable type, a local class, a pattern variable) extend the block instead.
 *   <li>An expression that is never stored ({@code Files.lines(p).count()}) gets a variable: the
 *       statement that evaluates it moves into {@code try (Stream<String> lines = Files.lines(p))},
 *       extended over the later uses of what that statement declares.
 *   <li>Adjacent declarations of several leaked resources share one {@code try (a; b)}; nested
 *       ones nest.
 * </ul>
 *
 * Where no rewrite keeps the behaviour and compiles, the result says why instead: the variable is
 * reassigned or assigned to a variable declared elsewhere (the resource lives across loop
 * iterations), the resource is returned, stored, captured or handed off on some paths, it is
 * acquired conditionally or in a loop condition, or {@code close()} throws a checked exception the
 * context does not handle.
 *
 * <p>Generic over the kind of resource: callers pass the expression whose value must be closed
 * (the outermost wrapper) and the {@link Ownership} of their spec. {@code UnclosedResource} and
 * {@code ExecutorNotShutdown} both use it.
 */
public final class TryWithResourcesFix {

  /** What a check knows about hand-offs, so that the fix does not close what was given away. */
  public interface Ownership {
    /** Whether passing an open resource as argument {@code index} of {@code callOrNew} hands it on. */
    boolean takesOwnership(ExpressionTree callOrNew, int index, VisitorState state);

    /** Whether evaluating {@code expression} acquires a resource the check would report. */
    boolean acquires(ExpressionTree expression, VisitorState state);

    /**
     * Whether the object {@code callOrNew} builds around argument {@code index} owns it once
     * built, a decorator ({@code new BufferedReader(reader)}).
     */
    default boolean wraps(ExpressionTree callOrNew, int index, VisitorState state) {
      return false;
    }

    /**
     * Whether {@code call} keeps argument {@code index} in its receiver to use later without
     * owning it ({@code parser.setInput(in)}): the receiver's later uses still read the resource.
     */
    default boolean holdsInReceiver(MethodInvocationTree call, int index, VisitorState state) {
      return false;
    }

    /**
     * Whether {@code call} returns a view of its receiver whose close closes the receiver ({@code
     * channel.socket()}): handing the view on hands the receiver on.
     */
    default boolean isClosingView(MethodInvocationTree call, VisitorState state) {
      return false;
    }

    /**
     * Whether {@code call} only closes argument {@code index} ({@code closeQuietly(in)}, a helper
     * of the project that does nothing else with its parameter): calling it again on a closed
     * resource does nothing.
     */
    default boolean onlyClosesArgument(MethodInvocationTree call, int index, VisitorState state) {
      return false;
    }
  }

  /**
   * The fix for one resource, or why there is none.
   *
   * @param whatItDoes the fix's short description, worded to follow "Did you mean to"
   */
  public record Rewrite(
      @Nullable SuggestedFix fix, @Nullable String whyNoFix, String whatItDoes) {
    /** What the usual rewrite does. */
    static final String SCOPED = "close it with try-with-resources";

    static Rewrite none(String why) {
      return new Rewrite(null, why, "");
    }

    static Rewrite scoped(SuggestedFix fix) {
      return new Rewrite(fix, null, SCOPED);
    }
  }

  private TryWithResourcesFix() {}

  /** Rewrites one resource; see {@link #rewriteAll}. */
  public static Rewrite rewrite(TreePath resource, Ownership ownership, VisitorState state) {
    return rewriteAll(ImmutableList.of(resource), ownership, state).get(0);
  }

  /**
   * Rewrites every resource of one method or lambda body into try-with-resources, as one
   * consistent set of edits: each result that has a fix carries the same fix, so applying any or
   * all of them gives the same code. Never throws; a shape it does not understand gets no fix.
   *
   * @param resources paths to the expressions whose values must be closed: a variable's
   *     initializer, or an expression that is never stored
   */
  public static ImmutableList<Rewrite> rewriteAll(
      List<TreePath> resources, Ownership ownership, VisitorState state) {
    try {
      return new Planner(resources, ownership, state).run();
    } catch (RuntimeException e) {
      ImmutableList.Builder<Rewrite> none = ImmutableList.builder();
      for (int i = 0; i < resources.size(); i++) {
        none.add(Rewrite.none("the code around it has a shape the fix does not handle"));
      }
      return none.build();
    }
  }

  /**
   * Declares the resource at {@code inner}, an argument of a wrapper in a try-with-resources
   * header, as a resource of its own in front of the wrapper's: {@code try (ObjectInputStream in =
   * new ObjectInputStream(new FileInputStream(f)))} becomes {@code try (FileInputStream
   * fileInputStream = new FileInputStream(f); ObjectInputStream in = new
   * ObjectInputStream(fileInputStream))}, so that it is closed even when the wrapper's constructor
   * throws. No fix when {@code inner} is not inside a resource declaration of a try header.
   */
  public static Rewrite splitLayer(TreePath inner, VisitorState state) {
    try {
      TreePath declaration = inner.getParentPath();
      while (declaration != null && !(declaration.getLeaf() instanceof VariableTree)) {
        if (declaration.getLeaf() instanceof StatementTree) {
          return Rewrite.none("the wrapper is not declared in a try-with-resources header");
        }
        declaration = declaration.getParentPath();
      }
      if (declaration == null
          || !(declaration.getParentPath().getLeaf() instanceof TryTree tryTree)
          || !tryTree.getResources().contains(declaration.getLeaf())) {
        return Rewrite.none("the wrapper is not declared in a try-with-resources header");
      }
      Type type = ASTHelpers.getType(inner.getLeaf());
      String source = state.getSourceForNode(inner.getLeaf());
      if (type == null || source == null || type.isErroneous()) {
        return Rewrite.none("the code around it has a shape the fix does not handle");
      }
      ExpressionTree expression = (ExpressionTree) inner.getLeaf();
      String name = unusedName(baseName(expression), namesIn(inner));
      SuggestedFix.Builder fix = SuggestedFix.builder();
      String typeName = SuggestedFixes.qualifyType(state, fix, type);
      // Each resource on a line of its own, the later ones as continuation lines.
      CharSequence text = state.getSourceCode();
      int tryStart = ASTHelpers.getStartPosition(tryTree);
      String tryIndent = SourceText.indentOf(text, tryStart);
      List<? extends StatementTree> body = tryTree.getBlock().getStatements();
      String unit =
          body.isEmpty()
              ? "  "
              : SourceText.indentUnit(
                  SourceText.indentOf(text, ASTHelpers.getStartPosition(body.get(0))), tryIndent);
      fix.prefixWith(
          declaration.getLeaf(),
          typeName + " " + name + " = " + source + ";\n" + tryIndent + unit + unit);
      fix.replace(expression, name);
      return new Rewrite(
          fix.build(),
          null,
          "declare the wrapped resource as a resource of its own in the try header, so that it is"
              + " closed when the wrapper's constructor throws");
    } catch (RuntimeException e) {
      return Rewrite.none("the code around it has a shape the fix does not handle");
    }
  }

  /** {@code lines} for {@code Files.lines(p)}, else the value type's name: {@code fileInputStream}. */
  static String baseName(ExpressionTree expression) {
    Symbol symbol = ASTHelpers.getSymbol(expression);
    if (expression instanceof MethodInvocationTree
        && symbol != null
        && symbol.getSimpleName().contentEquals("lines")) {
      return "lines";
    }
    Type type = ASTHelpers.getType(expression);
    String simple =
        type == null || type.tsym == null ? "resource" : type.tsym.getSimpleName().toString();
    return simple.isEmpty()
        ? "resource"
        : CaseFormat.UPPER_CAMEL.to(CaseFormat.LOWER_CAMEL, simple);
  }

  /** {@code base}, or {@code base2}, {@code base3}…: the first that is neither taken nor a keyword. */
  static String unusedName(String base, Set<String> taken) {
    String name = base;
    for (int i = 2; taken.contains(name) || javax.lang.model.SourceVersion.isKeyword(name); i++) {
      name = base + i;
    }
    taken.add(name);
    return name;
  }

  /** Every identifier and declared name of the compilation unit: a new name must avoid them all. */
  static Set<String> namesIn(TreePath where) {
    return namesIn(where.getCompilationUnit());
  }

  /** Every identifier and declared name in {@code root}. */
  static Set<String> namesIn(Tree root) {
    Set<String> names = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        names.add(node.getName().toString());
        return null;
      }

      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        names.add(node.getName().toString());
        return super.visitVariable(node, null);
      }
    }.scan(root, null);
    return names;
  }

  /** {@code in.read(...)}: how a message names a call or {@code new}. */
  static String shortCall(Tree call, VisitorState state) {
    String text = state.getSourceForNode(call);
    if (text == null) {
      return "a call";
    }
    int paren = text.indexOf('(');
    return paren > 0 ? text.substring(0, paren) + "(...)" : text;
  }

  /**
   * Why {@code close()} of a {@code type} cannot be called at {@code from}: it has none, or it
   * throws a checked exception that the enclosing code neither throws nor catches. Null when it can.
   */
  static @Nullable String whyCloseUnhandled(Type type, TreePath from, VisitorState state) {
    MethodSymbol close = findClose(type, state);
    if (close == null) {
      return "its type has no close() method";
    }
    Types types = state.getTypes();
    Type runtime = state.getSymtab().runtimeExceptionType;
    Type error = state.getSymtab().errorType;
    for (Type thrown : types.memberType(type, close).getThrownTypes()) {
      if (types.isSubtype(thrown, runtime) || types.isSubtype(thrown, error)) {
        continue;
      }
      if (!handled(thrown, from, state)) {
        return "`close()` of `"
            + SuggestedFixes.prettyType(type, state)
            + "` throws `"
            + SuggestedFixes.prettyType(thrown, state)
            + "`, which the enclosing code neither throws nor catches";
      }
    }
    return null;
  }

  /**
   * A primitive, a boxed primitive, a {@code String}, an array or an enum: a copy, not a view. So
   * is a task's {@code Future} or {@code CompletionStage}: closing an executor waits for its tasks,
   * so their results are complete, not cut off, after the try.
   */
  static boolean isPlainData(Type type, VisitorState state) {
    if (type.isPrimitive() || type.getKind() == TypeKind.ARRAY) {
      return true;
    }
    Types types = state.getTypes();
    if (types.unboxedType(type).getKind() != TypeKind.NONE
        || types.isSameType(types.erasure(type), state.getSymtab().stringType)
        || (type.tsym != null && type.tsym.getKind() == ElementKind.ENUM)) {
      return true;
    }
    for (String result :
        List.of("java.util.concurrent.Future", "java.util.concurrent.CompletionStage")) {
      Type resultType = state.getTypeFromString(result);
      if (resultType != null
          && ASTHelpers.isSubtype(types.erasure(type), types.erasure(resultType), state)) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable MethodSymbol findClose(Type type, VisitorState state) {
    Types types = state.getTypes();
    Deque<Type> queue = new ArrayDeque<>();
    queue.add(type);
    Set<Symbol> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      Type t = queue.poll();
      if (!(t.tsym instanceof ClassSymbol cls) || !seen.add(cls)) {
        continue;
      }
      for (Symbol member : cls.getEnclosedElements()) {
        if (member instanceof MethodSymbol method
            && method.getSimpleName().contentEquals("close")
            && method.getParameters().isEmpty()
            && !method.isStatic()) {
          return method;
        }
      }
      Type superclass = types.supertype(t);
      if (superclass != null && superclass.tsym != null) {
        queue.add(superclass);
      }
      queue.addAll(types.interfaces(t));
    }
    return null;
  }

  static boolean handled(Type thrown, TreePath from, VisitorState state) {
    Types types = state.getTypes();
    TreePath child = from;
    for (TreePath p = from.getParentPath(); p != null; child = p, p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof TryTree tryTree && tryTree.getBlock() == child.getLeaf()) {
        for (CatchTree catchTree : tryTree.getCatches()) {
          Tree caughtType = catchTree.getParameter().getType();
          List<? extends Tree> alternatives =
              caughtType instanceof UnionTypeTree union ? union.getTypeAlternatives() : List.of(caughtType);
          for (Tree alternative : alternatives) {
            Type caught = ASTHelpers.getType(alternative);
            if (caught != null && types.isSubtype(thrown, caught)) {
              return true;
            }
          }
        }
      }
      if (leaf instanceof MethodTree method) {
        MethodSymbol symbol = ASTHelpers.getSymbol(method);
        for (Type declared : symbol.getThrownTypes()) {
          if (types.isSubtype(thrown, declared)) {
            return true;
          }
        }
        return false;
      }
      if (leaf instanceof LambdaExpressionTree lambda) {
        Type lambdaType = ASTHelpers.getType(lambda);
        if (lambdaType == null) {
          return false;
        }
        Type descriptor = types.findDescriptorType(lambdaType);
        for (Type declared : descriptor.getThrownTypes()) {
          if (types.isSubtype(thrown, declared)) {
            return true;
          }
        }
        return false;
      }
      if (leaf instanceof ClassTree) {
        return false;
      }
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------

  /** One resource's try-with-resources: which statements of which block it covers. */
  private static final class Plan {
    final int inputIndex;
    final ExpressionTree expression;
    TreePath blockPath;
    BlockTree block;
    /** Index of the first statement covered: the declaration or the statement evaluating it. */
    int start;
    /** Index of the last statement covered, inclusive. */
    int end;
    /** The declaration, for a resource stored in a local variable; else null. */
    @Nullable VariableTree declaration;
    /** The new variable's name, for a resource that is never stored. */
    @Nullable String newName;
    @Nullable Type type;
    /** The resource's variable and every local that holds a wrapper or alias of it. */
    final Set<Symbol> aliases = new LinkedHashSet<>();
    /** For an alias that holds a wrapper built on the resource, the wrapper's {@code new}. */
    final Map<Symbol, String> wrappedIn = new HashMap<>();
    /** The plan this one shares a try header with (its resource comes first), or null. */
    @Nullable Plan joinedTo;
    final Set<Symbol> hoisted = new LinkedHashSet<>();
    @Nullable String whyNot;

    Plan(int inputIndex, ExpressionTree expression) {
      this.inputIndex = inputIndex;
      this.expression = expression;
    }

    Plan root() {
      Plan p = this;
      while (p.joinedTo != null) {
        p = p.joinedTo;
      }
      return p;
    }
  }

  private static final class Planner {
    private final List<TreePath> resources;
    private final Ownership ownership;
    private final VisitorState state;
    private final CharSequence source;
    private final Set<ExpressionTree> resourceExpressions = new HashSet<>();
    private final Set<String> takenNames = new HashSet<>();

    Planner(List<TreePath> resources, Ownership ownership, VisitorState state) {
      this.resources = resources;
      this.ownership = ownership;
      this.state = state;
      this.source = state.getSourceCode();
      for (TreePath p : resources) {
        resourceExpressions.add((ExpressionTree) p.getLeaf());
      }
    }

    ImmutableList<Rewrite> run() {
      if (source == null) {
        return allNone("the source is not available");
      }
      List<Plan> plans = new ArrayList<>();
      // Two acquisitions inside one wrapper (`new SequenceInputStream(a, b)`) share its rewrite.
      java.util.Map<Tree, Plan> byExpression = new java.util.HashMap<>();
      List<Plan> resultPlans = new ArrayList<>();
      for (int i = 0; i < resources.size(); i++) {
        Tree leaf = resources.get(i).getLeaf();
        Plan existing = byExpression.get(leaf);
        if (existing != null) {
          resultPlans.add(existing);
          continue;
        }
        Plan plan = new Plan(i, (ExpressionTree) leaf);
        plan.whyNot = locate(plan, resources.get(i));
        plans.add(plan);
        resultPlans.add(plan);
        byExpression.put(leaf, plan);
      }
      List<Plan> live = new ArrayList<>();
      for (Plan plan : plans) {
        if (plan.whyNot == null) {
          live.add(plan);
        }
      }
      settleRegions(live);
      for (Plan plan : live) {
        if (plan.whyNot == null) {
          plan.whyNot = checkCloseExceptions(plan);
        }
      }
      // A plan that fails takes the plans sharing its header with it.
      for (Plan plan : live) {
        if (plan.whyNot != null && plan.joinedTo == null) {
          for (Plan other : live) {
            if (other != plan && other.root() == plan && other.whyNot == null) {
              other.whyNot = plan.whyNot;
            }
          }
        }
        if (plan.whyNot == null && plan.root().whyNot != null) {
          plan.whyNot = plan.root().whyNot;
        }
      }
      List<Plan> ok = new ArrayList<>();
      for (Plan plan : live) {
        if (plan.whyNot == null) {
          ok.add(plan);
        }
      }
      SuggestedFix fix = ok.isEmpty() ? null : emit(ok);
      ImmutableList.Builder<Rewrite> results = ImmutableList.builder();
      for (Plan plan : resultPlans) {
        results.add(plan.whyNot == null && fix != null ? Rewrite.scoped(fix) : Rewrite.none(plan.whyNot));
      }
      return results.build();
    }

    private ImmutableList<Rewrite> allNone(String why) {
      ImmutableList.Builder<Rewrite> none = ImmutableList.builder();
      for (int i = 0; i < resources.size(); i++) {
        none.add(Rewrite.none(why));
      }
      return none.build();
    }

    // ---- where the try goes -------------------------------------------------------------------

    /** Fills in the plan's block and first region; returns why there is no fix, or null. */
    private @Nullable String locate(Plan plan, TreePath resource) {
      TreePath child = resource;
      TreePath parent = resource.getParentPath();
      while (parent != null
          && (parent.getLeaf() instanceof ParenthesizedTree || parent.getLeaf() instanceof TypeCastTree)) {
        child = parent;
        parent = parent.getParentPath();
      }
      if (parent == null) {
        return "the code around it has a shape the fix does not handle";
      }
      if (parent.getLeaf() instanceof VariableTree variable && variable.getInitializer() == child.getLeaf()) {
        return locateDeclared(plan, parent, variable);
      }
      if (parent.getLeaf() instanceof AssignmentTree assignment) {
        Symbol target = ASTHelpers.getSymbol(assignment.getVariable());
        String name = state.getSourceForNode(assignment.getVariable());
        return "it is assigned to `"
            + name
            + "`, which is declared elsewhere"
            + (target != null && assignedInLoop(parent) ? ", so it lives across loop iterations" : "");
      }
      return locateUnstored(plan, resource);
    }

    private boolean assignedInLoop(TreePath assignment) {
      for (TreePath p = assignment; p != null; p = p.getParentPath()) {
        Tree leaf = p.getLeaf();
        if (leaf instanceof MethodTree || leaf instanceof LambdaExpressionTree || leaf instanceof ClassTree) {
          return false;
        }
        switch (leaf.getKind()) {
          case FOR_LOOP, ENHANCED_FOR_LOOP, WHILE_LOOP, DO_WHILE_LOOP -> {
            return true;
          }
          default -> {}
        }
      }
      return false;
    }

    private @Nullable String locateDeclared(Plan plan, TreePath declarationPath, VariableTree variable) {
      TreePath blockPath = declarationPath.getParentPath();
      if (!(blockPath.getLeaf() instanceof BlockTree block)) {
        return "it is declared outside a block (a loop header or a switch case)";
      }
      Symbol symbol = ASTHelpers.getSymbol(variable);
      if (symbol == null) {
        return "the code around it has a shape the fix does not handle";
      }
      Type declared = symbol.type;
      Type autoCloseable = state.getTypeFromString("java.lang.AutoCloseable");
      if (declared == null || autoCloseable == null || !ASTHelpers.isSubtype(declared, autoCloseable, state)) {
        return "it is declared as `" + state.getSourceForNode(variable.getType()) + "`, which is not AutoCloseable";
      }
      Tree body = enclosingBody(blockPath);
      if (body != null && isReassigned(body, symbol)) {
        return "`" + variable.getName() + "` is reassigned, so one variable holds several resources";
      }
      plan.blockPath = blockPath;
      plan.block = block;
      plan.start = block.getStatements().indexOf(variable);
      if (Hoisting.declaresOthersWith(block.getStatements(), plan.start)) {
        // `T a = open(), b = null;`: a try header declares one resource per declaration.
        return "`" + variable.getName() + "` is declared together with other variables";
      }
      plan.end = plan.start;
      plan.declaration = variable;
      plan.type = declared;
      plan.aliases.add(symbol);
      return extendOverUses(plan);
    }

    /** Extends the region over every later use of the resource or an alias of it. */
    private @Nullable String extendOverUses(Plan plan) {
      List<? extends StatementTree> statements = plan.block.getStatements();
      for (int i = plan.start + 1; i < statements.size(); i++) {
        StatementTree statement = statements.get(i);
        UseScan scan = new UseScan(plan);
        scan.scan(new TreePath(plan.blockPath, statement), null);
        if (scan.whyNot != null) {
          return scan.whyNot;
        }
        if (scan.used) {
          plan.end = i;
          plan.aliases.addAll(scan.newAliases);
        }
      }
      return null;
    }

    /** Finds uses of a resource in a statement, new aliases of it, and uses the fix cannot keep. */
    private final class UseScan extends TreePathScanner<Void, Void> {
      final Set<Symbol> aliases;
      final Plan plan;
      final Set<Symbol> newAliases = new HashSet<>();
      boolean used;
      @Nullable String whyNot;

      UseScan(Plan plan) {
        this.plan = plan;
        this.aliases = plan.aliases;
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        Symbol symbol = ASTHelpers.getSymbol(node);
        if (symbol != null && (aliases.contains(symbol) || newAliases.contains(symbol))) {
          used = true;
          if (whyNot == null) {
            whyNot = escape(getCurrentPath());
          }
        }
        return null;
      }

      /** Why this use of the resource hands it on beyond the try, or null for a plain use. */
      private @Nullable String escape(TreePath use) {
        for (TreePath p = use.getParentPath(); p != null; p = p.getParentPath()) {
          Tree leaf = p.getLeaf();
          if (leaf instanceof LambdaExpressionTree || leaf instanceof ClassTree) {
            return "it is captured by a lambda or class that may outlive the block";
          }
          if (leaf instanceof BlockTree && p.getLeaf() == plan.block) {
            break;
          }
        }
        // Follow the value itself: through parentheses, casts, conditionals and wrappers.
        Symbol used = ASTHelpers.getSymbol(use.getLeaf());
        String wrapper = used == null ? null : plan.wrappedIn.get(used);
        TreePath child = use;
        for (TreePath p = use.getParentPath(); p != null; child = p, p = p.getParentPath()) {
          Tree leaf = p.getLeaf();
          if (leaf instanceof ParenthesizedTree || leaf instanceof TypeCastTree) {
            continue;
          }
          if (leaf instanceof ConditionalExpressionTree conditional) {
            if (conditional.getCondition() == child.getLeaf()) {
              return null;
            }
            continue;
          }
          if (leaf instanceof ReturnTree) {
            // dbunit's XmlProducer returns `new InputSource(in)`: the object returned may still
            // read it, so closing it at the end of a block would change what the caller gets.
            return wrapper == null
                ? "it is returned on some paths"
                : "it is returned inside `" + wrapper + "`, which may still read it";
          }
          if (leaf instanceof YieldTree) {
            return "it leaves a switch expression through `yield`";
          }
          if (leaf instanceof ThrowTree) {
            return "it is thrown on some paths";
          }
          if (leaf instanceof AssignmentTree assignment) {
            if (assignment.getExpression() != child.getLeaf()) {
              return null;
            }
            Symbol target = ASTHelpers.getSymbol(assignment.getVariable());
            if (target != null
                && isLocal(target)
                && assignment.getVariable() instanceof IdentifierTree
                && declares(plan.block, target)) {
              newAliases.add(target);
              return null;
            }
            // A local declared outside the block (zookeeper FourLetterWordMain: `sock = sslSock`
            // inside a nested try, `sock` read after it) is read where the try cannot reach.
            return "it is stored in `" + state.getSourceForNode(assignment.getVariable()) + "` on some paths";
          }
          if (leaf instanceof VariableTree variable) {
            if (variable.getInitializer() == child.getLeaf()) {
              Symbol target = ASTHelpers.getSymbol(variable);
              if (target != null) {
                newAliases.add(target);
                if (wrapper != null) {
                  plan.wrappedIn.put(target, wrapper);
                }
              }
            }
            return null;
          }
          if (leaf instanceof NewArrayTree) {
            return "it is stored in an array on some paths";
          }
          if (leaf instanceof MethodInvocationTree || leaf instanceof NewClassTree) {
            List<? extends ExpressionTree> arguments =
                leaf instanceof MethodInvocationTree call
                    ? call.getArguments()
                    : ((NewClassTree) leaf).getArguments();
            int index = arguments.indexOf(child.getLeaf());
            if (index < 0) {
              return null; // the receiver of a call: a plain use
            }
            if (ownership.takesOwnership((ExpressionTree) leaf, index, state.withPath(p))) {
              return "it is handed to `" + shortCall(leaf, state) + "` on some paths";
            }
            if (leaf instanceof MethodInvocationTree call
                && ownership.holdsInReceiver(call, index, state.withPath(p))) {
              // `parser.setInput(in)`: the parser reads it until its last use.
              Symbol holder = ASTHelpers.getSymbol(ASTHelpers.getReceiver(call));
              if (holder == null || !isLocal(holder) || !declares(plan.block, holder)) {
                return "it is kept by `"
                    + state.getSourceForNode(ASTHelpers.getReceiver(call))
                    + "`, which outlives the block";
              }
              newAliases.add(holder);
              return null;
            }
            if (leaf instanceof NewClassTree) {
              wrapper = shortCall(leaf, state);
              continue; // a wrapper: its value holds the resource
            }
            return null;
          }
          return null;
        }
        return null;
      }
    }

    /** Whether {@code variable} is declared inside {@code block}. */
    private boolean declares(BlockTree block, Symbol variable) {
      boolean[] found = {false};
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitVariable(VariableTree node, Void unused) {
          found[0] |= ASTHelpers.getSymbol(node) == variable;
          return super.visitVariable(node, null);
        }
      }.scan(block, null);
      return found[0];
    }

    private boolean isLocal(Symbol symbol) {
      return symbol.getKind() == javax.lang.model.element.ElementKind.LOCAL_VARIABLE
          || symbol.getKind() == javax.lang.model.element.ElementKind.RESOURCE_VARIABLE
          || symbol.getKind() == javax.lang.model.element.ElementKind.BINDING_VARIABLE;
    }

    private @Nullable String locateUnstored(Plan plan, TreePath resource) {
      TreePath child = resource;
      TreePath parent = resource.getParentPath();
      for (; parent != null && !(parent.getLeaf() instanceof StatementTree); child = parent, parent = parent.getParentPath()) {
        String why = evaluatedFirst(parent.getLeaf(), child.getLeaf());
        if (why != null) {
          return why;
        }
      }
      if (parent == null) {
        return "the code around it has a shape the fix does not handle";
      }
      StatementTree statement = (StatementTree) parent.getLeaf();
      String why = statementEvaluatesOnceFirst(statement, child.getLeaf());
      if (why != null) {
        return why;
      }
      TreePath blockPath = parent.getParentPath();
      if (!(blockPath.getLeaf() instanceof BlockTree block)) {
        return "the statement that opens it is not in a block";
      }
      Type type = ASTHelpers.getType(plan.expression);
      if (type == null) {
        return "the code around it has a shape the fix does not handle";
      }
      plan.blockPath = blockPath;
      plan.block = block;
      plan.start = block.getStatements().indexOf(statement);
      plan.end = plan.start;
      plan.type = type;
      plan.newName = newName(plan.expression, blockPath);
      // What the statement declares stays in the try: the block extends over its later uses.
      Set<Symbol> declared = Hoisting.topLevelDeclarations(statement);
      plan.aliases.addAll(declared);
      return extendOverUses(plan);
    }

    /** Null when {@code child}, a part of {@code parent}, is evaluated once and first. */
    private @Nullable String evaluatedFirst(Tree parent, Tree child) {
      if (parent instanceof LambdaExpressionTree || parent instanceof ClassTree) {
        return "it is opened inside an expression lambda";
      }
      if (parent instanceof ConditionalExpressionTree conditional && conditional.getCondition() != child) {
        return "it is opened conditionally";
      }
      if (parent instanceof BinaryTree binary) {
        if (binary.getRightOperand() == child) {
          if (binary.getKind() == Tree.Kind.CONDITIONAL_AND || binary.getKind() == Tree.Kind.CONDITIONAL_OR) {
            return "it is opened conditionally";
          }
          if (!isSimple(binary.getLeftOperand())) {
            return "moving it first would change the order of evaluation";
          }
        }
        return null;
      }
      if (parent instanceof com.sun.source.tree.SwitchExpressionTree switchExpression
          && switchExpression.getExpression() != child) {
        return "it is opened conditionally";
      }
      if (parent instanceof MethodInvocationTree call) {
        int index = call.getArguments().indexOf(child);
        if (index >= 0) {
          ExpressionTree receiver = ASTHelpers.getReceiver(call);
          if (receiver != null && !isSimple(receiver)) {
            return "moving it first would change the order of evaluation";
          }
          for (int i = 0; i < index; i++) {
            if (!isSimple(call.getArguments().get(i))) {
              return "moving it first would change the order of evaluation";
            }
          }
        }
        return null;
      }
      if (parent instanceof NewClassTree newClass) {
        if (newClass.getClassBody() != null) {
          return "it is opened inside an anonymous class";
        }
        int index = newClass.getArguments().indexOf(child);
        if (newClass.getEnclosingExpression() != null && !isSimple(newClass.getEnclosingExpression())) {
          return "moving it first would change the order of evaluation";
        }
        for (int i = 0; i < index; i++) {
          if (!isSimple(newClass.getArguments().get(i))) {
            return "moving it first would change the order of evaluation";
          }
        }
        return null;
      }
      if (parent instanceof AssignmentTree assignment) {
        if (!(assignment.getVariable() instanceof IdentifierTree)) {
          return "moving it first would change the order of evaluation";
        }
        return null;
      }
      if (parent instanceof CompoundAssignmentTree) {
        return "moving it first would change the order of evaluation";
      }
      return null;
    }

    /** Null when the statement evaluates {@code child} once, before anything else. */
    private @Nullable String statementEvaluatesOnceFirst(StatementTree statement, Tree child) {
      return switch (statement.getKind()) {
        case EXPRESSION_STATEMENT, VARIABLE, RETURN, THROW -> null;
        case IF -> ((IfTree) statement).getCondition() == child ? null : "it is opened conditionally";
        case ENHANCED_FOR_LOOP -> ((EnhancedForLoopTree) statement).getExpression() == child ? null : "it is opened in a loop";
        case SWITCH -> ((SwitchTree) statement).getExpression() == child ? null : "it is opened conditionally";
        case SYNCHRONIZED -> ((SynchronizedTree) statement).getExpression() == child ? null : "the code around it has a shape the fix does not handle";
        case WHILE_LOOP, DO_WHILE_LOOP, FOR_LOOP -> "it is opened on every iteration of a loop condition";
        default -> "the code around it has a shape the fix does not handle";
      };
    }

    /** Literals, names, {@code this}, field reads: evaluating them first or later is the same. */
    private boolean isSimple(ExpressionTree tree) {
      ExpressionTree e = ASTHelpers.stripParentheses(tree);
      if (resourceExpressions.contains(e)) {
        return true; // another resource opened by the same rewrite, in order
      }
      if (e instanceof LiteralTree || e instanceof IdentifierTree) {
        return true;
      }
      if (e instanceof MemberSelectTree select) {
        return isSimple(select.getExpression()) || ASTHelpers.getSymbol(select) instanceof ClassSymbol;
      }
      return false;
    }

    // ---- settling regions ---------------------------------------------------------------------

    /**
     * Extends regions until they are consistent: declarations used after a region are hoisted or
     * pulled in, overlapping regions of one block nest, adjacent declarations share a header.
     */
    private void settleRegions(List<Plan> plans) {
      allPlans.addAll(plans);
      plans.sort(Comparator.comparingInt((Plan p) -> ASTHelpers.getStartPosition(p.block.getStatements().get(p.start))).thenComparingInt(p -> ASTHelpers.getStartPosition(p.expression)));
      boolean changed = true;
      int rounds = 0;
      while (changed && rounds++ < 50) {
        changed = false;
        for (Plan plan : plans) {
          if (plan.whyNot == null) {
            changed |= pullInUnhoistable(plan);
          }
        }
        for (int i = 0; i < plans.size(); i++) {
          Plan a = plans.get(i);
          for (int j = i + 1; j < plans.size(); j++) {
            Plan b = plans.get(j);
            if (a.block != b.block || a.whyNot != null || b.whyNot != null) {
              continue;
            }
            Plan ra = a.root();
            Plan rb = b.root();
            if (ra == rb) {
              continue;
            }
            boolean join =
                (ra.start == rb.start && ra.newName != null && rb.newName != null)
                    || (ra.declaration != null
                        && rb.declaration != null
                        && rb.start == lastHeaderStatement(ra) + 1
                        && ra.end >= rb.start);
            if (join) {
              rb.joinedTo = ra;
              ra.end = Math.max(ra.end, rb.end);
              ra.aliases.addAll(rb.aliases);
              changed = true;
            } else if (rb.start <= ra.end && rb.end > ra.end) {
              ra.end = rb.end; // nest b inside a
              changed = true;
            } else if (ra.start == rb.start) {
              b.whyNot = "it is opened in the same statement as another resource the fix cannot combine with";
              changed = true;
            }
          }
        }
        for (Plan plan : plans) {
          if (plan.whyNot == null && plan.joinedTo != null) {
            plan.end = plan.root().end;
          }
        }
      }
      // Hoisting, outermost regions first, so that an inner try does not hoist twice.
      List<Plan> roots = new ArrayList<>();
      for (Plan plan : plans) {
        if (plan.whyNot == null && plan.joinedTo == null) {
          roots.add(plan);
        }
      }
      roots.sort(Comparator.comparingInt((Plan p) -> p.start).thenComparingInt(p -> -p.end));
      Set<Symbol> alreadyHoisted = new HashSet<>();
      for (Plan plan : roots) {
        for (Symbol symbol : usedAfter(plan)) {
          if (alreadyHoisted.add(symbol)) {
            plan.hoisted.add(symbol);
          }
        }
      }
    }

    private int lastHeaderStatement(Plan root) {
      int last = root.start;
      for (Plan p : allPlans) {
        if (p.root() == root && p.start > last) {
          last = p.start;
        }
      }
      return last;
    }

    private final List<Plan> allPlans = new ArrayList<>();

    /**
     * Extends the plan over the uses of declarations it cannot hoist; true when it changed. A
     * hoistable declaration is a top-level {@code T x = ...;} with a denotable type, one
     * declarator, and not one of the resource's aliases.
     */
    private boolean pullInUnhoistable(Plan plan) {
      boolean changed = false;
      boolean again = true;
      while (again) {
        again = false;
        List<? extends StatementTree> statements = plan.block.getStatements();
        for (int i = plan.start; i <= plan.end; i++) {
          StatementTree statement = statements.get(i);
          Set<Symbol> declared = new HashSet<>();
          boolean hoistable = false;
          if (statement instanceof VariableTree variable && i != plan.start) {
            Symbol symbol = ASTHelpers.getSymbol(variable);
            if (symbol != null && !plan.aliases.contains(symbol)) {
              declared.add(symbol);
              hoistable =
                  !isViewOfTheResource(variable, plan)
                      && Hoisting.whyNotHoistable(statements, plan.root().start, i, state) == null;
            }
          } else if (i != plan.start || plan.newName != null) {
            declared.addAll(Hoisting.topLevelDeclarations(statement));
            if (i == plan.start) {
              declared.removeAll(plan.aliases); // already covered by extendOverUses
            }
          }
          if (declared.isEmpty() || hoistable) {
            continue;
          }
          int last = Hoisting.lastUse(statements, plan.end + 1, declared);
          if (last > plan.end) {
            plan.end = last;
            changed = true;
            again = true;
          }
        }
      }
      return changed;
    }

    /**
     * A value that lives only as long as the resource it came from ({@code ResultSet r =
     * st.executeQuery(sql)}, {@code InputStream in = socket.getInputStream()}, an iterator of a
     * directory stream), or that may read it later (a parser or archive reader built on the stream:
     * zookeeper's {@code ia = BinaryInputArchive.getArchive(snapIS)}): its uses must stay inside the
     * try, or they would read a closed resource. Values that are plain data (numbers, strings,
     * arrays, enums) are copies and may leave the try.
     */
    private boolean isViewOfTheResource(VariableTree variable, Plan plan) {
      if (variable.getInitializer() == null
          || !Hoisting.mentions(List.of(variable.getInitializer()), plan.aliases)) {
        return false;
      }
      Type type = ASTHelpers.getType(variable);
      if (type == null) {
        return false;
      }
      if (!isPlainData(type, state)) {
        return true;
      }
      for (String view :
          List.of("java.lang.AutoCloseable", "java.util.Iterator", "java.util.stream.BaseStream")) {
        Type viewType = state.getTypeFromString(view);
        if (viewType != null
            && ASTHelpers.isSubtype(state.getTypes().erasure(type), state.getTypes().erasure(viewType), state)) {
          return true;
        }
      }
      return false;
    }

    private Set<Symbol> usedAfter(Plan plan) {
      Set<Symbol> result = new LinkedHashSet<>();
      List<? extends StatementTree> statements = plan.block.getStatements();
      for (int i = plan.start + 1; i <= plan.end; i++) {
        if (statements.get(i) instanceof VariableTree variable) {
          Symbol symbol = ASTHelpers.getSymbol(variable);
          if (symbol != null
              && !plan.aliases.contains(symbol)
              && Hoisting.lastUse(statements, plan.end + 1, Set.of(symbol)) > plan.end) {
            result.add(symbol);
          }
        }
      }
      return result;
    }

    // ---- checked exceptions of close() ---------------------------------------------------------

    private @Nullable String checkCloseExceptions(Plan plan) {
      return plan.type == null
          ? "the code around it has a shape the fix does not handle"
          : whyCloseUnhandled(plan.type, plan.blockPath, state);
    }

    // ---- naming --------------------------------------------------------------------------------

    private String newName(ExpressionTree expression, TreePath where) {
      if (takenNames.isEmpty()) {
        takenNames.addAll(namesIn(where));
      }
      return unusedName(baseName(expression), takenNames);
    }

    // ---- emitting the edits --------------------------------------------------------------------

    /** Where one try goes once trailing closes are dropped: header end and closing brace. */
    private record Layout(Plan root, List<Plan> group, int end, int headerEnd, int closeAt) {}

    /** Every replacement made, to refuse a fix whose edits overlap rather than fail later. */
    private final List<int[]> edits = new ArrayList<>();

    private void edit(SuggestedFix.Builder fix, int from, int to, String text) {
      for (int[] other : edits) {
        boolean overlap =
            from == to
                ? other[0] < from && from < other[1]
                : (other[0] == other[1] ? from < other[0] && other[0] < to : from < other[1] && other[0] < to);
        if (overlap) {
          throw new IllegalStateException(
              "overlapping edits [" + from + "," + to + ") and [" + other[0] + "," + other[1] + ")");
        }
      }
      edits.add(new int[] {from, to});
      fix.replace(from, to, text);
    }

    private SuggestedFix emit(List<Plan> plans) {
      SuggestedFix.Builder fix = SuggestedFix.builder();
      TreeMap<Integer, String> insertions = new TreeMap<>();
      List<int[]> noIndent = new ArrayList<>(); // replaced ranges: their line starts get nothing
      List<Layout> layouts = new ArrayList<>();
      for (Plan root : plans) {
        if (root.joinedTo != null) {
          continue;
        }
        List<Plan> group = new ArrayList<>();
        for (Plan p : plans) {
          if (p.root() == root) {
            group.add(p);
          }
        }
        group.sort(Comparator.comparingInt(p -> ASTHelpers.getStartPosition(p.expression)));
        layouts.add(layout(root, group, fix, noIndent));
      }
      for (Layout layout : layouts) {
        emitGroup(layout, layouts, fix, insertions, noIndent);
      }
      // Nested lambdas and classes that may get fixes of their own keep their indentation, so
      // that no two fixes touch the same text.
      for (Plan root : plans) {
        List<? extends StatementTree> statements = root.block.getStatements();
        for (int i = root.start; i <= root.end; i++) {
          collectSeparatelyFixed(new TreePath(root.blockPath, statements.get(i)), noIndent);
        }
      }
      for (Layout layout : layouts) {
        String unit = indentUnit(layout.root());
        for (int lineStart : SourceText.lineStartsToIndent(source, layout.headerEnd(), layout.closeAt())) {
          if (!SourceText.isStrictlyInside(noIndent, lineStart)) {
            insertions.merge(lineStart, unit, (a, b) -> a + b);
          }
        }
      }
      for (var insertion : insertions.entrySet()) {
        edit(fix, insertion.getKey(), insertion.getKey(), insertion.getValue());
      }
      return fix.build();
    }

    private Layout layout(Plan root, List<Plan> group, SuggestedFix.Builder fix, List<int[]> noIndent) {
      List<? extends StatementTree> statements = root.block.getStatements();
      // A trailing close() of one of the group's resources is what the try now does.
      int end = root.end;
      Set<Symbol> resourceVariables = new HashSet<>();
      int lastHeader = root.start;
      for (Plan p : group) {
        if (p.declaration != null) {
          resourceVariables.add(ASTHelpers.getSymbol(p.declaration));
        }
        lastHeader = Math.max(lastHeader, p.start);
      }
      while (end > lastHeader && isCloseOf(statements.get(end), resourceVariables)) {
        int from = endOfLineComment(state.getEndPosition(statements.get(end - 1)));
        int to = state.getEndPosition(statements.get(end));
        edit(fix, from, to, "");
        noIndent.add(new int[] {from, to});
        end--;
      }
      StatementTree first = statements.get(root.start);
      int headerEnd;
      if (root.declaration != null) {
        headerEnd = state.getEndPosition(group.get(group.size() - 1).declaration);
      } else if (soleExpression(first, group)) {
        headerEnd = state.getEndPosition(first);
      } else {
        headerEnd = state.getEndPosition(group.get(group.size() - 1).expression);
      }
      return new Layout(root, group, end, headerEnd, endOfLineComment(state.getEndPosition(statements.get(end))));
    }

    private boolean soleExpression(StatementTree first, List<Plan> group) {
      return group.size() == 1
          && first instanceof ExpressionStatementTree statement
          && ASTHelpers.stripParentheses(statement.getExpression()) == group.get(0).expression;
    }

    /** How many other tries enclose a position. */
    private int depth(int position, Layout self, List<Layout> layouts) {
      int depth = 0;
      for (Layout other : layouts) {
        if (other != self && other.headerEnd() < position && position < other.closeAt()) {
          depth++;
        }
      }
      return depth;
    }

    private void emitGroup(
        Layout layout,
        List<Layout> layouts,
        SuggestedFix.Builder fix,
        TreeMap<Integer, String> insertions,
        List<int[]> noIndent) {
      Plan root = layout.root();
      List<Plan> group = layout.group();
      List<? extends StatementTree> statements = root.block.getStatements();
      StatementTree first = statements.get(root.start);
      int firstStart = ASTHelpers.getStartPosition(first);
      String unit = indentUnit(root);
      String indent = indentOf(firstStart) + unit.repeat(depth(firstStart, layout, layouts));

      StringBuilder header = new StringBuilder();
      for (Symbol symbol : root.hoisted) {
        header.append(Hoisting.declaration(declarationOf(symbol, statements), fix, state)).append('\n').append(indent);
      }
      header.append("try (");
      ExpressionTree layer =
          root.declaration != null && group.size() == 1
              ? failingWrappersLayer(root.declaration)
              : null;
      if (layer != null) {
        // `T r = new Wrapper(open())` whose constructor can fail: the opened layer is a resource
        // of its own, so that it is closed when the wrapper's constructor throws.
        String name = newName(layer, root.blockPath);
        takenNames.add(name);
        header
            .append(SuggestedFixes.qualifyType(state, fix, ASTHelpers.getType(layer)))
            .append(' ')
            .append(name)
            .append(" = ")
            .append(state.getSourceForNode(layer).replaceAll("\\s*\\R\\s*", " "))
            .append(";\n")
            .append(indent)
            .append(unit)
            .append(unit);
        edit(fix, ASTHelpers.getStartPosition(layer), state.getEndPosition(layer), name);
      }
      if (root.declaration != null) {
        for (Plan p : group) {
          if (p != group.get(0)) {
            // A later resource's declaration moves into the header: indent it as a continuation.
            insertions.merge(lineStartOf(ASTHelpers.getStartPosition(p.declaration)), unit + unit, (a, b) -> a + b);
          }
        }
        insertions.merge(firstStart, header.toString(), (a, b) -> b + a);
        int semicolon = layout.headerEnd() - 1;
        edit(fix, semicolon, semicolon + 1, ") {");
      } else {
        StringBuilder resourcesText = new StringBuilder();
        for (Plan p : group) {
          if (resourcesText.length() > 0) {
            resourcesText.append("; ");
          }
          String typeText = Hoisting.isDenotable(p.type) ? SuggestedFixes.prettyType(state, fix, p.type) : "var";
          resourcesText.append(typeText).append(' ').append(p.newName).append(" = ").append(state.getSourceForNode(p.expression));
        }
        int firstEnd = state.getEndPosition(first);
        if (soleExpression(first, group)) {
          // `new FileOutputStream(f);` alone: the resource is the whole statement.
          String body = layout.end() == root.start ? ") {}" : ") {";
          edit(fix, firstStart, firstEnd, header + resourcesText.toString() + body);
          noIndent.add(new int[] {firstStart, firstEnd});
          if (layout.end() == root.start) {
            return;
          }
        } else {
          StringBuilder text = new StringBuilder(header).append(resourcesText).append(") {\n").append(indent).append(unit);
          int at = firstStart;
          for (Plan p : group) {
            int from = ASTHelpers.getStartPosition(p.expression);
            text.append(source.subSequence(at, from).toString().replace("\n", "\n" + unit)).append(p.newName);
            at = state.getEndPosition(p.expression);
          }
          edit(fix, firstStart, at, text.toString());
          noIndent.add(new int[] {firstStart, at});
        }
      }
      hoistEdits(root, statements, layout.end(), fix, noIndent);
      insertions.merge(layout.closeAt(), "\n" + indent + "}", (a, b) -> a + b);
    }

    /**
     * The resource a declaration's wrapper takes over as it is built, when the wrapper's
     * constructor can fail after taking it ({@code new ObjectInputStream(new FileInputStream(f))},
     * {@code new JarInputStream(url.openStream())}); null for any other initializer. The layer must
     * be the wrapper's only opening, evaluated after only names, fields and literals, of a type a
     * declaration can name, with no comment or text block inside (its lines are joined into one).
     */
    private @Nullable ExpressionTree failingWrappersLayer(VariableTree declaration) {
      if (declaration.getInitializer() == null
          || !(ASTHelpers.stripParentheses(declaration.getInitializer())
              instanceof NewClassTree wrapper)
          || wrapper.getClassBody() != null
          || wrapper.getEnclosingExpression() != null
          || !NonThrowingCalls.mayFailAfterTaking(wrapper, state)) {
        return null;
      }
      ExpressionTree layer = null;
      boolean onlyInertBefore = true;
      List<? extends ExpressionTree> arguments = wrapper.getArguments();
      for (int i = 0; i < arguments.size(); i++) {
        ExpressionTree argument = arguments.get(i);
        if ((argument instanceof NewClassTree || argument instanceof MethodInvocationTree)
            && ownership.acquires(argument, state)) {
          if (layer != null || !onlyInertBefore || !ownership.wraps(wrapper, i, state)) {
            return null;
          }
          layer = argument;
        } else if (layer == null) {
          onlyInertBefore &= HoistOnFailureFix.isInert(argument);
        }
      }
      String text = layer == null ? null : state.getSourceForNode(layer);
      return text == null
              || text.contains("//")
              || text.contains("/*")
              || text.contains("\"\"\"")
              || !HoistOnFailureFix.declarable(layer, state)
          ? null
          : layer;
    }

    private void hoistEdits(Plan root, List<? extends StatementTree> statements, int end, SuggestedFix.Builder fix, List<int[]> noIndent) {
      for (int i = root.start + 1; i <= end; i++) {
        if (statements.get(i) instanceof VariableTree variable && root.hoisted.contains(ASTHelpers.getSymbol(variable))) {
          Hoisting.Replacement replacement = Hoisting.inRegion(variable, state);
          edit(fix, replacement.from(), replacement.to(), replacement.text());
          // The replaced text keeps its indentation; a deleted line gets none.
          int from = replacement.text().isEmpty() ? replacement.from() - 1 : replacement.from();
          noIndent.add(new int[] {from, replacement.to()});
        }
      }
    }

    private static VariableTree declarationOf(Symbol symbol, List<? extends StatementTree> statements) {
      for (StatementTree statement : statements) {
        if (statement instanceof VariableTree variable && ASTHelpers.getSymbol(variable) == symbol) {
          return variable;
        }
      }
      throw new IllegalStateException("hoisted variable not found");
    }

    private boolean isCloseOf(StatementTree statement, Set<Symbol> variables) {
      return statement instanceof ExpressionStatementTree expression
          && expression.getExpression() instanceof MethodInvocationTree call
          && call.getArguments().isEmpty()
          && call.getMethodSelect() instanceof MemberSelectTree select
          && select.getIdentifier().contentEquals("close")
          && select.getExpression() instanceof IdentifierTree receiver
          && variables.contains(ASTHelpers.getSymbol(receiver));
    }

    private void collectSeparatelyFixed(TreePath path, List<int[]> noIndent) {
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
          if (acquiresInside(node)) {
            noIndent.add(new int[] {ASTHelpers.getStartPosition(node), state.getEndPosition(node)});
            return null;
          }
          return super.visitLambdaExpression(node, null);
        }

        @Override
        public Void visitClass(ClassTree node, Void unused) {
          if (acquiresInside(node)) {
            noIndent.add(new int[] {ASTHelpers.getStartPosition(node), state.getEndPosition(node)});
            return null;
          }
          return super.visitClass(node, null);
        }
      }.scan(path, null);
    }

    private boolean acquiresInside(Tree tree) {
      boolean[] found = {false};
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
          found[0] |= ownership.acquires(node, state.withPath(getCurrentPath()));
          return super.visitMethodInvocation(node, null);
        }

        @Override
        public Void visitNewClass(NewClassTree node, Void unused) {
          found[0] |= ownership.acquires(node, state.withPath(getCurrentPath()));
          return super.visitNewClass(node, null);
        }
      }.scan(new TreePath(state.getPath(), tree), null);
      return found[0];
    }

    // ---- text helpers --------------------------------------------------------------------------

    private int lineStartOf(int position) {
      return SourceText.lineStart(source, position);
    }

    private String indentOf(int position) {
      return SourceText.indentOf(source, position);
    }

    /** One level of indentation as the file writes it: the block's statements minus its brace line. */
    private String indentUnit(Plan plan) {
      return SourceText.indentUnit(
          indentOf(ASTHelpers.getStartPosition(plan.block.getStatements().get(plan.start))),
          indentOf(ASTHelpers.getStartPosition(plan.block)));
    }

    private int endOfLineComment(int position) {
      return SourceText.endOfLineComment(source, position);
    }

    private @Nullable Tree enclosingBody(TreePath path) {
      for (TreePath p = path; p != null; p = p.getParentPath()) {
        if (p.getLeaf() instanceof MethodTree method) {
          return method.getBody();
        }
        if (p.getLeaf() instanceof LambdaExpressionTree lambda) {
          return lambda.getBody();
        }
        if (p.getLeaf() instanceof ClassTree) {
          return null;
        }
      }
      return null;
    }

    private boolean isReassigned(Tree body, Symbol symbol) {
      boolean[] found = {false};
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree node, Void unused) {
          found[0] |= ASTHelpers.getSymbol(node.getVariable()) == symbol;
          return super.visitAssignment(node, null);
        }

        @Override
        public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
          found[0] |= ASTHelpers.getSymbol(node.getVariable()) == symbol;
          return super.visitCompoundAssignment(node, null);
        }

        @Override
        public Void visitUnary(UnaryTree node, Void unused) {
          found[0] |= ASTHelpers.getSymbol(node.getExpression()) == symbol;
          return super.visitUnary(node, null);
        }
      }.scan(body, null);
      return found[0];
    }
  }
}
