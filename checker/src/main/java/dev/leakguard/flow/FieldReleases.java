package dev.leakguard.flow;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.flow.ObligationSpec.ArgumentEffect;
import dev.leakguard.flow.ObligationSpec.Operand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Where a compilation unit releases its fields, and where it lets them out of the class. It is the
 * class-level answer to "who else releases this?": {@link FieldLifecycle} asks it for fields that
 * hold a resource the class created, and a spec asks {@link #releasedOutside} whether a lock taken
 * (or a thread-local set) in one method and released nowhere in it is one half of a protocol that
 * spans methods ({@code begin()}/{@code end()}, a filter's {@code before}/{@code after}).
 *
 * <p>Releases are found directly ({@code lock.unlock()}), through {@code this.field}, through a
 * local variable copied from the field, and, when asked, through argument-less accessors ({@code
 * rw.writeLock().unlock()} releases something reached from {@code rw}).
 */
public final class FieldReleases extends TreePathScanner<Void, Void> {

  private final Set<VarSymbol> fields;
  private final ObligationSpec spec;
  private final VisitorState state;
  private final boolean throughAccessors;
  /** Local variables holding a copy of a field: {@code ExecutorService p = this.pool;}. */
  private final Map<Symbol, VarSymbol> aliases = new HashMap<>();

  private final Map<VarSymbol, List<TreePath>> releases = new HashMap<>();
  private final Set<VarSymbol> escaped = new HashSet<>();
  /**
   * For a field that escapes only by being passed to calls: which parameter of which callee each
   * time ({@link #OTHER_ESCAPE} for a callee not known).
   */
  private final Map<VarSymbol, Set<Object>> handOffs = new HashMap<>();
  /** Fields that escape other than by being passed to a call. */
  private final Set<VarSymbol> otherEscapes = new HashSet<>();

  /** The {@code index}th parameter of {@code callee}. */
  record HandOff(Symbol callee, int index) {}

  private static final Object OTHER_ESCAPE = new Object();
  private final Set<VarSymbol> lent = new HashSet<>();

  private FieldReleases(
      Set<VarSymbol> fields, ObligationSpec spec, VisitorState state, boolean throughAccessors) {
    this.fields = fields;
    this.spec = spec;
    this.state = state;
    this.throughAccessors = throughAccessors;
  }

  /**
   * Scans {@code unit} for the releases and escapes of {@code fields}.
   *
   * @param throughAccessors whether a release of {@code field.accessor()} counts as a release of
   *     the field ({@code rw.readLock().unlock()}); resources say no, a getter's result is not the
   *     field's resource
   */
  static FieldReleases scan(
      Set<VarSymbol> fields,
      CompilationUnitTree unit,
      ObligationSpec spec,
      VisitorState state,
      boolean throughAccessors) {
    FieldReleases scanner = new FieldReleases(fields, spec, state, throughAccessors);
    scanner.scan(new TreePath(unit), null);
    return scanner;
  }

  /**
   * Whether code other than {@code method} may release {@code field}: another method (or a nested
   * class) of the compilation unit releases it, or the field leaves the class (returned, stored
   * elsewhere, passed to any call, handed out as a method reference), or code outside the
   * compilation unit can reach it (it is not private, or not declared here). An obligation on such
   * a field that {@code method} never releases is one half of a protocol, not a leak.
   *
   * @param path any path inside the compilation unit that declares or uses the field
   */
  public static boolean releasedOutside(
      VarSymbol field, Tree method, TreePath path, ObligationSpec spec, VisitorState state) {
    return releasedOutside(field, method, path, spec, state, true);
  }

  /**
   * {@link #releasedOutside(VarSymbol, Tree, TreePath, ObligationSpec, VisitorState)}, saying
   * whether what an argument-less call on the field returns is the field itself ({@code
   * rw.writeLock()} of a lock: yes) or only something read from it ({@code tl.get()} of a
   * thread-local: its value, whose return does not let the thread-local out).
   */
  public static boolean releasedOutside(
      VarSymbol field,
      Tree method,
      TreePath path,
      ObligationSpec spec,
      VisitorState state,
      boolean throughAccessors) {
    if (field.getKind() != ElementKind.FIELD
        || !field.getModifiers().contains(Modifier.PRIVATE)
        || field.enclClass().outermostClass().sourcefile
            != path.getCompilationUnit().getSourceFile()) {
      return true;
    }
    FieldReleases uses =
        scan(Set.of(field), path.getCompilationUnit(), spec, state, throughAccessors);
    if (uses.escaped.contains(field) || uses.lent.contains(field)) {
      return true;
    }
    for (TreePath release : uses.releasesOf(field)) {
      if (!isInside(release, method)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether code of the compilation unit releases {@code field} anywhere (closes it, hands it to
   * a closer, or declares it in a try header): the unit manages the field's lifecycle. False for
   * a field declared in another file, whose code is not here to read.
   */
  public static boolean releasedInUnit(
      VarSymbol field, TreePath path, ObligationSpec spec, VisitorState state) {
    if (field.getKind() != ElementKind.FIELD
        || field.enclClass() == null
        || field.enclClass().outermostClass().sourcefile
            != path.getCompilationUnit().getSourceFile()) {
      return false;
    }
    return !scan(Set.of(field), path.getCompilationUnit(), spec, state, false)
        .releasesOf(field)
        .isEmpty();
  }

  /** Whether {@code path} passes through {@code ancestor}. */
  public static boolean isInside(TreePath path, Tree ancestor) {
    for (Tree tree : path) {
      if (tree == ancestor) {
        return true;
      }
    }
    return false;
  }

  /** The calls that release {@code field}, in scan order. */
  List<TreePath> releasesOf(VarSymbol field) {
    return releases.getOrDefault(field, List.of());
  }

  private void escapeOtherwise(VarSymbol field) {
    escaped.add(field);
    otherEscapes.add(field);
  }

  /** Whether {@code field} is handed to an owner, stored elsewhere, returned or handed out. */
  boolean escapes(VarSymbol field) {
    return escaped.contains(field);
  }

  /**
   * The calls {@code field} is handed to, when that is the only way it escapes ({@code
   * registerProcessor(code, processor, executor)}); null when it also escapes otherwise (returned,
   * stored, captured) or not at all.
   */
  @Nullable Set<HandOff> onlyHandedTo(VarSymbol field) {
    Set<Object> routes = handOffs.get(field);
    if (routes == null || routes.contains(OTHER_ESCAPE) || otherEscapes.contains(field)) {
      return null;
    }
    Set<HandOff> calls = new HashSet<>();
    for (Object route : routes) {
      calls.add((HandOff) route);
    }
    return calls;
  }

  /** The field {@code expression} reads, directly or through a local alias, or null. */
  private @Nullable VarSymbol fieldRead(@Nullable ExpressionTree expression) {
    if (expression == null) {
      return null;
    }
    ExpressionTree stripped = FieldLifecycle.strip(expression);
    if (stripped instanceof MethodInvocationTree call
        && call.getArguments().isEmpty()
        && (throughAccessors || returnsViewClosingReceiver(call))) {
      // `socket.getInputStream()`: closing the view closes the field, and whoever is given the
      // view may close it (jsch's `io.setInputStream(socket.getInputStream())`).
      return fieldRead(ASTHelpers.getReceiver(call));
    }
    if (!(stripped instanceof IdentifierTree) && !(stripped instanceof MemberSelectTree)) {
      return null;
    }
    Symbol symbol = ASTHelpers.getSymbol(stripped);
    if (symbol instanceof VarSymbol variable && fields.contains(variable)) {
      return variable;
    }
    return symbol == null ? null : aliases.get(symbol);
  }

  @Override
  public Void visitVariable(VariableTree variable, Void unused) {
    VarSymbol field = fieldRead(variable.getInitializer());
    Symbol symbol = ASTHelpers.getSymbol(variable);
    if (field != null && symbol != null && !fields.contains(symbol)) {
      if (symbol.getKind() == ElementKind.FIELD) {
        escapeOtherwise(field); // Copied into another field, whose owner may release it.
      } else {
        aliases.put(symbol, field);
      }
    }
    return super.visitVariable(variable, null);
  }

  @Override
  public Void visitAssignment(AssignmentTree assignment, Void unused) {
    VarSymbol field = fieldRead(assignment.getExpression());
    if (field != null) {
      Symbol target = ASTHelpers.getSymbol(assignment.getVariable());
      if (target != null
          && target.getKind() != ElementKind.FIELD
          && !(assignment.getVariable() instanceof com.sun.source.tree.ArrayAccessTree)) {
        aliases.put(target, field);
      } else if (target == null || !fields.contains(target)) {
        escapeOtherwise(field); // Stored into another field or an array.
      }
    }
    return super.visitAssignment(assignment, null);
  }

  @Override
  public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
    Operand released = safeReleasedOperand(call);
    ExpressionTree operand = released.of(call);
    VarSymbol releasedField = fieldRead(operand);
    if (releasedField != null) {
      release(releasedField);
    }
    if (released.index() >= 0 || releasesByName(call)) {
      // A closer given several fields closes them all: closeQuietly(in, out), closeAll(a, b);
      // so, as far as a field goes, does a project's own helper named for releasing.
      for (ExpressionTree argument : call.getArguments()) {
        VarSymbol field = fieldRead(argument);
        if (field != null && argument != operand) {
          release(field);
        }
      }
    }
    if (released.index() < 0 && !releasesByName(call)) {
      checkArguments(call, call.getArguments(), operand);
    }
    return super.visitMethodInvocation(call, null);
  }

  /**
   * {@code closeAll(in, out)}, {@code shutdownQuietly(pool)}, {@code releaseResources(socket)}: a
   * call named for releasing what it is given. A field handed to one is not left open by
   * oversight, whatever the helper's body does.
   */
  private static boolean releasesByName(MethodInvocationTree call) {
    Symbol method = ASTHelpers.getSymbol(call);
    return method != null
        && !call.getArguments().isEmpty()
        && RELEASING_NAME.matcher(method.getSimpleName()).matches();
  }

  private static final Pattern RELEASING_NAME =
      Pattern.compile(
          "(close|release|dispose|destroy|shutdown|terminate|cleanup|cleanUp|free|stop)([A-Z_]\\w*)?");

  private void release(VarSymbol field) {
    releases.computeIfAbsent(field, k -> new ArrayList<>()).add(getCurrentPath());
  }

  /** {@code try (in)}, {@code try (InputStream s = this.in)}: the try closes the field. */
  @Override
  public Void visitTry(TryTree tryTree, Void unused) {
    for (Tree resource : tryTree.getResources()) {
      VarSymbol field =
          resource instanceof VariableTree variable
              ? fieldRead(variable.getInitializer())
              : resource instanceof ExpressionTree expression ? fieldRead(expression) : null;
      if (field != null) {
        releases
            .computeIfAbsent(field, k -> new ArrayList<>())
            .add(new TreePath(getCurrentPath(), resource));
      }
    }
    return super.visitTry(tryTree, null);
  }

  @Override
  public Void visitNewClass(NewClassTree newClass, Void unused) {
    checkArguments(newClass, newClass.getArguments(), null);
    return super.visitNewClass(newClass, null);
  }

  private void checkArguments(
      ExpressionTree callOrNew,
      List<? extends ExpressionTree> arguments,
      @Nullable ExpressionTree releasedOperand) {
    for (int i = 0; i < arguments.size(); i++) {
      ExpressionTree argument = arguments.get(i);
      if (argument == releasedOperand) {
        continue;
      }
      VarSymbol field = fieldRead(argument);
      if (field == null) {
        continue;
      }
      if (isView(argument)
          && safeArgumentEffect(callOrNew, i) != ArgumentEffect.TAKES_OWNERSHIP) {
        // A view read or wrapped in place (`new InputStreamReader(socket.getInputStream())`)
        // leaves the field where it was; only a keeper of the view takes the field along.
        continue;
      }
      lent.add(field);
      if (safeArgumentEffect(callOrNew, i) != ArgumentEffect.BORROWS) {
        // Handed to an owner, or wrapped into something that may be released in its place.
        escaped.add(field);
        Symbol callee = ASTHelpers.getSymbol(callOrNew);
        handOffs
            .computeIfAbsent(field, k -> new HashSet<>())
            .add(callee == null ? OTHER_ESCAPE : new HandOff(callee, i));
      }
    }
  }

  @Override
  public Void visitReturn(ReturnTree returnTree, Void unused) {
    VarSymbol field = fieldRead(returnTree.getExpression());
    if (field != null && isInsideMethodOrLambda()) {
      escapeOtherwise(field); // A getter: whoever asks for the resource may release it.
    }
    return super.visitReturn(returnTree, null);
  }

  @Override
  public Void visitLambdaExpression(LambdaExpressionTree lambda, Void unused) {
    if (lambda.getBody() instanceof ExpressionTree body) {
      VarSymbol field = fieldRead(body);
      if (field != null) {
        escapeOtherwise(field); // () -> pool: a supplier hands the resource out.
      }
    }
    return super.visitLambdaExpression(lambda, null);
  }

  @Override
  public Void visitMemberReference(MemberReferenceTree reference, Void unused) {
    VarSymbol field = fieldRead(reference.getQualifierExpression());
    if (field != null && ASTHelpers.getSymbol(reference).getParameters().isEmpty()) {
      // pool::shutdown handed out as a callback (a shutdown hook, a closer): it may run the
      // release, and this analysis cannot see when.
      escapeOtherwise(field);
    }
    return super.visitMemberReference(reference, null);
  }

  private boolean isInsideMethodOrLambda() {
    for (Tree tree : getCurrentPath()) {
      if (tree instanceof MethodTree || tree instanceof LambdaExpressionTree) {
        return true;
      }
    }
    return false;
  }

  /** {@code socket.getInputStream()}: a view of a field, which {@link #fieldRead} reads as it. */
  private boolean isView(ExpressionTree argument) {
    return !throughAccessors
        && FieldLifecycle.strip(argument) instanceof MethodInvocationTree call
        && returnsViewClosingReceiver(call);
  }

  private boolean returnsViewClosingReceiver(MethodInvocationTree call) {
    try {
      return spec.returnsViewClosingReceiver(call, state);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Operand safeReleasedOperand(MethodInvocationTree call) {
    try {
      return spec.releasedOperand(call, state);
    } catch (RuntimeException e) {
      return Operand.NONE;
    }
  }

  private ArgumentEffect safeArgumentEffect(ExpressionTree callOrNew, int index) {
    try {
      return spec.argumentEffect(callOrNew, index, state);
    } catch (RuntimeException e) {
      return ArgumentEffect.TAKES_OWNERSHIP; // Unknown: assume handed off, never a false alarm.
    }
  }
}
