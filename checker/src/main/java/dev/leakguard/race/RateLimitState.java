package dev.leakguard.race;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.race.CheckThenActAnalysis.Use;
import dev.leakguard.trees.UnitIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * Which fields of one compilation unit hold rate-limit state. A field does when a value that comes
 * from a time source is stored in it (a timestamp, a refill time, a deque of request times, tokens
 * refilled from elapsed time), or when it is a counter that is stepped ({@code n++}, {@code n -= k},
 * {@code incrementAndGet()}) and compared, in a class that also keeps time state or under a name
 * that says it counts permits. What a time source is comes from the check's {@link TimeSources}.
 *
 * <p>Values are followed through locals, method results ({@code long now() { return clock.millis();
 * }}) and other state fields by one flow-insensitive fixpoint over the unit; no state outlives the
 * instance.
 */
public final class RateLimitState {

  /** What the check says produces a time value. */
  public interface TimeSources {
    /** Whether the call reads a clock ({@code System.nanoTime()}, {@code clock.millis()}…). */
    boolean isTimeSource(MethodInvocationTree call, VisitorState state);

    /** Whether a parameter carries the current time ({@code boolean tryAcquire(long nowNanos)}). */
    boolean isTimeParameter(VarSymbol parameter, VisitorState state);

    /**
     * Whether a stepped and compared counter counts permits even in a class without time state
     * (a hand-rolled semaphore's {@code permits}, an {@code inFlight} count).
     */
    boolean isPermitCounter(VarSymbol field, VisitorState state);
  }

  private final ImmutableSet<VarSymbol> stateFields;
  private final ImmutableSet<VarSymbol> sharedLocals;

  private RateLimitState(ImmutableSet<VarSymbol> stateFields, ImmutableSet<VarSymbol> sharedLocals) {
    this.stateFields = stateFields;
    this.sharedLocals = sharedLocals;
  }

  /**
   * Locals that hold a collection or atomic taken out of a shared map field ({@code Deque<Long> q =
   * perKey.computeIfAbsent(key, …)}): other threads reach the same object, so it is shared state.
   */
  public ImmutableSet<VarSymbol> sharedLocals() {
    return sharedLocals;
  }

  /** Whether {@code field} holds rate-limit state. */
  public boolean holdsState(VarSymbol field) {
    return stateFields.contains(field);
  }

  /** The same state without {@code fields} (state confined to one thread, for instance). */
  public RateLimitState without(Set<VarSymbol> fields) {
    if (fields.isEmpty()) {
      return this;
    }
    return new RateLimitState(
        stateFields.stream()
            .filter(f -> !fields.contains(f))
            .collect(ImmutableSet.toImmutableSet()),
        sharedLocals);
  }

  /** Whether no field of the unit holds rate-limit state (the check then has nothing to do). */
  public boolean isEmpty() {
    return stateFields.isEmpty();
  }

  /** The state fields of the unit at {@code unitPath}. */
  public static RateLimitState of(TreePath unitPath, TimeSources sources, VisitorState state) {
    if (!(unitPath.getLeaf() instanceof CompilationUnitTree)
        || !mayHoldState(unitPath.getLeaf(), sources, state)) {
      return new RateLimitState(ImmutableSet.of(), ImmutableSet.of());
    }
    ImmutableSet<VarSymbol> shared =
        sharedLocals(UnitIndex.of((CompilationUnitTree) unitPath.getLeaf(), state), state);
    Collector collector = new Collector(sources, state, shared);
    collector.scan(unitPath, null);
    return new RateLimitState(collector.solve(), shared);
  }

  /**
   * Whether the unit has anything state can grow from: a clock read, a time parameter, or a field
   * named as a permit count. Most units have none, and are then spared the two full scans below.
   */
  private static boolean mayHoldState(Tree unit, TimeSources sources, VisitorState state) {
    UnitIndex index = UnitIndex.of((CompilationUnitTree) unit, state);
    for (MethodInvocationTree call : index.calls()) {
      if (sources.isTimeSource(call, state)) {
        return true;
      }
    }
    for (VariableTree variable : index.variables()) {
      VarSymbol symbol = ASTHelpers.getSymbol(variable);
      if (symbol != null
          && ((symbol.getKind() == ElementKind.PARAMETER && sources.isTimeParameter(symbol, state))
              || (symbol.getKind() == ElementKind.FIELD && sources.isPermitCounter(symbol, state)))) {
        return true;
      }
    }
    return false;
  }

