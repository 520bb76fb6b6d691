package dev.leakguard.checks;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Description.NO_MATCH;

import com.google.auto.service.AutoService;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Iterables;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.LinkType;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.BlockTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.ClassTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.CompilationUnitTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.LambdaExpressionTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.fixes.Fix;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.fix.CloseOnCompletionFix;
import dev.leakguard.fix.CloseOnFailureFix;
import dev.leakguard.fix.CodecEndOnCloseFix;
import dev.leakguard.fix.FieldReleaseFix;
import dev.leakguard.fix.FinallyCloseChainFix;
import dev.leakguard.fix.FixValidation;
import dev.leakguard.fix.HoistOnFailureFix;
import dev.leakguard.fix.LateTryFix;
import dev.leakguard.fix.ReassignedResourceFix;
import dev.leakguard.fix.ReturnedValueFix;
import dev.leakguard.fix.ScopedRegion;
import dev.leakguard.fix.TryFinallyFix;
import dev.leakguard.fix.TryWithResourcesFix;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.flow.FieldLifecycle.Overwrite;
import dev.leakguard.flow.FieldLifecycle.OwnedField;
import dev.leakguard.flow.FieldLifecycle.SkippedClose;
import dev.leakguard.flow.Leak;
import dev.leakguard.flow.NonThrowingCalls;
import dev.leakguard.flow.ObligationAnalysis;
import dev.leakguard.flow.ObligationSpec.ArgumentEffect;
import dev.leakguard.flow.SkippedFieldCloses;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A stream, channel, socket or JDBC object that owns an operating-system resource is not closed on
 * every path. The leak is almost always on an exceptional path: the {@code close()} that runs only
 * when nothing threw. File handles and connections then run out under load, far from the bug.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A file handle, socket or database connection is not closed on every path; use"
            + " try-with-resources",
    severity = WARNING,
    linkType = LinkType.CUSTOM,
    link = DocsLinks.BUGPATTERN_BASE + "UnclosedResource.md",
    tags = StandardTags.FRAGILE_CODE,
    // Code written for the Resource Leak Checker suppresses the same finding by its names.
    altNames = {"required.method.not.called", "resourceleak"})
