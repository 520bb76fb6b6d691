package dev.leakguard.fix;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.tree.JCTree;
import com.sun.tools.javac.tree.JCTree.JCBreak;
import com.sun.tools.javac.tree.JCTree.JCContinue;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The statements of one block (or one {@code case}) that a scoped rewrite puts inside {@code try}:
 * from just after the statement that acquires a resource to the statement of the same block that
 * releases it. Knows nothing of locks: a {@link Resource} says which calls acquire and release.
 *
 * <p>Found with {@link #afterStatement} (up to an existing release), {@link #atStartOf} (the block
 * a {@code tryLock()} guards), or, for a region that has no release yet and gets one from the
 * rewrite, {@link #restOfBlock} (everything after the acquisition: an executor never shut down) and
 * {@link #between} (given statements: a check-then-act to put under a lock). {@link TryFinallyFix}
 * turns a region into source edits. When no rewrite would keep the code's meaning, the {@link
 * Outcome} says why instead.
 *
 * <p>Usage, for a check with its own resource:
 *
 * <pre>{@code
 * ScopedRegion.Outcome outcome = ScopedRegion.afterStatement(acquirePath, resource, state);
 * if (outcome.region() != null) {
 *   description.addFix(TryFinallyFix.wrap(outcome.region(), state));          // moves the release
 * }
 * // or, with no release in the code yet:
 * TryFinallyFix.wrap(region, null, "executor.shutdown();", state);
 * TryFinallyFix.wrap(region, "lock.lock();", "lock.unlock();", state);     // adds both
 * }</pre>
 */
public final class ScopedRegion {

  /** How a check recognises its resource's calls. */
  public interface Resource {
    /** Whether {@code expression} releases the resource ({@code lock.unlock()}). */
    boolean isRelease(ExpressionTree expression, VisitorState state);

    /** Whether {@code expression} acquires the same resource ({@code lock.lock()}). */
    boolean isAcquire(ExpressionTree expression, VisitorState state);
  }

  /**
   * The calls that {@code code} makes itself (lambdas and classes aside: they run at another time)
   * that release the resource or, unless {@code releasesOnly}, acquire it again.
   */
  static List<MethodInvocationTree> callsOn(
      Tree code, Resource resource, boolean releasesOnly, VisitorState state) {
    List<MethodInvocationTree> calls = new ArrayList<>();
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (resource.isRelease(call, state) || (!releasesOnly && resource.isAcquire(call, state))) {
          calls.add(call);
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(code, null);
    return calls;
  }

  /** A region, or the reason there is none (worded to follow "no fix is offered: "). */
  public record Outcome(@Nullable ScopedRegion region, String whyNot) {
    static Outcome of(ScopedRegion region) {
      return new Outcome(region, "");
    }

    /** No region, for the reason given. */
    public static Outcome none(String whyNot) {
      return new Outcome(null, whyNot);
    }
  }

  private final List<? extends StatementTree> statements;
  private final Tree container;
  private final int openPosition;
  private final ImmutableList<StatementTree> body;
  private final @Nullable StatementTree release;
  private final ImmutableList<StatementTree> earlyReleases;
  private final ImmutableList<VariableTree> hoisted;

  private ScopedRegion(
      List<? extends StatementTree> statements,
      Tree container,
      int openPosition,
      ImmutableList<StatementTree> body,
      @Nullable StatementTree release,
      ImmutableList<StatementTree> earlyReleases,
      ImmutableList<VariableTree> hoisted) {
    this.statements = statements;
    this.container = container;
    this.openPosition = openPosition;
    this.body = body;
    this.release = release;
    this.earlyReleases = earlyReleases;
    this.hoisted = hoisted;
  }

  /**
   * The region after the acquiring statement at {@code acquirePath} (a statement of a block or
   * {@code case}), up to the first later statement of that block that releases the resource.
   */
  public static Outcome afterStatement(
      TreePath acquirePath, Resource resource, VisitorState state) {
    List<? extends StatementTree> statements = statementsOf(acquirePath.getParentPath().getLeaf());
    int index = indexIn(statements, acquirePath.getLeaf());
    if (index < 0) {
      return Outcome.none("the acquisition is not a statement of a block");
    }
    int open = state.getEndPosition(acquirePath.getLeaf());
    return find(acquirePath.getParentPath(), statements, index + 1, open, resource, state);
  }

  /** The region at the start of {@code block} (the block a {@code tryLock()} guards). */
  public static Outcome atStartOf(TreePath blockPath, Resource resource, VisitorState state) {
    BlockTree block = (BlockTree) blockPath.getLeaf();
    int open = ASTHelpers.getStartPosition(block) + 1; // just after `{`
    return find(blockPath, block.getStatements(), 0, open, resource, state);
  }

  /**
   * The region of statements {@code first} to {@code last} (inclusive) of one block, which has no
   * release yet: the rewrite adds it. Declarations used after {@code last} are hoisted.
   */
  public static Outcome between(TreePath first, StatementTree last, VisitorState state) {
    Tree parent = first.getParentPath().getLeaf();
    List<? extends StatementTree> statements = statementsOf(parent);
    int from = indexIn(statements, first.getLeaf());
    int to = indexIn(statements, last);
    if (from < 0 || to < from) {
      return Outcome.none("the statements are not one run of a single block");
    }
    int open =
        from == 0
            ? openOfContainer(parent, first.getLeaf(), state)
            : state.getEndPosition(statements.get(from - 1));
    if (open < 0) {
      return Outcome.none("the statements are not one run of a single block");
    }
    ImmutableList<StatementTree> body = ImmutableList.copyOf(statements.subList(from, to + 1));
    return hoist(statements, parent, open, body, null, ImmutableList.of(), to + 1, state);
  }

  /**
   * The region from the statement at {@code first} (included) up to the first later statement of
   * its block that releases the resource, which moves into {@code finally}: for a resource opened
   * inside {@code first}, into a variable declared before it.
   */
  public static Outcome fromStatement(TreePath first, Resource resource, VisitorState state) {
    Tree parent = first.getParentPath().getLeaf();
    List<? extends StatementTree> statements = statementsOf(parent);
    int from = indexIn(statements, first.getLeaf());
    int open =
        from < 0
            ? -1
            : from == 0 ? openOfContainer(parent, first.getLeaf(), state) : state.getEndPosition(statements.get(from - 1));
    if (open < 0) {
      return Outcome.none("the acquisition is not a statement of a block");
    }
    return find(first.getParentPath(), statements, from, open, resource, state);
  }

  /**
   * The region from just after the acquiring statement at {@code acquirePath} to the end of its
   * block, which has no release yet: the rewrite adds it ({@code executor.shutdown()}).
   */
  public static Outcome restOfBlock(TreePath acquirePath, VisitorState state) {
    Tree parent = acquirePath.getParentPath().getLeaf();
    List<? extends StatementTree> statements = statementsOf(parent);
    int index = indexIn(statements, acquirePath.getLeaf());
    if (index < 0) {
      return Outcome.none("the acquisition is not a statement of a block");
    }
    if (index + 1 == statements.size()) {
      return Outcome.none("nothing follows the acquisition in its block");
    }
    ImmutableList<StatementTree> body =
        ImmutableList.copyOf(statements.subList(index + 1, statements.size()));
    int open = state.getEndPosition(acquirePath.getLeaf());
    return hoist(
        statements, parent, open, body, null, ImmutableList.of(), statements.size(), state);
  }

  private static Outcome find(
      TreePath containerPath,
      List<? extends StatementTree> statements,
      int start,
      int open,
      Resource resource,
      VisitorState state) {
    int releaseIndex = -1;
    for (int i = start; i < statements.size(); i++) {
      if (statements.get(i) instanceof ExpressionStatementTree statement
          && resource.isRelease(statement.getExpression(), state)) {
        releaseIndex = i;
        break;
      }
    }
    if (releaseIndex < 0) {
      return Outcome.none("the release is not in the same block as the acquisition");
    }
    ImmutableList<StatementTree> body =
        ImmutableList.copyOf(statements.subList(start, releaseIndex));
    ImmutableList.Builder<StatementTree> earlyReleases = ImmutableList.builder();
    for (StatementTree statement : body) {
      String whyNot =
          checkNested(new TreePath(containerPath, statement), body, resource, earlyReleases, state);
      if (whyNot != null) {
        return Outcome.none(whyNot);
      }
    }
    return hoist(
        statements,
        containerPath.getLeaf(),
        open,
        body,
        statements.get(releaseIndex),
        earlyReleases.build(),
        releaseIndex + 1,
        state);
  }

  /**
   * Checks the acquisitions and releases nested in one statement of the region: releases directly
   * followed by a jump out of the region are collected (the {@code finally} does their work), any
   * other release or a second acquisition makes the rewrite unsafe.
   */
  private static @Nullable String checkNested(
      TreePath statementPath,
      ImmutableList<StatementTree> body,
      Resource resource,
      ImmutableList.Builder<StatementTree> earlyReleases,
      VisitorState state) {
    int regionStart = ASTHelpers.getStartPosition(body.get(0));
    int regionEnd = state.getEndPosition(body.get(body.size() - 1));
    String[] whyNot = {null};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitClass(ClassTree tree, Void unused) {
        return null; // its methods are analysed on their own
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
        return null;
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (whyNot[0] != null) {
          return null;
        }
        if (resource.isAcquire(call, state)) {
          whyNot[0] = "it is acquired again inside the region";
          return null;
        }
        if (resource.isRelease(call, state)) {
          StatementTree statement = releaseFollowedByExit(getCurrentPath(), regionStart, regionEnd);
          if (statement == null) {
            whyNot[0] =
                "it is also released inside the region where more code runs after the release";
            return null;
          }
          earlyReleases.add(statement);
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(statementPath, null);
    return whyNot[0];
  }

  /**
   * The statement of a release call at {@code callPath} when it is a statement of its own that a
   * {@code return}, {@code throw}, or a {@code break}/{@code continue} leaving the region directly
   * follows; null otherwise.
   */
  private static @Nullable StatementTree releaseFollowedByExit(
      TreePath callPath, int regionStart, int regionEnd) {
    TreePath statementPath = callPath.getParentPath();
    if (!(statementPath.getLeaf() instanceof ExpressionStatementTree statement)) {
      return null;
    }
    List<? extends StatementTree> siblings = statementsOf(statementPath.getParentPath().getLeaf());
    if (siblings == null) {
      return null;
    }
    int index = siblings.indexOf(statement);
    if (index < 0 || index + 1 >= siblings.size()) {
      return null;
    }
    StatementTree next = siblings.get(index + 1);
    if (next instanceof ReturnTree || next instanceof ThrowTree) {
      return statement;
    }
    JCTree target =
        next instanceof BreakTree
            ? ((JCBreak) next).target
            : next instanceof ContinueTree ? ((JCContinue) next).target : null;
    if (target != null
        && (target.getStartPosition() < regionStart || target.getStartPosition() > regionEnd)) {
      return statement;
    }
    return null;
  }

  /**
   * Finds the declarations of the region that code after it uses; they move before the {@code try}.
   * Fails when one cannot move without changing the program.
   */
  private static Outcome hoist(
      List<? extends StatementTree> statements,
      Tree container,
      int open,
      ImmutableList<StatementTree> body,
      @Nullable StatementTree release,
      ImmutableList<StatementTree> earlyReleases,
      int afterIndex,
      VisitorState state) {
    if (!hasPositions(body, release, open, state)) {
      return Outcome.none("the source positions of the code are not known");
    }
    List<? extends StatementTree> after = statements.subList(afterIndex, statements.size());
    List<StatementTree> releaseOnly = release == null ? List.of() : List.of(release);
    int bodyStart = body.isEmpty() ? afterIndex : statements.indexOf(body.get(0));
    ImmutableList.Builder<VariableTree> hoisted = ImmutableList.builder();
    for (int i = bodyStart; i < bodyStart + body.size(); i++) {
      StatementTree statement = statements.get(i);
      if (statement instanceof ClassTree declared) {
        Set<Symbol> symbol = symbolOf(declared);
        if (Hoisting.mentions(after, symbol) || Hoisting.mentions(releaseOnly, symbol)) {
          return Outcome.none("a class declared inside the region is used after it");
        }
        continue;
      }
      if (!(statement instanceof VariableTree variable)) {
        continue;
      }
      Set<Symbol> symbol = symbolOf(variable);
      if (Hoisting.mentions(releaseOnly, symbol)) {
        return Outcome.none(
            "the release uses `" + variable.getName() + "`, which is declared inside the region");
      }
      if (!Hoisting.mentions(after, symbol)) {
        continue;
      }
      String whyNot = Hoisting.whyNotHoistable(statements, bodyStart, i, state);
      if (whyNot != null) {
        return Outcome.none(whyNot);
      }
      hoisted.add(variable);
    }
    return Outcome.of(
        new ScopedRegion(
            statements, container, open, body, release, earlyReleases, hoisted.build()));
  }

  private static Set<Symbol> symbolOf(Tree declaration) {
    Symbol symbol = ASTHelpers.getSymbol(declaration);
    return symbol == null ? Set.of() : Set.of(symbol);
  }

  /** Generated code may lack positions; the rewrite edits source text, so it needs them all. */
  private static boolean hasPositions(
      List<StatementTree> body, @Nullable StatementTree release, int open, VisitorState state) {
    if (open < 0) {
      return false;
    }
    List<StatementTree> all = new ArrayList<>(body);
    if (release != null) {
      all.add(release);
    }
    for (StatementTree statement : all) {
      int start = ASTHelpers.getStartPosition(statement);
      int end = state.getEndPosition(statement);
      if (start < open || end < start) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable List<? extends StatementTree> statementsOf(Tree tree) {
    if (tree instanceof BlockTree block) {
      return block.getStatements();
    }
    if (tree instanceof CaseTree caseTree && caseTree.getStatements() != null) {
      return caseTree.getStatements();
    }
    return null;
  }

  private static int indexIn(@Nullable List<? extends StatementTree> statements, Tree statement) {
    return statements == null ? -1 : statements.indexOf(statement);
  }

  /**
   * Just after the {@code &#123;} of a block, or the {@code :} of a {@code case} whose first
   * statement is {@code first} (only blanks between them); -1 when neither.
   */
  private static int openOfContainer(Tree container, Tree first, VisitorState state) {
    if (container instanceof BlockTree block) {
      return ASTHelpers.getStartPosition(block) + 1;
    }
    if (container instanceof CaseTree) {
      CharSequence source = state.getSourceCode();
      int at = ASTHelpers.getStartPosition(first) - 1;
      while (at >= 0 && Character.isWhitespace(source.charAt(at))) {
        at--;
      }
      return at >= 0 && source.charAt(at) == ':' ? at + 1 : -1;
    }
    return -1;
  }

  /**
   * Whether some path leaves the region before its end other than by an exception: a {@code
   * return}, or a {@code break}/{@code continue} to a statement outside it (lambdas and classes
   * inside do not count). A {@code catch} after the region does not run on such a path.
   */
  public boolean leavesEarly() {
    if (body.isEmpty()) {
      return false;
    }
    // A jump's target encloses it, so a target inside the region has been entered already.
    Set<Tree> entered = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean[] leaves = {false};
    TreeScanner<Void, Void> scanner =
        new OwnCodeScanner<>() {
          @Override
          public Void scan(Tree tree, Void unused) {
            if (tree != null) {
              entered.add(tree);
            }
            return super.scan(tree, null);
          }

          @Override
          public Void visitReturn(ReturnTree tree, Void unused) {
            leaves[0] = true;
            return null;
          }

          @Override
          public Void visitBreak(BreakTree tree, Void unused) {
            leaves[0] |= !entered.contains(((JCBreak) tree).target);
            return null;
          }

          @Override
          public Void visitContinue(ContinueTree tree, Void unused) {
            leaves[0] |= !entered.contains(((JCContinue) tree).target);
            return null;
          }
        };
    scanner.scan(body, null);
    return leaves[0];
  }

  /** The block or {@code case} whose statements the region is part of. */
  Tree container() {
    return container;
  }

  /** All statements of the container, the region's among them. */
  List<? extends StatementTree> statements() {
    return statements;
  }

  /**
   * The source position after which {@code try} opens: the acquiring statement's end, or just after
   * the block's opening brace.
   */
  int openPosition() {
    return openPosition;
  }

  /** The statements that go inside {@code try}, in order; may be empty. */
  public ImmutableList<StatementTree> body() {
    return body;
  }

  /** The statement that ends the region by releasing; it moves into {@code finally}. */
  public @Nullable StatementTree release() {
    return release;
  }

  /** Releases nested in the region just before a jump out of it; the rewrite deletes them. */
  public ImmutableList<StatementTree> earlyReleases() {
    return earlyReleases;
  }

  /** Declarations of the region that code after it uses; they move before {@code try}. */
  public ImmutableList<VariableTree> hoisted() {
    return hoisted;
  }

  /**
   * This region with {@code declaredOutside} left where they are: declarations that another
   * rewrite, made with this one, moves before a {@code try} around this region's.
   */
  public ScopedRegion withoutHoisting(Collection<VariableTree> declaredOutside) {
    return new ScopedRegion(
        statements,
        container,
        openPosition,
        body,
        release,
        earlyReleases,
        hoisted.stream()
            .filter(variable -> !declaredOutside.contains(variable))
            .collect(ImmutableList.toImmutableList()));
  }
}
