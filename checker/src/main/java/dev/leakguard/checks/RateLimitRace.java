package dev.leakguard.checks;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Description.NO_MATCH;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.LinkType;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.CompilationUnitTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.fix.CriticalSectionFix;
import dev.leakguard.fix.FixValidation;
import dev.leakguard.flow.OwnershipSummaries;
import dev.leakguard.race.CheckThenActAnalysis;
import dev.leakguard.race.CheckThenActAnalysis.CheckThenAct;
import dev.leakguard.race.CriticalSections;
import dev.leakguard.race.RateLimitState;
import dev.leakguard.race.SharedState;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import dev.leakguard.trees.Subclasses;
import dev.leakguard.trees.TypeNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * A rate limiter exists to be shared between threads, so its decision (is the interval over, is
 * there a token left) and its update (remember this request, take the token) must be one atomic
 * step. Read, decide and write without one lock across them and two threads pass the check
 * together: the limit is broken exactly under the load it was written for. {@code volatile} does
 * not help; it makes each access visible, not the pair atomic.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "Check-then-act on shared rate-limit state (a timestamp, token or window counter) is not"
            + " atomic; two threads can pass the check together",
    severity = WARNING,
    linkType = LinkType.CUSTOM,
    link = DocsLinks.BUGPATTERN_BASE + "RateLimitRace.md",
    tags = StandardTags.FRAGILE_CODE)
public final class RateLimitRace extends LeakGuardChecker implements CompilationUnitTreeMatcher {

  public RateLimitRace() {
    this(ErrorProneFlags.empty());
  }

  /**
   * RateLimitRace has no options of its own; reading LeakGuard's options here still makes a
   * mistyped {@code -XepOpt:RateLimitRace:…} fail the build when it is the only check enabled.
   */
  public RateLimitRace(ErrorProneFlags flags) {
    LeakGuardOptions.from(flags);
  }

  private static final Matcher<ExpressionTree> SYSTEM_CLOCK =
      staticMethod().onClass("java.lang.System").namedAnyOf("currentTimeMillis", "nanoTime");

  private static final Matcher<ExpressionTree> JAVA_TIME_NOW =
      staticMethod()
          .onClassAny(
              "java.time.Instant",
              "java.time.LocalDateTime",
              "java.time.LocalTime",
              "java.time.ZonedDateTime",
              "java.time.OffsetDateTime",
              "java.time.OffsetTime")
          .named("now");

  private static final Matcher<ExpressionTree> CLOCK_READ =
      instanceMethod()
          .onDescendantOfAny("java.time.Clock", "java.time.InstantSource")
          .namedAnyOf("millis", "instant");

  /** Ticker-like methods: no arguments, a number back, a clock's name. */
  private static final ImmutableSet<String> CLOCK_METHOD_NAMES =
      ImmutableSet.of(
          "nanoTime", "currentTimeMillis", "currentTimeNanos", "currentTimeMicros", "millis",
          "nanos", "now", "nowNanos", "nowMillis", "nowMicros", "monotonicNanos", "monotonicTime",
          "elapsedRealtime", "elapsedRealtimeNanos", "uptimeMillis", "uptimeNanos", "currentTime",
          "ticks", "tick", "instant", "epochMillis", "epochNanos", "wallTime");

  /** Receivers whose {@code read()}/{@code getAsLong()}/{@code get()} reads a clock. */
  private static final Pattern CLOCK_RECEIVER =
      Pattern.compile("(?i).*(ticker|clock|timesource|time_source|nanotime|timer|time)$");

  /**
   * Words in a parameter's name that make it a point in time. The name tests below are word lists
   * rather than patterns: they are asked of every parameter and field of a unit with a clock read.
   */
  private static final ImmutableList<String> TIME_PARAMETER_WORDS =
      ImmutableList.of(
          "now", "time", "nanos", "millis", "micros", "tick", "timestamp", "instant", "clock");

  /**
   * Words of a parameter that holds a length of time, not a point in time ({@code timeoutMillis};
   * hikaricp's {@code setKeepaliveTime(long keepaliveTimeMs)}, a setting).
   */
  private static final ImmutableList<String> DURATION_PARAMETER_WORDS =
      ImmutableList.of(
          "timeout", "interval", "delay", "duration", "period", "elapsed", "ttl", "wait", "sleep",
          "backoff", "idle", "increment", "step", "window", "max", "min", "keepalive", "lifetime",
          "threshold", "limit", "linger", "grace");

