package dev.leakguard.checks;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Description.NO_MATCH;

import com.google.auto.service.AutoService;
import com.google.common.collect.ImmutableList;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.LinkType;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.CompilationUnitTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.LambdaExpressionTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.fix.FixValidation;
import dev.leakguard.fix.LateTryFix;
import dev.leakguard.fix.ReleaseInEachBranchFix;
import dev.leakguard.fix.ScopedRegion;
import dev.leakguard.fix.TryFinallyFix;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.flow.Leak;
import dev.leakguard.flow.ObligationAnalysis;
import dev.leakguard.flow.ObligationSpec;
import dev.leakguard.flow.ObligationSpec.Condition;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A lock, {@code StampedLock} stamp, {@code Semaphore} permit or lock handle ({@link LockHandles})
 * that some path leaves held: the
 * release runs only on the normal path, only in a {@code catch}, or is skipped by a {@code return},
 * {@code break}, {@code continue} or {@code throw}. The next thread that needs it blocks forever;
 * the only safe shape is {@code lock(); try { … } finally { unlock(); }}.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "A lock, stamp or permit is acquired without a release guaranteed on every path",
    severity = WARNING,
    linkType = LinkType.CUSTOM,
    link = DocsLinks.BUGPATTERN_BASE + "UnreleasedLock.md",
    tags = {StandardTags.CONCURRENCY, StandardTags.FRAGILE_CODE})
