package dev.leakguard.fix;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.Assert.assertThrows;

import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.SeverityLevel;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.MethodTree;
import dev.leakguard.flow.ObligationAnalysis;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link FixValidation}: the edits Error Prone itself accepts but cannot apply (issue #13) are
 * refused, and a refused fix leaves the finding, without the fix and saying why.
 */
@RunWith(JUnit4.class)
public class FixValidationTest {

  private static final String SOURCE = "0123456789abcdefghijklmnopqrstuvwxyz";

  /** Fixes built from offsets never ask for end positions. */
  private static final EndPositions NO_TREES = EndPositions.none();

  @Test
  public void disjointEditsApply() {
    SuggestedFix fix =
        SuggestedFix.builder().replace(2, 4, "X").replace(4, 4, "+").replace(10, 10, "|").build();
    assertThat(FixValidation.apply(fix, SOURCE, NO_TREES))
        .isEqualTo("01X+456789|abcdefghijklmnopqrstuvwxyz");
    assertThat(FixValidation.problem(fix, SOURCE, NO_TREES)).isNull();
  }

  /** The shape of #13: an indentation inserted inside the text a hoisting edit replaces. */
  @Test
  public void insertionInsideAnEarlierReplacement_isRefused() {
    SuggestedFix fix = SuggestedFix.builder().replace(10, 20, "n = ").replace(15, 15, "  ").build();
    // Error Prone accepts the fix and then fails to apply it, inside javac.
    assertThrows(IndexOutOfBoundsException.class, () -> NO_TREES.preview(SOURCE, fix));
    assertThat(FixValidation.problem(fix, SOURCE, NO_TREES)).contains("overlaps");
  }

  @Test
  public void editOutsideTheFile_isRefused() {
    SuggestedFix fix = SuggestedFix.builder().replace(30, 40, "").build();
    assertThat(FixValidation.problem(fix, SOURCE, NO_TREES)).contains("outside the file");
  }

  /** A test check that offers the fix of #13's shape at every method. */
  @BugPattern(summary = "test", severity = SeverityLevel.WARNING)
  public static final class OffersBrokenFix extends BugChecker implements MethodTreeMatcher {
    @Override
    public Description matchMethod(MethodTree tree, VisitorState state) {
      Description.Builder description = buildDescription(tree);
      String why =
          FixValidation.attach(
              description,
              () -> SuggestedFix.builder().replace(10, 20, "x").replace(15, 15, " ").build(),
              "overlap two edits",
              state);
      return description.setMessage("found; no fix is offered: " + why).build();
    }
  }

  @Test
  public void refusedFix_findingStaysWithTheReason() {
    String strict = System.getProperty(ObligationAnalysis.STRICT_PROPERTY);
    System.clearProperty(ObligationAnalysis.STRICT_PROPERTY);
    try {
      CompilationTestHelper.newInstance(OffersBrokenFix.class, getClass())
          .addSourceLines(
              "Test.java",
              "class Test {",
              "  // BUG: Diagnostic contains: no fix is offered: " + FixValidation.DROPPED,
              "  void m() {}",
              "}")
          .doTest();
    } finally {
      if (strict != null) {
        System.setProperty(ObligationAnalysis.STRICT_PROPERTY, strict);
      }
    }
  }

  @Test
  public void refusedFix_throwsWhenStrict() {
    String strict = System.getProperty(ObligationAnalysis.STRICT_PROPERTY);
    System.setProperty(ObligationAnalysis.STRICT_PROPERTY, "true");
    try {
      Throwable thrown =
          assertThrows(
              Throwable.class,
              () ->
                  CompilationTestHelper.newInstance(OffersBrokenFix.class, getClass())
                      .addSourceLines("Test.java", "class Test {", "  void m() {}", "}")
                      .doTest());
      assertThat(thrown).hasMessageThat().contains("unusable fix");
    } finally {
      if (strict == null) {
        System.clearProperty(ObligationAnalysis.STRICT_PROPERTY);
      } else {
        System.setProperty(ObligationAnalysis.STRICT_PROPERTY, strict);
      }
    }
  }
}
