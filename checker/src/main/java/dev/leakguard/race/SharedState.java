package dev.leakguard.race;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import dev.leakguard.trees.TypeNames;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * Whether the classes of one compilation unit are used from several threads, as far as the unit
 * shows. A check-then-act is only a race on state that two threads reach, and most classes that
 * keep a timestamp are not shared: a {@code Thread}'s own loop, an {@code InputStream}, a policy
 * object that its caller already locks. So a class must show that it is shared before its state is
 * reported:
 *
 * <ul>
 *   <li>a {@code volatile} field, a field of a {@code java.util.concurrent} type (atomics,
 *       concurrent maps and queues, locks), a lock-named field ({@code AutoLock}, {@code Mutex}),
 *       or a {@code @GuardedBy} field;
 *   <li>{@code synchronized} on a method or a block;
 *   <li>{@code @ThreadSafe}, or Javadoc that says it is thread-safe or shared between threads;
 *   <li>a limiter's purpose: a non-private method that sleeps, parks or waits, or that returns a
 *       {@code boolean} permit decision ({@code tryAcquire}, {@code allow}, {@code take}…).
 * </ul>
 *
 * The class of the racy method, the classes that declare the state, and the classes enclosing
 * either are asked. Static state is shared by every thread that reaches the class and needs no
 * further evidence.
 *
 * <p>Confinement removes state even from a shared class: fields of a {@code Thread} subclass or a
 * {@code Runnable} touched only by its {@code run()} and the private methods it calls (plus
 * constructors, which run before the thread starts); and every field of a {@code java.io} stream,
 * reader or writer, an {@code Iterator}, or a builder, which are single-threaded by contract.
 *
 * <p>Syntactic, per compilation unit; no state outlives the instance. Never throws.
 */
public final class SharedState {

  private static final Pattern SHARED_DOC =
      Pattern.compile(
          "(?is).*(\\bthread[- ]?safe|shared\\s+(by|between|across|among)\\s+"
              + "(\\w+\\s+){0,3}threads|(used|called|accessed)\\s+(from|by)\\s+(many|multiple|several"
              + "|concurrent|all|other)\\s+(\\w+\\s+)?threads|safe\\s+for\\s+concurrent\\s+use).*");

  private static final Pattern NOT_SHARED_DOC =
      Pattern.compile("(?is).*\\bnot\\s+(thread[- ]?safe|safe\\s+for\\s+concurrent).*");

  /** Names of boolean methods whose result is a permit decision. */
  private static final Pattern PERMIT_DECISION =
      Pattern.compile(
          "(?i)(try|is|should|can|may)?_?(acquire|permit|allow|admit|take|consume|reserve|grant|"
              + "throttl|ratelimit|limit|proceed|spend|obtain|pass)\\w*");

  private static final ImmutableSet<String> WAITING_CALLS =
      ImmutableSet.of(
          "sleep", "sleepUninterruptibly", "park", "parkNanos", "parkUntil", "wait", "await",
          "awaitNanos", "awaitUntil");

  private static final ImmutableSet<String> SINGLE_THREADED_TYPES =
      ImmutableSet.of(
          "java.io.InputStream",
          "java.io.OutputStream",
          "java.io.Reader",
          "java.io.Writer",
          "java.util.Iterator",
          "java.util.Spliterator",
          "java.util.Enumeration");

  private final Map<ClassSymbol, String> evidence;
  private final Set<ClassSymbol> scanned;
  private final ImmutableSet<VarSymbol> confinedFields;
  private final VisitorState state;

  private SharedState(
      Map<ClassSymbol, String> evidence,
      Set<ClassSymbol> scanned,
      ImmutableSet<VarSymbol> confinedFields,
      VisitorState state) {
    this.evidence = evidence;
    this.scanned = scanned;
    this.confinedFields = confinedFields;
    this.state = state;
  }

