package dev.leakguard.flow;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.comp.AttrContext;
import com.sun.tools.javac.comp.Enter;
import com.sun.tools.javac.comp.Env;
import com.sun.tools.javac.util.Context;
import dev.leakguard.flow.ObligationSpec.ArgumentEffect;
import dev.leakguard.trees.Subclasses;
import dev.leakguard.trees.TypeNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import java.util.Map;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * The ownership model's knowledge of methods whose source is in the compilation, read from their
 * bodies rather than guessed from their names: whether a method hands its caller a fresh
 * obligation (it is a factory), and whether it keeps a parameter it is given or only borrows it.
 *
 * <ul>
 *   <li>A method <em>returns an owned value</em> when every value it returns is fresh: an
 *       acquisition the spec knows ({@code new FileInputStream(f)}, another factory, including
 *       another summarised method), a decorator around one, or a local variable that only ever
 *       holds such values and that the method does not also keep; {@code null} may be returned on
 *       other paths. A method that returns a field, a parameter or anything else is not a factory.
 *   <li>A method or constructor <em>borrows</em> a parameter when every use of it is a call on it
 *       ({@code in.read()}, even {@code in.close()}: whether a callee releases what it is given
 *       is the spec's own, stricter question), a null test, or an argument to a call that itself
 *       borrows it. Stored, returned, captured or handed on in any other way, it is
 *       <em>kept</em>.
 * </ul>
 *
 * <p>Summaries are tree scans of one method body each (no control-flow graph), computed lazily the
 * first time a spec asks and kept for the rest of the compilation in its javac {@link Context},
 * never in static state: javac may run several compilations in one JVM. A method whose summary is
 * being computed when it is asked for again (recursion) counts as not a factory and as keeping its
 * parameters, the answers that report less.
 */
public final class OwnershipSummaries {

  private static final Context.Key<OwnershipSummaries> KEY = new Context.Key<>();

  /** What the source says about a method's result. */
  public enum Returns {
    /** Every returned value is fresh: the caller owns it. */
    OWNED,
    /** The source is there and returns something else: a field, a parameter, a view. */
    NOT_OWNED,
    /** No body in this compilation (a library, an abstract or native method): ask the model. */
    NO_SOURCE
  }

  /** What the source says about a parameter. */
  public enum ParameterUse {
    /** Only used during the call: the caller still owes the release. */
    BORROWS,
    /** Stored, returned, closed, captured or handed on: the callee took it over. */
    KEEPS,
    /** No body in this compilation: ask the model. */
    NO_SOURCE
  }

  /**
   * A method's result summary.
   *
   * @param returns the verdict
   * @param fresh for {@link Returns#OWNED}, how the method makes what it returns, for messages: "a
   *     new `FileInputStream`", "the result of `openChannel(...)`"
   */
  public record ReturnSummary(Returns returns, @Nullable String fresh, boolean untilUsed) {
    static final ReturnSummary NOT_OWNED = new ReturnSummary(Returns.NOT_OWNED, null, false);
    static final ReturnSummary NO_SOURCE = new ReturnSummary(Returns.NO_SOURCE, null, false);
  }

  /** Per spec: spec instances differ in what they acquire, so their summaries differ too. */
  private final Map<ObligationSpec, Map<MethodSymbol, ReturnSummary>> returns =
      new IdentityHashMap<>();

  private final Map<ObligationSpec, Map<MethodSymbol, List<ParameterUse>>> parameters =
      new IdentityHashMap<>();

  /** Per spec and method, the parameters whose body never mentions them (see parameterUse). */
  private final Map<ObligationSpec, Map<MethodSymbol, List<Boolean>>> ignored =
      new IdentityHashMap<>();

  private final Map<ObligationSpec, Map<MethodSymbol, List<Boolean>>> holders =
      new IdentityHashMap<>();

  private final Map<ObligationSpec, Map<MethodSymbol, List<Boolean>>> closingHolders =
      new IdentityHashMap<>();

  /** Per spec, whether the field's compilation unit releases it somewhere (see below). */
  private final Map<ObligationSpec, Map<VarSymbol, Boolean>> fieldsReleasedInUnit =
      new IdentityHashMap<>();

  private final Map<MethodSymbol, @Nullable TreePath> declarations = new HashMap<>();

  private final Map<CompilationUnitTree, Map<MethodSymbol, TreePath>> methodsByUnit =
      new IdentityHashMap<>();

  private OwnershipSummaries() {}

  /** The summaries of the compilation {@code state} belongs to. */
  public static OwnershipSummaries of(VisitorState state) {
    Context context = state.context;
    OwnershipSummaries summaries = context.get(KEY);
    if (summaries == null) {
      summaries = new OwnershipSummaries();
      context.put(KEY, summaries);
    }
    return summaries;
  }

  /**
   * {@link FieldReleases#releasedInUnit}, once per field: asked at every use of the field that
   * the model needs it for, and answered by a scan of the field's whole file.
   */
  public boolean releasedInUnit(
      VarSymbol field, TreePath path, ObligationSpec spec, VisitorState state) {
    Map<VarSymbol, Boolean> bySpec =
        fieldsReleasedInUnit.computeIfAbsent(spec, s -> new HashMap<>());
    Boolean known = bySpec.get(field);
    if (known == null) {
      known = FieldReleases.releasedInUnit(field, path, spec, state);
      bySpec.put(field, known);
    }
    return known;
  }

  /**
   * The path of {@code method}'s declaration when its body is in this compilation (any compilation
   * unit of it), else null.
   */
  public @Nullable TreePath declaration(MethodSymbol method, VisitorState state) {
    if (declarations.containsKey(method)) {
      return declarations.get(method);
    }
    TreePath path = null;
    try {
      // What JavacTrees.getPath(method) finds, without its scan of the whole file on every call:
      // each file's method declarations are collected in one scan, the first time one is asked.
      ClassSymbol owner = method.enclClass();
      Env<AttrContext> env = owner == null ? null : Enter.instance(state.context).getEnv(owner);
      if (env != null && env.toplevel != null) {
        TreePath found = methodsIn(env.toplevel).get(method);
        if (found != null && ((MethodTree) found.getLeaf()).getBody() != null) {
          path = found;
        }
      }
    } catch (RuntimeException e) {
      path = null; // not from source in this compilation
    }
    declarations.put(method, path);
    return path;
  }

  /** Every method declared in {@code unit}, nested and local classes' too, by its symbol. */
  private Map<MethodSymbol, TreePath> methodsIn(CompilationUnitTree unit) {
    Map<MethodSymbol, TreePath> methods = methodsByUnit.get(unit);
    if (methods == null) {
      Map<MethodSymbol, TreePath> collected = new HashMap<>();
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitMethod(MethodTree tree, Void unused) {
          MethodSymbol symbol = ASTHelpers.getSymbol(tree);
          if (symbol != null) {
            collected.putIfAbsent(symbol, getCurrentPath());
          }
          return super.visitMethod(tree, null);
        }
      }.scan(unit, null);
      methods = collected;
      methodsByUnit.put(unit, methods);
    }
    return methods;
  }

  /** Whether {@code method}'s source says its caller owns what it returns under {@code spec}. */
  public ReturnSummary returnSummary(MethodSymbol method, ObligationSpec spec, VisitorState state) {
    Map<MethodSymbol, ReturnSummary> bySpec =
        returns.computeIfAbsent(spec, s -> new HashMap<>());
    ReturnSummary known = bySpec.get(method);
    if (known != null) {
      return known;
    }
    TreePath declaration = declaration(method, state);
    if (declaration == null) {
      // While computing, the name decides: an implementation that delegates to the same method
      // on another object (`return delegate.open();`) returns what that one does.
      bySpec.put(method, ReturnSummary.NO_SOURCE);
      ReturnSummary implemented =
          implementationsReturnNothingOwned(method, spec, state)
              ? ReturnSummary.NOT_OWNED
              : ReturnSummary.NO_SOURCE;
      bySpec.put(method, implemented);
      return implemented;
    }
    bySpec.put(method, ReturnSummary.NOT_OWNED); // while computing: recursion is not a factory
    ReturnSummary summary;
    try {
      summary = new ReturnScan(spec, state.withPath(declaration)).summarise(declaration);
    } catch (RuntimeException e) {
      summary = ReturnSummary.NOT_OWNED; // a tree shape this scan does not know owns nothing
    }
    bySpec.put(method, summary);
    return summary;
  }

  /**
   * Whether {@code method}'s source in this compilation is one {@code return} of an instance field
   * of its object ({@code return connection;}, {@code return this.connection;}): it hands out what
   * its object holds, whatever the interface it implements documents for other implementations.
   */
  public boolean returnsAFieldOnly(MethodSymbol method, VisitorState state) {
    TreePath declaration = declaration(method, state);
    if (declaration == null
        || !(declaration.getLeaf() instanceof MethodTree tree)
        || tree.getBody() == null
        || tree.getBody().getStatements().size() != 1
        || !(tree.getBody().getStatements().get(0) instanceof ReturnTree returned)
        || returned.getExpression() == null) {
      return false;
    }
    ExpressionTree value = ASTHelpers.stripParentheses(returned.getExpression());
    boolean ownField =
        value instanceof IdentifierTree
            || (value instanceof MemberSelectTree select
                && select.getExpression() instanceof IdentifierTree receiver
                && receiver.getName().contentEquals("this"));
    return ownField
        && ASTHelpers.getSymbol(value) instanceof VarSymbol field
        && field.getKind() == ElementKind.FIELD
        && !field.isStatic();
  }

  /** What {@code method} (or constructor) does with its parameter {@code index} under {@code spec}. */
  public ParameterUse parameterUse(
      MethodSymbol method, int index, ObligationSpec spec, VisitorState state) {
    List<VarSymbol> params = method.getParameters();
    if (index >= params.size() && method.isVarArgs() && !params.isEmpty()) {
      index = params.size() - 1;
    }
    if (index < 0 || index >= params.size()) {
      return ParameterUse.NO_SOURCE;
    }
    Map<MethodSymbol, List<ParameterUse>> bySpec =
        parameters.computeIfAbsent(spec, s -> new HashMap<>());
    List<ParameterUse> known = bySpec.get(method);
    if (known == null) {
      TreePath declaration = declaration(method, state);
      List<ParameterUse> uses = new ArrayList<>();
      List<Boolean> unmentioned = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        // While computing, and for good on a failure: a parameter is kept.
        uses.add(declaration == null ? ParameterUse.NO_SOURCE : ParameterUse.KEEPS);
        unmentioned.add(false);
      }
      bySpec.put(method, uses);
      ignored.computeIfAbsent(spec, k -> new HashMap<>()).put(method, unmentioned);
      // A record's canonical constructor stores every component, in code javac adds later than
      // this scan sees (the accessors then hand them out): it keeps them all.
      boolean canonical = method.isConstructor() && (method.flags() & Flags.RECORD) != 0;
      if (declaration != null && !canonical) {
        for (int i = 0; i < params.size(); i++) {
          try {
            ParameterScan scan =
                new ParameterScan(params.get(i), spec, state.withPath(declaration));
            scan.scan(declaration, null);
            boolean hook = !scan.used && isHook(method, (MethodTree) declaration.getLeaf());
            uses.set(i, scan.kept || hook ? ParameterUse.KEEPS : ParameterUse.BORROWS);
            unmentioned.set(i, !scan.used && !hook);
          } catch (RuntimeException e) {
            uses.set(i, ParameterUse.KEEPS);
          }
        }
      } else if (declaration == null && (method.flags() & Flags.ABSTRACT) != 0) {
        // An abstract method: an implementation compiled here that stores the parameter in a
        // field of its object says the call may hand it on (httpclient's `conn.opening(sock,
        // target)` on an interface that DefaultClientConnection implements by storing the
        // socket). Others say nothing of the rest, so the name still decides then.
        for (int i = 0; i < params.size(); i++) {
          if (anImplementationStores(method, i, state)) {
            uses.set(i, ParameterUse.KEEPS);
          }
        }
      }
      known = uses;
    }
    return known.get(index);
  }

  /** The subclasses the compilation knows, per class (see {@link Subclasses#known}). */
  private final Map<ClassSymbol, List<ClassSymbol>> subclasses = new HashMap<>();

  /**
   * Whether {@code method} is an abstract method of a class compiled here whose implementations,
   * all read here, return nothing their caller owns: curator's {@code
   * CuratorFramework.newWatcherRemoveCuratorFramework()}, whose one implementation returns a
   * facade over the client itself (its {@code close()} throws). Its name says it makes something;
   * its implementations say what. A library's abstract method may have implementations elsewhere,
   * and one with none here proves nothing: the name decides for those.
   */
  private boolean implementationsReturnNothingOwned(
      MethodSymbol method, ObligationSpec spec, VisitorState state) {
    if ((method.flags() & Flags.ABSTRACT) == 0
        || !(method.owner instanceof ClassSymbol owner)
        || !Subclasses.isFromSource(owner)) {
      return false;
    }
    try {
      List<ClassSymbol> known =
          subclasses.computeIfAbsent(owner, o -> Subclasses.known(o, state));
      boolean any = false;
      for (ClassSymbol subclass : known) {
        for (Symbol member : subclass.members().getSymbolsByName(method.getSimpleName())) {
          if (member instanceof MethodSymbol implementation
              && (implementation.flags() & Flags.ABSTRACT) == 0
              && implementation.overrides(method, subclass, state.getTypes(), true)) {
            if (returnSummary(implementation, spec, state).returns() != Returns.NOT_OWNED) {
              return false;
            }
            any = true;
          }
        }
      }
      return any;
    } catch (RuntimeException e) {
      subclasses.put(owner, List.of()); // a class javac cannot answer for: the name decides
      return false;
    }
  }

  private boolean anImplementationStores(MethodSymbol method, int index, VisitorState state) {
    if (!(method.owner instanceof ClassSymbol owner)) {
      return false;
    }
    try {
      List<ClassSymbol> known =
          subclasses.computeIfAbsent(owner, o -> Subclasses.known(o, state));
      for (ClassSymbol subclass : known) {
        for (Symbol member : subclass.members().getSymbolsByName(method.getSimpleName())) {
          if (member instanceof MethodSymbol implementation
              && (implementation.flags() & Flags.ABSTRACT) == 0
              && implementation.overrides(method, subclass, state.getTypes(), true)
              && storesInAField(implementation, index, state)) {
            return true;
          }
        }
      }
    } catch (RuntimeException e) {
      subclasses.put(owner, List.of()); // a class javac cannot answer for: the name decides
    }
    return false;
  }

  /**
   * Whether {@code method}'s body, read in this compilation, assigns its parameter {@code index}
   * to an instance field ({@code this.socket = s}): the object keeps it. Narrower than {@link
   * #parameterUse}'s "kept", which also counts a holder it returns (hsqldb's {@code
   * FileUtil.getFileSync(os)}: {@code return new FileSync((FileOutputStream) os);}, which never
   * closes it).
   */
  private boolean storesInAField(MethodSymbol method, int index, VisitorState state) {
    return !fieldsStoring(method, index, state).isEmpty();
  }

  /**
   * The instance fields that {@code method}'s body, read in this compilation, assigns its
   * parameter {@code index} to ({@code this.executor = executor}); empty without a body.
   */
  public Set<VarSymbol> fieldsStoring(MethodSymbol method, int index, VisitorState state) {
    TreePath declaration = declaration(method, state);
    if (declaration == null || index >= method.getParameters().size()) {
      return Set.of();
    }
    VarSymbol parameter = method.getParameters().get(index);
    Set<VarSymbol> fields = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitAssignment(AssignmentTree assignment, Void unused) {
        if (ASTHelpers.getSymbol(ASTHelpers.stripParentheses(assignment.getExpression()))
                == parameter
            && ASTHelpers.getSymbol(assignment.getVariable()) instanceof VarSymbol field
            && field.getKind() == ElementKind.FIELD
            && !field.isStatic()) {
          fields.add(field);
        }
        return super.visitAssignment(assignment, null);
      }
    }.scan(declaration.getLeaf(), null);
    return fields;
  }

  /**
   * Whether the body of {@code method}, read in this compilation, never mentions its parameter
   * {@code index}: a call cannot do anything with what it passes there ({@code static void
   * baz(Socket s) {}} does not connect the socket it is given). False without a body, for a
   * method an override could replace (an empty {@code protected void configure(Socket s) {}} is
   * a hook whose overrides may use it), and for a variable-arity parameter.
   */
  public boolean ignoresParameter(
      MethodSymbol method, int index, ObligationSpec spec, VisitorState state) {
    boolean overridable =
        !method.isStatic()
            && !method.isConstructor()
            && (method.flags() & (Flags.PRIVATE | Flags.FINAL)) == 0
            && (method.owner.flags() & Flags.FINAL) == 0;
    if (overridable
        || index < 0
        || index >= method.getParameters().size()
        || (method.isVarArgs() && index == method.getParameters().size() - 1)
        || parameterUse(method, index, spec, state) != ParameterUse.BORROWS) {
      return false;
    }
    List<Boolean> unmentioned =
        ignored.getOrDefault(spec, Map.of()).getOrDefault(method, List.of());
    return index < unmentioned.size() && unmentioned.get(index);
  }

  /**
   * Whether {@code method}, a constructor or an instance method (a setter), keeps its parameter
   * {@code index} only in private fields of its own class that no code of the class closes,
   * returns or hands on: the object holds the resource but can never release it, so whoever made
   * the resource still must ({@code new Parser(in)}, {@code parser.setInput(in)}, of a parser that
   * reads {@code in} from a field and has no {@code close()}). Like a library holder ({@code new
   * InputSource(in)}), the object takes the resource with it where it goes. Records, and closeable
   * classes, which close what they are given by convention, are never holders.
   */
  public boolean holdsWithoutRelease(
      MethodSymbol method, int index, ObligationSpec spec, VisitorState state) {
    List<VarSymbol> params = method.getParameters();
    if (method.isStatic()
        || index < 0
        || index >= params.size()
        || !(method.owner instanceof ClassSymbol owner)
        || owner.getKind() != ElementKind.CLASS
        || owner.isAnonymous()) {
      return false;
    }
    Map<MethodSymbol, List<Boolean>> bySpec = holders.computeIfAbsent(spec, s -> new HashMap<>());
    List<Boolean> known = bySpec.get(method);
    if (known == null) {
      List<Boolean> holds = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        holds.add(false); // while computing, and for good on a failure: not a holder
      }
      bySpec.put(method, holds);
      TreePath declaration = declaration(method, state);
      if (declaration != null) {
        for (int i = 0; i < params.size(); i++) {
          try {
            holds.set(i, holdsOnly(params.get(i), owner, declaration, spec, state));
          } catch (RuntimeException e) {
            holds.set(i, false);
          }
        }
      }
      known = holds;
    }
    return known.get(index);
  }

  private boolean holdsOnly(
      VarSymbol parameter,
      ClassSymbol owner,
      TreePath declaration,
      ObligationSpec spec,
      VisitorState state) {
    if (TypeNames.isSubtype(owner.type, "java.lang.Runnable", state)
        || TypeNames.isSubtype(owner.type, "java.util.concurrent.Callable", state)
        || thisEscapes((MethodTree) declaration.getLeaf())) {
      return false; // a task or a registered object outlives the code that made it
    }
    ParameterScan scan = new ParameterScan(parameter, spec, state.withPath(declaration));
    scan.holding = new ArrayList<>();
    scan.holdingClass = owner;
    scan.scan(declaration, null);
    if (scan.kept || (scan.holding.isEmpty() && !scan.heldByDelegate)) {
      return false;
    }
    for (VarSymbol field : scan.holding) {
      if (!staysInside(field, declaration.getCompilationUnit(), spec, state)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the instance method {@code setter} of a closeable class keeps its parameter {@code
   * index} only in private fields of its class that the class's own {@code close()} closes and no
   * other code closes, returns or hands on ({@code holder.setInput(in)} of a holder whose {@code
   * close()} closes {@code in}): the object owns the resource from then on, and closing the object
   * closes it. False where any code of the class could hand {@code this} to other code (an
   * argument, a lambda, a method reference, an inner class), which could keep the object alive
   * past its maker, and for tasks.
   */
  public boolean keepsForItsClose(
      MethodSymbol setter, int index, ObligationSpec spec, VisitorState state) {
    List<VarSymbol> params = setter.getParameters();
    if (setter.isStatic()
        || setter.isConstructor()
        || index < 0
        || index >= params.size()
        || !(setter.owner instanceof ClassSymbol owner)
        || owner.getKind() != ElementKind.CLASS
        || owner.isAnonymous()) {
      return false;
    }
    Map<MethodSymbol, List<Boolean>> bySpec =
        closingHolders.computeIfAbsent(spec, s -> new HashMap<>());
    List<Boolean> known = bySpec.get(setter);
    if (known == null) {
      List<Boolean> keeps = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        keeps.add(false); // while computing, and for good on a failure
      }
      bySpec.put(setter, keeps);
      TreePath declaration = declaration(setter, state);
      TreePath classPath = declaration == null ? null : declaration.getParentPath();
      if (classPath != null
          && classPath.getLeaf() instanceof ClassTree classTree
          && !TypeNames.isSubtype(owner.type, "java.lang.Runnable", state)
          && !TypeNames.isSubtype(owner.type, "java.util.concurrent.Callable", state)
          && !anyCodeLetsThisOut(classTree)) {
        MethodTree close = ownClose(classTree);
        for (int i = 0; close != null && i < params.size(); i++) {
          try {
            ParameterScan scan =
                new ParameterScan(params.get(i), spec, state.withPath(declaration));
            scan.holding = new ArrayList<>();
            scan.holdingClass = owner;
            scan.scan(declaration, null);
            boolean closedByClose = !scan.kept && !scan.holding.isEmpty();
            for (VarSymbol field : scan.holding) {
              closedByClose &=
                  closes(close, field, spec, state)
                      && staysInside(field, declaration.getCompilationUnit(), spec, state, close);
            }
            keeps.set(i, closedByClose);
          } catch (RuntimeException e) {
            keeps.set(i, false);
          }
        }
      }
      known = keeps;
    }
    return known.get(index);
  }

  /** The class's own {@code close()}: declared in it, with no parameters and a body. */
  private static @Nullable MethodTree ownClose(ClassTree classTree) {
    for (Tree member : classTree.getMembers()) {
      if (member instanceof MethodTree method
          && method.getName().contentEquals("close")
          && method.getParameters().isEmpty()
          && method.getBody() != null) {
        return method;
      }
    }
    return null;
  }

  /** Whether {@code close} releases {@code field} by a statement of its own body. */
  private static boolean closes(
      MethodTree close, VarSymbol field, ObligationSpec spec, VisitorState state) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        ExpressionTree released = spec.releasedOperand(call, state).of(call);
        if (released != null && ASTHelpers.getSymbol(strip(released)) == field) {
          found[0] = true;
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
        return null;
      }

      @Override
      public Void visitClass(ClassTree node, Void unused) {
        return null;
      }
    }.scan(close.getBody(), null);
    return found[0];
  }

  /**
   * Whether any code of the class could hand {@code this} to other code: {@code this} as a value
   * (not {@code this.f} or {@code this.m()}), a lambda, a method reference or an inner class, any
   * of which may capture it.
   */
  private static boolean anyCodeLetsThisOut(ClassTree classTree) {
    return Boolean.TRUE.equals(
        new TreeScanner<Boolean, Void>() {
          @Override
          public Boolean visitIdentifier(IdentifierTree node, Void unused) {
            return node.getName().contentEquals("this");
          }

          @Override
          public Boolean visitMemberSelect(MemberSelectTree node, Void unused) {
            return node.getExpression() instanceof IdentifierTree identifier
                    && identifier.getName().contentEquals("this")
                ? Boolean.FALSE
                : super.visitMemberSelect(node, null);
          }

          @Override
          public Boolean visitBinary(BinaryTree node, Void unused) {
            // `this == o` in equals() compares it, and hands it nowhere.
            return reduce(
                isThis(node.getLeftOperand()) ? Boolean.FALSE : scan(node.getLeftOperand(), null),
                isThis(node.getRightOperand()) ? Boolean.FALSE : scan(node.getRightOperand(), null));
          }

          @Override
          public Boolean visitSynchronized(SynchronizedTree node, Void unused) {
            return reduce(
                isThis(node.getExpression()) ? Boolean.FALSE : scan(node.getExpression(), null),
                scan(node.getBlock(), null));
          }

          private boolean isThis(ExpressionTree expression) {
            return ASTHelpers.stripParentheses(expression) instanceof IdentifierTree identifier
                && identifier.getName().contentEquals("this");
          }

          @Override
          public Boolean visitLambdaExpression(LambdaExpressionTree node, Void unused) {
            return true;
          }

          @Override
          public Boolean visitMemberReference(
              com.sun.source.tree.MemberReferenceTree node, Void unused) {
            return true;
          }

          @Override
          public Boolean visitNewClass(NewClassTree node, Void unused) {
            return node.getClassBody() != null
                || Boolean.TRUE.equals(super.visitNewClass(node, null));
          }

          @Override
          public Boolean visitClass(ClassTree node, Void unused) {
            // A nested class (the class itself is the root of the scan) may use `Outer.this`.
            return node != classTree || Boolean.TRUE.equals(super.visitClass(node, null));
          }

          @Override
          public Boolean reduce(Boolean a, Boolean b) {
            return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
          }
        }.scan(classTree, null));
  }

  /** Whether a constructor hands {@code this} to other code, which may then keep the object. */
  private static boolean thisEscapes(MethodTree constructor) {
    return Boolean.TRUE.equals(
        new TreeScanner<Boolean, Void>() {
          @Override
          public Boolean visitIdentifier(IdentifierTree node, Void unused) {
            return node.getName().contentEquals("this");
          }

          @Override
          public Boolean visitMethodInvocation(MethodInvocationTree node, Void unused) {
            // `this(…)` builds this same object: only its arguments can hand `this` on.
            return isConstructorDelegation(node)
                ? scan(node.getArguments(), null)
                : super.visitMethodInvocation(node, null);
          }

          @Override
          public Boolean visitMemberSelect(MemberSelectTree node, Void unused) {
            // `this.field` and `this.method(…)` keep `this` here; `Outer.this` is another object.
            return node.getExpression() instanceof IdentifierTree identifier
                    && identifier.getName().contentEquals("this")
                ? Boolean.FALSE
                : super.visitMemberSelect(node, null);
          }

          @Override
          public Boolean reduce(Boolean a, Boolean b) {
            return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
          }
        }.scan(constructor.getBody(), null));
  }

  /**
   * Whether every use of the private {@code field} in its file (the only file that can name it)
   * only writes it, compares it, or calls a method on it that neither releases it nor hands back
   * something that could: nothing could ever close what the field holds.
   */
  private static boolean staysInside(
      VarSymbol field, CompilationUnitTree unit, ObligationSpec spec, VisitorState state) {
    return staysInside(field, unit, spec, state, null);
  }

  /** As above, where {@code closer}, when given, may also release the field. */
  private static boolean staysInside(
      VarSymbol field,
      CompilationUnitTree unit,
      ObligationSpec spec,
      VisitorState state,
      @Nullable MethodTree closer) {
    boolean[] leaves = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        return leaves[0] ? null : super.scan(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == field) {
          leaves[0] = !onlyUsedInside(getCurrentPath());
        }
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == field) {
          leaves[0] = !onlyUsedInside(getCurrentPath());
          return null;
        }
        return super.visitMemberSelect(node, null);
      }

      private boolean onlyUsedInside(TreePath path) {
        for (TreePath p = path; closer != null && p != null; p = p.getParentPath()) {
          if (p.getLeaf() == closer) {
            return true; // the class's close(), which releases it
          }
        }
        Tree node = path.getLeaf();
        TreePath parent = path.getParentPath();
        Tree use = parent.getLeaf();
        if (use instanceof AssignmentTree assignment && assignment.getVariable() == node) {
          return true;
        }
        if (use instanceof BinaryTree) {
          return true;
        }
        if (use instanceof MemberSelectTree select
            && parent.getParentPath().getLeaf() instanceof MethodInvocationTree call
            && call.getMethodSelect() == select) {
          // Nor may it hand out a view that closes it (`socket.getInputStream()`).
          Type result = ASTHelpers.getType(call);
          return !select.getIdentifier().contentEquals("close")
              && !spec.releasedOperand(call, state).equals(ObligationSpec.Operand.RECEIVER)
              && spec.receiverEffect(call, state) == ArgumentEffect.BORROWS
              && result != null
              && !TypeNames.isSubtype(result, "java.lang.AutoCloseable", state);
        }
        return false;
      }
    }.scan(unit, null);
    return !leaves[0];
  }

  /**
   * A method an override is meant to replace, whose body here says nothing of what it does with
   * its arguments: it only throws (jetty SelectorManager.accepted(channel) throws
   * UnsupportedOperationException; the server's subclass registers the channel), or it is empty
   * in an abstract class. An argument it ignores is not known to stay the caller's. (An empty
   * method of a concrete class is a no-op: what it is given stays the caller's.)
   */
  private static boolean isHook(MethodSymbol method, MethodTree tree) {
    if (method.isStatic()
        || method.isConstructor()
        || (method.flags() & (Flags.PRIVATE | Flags.FINAL)) != 0
        || (method.owner.flags() & Flags.FINAL) != 0
        || (method.owner instanceof ClassSymbol owner && owner.isAnonymous())
        || tree.getBody() == null) {
      return false;
    }
    List<? extends StatementTree> statements = tree.getBody().getStatements();
    return statements.isEmpty()
        ? (method.owner.flags() & Flags.ABSTRACT) != 0
        : statements.size() == 1 && statements.get(0) instanceof ThrowTree;
  }

  /** The return statements of one method body and what each returns. */
  private final class ReturnScan {
    private final ObligationSpec spec;
    private final VisitorState state;
    private @Nullable String fresh;
    private boolean allFresh = true;
    /** Every returned value is made right in the return and owes nothing until used. */
    private boolean allUntilUsed = true;

    ReturnScan(ObligationSpec spec, VisitorState state) {
      this.spec = spec;
      this.state = state;
    }

    ReturnSummary summarise(TreePath declaration) {
      MethodTree method = (MethodTree) declaration.getLeaf();
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitReturn(ReturnTree node, Void unused) {
          if (allFresh && node.getExpression() != null) {
            check(new TreePath(getCurrentPath(), node.getExpression()), method);
          }
          return null;
        }

        @Override
        public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
          return null; // its returns are the lambda's
        }

        @Override
        public Void visitClass(ClassTree node, Void unused) {
          return null;
        }
      }.scan(new TreePath(declaration, method.getBody()), null);
      return allFresh && fresh != null
          ? new ReturnSummary(Returns.OWNED, fresh, allUntilUsed)
          : ReturnSummary.NOT_OWNED;
    }

    private void check(TreePath returned, MethodTree method) {
      ExpressionTree expression = strip((ExpressionTree) returned.getLeaf());
      if (expression.getKind() == Tree.Kind.NULL_LITERAL) {
        return;
      }
      if (expression instanceof ConditionalExpressionTree conditional) {
        check(new TreePath(returned, conditional.getTrueExpression()), method);
        check(new TreePath(returned, conditional.getFalseExpression()), method);
        return;
      }
      String made = freshValue(expression, returned, method, 0);
      if (made == null) {
        allFresh = false;
      } else if (fresh == null) {
        fresh = made;
      }
      // `return new Socket();` (httpclient's createSocket()): an unconnected socket, which its
      // caller owes nothing for until it uses it. One a local held, and may have used, is owed.
      ObligationSpec.Acquisition direct =
          made != null && (expression instanceof NewClassTree || expression instanceof MethodInvocationTree)
              ? spec.acquisitionAt(expression, state)
              : null;
      allUntilUsed &=
          direct != null && direct.condition() == ObligationSpec.Condition.WHEN_USED;
    }

    /** How {@code expression} makes a fresh value, or null when it is not one. */
    private @Nullable String freshValue(
        ExpressionTree expression, TreePath context, MethodTree method, int depth) {
      expression = strip(expression);
      if (depth > 4) {
        return null;
      }
      if (expression instanceof IdentifierTree
          && ASTHelpers.getSymbol(expression) instanceof VarSymbol local
          && local.getKind() == ElementKind.LOCAL_VARIABLE) {
        return freshLocal(local, context, method, depth);
      }
      if (!(expression instanceof NewClassTree) && !(expression instanceof MethodInvocationTree)) {
        return null;
      }
      // Specs get the state of the method being summarised, as the engine gives it while
      // analysing that method.
      ObligationSpec.Acquisition acquisition = spec.acquisitionAt(expression, state);
      if (acquisition != null) {
        return expression instanceof NewClassTree creation
            ? "a new `" + creation.getIdentifier() + "`"
            : "the result of `" + calleeText(expression) + "`";
      }
      // A decorator around a fresh value: new BufferedReader(new FileReader(f)).
      List<? extends ExpressionTree> arguments =
          expression instanceof NewClassTree creation
              ? creation.getArguments()
              : ((MethodInvocationTree) expression).getArguments();
      for (int i = 0; i < arguments.size(); i++) {
        if (spec.argumentEffect(expression, i, state) == ArgumentEffect.WRAPS
            && freshValue(arguments.get(i), context, method, depth + 1) != null) {
          return expression instanceof NewClassTree creation
              ? "a new `" + creation.getIdentifier() + "`"
              : "the result of `" + calleeText(expression) + "`";
        }
      }
      return null;
    }

    /**
     * A local variable returned: fresh when every value assigned to it is fresh (or null), and the
     * method neither closes it in a try-with-resources nor keeps it elsewhere (a field, a
     * collection, an owner).
     */
    private @Nullable String freshLocal(
        VarSymbol local, TreePath context, MethodTree method, int depth) {
      String[] made = {null};
      boolean[] fresh = {true};
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitVariable(VariableTree node, Void unused) {
          if (ASTHelpers.getSymbol(node) == local) {
            if (getCurrentPath().getParentPath().getLeaf() instanceof TryTree) {
              fresh[0] = false; // try (InputStream in = ...) { return in; } returns it closed
            } else if (node.getInitializer() != null) {
              assigned(node.getInitializer(), getCurrentPath());
            }
          }
          return super.visitVariable(node, null);
        }

        @Override
        public Void visitAssignment(AssignmentTree node, Void unused) {
          if (ASTHelpers.getSymbol(node.getVariable()) == local) {
            assigned(node.getExpression(), getCurrentPath());
          } else if (refersTo(node.getExpression(), local)) {
            fresh[0] = false; // this.in = in: kept as well as returned
          }
          return super.visitAssignment(node, null);
        }

        @Override
        public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
          handedOn(node, node.getArguments());
          return super.visitMethodInvocation(node, null);
        }

        @Override
        public Void visitNewClass(NewClassTree node, Void unused) {
          handedOn(node, node.getArguments());
          return super.visitNewClass(node, null);
        }

        private void handedOn(ExpressionTree call, List<? extends ExpressionTree> arguments) {
          for (int i = 0; i < arguments.size() && fresh[0]; i++) {
            if (refersTo(arguments.get(i), local)
                && spec.argumentEffect(call, i, state)
                    == ArgumentEffect.TAKES_OWNERSHIP) {
              fresh[0] = false;
            }
          }
        }

        private void assigned(ExpressionTree value, TreePath path) {
          if (!fresh[0] || strip(value).getKind() == Tree.Kind.NULL_LITERAL) {
            return;
          }
          String how = freshValue(value, path, method, depth + 1);
          if (how == null) {
            fresh[0] = false;
          } else if (made[0] == null) {
            made[0] = how;
          }
        }
      }.scan(new TreePath(enclosingMethodPath(context), method.getBody()), null);
      return fresh[0] ? made[0] : null;
    }
  }

  private static TreePath enclosingMethodPath(TreePath path) {
    TreePath current = path;
    while (current != null && !(current.getLeaf() instanceof MethodTree)) {
      current = current.getParentPath();
    }
    return current == null ? path : current;
  }

  /** The uses of one parameter in a method body: does any keep it? */
  private final class ParameterScan extends TreePathScanner<Void, Void> {
    private final VarSymbol parameter;
    private final ObligationSpec spec;
    private final VisitorState state;
    private int nested;
    boolean kept;
    /** Whether the body mentions the parameter at all. */
    boolean used;
    /**
     * Where set (by {@link #holdsOnly}), the private fields of {@link #holdingClass} the
     * parameter is stored in, which then do not count as keeping it.
     */
    @Nullable List<VarSymbol> holding;
    @Nullable ClassSymbol holdingClass;
    /**
     * Where {@link #holding} is set: the parameter goes to {@code this(…)}, whose constructor
     * holds it the same way ({@code Parser(InputStream in) { this(in, UTF_8); }}). Not {@code
     * super(…)}: a superclass of another file may be given more code that closes it.
     */
    boolean heldByDelegate;

    ParameterScan(VarSymbol parameter, ObligationSpec spec, VisitorState state) {
      this.parameter = parameter;
      this.spec = spec;
      this.state = state;
    }

    @Override
    public Void scan(Tree tree, Void unused) {
      return kept ? null : super.scan(tree, null);
    }

    @Override
    public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
      nested++;
      super.visitLambdaExpression(node, null);
      nested--;
      return null;
    }

    @Override
    public Void visitClass(ClassTree node, Void unused) {
      nested++;
      super.visitClass(node, null);
      nested--;
      return null;
    }

    @Override
    public Void visitIdentifier(IdentifierTree node, Void unused) {
      if (ASTHelpers.getSymbol(node) != parameter) {
        return null;
      }
      used = true;
      if (nested > 0) {
        kept = true; // captured: it may outlive the call
        return null;
      }
      kept = keeps(getCurrentPath());
      return null;
    }

    /** Whether the use of the parameter (or of a holder built around it) at {@code path} keeps it. */
    private boolean keeps(TreePath path) {
      Tree node = path.getLeaf();
      TreePath parent = path.getParentPath();
      Tree use = parent.getLeaf();
      if (use instanceof MemberSelectTree select
          && parent.getParentPath().getLeaf() instanceof MethodInvocationTree call
          && call.getMethodSelect() == select) {
        // in.read(buf) borrows. So, here, does in.close(): whether a callee releases what it is
        // given is the spec's question (releasedOperand), asked with its own rules for how
        // surely it must close; a close only on some paths is not a hand-over.
        return keepsThroughReceiver(parent.getParentPath());
      }
      if (use instanceof MethodInvocationTree call && call.getArguments().contains(node)) {
        int index = call.getArguments().indexOf(node);
        MethodSymbol delegate = ASTHelpers.getSymbol(call);
        if (holding != null
            && isThisDelegation(call)
            && parent.getParentPath().getLeaf() instanceof ExpressionStatementTree
            && delegate != null
            && holdsWithoutRelease(delegate, index, spec, state)) {
          heldByDelegate = true;
          return false;
        }
        return handsOn(call, index);
      }
      if (use instanceof NewClassTree creation && creation.getArguments().contains(node)) {
        int index = creation.getArguments().indexOf(node);
        // A holder that borrows it (`new InputSource(in)`) takes it where the holder goes.
        return handsOn(creation, index)
            || (spec.holdsBorrowed(creation, index, state) && keeps(parent));
      }
      if (holding != null
          && use instanceof AssignmentTree assignment
          && assignment.getExpression() == node
          && parent.getParentPath().getLeaf() instanceof ExpressionStatementTree
          && ASTHelpers.getSymbol(assignment.getVariable()) instanceof VarSymbol field
          && field.getKind() == ElementKind.FIELD
          && field.owner == holdingClass
          && (field.flags() & Flags.PRIVATE) != 0
          && (field.flags() & Flags.STATIC) == 0) {
        holding.add(field);
        return false;
      }
      return !(use instanceof BinaryTree || use instanceof InstanceOfTree);
    }

    /**
     * Whether the call at {@code callPath}, made on the parameter, keeps it. A call that returns
     * the parameter again ({@code s.useDelimiter(",")}, {@code lines.filter(p)}) keeps it only if
     * what it returns is kept: as a statement of its own, or followed by a call that only reads
     * ({@code s.useDelimiter(",").next()}), it borrows.
     */
    private boolean keepsThroughReceiver(TreePath callPath) {
      while (true) {
        MethodInvocationTree call = (MethodInvocationTree) callPath.getLeaf();
        ArgumentEffect effect = spec.receiverEffect(call, state);
        if (effect != ArgumentEffect.WRAPS) {
          return effect != ArgumentEffect.BORROWS;
        }
        TreePath parent = callPath.getParentPath();
        Tree use = parent.getLeaf();
        if (use instanceof ExpressionStatementTree) {
          return false;
        }
        if (!(use instanceof MemberSelectTree select
            && parent.getParentPath().getLeaf() instanceof MethodInvocationTree next
            && next.getMethodSelect() == select)) {
          return true;
        }
        callPath = parent.getParentPath();
      }
    }

    private boolean handsOn(ExpressionTree callOrNew, int index) {
      // super(in) / this(in): a constructor hands its argument to the object being built, which
      // keeps it (jetty-util URLResourceFactory's InputStreamReference extends AtomicReference).
      // A setter that holds it in its receiver (`parser.setInput(in)`) takes it where the
      // receiver goes, which this scan does not follow: kept, as before that was known.
      return isConstructorDelegation(callOrNew)
          || spec.argumentEffect(callOrNew, index, state) != ArgumentEffect.BORROWS
          || (callOrNew instanceof MethodInvocationTree call
              && (spec.holdsBorrowedInReceiver(call, index, state)
                  || spec.keptForReceiversClose(call, index, state)));
    }

  }

  /** {@code this(…)}: a constructor handing on to another of its class. */
  private static boolean isThisDelegation(MethodInvocationTree call) {
    return call.getMethodSelect() instanceof IdentifierTree select
        && select.getName().contentEquals("this");
  }

  /** {@code super(…)} or {@code this(…)}: a constructor handing on to another. */
  private static boolean isConstructorDelegation(ExpressionTree callOrNew) {
    return callOrNew instanceof MethodInvocationTree call
        && call.getMethodSelect() instanceof IdentifierTree select
        && (select.getName().contentEquals("super") || select.getName().contentEquals("this"));
  }

  private static boolean refersTo(ExpressionTree tree, Symbol symbol) {
    ExpressionTree stripped = strip(tree);
    return stripped instanceof IdentifierTree && ASTHelpers.getSymbol(stripped) == symbol;
  }

  private static ExpressionTree strip(ExpressionTree tree) {
    while (true) {
      if (tree instanceof ParenthesizedTree parens) {
        tree = parens.getExpression();
      } else if (tree instanceof TypeCastTree cast) {
        tree = cast.getExpression();
      } else {
        return tree;
      }
    }
  }

  /** {@code open(...)}, {@code factory.open(...)}, {@code new Foo(...)}: the callee as written. */
  private static String calleeText(ExpressionTree expression) {
    if (expression instanceof NewClassTree creation) {
      return "new " + creation.getIdentifier() + (creation.getArguments().isEmpty() ? "()" : "(...)");
    }
    MethodInvocationTree call = (MethodInvocationTree) expression;
    Symbol callee = ASTHelpers.getSymbol(call);
    String name = callee == null ? call.getMethodSelect().toString() : callee.getSimpleName().toString();
    return name + (call.getArguments().isEmpty() ? "()" : "(...)");
  }
}