  private static final ImmutableList<String> PERMIT_COUNTER_WORDS =
      ImmutableList.of(
          "permit", "token", "quota", "budget", "credit", "allowance", "avail", "inflight",
          "in_flight", "concurren", "request", "call", "hit", "throttl");

  /** Whether the name contains one of the lower-case words, ignoring case. */
  private static boolean mentionsAny(CharSequence name, ImmutableList<String> words) {
    String lower = name.toString().toLowerCase(Locale.ROOT);
    for (String word : words) {
      if (lower.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** "Confined to one thread" in a class's documentation. */
  private static final Pattern CONFINED_DOC =
      Pattern.compile(
          "(?is).*(not\\s+thread[- ]?safe|thread[- ]confined|confined\\s+to\\s+(a|one|the|a\\s+single)"
              + "\\s+(single\\s+)?thread|single[- ]threaded|not\\s+safe\\s+for\\s+(concurrent|multi)"
              + "|must\\s+not\\s+be\\s+shared\\s+between\\s+threads|only\\s+(be\\s+)?(used|called|"
              + "accessed)\\s+(from|by|on)\\s+(a\\s+single|one|the\\s+same)\\s+thread|"
              + "not\\s+synchronized|externally\\s+synchronized|caller\\s+must\\s+synchronize).*");

  private static final ImmutableSet<String> CONFINED_ANNOTATIONS =
      ImmutableSet.of("NotThreadSafe", "ThreadConfined", "SingleThreaded", "UiThread", "MainThread");

  private static final ImmutableSet<String> HELD_ANNOTATIONS =
      ImmutableSet.of("GuardedBy", "Holding", "HoldsLock", "RequiresLock", "LockHeld");

  private static final RateLimitState.TimeSources TIME_SOURCES =
      new RateLimitState.TimeSources() {
        @Override
        public boolean isTimeSource(MethodInvocationTree call, VisitorState state) {
          return RateLimitRace.isTimeSource(call, state);
        }

        @Override
        public boolean isTimeParameter(VarSymbol parameter, VisitorState state) {
          Type type = parameter.type;
          if (type == null) {
            return false;
          }
          String typeName = type.tsym == null ? "" : type.tsym.getQualifiedName().toString();
          if (typeName.equals("java.time.Instant") || typeName.equals("java.time.LocalDateTime")) {
            return true;
          }
          // The names first: asked of every parameter, and the unboxing test walks supertypes.
          return mentionsAny(parameter.getSimpleName(), TIME_PARAMETER_WORDS)
              && !mentionsAny(parameter.getSimpleName(), DURATION_PARAMETER_WORDS)
              && isLongOrDouble(type, state);
        }

        @Override
        public boolean isPermitCounter(VarSymbol field, VisitorState state) {
          return mentionsAny(field.getSimpleName(), PERMIT_COUNTER_WORDS);
        }
      };

  /**
   * Whether {@code call} reads a clock. Asked of every call of every unit: the cheap tests on the
   * name come before the matchers and the unboxing, which walk supertypes.
   */
  static boolean isTimeSource(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null) {
      return false; // no matcher matches a call without a method symbol
    }
    String name = method.getSimpleName().toString();
    // The three matchers read clocks by names all in CLOCK_METHOD_NAMES.
    if (CLOCK_METHOD_NAMES.contains(name)
        && (SYSTEM_CLOCK.matches(call, state)
            || JAVA_TIME_NOW.matches(call, state)
            || CLOCK_READ.matches(call, state))) {
      return true;
    }
    if (!call.getArguments().isEmpty()) {
      return false;
    }
    Type returned = method.getReturnType();
    if (returned == null) {
      return false;
    }
    String returnedName = returned.tsym == null ? "" : returned.tsym.getQualifiedName().toString();
    if (returnedName.equals("java.time.Instant")) {
      return true;
    }
    return (CLOCK_METHOD_NAMES.contains(name) || readsClockReceiver(call, name))
        && isLongOrDouble(returned, state);
  }

  /** {@code ticker.read()}, {@code timeSource.getAsLong()}: a clock's read by its receiver's name. */
  private static boolean readsClockReceiver(MethodInvocationTree call, String name) {
    if (!name.equals("read") && !name.equals("getAsLong") && !name.equals("get")) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Symbol receiverSymbol = receiver == null ? null : ASTHelpers.getSymbol(receiver);
    Type receiverType = receiver == null ? null : ASTHelpers.getType(receiver);
    String typeName =
        receiverType == null || receiverType.tsym == null
            ? ""
            : receiverType.tsym.getSimpleName().toString();
    return (receiverSymbol != null
            && CLOCK_RECEIVER.matcher(receiverSymbol.getSimpleName().toString()).matches())
        || CLOCK_RECEIVER.matcher(typeName).matches();
  }

  /** A {@code long} or {@code double}, or their boxes. */
  private static boolean isLongOrDouble(Type type, VisitorState state) {
    if (type.hasTag(TypeTag.CLASS)) {
      // The box classes are final: a class type unboxes only when it is the box itself.
      String name = type.tsym.getQualifiedName().toString();
      return name.equals("java.lang.Long") || name.equals("java.lang.Double");
    }
    TypeKind kind = TypeNames.unboxedOrSelf(type, state).getKind();
    return kind == TypeKind.LONG || kind == TypeKind.DOUBLE;
  }

  @Override
  public Description matchCompilationUnit(CompilationUnitTree tree, VisitorState state) {
    return guarded(() -> checkCompilationUnit(tree, state));
  }

  private Description checkCompilationUnit(CompilationUnitTree tree, VisitorState state) {
    RateLimitState fields;
    try {
      fields = RateLimitState.of(state.getPath(), TIME_SOURCES, state);
    } catch (RuntimeException | AssertionError e) {
      // Attribution gaps (error recovery) must never fail the user's build.
      return NO_MATCH;
    }
    if (fields.isEmpty()) {
      return NO_MATCH;
    }
    SharedState sharing;
    try {
      sharing = SharedState.of(state.getPath(), state);
    } catch (RuntimeException | AssertionError e) {
      return NO_MATCH;
    }
    RateLimitState shared = fields.without(sharing.confinedFields());
    if (shared.isEmpty()) {
      return NO_MATCH;
    }
    Set<MethodSymbol> covered = coveredMethods(state.getPath(), state);
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitClass(ClassTree classTree, Void unused) {
        if (isConfined(classTree, state) || locksForItsCallers(classTree, state)) {
          return null;
        }
        return super.visitClass(classTree, null);
      }

      @Override
      public Void visitMethod(MethodTree method, Void unused) {
        MethodSymbol symbol = ASTHelpers.getSymbol(method);
        if (method.getBody() != null
            && symbol != null
            && symbol.getKind() == ElementKind.METHOD
            && !covered.contains(symbol)) {
          check(new TreePath(getCurrentPath(), method.getBody()), getCurrentPath(), shared, sharing, state);
        }
        return super.visitMethod(method, null);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree lambda, Void unused) {
        if (!isInsideConstructorOrInitializer(getCurrentPath())
            && !CriticalSections.runsAtomically(getCurrentPath(), state)
            && !runsInItsCallersCriticalSection(getCurrentPath(), covered, state)) {
          check(getCurrentPath(), getCurrentPath(), shared, sharing, state);
        }
        return super.visitLambdaExpression(lambda, null);
      }
    }.scan(state.getPath(), null);
    return NO_MATCH;
  }

  private void check(
      TreePath bodyPath,
      TreePath ownerPath,
      RateLimitState fields,
      SharedState sharing,
      VisitorState state) {
    CheckThenAct race;
    try {
      race = CheckThenActAnalysis.analyze(bodyPath, fields, state);
    } catch (RuntimeException | AssertionError e) {
      return;
    }
    if (race == null || isSuppressedAlong(ownerPath, state)) {
      return;
    }
    // Precision first: a class that shows no sign of being used from several threads (a policy
    // object its caller locks, a watcher on its own thread) is left alone.
    if (sharing.evidenceFor(enclosingClass(ownerPath), race.fields(), race.staticState()) == null) {
      return;
    }
    TreePath readPath = pathTo(bodyPath, race.read());
    CriticalSectionFix.Outcome outcome = fixFor(race, readPath, ownerPath, state);
    String message = message(race, ownerPath, state);
    Description.Builder description = buildDescription(race.read());
    String whyNoFix =
        outcome.proposal() != null
            ? FixValidation.attach(
                description, outcome.proposal()::fix, outcome.proposal().description(), state)
            : outcome.refusal();
    if (whyNoFix != null) {
      message += "; no fix is offered: " + whyNoFix;
    } else if (outcome.proposal() != null) {
      message += "; " + outcome.proposal().description();
    }
    FixValidation.report(description.setMessage(message).build(), state);
  }

  private static CriticalSectionFix.Outcome fixFor(
      CheckThenAct race, TreePath readPath, TreePath ownerPath, VisitorState state) {
    VarSymbol first = race.fields().get(0);
    ClassSymbol owner = ASTHelpers.enclosingClass(first);
    if (readPath == null || owner == null) {
      return new CriticalSectionFix.Outcome(null, null);
    }
    String guard = null;
    for (VarSymbol f : race.fields()) {
      String g = CheckThenActAnalysis.guardOf(f);
      if (g != null) {
        guard = g;
        break;
      }
    }
    CriticalSectionFix.Owner where =
        new CriticalSectionFix.Owner(
            owner, race.staticState(), race.receiver() instanceof VarSymbol v ? v : null, guard);
    try {
      return CriticalSectionFix.propose(readPath, race.lastRacyWrite(), ownerPath, where, state);
    } catch (RuntimeException e) {
      // No fix rather than a failed build.
      return new CriticalSectionFix.Outcome(null, null);
    }
  }

  private static ClassSymbol enclosingClass(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof ClassTree c) {
        return ASTHelpers.getSymbol(c);
      }
    }
    return null;
  }

  private static String message(CheckThenAct race, TreePath ownerPath, VisitorState state) {
    String fields = names(race.fields());
    String where = where(ownerPath);
    long line = state.getPath().getCompilationUnit().getLineMap()
        .getLineNumber(ASTHelpers.getStartPosition(race.write()));
    StringBuilder message =
        new StringBuilder("check-then-act on ").append(fields).append(" in ").append(where)
            .append(" is not atomic: ");
    if (race.writeOnlyRegion() != null) {
      message
          .append("the read is outside the ")
          .append(describe(race.writeOnlyRegion()))
          .append(" that holds the write at line ")
          .append(line)
          .append(", so two threads can decide on the same value and both act on it");
    } else {
      message
          .append("it is read and decided on here and written at line ")
          .append(line)
          .append(" with no lock or monitor held across both, so two threads can pass the check"
              + " together and both act on it");
    }
    if (!race.volatileFields().isEmpty()) {
      message
          .append("; `volatile` on ")
          .append(names(race.volatileFields()))
          .append(" makes each access visible, not the read and the write one step");
    }
    return message.toString();
  }

  private static String describe(CriticalSections.Region region) {
    if (region.lock()) {
      return "`" + region.monitor() + "` lock region";
    }
    return region.tree() instanceof MethodTree
        ? "synchronized method"
        : "`synchronized (" + region.monitor() + ")` block";
  }

  private static String names(List<VarSymbol> fields) {
    List<String> quoted = new ArrayList<>();
    for (VarSymbol f : fields) {
      quoted.add("`" + f.getSimpleName() + "`");
    }
    if (quoted.size() == 1) {
      return quoted.get(0);
    }
    return String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and " + quoted.get(quoted.size() - 1);
  }

  private static String where(TreePath ownerPath) {
    if (ownerPath.getLeaf() instanceof MethodTree method) {
      return "`" + method.getName() + "()`";
    }
    for (TreePath p = ownerPath.getParentPath(); p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree method) {
        return "a lambda in `" + method.getName() + "()`";
      }
      if (p.getLeaf() instanceof ClassTree) {
        break;
      }
    }
    return "a lambda";
  }

  private boolean isSuppressedAlong(TreePath path, VisitorState state) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if ((leaf instanceof MethodTree || leaf instanceof ClassTree
              || leaf instanceof com.sun.source.tree.VariableTree)
          && isSuppressed(leaf, state)) {
        return true;
      }
    }
    return false;
  }

  private static TreePath pathTo(TreePath root, Tree target) {
    TreePath[] found = {null};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        if (found[0] != null) {
          return null;
        }
        if (tree == target) {
          found[0] = new TreePath(getCurrentPath(), tree);
          return null;
        }
        return super.scan(tree, null);
      }
    }.scan(root, null);
    return found[0];
  }

  /**
   * Whether the class says its instances are confined to one thread, or is single-threaded by
   * contract (a {@code java.io} stream, reader or writer, an {@code Iterator}, a builder).
   */
  private static boolean isConfined(ClassTree classTree, VisitorState state) {
    ClassSymbol symbol = ASTHelpers.getSymbol(classTree);
    if (symbol == null) {
      return false;
    }
    if (SharedState.isSingleThreadedByContract(symbol, state)) {
      return true;
    }
    for (String name : CONFINED_ANNOTATIONS) {
      if (CheckThenActAnalysis.hasAnnotationNamed(symbol, name)) {
        return true;
      }
    }
    String doc = SharedState.docComment(classTree, state);
    return doc != null && CONFINED_DOC.matcher(doc).matches();
  }

  private static final Matcher<ExpressionTree> LOCKS =
      instanceMethod()
          .onDescendantOf("java.util.concurrent.locks.Lock")
          .namedAnyOf("lock", "lockInterruptibly");

  private static final Matcher<ExpressionTree> UNLOCKS =
      instanceMethod().onDescendantOf("java.util.concurrent.locks.Lock").named("unlock");

  /**
   * Whether the class hands its lock to its callers: one of its methods that others may call takes
   * a {@code Lock} and returns holding it (no {@code try} in it releases it through a helper), and
   * another releases it (tomcat-jdbc's {@code PooledConnection.lock()} and {@code unlock()}, around
   * which the pool calls {@code validate()}).
   * Its callers make what they do with the object atomic, and this file does not show them: a
   * check-then-act in it is not reported.
   */
  private static boolean locksForItsCallers(ClassTree classTree, VisitorState state) {
    boolean takes = false;
    boolean releases = false;
    for (Tree member : classTree.getMembers()) {
      if (!(member instanceof MethodTree method)
          || method.getBody() == null
          || method.getModifiers().getFlags().contains(Modifier.PRIVATE)) {
        continue;
      }
      Tree body = method.getBody();
      boolean locks = OwnCodeScanner.anyInvocation(body, state, call -> LOCKS.matches(call, state));
      boolean unlocks =
          OwnCodeScanner.anyInvocation(body, state, call -> UNLOCKS.matches(call, state));
      boolean[] tries = {false};
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitTry(TryTree attempt, Void unused) {
          tries[0] = true;
          return null;
        }
      }.scan(body, null);
      // A method that locks and then releases through a helper in a `finally` (h2's MVStore:
      // `storeLock.lock(); try { … } finally { unlockAndCheckPanicCondition(); }`) keeps its lock.
      takes |= locks && !unlocks && !tries[0];
      releases |= unlocks && !locks;
    }
    return takes && releases;
  }

  /**
   * Whether the lambda at {@code lambdaPath} is an argument of a call made inside a critical
   * section (or in a method that runs in one, {@code covered}) to a method of the compilation
   * that only calls it, there and then: its parameter is tested for null or has its method
   * called, and is not stored, passed on or captured (jgroups' {@code Table._add}, which hands a
   * visitor to its own {@code forEach}). The lambda runs in the caller's critical section.
   */
  private static boolean runsInItsCallersCriticalSection(
      TreePath lambdaPath, Set<MethodSymbol> covered, VisitorState state) {
    TreePath callPath = lambdaPath.getParentPath();
    if (callPath == null || !(callPath.getLeaf() instanceof MethodInvocationTree call)) {
      return false;
    }
    MethodSymbol callee = ASTHelpers.getSymbol(call);
    if (callee == null) {
      return false;
    }
    int index = call.getArguments().indexOf(lambdaPath.getLeaf());
    MethodSymbol caller = enclosingMethod(callPath);
    if (index < 0
        || callee.isVarArgs()
        || index >= callee.getParameters().size()
        || (CriticalSections.enclosing(callPath, state).isEmpty()
            && (caller == null || !covered.contains(caller)))) {
      return false;
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(callee, state);
    if (declaration == null
        || !(declaration.getLeaf() instanceof MethodTree method)
        || method.getBody() == null
        || index >= method.getParameters().size()
        || overriddenInTheCompilation(callee, state)) {
      return false;
    }
    return Mentions.everyUse(
        new TreePath(declaration, method.getBody()),
        ASTHelpers.getSymbol(method.getParameters().get(index)),
        use -> calledOrTestedThere(use, method.getBody()));
  }

  /** Whether a class compiled here overrides {@code method}, which may then run elsewhere. */
  private static boolean overriddenInTheCompilation(MethodSymbol method, VisitorState state) {
    if (method.isStatic() || method.isPrivate() || method.isConstructor()) {
      return false;
    }
    try {
      for (ClassSymbol subclass : Subclasses.known(method.enclClass(), state)) {
        for (Symbol member : subclass.getEnclosedElements()) {
          if (member instanceof MethodSymbol candidate
              && candidate.overrides(method, subclass, state.getTypes(), true)) {
            return true;
          }
        }
      }
    } catch (RuntimeException e) {
      return true; // a class javac cannot answer for: it may override it
    }
    return false;
  }

  /**
   * {@code visitor.visit(…)} or {@code visitor != null}, not inside a lambda or class of {@code
   * body}, which could run it later.
   */
  private static boolean calledOrTestedThere(TreePath use, Tree body) {
    for (TreePath p = use.getParentPath(); p != null && p.getLeaf() != body; p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
        return false;
      }
    }
    return Mentions.isComparedToNull(use)
        || (use.getParentPath().getLeaf() instanceof MemberSelectTree select
            && use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree called
            && called.getMethodSelect() == select);
  }

  private static boolean isInsideConstructorOrInitializer(TreePath path) {
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodTree method) {
        MethodSymbol symbol = ASTHelpers.getSymbol(method);
        return symbol != null && symbol.getKind() == ElementKind.CONSTRUCTOR;
      }
      if (leaf instanceof ClassTree) {
        return true;
      }
    }
    return false;
  }

  /**
   * Methods that run with a lock held: annotated as such ({@code @GuardedBy}, {@code @Holding}),
   * private, package-private or protected (and overriding nothing) and called (in this file) only
   * from inside critical sections (a {@code refill()} helper called from a {@code synchronized
   * tryAcquire()}; jgroups' protected {@code Table._add}, "called with lock held"), or the override of
   * a protected template method that its superclass calls only with a lock held ({@link
   * #calledOnlyUnderTheSuperclassLock}) and this file never calls outside one.
   */
  private static Set<MethodSymbol> coveredMethods(TreePath unit, VisitorState state) {
    Map<MethodSymbol, List<TreePath>> callSites = new HashMap<>();
    Set<MethodSymbol> referenced = new HashSet<>();
    Set<MethodSymbol> covered = new HashSet<>();
    Map<MethodSymbol, MethodSymbol> templates = new HashMap<>(); // override -> the overridden
    List<TreePath> protectedCalls = new ArrayList<>();
    Set<Symbol> classesHere = new HashSet<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethod(MethodTree method, Void unused) {
        MethodSymbol symbol = ASTHelpers.getSymbol(method);
        if (symbol != null) {
          for (String name : HELD_ANNOTATIONS) {
            if (CheckThenActAnalysis.hasAnnotationNamed(symbol, name)) {
              covered.add(symbol);
            }
          }
          MethodSymbol template = calledOnlyUnderTheSuperclassLock(symbol, state);
          if (template != null) {
            templates.put(symbol, template);
          }
        }
        return super.visitMethod(method, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        MethodSymbol symbol = ASTHelpers.getSymbol(call);
        if (symbol == null || symbol.getModifiers().contains(Modifier.PUBLIC)) {
          return super.visitMethodInvocation(call, null);
        }
        boolean isProtected = symbol.getModifiers().contains(Modifier.PROTECTED);
        if (isProtected) {
          protectedCalls.add(getCurrentPath());
        }
        // A protected helper of a class of this file is called as its private ones are (every
        // call of this file counts, an anonymous class's too); one that overrides another may be
        // called, through that one, from code that holds nothing.
        if (!isProtected || ASTHelpers.findSuperMethods(symbol, state.getTypes()).isEmpty()) {
          callSites.computeIfAbsent(symbol, k -> new ArrayList<>()).add(getCurrentPath());
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitClass(ClassTree classTree, Void unused) {
        Symbol declared = ASTHelpers.getSymbol(classTree);
        if (declared != null) {
          classesHere.add(declared);
        }
        return super.visitClass(classTree, null);
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree reference, Void unused) {
        MethodSymbol symbol = ASTHelpers.getSymbol(reference);
        if (symbol != null) {
          referenced.add(symbol);
        }
        return super.visitMemberReference(reference, null);
      }
    }.scan(unit, null);
    // A protected method of a class compiled elsewhere (a library's base class) has callers this
    // file does not show.
    callSites
        .keySet()
        .removeIf(
            callee ->
                callee.getModifiers().contains(Modifier.PROTECTED)
                    && !classesHere.contains(callee.owner));
    for (Map.Entry<MethodSymbol, MethodSymbol> template : templates.entrySet()) {
      boolean calledOutsideALock = false;
      for (TreePath site : protectedCalls) {
        MethodSymbol callee = ASTHelpers.getSymbol((MethodInvocationTree) site.getLeaf());
        if ((callee.equals(template.getKey()) || callee.equals(template.getValue()))
            && CriticalSections.enclosing(site, state).isEmpty()) {
          calledOutsideALock = true;
          break;
        }
      }
      if (!calledOutsideALock && !referenced.contains(template.getKey())) {
        covered.add(template.getKey());
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Map.Entry<MethodSymbol, List<TreePath>> entry : callSites.entrySet()) {
        MethodSymbol callee = entry.getKey();
        if (covered.contains(callee) || referenced.contains(callee)) {
          continue;
        }
        boolean allHeld = true;
        for (TreePath site : entry.getValue()) {
          if (!CriticalSections.enclosing(site, state).isEmpty()) {
            continue;
          }
          MethodSymbol caller = enclosingMethod(site);
          if (caller == null || caller.equals(callee) || !covered.contains(caller)) {
            allHeld = false;
            break;
          }
        }
        if (allHeld) {
          covered.add(callee);
          changed = true;
        }
      }
    }
    return covered;
  }

  /**
   * Template methods that the library's base class calls only from a {@code synchronized}
   * method: logback's {@code AppenderBase.doAppend} and log4j 1's {@code
   * AppenderSkeleton.doAppend} call {@code append(event)} holding the appender's monitor.
   */
  private static final ImmutableSet<String> LOCKED_TEMPLATES =
      ImmutableSet.of(
          "ch.qos.logback.core.AppenderBase#append", "org.apache.log4j.AppenderSkeleton#append");

  /**
   * The protected method of a superclass that {@code method} overrides and that superclass calls
   * only with a lock held, or null: a superclass compiled here whose every call of it (at least
   * one) lies in a critical section (logback's {@code SMTPAppenderBase.append}, called by {@code
   * AppenderBase}'s {@code synchronized doAppend}), or one of {@link #LOCKED_TEMPLATES}. A public
   * method anyone may call, so it does not count.
   */
  private static @Nullable MethodSymbol calledOnlyUnderTheSuperclassLock(
      MethodSymbol method, VisitorState state) {
    if (method.isStatic() || method.isConstructor()) {
      return null;
    }
    try {
      for (MethodSymbol overridden : ASTHelpers.findSuperMethods(method, state.getTypes())) {
        if (!overridden.getModifiers().contains(Modifier.PROTECTED)
            || !(overridden.owner instanceof ClassSymbol base)) {
          continue;
        }
        if (LOCKED_TEMPLATES.contains(
            base.getQualifiedName() + "#" + overridden.getSimpleName())) {
          return overridden;
        }
        TreePath declaration = JavacTrees.instance(state.context).getPath(base);
        if (declaration == null) {
          continue;
        }
        int[] calls = {0};
        boolean[] unlocked = {false};
        new TreePathScanner<Void, Void>() {
          @Override
          public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
            if (ASTHelpers.getSymbol(call).equals(overridden)) {
              calls[0]++;
              unlocked[0] |= CriticalSections.enclosing(getCurrentPath(), state).isEmpty();
            }
            return super.visitMethodInvocation(call, null);
          }

          @Override
          public Void visitMemberReference(MemberReferenceTree reference, Void unused) {
            unlocked[0] |= overridden.equals(ASTHelpers.getSymbol(reference));
            return super.visitMemberReference(reference, null);
          }
        }.scan(declaration, null);
        if (calls[0] > 0 && !unlocked[0]) {
          return overridden;
        }
      }
    } catch (RuntimeException e) {
      return null; // a class javac cannot answer for: not known to be locked
    }
    return null;
  }

  private static MethodSymbol enclosingMethod(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
        return null;
      }
      if (p.getLeaf() instanceof MethodTree method) {
        return ASTHelpers.getSymbol(method);
      }
    }
    return null;
  }
}