  /** The sharing facts of the unit at {@code unitPath}. */
  public static SharedState of(TreePath unitPath, VisitorState state) {
    Map<ClassSymbol, String> evidence = new HashMap<>();
    Set<ClassSymbol> scanned = new HashSet<>();
    Set<VarSymbol> confined = new HashSet<>();
    if (unitPath.getLeaf() instanceof CompilationUnitTree) {
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitClass(ClassTree tree, Void unused) {
          ClassSymbol symbol = ASTHelpers.getSymbol(tree);
          if (symbol != null) {
            scanned.add(symbol);
            String why = evidenceIn(tree, symbol, state);
            if (why != null) {
              evidence.put(symbol, why);
            }
            if (isRunnable(symbol, state)) {
              confined.addAll(threadConfinedFields(tree, symbol, unitPath, state));
            }
          }
          return super.visitClass(tree, null);
        }
      }.scan(unitPath, null);
    }
    return new SharedState(evidence, scanned, ImmutableSet.copyOf(confined), state);
  }

  /**
   * Fields of {@code Thread} subclasses and {@code Runnable}s that only their own {@code run()}
   * loop (and constructors) touch.
   */
  public ImmutableSet<VarSymbol> confinedFields() {
    return confinedFields;
  }

  /**
   * Whether instances of the class are single-threaded by contract: {@code java.io} streams,
   * readers and writers, iterators, builders.
   */
  public static boolean isSingleThreadedByContract(ClassSymbol symbol, VisitorState state) {
    for (String name : SINGLE_THREADED_TYPES) {
      if (isSubtype(symbol.type, name, state)) {
        return true;
      }
    }
    for (Symbol s = symbol; s instanceof ClassSymbol c; s = c.getSuperclass().tsym) {
      if (c.getSimpleName().toString().endsWith("Builder")) {
        return true;
      }
      if (c.getSuperclass() == null || c.getSuperclass().getKind() != TypeKind.DECLARED) {
        break;
      }
    }
    return false;
  }

  /**
   * Why the state of a check-then-act in a method of {@code methodClass} on {@code fields} is
   * shared between threads, or null when nothing in the unit says so.
   */
  public @Nullable String evidenceFor(
      @Nullable ClassSymbol methodClass, List<VarSymbol> fields, boolean staticState) {
    if (staticState) {
      return "static state";
    }
    Set<ClassSymbol> asked = new HashSet<>();
    String why = evidenceAlong(methodClass, asked);
    if (why != null) {
      return why;
    }
    for (VarSymbol field : fields) {
      why = evidenceAlong(ASTHelpers.enclosingClass(field), asked);
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  private @Nullable String evidenceAlong(@Nullable ClassSymbol start, Set<ClassSymbol> asked) {
    for (ClassSymbol c = start; c != null; c = outer(c)) {
      if (!asked.add(c)) {
        continue;
      }
      String why = scanned.contains(c) ? evidence.get(c) : evidenceInSymbol(c, state);
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  private static @Nullable ClassSymbol outer(ClassSymbol c) {
    Symbol owner = c.owner;
    while (owner != null && !(owner instanceof ClassSymbol)) {
      owner = owner.owner;
    }
    return owner instanceof ClassSymbol outer ? outer : null;
  }

  // ------------------------------------------------------------------------------ evidence

  private static @Nullable String evidenceIn(ClassTree tree, ClassSymbol symbol, VisitorState state) {
    if (hasAnnotation(symbol, "ThreadSafe")) {
      return "@ThreadSafe";
    }
    String doc = docComment(tree, state);
    if (doc != null && SHARED_DOC.matcher(doc).matches() && !NOT_SHARED_DOC.matcher(doc).matches()) {
      return "documented as shared between threads";
    }
    for (Tree member : tree.getMembers()) {
      if (member instanceof VariableTree variable) {
        VarSymbol field = ASTHelpers.getSymbol(variable);
        String why = field == null ? null : fieldEvidence(field, state);
        if (why != null) {
          return why;
        }
      }
    }
    String[] found = {null};
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree t, Void unused) {
        return found[0] != null ? null : super.scan(t, null);
      }

      @Override
      public Void visitClass(ClassTree nested, Void unused) {
        return nested == tree ? super.visitClass(nested, null) : null;
      }

      @Override
      public Void visitSynchronized(SynchronizedTree sync, Void unused) {
        found[0] = "a `synchronized` block";
        return null;
      }

      @Override
      public Void visitMethod(MethodTree method, Void unused) {
        if (method.getModifiers().getFlags().contains(Modifier.SYNCHRONIZED)) {
          found[0] = "a `synchronized` method";
          return null;
        }
        MethodSymbol m = ASTHelpers.getSymbol(method);
        if (m != null && isLimiterMethod(m, method, state)) {
          found[0] = "a limiter's method `" + m.getSimpleName() + "()`";
          return null;
        }
        return super.visitMethod(method, null);
      }
    }.scan(tree, null);
    return found[0];
  }

  /** Evidence from a class compiled elsewhere: only its members' modifiers and types are known. */
  private static @Nullable String evidenceInSymbol(ClassSymbol symbol, VisitorState state) {
    if (hasAnnotation(symbol, "ThreadSafe")) {
      return "@ThreadSafe";
    }
    try {
      for (Symbol member : symbol.getEnclosedElements()) {
        if (member instanceof VarSymbol field && field.getKind() == ElementKind.FIELD) {
          String why = fieldEvidence(field, state);
          if (why != null) {
            return why;
          }
        } else if (member instanceof MethodSymbol method
            && method.getModifiers().contains(Modifier.SYNCHRONIZED)) {
          return "a `synchronized` method";
        }
      }
    } catch (RuntimeException | AssertionError e) {
      // Incomplete class path: no evidence.
    }
    return null;
  }

  private static @Nullable String fieldEvidence(VarSymbol field, VisitorState state) {
    if (field.getModifiers().contains(Modifier.VOLATILE)) {
      return "a `volatile` field";
    }
    if (hasAnnotation(field, "GuardedBy")) {
      return "a `@GuardedBy` field";
    }
    Type type = field.type;
    if (type == null || type.tsym == null) {
      return null;
    }
    String name = type.tsym.getQualifiedName().toString();
    if (name.startsWith("java.util.concurrent.")) {
      return "a `" + type.tsym.getSimpleName() + "` field";
    }
    String simple = type.tsym.getSimpleName().toString();
    if (simple.endsWith("Lock") || simple.equals("Mutex") || simple.equals("Monitor")) {
      return "a `" + simple + "` field";
    }
    return null;
  }

  /**
   * A non-private method that waits (a spacing limiter's {@code acquire()}) or returns a {@code
   * boolean} permit decision ({@code tryAcquire()}, {@code allow(key)}).
   */
  private static boolean isLimiterMethod(MethodSymbol m, MethodTree method, VisitorState state) {
    if (m.getModifiers().contains(Modifier.PRIVATE)
        || m.getKind() != ElementKind.METHOD
        || method.getBody() == null) {
      return false;
    }
    Type returned = m.getReturnType();
    if (returned != null
        && (returned.getKind() == TypeKind.BOOLEAN
            || (returned.tsym != null
                && returned.tsym.getQualifiedName().contentEquals("java.lang.Boolean")))
        && PERMIT_DECISION.matcher(m.getSimpleName().toString()).matches()) {
      return true;
    }
    boolean[] waits = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        MethodSymbol callee = ASTHelpers.getSymbol(call);
        if (callee != null && WAITING_CALLS.contains(callee.getSimpleName().toString())) {
          waits[0] = true;
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(method.getBody(), null);
    return waits[0];
  }

  // ------------------------------------------------------------------------------ confinement

  private static boolean isRunnable(ClassSymbol symbol, VisitorState state) {
    return isSubtype(symbol.type, "java.lang.Thread", state)
        || isSubtype(symbol.type, "java.lang.Runnable", state);
  }

  /**
   * The instance fields of {@code tree} (a {@code Thread} or {@code Runnable}) that are touched,
   * anywhere in the unit, only by constructors and initializers of the class and by {@code run()}
   * and the private methods it calls, never from a lambda or another class.
   */
  private static Set<VarSymbol> threadConfinedFields(
      ClassTree tree, ClassSymbol symbol, TreePath unitPath, VisitorState state) {
    Map<MethodSymbol, MethodTree> methods = new HashMap<>();
    MethodSymbol run = null;
    for (Tree member : tree.getMembers()) {
      if (member instanceof MethodTree method) {
        MethodSymbol m = ASTHelpers.getSymbol(method);
        if (m != null) {
          methods.put(m, method);
          if (m.getSimpleName().contentEquals("run") && m.getParameters().isEmpty() && !m.isStatic()) {
            run = m;
          }
        }
      }
    }
    if (run == null) {
      return Set.of();
    }
    // run() and the private methods of the class it reaches.
    Set<MethodSymbol> loop = new HashSet<>();
    Deque<MethodSymbol> work = new ArrayDeque<>();
    loop.add(run);
    work.add(run);
    while (!work.isEmpty()) {
      MethodTree body = methods.get(work.pop());
      if (body == null) {
        continue;
      }
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
          MethodSymbol callee = ASTHelpers.getSymbol(call);
          if (callee != null
              && callee.getModifiers().contains(Modifier.PRIVATE)
              && methods.containsKey(callee)
              && isOwnCall(call)
              && loop.add(callee)) {
            work.add(callee);
          }
          return super.visitMethodInvocation(call, null);
        }
      }.scan(body, null);
    }
    Set<VarSymbol> candidates = new HashSet<>();
    for (Tree member : tree.getMembers()) {
      if (member instanceof VariableTree variable) {
        VarSymbol field = ASTHelpers.getSymbol(variable);
        if (field != null && !field.isStatic()) {
          candidates.add(field);
        }
      }
    }
    if (candidates.isEmpty()) {
      return Set.of();
    }
    Set<VarSymbol> escaped = new HashSet<>();
    Mentions.forEachNamed(
        unitPath,
        (s, path) -> {
          if (s instanceof VarSymbol v && candidates.contains(v) && !isConfinedAccess(path, tree, symbol, loop)) {
            escaped.add(v);
          }
        });
    candidates.removeAll(escaped);
    return candidates;
  }

  /** In a constructor, initializer or loop method of this very class, not in a lambda. */
  private static boolean isConfinedAccess(
      TreePath path, ClassTree tree, ClassSymbol symbol, Set<MethodSymbol> loop) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof LambdaExpressionTree) {
        return false;
      }
      if (leaf instanceof MethodTree method) {
        MethodSymbol m = ASTHelpers.getSymbol(method);
        return m != null
            && m.owner == symbol
            && (m.getKind() == ElementKind.CONSTRUCTOR || loop.contains(m));
      }
      if (leaf instanceof BlockTree block
          && p.getParentPath() != null
          && p.getParentPath().getLeaf() == tree) {
        return !block.isStatic(); // instance initializer
      }
      if (leaf instanceof VariableTree
          && p.getParentPath() != null
          && p.getParentPath().getLeaf() == tree) {
        return true; // field initializer
      }
      if (leaf instanceof ClassTree) {
        return false;
      }
    }
    return false;
  }

  /** {@code helper()} or {@code this.helper()}: a call on the same instance. */
  private static boolean isOwnCall(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    if (select instanceof IdentifierTree) {
      return true;
    }
    return select instanceof MemberSelectTree member
        && member.getExpression() instanceof IdentifierTree id
        && id.getName().contentEquals("this");
  }

  // ------------------------------------------------------------------------------ helpers

  private static boolean hasAnnotation(Symbol symbol, String simpleName) {
    return CheckThenActAnalysis.hasAnnotationNamed(symbol, simpleName);
  }

  private static boolean isSubtype(@Nullable Type type, String name, VisitorState state) {
    return TypeNames.isSubtype(type, name, state);
  }

  /** The comment right before a class declaration, read from the source, or null. */
  public static @Nullable String docComment(ClassTree classTree, VisitorState state) {
    int start = ASTHelpers.getStartPosition(classTree);
    CharSequence source = state.getSourceCode();
    if (source == null || start <= 0 || start > source.length()) {
      return null;
    }
    int end = start;
    while (end > 0 && Character.isWhitespace(source.charAt(end - 1))) {
      end--;
    }
    if (end < 2 || source.charAt(end - 1) != '/' || source.charAt(end - 2) != '*') {
      return null;
    }
    String before = source.subSequence(0, end).toString();
    int open = before.lastIndexOf("/*");
    return open < 0 ? null : before.substring(open);
  }
}
