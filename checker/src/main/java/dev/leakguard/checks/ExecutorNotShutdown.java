package dev.leakguard.checks;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.LinkType;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.ClassTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.LambdaExpressionTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.flow.FieldLifecycle;
import dev.leakguard.flow.FieldLifecycle.OwnedField;
import dev.leakguard.flow.FieldLifecycle.Overwrite;
import dev.leakguard.flow.Leak;
import dev.leakguard.flow.ObligationAnalysis;
import java.util.List;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Thread pools and timers that are created and never shut down. A pool's worker threads are not
 * daemons: a pool nobody shuts down keeps its threads, and often the whole JVM, alive after the
 * work is done, and one created per call leaks threads on every call. Locals must be shut down on
 * every path (a {@code shutdown()} after a call that can throw is skipped when it throws); a field
 * the class created must be shut down by some method of the class, and must not be replaced while
 * its previous pool still runs.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "A thread pool or timer is created and not shut down on every path",
    severity = WARNING,
    linkType = LinkType.CUSTOM,
    link = DocsLinks.BUGPATTERN_BASE + "ExecutorNotShutdown.md",
    tags = StandardTags.LIKELY_ERROR)
public final class ExecutorNotShutdown extends BugChecker
    implements MethodTreeMatcher, LambdaExpressionTreeMatcher, ClassTreeMatcher {

  @Override
  public Description matchMethod(MethodTree method, VisitorState state) {
    if (method.getBody() == null) {
      return Description.NO_MATCH;
    }
    reportLocalLeaks(state);
    return Description.NO_MATCH;
  }

  @Override
  public Description matchLambdaExpression(LambdaExpressionTree lambda, VisitorState state) {
    reportLocalLeaks(state);
    return Description.NO_MATCH;
  }

  @Override
  public Description matchClass(ClassTree classTree, VisitorState state) {
    FieldLifecycle fields = FieldLifecycle.analyze(state.getPath(), ExecutorSpec.INSTANCE, state);
    for (OwnedField field : fields.unreleased()) {
      if (!isSuppressed(field.declaration(), state)) {
        state.reportMatch(describeUnreleasedField(classTree, field, state));
      }
    }
    for (Overwrite overwrite : fields.overwrites()) {
      TreePath assignment = TreePath.getPath(state.getPath(), overwrite.assignment());
      if (assignment != null && !isSuppressedAlong(assignment, classTree, state)) {
        state.reportMatch(describeOverwrite(overwrite, state));
      }
    }
    return Description.NO_MATCH;
  }

  // ---------------------------------------------------------------------------------------------
  // Locals

  private void reportLocalLeaks(VisitorState state) {
    for (Leak leak : ObligationAnalysis.findLeaks(state.getPath(), ExecutorSpec.INSTANCE, state)) {
      ExecutorSpec.Kind kind = ExecutorSpec.kindOf(leak.acquisition());
      if (kind == null || isDeclarationSuppressed(leak, state)) {
        continue;
      }
      TreePath site = TreePath.getPath(state.getPath(), leak.site());
      boolean inline =
          site != null
              && site.getParentPath() != null
              && !(site.getParentPath().getLeaf() instanceof VariableTree)
              && !(site.getParentPath().getLeaf() instanceof AssignmentTree);
      state.reportMatch(
          buildDescription(leak.site())
              .setMessage(localMessage(leak, kind, inline, executorServiceIsAutoCloseable(state)))
              .build());
    }
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
      case TRY_FINALLY_CANCEL -> "call `cancel()` in a finally block";
    };
  }

  /** The scoped form a local's fix writes. */
  enum ScopedForm {
    /** {@code try (ExecutorService pool = ...) { ... }}: close() shuts down and awaits. */
    TRY_WITH_RESOURCES,
    /** {@code try { ... } finally { pool.shutdown(); }}. */
    TRY_FINALLY_SHUTDOWN,
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
            .append(kind == ExecutorSpec.Kind.EXECUTOR ? "an " : "a ")
            .append(kind.noun)
            .append(" created by ")
            .append(field.createdByInitializer() ? "its initializer" : className)
            .append(", but no method of ")
            .append(className)
            .append(kind == ExecutorSpec.Kind.TIMER ? " cancels it" : " shuts it down")
            .append("; ");
    Description.Builder description = buildDescription(field.declaration());
    boolean declaredAsBareExecutor =
        kind != ExecutorSpec.Kind.TIMER
            && !ExecutorSpec.isSubtype(field.symbol().type, ExecutorSpec.EXECUTOR_SERVICE, state);
    MethodTree close = declaredAsBareExecutor ? null : closeMethodToExtend(classTree, field, state);
    String releaseCall = releaseCall(name, kind);
    if (declaredAsBareExecutor) {
      message
          .append("declare it as an `ExecutorService` and add a close() or shutdown() method that")
          .append(" calls ")
          .append(releaseCall);
    } else if (close != null) {
      message.append("call ").append(releaseCall).append(" in close()");
      description.addFix(shutdownInClose(close, field, kind, state));
    } else if (ASTHelpers.isStatic(field.symbol())) {
      message
          .append("add a shutdown hook or a static shutdown() method that calls ")
          .append(releaseCall);
    } else {
      message.append("add a close() or shutdown() method that calls ").append(releaseCall);
    }
    return description.setMessage(message.append('.').toString()).build();
  }

  private static String releaseCall(String name, ExecutorSpec.Kind kind) {
    return "`" + name + "." + kind.releaseMethod + "()`";
  }

  private Description describeOverwrite(Overwrite overwrite, VisitorState state) {
    ExecutorSpec.Kind kind = kindOf(overwrite.field(), state);
    String name = overwrite.field().symbol().getSimpleName().toString();
    String message =
        "Field `"
            + name
            + "` is given a new "
            + kind.noun
            + " while the previous one may still be running, and the previous one can then never be "
            + (kind == ExecutorSpec.Kind.TIMER ? "cancelled" : "shut down")
            + "; call "
            + releaseCall(name, kind)
            + " before replacing it.";
    return buildDescription(overwrite.assignment()).setMessage(message).build();
  }

  private static ExecutorSpec.Kind kindOf(OwnedField field, VisitorState state) {
    ExecutorSpec.Kind kind = ExecutorSpec.kindOf(field.acquisition());
    if (kind != null) {
      return kind;
    }
    return ExecutorSpec.isSubtype(field.symbol().type, ExecutorSpec.TIMER, state)
        ? ExecutorSpec.Kind.TIMER
        : ExecutorSpec.Kind.EXECUTOR;
  }

  /**
   * The class's own {@code close()} when the class is {@code AutoCloseable} and the field is an
   * instance field: the place its pool's shutdown belongs. Null when there is none.
   */
  private static @Nullable MethodTree closeMethodToExtend(
      ClassTree classTree, OwnedField field, VisitorState state) {
    ClassSymbol classSymbol = ASTHelpers.getSymbol(classTree);
    if (ASTHelpers.isStatic(field.symbol())
        || classSymbol == null
        || !ExecutorSpec.isSubtype(classSymbol.type, "java.lang.AutoCloseable", state)) {
      return null;
    }
    for (Tree member : classTree.getMembers()) {
      if (member instanceof MethodTree method
          && method.getName().contentEquals("close")
          && method.getParameters().isEmpty()
          && method.getBody() != null
          && !method.getModifiers().getFlags().contains(Modifier.STATIC)) {
        return method;
      }
    }
    return null;
  }

  /**
   * Adds the field's shutdown at the end of {@code close()} (before a final {@code return} or
   * {@code throw}); through {@code this.} when a local of close() hides the field, and null-checked
   * when the field may not have been created yet.
   */
  private static SuggestedFix shutdownInClose(
      MethodTree close, OwnedField field, ExecutorSpec.Kind kind, VisitorState state) {
    String name = field.symbol().getSimpleName().toString();
    String reference = hidesName(close, name) ? "this." + name : name;
    String call = reference + "." + kind.releaseMethod + "();";
    boolean alwaysSet =
        field.createdByInitializer() && field.symbol().getModifiers().contains(Modifier.FINAL);
    String statement = alwaysSet ? call : "if (" + reference + " != null) { " + call + " }";
    BlockTree body = close.getBody();
    List<? extends StatementTree> statements = body.getStatements();
    SuggestedFix.Builder fix = SuggestedFix.builder();
    if (statements.isEmpty()) {
      fix.replace(body, "{\n" + statement + "\n}");
    } else {
      StatementTree last = statements.get(statements.size() - 1);
      if (last instanceof ReturnTree || last instanceof ThrowTree) {
        fix.prefixWith(last, statement + "\n");
      } else {
        fix.postfixWith(last, "\n" + statement);
      }
    }
    return fix.setShortDescription("Shut `" + name + "` down in close()").build();
  }

  private static boolean hidesName(MethodTree method, String name) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        found[0] |= variable.getName().contentEquals(name);
        return super.visitVariable(variable, null);
      }
    }.scan(method.getBody(), null);
    return found[0];
  }

  /** Whether a declaration between {@code path}'s leaf and {@code stop} suppresses this check. */
  private boolean isSuppressedAlong(TreePath path, Tree stop, VisitorState state) {
    for (TreePath current = path; current != null; current = current.getParentPath()) {
      Tree leaf = current.getLeaf();
      if (leaf == stop) {
        return false;
      }
      if ((leaf instanceof MethodTree || leaf instanceof VariableTree || leaf instanceof ClassTree)
          && isSuppressed(leaf, state)) {
        return true;
      }
    }
    return false;
  }

  private static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