  private static final ImmutableSet<String> SHARED_LOOKUPS =
      ImmutableSet.of(
          "computeIfAbsent", "get", "getOrDefault", "putIfAbsent", "compute", "merge",
          "computeIfPresent");

  /** From the unit's index of declarations: no walk of its own. */
  private static ImmutableSet<VarSymbol> sharedLocals(UnitIndex index, VisitorState state) {
    ImmutableSet.Builder<VarSymbol> shared = ImmutableSet.builder();
    for (VariableTree tree : index.variables()) {
      VarSymbol local;
      if (tree.getInitializer() instanceof MethodInvocationTree call
          && call.getMethodSelect() instanceof MemberSelectTree select
          && SHARED_LOOKUPS.contains(select.getIdentifier().toString())
          && (local = ASTHelpers.getSymbol(tree)) != null
          && local.getKind() == ElementKind.LOCAL_VARIABLE
          && ASTHelpers.getSymbol(select.getExpression()) instanceof VarSymbol map
          && map.getKind() == ElementKind.FIELD
          && RateStateAccess.cellOf(map, state) == RateStateAccess.Cell.COLLECTION) {
        RateStateAccess.Cell cell = RateStateAccess.cellOf(local, state);
        if (cell == RateStateAccess.Cell.COLLECTION || cell == RateStateAccess.Cell.ATOMIC) {
          shared.add(local);
        }
      }
    }
    return shared.build();
  }

  /** A value stored into a local, a field, or returned from a method. */
  private record Flow(
      Symbol target, Set<Symbol> mentions, boolean fromClock, boolean self, boolean carriesTime) {}

  /** A comparison a value takes part in ({@code count < limit}, {@code now - last >= interval}). */
  private record Compared(CheckThenActAnalysis.Comparison comparison, @Nullable ExpressionTree other) {}

  private static final class Collector extends TreePathScanner<Void, Void> {
    private final TimeSources sources;
    private final VisitorState state;
    private final List<Flow> flows = new ArrayList<>();
    private final Set<Symbol> timed = new HashSet<>();
    private final Map<Symbol, Set<Compared>> compared = new HashMap<>();
    private final Set<VarSymbol> stepped = new LinkedHashSet<>();
    private final Map<VarSymbol, RateStateAccess.Cell> cells = new HashMap<>();

    private final Set<VarSymbol> sharedLocals;

    /**
     * The reads of each local and parameter, whose comparisons {@link #solve} asks for only where
     * the local's value can reach state: asked of every read, they were most of the walk's cost.
     */
    private final Map<VarSymbol, List<TreePath>> localReads = new HashMap<>();

    Collector(TimeSources sources, VisitorState state, Set<VarSymbol> sharedLocals) {
      this.sources = sources;
      this.state = state;
      this.sharedLocals = sharedLocals;
    }

    @Override
    public Void visitVariable(VariableTree tree, Void unused) {
      VarSymbol symbol = ASTHelpers.getSymbol(tree);
      if (symbol != null) {
        if (symbol.getKind() == ElementKind.PARAMETER && sources.isTimeParameter(symbol, state)) {
          timed.add(symbol);
        }
        if (tree.getInitializer() != null) {
          addFlow(symbol, tree.getInitializer(), false);
        }
      }
      return super.visitVariable(tree, null);
    }

    @Override
    public Void visitEnhancedForLoop(EnhancedForLoopTree tree, Void unused) {
      VarSymbol symbol = ASTHelpers.getSymbol(tree.getVariable());
      if (symbol != null) {
        addFlow(symbol, tree.getExpression(), false);
      }
      return super.visitEnhancedForLoop(tree, null);
    }

    @Override
    public Void visitAssignment(AssignmentTree tree, Void unused) {
      Symbol target = ASTHelpers.getSymbol(tree.getVariable());
      if (target instanceof VarSymbol var && var.getKind() != ElementKind.FIELD) {
        addFlow(var, tree.getExpression(), false);
      }
      return super.visitAssignment(tree, null);
    }

