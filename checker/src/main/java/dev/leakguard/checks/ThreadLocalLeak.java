package dev.leakguard.checks;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Description.NO_MATCH;

import com.google.auto.service.AutoService;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.LinkType;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.CompilationUnitTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.LambdaExpressionTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.VariableTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.fix.FieldReleaseFix;
import dev.leakguard.fix.FixValidation;
import dev.leakguard.fix.LateTryFix;
import dev.leakguard.fix.ReleaseInEachBranchFix;
import dev.leakguard.fix.ScopedRegion;
import dev.leakguard.fix.TryFinallyFix;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.flow.FieldReleases;
import dev.leakguard.flow.Leak;
import dev.leakguard.flow.ObligationAnalysis;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Per-thread context ({@code ThreadLocal.set}) that a path leaves set: the work throws, the {@code
 * remove()} at the end never runs, and the pooled thread carries one request's user, tenant or
 * transaction into the next (and keeps the value's class loader alive after a redeploy). Also
 * {@code set(null)} used to clear, which keeps the thread's entry, and a private thread-local that
 * its class sets and never removes anywhere.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "A thread-local value is set without a remove() guaranteed on every path",
    severity = WARNING,
    linkType = LinkType.CUSTOM,
    link = DocsLinks.BUGPATTERN_BASE + "ThreadLocalLeak.md",
    tags = {StandardTags.CONCURRENCY, StandardTags.FRAGILE_CODE})