public final class UnreleasedLock extends LeakGuardChecker
    implements MethodTreeMatcher, LambdaExpressionTreeMatcher, CompilationUnitTreeMatcher {

  private static final long serialVersionUID = 1L;

  private final transient LeakGuardOptions options;
  private final transient LockSpec spec;


  public UnreleasedLock() {
    this(ErrorProneFlags.empty());
  }

  /**
   * Reads LeakGuard's options ({@code -XepOpt:UnreleasedLock:ExtraLockTypes} and {@code
   * ExtraPermitTypes} apply here).
   *
   * @throws com.google.errorprone.InvalidCommandLineOptionException for a malformed value or an
   *     unknown LeakGuard option
   */
  public UnreleasedLock(ErrorProneFlags flags) {
    this.options = LeakGuardOptions.from(flags);
    this.spec = new LockSpec(options);
  }

  @Override
  public Description matchCompilationUnit(CompilationUnitTree tree, VisitorState state) {
    return guarded(() -> reportUnresolvedOptionTypes(tree, options, state));
  }


  @Override
  public Description matchMethod(MethodTree tree, VisitorState state) {
    return guarded(() -> checkMethod(tree, state));
  }

  private Description checkMethod(MethodTree tree, VisitorState state) {
    return report(tree.getBody(), state);
  }

  @Override
  public Description matchLambdaExpression(LambdaExpressionTree tree, VisitorState state) {
    return guarded(() -> checkLambdaExpression(tree, state));
  }

  private Description checkLambdaExpression(LambdaExpressionTree tree, VisitorState state) {
    // An expression lambda is one call: it can take a lock but has nowhere to release it.
    return tree.getBody() instanceof BlockTree body ? report(body, state) : NO_MATCH;
  }

  private Description report(@Nullable BlockTree body, VisitorState state) {
    if (body == null || !callsAcquiringMethod(body, state) || onlyScopedLocks(body, state)) {
      return NO_MATCH;
    }
    ImmutableList<Leak> leaks = ObligationAnalysis.findLeaks(state.getPath(), spec, state);
    for (Leak leak : leaks) {
      if (PermitHandOff.handedToTask(leak, body, state)) {
        continue;
      }
      FixValidation.report(describe(leak, state), state);
    }
    return NO_MATCH;
  }

  /** What the fix does, the end of the finding's message. */
  private static final String RELEASE_IN_FINALLY = "release it in a finally block";

  private Description describe(Leak leak, VisitorState state) {
    Description.Builder description = buildDescription(leak.site());
    if (leak.acquisition().identity() == null) {
      // A lock handle: the scoped form is try-with-resources, which the author writes.
      return description
          .setMessage(
              leak.describe(spec.leakVerb())
                  + "; closing the "
                  + LockSpec.LOCK_HANDLE
                  + " unlocks it: open it in a try-with-resources statement")
          .build();
    }
    if (leak.path() == Leak.Path.NEVER_RELEASED) {
      return description
          .setMessage(
              "`"
                  + leak.name()
                  + "` is never released: no path of this method unlocks it, and no other code"
                  + " of its class does; no fix is offered: where it should be released is"
                  + " unknown")
          .build();
    }
    String message = leak.describe(spec.leakVerb());
    if (leak.path() == Leak.Path.REASSIGNED) {
      return description
          .setMessage(message + "; no fix is offered: release it before reusing the variable")
          .build();
    }
    ScopedRegion.Outcome outcome = region(leak, state);
    String whatItDoes = RELEASE_IN_FINALLY;
    String whyNoFix;
    if (outcome.region() != null) {
      whyNoFix =
          FixValidation.attach(
              description,
              () -> TryFinallyFix.wrap(outcome.region(), state),
              RELEASE_IN_FINALLY,
              state);
    } else {
      whyNoFix = outcome.whyNot();
      Rewrite late = releaseInAnotherBlock(leak, state);
      if (late != null && late.fix() != null) {
        whyNoFix = FixValidation.attach(description, late::fix, late.whatItDoes(), state);
        whatItDoes = late.whatItDoes();
      } else if (late != null) {
        whyNoFix = late.whyNoFix();
      }
    }
    if (whyNoFix != null) {
      return description.setMessage(message + "; no fix is offered: " + whyNoFix).build();
    }
    return description.setMessage(message + "; " + whatItDoes).build();
  }

  /**
   * The fix for a lock released in the {@code finally} of a {@code try} that starts after code
   * that can throw ({@link LateTryFix}), or by hand at the end of the {@code try} that follows it
   * and in each of its {@code catch}es ({@link ReleaseInEachBranchFix}); null when the release is
   * in neither place.
   */
  private @Nullable Rewrite releaseInAnotherBlock(Leak leak, VisitorState state) {
    ExpressionTree identity = leak.acquisition().identity();
    TreePath sitePath = TreePath.getPath(state.getPath(), leak.site());
    if (identity == null
        || sitePath == null
        || leak.acquisition().condition() != Condition.ALWAYS
        || !LateTryFix.mayStartLate(leak.path())) {
      return null;
    }
    TreePath statement = acquiringStatement(sitePath);
    if (statement == null) {
      return null;
    }
    Rewrite late = LateTryFix.propose(statement, leak.witness(), lock(identity), state);
    return late != null ? late : ReleaseInEachBranchFix.propose(statement, lock(identity), state);
  }

  /** The lock named {@code identity}, as {@link ScopedRegion} and the fixes look for it. */
  private ScopedRegion.Resource lock(ExpressionTree identity) {
    return new ScopedRegion.Resource() {
      @Override
      public boolean isRelease(ExpressionTree expression, VisitorState s) {
        return spec.releases(expression, identity, s);
      }

      @Override
      public boolean isAcquire(ExpressionTree expression, VisitorState s) {
        return spec.acquires(expression, identity, s);
      }
    };
  }

  /**
   * The statement an unconditional acquisition at {@code sitePath} is: {@code lock.lock();}, a
   * declaration or an assignment statement; null when it is part of a larger expression.
   */
  private static @Nullable TreePath acquiringStatement(TreePath sitePath) {
    TreePath path = sitePath.getParentPath();
    while (path.getLeaf() instanceof ParenthesizedTree) {
      path = path.getParentPath();
    }
    Tree parent = path.getLeaf();
    return parent instanceof ExpressionStatementTree || parent instanceof VariableTree
        ? path
        : parent instanceof AssignmentTree
                && path.getParentPath().getLeaf() instanceof ExpressionStatementTree
            ? path.getParentPath()
            : null;
  }

  /**
   * Where the {@code try} goes: after a {@code lock()} statement; inside the block a {@code
   * tryLock()} guards; or after an {@code if (!tryLock()) return;} that leaves when it fails.
   */
  private ScopedRegion.Outcome region(Leak leak, VisitorState state) {
    ExpressionTree identity = leak.acquisition().identity();
    TreePath sitePath = TreePath.getPath(state.getPath(), leak.site());
    if (identity == null || sitePath == null) {
      return none("the acquisition is not a call on a lock");
    }
    ScopedRegion.Resource lock = lock(identity);
    TreePath path = sitePath.getParentPath();
    while (path.getLeaf() instanceof ParenthesizedTree) {
      path = path.getParentPath();
    }
    Tree parent = path.getLeaf();
    if (leak.acquisition().condition() == Condition.ALWAYS) {
      TreePath statement = acquiringStatement(sitePath);
      if (statement == null) {
        return none("the acquisition is part of a larger expression");
      }
      return ScopedRegion.afterStatement(statement, lock, state);
    }
    // Conditional: the `if` that tests the result, directly or through a local it is stored in.
    Predicate<ExpressionTree> isResult;
    TreePath ifPath;
    if (parent instanceof VariableTree variable && variable.getInitializer() != null) {
      Symbol result = ASTHelpers.getSymbol(variable);
      isResult =
          e ->
              e instanceof IdentifierTree identifier
                  && result.equals(ASTHelpers.getSymbol(identifier));
      List<? extends StatementTree> siblings = statementsOf(path.getParentPath().getLeaf());
      int index = siblings == null ? -1 : siblings.indexOf(variable);
      if (index < 0
          || index + 1 >= siblings.size()
          || !(siblings.get(index + 1) instanceof IfTree)) {
        return none("the result of `" + leak.name() + "`'s acquisition is not tested right away");
      }
      ifPath = new TreePath(path.getParentPath(), siblings.get(index + 1));
    } else {
      isResult = e -> e == leak.site();
      ifPath = path;
      while (!(ifPath.getLeaf() instanceof IfTree)
          && ifPath.getLeaf() instanceof ExpressionTree
          && ifPath.getParentPath() != null) {
        ifPath = ifPath.getParentPath();
      }
      if (!(ifPath.getLeaf() instanceof IfTree)) {
        return none("the acquisition is not tested by an `if`");
      }
    }
    IfTree ifTree = (IfTree) ifPath.getLeaf();
    Boolean acquiredWhen = acquiredWhen(ifTree.getCondition(), isResult);
    if (acquiredWhen == null) {
      return none("the `if` that tests the acquisition also tests something else");
    }
    StatementTree guarded = acquiredWhen ? ifTree.getThenStatement() : ifTree.getElseStatement();
    if (guarded instanceof BlockTree block) {
      return ScopedRegion.atStartOf(new TreePath(ifPath, block), lock, state);
    }
    if (!acquiredWhen && guarded == null && exits(ifTree.getThenStatement())) {
      return ScopedRegion.afterStatement(ifPath, lock, state);
    }
    return none("the code that runs while it is held is not a block");
  }

  /**
   * Whether {@code condition} is true exactly when the acquisition succeeded (TRUE), exactly when
   * it failed (FALSE), or tests something else too (null). Understands {@code !}, and {@code !=
   * 0}/{@code == 0} for stamps.
   */
  private static @Nullable Boolean acquiredWhen(
      ExpressionTree condition, Predicate<ExpressionTree> isResult) {
    ExpressionTree e = LockSpec.stripParentheses(condition);
    if (isResult.test(e)) {
      return true;
    }
    if (e instanceof UnaryTree unary && e.getKind() == Tree.Kind.LOGICAL_COMPLEMENT) {
      Boolean inner = acquiredWhen(unary.getExpression(), isResult);
      return inner == null ? null : !inner;
    }
    if (e instanceof BinaryTree binary
        && (e.getKind() == Tree.Kind.NOT_EQUAL_TO || e.getKind() == Tree.Kind.EQUAL_TO)) {
      ExpressionTree left = LockSpec.stripParentheses(binary.getLeftOperand());
      ExpressionTree right = LockSpec.stripParentheses(binary.getRightOperand());
      boolean tested =
          (isResult.test(left) && isZero(right)) || (isResult.test(right) && isZero(left));
      return tested ? e.getKind() == Tree.Kind.NOT_EQUAL_TO : null;
    }
    return null;
  }

  private static boolean isZero(ExpressionTree tree) {
    return tree instanceof LiteralTree literal
        && literal.getValue() instanceof Number number
        && number.longValue() == 0;
  }

  /** Whether the statement always jumps away: {@code return}, {@code throw}, {@code break}... */
  private static boolean exits(StatementTree statement) {
    if (statement instanceof BlockTree block) {
      List<? extends StatementTree> statements = block.getStatements();
      return !statements.isEmpty() && exits(statements.get(statements.size() - 1));
    }
    return statement instanceof ReturnTree
        || statement instanceof ThrowTree
        || statement instanceof BreakTree
        || statement instanceof ContinueTree;
  }

  private static @Nullable List<? extends StatementTree> statementsOf(Tree tree) {
    return tree instanceof BlockTree block ? block.getStatements() : null;
  }

  private static ScopedRegion.Outcome none(String whyNot) {
    return ScopedRegion.Outcome.none(whyNot);
  }

  /**
   * Whether every acquisition the body makes itself is a {@code lock();} statement followed at once
   * by a {@code try} whose {@code finally} begins by releasing the same lock, with no acquisition
   * inside the {@code try} and no assignment anywhere in the body to a variable the lock is named
   * by: the safe shape, released on every path, in which the dataflow analysis finds nothing. Most
   * locking code is written so ({@code writeLock.lock(); try { … } finally { writeLock.unlock(); }}
   * throughout hsqldb and commons-pool2), and the analysis it is spared was most of this check's
   * cost. A body without any acquisition answers true as well: the analysis would find nothing.
   */
  private boolean onlyScopedLocks(BlockTree body, VisitorState state) {
    Set<Tree> scoped = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Symbol> lockNames = new HashSet<>();
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitBlock(BlockTree block, Void unused) {
        List<? extends StatementTree> statements = block.getStatements();
        for (int i = 0; i + 1 < statements.size(); i++) {
          if (statements.get(i) instanceof ExpressionStatementTree statement
              && statement.getExpression() instanceof MethodInvocationTree call
              && statements.get(i + 1) instanceof TryTree region
              && releasedInFinally(call, region, lockNames, state)) {
            scoped.add(call);
          }
        }
        return super.visitBlock(block, null);
      }
    }.scan(body, null);
    if (OwnCodeScanner.anyInvocation(
        body,
        state,
        expression ->
            !scoped.contains(expression) && spec.acquisitionAt(expression, state) != null)) {
      return false;
    }
    if (lockNames.isEmpty()) {
      return true;
    }
    // A lock variable or field assigned in the body (even in a lambda) could leave the finally
    // releasing another lock than the one taken: the analysis decides.
    boolean[] assigned = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitAssignment(AssignmentTree assignment, Void unused) {
        assigned[0] |= lockNames.contains(ASTHelpers.getSymbol(assignment.getVariable()));
        return super.visitAssignment(assignment, null);
      }
    }.scan(body, null);
    return !assigned[0];
  }

  /**
   * Whether {@code call} acquires a lock (not a permit or stamp: the analysis counts and keys them)
   * named by variables and fields only ({@code writeLock}, {@code this.cache.lock}), that {@code
   * region}'s {@code finally} releases first thing, and {@code region} acquires nothing; adds the
   * lock's names to {@code lockNames}.
   */
  private boolean releasedInFinally(
      MethodInvocationTree call, TryTree region, Set<Symbol> lockNames, VisitorState state) {
    ObligationSpec.Acquisition acquisition = spec.acquisitionAt(call, state);
    BlockTree finallyBlock = region.getFinallyBlock();
    if (acquisition == null
        || acquisition.condition() != Condition.ALWAYS
        || !acquisition.kind().equals("lock")
        || acquisition.identity() == null
        || finallyBlock == null
        || finallyBlock.getStatements().isEmpty()
        || !(finallyBlock.getStatements().get(0) instanceof ExpressionStatementTree release)
        || !spec.releases(release.getExpression(), acquisition.identity(), state)
        || OwnCodeScanner.anyInvocation(
            region, expression -> spec.acquisitionAt(expression, state) != null)) {
      return false;
    }
    List<Symbol> names = new ArrayList<>();
    for (ExpressionTree name = acquisition.identity(); ; ) {
      Symbol symbol = ASTHelpers.getSymbol(name);
      if (!(symbol instanceof Symbol.VarSymbol)) {
        return false;
      }
      names.add(symbol);
      if (name instanceof IdentifierTree) {
        break;
      }
      if (!(name instanceof MemberSelectTree select)) {
        return false;
      }
      ExpressionTree qualifier = select.getExpression();
      if (qualifier instanceof IdentifierTree self
          && (self.getName().contentEquals("this") || self.getName().contentEquals("super"))) {
        break;
      }
      name = qualifier;
    }
    lockNames.addAll(names);
    return true;
  }

  /**
   * Whether the body calls a method whose name can acquire a lock, stamp or permit; lambdas and
   * classes inside it are matched on their own.
   */
  private static boolean callsAcquiringMethod(BlockTree body, VisitorState state) {
    for (String name : OwnCodeScanner.calledNames(body, state)) {
      if (LockSpec.mayAcquire(name)) {
        return true;
      }
    }
    return OwnCodeScanner.anyInvocation(
        body, state, expression -> LockHandles.createsHandle(expression, state));
  }
}
