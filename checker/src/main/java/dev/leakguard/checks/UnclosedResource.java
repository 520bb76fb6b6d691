package dev.leakguard.checks;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Description.NO_MATCH;

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
import com.google.errorprone.bugpatterns.BugChecker.LambdaExpressionTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Type;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.fix.TryWithResourcesFix;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.flow.Leak;
import dev.leakguard.flow.ObligationAnalysis;
import dev.leakguard.flow.ObligationSpec.ArgumentEffect;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.List;
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
public final class UnclosedResource extends BugChecker
    implements MethodTreeMatcher, LambdaExpressionTreeMatcher, CompilationUnitTreeMatcher {

  private static final long serialVersionUID = 1L;

  private final transient ResourceSpec spec;

  /**
   * Whether this instance has checked that the option's type names resolve. Error Prone creates
   * the checks once per compilation, so this reports at most once per compilation.
   */
  private boolean optionTypesChecked;

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
    this.spec = new ResourceSpec(LeakGuardOptions.from(flags));
  }

  @Override
  public Description matchCompilationUnit(CompilationUnitTree tree, VisitorState state) {
    if (optionTypesChecked) {
      return NO_MATCH;
    }
    optionTypesChecked = true;
    String unresolved = spec.options().unresolvedTypesMessage("UnclosedResource", state);
    return unresolved == null
        ? NO_MATCH
        : buildDescription(tree).setMessage(unresolved).build();
  }

  @Override
  public Description matchMethod(MethodTree tree, VisitorState state) {
    if (tree.getBody() == null) {
      return NO_MATCH;
    }
    report(ObligationAnalysis.findLeaks(state.getPath(), spec, state), state);
    return NO_MATCH;
  }

  @Override
  public Description matchLambdaExpression(LambdaExpressionTree tree, VisitorState state) {
    report(ObligationAnalysis.findLeaks(state.getPath(), spec, state), state);
    return NO_MATCH;
  }

  static final String ESCAPES =
      "it leaves the method on another path (returned, stored or given to an owner), so closing it"
          + " here would close it for its new owner too; close it on the failing path instead";

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
    for (Leak leak : leaks) {
      TreePath site = TreePath.getPath(state.getPath(), leak.site());
      TreePath owner =
          site == null || noScopedForm(leak) != null ? null : outermostOwner(site, state);
      owners.add(owner);
      if (owner != null && !leak.escapes() && !resultSetLeaves(leak, state)) {
        fixable.add(owner);
      }
    }
    ImmutableList<Rewrite> rewrites = TryWithResourcesFix.rewriteAll(fixable, ownership(), state);
    int next = 0;
    for (int i = 0; i < leaks.size(); i++) {
      Leak leak = leaks.get(i);
      TreePath owner = owners.get(i);
      boolean resultSetLeaves = resultSetLeaves(leak, state);
      Rewrite rewrite =
          owner == null || resultSetLeaves
              ? null
              : leak.escapes()
                  ? TryWithResourcesFix.rewriteAll(List.of(owner), ownership(), state).get(0)
                  : rewrites.get(next++);
      String message = leak.describe(verb(leak));
      Description.Builder description = buildDescription(leak.site());
      if (rewrite != null && rewrite.fix() != null && !leak.escapes()) {
        description.addFix(rewrite.fix());
      } else {
        String why =
            noScopedForm(leak) != null
                ? noScopedForm(leak)
                : resultSetLeaves
                ? RESULT_SET_LEAVES
                : rewrite != null && rewrite.whyNoFix() != null
                    ? rewrite.whyNoFix()
                    : leak.escapes()
                        ? ESCAPES
                        : "the code around it has a shape the fix does not handle";
        message += "; no automatic fix: " + why;
      }
      state.reportMatch(description.setMessage(message).build());
    }
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
    };
  }
}