public final class ThreadLocalLeak extends LeakGuardChecker
    implements MethodTreeMatcher,
        LambdaExpressionTreeMatcher,
        VariableTreeMatcher,
        CompilationUnitTreeMatcher {

  private static final long serialVersionUID = 1L;

  private static final String REMOVE_IN_FINALLY = "remove it in a finally block";

  private final transient LeakGuardOptions options;
  private final transient ThreadLocalSpec spec;

  public ThreadLocalLeak() {
    this(ErrorProneFlags.empty());
  }

  /**
   * Reads LeakGuard's options ({@code -XepOpt:ThreadLocalLeak:ExtraContextTypes} applies here).
   *
   * @throws com.google.errorprone.InvalidCommandLineOptionException for a malformed value or an
   *     unknown LeakGuard option
   */
  public ThreadLocalLeak(ErrorProneFlags flags) {
    this.options = LeakGuardOptions.from(flags);
    this.spec = new ThreadLocalSpec(options);
  }

  @Override
  public Description matchCompilationUnit(CompilationUnitTree tree, VisitorState state) {
    return guarded(() -> reportUnresolvedOptionTypes(tree, options, state));
  }

  @Override
  public Description matchMethod(MethodTree tree, VisitorState state) {
    return guarded(() -> report(tree.getBody(), state));
  }

  @Override
  public Description matchLambdaExpression(LambdaExpressionTree tree, VisitorState state) {
    return guarded(() -> report(tree.getBody(), state));
  }

  @Override
  public Description matchVariable(VariableTree tree, VisitorState state) {
    return guarded(() -> checkField(tree, state));
  }

  // ---------------------------------------------------------------------------------------------
  // One method or lambda: the engine's leaks, and set(null).

  private Description report(@Nullable Tree body, VisitorState state) {
    if (body == null || !callsSettingMethod(body, state)) {
      return NO_MATCH;
    }
    Set<Tree> rewrittenClears = Collections.newSetFromMap(new IdentityHashMap<>());
    if (OwnCodeScanner.anyInvocation(
        body,
        state,
        e -> e instanceof MethodInvocationTree call && spec.acquisitionAt(call, state) != null)) {
      for (Leak leak : ObligationAnalysis.findLeaks(state.getPath(), spec, state)) {
        FixValidation.report(describe(leak, rewrittenClears, state), state);
      }
    }
    for (MethodInvocationTree setNull : setNullCalls(body, state)) {
      if (!rewrittenClears.contains(setNull)) {
        FixValidation.report(describeSetNull(setNull, state), state);
      }
    }
    return NO_MATCH;
  }

  private Description describe(Leak leak, Set<Tree> rewrittenClears, VisitorState state) {
    Description.Builder description = buildDescription(leak.site());
    boolean closeable = leak.acquisition().kind().equals(ThreadLocalSpec.CLOSEABLE_CONTEXT);
    String message =
        closeable && leak.path() == Leak.Path.NEVER_RELEASED
            ? "`" + leak.name() + "` is never closed, so its entry stays on the thread"
            : leak.path() == Leak.Path.NEVER_RELEASED
            ? "`"
                + leak.name()
                + "` stays set when this task ends, and the task runs on a pooled thread: the"
                + " next task on that thread finds the value"
            : leak.describe(spec.leakVerb()) + ", and the thread carries the value into its next task";
    String alternatives = closeableAlternative(leak, state) + scopedValueHint(state);
    ScopedRegion.Outcome outcome = region(leak, state);
    String releaseText = outcome.region() == null ? null : releaseText(leak, outcome.region(), state);
    String whyNoFix =
        outcome.region() == null
            ? outcome.whyNot()
            : FixValidation.attach(
                description,
                () -> TryFinallyFix.wrap(outcome.region(), null, releaseText, state),
                REMOVE_IN_FINALLY,
                state);
    if (outcome.region() == null) {
      Rewrite late = releaseInAnotherBlock(leak, state);
      if (late != null && late.fix() != null) {
        String whyNotLate =
            FixValidation.attach(description, late::fix, late.whatItDoes(), state);
        if (whyNotLate == null) {
          return description
              .setMessage(message + "; " + late.whatItDoes() + alternatives)
              .build();
        }
      } else if (late != null) {
        whyNoFix = late.whyNoFix();
      }
    }
    if (whyNoFix != null) {
      return description
          .setMessage(message + "; no fix is offered: " + whyNoFix + alternatives)
          .build();
    }
    StatementTree release = outcome.region().release();
    if (release instanceof ExpressionStatementTree statement
        && statement.getExpression() instanceof MethodInvocationTree call) {
      rewrittenClears.add(call); // the fix turns its set(null) into remove()
    }
    return description
        .setMessage(message + "; " + REMOVE_IN_FINALLY + alternatives)
        .build();
  }

  /**
   * Where the {@code try} goes: after the set, up to the statement of the same block that clears
   * it; for a task that never clears, the rest of its block, with a {@code remove()} added.
   */
  private ScopedRegion.Outcome region(Leak leak, VisitorState state) {
    if (leak.acquisition().kind().equals(ThreadLocalSpec.CLOSEABLE_CONTEXT)) {
      return ScopedRegion.Outcome.none(
          "open it in a try-with-resources statement, whose close() takes the entry out");
    }
    TreePath sitePath = TreePath.getPath(state.getPath(), leak.site());
    if (sitePath == null || spec.clearStatement(leak, state) == null) {
      return ScopedRegion.Outcome.none("the value is not set on a named thread-local");
    }
    TreePath statement = sitePath.getParentPath();
    if (!(statement.getLeaf() instanceof ExpressionStatementTree)) {
      return ScopedRegion.Outcome.none("the set is not a statement of a block");
    }
    if (leak.path() == Leak.Path.NEVER_RELEASED) {
      return ScopedRegion.restOfBlock(statement, state);
    }
    return ScopedRegion.afterStatement(statement, context(leak), state);
  }

  /** The thread-local value {@code leak} sets, as {@link ScopedRegion} and the fixes see it. */
  private ScopedRegion.Resource context(Leak leak) {
    return new ScopedRegion.Resource() {
      @Override
      public boolean isRelease(ExpressionTree expression, VisitorState s) {
        return expression instanceof MethodInvocationTree call && spec.ends(call, leak, s);
      }

      @Override
      public boolean isAcquire(ExpressionTree expression, VisitorState s) {
        return expression instanceof MethodInvocationTree call && spec.putsAgain(call, leak, s);
      }
    };
  }

  /**
   * The fix for a value cleared in the {@code finally} of a {@code try} that starts after code that
   * can throw ({@link LateTryFix}), or by hand at the end of the {@code try} that follows the set
   * and in each of its {@code catch}es ({@link ReleaseInEachBranchFix}); null when the clear is in
   * neither place.
   */
  private @Nullable Rewrite releaseInAnotherBlock(Leak leak, VisitorState state) {
    TreePath sitePath = TreePath.getPath(state.getPath(), leak.site());
    if (sitePath == null
        || leak.acquisition().kind().equals(ThreadLocalSpec.CLOSEABLE_CONTEXT)
        || !LateTryFix.mayStartLate(leak.path())
        || !(sitePath.getParentPath().getLeaf() instanceof ExpressionStatementTree)) {
      return null;
    }
    Rewrite late =
        LateTryFix.propose(sitePath.getParentPath(), leak.witness(), context(leak), state);
    return late != null
        ? late
        : ReleaseInEachBranchFix.propose(sitePath.getParentPath(), context(leak), state);
  }

  /**
   * The statement that goes into {@code finally}: the block's own clear, with a {@code set(null)}
   * made a {@code remove()}; a clear of the spec's choosing where the task had none.
   */
  private String releaseText(Leak leak, ScopedRegion region, VisitorState state) {
    StatementTree release = region.release();
    String clear = spec.clearStatement(leak, state);
    if (release == null) {
      return clear;
    }
    return release instanceof ExpressionStatementTree statement
            && statement.getExpression() instanceof MethodInvocationTree call
            && ThreadLocalSpec.isSetNull(call, state)
        ? clear
        : state.getSourceForNode(release);
  }

  /** The {@code set(null)} calls the body makes itself (nested lambdas and classes excluded). */
  private static List<MethodInvocationTree> setNullCalls(Tree body, VisitorState state) {
    List<MethodInvocationTree> calls = new ArrayList<>();
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (ThreadLocalSpec.isSetNull(call, state)) {
          calls.add(call);
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(body, null);
    return calls;
  }

  private Description describeSetNull(MethodInvocationTree call, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    String replacement = (receiver == null ? "" : state.getSourceForNode(receiver) + ".") + "remove()";
    Description.Builder description = buildDescription(call);
    String message =
        "`set(null)` clears the value but keeps this thread's entry (and the thread-local's key)"
            + " in the thread's map";
    String whyNoFix =
        receiver != null && state.getSourceForNode(receiver) == null
            ? "the thread-local has no source text to write `remove()` on"
            : hasInitialValue(receiver, state)
            ? "the thread-local has an initial value, which `get()` returns after `remove()` where"
                + " it now returns null"
            : FixValidation.attach(
                description,
                () -> SuggestedFix.replace(call, replacement),
                "use `" + replacement + "`",
                state);
    return description
        .setMessage(
            whyNoFix == null
                ? message + "; use `" + replacement + "`"
                : message + "; no fix is offered: " + whyNoFix)
        .build();
  }

  /** Whether the body calls a method whose name can set context. */
  private boolean callsSettingMethod(Tree body, VisitorState state) {
    for (String name : OwnCodeScanner.calledNames(body, state)) {
      if (spec.maySet(name)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // One field: a private thread-local its class sets and never removes.

  /**
   * A per-thread cache being filled, not context being set: the set runs only when the thread has
   * none yet ({@code if (buf == null) { buf = new char[6]; tl.set(buf); }}). log4j-core keeps a
   * dozen such buffers and formatters; what a thread keeps there is its own scratch space, never
   * another request's identity, so removing it would only defeat the cache. (A bare {@code
   * tl.set(new char[1])} still counts: Sonar's S5164 suite reports it, and nothing shows a cache.)
   */
  private static boolean fillsACache(MethodInvocationTree set, CompilationUnitTree unit) {
    TreePath path = TreePath.getPath(unit, set);
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodTree || leaf instanceof LambdaExpressionTree || leaf instanceof ClassTree) {
        return false;
      }
      if (leaf instanceof IfTree branch
          && isNullTest(branch.getCondition())
          && isWithin(path, branch.getThenStatement())) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code tl.set(Boolean.FALSE)}, {@code tl.set(UNSET)}: the class puts a fixed value back when
   * its work ends (log4j AsyncLoggerConfig's recursion guard, jetty
   * ClassLoadingObjectInputStream's sentinel loader), so what the work set is not kept.
   */
  private static boolean resetsToAConstant(MethodInvocationTree set) {
    if (set.getArguments().size() != 1) {
      return false;
    }
    ExpressionTree value = ASTHelpers.stripParentheses(set.getArguments().get(0));
    if (value.getKind() == Tree.Kind.NULL_LITERAL) {
      return false; // set(null) has its own finding
    }
    if (ASTHelpers.constValue(value) != null) {
      return true;
    }
    Symbol symbol = ASTHelpers.getSymbol(value);
    return symbol instanceof VarSymbol variable
        && variable.getKind() == ElementKind.FIELD
        && variable.isStatic()
        && (variable.flags() & Flags.FINAL) != 0;
  }

  /** {@code x == null}, possibly parenthesised or one side of an {@code &&} or {@code ||}. */
  private static boolean isNullTest(ExpressionTree condition) {
    ExpressionTree c = ASTHelpers.stripParentheses(condition);
    if (c instanceof BinaryTree binary) {
      if (binary.getKind() == Tree.Kind.CONDITIONAL_AND
          || binary.getKind() == Tree.Kind.CONDITIONAL_OR) {
        return isNullTest(binary.getLeftOperand()) || isNullTest(binary.getRightOperand());
      }
      return binary.getKind() == Tree.Kind.EQUAL_TO
          && (binary.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL
              || binary.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL);
    }
    return false;
  }

  private static boolean isWithin(TreePath path, Tree ancestor) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() == ancestor) {
        return true;
      }
    }
    return false;
  }

  private Description checkField(VariableTree tree, VisitorState state) {
    VarSymbol field = ASTHelpers.getSymbol(tree);
    if (field == null
        || field.getKind() != ElementKind.FIELD
        || !field.getModifiers().contains(Modifier.PRIVATE)
        || !ThreadLocalSpec.isThreadLocal(field, state)) {
      return NO_MATCH;
    }
    ClassTree owner = ASTHelpers.findEnclosingNode(state.getPath(), ClassTree.class);
    if (owner != null && ThreadLocalSpec.isThreadLocal(ASTHelpers.getSymbol(owner), state)) {
      // A thread-local's own helper state: it lives and dies with the thread-local around it.
      return NO_MATCH;
    }
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    List<MethodInvocationTree> sets = new ArrayList<>(setsOf(field, tree, unit, state));
    sets.removeIf(set -> fillsACache(set, unit));
    if (sets.isEmpty()
        || sets.stream().anyMatch(ThreadLocalLeak::resetsToAConstant)
        || FieldReleases.releasedOutside(
            field, tree, state.getPath(), spec.removalsOnly(), state, false)
        || removesItself(tree, state)) {
      return NO_MATCH;
    }
    String name = field.getSimpleName().toString();
    StringBuilder message =
        new StringBuilder("`")
            .append(name)
            .append("` is set (line ")
            .append(line(sets.get(0), state))
            .append(") and never removed: no code of its class calls `")
            .append(name)
            .append(".remove()`, so each pooled thread keeps the last value it was given (and its"
                + " class loader) after the work that set it");
    MethodInvocationTree clear = setNullOf(field, unit, state);
    if (clear != null) {
      message
          .append("; `set(null)` (line ")
          .append(line(clear, state))
          .append(") clears the value but keeps the thread's entry");
    }
    Description.Builder description = buildDescription(tree);
    if (clear != null && setNullsToRemove(description, tree, field, unit, state)) {
      message.append("; ").append(SET_NULLS_TO_REMOVE);
      FixValidation.report(description.setMessage(message + scopedValueHint(state)).build(), state);
      return NO_MATCH;
    }
    String whyNoFix = removeInClose(description, owner, field, state);
    message.append(whyNoFix == null ? "; " + REMOVE_IN_CLOSE : "; no fix is offered: " + whyNoFix);
    FixValidation.report(description.setMessage(message + scopedValueHint(state)).build(), state);
    return NO_MATCH;
  }

  private static final String REMOVE_IN_CLOSE = "remove it in close()";

  private static final String SET_NULLS_TO_REMOVE = "call `remove()` where it calls `set(null)`";

  /**
   * Turns each {@code field.set(null)} into {@code field.remove()}: the edit each of those gets
   * from its own finding, which Error Prone applies once when two findings share it. Offered only
   * where that finding offers it unchanged: every {@code set(null)} is in a method or lambda that
   * sets the field nowhere else but inside a {@code try} whose {@code finally} holds it (a set
   * left unscoped gets a try/finally fix that moves the {@code set(null)}); and the thread-local
   * starts empty ({@code new ThreadLocal<>()}), so {@code get()} after {@code remove()} still
   * returns null. Returns whether the fix was attached.
   */
  private static boolean setNullsToRemove(
      Description.Builder description,
      VariableTree declaration,
      VarSymbol field,
      CompilationUnitTree unit,
      VisitorState state) {
    if (declaration.getInitializer() == null || !startsEmpty(declaration.getInitializer())) {
      return false;
    }
    List<MethodInvocationTree> clears = new ArrayList<>();
    for (TreePath clear : callsOn(field, unit, call -> ThreadLocalSpec.isSetNull(call, state))) {
      TreePath body = enclosingBody(clear);
      if (body == null || !setsOnlyInsideTryClearedBy(body, field, clear, state)) {
        return false;
      }
      ExpressionTree receiver = ASTHelpers.getReceiver((MethodInvocationTree) clear.getLeaf());
      if (receiver == null || state.getSourceForNode(receiver) == null) {
        return false; // no source text to write the remove() with
      }
      clears.add((MethodInvocationTree) clear.getLeaf());
    }
    if (clears.isEmpty()) {
      return false;
    }
    return FixValidation.attach(
            description,
            () -> {
              SuggestedFix.Builder fix = SuggestedFix.builder();
              for (MethodInvocationTree call : clears) {
                ExpressionTree receiver = ASTHelpers.getReceiver(call);
                fix.replace(call, state.getSourceForNode(receiver) + ".remove()");
              }
              return fix.build();
            },
            SET_NULLS_TO_REMOVE,
            state)
        == null;
  }

  /**
   * Whether the thread-local {@code receiver} names is declared in this file with an initial
   * value ({@code ThreadLocal.withInitial(…)}, a subclass): {@code remove()} would then make the
   * next {@code get()} return it rather than null. One declared elsewhere is taken to start empty.
   */
  private static boolean hasInitialValue(@Nullable ExpressionTree receiver, VisitorState state) {
    Symbol symbol = receiver == null ? null : ASTHelpers.getSymbol(LockSpec.stripParentheses(receiver));
    if (!(symbol instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD) {
      return false;
    }
    Tree declaration;
    try {
      declaration = JavacTrees.instance(state.context).getTree(field);
    } catch (RuntimeException e) {
      declaration = null; // not declared in source here: taken to start empty
    }
    return declaration instanceof VariableTree variable
        && variable.getInitializer() != null
        && !startsEmpty(variable.getInitializer());
  }

  private static boolean startsEmpty(ExpressionTree initializer) {
    return initializer instanceof NewClassTree creation
        && creation.getClassBody() == null
        && ASTHelpers.getSymbol(creation) != null
        && STARTS_EMPTY.contains(ASTHelpers.getSymbol(creation).owner.getQualifiedName().toString());
  }

  private static final ImmutableSet<String> STARTS_EMPTY =
      ImmutableSet.of("java.lang.ThreadLocal", "java.lang.InheritableThreadLocal");

  /** The body of the method or lambda {@code path} is in, or null in an initializer. */
  private static @Nullable TreePath enclosingBody(TreePath path) {
    for (TreePath p = path; p.getParentPath() != null; p = p.getParentPath()) {
      Tree parent = p.getParentPath().getLeaf();
      if ((parent instanceof MethodTree method && p.getLeaf() == method.getBody())
          || (parent instanceof LambdaExpressionTree lambda && p.getLeaf() == lambda.getBody())) {
        return p;
      }
      if (parent instanceof ClassTree) {
        return null;
      }
    }
    return null;
  }

  /**
   * Whether every set of {@code field} that {@code body} makes itself lies in the block of a
   * {@code try} whose {@code finally} holds {@code clear}.
   */
  private static boolean setsOnlyInsideTryClearedBy(
      TreePath body, VarSymbol field, TreePath clear, VisitorState state) {
    boolean[] unscoped = {false};
    new OwnCodeScanner<Void, Void>() {
      private int scoped;

      @Override
      public Void visitTry(TryTree tryTree, Void unused) {
        boolean clears =
            tryTree.getFinallyBlock() != null
                && FieldReleases.isInside(clear, tryTree.getFinallyBlock());
        scan(tryTree.getResources(), null);
        scoped += clears ? 1 : 0;
        scan(tryTree.getBlock(), null);
        scoped -= clears ? 1 : 0;
        scan(tryTree.getCatches(), null);
        return scan(tryTree.getFinallyBlock(), null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        ExpressionTree receiver = ASTHelpers.getReceiver(call);
        if (scoped == 0
            && receiver != null
            && field.equals(ASTHelpers.getSymbol(LockSpec.stripParentheses(receiver)))
            && ThreadLocalSpec.isSet(call, state)
            && !ThreadLocalSpec.isSetNull(call, state)) {
          unscoped[0] = true;
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(body.getLeaf(), null);
    return !unscoped[0];
  }

  /**
   * Adds {@code field.remove()} to the end of the class's own {@code close()}, where the class
   * releases what it holds (commons-io's {@code DemuxInputStream} closes the thread's stream there
   * and keeps the entry). Returns why there is no fix, or null when it was added.
   */
  private static @Nullable String removeInClose(
      Description.Builder description,
      @Nullable ClassTree owner,
      VarSymbol field,
      VisitorState state) {
    MethodTree close = owner == null ? null : FieldReleaseFix.closeMethodToExtend(owner, field, state);
    StatementTree end = close == null ? null : FieldReleaseFix.endOf(close.getBody());
    if (end == null) {
      return "remove it where the work that set it ends";
    }
    boolean alwaysSet = field.getModifiers().contains(Modifier.FINAL);
    return FixValidation.attach(
        description,
        () -> FieldReleaseFix.releaseInMethod(close, end, field, "remove", alwaysSet, state),
        REMOVE_IN_CLOSE,
        state);
  }

  /**
   * The calls that set a value on {@code field}: {@code field.set(v)} anywhere in the unit, and a
   * subclass's own {@code set(v)} in the body of the anonymous class that initialises it.
   */
  private List<MethodInvocationTree> setsOf(
      VarSymbol field, VariableTree declaration, CompilationUnitTree unit, VisitorState state) {
    List<MethodInvocationTree> sets = new ArrayList<>();
    for (TreePath set :
        callsOn(
            field,
            unit,
            call -> ThreadLocalSpec.isSet(call, state) && !ThreadLocalSpec.isClearingSet(call, state))) {
      sets.add((MethodInvocationTree) set.getLeaf());
    }
    if (declaration.getInitializer() instanceof NewClassTree creation
        && creation.getClassBody() != null) {
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
          if (ASTHelpers.getReceiver(call) == null
              && ThreadLocalSpec.isSet(call, state)
              && !ThreadLocalSpec.isSetNull(call, state)) {
            sets.add(call);
          }
          return super.visitMethodInvocation(call, null);
        }
      }.scan(creation.getClassBody(), null);
    }
    sets.sort((a, b) -> Integer.compare(ASTHelpers.getStartPosition(a), ASTHelpers.getStartPosition(b)));
    return sets;
  }

  /** An anonymous thread-local class that calls its own {@code remove()}. */
  private static boolean removesItself(VariableTree declaration, VisitorState state) {
    return declaration.getInitializer() instanceof NewClassTree creation
        && creation.getClassBody() != null
        && new TreeScanner<Boolean, Void>() {
          @Override
          public Boolean visitMethodInvocation(MethodInvocationTree call, Void unused) {
            return (ASTHelpers.getReceiver(call) == null && ThreadLocalSpec.isRemove(call, state))
                || Boolean.TRUE.equals(super.visitMethodInvocation(call, null));
          }

          @Override
          public Boolean reduce(Boolean a, Boolean b) {
            return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
          }
        }.scan(creation.getClassBody(), null);
  }

  private static @Nullable MethodInvocationTree setNullOf(
      VarSymbol field, CompilationUnitTree unit, VisitorState state) {
    List<TreePath> clears = callsOn(field, unit, call -> ThreadLocalSpec.isSetNull(call, state));
    return clears.isEmpty() ? null : (MethodInvocationTree) clears.get(0).getLeaf();
  }

  /** The calls on {@code field} anywhere in the unit that {@code test} accepts, in source order. */
  private static List<TreePath> callsOn(
      VarSymbol field, CompilationUnitTree unit, Predicate<MethodInvocationTree> test) {
    List<TreePath> calls = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        ExpressionTree receiver = ASTHelpers.getReceiver(call);
        if (receiver != null
            && field.equals(ASTHelpers.getSymbol(LockSpec.stripParentheses(receiver)))
            && test.test(call)) {
          calls.add(getCurrentPath());
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(unit, null);
    return calls;
  }

  private static long line(Tree tree, VisitorState state) {
    return state
        .getPath()
        .getCompilationUnit()
        .getLineMap()
        .getLineNumber(ASTHelpers.getStartPosition(tree));
  }

  /**
   * For an {@code MDC.put}, where the slf4j on the classpath has {@code putCloseable} (1.7.14 on):
   * the closeable form, which try-with-resources scopes.
   */
  private static String closeableAlternative(Leak leak, VisitorState state) {
    if (!leak.acquisition().kind().equals(ThreadLocalSpec.MDC_ENTRY)) {
      return "";
    }
    Symbol mdc = state.getSymbolFromString("org.slf4j.MDC");
    boolean hasPutCloseable =
        mdc != null
            && mdc.getEnclosedElements().stream()
                .anyMatch(m -> m.getSimpleName().contentEquals("putCloseable"));
    return hasPutCloseable
        ? " (or `try (MDC.MDCCloseable c = MDC.putCloseable(…)) { … }`, which removes it on close)"
        : "";
  }

  /**
   * Where the compiled platform has {@code ScopedValue} as a final API (JDK 25 on), the message
   * names it: a value bound for the extent of a call cannot outlive it.
   */
  private static String scopedValueHint(VisitorState state) {
    Symbol scopedValue = state.getSymbolFromString("java.lang.ScopedValue");
    if (scopedValue == null || (scopedValue.flags() & Flags.PREVIEW_API) != 0) {
      return "";
    }
    return " (or bind it with `ScopedValue.where(…).run(…)`, which cannot outlive the call)";
  }
}
