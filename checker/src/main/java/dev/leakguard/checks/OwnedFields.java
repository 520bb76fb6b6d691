package dev.leakguard.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import dev.leakguard.flow.FieldLifecycle;
import dev.leakguard.flow.FieldLifecycle.OwnedField;
import dev.leakguard.flow.FieldLifecycle.Overwrite;
import dev.leakguard.flow.ObligationSpec;
import java.util.function.Function;
import javax.lang.model.element.Modifier;
import java.util.function.Predicate;

/**
 * How a check reports the fields of the class at {@code state}'s path that hold what the class
 * created ({@link FieldLifecycle}): each field no method releases, and each assignment that
 * replaces a resource still open, unless the check is suppressed on the field, or on the method or
 * declaration around the assignment. Shared by {@link UnclosedResource} and {@link
 * ExecutorNotShutdown}; each says what it reports and how.
 */
final class OwnedFields {

  private OwnedFields() {}

  static void report(
      BugChecker checker,
      ObligationSpec spec,
      VisitorState state,
      Predicate<OwnedField> reported,
      Function<OwnedField, Description> unreleased,
      Function<Overwrite, Description> overwrite) {
    if (!(state.getPath().getLeaf() instanceof ClassTree classTree)) {
      return;
    }
    FieldLifecycle fields = FieldLifecycle.analyze(state.getPath(), spec, state);
    for (OwnedField field : fields.unreleased()) {
      if (reported.test(field) && !checker.isSuppressed(field.declaration(), state)) {
        state.reportMatch(unreleased.apply(field));
      }
    }
    for (Overwrite replaced : fields.overwrites()) {
      TreePath assignment = TreePath.getPath(state.getPath(), replaced.assignment());
      if (reported.test(replaced.field())
          && assignment != null
          && !isSuppressedAlong(checker, assignment, classTree, state)) {
        state.reportMatch(overwrite.apply(replaced));
      }
    }
  }

  /** A {@code final} field created by its initializer: it is never null. */
  static boolean alwaysSet(OwnedField field) {
    return field.createdByInitializer() && field.symbol().getModifiers().contains(Modifier.FINAL);
  }

  /** Whether a declaration between {@code path}'s leaf and {@code stop} suppresses the check. */
  private static boolean isSuppressedAlong(
      BugChecker checker, TreePath path, Tree stop, VisitorState state) {
    for (TreePath current = path; current != null; current = current.getParentPath()) {
      Tree leaf = current.getLeaf();
      if (leaf == stop) {
        return false;
      }
      if ((leaf instanceof MethodTree || leaf instanceof VariableTree || leaf instanceof ClassTree)
          && checker.isSuppressed(leaf, state)) {
        return true;
      }
    }
    return false;
  }
}
