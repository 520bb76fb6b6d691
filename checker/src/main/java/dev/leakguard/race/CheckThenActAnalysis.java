package dev.leakguard.race;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssertTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.race.CriticalSections.Region;
import dev.leakguard.trees.Mentions;
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
  record Use(
      UseKind kind,
      @Nullable Symbol target,
      boolean simple,
      Comparison comparison,
      @Nullable ExpressionTree other) {
    static final Use OTHER = new Use(UseKind.OTHER, null, false, Comparison.NONE, null);
    static final Use DECISION = new Use(UseKind.DECISION, null, false, Comparison.NONE, null);

    Use(UseKind kind, @Nullable Symbol target, boolean simple) {
      this(kind, target, simple, Comparison.NONE, null);
    }

    static Use compared(Comparison comparison, @Nullable ExpressionTree other) {
      return new Use(UseKind.DECISION, null, false, comparison, other);
    }
  }

  /** How a {@link UseKind#DECISION} compares the value: {@code <}/{@code isBefore}, {@code ==}/{@code equals}, or not at all. */
  enum Comparison {
    NONE,
    EQUALITY,
    ORDERING
  }

  private static final ImmutableSet<String> COMPARING_METHODS =
      ImmutableSet.of(
          "isBefore", "isAfter", "equals", "compareTo", "compare", "isNegative", "isZero",
          "isEqual", "isEmpty", "isPresent");

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
    Map<Symbol, List<Use>> decidedLocals = new HashMap<>();
    Predicate<VarSymbol> isState = stateFields::holdsState;
    List<Access> checks = new ArrayList<>();
    Set<Access> flowOnly = new HashSet<>();
    for (Access read : scanner.accesses) {
      if (read.access.kind() != RateStateAccess.Kind.READ
          || isOwnStore(read, scanner)
          || isValidated(read, ASTHelpers.getStartPosition(read.access.tree()), scanner.accesses)) {
        continue;
      }
      List<Use> decisions = decisionsOn(read, scanner, decidedLocals, isState, state);
      if (decisions.isEmpty()
          || isChangeOrPresenceTest(read, decisions, scanner)
          || isClampToConstant(read, decisions, scanner)) {
        continue;
      }
      checks.add(read);
      if (decisions.stream().allMatch(d -> d.kind() == UseKind.STATE_WRITE)) {
        flowOnly.add(read);
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
      if (actsInOwnRegion(read, readRegions, scanner, regions, state)) {
        continue;
      }
      for (Access write : scanner.accesses) {
        if (write.access.kind() != RateStateAccess.Kind.WRITE
            || !write.access.receiver().equals(read.access.receiver())
            || state.getEndPosition(write.access.tree()) <= readStart
            || write.access.tree() == read.access.tree()
            // A value only carried into other state (a copy, a sum) races with the next write of
            // the field it came from, not with the write it is carried into.
            || (flowOnly.contains(read) && write.access.field() != read.access.field())) {
          continue;
        }
        if (ThreadConfinement.confinedUntil(read.access.receiver(), write.accessPath, state)) {
          continue;
        }
        List<Region> writeRegions = regionsOf(write, regions, state);
        if (sharesProtectingRegion(readRegions, writeRegions, read.access.field(), write.access.field())
            || isRecheckedUnderLock(read, write, writeRegions, checks, regions, state)
            || isDoubleCheckedRefresh(read, write, writeRegions, scanner, state)) {
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

  /**
   * Whether the check already has its act inside its own critical section: a later write of the
   * same field that a region holding the read also holds ({@code lock(); ok = guard >= 0; if (ok)
   * ++guard; unlock();}). That check-then-act is one step; writes of later regions are further
   * steps, not the act of this check (jetty-client HttpConnection.send).
   */
  private static boolean actsInOwnRegion(
      Access read,
      List<Region> readRegions,
      BodyScanner scanner,
      Map<Access, List<Region>> regions,
      VisitorState state) {
    if (readRegions.isEmpty()) {
      return false;
    }
    int readEnd = state.getEndPosition(read.access.tree());
    for (Access write : scanner.accesses) {
      if (write.access.kind() == RateStateAccess.Kind.WRITE
          && write.access.field() == read.access.field()
          && write.access.receiver().equals(read.access.receiver())
          && ASTHelpers.getStartPosition(write.access.tree()) >= readEnd
          && sharesProtectingRegion(
              readRegions,
              regionsOf(write, regions, state),
              read.access.field(),
              write.access.field())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the check clamps a configured value to a constant: every decision compares it with a
   * constant bound ({@code keepaliveTime < SECONDS.toMillis(30)}) and every later write of the
   * field stores one ({@code keepaliveTime = 0L}). No clock is read and no count is taken, so two
   * threads that pass the check together store the same constant: configuration, not a rate limit
   * (hikaricp HikariConfig.validateNumerics).
   */
  private static boolean isClampToConstant(Access read, List<Use> decisions, BodyScanner scanner) {
    for (Use use : decisions) {
      if (use.comparison() == Comparison.NONE
          || use.other() == null
          || !isConstantBound(use.other())) {
        return false;
      }
    }
    int readStart = ASTHelpers.getStartPosition(read.access.tree());
    boolean written = false;
    for (Access write : scanner.accesses) {
      RateStateAccess w = write.access;
      if (w.kind() != RateStateAccess.Kind.WRITE
          || w.field() != read.access.field()
          || !w.receiver().equals(read.access.receiver())
          || ASTHelpers.getStartPosition(w.tree()) < readStart) {
        continue;
      }
      if (w.compound() || w.value() == null || !isConstantBound(w.value())) {
        return false;
      }
      written = true;
    }
    return written;
  }

  private static final ImmutableSet<String> CONSTANT_ARITHMETIC_OWNERS =
      ImmutableSet.of("java.util.concurrent.TimeUnit", "java.time.Duration", "java.lang.Math");

  /**
   * A value fixed at compile time or by a constant: a literal, a {@code static final} field or enum
   * constant, arithmetic on those, or a {@code TimeUnit}/{@code Duration}/{@code Math} call on them.
   */
  private static boolean isConstantBound(ExpressionTree value) {
    ExpressionTree v = ASTHelpers.stripParentheses(value);
    if (v instanceof LiteralTree) {
      return v.getKind() != Tree.Kind.NULL_LITERAL;
    }
    if (v instanceof com.sun.source.tree.UnaryTree unary
        && (v.getKind() == Tree.Kind.UNARY_MINUS || v.getKind() == Tree.Kind.UNARY_PLUS)) {
      return isConstantBound(unary.getExpression());
    }
    if (v instanceof com.sun.source.tree.TypeCastTree cast) {
      return isConstantBound(cast.getExpression());
    }
    if (v instanceof BinaryTree binary) {
      return switch (v.getKind()) {
        case PLUS, MINUS, MULTIPLY, DIVIDE ->
            isConstantBound(binary.getLeftOperand()) && isConstantBound(binary.getRightOperand());
        default -> false;
      };
    }
    if (v instanceof MethodInvocationTree call) {
      Symbol method = ASTHelpers.getSymbol(call);
      if (method == null
          || !CONSTANT_ARITHMETIC_OWNERS.contains(method.owner.getQualifiedName().toString())) {
        return false;
      }
      ExpressionTree receiver = ASTHelpers.getReceiver(call);
      if (receiver != null
          && !(ASTHelpers.getSymbol(receiver) instanceof Symbol.ClassSymbol)
          && !isConstantBound(receiver)) {
        return false;
      }
      return call.getArguments().stream().allMatch(CheckThenActAnalysis::isConstantBound);
    }
    Symbol symbol = ASTHelpers.getSymbol(v);
    return symbol instanceof VarSymbol var
        && (var.getKind() == ElementKind.ENUM_CONSTANT
            || (var.getKind() == ElementKind.FIELD
                && var.isStatic()
                && var.getModifiers().contains(Modifier.FINAL)));
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

  /**
   * Whether the pair is a double-checked cache refresh: {@code if (stale) { synchronized (this) {
   * a = f(now); b = g(now); helper(now); } }}. The test's only consequence is a recomputation under
   * the lock; the values written come from the inputs, never from the state read (no {@code n++},
   * no {@code t = t + …}), nothing leaves the region early, and it calls only the class's own
   * private methods. A second thread that passes the stale test recomputes the same values: the
   * same outcome as if it had waited, so not a race.
   */
  private static boolean isDoubleCheckedRefresh(
      Access read, Access write, List<Region> writeRegions, BodyScanner scanner, VisitorState state) {
    if (writeRegions.isEmpty()) {
      return false;
    }
    IfTree test = null;
    for (TreePath p = read.path; p.getParentPath() != null; p = p.getParentPath()) {
      if (p.getParentPath().getLeaf() instanceof IfTree ifTree && ifTree.getCondition() == p.getLeaf()) {
        test = ifTree;
        break;
      }
      if (p.getLeaf() instanceof StatementTree) {
        return false;
      }
    }
    if (test == null || test.getElseStatement() != null) {
      return false;
    }
    List<? extends StatementTree> then =
        test.getThenStatement() instanceof BlockTree block
            ? block.getStatements()
            : List.of(test.getThenStatement());
    Region region = null;
    for (Region r : writeRegions) {
      if (isWholeBranch(then, r.tree())) {
        region = r;
      }
    }
    if (region == null) {
      return false;
    }
    Tree body =
        region.tree() instanceof SynchronizedTree sync
            ? sync.getBlock()
            : region.tree() instanceof TryTree tryTree ? tryTree.getBlock() : then.get(then.size() - 1);
    if (body instanceof TryTree tryTree) {
      body = tryTree.getBlock();
    }
    if (!(body instanceof BlockTree block)) {
      return false;
    }
    Symbol.ClassSymbol owner = ASTHelpers.enclosingClass(read.access.field());
    for (StatementTree statement : block.getStatements()) {
      if (!(statement instanceof com.sun.source.tree.ExpressionStatementTree expression)) {
        return false;
      }
      ExpressionTree e = expression.getExpression();
      if (e instanceof AssignmentTree assignment) {
        Symbol target = ASTHelpers.getSymbol(assignment.getVariable());
        if (!(target instanceof VarSymbol v) || v.getKind() != ElementKind.FIELD) {
          return false;
        }
        if (mentionsState(assignment.getExpression(), scanner.stateFields)) {
          return false;
        }
      } else if (e instanceof MethodInvocationTree call) {
        Symbol.MethodSymbol callee = ASTHelpers.getSymbol(call);
        if (callee == null
            || !callee.getModifiers().contains(Modifier.PRIVATE)
            || callee.owner != owner
            || call.getArguments().stream().anyMatch(a -> mentionsState(a, scanner.stateFields))) {
          return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code statements} (an {@code if}'s branch) are exactly the critical section {@code region}. */
  private static boolean isWholeBranch(List<? extends StatementTree> statements, Tree region) {
    if (statements.size() == 1) {
      return statements.get(0) == region
          && (region instanceof SynchronizedTree || region instanceof TryTree);
    }
    // lock.lock(); try { … } finally { lock.unlock(); }
    return statements.size() == 2
        && statements.get(0) == region
        && statements.get(1) instanceof TryTree;
  }

  private static boolean mentionsState(ExpressionTree tree, RateLimitState stateFields) {
    boolean[] found = {false};
    Mentions.forEachNamed(
        tree, s -> found[0] |= s instanceof VarSymbol v && stateFields.holdsState(v));
    return found[0];
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

  /**
   * The decisions taken on the value a read returns: comparisons and tests, and (as {@link
   * UseKind#STATE_WRITE}) new state values computed from it.
   */
  private static List<Use> decisionsOn(
      Access read,
      BodyScanner scanner,
      Map<Symbol, List<Use>> decidedLocals,
      Predicate<VarSymbol> isState,
      VisitorState state) {
    List<Use> decisions = new ArrayList<>();
    collectDecisions(
        useOf(read.accessPath, state, isState, scanner.stateFields.sharedLocals()),
        read.access.field(),
        scanner,
        decidedLocals,
        isState,
        state,
        decisions);
    return decisions;
  }

  /**
   * Whether the read returns what this body itself stored: an earlier statement of an enclosing
   * block overwrites the field with a value not computed from it ({@code start = nanoTime(); …
   * time = nanoTime() - start}). That statement runs before the read on every path, so the value
   * decided on is this thread's own, not one another thread left. A step ({@code n++}) does not
   * count: it is itself a racy read.
   */
  private static boolean isOwnStore(Access read, BodyScanner scanner) {
    int readStart = ASTHelpers.getStartPosition(read.access.tree());
    for (Access write : scanner.accesses) {
      RateStateAccess w = write.access;
      if (w.kind() != RateStateAccess.Kind.WRITE
          || w.compound()
          || w.value() == null
          || w.field() != read.access.field()
          || !w.receiver().equals(read.access.receiver())
          || (w.cell() != RateStateAccess.Cell.PLAIN && w.cell() != RateStateAccess.Cell.ATOMIC)
          || ASTHelpers.getStartPosition(w.tree()) >= readStart
          || mentionsField(w.value(), w.field())) {
        continue;
      }
      TreePath statement = write.accessPath.getParentPath();
      if (statement == null
          || !(statement.getLeaf() instanceof com.sun.source.tree.ExpressionStatementTree)
          || !(statement.getParentPath().getLeaf() instanceof BlockTree block)) {
        continue;
      }
      for (TreePath p = read.path; p.getParentPath() != null; p = p.getParentPath()) {
        if (p.getParentPath().getLeaf() == block) {
          if (p.getLeaf() != statement.getLeaf()) {
            return true;
          }
          break;
        }
      }
    }
    return false;
  }

  private static boolean mentionsField(ExpressionTree value, VarSymbol field) {
    return Mentions.mentions(value, field);
  }

  /** Adds the decisions that a value used as {@code use} takes part in, following locals. */
  private static void collectDecisions(
      Use use,
      @Nullable VarSymbol readField,
      BodyScanner scanner,
      Map<Symbol, List<Use>> decidedLocals,
      Predicate<VarSymbol> isState,
      VisitorState state,
      List<Use> out) {
    switch (use.kind()) {
      case DECISION -> out.add(use);
      case STATE_WRITE -> {
        if (!(use.simple() && (readField == null || use.target() == readField))) {
          out.add(use);
        }
      }
      case LOCAL -> out.addAll(localDecisions(use.target(), scanner, decidedLocals, isState, state));
      case OTHER -> {}
    }
  }

  private static List<Use> localDecisions(
      @Nullable Symbol local,
      BodyScanner scanner,
      Map<Symbol, List<Use>> decidedLocals,
      Predicate<VarSymbol> isState,
      VisitorState state) {
    if (local == null) {
      return List.of();
    }
    List<Use> known = decidedLocals.get(local);
    if (known != null) {
      return known;
    }
    List<Use> decisions = new ArrayList<>();
    decidedLocals.put(local, decisions);
    for (TreePath use : scanner.localUses.getOrDefault(local, List.of())) {
      collectDecisions(
          useOf(use, state, isState, scanner.stateFields.sharedLocals()),
          null,
          scanner,
          decidedLocals,
          isState,
          state,
          decisions);
    }
    return decisions;
  }

  /**
   * Whether the only decisions on a read are "has it changed?": equality tests of the value read
   * against a value {@code v} that a later write stores into the same field ({@code if (last !=
   * modified) { last = modified; … }}, {@code if (!next.equals(prev)) map.put(key, next)}), or
   * "is it still unset?": equality with {@code null} or zero, when no later write steps the field
   * ({@code if (c.unused == 0) c.unused = now}, a cache's {@code get} then {@code put}). Two threads
   * that both pass such a test store the same kind of value for the same reason: a change detector
   * or a lazy initialisation, not a limit.
   */
  private static boolean isChangeOrPresenceTest(
      Access read, List<Use> decisions, BodyScanner scanner) {
    boolean againstWritten = false;
    boolean againstUnset = false;
    for (Use use : decisions) {
      if (use.comparison() != Comparison.EQUALITY || use.other() == null) {
        return false;
      }
      ExpressionTree other = ASTHelpers.stripParentheses(use.other());
      if (isUnsetValue(other)) {
        againstUnset = true;
        continue;
      }
      Symbol compared = ASTHelpers.getSymbol(other);
      if (!(compared instanceof VarSymbol v) || v.getKind() == ElementKind.FIELD) {
        return false;
      }
      if (!writesValue(read, v, scanner)) {
        return false;
      }
      againstWritten = true;
    }
    return againstWritten || (againstUnset && !isSteppedLater(read, scanner));
  }

  /** {@code null} or a zero literal: the value of a field nobody has set yet. */
  private static boolean isUnsetValue(ExpressionTree value) {
    return value.getKind() == Tree.Kind.NULL_LITERAL
        || (value instanceof LiteralTree literal
            && literal.getValue() instanceof Number number
            && !(number instanceof Double || number instanceof Float)
            && number.longValue() == 0);
  }

  /**
   * Whether a write after the read steps the field or computes its new value from the old one
   * ({@code if (permits == 0) return false; permits--;}): then the test guards a count, not an
   * unset field.
   */
  private static boolean isSteppedLater(Access read, BodyScanner scanner) {
    int readStart = ASTHelpers.getStartPosition(read.access.tree());
    for (Access write : scanner.accesses) {
      RateStateAccess w = write.access;
      if (w.kind() != RateStateAccess.Kind.READ
          && w.field() == read.access.field()
          && w.receiver().equals(read.access.receiver())
          && ASTHelpers.getStartPosition(w.tree()) > readStart
          && (w.compound() || (w.value() != null && mentionsField(w.value(), w.field())))) {
        return true;
      }
    }
    return false;
  }

  private static boolean writesValue(Access read, VarSymbol value, BodyScanner scanner) {
    int readStart = ASTHelpers.getStartPosition(read.access.tree());
    for (Access write : scanner.accesses) {
      if (write.access.kind() == RateStateAccess.Kind.WRITE
          && write.access.field() == read.access.field()
          && write.access.receiver().equals(read.access.receiver())
          && ASTHelpers.getStartPosition(write.access.tree()) > readStart
          && write.access.value() != null
          && ASTHelpers.getSymbol(ASTHelpers.stripParentheses(write.access.value())) == value) {
        return true;
      }
    }
    return false;
  }

  /** Follows the value of the expression at {@code path} up to where it is used. */
  static Use useOf(
      TreePath path, VisitorState state, Predicate<VarSymbol> isState, Set<VarSymbol> shared) {
    if (ASTHelpers.findEnclosingNode(path, AssertTree.class) != null) {
      // An assertion checks an invariant (h2 Chunk.accountForRemovedPage); it decides nothing.
      return Use.OTHER;
    }
    Tree child = path.getLeaf();
    boolean simple = true;
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree parent = p.getLeaf();
      switch (parent.getKind()) {
        case PARENTHESIZED, TYPE_CAST, PLUS, MINUS -> {}
        case UNARY_MINUS, UNARY_PLUS, BITWISE_COMPLEMENT, MULTIPLY, DIVIDE, REMAINDER, LEFT_SHIFT,
            RIGHT_SHIFT, UNSIGNED_RIGHT_SHIFT, AND, OR, XOR, ARRAY_ACCESS ->
            simple = false;
        case NEW_CLASS -> {
          // The value goes into a new object (a message, a request): what it decides there is not
          // a decision on the state.
          return Use.OTHER;
        }
        case LESS_THAN, LESS_THAN_EQUAL, GREATER_THAN, GREATER_THAN_EQUAL -> {
          return Use.compared(Comparison.ORDERING, otherOperand((BinaryTree) parent, child));
        }
        case EQUAL_TO, NOT_EQUAL_TO -> {
          return Use.compared(Comparison.EQUALITY, otherOperand((BinaryTree) parent, child));
        }
        case CONDITIONAL_AND, CONDITIONAL_OR, LOGICAL_COMPLEMENT, INSTANCE_OF -> {
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
            String name = ((MemberSelectTree) parent).getIdentifier().toString();
            if (COMPARING_METHODS.contains(name)) {
              return comparedBy(name, call.getArguments().isEmpty() ? null : call.getArguments().get(0));
            }
            if (!carriesValue(ASTHelpers.getType(call), state)) {
              return Use.OTHER;
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
          String name = methodName(call);
          if (WAITING_METHODS.contains(name)) {
            return Use.DECISION;
          }
          RateStateAccess written = writeThrough(call, p, state, shared);
          if (written != null && isState.test(written.field())) {
            return new Use(UseKind.STATE_WRITE, written.field(), false);
          }
          if (COMPARING_METHODS.contains(name)) {
            ExpressionTree receiver = ASTHelpers.getReceiver(call);
            ExpressionTree other = receiver;
            if (call.getArguments().size() == 2) { // Objects.equals(a, b), Long.compare(a, b)
              other = call.getArguments().get(0) == child ? call.getArguments().get(1) : call.getArguments().get(0);
            }
            return comparedBy(name, other);
          }
          if (!carriesValue(ASTHelpers.getType(call), state)) {
            // The value went into an object (a connection, a request) or nowhere.
            return Use.OTHER;
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

  private static Use comparedBy(String method, @Nullable ExpressionTree other) {
    return switch (method) {
      case "equals", "isEqual" -> Use.compared(Comparison.EQUALITY, other);
      case "isBefore", "isAfter", "compareTo", "compare" -> Use.compared(Comparison.ORDERING, other);
      default -> Use.DECISION;
    };
  }

  private static @Nullable ExpressionTree otherOperand(BinaryTree comparison, Tree child) {
    return comparison.getLeftOperand() == child
        ? comparison.getRightOperand()
        : comparison.getLeftOperand();
  }

  /** Whether a value of this type can carry a time, a count or a decision on them. */
  static boolean carriesValue(com.sun.tools.javac.code.@Nullable Type type, VisitorState state) {
    if (type == null) {
      return false;
    }
    if (type.getKind() == javax.lang.model.type.TypeKind.BOOLEAN
        || RateStateAccess.isOpenTypeVariable(type, state)
        || RateStateAccess.isNumeric(type, state)) {
      return true;
    }
    String name = type.tsym == null ? "" : type.tsym.getQualifiedName().toString();
    return name.equals("java.lang.Boolean") || name.startsWith("java.time.");
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