    @Override
    public Void visitCompoundAssignment(CompoundAssignmentTree tree, Void unused) {
      Symbol target = ASTHelpers.getSymbol(tree.getVariable());
      if (target instanceof VarSymbol var && var.getKind() != ElementKind.FIELD) {
        addFlow(var, tree.getExpression(), false);
      }
      return super.visitCompoundAssignment(tree, null);
    }

    @Override
    public Void visitReturn(ReturnTree tree, Void unused) {
      if (tree.getExpression() != null) {
        for (TreePath p = getCurrentPath(); p != null; p = p.getParentPath()) {
          if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
            break;
          }
          if (p.getLeaf() instanceof MethodTree method) {
            MethodSymbol symbol = ASTHelpers.getSymbol(method);
            if (symbol != null) {
              addFlow(symbol, tree.getExpression(), false);
            }
            break;
          }
        }
      }
      return super.visitReturn(tree, null);
    }

    @Override
    public Void visitIdentifier(IdentifierTree tree, Void unused) {
      fieldOrLocal(tree);
      return super.visitIdentifier(tree, null);
    }

    @Override
    public Void visitMemberSelect(MemberSelectTree tree, Void unused) {
      fieldOrLocal(tree);
      return super.visitMemberSelect(tree, null);
    }

    private void fieldOrLocal(ExpressionTree tree) {
      Symbol symbol = ASTHelpers.getSymbol(tree);
      if (!(symbol instanceof VarSymbol var)) {
        return;
      }
      if (var.getKind() != ElementKind.FIELD) {
        // A local or parameter: remember whether its value is compared.
        if (!(getCurrentPath().getParentPath().getLeaf() instanceof AssignmentTree a
            && a.getVariable() == tree)) {
          localReads.computeIfAbsent(var, k -> new ArrayList<>()).add(getCurrentPath());
        }
        if (!sharedLocals.contains(var)) {
          return;
        }
      }
      RateStateAccess access = RateStateAccess.of(getCurrentPath(), state, sharedLocals);
      if (access == null) {
        return;
      }
      cells.put(var, access.cell());
      switch (access.kind()) {
        case READ -> {
          TreePath accessPath = CheckThenActAnalysis.pathTo(getCurrentPath(), access.tree());
          if (accessPath != null) {
            noteComparison(var, accessPath);
          }
        }
        case WRITE, ATOMIC_UPDATE -> {
          if (access.isStep()) {
            stepped.add(var);
          }
          if (access.value() != null) {
            Flow flow = addFlow(var, access.value(), true);
            if (flow != null && flow.self() && access.cell() != RateStateAccess.Cell.COLLECTION) {
              stepped.add(var);
            }
          }
        }
      }
    }

    private void noteComparison(VarSymbol symbol, TreePath path) {
      Use use = CheckThenActAnalysis.useOf(path, state, f -> true, sharedLocals);
      if (use.kind() == CheckThenActAnalysis.UseKind.DECISION) {
        compared
            .computeIfAbsent(symbol, k -> new LinkedHashSet<>())
            .add(new Compared(use.comparison(), use.other()));
      }
    }

    private @Nullable Flow addFlow(Symbol target, ExpressionTree value, boolean isFieldWrite) {
      Set<Symbol> mentions = new HashSet<>();
      boolean clock = scanMentions(value, mentions);
      Flow flow =
          new Flow(
              target,
              mentions,
              clock,
              isFieldWrite && mentions.contains(target),
              carriesTime(ASTHelpers.getType(value)));
      flows.add(flow);
      return flow;
    }

    /** Whether a value of this type can hold a time (a number, an {@code Instant}…). */
    private boolean carriesTime(com.sun.tools.javac.code.@Nullable Type type) {
      if (type == null) {
        return false;
      }
      if (RateStateAccess.isOpenTypeVariable(type, state)
          || RateStateAccess.isNumeric(type, state)) {
        return true;
      }
      String name = type.tsym == null ? "" : type.tsym.getQualifiedName().toString();
      return name.startsWith("java.time.");
    }

