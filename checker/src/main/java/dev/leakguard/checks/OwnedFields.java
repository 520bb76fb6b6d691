package dev.leakguard.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.fixes.Fix;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import dev.leakguard.fix.FieldReleaseFix;
import dev.leakguard.fix.FieldReleaseFix.FieldRelease;
import dev.leakguard.fix.FixValidation;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.flow.FieldLifecycle;
import dev.leakguard.flow.FieldLifecycle.Overwrite;
import dev.leakguard.flow.FieldLifecycle.OwnedField;
import dev.leakguard.flow.FieldLifecycle.SkippedClose;
import dev.leakguard.flow.ObligationSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * How a check reports the fields of the class at {@code state}'s path that hold what the class
 * created ({@link FieldLifecycle}): each field no method releases, and each assignment that
 * replaces a resource still open, and (for checks that pass a description for it) each close of a
 * field that a failing close of another skips, unless the check is suppressed on the field, or on
 * the method or declaration around the assignment or close. Shared by {@link UnclosedResource} and {@link
 * ExecutorNotShutdown}; each says what it reports and how.
 */
final class OwnedFields {

  private OwnedFields() {}

  /** How a check describes, and fixes, a field that no method of its class releases. */
  @FunctionalInterface
  interface UnreleasedField {
    /**
     * @param unclosed every reported field of the class, in declaration order
     * @param skipped the closes of the class's fields that a failing close skips: a fix that
     *     edits the method around them must make their fixes' edits too
     */
    Description describe(OwnedField field, List<OwnedField> unclosed, List<SkippedClose> skipped);
  }

  static void report(
      BugChecker checker,
      ObligationSpec spec,
      VisitorState state,
      Predicate<OwnedField> reported,
      UnreleasedField unreleased,
      BiFunction<Overwrite, List<Fix>, Description> overwrite,
      @Nullable BiFunction<SkippedClose, List<Fix>, Description> skippedClose) {
    if (!(state.getPath().getLeaf() instanceof ClassTree classTree)) {
      return;
    }
    FieldLifecycle fields = FieldLifecycle.analyze(state.getPath(), spec, state);
    List<OwnedField> reportedFields = new ArrayList<>();
    for (OwnedField field : fields.unreleased()) {
      if (reported.test(field) && !checker.isSuppressed(field.declaration(), state)) {
        reportedFields.add(field);
      }
    }
    reportedFields.sort(
        Comparator.comparingInt(f -> ASTHelpers.getStartPosition(f.declaration())));
    // Each finding gets the whole list, in declaration order: fixes that add one close() to the class must add the same
    // one for every field, or applying them all (-XepPatchChecks) declares close() twice.
    // The fixes attached so far: a later finding's fix must edit apart from them, or make the
    // same edits, or applying them all would overlap.
    List<Fix> attached = new ArrayList<>();
    for (OwnedField field : reportedFields) {
      report(unreleased.describe(field, reportedFields, fields.skippedCloses()), attached, state);
    }
    for (Overwrite replaced : fields.overwrites()) {
      TreePath assignment = TreePath.getPath(state.getPath(), replaced.assignment());
      if (reported.test(replaced.field())
          && assignment != null
          && !isSuppressedAlong(checker, assignment, classTree, state)) {
        report(overwrite.apply(replaced, attached), attached, state);
      }
    }
    if (skippedClose == null) {
      return;
    }
    for (SkippedClose skipped : fields.skippedCloses()) {
      if (reported.test(skipped.field())
          && !checker.isSuppressed(skipped.field().declaration(), state)
          && !isSuppressedAlong(checker, skipped.release(), classTree, state)) {
        report(skippedClose.apply(skipped, attached), attached, state);
      }
    }
  }

  /** Why a static field nothing releases gets no fix, worded to follow "no fix is offered: ". */
  static final String STATIC_NO_FIX =
      "a static field lives as long as its class, and where the program is done with it is not"
          + " in this code";

