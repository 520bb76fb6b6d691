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
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.TryTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.fix.FixValidation;
import dev.leakguard.flow.Leak;
import dev.leakguard.flow.ObligationAnalysis;
import dev.leakguard.trees.OwnCodeScanner;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * A transaction begun by hand (JDBC {@code setAutoCommit(false)}, JPA {@code tx.begin()},
 * Hibernate {@code beginTransaction()}, Spring {@code getTransaction(def)}) that a path leaves
 * neither committed nor rolled back: the exception out of the work, an early {@code return}. A
 * pooled connection goes back with its row locks held and {@code autoCommit} off, and the next
 * borrower commits or rolls back someone else's half-done work.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "A transaction is begun without a commit or rollback on every path",
    severity = WARNING,
    linkType = LinkType.CUSTOM,
    link = DocsLinks.BUGPATTERN_BASE + "TransactionLeak.md",
    tags = {StandardTags.FRAGILE_CODE})
public final class TransactionLeak extends LeakGuardChecker
    implements MethodTreeMatcher, LambdaExpressionTreeMatcher, CompilationUnitTreeMatcher {

  private static final long serialVersionUID = 1L;

  private final transient LeakGuardOptions options;
  private final transient TransactionSpec spec;


  public TransactionLeak() {
    this(ErrorProneFlags.empty());
  }

  /**
   * Reads LeakGuard's options ({@code -XepOpt:TransactionLeak:ExtraTransactionTypes} applies here).
   *
   * @throws com.google.errorprone.InvalidCommandLineOptionException for a malformed value or an
   *     unknown LeakGuard option
   */
  public TransactionLeak(ErrorProneFlags flags) {
    this.options = LeakGuardOptions.from(flags);
    this.spec = new TransactionSpec(options);
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
    return tree.getBody() instanceof BlockTree body ? guarded(() -> report(body, state)) : NO_MATCH;
  }

  private Description report(@Nullable BlockTree body, VisitorState state) {
    if (body == null
        || !callsBeginningMethod(body, state)
        || underTransactional(state.getPath())) {
      return NO_MATCH;
    }
    ImmutableList<Leak> leaks = ObligationAnalysis.findLeaks(state.getPath(), spec, state);
    for (Leak leak : leaks) {
      FixValidation.report(describe(leak, body, state), state);
    }
    return NO_MATCH;
  }

  private Description describe(Leak leak, BlockTree body, VisitorState state) {
    StringBuilder message = new StringBuilder(leak.describe(spec.leakVerb()));
    ExpressionTree connection =
        leak.acquisition().kind().equals(TransactionSpec.JDBC) ? leak.acquisition().identity() : null;
    boolean restoreAutoCommit =
        connection != null && !openedHere(connection) && !restoresAutoCommit(body, connection, state);
    if (restoreAutoCommit) {
      message
          .append(", and `")
          .append(state.getSourceForNode(connection))
          .append("`, which this method did not open, is left with auto-commit off");
    }
    TransactionFix.Outcome fix;
    try {
      fix = TransactionFix.of(leak, spec, restoreAutoCommit, state);
    } catch (RuntimeException e) {
      // A rewrite that cannot be computed must not cost the user the finding, nor the build.
      if (Boolean.getBoolean(ObligationAnalysis.STRICT_PROPERTY)) {
        throw e;
      }
      fix = TransactionFix.Outcome.none("the rewrite could not be computed for this code");
    }
    Description.Builder description = buildDescription(leak.site());
    TransactionFix.Outcome computed = fix;
    String whyNoFix =
        computed.fix() == null
            ? computed.whyNot()
            : FixValidation.attach(description, computed::fix, computed.advice(), state);
    if (whyNoFix != null) {
      return description.setMessage(message + "; no fix is offered: " + whyNoFix).build();
    }
    return description.setMessage(message + "; " + fix.advice()).build();
  }

  /** A local variable: the connection came from this method (it owns its auto-commit mode). */
  private static boolean openedHere(ExpressionTree connection) {
    Symbol symbol = ASTHelpers.getSymbol(LockSpec.stripParentheses(connection));
    return symbol instanceof VarSymbol
        && (symbol.getKind() == ElementKind.LOCAL_VARIABLE
            || symbol.getKind() == ElementKind.RESOURCE_VARIABLE);
  }

  /** Whether a {@code finally} block of the body sets {@code connection}'s auto-commit mode back. */
  private static boolean restoresAutoCommit(
      BlockTree body, ExpressionTree connection, VisitorState state) {
    boolean[] restores = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitTry(TryTree tree, Void unused) {
        if (tree.getFinallyBlock() != null
            && OwnCodeScanner.anyInvocation(
                tree.getFinallyBlock(),
                e ->
                    TransactionSpec.isSetAutoCommit(e, state)
                        && ASTHelpers.getReceiver(e) != null
                        && LockSpec.sameLock(ASTHelpers.getReceiver(e), connection))) {
          restores[0] = true;
        }
        return super.visitTry(tree, null);
      }
    }.scan(body, null);
    return restores[0];
  }

  /**
   * Code under {@code @Transactional} (Spring's or Jakarta's, on the method or a class around it):
   * the container owns the transaction, and what the method does by hand is its business.
   */
  private static boolean underTransactional(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Symbol symbol =
          p.getLeaf() instanceof MethodTree || p.getLeaf() instanceof ClassTree
              ? ASTHelpers.getSymbol(p.getLeaf())
              : null;
      if (symbol != null
          && symbol.getAnnotationMirrors().stream()
              .anyMatch(
                  a ->
                      a.getAnnotationType()
                          .asElement()
                          .getSimpleName()
                          .contentEquals("Transactional"))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the body calls a method whose name can begin a transaction. */
  private boolean callsBeginningMethod(BlockTree body, VisitorState state) {
    for (String name : OwnCodeScanner.calledNames(body, state)) {
      if (spec.mayBegin(name)) {
        return true;
      }
    }
    return false;
  }
}
