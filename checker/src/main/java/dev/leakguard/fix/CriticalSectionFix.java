package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Makes a run of statements one critical section, in the least disruptive scoped form: the class's
 * own {@code Lock} field with {@code lock(); try { … } finally { unlock(); }} around the statements,
 * else {@code synchronized} on the method, else a {@code synchronized (monitor) { … }} block around
 * the statements. Locals declared in the run and used after it keep their scope: the run is then
 * extended to the end of its block.
 */
public final class CriticalSectionFix {

  /** A proposed rewrite and the words for it ("hold `lock` across the check and the update"). */
  public record Proposal(SuggestedFix fix, String description) {}

  /**
   * What {@link #propose} found: a rewrite, or why none is safe ({@code refusal}, a sentence for
   * the diagnostic), or neither when the shape is out of reach.
   */
  public record Outcome(@Nullable Proposal proposal, @Nullable String refusal) {
    static Outcome of(Proposal proposal) {
      return new Outcome(proposal, null);
    }

    static Outcome refused(String why) {
      return new Outcome(null, why);
    }

    static final Outcome NONE = new Outcome(null, null);
  }

  /** Where the state lives, which decides the monitor. */
  public record Owner(
      /** The class declaring the state fields. */
      ClassSymbol fieldOwner,
      /** Whether the state is static. */
      boolean staticState,
      /** The variable whose fields the state is ({@code b} in {@code b.tokens}), or null for this/static. */
      @Nullable VarSymbol receiverVariable,
      /** A {@code @GuardedBy} value of the fields, or null. */
      @Nullable String guard) {}

  private CriticalSectionFix() {}

  /**
   * The rewrite that makes the statements from the one containing {@code first} to the one
   * containing {@code last} atomic, inside the method or lambda at {@code bodyOwnerPath}.
   */
  public static Outcome propose(
      TreePath firstPath, Tree last, TreePath bodyOwnerPath, Owner owner, VisitorState state) {
    Tree bodyOwner = bodyOwnerPath.getLeaf();
    Range range = range(firstPath, last, bodyOwner, state);
    if (range == null) {
      return Outcome.NONE;
    }
    ClassTree enclosingClass = enclosingClass(bodyOwnerPath);
    if (enclosingClass == null) {
      return Outcome.NONE;
    }
    ClassSymbol methodClass = ASTHelpers.getSymbol(enclosingClass);
    MethodTree method = enclosingMethod(bodyOwnerPath);
    boolean staticContext = method != null && method.getModifiers().getFlags().contains(Modifier.STATIC);

    // A lock held across a sleep, a wait, I/O or a thread's loop makes every other caller wait
    // behind it (or forever): that changes liveness, it does not fix the race. A spacing limiter's
    // sleep has a rewrite that keeps it out of the lock.
    Range scoped = range.scoped();
    List<? extends StatementTree> run =
        scoped.block().getStatements().subList(scoped.from(), scoped.to() + 1);
    String blocking = BlockingCalls.in(run, state);
    if (blocking != null) {
      Proposal reservation =
          reservation(scoped, run, monitorFor(owner, methodClass, staticContext, state), state);
      if (reservation != null) {
        return Outcome.of(reservation);
      }
      return Outcome.refused(
          "the check-then-act "
              + blocking
              + ", and a lock held across it would make every other caller wait behind it; decide"
              + " under the lock and wait outside it (for a spacing limiter, reserve the next slot"
              + " with `AtomicLong.getAndUpdate` and sleep until it)");
    }
    return choose(range, bodyOwner, methodClass, method, staticContext, owner, state);
  }

  /** The reserve-then-wait rewrite of {@code run} under {@code monitor}, when it is a spacing limiter. */
  private static @Nullable Proposal reservation(
      Range scoped, List<? extends StatementTree> run, Monitor monitor, VisitorState state) {
    String indent = indentOf(scoped, state);
    String unit = indentUnit(scoped, indent, state);
    ReserveThenWait.Guard guard;
    if (monitor.lock() != null) {
      guard =
          new ReserveThenWait.Guard(
              monitor.lock() + ".lock();\ntry {",
              "} finally {\n" + unit + monitor.lock() + ".unlock();\n}",
              "while holding `" + monitor.lock() + "`");
    } else if (monitor.monitor() != null) {
      guard =
          new ReserveThenWait.Guard(
              "synchronized (" + monitor.monitor() + ") {",
              "}",
              "in a `synchronized (" + monitor.monitor() + ")` block");
    } else {
      return null;
    }
    String text = ReserveThenWait.rewrite(scoped.blockPath(), run, guard, indent, unit, state);
    return text == null
        ? null
        : new Proposal(
            replaceRange(scoped, text, state),
            "reserve the next slot " + guard.words() + " and sleep outside it");
  }

