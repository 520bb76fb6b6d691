package dev.leakguard.checks;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Lists;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.LinkType;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.ClassTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.CompilationUnitTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.LambdaExpressionTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.fixes.Fix;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.fix.CloseOnFailureFix;
import dev.leakguard.fix.FieldReleaseFix;
import dev.leakguard.fix.FixValidation;
import dev.leakguard.fix.LateTryFix;
import dev.leakguard.fix.ScopedRegion;
import dev.leakguard.fix.TryFinallyFix;
import dev.leakguard.fix.TryWithResourcesFix;
import dev.leakguard.flow.FieldLifecycle.Overwrite;
import dev.leakguard.flow.FieldLifecycle.OwnedField;
import dev.leakguard.flow.Leak;
import dev.leakguard.flow.ObligationAnalysis;
import dev.leakguard.flow.ObligationSpec.ArgumentEffect;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Thread pools, timers, gRPC channels and servers, and Netty event loop groups that are created
 * and never shut down. A pool's worker threads are not daemons: a pool nobody shuts down keeps its
 * threads, and often the whole JVM, alive after the work is done, and one created per call leaks
 * threads on every call. Locals must be shut down on every path (a {@code shutdown()} after a
 * call that can throw is skipped when it throws); a field the class created must be shut down by
 * some method of the class, and must not be replaced while its previous pool still runs.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A thread pool, timer, gRPC channel or server, or Netty event loop group is created and not"
            + " shut down on every path",
    severity = WARNING,
    linkType = LinkType.CUSTOM,
    link = DocsLinks.BUGPATTERN_BASE + "ExecutorNotShutdown.md",
    tags = {StandardTags.CONCURRENCY, StandardTags.FRAGILE_CODE})
