package dev.leakguard.flow;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.flow.CriticalSections.Region;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Check-then-act atomicity of one method (or lambda) body over shared rate-limit state.
 *
 * <p>A <em>check</em> is a read of a state field whose value is decided on: compared, tested in a
 * condition, used to compute a sleep, or used to compute a new value of state (a refill, the next
 * free slot) — directly or through locals. An <em>act</em> is a later write of state on the same
 * object (or of static state). The pair is atomic only if one critical section ({@link
 * CriticalSections}) that protects the field holds at both; two sections on the same monitor do
 * not count, since another thread can run between them. A read of an atomic that a later {@code
 * compareAndSet} (or {@code updateAndGet}…) on the same atomic validates is not a check.
 *
 * <p>The analysis is syntactic and intraprocedural: "later" is source order within the body, nested
 * lambdas and classes are analysed on their own. It never throws.
 */
public final class CheckThenActAnalysis {

  private CheckThenActAnalysis() {}

  /**
   * A racy check-then-act.
   *
   * @param read the first read whose value is decided on and later acted on; reported here
   * @param write the first write that acts on it
   * @param fields the state fields involved, in source order of their first access
   * @param volatileFields those of {@code fields} declared {@code volatile}
   * @param writeOnlyRegion a critical section that holds the write but not the read, if any (the
   *     read is outside the lock)
   * @param firstRacyRead the earliest racy read (equals {@code read})
   * @param lastRacyWrite the latest write paired with a racy read, for fixes that scope the pair
   * @param staticState whether every field involved is static
   * @param receiver the receiver of the fields ({@link RateStateAccess#SELF}, {@link
   *     RateStateAccess#STATIC} or a variable's symbol)
   */
  public record CheckThenAct(
      ExpressionTree read,
      Tree write,
      ImmutableList<VarSymbol> fields,
      ImmutableList<VarSymbol> volatileFields,
      @Nullable Region writeOnlyRegion,
      Tree lastRacyWrite,
      boolean staticState,
      Object receiver) {}

  /** How a value is used, following it up the tree from where it is produced. */
  enum UseKind {
    /** Compared, tested, or used to compute a sleep or a wait. */
    DECISION,
    /** Stored in a local variable ({@link Use#target}). */
    LOCAL,
    /** Used to compute a new value of a state field ({@link Use#target}). */
    STATE_WRITE,
    /** Anything else. */
    OTHER
  }

  /**
   * @param simple for {@link UseKind#STATE_WRITE}: whether the value only went through {@code +}
   *     and {@code -} on its way, so that {@code n = n + 1} is a step, not a decision
   */
  record Use(UseKind kind, @Nullable Symbol target, boolean simple) {
    static final Use OTHER = new Use(UseKind.OTHER, null, false);
    static final Use DECISION = new Use(UseKind.DECISION, null, false);
  }

  private static final ImmutableSet<String> COMPARING_METHODS =
      ImmutableSet.of(
          "isBefore", "isAfter", "equals", "compareTo", "isNegative", "isZero", "isEqual",
          "isEmpty", "isPresent");

  private static final ImmutableSet<String> WAITING_METHODS =
      ImmutableSet.of(
          "sleep", "parkNanos", "parkUntil", "wait", "await", "awaitNanos", "awaitUntil",
          "tryAcquire", "poll", "schedule", "sleepUninterruptibly", "join", "timedWait");

