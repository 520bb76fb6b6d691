package dev.leakguard.report;

import static com.google.common.truth.Truth.assertThat;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public final class DiagnosticTextTest {
  @Test
  public void splitsErrorPronesTextIntoMessageLinkAndSuggestion() {
    DiagnosticText text =
        DiagnosticText.parse(
            "[UnclosedResource] `in` is not closed if `read()` throws\n"
                + "  (see https://example.com/docs/bugpattern/UnclosedResource.md)\n"
                + "Did you mean 'try (var in = open()) {'?");

    assertThat(text.checkName()).isEqualTo("UnclosedResource");
    assertThat(text.message()).isEqualTo("`in` is not closed if `read()` throws");
    assertThat(text.helpUri()).isEqualTo("https://example.com/docs/bugpattern/UnclosedResource.md");
    assertThat(text.suggestion()).isEqualTo("Did you mean 'try (var in = open()) {'?");
  }

  @Test
  public void withoutLinkOrFix() {
    DiagnosticText text = DiagnosticText.parse("[RateLimitRace] check-then-act on `last`");

    assertThat(text.message()).isEqualTo("check-then-act on `last`");
    assertThat(text.helpUri()).isNull();
    assertThat(text.suggestion()).isNull();
  }

  @Test
  public void otherDiagnosticsAreNotLeakGuards() {
    assertThat(DiagnosticText.parse("[DeadException] Exception created but not thrown")).isNull();
    assertThat(DiagnosticText.parse("cannot find symbol")).isNull();
    assertThat(DiagnosticText.parse("UnreleasedLock without brackets")).isNull();
  }
}