    /** Adds the symbols {@code value} mentions; returns whether it reads a clock. */
    private boolean scanMentions(ExpressionTree value, Set<Symbol> mentions) {
      boolean[] clock = {false};
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitIdentifier(IdentifierTree tree, Void unused) {
          Symbol s = ASTHelpers.getSymbol(tree);
          if (s != null) {
            mentions.add(s);
          }
          return null;
        }

        @Override
        public Void visitMemberSelect(MemberSelectTree tree, Void unused) {
          Symbol s = ASTHelpers.getSymbol(tree);
          if (s != null) {
            mentions.add(s);
          }
          return super.visitMemberSelect(tree, null);
        }

        @Override
        public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
          if (sources.isTimeSource(tree, state)) {
            clock[0] = true;
          }
          return super.visitMethodInvocation(tree, null);
        }

        @Override
        public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
          return null;
        }

        @Override
        public Void visitClass(ClassTree tree, Void unused) {
          return null;
        }

        @Override
        public Void visitNewClass(NewClassTree tree, Void unused) {
          scan(tree.getArguments(), null);
          return null;
        }
      }.scan(value, null);
      return clock[0];
    }

    ImmutableSet<VarSymbol> solve() {
      Map<Symbol, List<Flow>> flowsByMention = new HashMap<>();
      Map<Symbol, List<Flow>> flowsByTarget = new HashMap<>();
      for (Flow flow : flows) {
        flowsByTarget.computeIfAbsent(flow.target(), k -> new ArrayList<>()).add(flow);
        for (Symbol mentioned : flow.mentions()) {
          flowsByMention.computeIfAbsent(mentioned, k -> new ArrayList<>()).add(flow);
        }
      }
      // A value computed from a clock or from another time value holds a time.
      List<Symbol> work = new ArrayList<>(timed);
      for (Flow flow : flows) {
        if (flow.carriesTime() && flow.fromClock() && timed.add(flow.target())) {
          work.add(flow.target());
        }
      }
      while (!work.isEmpty()) {
        Symbol time = work.remove(work.size() - 1);
        for (Flow flow : flowsByMention.getOrDefault(time, List.of())) {
          if (flow.carriesTime() && timed.add(flow.target())) {
            work.add(flow.target());
          }
        }
      }
      // A local that is compared makes what it was computed from compared, in the same way. Only
      // locals whose value can reach a state cell matter, so only their reads are looked at.
      Set<Symbol> reachesState = new HashSet<>(cells.keySet());
      List<Symbol> reached = new ArrayList<>(reachesState);
      while (!reached.isEmpty()) {
        Symbol symbol = reached.remove(reached.size() - 1);
        for (Flow flow : flowsByMention.getOrDefault(symbol, List.of())) {
          if (propagatesComparisons(flow) && reachesState.add(flow.target())) {
            reached.add(flow.target());
          }
        }
      }
      for (Map.Entry<VarSymbol, List<TreePath>> reads : localReads.entrySet()) {
        if (reachesState.contains(reads.getKey())) {
          for (TreePath read : reads.getValue()) {
            noteComparison(reads.getKey(), read);
          }
        }
      }
      List<Symbol> grown = new ArrayList<>(compared.keySet());
      while (!grown.isEmpty()) {
        Symbol local = grown.remove(grown.size() - 1);
        Set<Compared> comparisons = compared.get(local);
        if (comparisons == null || comparisons.isEmpty()) {
          continue;
        }
        for (Flow flow : flowsByTarget.getOrDefault(local, List.of())) {
          if (!propagatesComparisons(flow)) {
            continue;
          }
          for (Symbol mentioned : flow.mentions()) {
            if (mentioned instanceof VarSymbol
                && mentioned != local
                && compared
                    .computeIfAbsent(mentioned, k -> new LinkedHashSet<>())
                    .addAll(comparisons)) {
              grown.add(mentioned);
            }
          }
        }
      }
      // A class keeps a clock only if it decides on one (a window that rolls over, an interval
      // that has passed); a timestamp that is only stored and handed out does not make its
      // counters permits (hsqldb RowStoreAVL's row count beside its `timestamp` property).
      Set<Symbol> classesWithTime = new HashSet<>();
      for (VarSymbol field : cells.keySet()) {
        if (timed.contains(field)
            && compared.getOrDefault(field, Set.of()).stream()
                .anyMatch(c -> c.comparison() == CheckThenActAnalysis.Comparison.ORDERING)) {
          classesWithTime.add(field.owner);
        }
      }
      ImmutableSet.Builder<VarSymbol> result = ImmutableSet.builder();
      for (Map.Entry<VarSymbol, RateStateAccess.Cell> entry : cells.entrySet()) {
        VarSymbol field = entry.getKey();
        if (timed.contains(field)) {
          result.add(field);
          continue;
        }
        // A counter is rate-limit state only when it is held against a clock or a budget: an
        // election epoch compared with another node's, or a round-robin index compared with a
        // list's size, is not.
        if (entry.getValue() == RateStateAccess.Cell.COLLECTION || !stepped.contains(field)) {
          continue;
        }
        Set<Compared> comparisons = compared.getOrDefault(field, Set.of());
        boolean againstClock = comparisons.stream().anyMatch(c -> isTimed(c.other()));
        boolean againstBudget =
            comparisons.stream()
                .anyMatch(
                    c ->
                        c.comparison() == CheckThenActAnalysis.Comparison.ORDERING
                            && isBudget(c.other()));
        if (againstClock
            || (againstBudget
                && (classesWithTime.contains(field.owner) || sources.isPermitCounter(field, state)))) {
          result.add(field);
        }
      }
      return result.build();
    }

    /** A flow into a local or parameter: its comparisons are those of what it was computed from. */
    private static boolean propagatesComparisons(Flow flow) {
      return flow.target() instanceof VarSymbol && flow.target().getKind() != ElementKind.FIELD;
    }

    private boolean isTimed(@Nullable ExpressionTree value) {
      if (value == null) {
        return false;
      }
      Set<Symbol> mentions = new HashSet<>();
      boolean clock = scanMentions(value, mentions);
      return clock || mentions.stream().anyMatch(timed::contains);
    }

    /**
     * Whether {@code value} is a budget a counter is held against: a literal, a final field or
     * constant, a parameter, a limit-named getter, or arithmetic on those.
     */
    private static boolean isBudget(@Nullable ExpressionTree value) {
      if (value == null) {
        return false;
      }
      ExpressionTree v = ASTHelpers.stripParentheses(value);
      if (v instanceof com.sun.source.tree.TypeCastTree cast) {
        return isBudget(cast.getExpression());
      }
      if (v instanceof com.sun.source.tree.LiteralTree) {
        return true;
      }
      if (v instanceof com.sun.source.tree.UnaryTree unary
          && (v.getKind() == Tree.Kind.UNARY_MINUS || v.getKind() == Tree.Kind.UNARY_PLUS)) {
        return isBudget(unary.getExpression());
      }
      if (v instanceof com.sun.source.tree.BinaryTree binary) {
        return switch (v.getKind()) {
          case PLUS, MINUS, MULTIPLY, DIVIDE ->
              isBudget(binary.getLeftOperand()) && isBudget(binary.getRightOperand());
          default -> false;
        };
      }
      if (v instanceof MethodInvocationTree call) {
        return call.getArguments().isEmpty()
            && BUDGET_GETTER.matcher(ASTHelpers.getSymbol(call) == null
                ? "" : ASTHelpers.getSymbol(call).getSimpleName().toString()).matches();
      }
      Symbol symbol = ASTHelpers.getSymbol(v);
      if (!(symbol instanceof VarSymbol var)) {
        return false;
      }
      return var.getKind() == ElementKind.PARAMETER
          || (var.getKind() == ElementKind.FIELD
              && var.getModifiers().contains(javax.lang.model.element.Modifier.FINAL));
    }
  }

  private static final java.util.regex.Pattern BUDGET_GETTER =
      java.util.regex.Pattern.compile(
          "(?i)(get)?(max\\w*|\\w*limit\\w*|capacity|\\w*permits|\\w*budget|burst\\w*|threshold)");
}