  /**
   * What guards the state: a {@code Lock} to hold, or a monitor to synchronize on, or why neither
   * may be used ({@code refusal}); all null when there is none to name. {@code explicit} when a
   * {@code @GuardedBy} chose it.
   */
  private record Monitor(
      @Nullable String lock, @Nullable String monitor, @Nullable String refusal, boolean explicit) {}

  private static Monitor monitorFor(
      Owner owner, @Nullable ClassSymbol methodClass, boolean staticContext, VisitorState state) {
    // 1. An explicit guard names the monitor.
    if (owner.guard() != null && !owner.guard().equals("this")) {
      VarSymbol guardField = findField(methodClass, owner.guard().replaceFirst("^this\\.", ""), state);
      if (guardField != null && isLock(guardField.type, state)) {
        return new Monitor(lockExpression(guardField, state), null, null, true);
      }
      return new Monitor(null, owner.guard(), null, true);
    }
    // 2. The class's own Lock.
    if (owner.receiverVariable() == null) {
      VarSymbol lockField = findLockField(owner.fieldOwner(), methodClass, owner.staticState(), staticContext, state);
      if (lockField != null) {
        return new Monitor(lockExpression(lockField, state), null, null, false);
      }
    }
    // A Thread's own monitor is the one join() waits on: never synchronize on it.
    ClassSymbol monitorClass =
        owner.receiverVariable() != null || owner.staticState() ? null : owner.fieldOwner();
    if (monitorClass != null && isThread(monitorClass, state)) {
      return new Monitor(
          null,
          null,
          "`"
              + monitorClass.getSimpleName()
              + "` is a `Thread`, and `synchronized` on it would hold the monitor that `join()`"
              + " waits on; give it a private lock object instead",
          false);
    }
    // 3. The state's owner.
    String monitor;
    if (owner.receiverVariable() != null) {
      monitor = owner.receiverVariable().getSimpleName().toString();
    } else if (owner.staticState()) {
      SuggestedFix.Builder imports = SuggestedFix.builder();
      monitor = SuggestedFixes.qualifyType(state, imports, owner.fieldOwner()) + ".class";
    } else if (staticContext) {
      monitor = null;
    } else if (methodClass != null && methodClass.equals(owner.fieldOwner())) {
      monitor = "this";
    } else {
      monitor = owner.fieldOwner().getSimpleName() + ".this";
    }
    return new Monitor(null, monitor, null, false);
  }

  private static Outcome choose(
      Range range,
      Tree bodyOwner,
      @Nullable ClassSymbol methodClass,
      @Nullable MethodTree method,
      boolean staticContext,
      Owner owner,
      VisitorState state) {
    Monitor monitor = monitorFor(owner, methodClass, staticContext, state);
    if (monitor.lock() != null) {
      return Outcome.of(lockRegion(range, monitor.lock(), state));
    }
    if (monitor.explicit()) {
      return Outcome.of(synchronizedBlock(range, monitor.monitor(), state));
    }
    if (monitor.refusal() != null) {
      return Outcome.refused(monitor.refusal());
    }
    // `synchronized` on the method, when its monitor is the state's owner and nothing else in the
    // method blocks.
    if (bodyOwner instanceof MethodTree m
        && m.getBody() != null
        && BlockingCalls.in(m.getBody().getStatements(), state) == null
        && owner.receiverVariable() == null
        && !m.getModifiers().getFlags().contains(Modifier.SYNCHRONIZED)
        && methodClass != null
        && methodClass.isSubClass(owner.fieldOwner(), state.getTypes())
        && (owner.staticState() == staticContext)) {
      Optional<SuggestedFix> fix = SuggestedFixes.addModifiers(m, state, Modifier.SYNCHRONIZED);
      if (fix.isPresent()) {
        return Outcome.of(new Proposal(fix.get(), "make `" + m.getName() + "()` synchronized"));
      }
    }
    // A synchronized block on the state's owner.
    return monitor.monitor() == null
        ? Outcome.NONE
        : Outcome.of(synchronizedBlock(range, monitor.monitor(), state));
  }