public final class ExecutorNotShutdown extends LeakGuardChecker
    implements MethodTreeMatcher,
        LambdaExpressionTreeMatcher,
        ClassTreeMatcher,
        CompilationUnitTreeMatcher {

  private static final long serialVersionUID = 1L;

  private final transient LeakGuardOptions options;
  private final transient ExecutorSpec spec;

  /** UnclosedResource's spec: a close() added to a class closes its resources too. */
  private final transient ResourceSpec resources;
  private final transient LocalReleaseRegion localRegion;

  public ExecutorNotShutdown() {
    this(ErrorProneFlags.empty());
  }

  /**
   * Reads LeakGuard's options ({@code -XepOpt:ExecutorNotShutdown:ExtraTypes} and {@code
   * ExtraFactories} apply here).
   *
   * @throws com.google.errorprone.InvalidCommandLineOptionException for a malformed value or an
   *     unknown LeakGuard option
   */
  public ExecutorNotShutdown(ErrorProneFlags flags) {
    this.options = LeakGuardOptions.from(flags);
    this.spec = new ExecutorSpec(options);
    this.resources = new ResourceSpec(options);
    this.localRegion =
        new LocalReleaseRegion(
            spec, "shutting it down here could stop work that continues elsewhere");
  }

  @Override
  public Description matchCompilationUnit(CompilationUnitTree tree, VisitorState state) {
    return guarded(() -> reportUnresolvedOptionTypes(tree, options, state));
  }


  @Override
  public Description matchMethod(MethodTree method, VisitorState state) {
    return guarded(() -> checkMethod(method, state));
  }

  private Description checkMethod(MethodTree method, VisitorState state) {
    if (method.getBody() == null) {
      return Description.NO_MATCH;
    }
    reportLocalLeaks(state);
    return Description.NO_MATCH;
  }

  @Override
  public Description matchLambdaExpression(LambdaExpressionTree lambda, VisitorState state) {
    return guarded(() -> checkLambdaExpression(lambda, state));
  }

  private Description checkLambdaExpression(LambdaExpressionTree lambda, VisitorState state) {
    reportLocalLeaks(state);
    return Description.NO_MATCH;
  }

  @Override
  public Description matchClass(ClassTree classTree, VisitorState state) {
    return guarded(() -> checkClass(classTree, state));
  }

  private Description checkClass(ClassTree classTree, VisitorState state) {
    OwnedFields.report(
        this,
        spec,
        state,
        field -> true,
        (field, unclosed, skipped) -> describeUnreleasedField(classTree, field, state),
        (overwrite, attached) -> describeOverwrite(overwrite, attached, state),
        /* skippedClose= */ null); // shutdown() declares nothing, so no close skips another
    return Description.NO_MATCH;
  }

  // ---------------------------------------------------------------------------------------------
  // Locals

  private void reportLocalLeaks(VisitorState state) {
    List<Leak> leaks = new ArrayList<>();
    for (Leak leak : ObligationAnalysis.findLeaks(state.getPath(), spec, state)) {
      if (ExecutorSpec.kindOf(leak.acquisition()) != null
          && !isDeclarationSuppressed(leak, state)
          && !throwsOnlyWhileHandingOff(leak, state)) {
        leaks.add(leak);
      }
    }
    if (leaks.isEmpty()) {
      return;
    }
    boolean autoCloseable = executorServiceIsAutoCloseable(state);
    // One consistent set of try-with-resources edits for every pool of this body that gets one;
    // the try/finally regions of the others, whose fixes may nest (nestedTryFinally).
    List<TreePath> scopedSites = new ArrayList<>();
    Map<Leak, ScopedRegion.Outcome> tryFinallyOutcomes = new LinkedHashMap<>();
    Map<Leak, ScopedRegion> tryFinallyRegions = new LinkedHashMap<>();
    for (Leak leak : leaks) {
      TreePath site = TreePath.getPath(state.getPath(), leak.site());
      ExecutorSpec.Kind kind = ExecutorSpec.kindOf(leak.acquisition());
      if (site == null || leak.escapes() || leak.path() == Leak.Path.REASSIGNED) {
        continue;
      }
      if (scopedForm(kind, autoCloseable) == ScopedForm.TRY_WITH_RESOURCES) {
        scopedSites.add(site);
      } else {
        ScopedRegion.Outcome outcome = tryFinallyRegion(site, kind, state);
        tryFinallyOutcomes.put(leak, outcome);
        if (outcome.region() != null) {
          tryFinallyRegions.put(leak, outcome.region());
        }
      }
    }
    List<TryWithResourcesFix.Rewrite> rewrites =
        scopedSites.isEmpty()
            ? List.of()
            : TryWithResourcesFix.rewriteAll(scopedSites, ownership(), state);
    for (Leak leak : leaks) {
      ExecutorSpec.Kind kind = ExecutorSpec.kindOf(leak.acquisition());
      TreePath site = TreePath.getPath(state.getPath(), leak.site());
      boolean inline =
          site != null
              && site.getParentPath() != null
              && !(site.getParentPath().getLeaf() instanceof VariableTree)
              && !(site.getParentPath().getLeaf() instanceof AssignmentTree);
      String message = localMessage(leak, kind, inline, autoCloseable);
      Description.Builder description = buildDescription(leak.site());
      String whyNoFix;
      if (site == null) {
        whyNoFix = "the code around it has a shape the fix does not handle";
      } else if (leak.escapes()) {
        String releaseMethod = releaseMethodOfSite(site, kind, state);
        TryWithResourcesFix.Rewrite onFailure =
            releaseMethod == null ? null : shutDownOnFailure(leak, site, releaseMethod, state);
        boolean shutDownOnFailure =
            onFailure != null
                && onFailure.fix() != null
                && FixValidation.attach(description, onFailure::fix, onFailure.whatItDoes(), state)
                    == null;
        if (shutDownOnFailure) {
          whyNoFix = null;
          message =
              capitalize(kind.noun)
                  + " "
                  + leak.describe(verb(kind))
                  + "; "
                  + onFailure.whatItDoes()
                  + ".";
        } else {
          whyNoFix =
              "it leaves the method on another path (returned, stored or given to an owner), so"
                  + " shutting it down here would stop it for its new owner too; shut it down on"
                  + " the failing path instead";
        }
      } else if (leak.path() == Leak.Path.REASSIGNED) {
        whyNoFix = "the variable holds more than one " + kind.noun;
      } else {
        int index = indexOfSite(scopedSites, leak);
        TryWithResourcesFix.Rewrite scoped = index < 0 ? null : rewrites.get(index);
        // Try-with-resources first where it applies: close() waits for the submitted tasks; the
        // try/finally form shuts down without waiting.
        String whyNoScopedFix =
            scoped == null
                ? null
                : scoped.fix() == null
                    ? scoped.whyNoFix()
                    : FixValidation.attach(
                        description,
                        scoped::fix,
                        "create it in a try-with-resources statement, whose close() waits for its"
                            + " tasks",
                        state);
        ScopedRegion.Outcome region =
            tryFinallyOutcomes.containsKey(leak)
                ? tryFinallyOutcomes.get(leak)
                : tryFinallyRegion(site, kind, state);
        String whyNoRegionFix =
            region.region() == null
                ? region.whyNot()
                : FixValidation.attach(
                    description,
                    () ->
                        tryFinallyRegions.containsKey(leak)
                            ? nestedTryFinally(leak, tryFinallyRegions, state)
                            : tryFinally(region.region(), site, kind, state),
                    kind == ExecutorSpec.Kind.TIMER
                        ? "cancel it in a finally block"
                        : "shut it down in a finally block",
                    state);
        boolean scopedFix = scoped != null && whyNoScopedFix == null;
        if (scopedFix || whyNoRegionFix == null) {
          whyNoFix = null;
        } else {
          whyNoFix = whyNoScopedFix != null ? whyNoScopedFix : whyNoRegionFix;
          // Released in the finally of a try that starts too late (zookeeper's Shell).
          TryWithResourcesFix.Rewrite late =
              LateTryFix.mayStartLate(leak.path())
                  ? LateTryFix.proposeForValue(
                      site,
                      leak.witness(),
                      (call, s) -> spec.releasedOperand(call, s).of(call),
                      state)
                  : null;
          if (late != null && late.fix() != null) {
            String whyNotLate =
                FixValidation.attach(description, late::fix, late.whatItDoes(), state);
            whyNoFix = whyNotLate == null ? null : whyNoFix;
          } else if (late != null) {
            whyNoFix = late.whyNoFix();
          }
        }
      }
      if (whyNoFix != null) {
        message = message.substring(0, message.length() - 1) + "; no fix is offered: " + whyNoFix + ".";
      }
      FixValidation.report(description.setMessage(message).build(), state);
    }
  }

  private static int indexOfSite(List<TreePath> sites, Leak leak) {
    for (int i = 0; i < sites.size(); i++) {
      if (sites.get(i).getLeaf() == leak.site()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * For a pool kept once the code that prepares it succeeds (returned, stored, handed to an owner)
   * and lost when that code throws: release it in a {@code catch} that rethrows, as {@link
   * CloseOnFailureFix} does for a resource. Null for a leaking path that is no such failure.
   */
  private TryWithResourcesFix.@Nullable Rewrite shutDownOnFailure(
      Leak leak, TreePath site, String releaseMethod, VisitorState state) {
    if (leak.witness() == null) {
      return null;
    }
    boolean exceptional;
    switch (leak.path()) {
      case CALL_THROWS, IMPLICIT_THROW, THROW_STATEMENT, CAUGHT_EXCEPTION -> exceptional = true;
      case RETURN -> exceptional = false;
      default -> {
        return null;
      }
    }
    return CloseOnFailureFix.propose(
        site,
        leak.witness(),
        exceptional,
        releaseMethod,
        "call `" + releaseMethod + "()` if the code that prepares it throws",
        ownership(),
        state);
  }

  /**
   * The release method of the variable the site is declared or assigned into, by its declared type;
   * null where there is no such variable or its type has none.
   */
  private @Nullable String releaseMethodOfSite(
      TreePath site, ExecutorSpec.Kind kind, VisitorState state) {
    Tree parent = site.getParentPath().getLeaf();
    Symbol variable =
        parent instanceof VariableTree declaration
            ? ASTHelpers.getSymbol(declaration)
            : parent instanceof AssignmentTree assignment
                ? ASTHelpers.getSymbol(assignment.getVariable())
                : null;
    return variable == null ? null : spec.releaseMethodFor(variable.type, kind, state);
  }

  /** What the try-with-resources rewrite must know of hand-offs: the spec's view. */
  private TryWithResourcesFix.Ownership ownership() {
    return new TryWithResourcesFix.Ownership() {
        @Override
        public boolean takesOwnership(ExpressionTree callOrNew, int index, VisitorState state) {
          return spec.argumentEffect(callOrNew, index, state)
              != ArgumentEffect.BORROWS;
        }

        @Override
        public boolean acquires(ExpressionTree expression, VisitorState state) {
          return spec.acquisitionAt(expression, state) != null;
        }
      };
  }

  /** {@code pool.shutdown();} or {@code timer.cancel();} for the variable declared at the site. */
  private String releaseStatement(TreePath site, ExecutorSpec.Kind kind, VisitorState state) {
    VariableTree variable = (VariableTree) site.getParentPath().getLeaf();
    VarSymbol symbol = ASTHelpers.getSymbol(variable);
    return variable.getName() + "." + releaseMethod(symbol == null ? null : symbol.type, kind, state) + "();";
  }

  /**
   * The release method of a value declared as {@code declared}: what the spec finds on the type
   * (an {@code ExtraTypes} pool may have only {@code close()}), else the kind's own.
   */
  private String releaseMethod(@Nullable Type declared, ExecutorSpec.Kind kind, VisitorState state) {
    String method = spec.releaseMethodFor(declared, kind, state);
    return method == null ? kind.releaseMethod : method;
  }

  /**
   * The {@code try}/{@code finally} around {@code region} for the pool made at {@code site}. A
   * release the code already makes moves into the {@code finally} as written: its {@code
   * shutdownNow()} (cancel the work) is not {@code shutdown()} (let it finish).
   */
  private SuggestedFix tryFinally(
      ScopedRegion region, TreePath site, ExecutorSpec.Kind kind, VisitorState state) {
    return region.release() != null
        ? TryFinallyFix.wrap(region, state)
        : TryFinallyFix.wrap(region, null, releaseStatement(site, kind, state), state);
  }

  /**
   * {@code leak}'s {@code try}/{@code finally}, composed with those of the pools whose fixes
   * enclose it and hoist a declaration its own would hoist too (a test's server and the channel
   * to it, both used to compute the {@code reply} returned after them). Applied side by side, such
   * fixes would declare the variable twice; this fix makes the enclosing ones' edits as well and
   * leaves the shared declarations to them. Error Prone drops the edits two findings' fixes share
   * when it applies both ({@code -XepPatchChecks}), so the body is rewritten once, whichever fixes
   * are applied.
   */
  private SuggestedFix nestedTryFinally(
      Leak leak, Map<Leak, ScopedRegion> regions, VisitorState state) {
    List<Leak> enclosing = new ArrayList<>();
    for (Leak outer = enclosingDeclaringTheSame(leak, regions, state);
        outer != null && outer != leak && !enclosing.contains(outer);
        outer = enclosingDeclaringTheSame(outer, regions, state)) {
      enclosing.add(outer);
    }
    // Outermost first: each rewrite nests in the ones around it.
    SuggestedFix fix = null;
    Set<VariableTree> declaredOutside = new HashSet<>();
    for (Leak outer : Lists.reverse(enclosing)) {
      ScopedRegion region = regions.get(outer).withoutHoisting(declaredOutside);
      SuggestedFix own = tryFinally(region, sitePath(outer, state), kindOf(outer), state);
      fix = fix == null ? own : TryFinallyFix.nest(fix, own, state);
      declaredOutside.addAll(region.hoisted());
    }
    SuggestedFix own =
        tryFinally(
            regions.get(leak).withoutHoisting(declaredOutside),
            sitePath(leak, state),
            kindOf(leak),
            state);
    return fix == null ? own : TryFinallyFix.nest(fix, own, state);
  }

  private static TreePath sitePath(Leak leak, VisitorState state) {
    TreePath site = TreePath.getPath(state.getPath(), leak.site());
    if (site == null) {
      throw new IllegalStateException("no path to " + leak.name());
    }
    return site;
  }

  private static ExecutorSpec.Kind kindOf(Leak leak) {
    ExecutorSpec.Kind kind = ExecutorSpec.kindOf(leak.acquisition());
    return kind == null ? ExecutorSpec.Kind.EXECUTOR : kind;
  }

  /**
   * The other pool of the body whose {@code try}/{@code finally} fix encloses {@code leak}'s site
   * and hoists a declaration that {@code leak}'s fix hoists too, or null.
   */
  private static @Nullable Leak enclosingDeclaringTheSame(
      Leak leak, Map<Leak, ScopedRegion> regions, VisitorState state) {
    ScopedRegion own = regions.get(leak);
    if (own == null || own.hoisted().isEmpty()) {
      return null;
    }
    int at = ASTHelpers.getStartPosition(leak.site());
    Leak innermost = null;
    int innermostStart = -1;
    for (Map.Entry<Leak, ScopedRegion> other : regions.entrySet()) {
      ScopedRegion region = other.getValue();
      if (other.getKey() == leak || region.body().isEmpty()) {
        continue;
      }
      int start = ASTHelpers.getStartPosition(region.body().get(0));
      boolean encloses =
          start <= at && at < state.getEndPosition(region.body().get(region.body().size() - 1));
      if (encloses
          && region.hoisted().stream().anyMatch(own.hoisted()::contains)
          && start > innermostStart) {
        innermost = other.getKey();
        innermostStart = start;
      }
    }
    return innermost;
  }

  /**
   * The statements that go between {@code try} and {@code finally} for a pool stored in a local
   * variable ({@link LocalReleaseRegion}), when its declared type has the release method.
   */
  private ScopedRegion.Outcome tryFinallyRegion(
      TreePath site, ExecutorSpec.Kind kind, VisitorState state) {
    if (site.getParentPath().getLeaf() instanceof VariableTree variable
        && variable.getInitializer() == site.getLeaf()) {
      VarSymbol symbol = ASTHelpers.getSymbol(variable);
      if (symbol == null || spec.releaseMethodFor(symbol.type, kind, state) == null) {
        return ScopedRegion.Outcome.none(
            "`"
                + variable.getName()
                + "` is declared as `"
                + state.getSourceForNode(variable.getType())
                + "`, which has no "
                + kind.releaseMethod
                + "() method");
      }
    }
    return localRegion.of(site, kind.noun, kind == ExecutorSpec.Kind.SERVER, state);
  }

  /**
   * Whether the only leaking path is a call in the very statement that hands the pool off ({@code
   * HttpClient.newBuilder().executor(pool).build()}, {@code Runtime.getRuntime().addShutdownHook(
   * new Thread(pool::shutdown))}): the window between the call and the hand-off is one expression,
   * and no reader would restructure it.
   */
  private boolean throwsOnlyWhileHandingOff(Leak leak, VisitorState state) {
    if (leak.path() != Leak.Path.CALL_THROWS || leak.witness() == null) {
      return false;
    }
    TreePath site = TreePath.getPath(state.getPath(), leak.site());
    TreePath witness = TreePath.getPath(state.getPath(), leak.witness());
    if (site == null
        || witness == null
        || !(site.getParentPath().getLeaf() instanceof VariableTree variable)) {
      return false;
    }
    VarSymbol symbol = ASTHelpers.getSymbol(variable);
    TreePath statement = witness;
    while (statement != null && !(statement.getLeaf() instanceof StatementTree)) {
      statement = statement.getParentPath();
    }
    if (symbol == null || statement == null) {
      return false;
    }
    LocalReleaseRegion.Uses uses = localRegion.uses(symbol, statement, state);
    return uses.whyNot != null && !uses.released; // handed on or captured in that statement
  }

  /** {@code @SuppressWarnings("ExecutorNotShutdown") ExecutorService pool = ...}. */
  private boolean isDeclarationSuppressed(Leak leak, VisitorState state) {
    TreePath site = TreePath.getPath(state.getPath(), leak.site());
    return site != null
        && site.getParentPath() != null
        && site.getParentPath().getLeaf() instanceof VariableTree variable
        && isSuppressed(variable, state);
  }

  static String localMessage(
      Leak leak, ExecutorSpec.Kind kind, boolean inline, boolean executorServiceAutoCloseable) {
    String what = leak.describe(verb(kind));
    String advice =
        switch (leak.path()) {
          case REASSIGNED ->
              "call " + releaseCall(leak.name(), kind) + " before reusing the variable";
          default ->
              (inline ? "keep it in a variable and " : "")
                  + releaseAdvice(scopedForm(kind, executorServiceAutoCloseable));
        };
    return capitalize(kind.noun) + " " + what + "; " + advice + ".";
  }

  private static String releaseAdvice(ScopedForm form) {
    return switch (form) {
      case TRY_WITH_RESOURCES ->
          "create it in a try-with-resources statement, or call `shutdown()` in a finally block";
      case TRY_FINALLY_SHUTDOWN -> "call `shutdown()` in a finally block";
      case TRY_FINALLY_SHUTDOWN_GRACEFULLY -> "call `shutdownGracefully()` in a finally block";
      case TRY_FINALLY_CANCEL -> "call `cancel()` in a finally block";
    };
  }

  /** The scoped form a local's fix writes. */
  enum ScopedForm {
    /** {@code try (ExecutorService pool = ...) { ... }}: close() shuts down and awaits. */
    TRY_WITH_RESOURCES,
    /** {@code try { ... } finally { pool.shutdown(); }}. */
    TRY_FINALLY_SHUTDOWN,
    /** {@code try { ... } finally { group.shutdownGracefully(); }}: a Netty event loop group. */
    TRY_FINALLY_SHUTDOWN_GRACEFULLY,
    /** {@code try { ... } finally { timer.cancel(); }}. */
    TRY_FINALLY_CANCEL
  }

  /**
   * The scoped form for a local of {@code kind}, given whether the platform the code is compiled
   * against makes {@code ExecutorService} {@code AutoCloseable} (Java 19 and later).
   */
  static ScopedForm scopedForm(ExecutorSpec.Kind kind, boolean executorServiceAutoCloseable) {
    if (kind == ExecutorSpec.Kind.TIMER) {
      return ScopedForm.TRY_FINALLY_CANCEL;
    }
    if (kind == ExecutorSpec.Kind.CHANNEL || kind == ExecutorSpec.Kind.SERVER) {
      // Neither a gRPC ManagedChannel nor a Server is AutoCloseable.
      return ScopedForm.TRY_FINALLY_SHUTDOWN;
    }
    if (kind == ExecutorSpec.Kind.EVENT_LOOP_GROUP) {
      // Its close() (ExecutorService's, on Java 19+) calls the shutdown() Netty deprecates.
      return ScopedForm.TRY_FINALLY_SHUTDOWN_GRACEFULLY;
    }
    return executorServiceAutoCloseable
        ? ScopedForm.TRY_WITH_RESOURCES
        : ScopedForm.TRY_FINALLY_SHUTDOWN;
  }

  /**
   * Whether {@code java.util.concurrent.ExecutorService}, as the compilation sees it, is an {@code
   * AutoCloseable}: true when compiling against Java 19 or later, false with {@code --release 17}
   * or an older boot class path, whichever JDK runs javac.
   */
  static boolean executorServiceIsAutoCloseable(VisitorState state) {
    Type executorService = state.getTypeFromString(ExecutorSpec.EXECUTOR_SERVICE);
    return executorService != null
        && ASTHelpers.isSubtype(executorService, state.getSymtab().autoCloseableType, state);
  }

  private static String verb(ExecutorSpec.Kind kind) {
    return kind == ExecutorSpec.Kind.TIMER ? "is not cancelled" : "is not shut down";
  }

  // ---------------------------------------------------------------------------------------------
  // Fields

  private Description describeUnreleasedField(
      ClassTree classTree, OwnedField field, VisitorState state) {
    ExecutorSpec.Kind kind = kindOf(field, state);
    String name = field.symbol().getSimpleName().toString();
    String className =
        classTree.getSimpleName().length() == 0
            ? "this class"
            : "`" + classTree.getSimpleName() + "`";
    StringBuilder message =
        new StringBuilder()
            .append("Field `")
            .append(name)
            .append("` holds ")
            .append(kind.withArticle())
            .append(" created by ")
            .append(field.createdByInitializer() ? "its initializer" : className)
            .append(", but no method of ")
            .append(className)
            .append(kind == ExecutorSpec.Kind.TIMER ? " cancels it" : " shuts it down")
            .append("; ");
    Description.Builder description = buildDescription(field.declaration());
    boolean declaredAsBareExecutor =
        kind != ExecutorSpec.Kind.TIMER
            && spec.releaseMethodFor(field.symbol().type, kind, state) == null;
    MethodTree close =
        declaredAsBareExecutor
            ? null
            : FieldReleaseFix.closeMethodToExtend(classTree, field.symbol(), state);
    String releaseCall = releaseCall(name, releaseMethod(field.symbol().type, kind, state));
    MethodTree lifecycle =
        declaredAsBareExecutor || close != null
            ? null
            : FieldReleaseFix.methodReleasingSiblings(
                classTree, field.symbol(), SIBLING_RELEASES, state);
    if (declaredAsBareExecutor) {
      message
          .append("declare it as ")
          .append(
              switch (kind) {
                case CHANNEL -> "a `ManagedChannel`";
                case SERVER -> "a `Server`";
                default -> "an `ExecutorService`";
              })
          .append(" and add a close() or shutdown() method that")
          .append(" calls ")
          .append(releaseCall)
          .append("; no fix is offered: it is declared as `")
          .append(SuggestedFixes.prettyType(field.symbol().type, state))
          .append("`, which has no ")
          .append(kind.releaseMethod)
          .append("()");
    } else if (close != null) {
      message.append("call ").append(releaseCall).append(" in close()");
      StatementTree end = FieldReleaseFix.endOf(close.getBody());
      String whyNoFix =
          end == null
              ? "close() ends in a statement that never completes and does not return, so a"
                  + " shutdown after it would never run"
              : FixValidation.attach(
                  description,
                  () -> shutdownInClose(close, end, field, kind, state),
                  "call " + releaseCall + " in close()",
                  state);
      if (whyNoFix != null) {
        message.append("; no fix is offered: ").append(whyNoFix);
      }
    } else if (lifecycle != null) {
      // `shutdown()` shuts down the class's other pools: this one belongs with them.
      String where = lifecycle.getName() + "()";
      message
          .append("call ")
          .append(releaseCall)
          .append(" in ")
          .append(where)
          .append(", where the class releases its other ")
          .append(kind.plural);
      StatementTree end = FieldReleaseFix.endOf(lifecycle.getBody());
      String whyNoFix =
          end == null
              ? where
                  + " ends in a statement that never completes and does not return, so a"
                  + " shutdown after it would never run"
              : FixValidation.attach(
                  description,
                  () -> shutdownInClose(lifecycle, end, field, kind, state),
                  "call " + releaseCall + " in " + where,
                  state);
      if (whyNoFix != null) {
        message.append("; no fix is offered: ").append(whyNoFix);
      }
    } else if (ASTHelpers.isStatic(field.symbol())) {
      message
          .append("add a shutdown hook or a static shutdown() method that calls ")
          .append(releaseCall)
          .append("; no fix is offered: ")
          .append(OwnedFields.STATIC_NO_FIX);
    } else {
      SuggestedFix addClose = OwnedFields.addedClose(classTree, field, resources, spec, state);
      if (addClose != null) {
        String what =
            "make " + className + " AutoCloseable and call " + releaseCall + " in its close()";
        message.append(what);
        String whyNoFix = FixValidation.attach(description, () -> addClose, what, state);
        if (whyNoFix != null) {
          message.append("; no fix is offered: ").append(whyNoFix);
        }
      } else {
        message
            .append("add a close() or shutdown() method that calls ")
            .append(releaseCall)
            .append("; no fix is offered: ")
            .append(OwnedFields.cannotBecomeAutoCloseable(className));
      }
    }
    return description.setMessage(message.append('.').toString()).build();
  }

  /** Calls that release a sibling field: where a class does that is its lifecycle method. */
  private static final ImmutableSet<String> SIBLING_RELEASES =
      ImmutableSet.of("shutdown", "shutdownNow", "close", "cancel");

  private static String releaseCall(String name, ExecutorSpec.Kind kind) {
    return releaseCall(name, kind.releaseMethod);
  }

  private static String releaseCall(String name, String releaseMethod) {
    return "`" + name + "." + releaseMethod + "()`";
  }

  private Description describeOverwrite(
      Overwrite overwrite, List<Fix> attached, VisitorState state) {
    ExecutorSpec.Kind kind = kindOf(overwrite.field(), state);
    String name = overwrite.field().symbol().getSimpleName().toString();
    String releaseMethod = releaseMethod(overwrite.field().symbol().type, kind, state);
    Description.Builder description = buildDescription(overwrite.assignment());
    String whyNoFix =
        OwnedFields.attachReleaseBeforeOverwrite(
            description, overwrite, releaseMethod, attached, state);
    String message =
        "Field `"
            + name
            + "` is given a new "
            + kind.noun
            + " while the previous one may still be running, and the previous one can then never be "
            + (kind == ExecutorSpec.Kind.TIMER ? "cancelled" : "shut down")
            + "; "
            + FieldReleaseFix.releaseBeforeOverwrite(releaseCall(name, releaseMethod))
            + (whyNoFix == null ? "" : "; no fix is offered: " + whyNoFix)
            + ".";
    return description.setMessage(message).build();
  }

  private static ExecutorSpec.Kind kindOf(OwnedField field, VisitorState state) {
    return ExecutorSpec.kindOf(field, state);
  }

  /** Adds the field's shutdown at {@code end} of {@code close()} ({@link FieldReleaseFix#endOf}). */
  private SuggestedFix shutdownInClose(
      MethodTree close,
      StatementTree end,
      OwnedField field,
      ExecutorSpec.Kind kind,
      VisitorState state) {
    return FieldReleaseFix.releaseInMethod(
        close,
        end,
        field.symbol(),
        releaseMethod(field.symbol().type, kind, state),
        field.alwaysSet(),
        state);
  }

  /** "Timer", "Executor"; a name that keeps its own case ("gRPC channel") as it is. */
  private static String capitalize(String text) {
    return text.length() < 2 || Character.isUpperCase(text.charAt(1))
        ? text
        : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