  /** Why a class gets no added {@code close()}, worded to follow "no fix is offered: ". */
  static String cannotBecomeAutoCloseable(String className) {
    return className
        + " cannot simply become AutoCloseable (it is an interface, enum, record or anonymous"
        + " class, already has a close() of its own, or keeps a field with no one release method)";
  }

  /**
   * What the {@code close()} that a fix adds to the class of {@code state}'s path releases ({@link
   * FieldReleaseFix#addCloseMethod}): every field of the class that {@link UnclosedResource} or
   * {@link ExecutorNotShutdown} reports as never released, in declaration order. Either check's fix
   * adds this same {@code close()}, so applying both adds it once, releasing all of them.
   */
  /**
   * {@link FieldReleaseFix#addCloseMethod} over {@link #releasesOfAddedClose}; null where there is
   * none, or where building it fails on a tree shape it did not foresee (the finding stays).
   */
  static @Nullable SuggestedFix addedClose(
      ClassTree classTree,
      OwnedField field,
      ResourceSpec resources,
      ExecutorSpec executors,
      VisitorState state) {
    try {
      return FieldReleaseFix.addCloseMethod(
          classTree, field, releasesOfAddedClose(resources, executors, state), state);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static List<FieldRelease> releasesOfAddedClose(
      ResourceSpec resources, ExecutorSpec executors, VisitorState state) {
    List<FieldRelease> releases = new ArrayList<>();
    TreePath classPath = state.getPath();
    for (OwnedField field : FieldLifecycle.analyze(classPath, resources, state).unreleased()) {
      if (UnclosedResource.reportsField(field, resources, state)) {
        // `close()`, or the one method a type released otherwise needs (`deflater.end()`).
        Set<String> mustCall = field.acquisition().mustCall();
        String method =
            mustCall.isEmpty() ? "close" : mustCall.size() == 1 ? mustCall.iterator().next() : null;
        releases.add(new FieldRelease(field, method));
      }
    }
    for (OwnedField field : FieldLifecycle.analyze(classPath, executors, state).unreleased()) {
      String method = executors.fieldReleaseMethod(field, state);
      if (method != null) { // a bare `Executor` is reported with no fix of its own
        releases.add(new FieldRelease(field, method));
      }
    }
    releases.sort(
        Comparator.comparingInt(
            release -> ASTHelpers.getStartPosition(release.field().declaration())));
    return releases;
  }

  /**
   * Attaches to {@code description} the fix that calls {@code releaseMethod} on the field just
   * before the assignment replaces it ({@link FieldReleaseFix#releaseBeforeOverwrite}). Returns
   * null when attached, else why not (worded to follow "no automatic fix: ").
   *
   * @param attached the fixes of the class's findings so far: this one must edit apart from them
   */
  static @Nullable String attachReleaseBeforeOverwrite(
      Description.Builder description,
      Overwrite overwrite,
      String releaseMethod,
      List<Fix> attached,
      VisitorState state) {
    TreePath assignment = TreePath.getPath(state.getPath(), overwrite.assignment());
    if (assignment == null) {
      return "the assignment is not in this class's code";
    }
    Rewrite rewrite;
    try {
      rewrite =
          FieldReleaseFix.releaseBeforeOverwrite(
              assignment, overwrite.field().symbol(), releaseMethod, state);
    } catch (RuntimeException e) {
      // A tree shape the fix did not foresee costs the fix, not the class's other findings.
      return "the code around it has a shape the fix does not handle";
    }
    if (rewrite.fix() == null) {
      return rewrite.whyNoFix();
    }
    if (!FixValidation.editsApart(rewrite.fix(), attached, state)) {
      return "another fix of this class edits the same lines";
    }
    return FixValidation.attach(description, rewrite::fix, rewrite.whatItDoes(), state);
  }

  private static void report(Description description, List<Fix> attached, VisitorState state) {
    attached.addAll(description.fixes);
    FixValidation.report(description, state);
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