  private record Range(TreePath blockPath, BlockTree block, int from, int to) {
    /** The same run, extended to the end of the block when a local it declares is used later. */
    Range scoped() {
      List<? extends StatementTree> statements = block.getStatements();
      return declaresLocalUsedAfter(statements, from, to)
          ? new Range(blockPath, block, from, statements.size() - 1)
          : this;
    }
  }

  private static @Nullable Range range(TreePath firstPath, Tree last, Tree bodyOwner, VisitorState state) {
    int lastEnd = state.getEndPosition(last);
    for (TreePath p = firstPath; p != null && p.getLeaf() != bodyOwner; p = p.getParentPath()) {
      if (!(p.getLeaf() instanceof BlockTree block)) {
        continue;
      }
      if (state.getEndPosition(block) < lastEnd) {
        continue;
      }
      List<? extends StatementTree> statements = block.getStatements();
      int from = -1;
      int to = -1;
      int firstStart = ASTHelpers.getStartPosition(firstPath.getLeaf());
      for (int i = 0; i < statements.size(); i++) {
        StatementTree s = statements.get(i);
        int start = ASTHelpers.getStartPosition(s);
        int end = state.getEndPosition(s);
        if (from < 0 && start <= firstStart && firstStart < end) {
          from = i;
        }
        if (start < lastEnd && lastEnd <= end) {
          to = i;
        }
      }
      if (from < 0 || to < from) {
        return null;
      }
      return new Range(p, block, from, to);
    }
    return null;
  }

  private static boolean declaresLocalUsedAfter(
      List<? extends StatementTree> statements, int from, int to) {
    Set<Symbol> declared = new HashSet<>();
    for (int i = from; i <= to; i++) {
      if (statements.get(i) instanceof VariableTree variable) {
        VarSymbol symbol = ASTHelpers.getSymbol(variable);
        if (symbol != null) {
          declared.add(symbol);
        }
      }
    }
    return Hoisting.lastUse(statements, to + 1, declared) >= 0;
  }

  private static Proposal lockRegion(Range range, String lock, VisitorState state) {
    List<? extends StatementTree> statements = range.block().getStatements();
    ScopedRegion.Outcome outcome =
        ScopedRegion.between(
            new TreePath(range.blockPath(), statements.get(range.from())),
            statements.get(range.to()),
            state);
    if (outcome.region() != null) {
      return new Proposal(
          TryFinallyFix.wrap(outcome.region(), lock + ".lock();", lock + ".unlock();", state),
          "hold `" + lock + "` across the check and the update");
    }
    range = range.scoped();
    String indent = indentOf(range, state);
    String unit = indentUnit(range, indent, state);
    String body = reindented(range, unit, state);
    String text =
        lock + ".lock();\n" + indent + "try {\n" + indent + unit + body + "\n" + indent
            + "} finally {\n" + indent + unit + lock + ".unlock();\n" + indent + "}";
    return new Proposal(
        replaceRange(range, text, state),
        "hold `" + lock + "` across the check and the update");
  }

  private static Proposal synchronizedBlock(Range unscoped, String monitor, VisitorState state) {
    Range range = unscoped.scoped();
    String indent = indentOf(range, state);
    String unit = indentUnit(range, indent, state);
    String body = reindented(range, unit, state);
    String text =
        "synchronized (" + monitor + ") {\n" + indent + unit + body + "\n" + indent + "}";
    return new Proposal(
        replaceRange(range, text, state),
        "make the check and the update one `synchronized (" + monitor + ")` block");
  }

  private static SuggestedFix replaceRange(Range range, String text, VisitorState state) {
    StatementTree first = range.block().getStatements().get(range.from());
    StatementTree last = range.block().getStatements().get(range.to());
    return SuggestedFix.builder()
        .replace(ASTHelpers.getStartPosition(first), state.getEndPosition(last), text)
        .build();
  }