public final class UnclosedResource extends LeakGuardChecker
    implements MethodTreeMatcher,
        LambdaExpressionTreeMatcher,
        BlockTreeMatcher,
        ClassTreeMatcher,
        CompilationUnitTreeMatcher {

  private static final long serialVersionUID = 1L;

  private final transient ResourceSpec spec;

  /** ExecutorNotShutdown's spec: a close() added to a class shuts down its executors too. */
  private final transient ExecutorSpec executors;
  private final transient LocalReleaseRegion localRegion;

  /**
   * Whether this instance has checked that the option's type names resolve. Error Prone creates
   * the checks once per compilation, so this reports at most once per compilation.
   */

  public UnclosedResource() {
    this(ErrorProneFlags.empty());
  }

  /**
   * Reads LeakGuard's options ({@code -XepOpt:UnclosedResource:...} applies here).
   *
   * @throws com.google.errorprone.InvalidCommandLineOptionException for a malformed value or an
   *     unknown LeakGuard option
   */
  public UnclosedResource(ErrorProneFlags flags) {
    LeakGuardOptions options = LeakGuardOptions.from(flags);
    this.spec = new ResourceSpec(options);
    this.executors = new ExecutorSpec(options);
    this.localRegion =
        new LocalReleaseRegion(spec, "releasing it here would free it while it is still in use");
  }

  @Override
  public Description matchCompilationUnit(CompilationUnitTree tree, VisitorState state) {
    return guarded(() -> reportUnresolvedOptionTypes(tree, spec.options(), state));
  }


  @Override
  public Description matchMethod(MethodTree tree, VisitorState state) {
    return guarded(() -> checkMethod(tree, state));
  }

  private Description checkMethod(MethodTree tree, VisitorState state) {
    if (tree.getBody() == null) {
      return NO_MATCH;
    }
    report(ObligationAnalysis.findLeaks(state.getPath(), spec, state), state);
    return NO_MATCH;
  }

  @Override
  public Description matchLambdaExpression(LambdaExpressionTree tree, VisitorState state) {
    return guarded(() -> checkLambdaExpression(tree, state));
  }

  /** An initializer block ({@code static { props.load(Foo.class.getResourceAsStream(…)); }}). */
  @Override
  public Description matchBlock(BlockTree tree, VisitorState state) {
    return guarded(
        () -> {
          if (ObligationAnalysis.isInitializer(state.getPath())) {
            report(ObligationAnalysis.findLeaks(state.getPath(), spec, state), state);
          }
          return NO_MATCH;
        });
  }

  private Description checkLambdaExpression(LambdaExpressionTree tree, VisitorState state) {
    report(ObligationAnalysis.findLeaks(state.getPath(), spec, state), state);
    return NO_MATCH;
  }

  /**
   * A resource the class opens into one of its fields must be closed by some method of the class
   * ({@code close()}, {@code stop()}, a helper they call), and must not be replaced while open.
   * Fields given a resource from outside (a parameter, a getter) or handing it out (returned,
   * passed to an owner) are not the class's to close.
   */
  @Override
  public Description matchClass(ClassTree tree, VisitorState state) {
    return guarded(() -> checkClass(tree, state));
  }

  private Description checkClass(ClassTree tree, VisitorState state) {
    OwnedFields.report(
        this,
        spec,
        state,
        field -> reportsField(field, spec, state),
        (field, unclosed, skipped) -> describeUnclosedField(tree, field, unclosed, skipped, state),
        (overwrite, attached) -> describeOverwrite(overwrite, attached, state),
        (skipped, attached) -> describeSkippedClose(skipped, attached, state));
    return NO_MATCH;
  }

  /**
   * The method that is to close {@code field}: the class's own {@code close()}, or, in a class
   * that is not {@code AutoCloseable}, the method that closes its other resources ({@code
   * stop()}, {@code destroy()}); null when there is none.
   */
  private static @Nullable MethodTree lifecycleMethod(
      ClassTree classTree, OwnedField field, VisitorState state) {
    MethodTree close = FieldReleaseFix.closeMethodToExtend(classTree, field.symbol(), state);
    return close != null
        ? close
        : FieldReleaseFix.methodReleasingSiblings(
            classTree, field.symbol(), ImmutableSet.of("close"), state);
  }

  /**
   * The fixes that chain the skipped closes in {@code method} ({@link #describeSkippedClose}),
   * one per chain.
   */
  private List<SuggestedFix> chainsInside(
      MethodTree method, List<SkippedClose> skipped, VisitorState state) {
    List<SuggestedFix> chains = new ArrayList<>();
    Set<Tree> starts = new HashSet<>();
    for (SkippedClose close : skipped) {
      TreePath chainFrom = close.chainFrom();
      if (chainFrom != null
          && Iterables.contains(chainFrom, method)
          && starts.add(chainFrom.getLeaf())) {
        Rewrite chained = chainOf(close, state);
        if (chained != null && chained.fix() != null) {
          chains.add(chained.fix());
        }
      }
    }
    return chains;
  }

  private @Nullable Rewrite chainOf(SkippedClose skipped, VisitorState state) {
    return skipped.chainFrom() == null
        ? null
        : FinallyCloseChainFix.proposeFrom(
            skipped.chainFrom(), call -> spec.releasedOperand(call, state).of(call) != null, state);
  }

  /**
   * {@code close() { in.close(); out.close(); }}: when {@code in.close()} throws, {@code out}
   * stays open, and nothing will close it again. The same rule as for locals closed in a {@code
   * finally}; the fix chains the closes the same way.
   */
  private Description describeSkippedClose(
      SkippedClose skipped, List<Fix> attached, VisitorState state) {
    String failing = state.getSourceForNode(skipped.failingClose());
    String message =
        "Field `"
            + skipped.field().symbol().getSimpleName()
            + "` is not closed if `"
            + (failing != null ? failing : ASTHelpers.getSymbol(skipped.failingClose()) + "()")
            + "` throws";
    Description.Builder description = buildDescription(skipped.release().getLeaf());
    Rewrite chained = chainOf(skipped, state);
    String why;
    if (skipped.chainFrom() == null) {
      why =
          "closes that can fail sit at several levels of nesting here, and one chain of finally"
              + " blocks cannot order them all";
    } else if (chained == null || chained.fix() == null) {
      why =
          "the closes from the failing one on are not a plain sequence of closes (another"
              + " statement, a declaration or a jump among them)";
    } else if (!FixValidation.sameEditsAsOneOf(chained.fix(), attached, state)
        && !FixValidation.apart(chained.fix(), attached, state)) {
      // Only a fix that adds a field's close around these closes overlaps, and it chains them.
      why = "the fix that adds another field's close to this method chains this close too";
    } else {
      why = FixValidation.attach(description, chained::fix, chained.whatItDoes(), state);
      if (why == null) {
        return description.setMessage(message + "; " + chained.whatItDoes()).build();
      }
    }
    return description
        .setMessage(
            message
                + "; no automatic fix: "
                + why
                + "; close it in a finally block of the close before it")
        .build();
  }

  /** Whether this check reports {@code field} when no method of its class closes it. */
  static boolean reportsField(OwnedField field, ResourceSpec spec, VisitorState state) {
    return !isProgramLifetimeSingleton(field.symbol())
        && spec.mustBeClosedWhenKeptInAField(field.creation(), state);
  }

  /**
   * A {@code static final} field holds one resource for as long as its class is loaded, and
   * nothing can replace it: a deliberate singleton that the process's exit releases. (An executor
   * is different: its threads keep the process from exiting, so ExecutorNotShutdown still reports
   * one.)
   */
  private static boolean isProgramLifetimeSingleton(VarSymbol field) {
    return field.isStatic() && (field.flags() & Flags.FINAL) != 0;
  }

  private Description describeUnclosedField(
      ClassTree classTree,
      OwnedField field,
      List<OwnedField> unclosed,
      List<SkippedClose> skipped,
      VisitorState state) {
    String name = field.symbol().getSimpleName().toString();
    String className =
        classTree.getSimpleName().length() == 0
            ? "this class"
            : "`" + classTree.getSimpleName() + "`";
    StringBuilder message =
        new StringBuilder()
            .append("Field `")
            .append(name)
            .append("` holds a `")
            .append(field.acquisition().kind())
            .append("` opened by ")
            .append(field.createdByInitializer() ? "its initializer" : className)
            .append(", but no method of ")
            .append(className)
            .append(" ")
            .append(releaseVerb(field, "closes"))
            .append(" it; ");
    Description.Builder description = buildDescription(field.declaration());
    ImmutableSet<String> mustCall = field.acquisition().mustCall();
    if (mustCall.size() > 1) {
      // Several methods to call, in an order only the class's author knows: no fix to guess.
      return description
          .setMessage(
              message
                  .append("call ")
                  .append(calls(mustCall))
                  .append(" on it when the object's use ends.")
                  .toString())
          .build();
    }
    String release = mustCall.isEmpty() ? "close" : mustCall.iterator().next();
    boolean alwaysSet = field.alwaysSet();
    MethodTree close = FieldReleaseFix.closeMethodToExtend(classTree, field.symbol(), state);
    MethodTree lifecycle = lifecycleMethod(classTree, field, state);
    if (lifecycle != null) {
      String where = lifecycle.getName() + "()";
      String action =
          releaseVerb(field, "close")
              + " it in "
              + where
              + (close == null ? ", where the class closes its other resources" : "");
      message.append(action);
      StatementTree end = FieldReleaseFix.endOf(lifecycle.getBody());
      // A close of another field in there that may fail would skip this one.
      TreePath body = TreePath.getPath(state.getPath(), lifecycle.getBody());
      StatementTree failing =
          body == null ? null : SkippedFieldCloses.firstWithFailingFieldClose(body, spec, state);
      TreePath wrapFrom = failing == null ? null : new TreePath(body, failing);
      List<SuggestedFix> innerChains = chainsInside(lifecycle, skipped, state);
      // The fields closed in that method with this one: wrapping its closes, their fixes would
      // overlap, so each of their findings carries the one fix that closes them all.
      List<OwnedField> together = new ArrayList<>();
      for (OwnedField other : unclosed) {
        if (other.acquisition().mustCall().size() <= 1
            && lifecycleMethod(classTree, other, state) == lifecycle) {
          together.add(other);
        }
      }
      String whyNoFix =
          end == null
              ? where
                  + " ends in a statement that never completes and does not return, so a"
                  + " close after it would never run"
              : FixValidation.attach(
                  description,
                  () ->
                      FieldReleaseFix.releaseInMethod(
                          lifecycle,
                          end,
                          wrapFrom,
                          innerChains,
                          together,
                          call -> spec.releasedOperand(call, state).of(call) != null,
                          field.symbol(),
                          release,
                          alwaysSet,
                          state),
                  releaseVerb(field, "close") + " it in " + where,
                  state);
      if (whyNoFix != null) {
        message.append("; no automatic fix: ").append(whyNoFix);
      }
    } else {
      var addClose = OwnedFields.addedClose(classTree, field, spec, executors, state);
      if (addClose != null) {
        message
            .append("make ")
            .append(className)
            .append(" AutoCloseable and ")
            .append(releaseVerb(field, "close"))
            .append(" it in its close()");
        String whyNoFix =
            FixValidation.attach(
                description,
                () -> addClose,
                "make "
                    + className
                    + " AutoCloseable and "
                    + releaseVerb(field, "close")
                    + " it in its close()",
                state);
        if (whyNoFix != null) {
          message.append("; no automatic fix: ").append(whyNoFix);
        }
      } else if (ASTHelpers.isStatic(field.symbol())) {
        message
            .append("close it in a shutdown hook or a static close() method; no automatic fix: ")
            .append(OwnedFields.STATIC_NO_FIX);
      } else {
        message
            .append("close it in the method that ends the object's use; no automatic fix: ")
            .append(OwnedFields.cannotBecomeAutoCloseable(className));
      }
    }
    return description.setMessage(message.append('.').toString()).build();
  }

  /** "closes", or, for a field whose type another method releases, "calls `end()` on". */
  private static String releaseVerb(OwnedField field, String close) {
    ImmutableSet<String> mustCall = field.acquisition().mustCall();
    return mustCall.isEmpty()
        ? close
        : (close.endsWith("s") ? "calls " : "call ") + calls(mustCall) + " on";
  }

  private Description describeOverwrite(
      Overwrite overwrite, List<Fix> attached, VisitorState state) {
    String name = overwrite.field().symbol().getSimpleName().toString();
    ImmutableSet<String> mustCall = overwrite.field().acquisition().mustCall();
    String release = mustCall.size() == 1 ? mustCall.iterator().next() : "close";
    String message =
        "Field `"
            + name
            + "` is given a new `"
            + overwrite.acquisition().kind()
            + "` while the previous one may still be open, and the previous one can then"
            + " never be closed; ";
    Description.Builder description = buildDescription(overwrite.assignment());
    String whyNoFix =
        mustCall.size() > 1
            ? "its type must have " + calls(mustCall) + " called"
            : OwnedFields.attachReleaseBeforeOverwrite(
                description, overwrite, release, attached, state);
    message +=
        whyNoFix == null
            ? FieldReleaseFix.releaseBeforeOverwrite("`" + name + "." + release + "()`")
            : "close it before replacing it; no automatic fix: " + whyNoFix;
    return description.setMessage(message + ".").build();
  }

  static final String ESCAPES =
      "it leaves the method on another path (returned, stored or given to an owner), so closing it"
          + " here would close it for its new owner too; close it on the failing path instead";

  static final String OWNER_UNBUILT =
      "the object keeps it in a field once the constructor completes, so only the failing path may"
          + " close it, and another fix of this code edits the same lines";

  static final String RESULT_SET_LEAVES =
      "the method returns a result set of this statement, which closing the statement here would"
          + " close before the caller reads it; let the result set close it"
          + " (Statement.closeOnCompletion()) or close it where the result set is done";

  /**
   * A statement in a method that returns a {@code ResultSet} (h2 ScriptCommand.getLobStream, hsqldb
   * JDBCDatabaseMetaData.execute): the result set it returns is, by JDBC, closed with its
   * statement, so scoping the statement to this method would hand the caller a closed result set.
   */
  private static boolean resultSetLeaves(Leak leak, VisitorState state) {
    if (!(state.getPath().getLeaf() instanceof MethodTree method)
        || method.getReturnType() == null) {
      return false;
    }
    Type returned = ASTHelpers.getType(method.getReturnType());
    Type resultSet = state.getTypeFromString("java.sql.ResultSet");
    Type statement = state.getTypeFromString("java.sql.Statement");
    Type resource = ASTHelpers.getType(leak.site());
    return returned != null
        && resultSet != null
        && statement != null
        && resource != null
        && ASTHelpers.isSubtype(returned, resultSet, state)
        && ASTHelpers.isSubtype(resource, statement, state);
  }

  /**
   * Whether the method sets a driver's own "close my statement" flag on a result set before
   * returning it: {@code ((JDBCResultSet) r).autoClose = true} (hsqldb JDBCDatabaseMetaData), the
   * driver-internal form of {@code Statement.closeOnCompletion()}. A boolean field of a {@code
   * ResultSet} whose name says it closes, set to {@code true}.
   */
  private static boolean marksResultSetToCloseStatement(VisitorState state) {
    if (!(state.getPath().getLeaf() instanceof MethodTree method) || method.getBody() == null) {
      return false;
    }
    Type resultSet = state.getTypeFromString("java.sql.ResultSet");
    if (resultSet == null) {
      return false;
    }
    boolean[] found = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitAssignment(AssignmentTree assignment, Void unused) {
        if (assignment.getVariable() instanceof MemberSelectTree field
            && CLOSING_FLAG.matcher(field.getIdentifier()).matches()
            && assignment.getExpression() instanceof LiteralTree literal
            && Boolean.TRUE.equals(literal.getValue())) {
          Type owner = ASTHelpers.getType(ASTHelpers.stripParentheses(field.getExpression()));
          found[0] |= owner != null && ASTHelpers.isSubtype(owner, resultSet, state);
        }
        return super.visitAssignment(assignment, null);
      }
    }.scan(method.getBody(), null);
    return found[0];
  }

  private static final Pattern CLOSING_FLAG =
      Pattern.compile("(?i)(auto_?close\\w*|close_?statement\\w*|close_?on_?completion)");

  private void report(ImmutableList<Leak> leaks, VisitorState state) {
    if (!leaks.isEmpty() && marksResultSetToCloseStatement(state)) {
      // The statement whose result set the method returns goes with that result set.
      leaks =
          leaks.stream()
              .filter(leak -> leak.path() != Leak.Path.NEVER_RELEASED || !resultSetLeaves(leak, state))
              .collect(ImmutableList.toImmutableList());
    }
    if (leaks.isEmpty()) {
      return;
    }
    // Resources that leave the method on another path get no fix, and stay out of the shared
    // rewrite so that no other resource's fix closes them; the rewrite is still asked why it
    // could not scope them, which names the path more precisely than "it escapes".
    List<TreePath> owners = new ArrayList<>();
    List<TreePath> fixable = new ArrayList<>();
    List<TreePath> wrappedLayers = new ArrayList<>();
    List<Rewrite> splitLayers = new ArrayList<>();
    List<Tree> reportedAt = new ArrayList<>();
    for (Leak leak : leaks) {
      TreePath site = TreePath.getPath(state.getPath(), leak.site());
      reportedAt.add(site == null ? leak.site() : chosenBy(site));
      TreePath owner =
          site == null || noScopedForm(leak) != null ? null : outermostOwner(site, state);
      TreePath wrapped = site == null ? null : argumentOfFailingWrapper(leak, site, state);
      Rewrite split = null;
      if (wrapped != null) {
        // A wrapper already in a try header: give the wrapped layer a resource of its own there.
        // Elsewhere the wrapped layer, not the wrapper, is what a new try-with-resources holds.
        split = TryWithResourcesFix.splitLayer(wrapped, state);
        if (split.fix() == null) {
          split = null;
          owner = wrapped;
        } else {
          owner = null;
        }
      }
      owners.add(owner);
      wrappedLayers.add(wrapped);
      splitLayers.add(split);
      if (owner != null && !leak.escapes() && !resultSetLeaves(leak, state)) {
        fixable.add(owner);
      }
    }
    ImmutableList<Rewrite> rewrites = TryWithResourcesFix.rewriteAll(fixable, ownership(), state);
    int next = 0;
    Set<Tree> reported = new HashSet<>();
    // Fixes of one method are applied together: a close-on-failure rewrite is offered only where
    // no other rewrite of the method edits the same code (identical ones, one per branch that
    // opens the same variable, merge).
    boolean otherRewrites =
        rewrites.stream().anyMatch(r -> r.fix() != null)
            || splitLayers.stream().anyMatch(Objects::nonNull);
    // Close-on-failure fixes, one per finding, each apart from the rest (or the same edits).
    List<SuggestedFix> onFailureFixes = new ArrayList<>();
    // Fixes of variables that try-with-resources cannot own, one per finding: offered only where
    // each edits text apart from the others, so that they apply together.
    List<SuggestedFix> heldFixes = new ArrayList<>();
    // Fixes that move an opening out of its statement, one per finding, each apart from the rest.
    List<SuggestedFix> hoistedFixes = new ArrayList<>();
    // Try/finally rewrites of one method: applied together, they must not edit the same text.
    List<SuggestedFix> finallyFixes = new ArrayList<>();
    // Fixes that start a late try earlier: findings of one resource share one.
    List<SuggestedFix> lateTryFixes = new ArrayList<>();
    for (int i = 0; i < leaks.size(); i++) {
      Leak leak = leaks.get(i);
      TreePath owner = owners.get(i);
      if (reportedAt.get(i) != leak.site() && !reported.add(reportedAt.get(i))) {
        // Another arm of the same conditional already named this resource.
        if (owner != null && !leak.escapes() && !resultSetLeaves(leak, state)) {
          next++;
        }
        continue;
      }
      boolean resultSetLeaves = resultSetLeaves(leak, state);
      Rewrite rewrite =
          splitLayers.get(i) != null
              ? splitLayers.get(i)
              : owner == null || resultSetLeaves
                  ? null
                  : leak.escapes()
                      ? TryWithResourcesFix.rewriteAll(List.of(owner), ownership(), state).get(0)
                      : rewrites.get(next++);
      String message =
          wrappedLayers.get(i) != null ? wrapperMessage(leak) : leak.describe(verb(leak));
      Description.Builder description = buildDescription(reportedAt.get(i));
      String why;
      // One reason from a fix of a variable try-with-resources cannot own is enough.
      boolean heldReason = false;
      if (rewrite != null && rewrite.fix() != null && !leak.escapes()) {
        why = FixValidation.attach(description, rewrite::fix, rewrite.whatItDoes(), state);
      } else {
        String noScopedForm = noScopedForm(leak);
        Rewrite releasedInFinally = noScopedForm == null ? null : releaseInFinally(leak, state);
        if (releasedInFinally == null && noScopedForm != null) {
          releasedInFinally = codecEndOnClose(leak, state);
        }
        if (releasedInFinally != null
            && !otherRewrites
            && attachApart(
                releasedInFinally,
                description,
                state,
                finallyFixes,
                onFailureFixes,
                heldFixes,
                hoistedFixes)) {
          rewrite = releasedInFinally;
          finallyFixes.add(releasedInFinally.fix());
          noScopedForm = null;
        }
        why =
            rewrite == releasedInFinally && releasedInFinally != null
                ? null
                : noScopedForm != null
                ? noScopedForm
                : leak.ownerUnbuilt()
                    ? OWNER_UNBUILT
                    : resultSetLeaves
                    ? RESULT_SET_LEAVES
                    : rewrite != null && rewrite.whyNoFix() != null
                        ? rewrite.whyNoFix()
                        : leak.escapes()
                            ? ESCAPES
                            : "the code around it has a shape the fix does not handle";
      }
      if (why != null && !otherRewrites) {
        // `finally { in.close(); out.close(); }`: the failing close is the witness.
        // Every finding the failing close skips carries the one chain.
        Rewrite chained = closeChain(leak, state);
        if (chained != null
            && attachSharedOrApart(
                chained,
                description,
                state,
                finallyFixes,
                onFailureFixes,
                heldFixes,
                hoistedFixes)) {
          why = null;
          rewrite = chained;
        }
      }
      if (why != null && resultSetLeaves && !otherRewrites) {
        TreePath site = TreePath.getPath(state.getPath(), leak.site());
        Rewrite handed = site == null ? null : CloseOnCompletionFix.propose(site, state);
        if (handed != null
            && attachApart(
                handed, description, state, onFailureFixes, finallyFixes, heldFixes, hoistedFixes)) {
          why = null;
          rewrite = handed;
          hoistedFixes.add(handed.fix());
        }
      }
      if (why != null
          && owner != null
          && !resultSetLeaves
          && wrappedLayers.get(i) == null
          && !otherRewrites
          && !leak.escapes()
          && onFailureFixes.isEmpty()) {
        Rewrite held = reassignedResource(leak, owner, state);
        if (held != null && held.fix() != null) {
          // Identical fixes (one per branch that opens the same variable) merge.
          boolean merges = FixValidation.sameEditsAsOneOf(held.fix(), heldFixes, state);
          if ((merges || FixValidation.apart(held.fix(), heldFixes, state))
              && FixValidation.apart(held.fix(), finallyFixes, state)
              && FixValidation.attach(description, held::fix, held.whatItDoes(), state) == null) {
            why = null;
            rewrite = held;
            if (!merges) {
              heldFixes.add(held.fix());
            }
          }
        } else if (held != null && held.whyNoFix() != null && !held.whyNoFix().isBlank()) {
          why += ", and " + held.whyNoFix();
          heldReason = true;
        }
      }
      if (why != null
          && !resultSetLeaves
          && wrappedLayers.get(i) == null
          && !otherRewrites
          && heldFixes.isEmpty()) {
        Rewrite onFailure = closeOnFailure(leak, state);
        if (leak.ownerUnbuilt() && onFailure != null && onFailure.whyNoFix() != null) {
          why = onFailure.whyNoFix();
        }
        if (onFailure != null
            && onFailure.fix() != null
            && (FixValidation.sameEditsAsOneOf(onFailure.fix(), onFailureFixes, state)
                || FixValidation.apart(onFailure.fix(), onFailureFixes, state))
            && FixValidation.apart(onFailure.fix(), finallyFixes, state)
            && FixValidation.apart(onFailure.fix(), hoistedFixes, state)) {
          String whyNotOnFailure =
              FixValidation.attach(description, onFailure::fix, onFailure.whatItDoes(), state);
          if (whyNotOnFailure == null) {
            why = null;
            rewrite = onFailure;
            if (!FixValidation.sameEditsAsOneOf(onFailure.fix(), onFailureFixes, state)) {
              onFailureFixes.add(onFailure.fix());
            }
          }
        } else if (onFailure != null
            && onFailure.whyNoFix() != null
            && !heldReason
            && !why.contains(onFailure.whyNoFix())) {
          why += ", and " + onFailure.whyNoFix();
        }
      }
      if (why != null && !resultSetLeaves && !otherRewrites && heldFixes.isEmpty()) {
        Rewrite hoisted =
            hoistOnFailure(
                leak, wrappedLayers.get(i) != null ? wrappedLayers.get(i) : leakSite(leak, state), state);
        // The same opening in both arms of a conditional: both findings carry one fix.
        if (hoisted != null
            && attachSharedOrApart(
                hoisted, description, state, hoistedFixes, onFailureFixes, finallyFixes)) {
          why = null;
          rewrite = hoisted;
        }
      }
      if (why != null && !otherRewrites) {
        Rewrite returnedValue = closeReturnedValue(leak, state);
        if (returnedValue != null
            && attachApart(
                returnedValue,
                description,
                state,
                onFailureFixes,
                finallyFixes,
                heldFixes,
                hoistedFixes)) {
          why = null;
          rewrite = returnedValue;
          hoistedFixes.add(returnedValue.fix());
        } else if (returnedValue != null && returnedValue.whyNoFix() != null) {
          why = returnedValue.whyNoFix();
        }
      }
      if (why != null && !otherRewrites && !leak.escapes()) {
        Rewrite late = lateTry(leak, state);
        if (late != null
            && attachSharedOrApart(
                late,
                description,
                state,
                lateTryFixes,
                onFailureFixes,
                finallyFixes,
                heldFixes,
                hoistedFixes)) {
          why = null;
          rewrite = late;
        } else if (late != null && late.whyNoFix() != null) {
          why = late.whyNoFix();
        }
      }
      String delegation = why == null ? null : delegationAround(leak.site(), state);
      if (delegation != null) {
        why =
            "it is opened in the arguments of `"
                + delegation
                + "(...)`, which must come first in the constructor, so no try can enclose it;"
                + " open it in a static factory method that passes it to the constructor";
      }
      if (why != null) {
        message += "; no automatic fix: " + why;
      } else if (rewrite != null && rewrite == splitLayers.get(i)) {
        // The fix's own words say what the advice would: say it once.
        message = wrapperCause(leak) + "; " + rewrite.whatItDoes();
      } else if (rewrite != null) {
        message += "; " + rewrite.whatItDoes();
      }
      FixValidation.report(description.setMessage(message).build(), state);
    }
  }


  /**
   * The fix for a resource closed in the {@code finally} of a {@code try} that starts after code
   * that can throw ({@link LateTryFix}); null when the leak has another shape.
   */
  private @Nullable Rewrite lateTry(Leak leak, VisitorState state) {
    if (leak.ownerUnbuilt() || !LateTryFix.mayStartLate(leak.path())) {
      return null;
    }
    TreePath site = TreePath.getPath(state.getPath(), leak.site());
    return site == null
        ? null
        : LateTryFix.proposeForValue(
            site, leak.witness(), (call, s) -> spec.releasedOperand(call, s).of(call), state);
  }

  /**
   * {@code "super"} or {@code "this"} when {@code site} lies in the arguments of a constructor's
   * {@code super(…)} or {@code this(…)} call (commons-compress {@code this(newByteChannel(file),
   * …)}): no statement can precede that call, so nothing can close the value if it fails. Null
   * otherwise.
   */
  private static @Nullable String delegationAround(Tree site, VisitorState state) {
    TreePath path = TreePath.getPath(state.getPath(), site);
    for (TreePath p = path; p != null && p.getParentPath() != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof StatementTree
          || leaf instanceof ClassTree
          || leaf instanceof LambdaExpressionTree) {
        return null;
      }
      if (p.getParentPath().getLeaf() instanceof MethodInvocationTree call
          && call.getArguments().contains(leaf)
          && call.getMethodSelect() instanceof IdentifierTree name
          && (name.getName().contentEquals("super") || name.getName().contentEquals("this"))) {
        return name.getName().toString();
      }
    }
    return null;
  }

  /**
   * {@code Deflater d = new Deflater(); try { … } finally { d.end(); }}: the fix for a local whose
   * type is released by one method that try-with-resources does not call. Null when there is no
   * such method or no region to wrap.
   */
  private @Nullable Rewrite releaseInFinally(Leak leak, VisitorState state) {
    ImmutableSet<String> methods = leak.acquisition().mustCall();
    TreePath site = leakSite(leak, state);
    if (methods.size() != 1
        || leak.escapes()
        || site == null
        || !(site.getParentPath().getLeaf() instanceof VariableTree variable)) {
      return null;
    }
    ScopedRegion.Outcome region = localRegion.of(site, leak.acquisition().kind(), state);
    if (region.region() == null) {
      return null;
    }
    String method = methods.iterator().next();
    SuggestedFix fix;
    try {
      fix =
          TryFinallyFix.wrap(
              region.region(), null, variable.getName() + "." + method + "();", state);
    } catch (RuntimeException e) {
      return null; // a shape the rewrite does not handle: the finding stays, without a fix
    }
    return new Rewrite(fix, null, "call `" + method + "()` in a finally block");
  }

  /**
   * The fix for a {@code Deflater} or {@code Inflater} given, as it is made, to a JDK codec stream
   * that never ends it: end it in that stream's {@code close()} ({@link CodecEndOnCloseFix}). Null
   * for any other leak.
   */
  private static @Nullable Rewrite codecEndOnClose(Leak leak, VisitorState state) {
    TreePath site = TreePath.getPath(state.getPath(), leak.site());
    if (site == null || !leak.acquisition().mustCall().equals(ImmutableSet.of("end"))) {
      return null;
    }
    Tree argument = site.getLeaf();
    TreePath parent = site.getParentPath();
    while (parent.getLeaf() instanceof ParenthesizedTree) {
      argument = parent.getLeaf();
      parent = parent.getParentPath();
    }
    if (!(parent.getLeaf() instanceof NewClassTree stream)) {
      return null;
    }
    String field =
        LibraryResourceModel.codecField(stream, stream.getArguments().indexOf(argument), state);
    return field == null ? null : CodecEndOnCloseFix.propose(site, field, state);
  }

  /**
   * The fix for a resource whose close is skipped when a call before it in a {@code finally}
   * fails, a close or another call of the cleanup ({@code out.flush()}) ({@link
   * FinallyCloseChainFix}); null for a leak of any other shape.
   */
  private @Nullable Rewrite closeChain(Leak leak, VisitorState state) {
    if (leak.path() != Leak.Path.CALL_THROWS
        || !(leak.witness() instanceof MethodInvocationTree failing)) {
      return null;
    }
    TreePath failingPath = TreePath.getPath(state.getPath(), failing);
    return failingPath == null
        ? null
        : FinallyCloseChainFix.propose(
            failingPath,
            call -> spec.releasedOperand(call, state).of(call) != null,
            call -> {
              // The chain must close the resource this finding is about, by the name it gave.
              ExpressionTree released = spec.releasedOperand(call, state).of(call);
              return released != null
                  && state.getSourceForNode(ASTHelpers.stripParentheses(released))
                      .equals(leak.name());
            },
            state);
  }

  /**
   * The fix for a resource whose variable try-with-resources cannot own (declared elsewhere, or
   * holding several resources in turn): close the old value before the variable is overwritten,
   * or close it in a finally after the rest of its block. Null when the leak has no witness.
   */
  private @Nullable Rewrite reassignedResource(Leak leak, TreePath owner, VisitorState state) {
    if (leak.path() == Leak.Path.REASSIGNED) {
      return leak.witness() == null
          ? null
          : ReassignedResourceFix.closeBeforeOverwrite(owner, leak.witness(), ownership(), state);
    }
    return ReassignedResourceFix.closeInFinally(owner, ownership(), state);
  }

  /**
   * The fix for a resource kept once the code that prepares it succeeds (returned, stored, handed
   * on, or left in a variable declared elsewhere): close it when that code throws. Null when the
   * leaking path is not such a failure: a leak on a normal path, a reassignment, or none at all.
   */
  private @Nullable Rewrite closeOnFailure(Leak leak, VisitorState state) {
    ImmutableSet<String> mustCall = leak.acquisition().mustCall();
    if (leak.witness() == null
        || (noScopedForm(leak) != null
            // A constructor field released by one method of its own (`deflater.end()`).
            && !(leak.ownerUnbuilt()
                && mustCall.size() == 1
                && leak.site() instanceof ExpressionTree))) {
      return null;
    }
    boolean exceptional;
    Tree witness = leak.witness();
    switch (leak.path()) {
      case CALL_THROWS, IMPLICIT_THROW, THROW_STATEMENT, CAUGHT_EXCEPTION -> exceptional = true;
      case RETURN -> exceptional = false;
      case REASSIGNED -> {
        // Declared in a loop's body and lost on the next pass (h2's NetUtils.createSocket: a
        // failed connect is caught and retried). Where every normal way out of the code after it
        // hands it on, which the fix checks, only a caught failure can reach the next pass.
        if (!(witness instanceof VariableTree declaration)
            || !isWithin(leak.site(), declaration.getInitializer())) {
          return null;
        }
        exceptional = true;
        witness = null;
      }
      default -> {
        return null;
      }
    }
    TreePath site = TreePath.getPath(state.getPath(), leak.site());
    if (site == null) {
      return null;
    }
    if (leak.ownerUnbuilt()) {
      return CloseOnFailureFix.proposeForField(
          outermostOwner(site, state),
          leak.witness(),
          mustCall.isEmpty() ? "close" : mustCall.iterator().next(),
          ownership(),
          state);
    }
    if (!mustCall.isEmpty()) {
      return null;
    }
    return CloseOnFailureFix.propose(
        outermostOwner(site, state), witness, exceptional, ownership(), state);
  }

  /**
   * Attaches the rewrite's fix when it has one, edits text apart from every fix of {@code
   * attached} (the method's fixes are applied together, and overlapping edits fail the user's
   * build) and applies cleanly; whether it did.
   */
  @SafeVarargs
  private static boolean attachApart(
      Rewrite rewrite,
      Description.Builder description,
      VisitorState state,
      List<SuggestedFix>... attached) {
    if (rewrite.fix() == null) {
      return false;
    }
    for (List<SuggestedFix> fixes : attached) {
      if (!FixValidation.apart(rewrite.fix(), fixes, state)) {
        return false;
      }
    }
    return FixValidation.attach(description, rewrite::fix, rewrite.whatItDoes(), state) == null;
  }

  /**
   * Attaches the rewrite's fix when a fix of {@code own} (fixes of its kind already attached to
   * other findings of the method) makes the same edits, one fix serving both findings, or else
   * when it edits text apart from the fixes of {@code own} and of {@code others} ({@link
   * #attachApart}), adding it to {@code own}; whether it attached.
   */
  @SafeVarargs
  private static boolean attachSharedOrApart(
      Rewrite rewrite,
      Description.Builder description,
      VisitorState state,
      List<SuggestedFix> own,
      List<SuggestedFix>... others) {
    if (rewrite.fix() == null) {
      return false;
    }
    if (FixValidation.sameEditsAsOneOf(rewrite.fix(), own, state)) {
      return FixValidation.attach(description, rewrite::fix, rewrite.whatItDoes(), state) == null;
    }
    for (List<SuggestedFix> fixes : others) {
      if (!FixValidation.apart(rewrite.fix(), fixes, state)) {
        return false;
      }
    }
    if (!attachApart(rewrite, description, state, own)) {
      return false;
    }
    own.add(rewrite.fix());
    return true;
  }

  /**
   * The fix for a value made in a {@code return} and lost when the {@code finally} or a resource's
   * close after the return fails ({@link ReturnedValueFix}); null for a leak of any other shape.
   */
  private static @Nullable Rewrite closeReturnedValue(Leak leak, VisitorState state) {
    if (leak.witness() == null
        || (leak.path() != Leak.Path.CALL_THROWS && leak.path() != Leak.Path.THROW_STATEMENT)
        || !leak.acquisition().mustCall().isEmpty()) {
      return null;
    }
    TreePath site = TreePath.getPath(state.getPath(), leak.site());
    return site == null ? null : ReturnedValueFix.propose(site, leak.witness(), state);
  }

  /**
   * The fix for a resource opened inside a statement that hands the result on (a wrapper's
   * argument, returned or stored), leaked when the rest of the statement throws: open it in a
   * variable of its own before the statement, and close it on failure. Null when the leaking path
   * is no such failure.
   */
  private @Nullable Rewrite hoistOnFailure(
      Leak leak, @Nullable TreePath resource, VisitorState state) {
    if (resource == null || leak.witness() == null || noScopedForm(leak) != null) {
      return null;
    }
    switch (leak.path()) {
      case CALL_THROWS, IMPLICIT_THROW, CAUGHT_EXCEPTION -> {
        return HoistOnFailureFix.propose(resource, leak.witness(), ownership(), state);
      }
      default -> {
        return null;
      }
    }
  }

  /** Whether {@code tree} is {@code container} or one of its subtrees. */
  private static boolean isWithin(Tree tree, @Nullable Tree container) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree node, Void unused) {
        if (node == tree) {
          found[0] = true;
        }
        return found[0] ? null : super.scan(node, null);
      }
    }.scan(container, null);
    return found[0];
  }

  private static @Nullable TreePath leakSite(Leak leak, VisitorState state) {
    return TreePath.getPath(state.getPath(), leak.site());
  }

  /**
   * Where a leak is reported: the acquiring expression, or, when that expression is the result of
   * an arm of a {@code switch} expression or a {@code ?:}, the switch or conditional itself. The
   * user's resource is its value, held by whatever it initialises; one report there stands for
   * all its arms, where a report per arm would say the same thing twice (javac places a
   * conditional's diagnostic at its {@code ?}).
   */
  private static Tree chosenBy(TreePath site) {
    Tree chosen = site.getLeaf();
    TreePath current = site;
    for (TreePath parent = current.getParentPath(); parent != null; parent = current.getParentPath()) {
      Tree leaf = parent.getLeaf();
      Tree child = current.getLeaf();
      if (leaf instanceof ParenthesizedTree
          || leaf instanceof TypeCastTree
          || leaf instanceof YieldTree
          || leaf instanceof CaseTree
          || (leaf instanceof BlockTree && parent.getParentPath().getLeaf() instanceof CaseTree)) {
        current = parent;
        continue;
      }
      if ((leaf instanceof SwitchExpressionTree switchExpression
              && switchExpression.getExpression() != child)
          || (leaf instanceof ConditionalExpressionTree conditional
              && conditional.getCondition() != child)) {
        chosen = leaf;
        current = parent;
        continue;
      }
      break;
    }
    return chosen;
  }

  /**
   * For a resource that leaks because a wrapper built around it failed in its constructor ({@code
   * new ObjectInputStream(new FileInputStream(f))} reading the stream header), the wrapper's
   * argument that holds it: the layer that must be a resource of its own. Null for every other
   * leak, and for a resource stored in a variable before it was wrapped (its own declaration is
   * where the fix goes).
   */
  private @Nullable TreePath argumentOfFailingWrapper(Leak leak, TreePath site, VisitorState state) {
    if ((leak.path() != Leak.Path.CALL_THROWS && leak.path() != Leak.Path.CAUGHT_EXCEPTION)
        || !(leak.witness() instanceof NewClassTree wrapper)
        || !NonThrowingCalls.mayFailAfterTaking(wrapper, state)) {
      return null;
    }
    TreePath current = site;
    while (true) {
      TreePath parent = current.getParentPath();
      Tree child = current.getLeaf();
      while (parent != null && parent.getLeaf() instanceof ParenthesizedTree) {
        child = parent.getLeaf();
        parent = parent.getParentPath();
      }
      if (parent == null || !(parent.getLeaf() instanceof NewClassTree creation)) {
        return null;
      }
      int index = creation.getArguments().indexOf(child);
      if (index < 0
          || spec.argumentEffect(creation, index, state.withPath(parent)) != ArgumentEffect.WRAPS) {
        return null;
      }
      if (creation == wrapper) {
        return new TreePath(parent, creation.getArguments().get(index));
      }
      current = parent;
    }
  }

  /** "The `FileInputStream` leaks if `new ObjectInputStream(...)` throws: …; declare …". */
  private static String wrapperMessage(Leak leak) {
    return wrapperCause(leak)
        + "; declare the `"
        + leak.acquisition().kind()
        + "` as a resource of its own, before the wrapper";
  }

  /** "The `FileInputStream` leaks if `new ObjectInputStream(...)` throws: …", without advice. */
  private static String wrapperCause(Leak leak) {
    return "The `"
        + leak.acquisition().kind()
        + "` leaks if `"
        + leak.witnessText()
        + "` throws: a wrapper owns what it wraps only once its constructor has returned";
  }

  /**
   * "is not closed", or, for a type whose must-call contract names other methods, "is not
   * released by `a()` and `b()`".
   */
  private String verb(Leak leak) {
    ImmutableSet<String> methods = leak.acquisition().mustCall();
    return methods.isEmpty() ? spec.leakVerb() : "is not released by " + calls(methods);
  }

  /** {@code `a()`}, {@code `a()` and `b()`}. */
  private static String calls(ImmutableSet<String> methods) {
    return methods.stream().map(m -> "`" + m + "()`").collect(Collectors.joining(" and "));
  }

  /**
   * Why try-with-resources is not the fix, when the leak is not a {@code new} or call to wrap: a
   * parameter the method owns from its entry, or a value that must have other methods than {@code
   * close()} called on it. Null when it may be.
   */
  private static @Nullable String noScopedForm(Leak leak) {
    if (!(leak.site() instanceof ExpressionTree)) {
      return "the method owns this parameter (@Owning); release it on every path or hand it on";
    }
    ImmutableSet<String> methods = leak.acquisition().mustCall();
    if (!methods.isEmpty()) {
      return "its type must have "
          + calls(methods)
          + " called, which try-with-resources does not do; call "
          + (methods.size() == 1 ? "it" : "them")
          + " in a finally block";
    }
    return null;
  }

  /**
   * The expression whose value owns the acquired resource: the acquisition itself, or the
   * decorator built around it ({@code new BufferedReader(new FileReader(f))}).
   */
  private TreePath outermostOwner(TreePath site, VisitorState state) {
    TreePath current = site;
    while (true) {
      TreePath parent = current.getParentPath();
      Tree child = current.getLeaf();
      while (parent != null && parent.getLeaf() instanceof ParenthesizedTree) {
        child = parent.getLeaf();
        parent = parent.getParentPath();
      }
      if (parent == null) {
        return current;
      }
      if (parent.getLeaf() instanceof ConditionalExpressionTree conditional
          && holdsOnlyResources(conditional, child, state.withPath(parent))) {
        // `c ? open(a) : open(b)`, `c ? null : open(a)`: the conditional's value is the resource,
        // whichever arm made it; one try-with-resources (or close on failure) holds both.
        current = parent;
        continue;
      }
      List<? extends ExpressionTree> arguments =
          parent.getLeaf() instanceof NewClassTree newClass
              ? newClass.getArguments()
              : parent.getLeaf() instanceof MethodInvocationTree call ? call.getArguments() : null;
      int index = arguments == null ? -1 : arguments.indexOf(child);
      if (index < 0
          || spec.argumentEffect((ExpressionTree) parent.getLeaf(), index, state.withPath(parent))
              != ArgumentEffect.WRAPS) {
        return current;
      }
      current = parent;
    }
  }

  /**
   * Whether {@code arm} is an arm of {@code conditional} and the other arm is null or opens a
   * resource too: then the conditional's value is always a resource (or nothing to close).
   */
  private boolean holdsOnlyResources(
      ConditionalExpressionTree conditional, Tree arm, VisitorState state) {
    ExpressionTree other;
    if (conditional.getTrueExpression() == arm) {
      other = conditional.getFalseExpression();
    } else if (conditional.getFalseExpression() == arm) {
      other = conditional.getTrueExpression();
    } else {
      return false;
    }
    ExpressionTree stripped = ASTHelpers.stripParentheses(other);
    return stripped.getKind() == Tree.Kind.NULL_LITERAL
        || spec.acquisitionAt(stripped, state) != null;
  }

  private TryWithResourcesFix.Ownership ownership() {
    return new TryWithResourcesFix.Ownership() {
      @Override
      public boolean takesOwnership(ExpressionTree callOrNew, int index, VisitorState state) {
        return spec.argumentEffect(callOrNew, index, state) == ArgumentEffect.TAKES_OWNERSHIP;
      }

      @Override
      public boolean acquires(ExpressionTree expression, VisitorState state) {
        return spec.acquisitionAt(expression, state) != null;
      }

      @Override
      public boolean wraps(ExpressionTree callOrNew, int index, VisitorState state) {
        return spec.argumentEffect(callOrNew, index, state) == ArgumentEffect.WRAPS;
      }

      @Override
      public boolean holdsInReceiver(MethodInvocationTree call, int index, VisitorState state) {
        return spec.holdsBorrowedInReceiver(call, index, state)
            || spec.keptForReceiversClose(call, index, state);
      }

      @Override
      public boolean isClosingView(MethodInvocationTree call, VisitorState state) {
        return LibraryResourceModel.CLOSING_VIEW.matches(call, state);
      }

      @Override
      public boolean onlyClosesArgument(MethodInvocationTree call, int index, VisitorState state) {
        return spec.onlyCloses(call, index, state);
      }
    };
  }
}