  /**
   * The first racy check-then-act in the body at {@code bodyPath} (a method's body block or a
   * lambda's body), or null.
   */
  public static @Nullable CheckThenAct analyze(
      TreePath bodyPath, RateLimitState stateFields, VisitorState state) {
    BodyScanner scanner = new BodyScanner(stateFields, state);
    scanner.scan(bodyPath, null);
    if (scanner.accesses.isEmpty()) {
      return null;
    }
    Map<Symbol, Boolean> decidedLocals = new HashMap<>();
    Predicate<VarSymbol> isState = stateFields::holdsState;
    List<Access> checks = new ArrayList<>();
    for (Access read : scanner.accesses) {
      if (read.access.kind() == RateStateAccess.Kind.READ
          && isDecided(read, scanner, decidedLocals, isState, state)
          && !isValidated(read, ASTHelpers.getStartPosition(read.access.tree()), scanner.accesses)) {
        checks.add(read);
      }
    }
    Map<Access, List<Region>> regions = new HashMap<>();
    CheckThenAct result = null;
    Set<VarSymbol> fields = new LinkedHashSet<>();
    Tree lastWrite = null;
    int lastWriteEnd = -1;
    for (Access read : checks) {
      int readStart = ASTHelpers.getStartPosition(read.access.tree());
      List<Region> readRegions = regionsOf(read, regions, state);
      for (Access write : scanner.accesses) {
        if (write.access.kind() != RateStateAccess.Kind.WRITE
            || !write.access.receiver().equals(read.access.receiver())
            || state.getEndPosition(write.access.tree()) <= readStart
            || write.access.tree() == read.access.tree()) {
          continue;
        }
        List<Region> writeRegions = regionsOf(write, regions, state);
        if (sharesProtectingRegion(readRegions, writeRegions, read.access.field(), write.access.field())
            || isRecheckedUnderLock(read, write, writeRegions, checks, regions, state)) {
          continue;
        }
        fields.add(read.access.field());
        fields.add(write.access.field());
        int end = state.getEndPosition(write.access.tree());
        if (end > lastWriteEnd) {
          lastWriteEnd = end;
          lastWrite = write.access.tree();
        }
        if (result == null) {
          Region writeOnly = null;
          for (Region region : writeRegions) {
            if (readRegions.stream().noneMatch(r -> r.tree() == region.tree())) {
              writeOnly = region;
              break;
            }
          }
          result =
              new CheckThenAct(
                  read.access.tree(),
                  write.access.tree(),
                  ImmutableList.of(),
                  ImmutableList.of(),
                  writeOnly,
                  write.access.tree(),
                  false,
                  read.access.receiver());
        }
      }
    }
    if (result == null) {
      return null;
    }
    List<VarSymbol> ordered = new ArrayList<>();
    for (Access access : scanner.accesses) {
      if (fields.contains(access.access.field()) && !ordered.contains(access.access.field())) {
        ordered.add(access.access.field());
      }
    }
    ImmutableList<VarSymbol> volatiles =
        ordered.stream()
            .filter(f -> f.getModifiers().contains(Modifier.VOLATILE))
            .collect(ImmutableList.toImmutableList());
    boolean allStatic = ordered.stream().allMatch(ASTHelpers::isStatic);
    return new CheckThenAct(
        result.read(),
        result.write(),
        ImmutableList.copyOf(ordered),
        volatiles,
        result.writeOnlyRegion(),
        lastWrite,
        allStatic,
        result.receiver());
  }

  private static List<Region> regionsOf(
      Access access, Map<Access, List<Region>> cache, VisitorState state) {
    return cache.computeIfAbsent(access, a -> CriticalSections.enclosing(a.path, state));
  }

  /**
   * Whether a read outside the lock is only a fast path: the same field is read and decided on
   * again, before the write, inside a critical section that also holds the write (double-checked
   * throttling).
   */
  private static boolean isRecheckedUnderLock(
      Access read,
      Access write,
      List<Region> writeRegions,
      List<Access> checks,
      Map<Access, List<Region>> regions,
      VisitorState state) {
    int readStart = ASTHelpers.getStartPosition(read.access.tree());
    int writeStart = ASTHelpers.getStartPosition(write.access.tree());
    for (Access again : checks) {
      int start = ASTHelpers.getStartPosition(again.access.tree());
      if (again == read
          || again.access.field() != read.access.field()
          || !again.access.receiver().equals(read.access.receiver())
          || start <= readStart
          || start >= state.getEndPosition(write.access.tree())) {
        continue;
      }
      if (start > writeStart && again.access.tree() != write.access.tree()) {
        continue;
      }
      if (sharesProtectingRegion(
          regionsOf(again, regions, state), writeRegions, again.access.field(), write.access.field())) {
        return true;
      }
    }
    return false;
  }