  private static String indentOf(Range range, VisitorState state) {
    return SourceText.indentOf(
        state.getSourceCode(),
        ASTHelpers.getStartPosition(range.block().getStatements().get(range.from())));
  }

  /** One level of indentation as the file writes it. */
  private static String indentUnit(Range range, String indent, VisitorState state) {
    return SourceText.indentUnit(
        indent, SourceText.indentOf(state.getSourceCode(), ASTHelpers.getStartPosition(range.block())));
  }

  /** The statements' source, each continuation line indented one more level (not inside text blocks). */
  private static String reindented(Range range, String unit, VisitorState state) {
    StatementTree first = range.block().getStatements().get(range.from());
    StatementTree last = range.block().getStatements().get(range.to());
    String source =
        state.getSourceCode()
            .subSequence(ASTHelpers.getStartPosition(first), state.getEndPosition(last))
            .toString();
    if (source.contains("\"\"\"")) {
      return source;
    }
    StringBuilder out = new StringBuilder();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.append('\n');
        if (!lines[i].isBlank()) {
          out.append(unit);
        }
      }
      out.append(lines[i]);
    }
    return out.toString();
  }

  private static @Nullable ClassTree enclosingClass(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof ClassTree c) {
        return c;
      }
    }
    return null;
  }

  private static @Nullable MethodTree enclosingMethod(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree m) {
        return m;
      }
      if (p.getLeaf() instanceof ClassTree) {
        return null;
      }
      if (p.getLeaf() instanceof LambdaExpressionTree) {
        continue;
      }
    }
    return null;
  }

  /**
   * A {@code Lock} (or {@code ReadWriteLock}) field of the state's class that the method can use
   * for the state: static for static state, reachable from the method's class.
   */
  private static @Nullable VarSymbol findLockField(
      ClassSymbol fieldOwner,
      @Nullable ClassSymbol methodClass,
      boolean staticState,
      boolean staticContext,
      VisitorState state) {
    if (methodClass == null) {
      return null;
    }
    for (Symbol member : fieldOwner.getEnclosedElements()) {
      if (!(member instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD) {
        continue;
      }
      boolean isStatic = ASTHelpers.isStatic(field);
      if ((staticState || staticContext) && !isStatic) {
        continue;
      }
      if (!isStatic && !isInsideOrSame(methodClass, fieldOwner, state)) {
        continue;
      }
      if (isLock(field.type, state) || isReadWriteLock(field.type, state)) {
        return field;
      }
    }
    return null;
  }

  private static boolean isInsideOrSame(ClassSymbol inner, ClassSymbol outer, VisitorState state) {
    for (Symbol s = inner; s != null; s = s.owner) {
      if (s instanceof ClassSymbol c && c.isSubClass(outer, state.getTypes())) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable VarSymbol findField(
      @Nullable ClassSymbol start, String name, VisitorState state) {
    for (Symbol s = start; s != null; s = s.owner) {
      if (!(s instanceof ClassSymbol c)) {
        continue;
      }
      for (Symbol member : c.getEnclosedElements()) {
        if (member instanceof VarSymbol v
            && v.getKind() == ElementKind.FIELD
            && v.getSimpleName().contentEquals(name)) {
          return v;
        }
      }
    }
    return null;
  }

  private static String lockExpression(VarSymbol field, VisitorState state) {
    String name = field.getSimpleName().toString();
    return isReadWriteLock(field.type, state) ? name + ".writeLock()" : name;
  }

  private static boolean isThread(ClassSymbol c, VisitorState state) {
    Type thread = state.getTypeFromString("java.lang.Thread");
    return thread != null && ASTHelpers.isSubtype(c.type, thread, state);
  }

  private static boolean isLock(Type type, VisitorState state) {
    Type lock = state.getTypeFromString("java.util.concurrent.locks.Lock");
    return lock != null
        && ASTHelpers.isSubtype(state.getTypes().erasure(type), lock, state)
        && !type.tsym.getSimpleName().contentEquals("ReadLock");
  }

  private static boolean isReadWriteLock(Type type, VisitorState state) {
    Type rw = state.getTypeFromString("java.util.concurrent.locks.ReadWriteLock");
    return rw != null && ASTHelpers.isSubtype(state.getTypes().erasure(type), rw, state);
  }
}