  private static boolean sharesProtectingRegion(
      List<Region> readRegions, List<Region> writeRegions, VarSymbol readField, VarSymbol writeField) {
    for (Region r : readRegions) {
      for (Region w : writeRegions) {
        if (r.tree() == w.tree()
            && r.protects(readField, guardOf(readField))
            && r.protects(writeField, guardOf(writeField))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The {@code @GuardedBy} value of a field (any annotation with that simple name), or null. */
  public static @Nullable String guardOf(VarSymbol field) {
    for (var annotation : field.getAnnotationMirrors()) {
      if (!annotation.getAnnotationType().asElement().getSimpleName().contentEquals("GuardedBy")) {
        continue;
      }
      for (var entry : annotation.getElementValues().entrySet()) {
        if (entry.getKey().getSimpleName().contentEquals("value")
            && entry.getValue() instanceof Attribute.Constant constant
            && constant.getValue() instanceof String guard) {
          return guard;
        }
      }
    }
    return null;
  }

  /** Whether an atomic read is checked again by a later compare-and-set on the same atomic. */
  private static boolean isValidated(Access read, int readStart, List<Access> accesses) {
    if (read.access.cell() == RateStateAccess.Cell.PLAIN) {
      return false;
    }
    for (Access other : accesses) {
      if (other.access.kind() == RateStateAccess.Kind.ATOMIC_UPDATE
          && other.access.field() == read.access.field()
          && other.access.receiver().equals(read.access.receiver())
          && ASTHelpers.getStartPosition(other.access.tree()) > readStart) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDecided(
      Access read,
      BodyScanner scanner,
      Map<Symbol, Boolean> decidedLocals,
      Predicate<VarSymbol> isState,
      VisitorState state) {
    Use use = useOf(read.accessPath, state, isState, scanner.stateFields.sharedLocals());
    return switch (use.kind()) {
      case DECISION -> true;
      case STATE_WRITE -> !(use.simple() && use.target() == read.access.field());
      case LOCAL -> isDecidedLocal(use.target(), scanner, decidedLocals, isState, state);
      case OTHER -> false;
    };
  }

  private static boolean isDecidedLocal(
      @Nullable Symbol local,
      BodyScanner scanner,
      Map<Symbol, Boolean> decidedLocals,
      Predicate<VarSymbol> isState,
      VisitorState state) {
    if (local == null) {
      return false;
    }
    Boolean known = decidedLocals.get(local);
    if (known != null) {
      return known;
    }
    decidedLocals.put(local, false);
    for (TreePath use : scanner.localUses.getOrDefault(local, List.of())) {
      Use u = useOf(use, state, isState, scanner.stateFields.sharedLocals());
      boolean decided =
          switch (u.kind()) {
            case DECISION -> true;
            case STATE_WRITE -> !u.simple();
            case LOCAL -> isDecidedLocal(u.target(), scanner, decidedLocals, isState, state);
            case OTHER -> false;
          };
      if (decided) {
        decidedLocals.put(local, true);
        return true;
      }
    }
    return false;
  }

  /** Follows the value of the expression at {@code path} up to where it is used. */
  static Use useOf(
      TreePath path, VisitorState state, Predicate<VarSymbol> isState, Set<VarSymbol> shared) {
    Tree child = path.getLeaf();
    boolean simple = true;
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree parent = p.getLeaf();
      switch (parent.getKind()) {
        case PARENTHESIZED, TYPE_CAST, PLUS, MINUS -> {}
        case UNARY_MINUS, UNARY_PLUS, BITWISE_COMPLEMENT, MULTIPLY, DIVIDE, REMAINDER, LEFT_SHIFT,
            RIGHT_SHIFT, UNSIGNED_RIGHT_SHIFT, AND, OR, XOR, ARRAY_ACCESS, NEW_CLASS ->
            simple = false;
        case LESS_THAN, LESS_THAN_EQUAL, GREATER_THAN, GREATER_THAN_EQUAL, EQUAL_TO, NOT_EQUAL_TO,
            CONDITIONAL_AND, CONDITIONAL_OR, LOGICAL_COMPLEMENT, INSTANCE_OF -> {
          return Use.DECISION;
        }
        case CONDITIONAL_EXPRESSION -> {
          if (((ConditionalExpressionTree) parent).getCondition() == child) {
            return Use.DECISION;
          }
          simple = false;
        }
        case IF -> {
          return ((IfTree) parent).getCondition() == child ? Use.DECISION : Use.OTHER;
        }
        case WHILE_LOOP -> {
          return ((WhileLoopTree) parent).getCondition() == child ? Use.DECISION : Use.OTHER;
        }
        case DO_WHILE_LOOP -> {
          return ((DoWhileLoopTree) parent).getCondition() == child ? Use.DECISION : Use.OTHER;
        }
        case FOR_LOOP -> {
          return ((ForLoopTree) parent).getCondition() == child ? Use.DECISION : Use.OTHER;
        }
        case SWITCH -> {
          return ((SwitchTree) parent).getExpression() == child ? Use.DECISION : Use.OTHER;
        }
        case SWITCH_EXPRESSION -> {
          if (((SwitchExpressionTree) parent).getExpression() == child) {
            return Use.DECISION;
          }
          return Use.OTHER;
        }
        case MEMBER_SELECT -> {
          TreePath grand = p.getParentPath();
          if (grand != null
              && grand.getLeaf() instanceof MethodInvocationTree call
              && call.getMethodSelect() == parent) {
            if (COMPARING_METHODS.contains(((MemberSelectTree) parent).getIdentifier().toString())) {
              return Use.DECISION;
            }
            p = grand;
            parent = call;
          }
          simple = false;
        }
        case METHOD_INVOCATION -> {
          MethodInvocationTree call = (MethodInvocationTree) parent;
          if (call.getMethodSelect() == child) {
            return Use.OTHER;
          }
          if (WAITING_METHODS.contains(methodName(call))) {
            return Use.DECISION;
          }
          RateStateAccess written = writeThrough(call, p, state, shared);
          if (written != null && isState.test(written.field())) {
            return new Use(UseKind.STATE_WRITE, written.field(), false);
          }
          simple = false;
        }
        case VARIABLE -> {
          VariableTree variable = (VariableTree) parent;
          Symbol symbol = ASTHelpers.getSymbol(variable);
          if (variable.getInitializer() == child
              && symbol != null
              && symbol.getKind() != ElementKind.FIELD) {
            return new Use(UseKind.LOCAL, symbol, simple);
          }
          return Use.OTHER;
        }
        case ASSIGNMENT -> {
          AssignmentTree assignment = (AssignmentTree) parent;
          if (assignment.getExpression() != child) {
            return Use.OTHER;
          }
          return storeUse(assignment.getVariable(), simple, isState);
        }
        case PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT,
            REMAINDER_ASSIGNMENT, AND_ASSIGNMENT, OR_ASSIGNMENT, XOR_ASSIGNMENT,
            LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> {
          CompoundAssignmentTree compound = (CompoundAssignmentTree) parent;
          if (compound.getExpression() != child) {
            return Use.OTHER;
          }
          boolean additive =
              parent.getKind() == Tree.Kind.PLUS_ASSIGNMENT
                  || parent.getKind() == Tree.Kind.MINUS_ASSIGNMENT;
          return storeUse(compound.getVariable(), simple && additive, isState);
        }
        default -> {
          return Use.OTHER;
        }
      }
      child = parent;
    }
    return Use.OTHER;
  }

  private static Use storeUse(ExpressionTree variable, boolean simple, Predicate<VarSymbol> isState) {
    ExpressionTree target = ASTHelpers.stripParentheses(variable);
    if (target instanceof com.sun.source.tree.ArrayAccessTree element) {
      target = element.getExpression();
      simple = false;
    }
    Symbol symbol = ASTHelpers.getSymbol(target);
    if (!(symbol instanceof VarSymbol var)) {
      return Use.OTHER;
    }
    if (var.getKind() != ElementKind.FIELD) {
      return new Use(UseKind.LOCAL, var, simple);
    }
    return isState.test(var) ? new Use(UseKind.STATE_WRITE, var, simple) : Use.OTHER;
  }

  /** The state write a call performs on its receiver ({@code last.set(v)}), if any. */
  private static @Nullable RateStateAccess writeThrough(
      MethodInvocationTree call, TreePath callPath, VisitorState state, Set<VarSymbol> shared) {
    if (!(call.getMethodSelect() instanceof MemberSelectTree select)) {
      return null;
    }
    TreePath receiverPath = new TreePath(new TreePath(callPath, select), select.getExpression());
    RateStateAccess access = RateStateAccess.of(receiverPath, state, shared);
    return access != null && access.kind() != RateStateAccess.Kind.READ ? access : null;
  }

  private static String methodName(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    if (select instanceof MemberSelectTree member) {
      return member.getIdentifier().toString();
    }
    if (select instanceof IdentifierTree id) {
      return id.getName().toString();
    }
    return "";
  }

  /** The path from {@code from} up to the ancestor-or-self {@code target}, or null. */
  static @Nullable TreePath pathTo(TreePath from, Tree target) {
    for (TreePath p = from; p != null; p = p.getParentPath()) {
      if (p.getLeaf() == target) {
        return p;
      }
    }
    return null;
  }

  /** Whether {@code tree} carries an annotation with the given simple name. */
  public static boolean hasAnnotationNamed(@Nullable Symbol symbol, String simpleName) {
    if (symbol == null) {
      return false;
    }
    for (var annotation : symbol.getAnnotationMirrors()) {
      if (annotation.getAnnotationType().asElement().getSimpleName().contentEquals(simpleName)) {
        return true;
      }
    }
    return false;
  }

  private record Access(RateStateAccess access, TreePath path, TreePath accessPath) {}

  /** Collects the state accesses and local uses of one body, not entering nested bodies. */
  private static final class BodyScanner extends TreePathScanner<Void, Void> {
    private final RateLimitState stateFields;
    private final VisitorState state;
    private final List<Access> accesses = new ArrayList<>();
    private final Map<Symbol, List<TreePath>> localUses = new HashMap<>();
    private @Nullable Tree root;

    BodyScanner(RateLimitState stateFields, VisitorState state) {
      this.stateFields = stateFields;
      this.state = state;
    }

    @Override
    public Void scan(TreePath path, Void unused) {
      root = path.getLeaf();
      return super.scan(path, null);
    }

    @Override
    public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
      return tree == root ? super.visitLambdaExpression(tree, null) : null;
    }

    @Override
    public Void visitClass(ClassTree tree, Void unused) {
      return null;
    }

    @Override
    public Void visitNewClass(NewClassTree tree, Void unused) {
      scan(tree.getEnclosingExpression(), null);
      scan(tree.getArguments(), null);
      return null;
    }

    @Override
    public Void visitAnnotation(AnnotationTree tree, Void unused) {
      return null;
    }

    @Override
    public Void visitMethod(MethodTree tree, Void unused) {
      return tree == root ? super.visitMethod(tree, null) : null;
    }

    @Override
    public Void visitIdentifier(IdentifierTree tree, Void unused) {
      Symbol symbol = ASTHelpers.getSymbol(tree);
      if (symbol instanceof VarSymbol var && var.getKind() != ElementKind.FIELD) {
        Tree parent = getCurrentPath().getParentPath().getLeaf();
        if (!(parent instanceof AssignmentTree a && a.getVariable() == tree)) {
          localUses.computeIfAbsent(var, k -> new ArrayList<>()).add(getCurrentPath());
        }
        if (stateFields.sharedLocals().contains(var)) {
          record(var);
        }
        return null;
      }
      record(symbol);
      return null;
    }

    @Override
    public Void visitMemberSelect(MemberSelectTree tree, Void unused) {
      record(ASTHelpers.getSymbol(tree));
      return super.visitMemberSelect(tree, null);
    }

    private void record(@Nullable Symbol symbol) {
      if (!(symbol instanceof VarSymbol var) || !stateFields.holdsState(var)) {
        return;
      }
      RateStateAccess access = RateStateAccess.of(getCurrentPath(), state, stateFields.sharedLocals());
      if (access == null) {
        return;
      }
      TreePath accessPath = pathTo(getCurrentPath(), access.tree());
      if (accessPath != null) {
        accesses.add(new Access(access, getCurrentPath(), accessPath));
      }
    }
  }
}
