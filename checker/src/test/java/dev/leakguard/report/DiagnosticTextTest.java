package dev.leakguard.report;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
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
  public void describingFixes_replacesTheQuotedLineAndTheMessagesRepeatOfIt() {
    String raw =
        "[UnreleasedLock] `lock` stays held if `put(...)` throws; release it in a finally block\n"
            + "  (see https://example.com/UnreleasedLock.md)\n"
            + "Did you mean 'lock.lock();'?";

    String shown =
        DiagnosticText.describingFixes(raw, List.of("release it in a finally block"));

    assertThat(shown)
        .isEqualTo(
            "[UnreleasedLock] `lock` stays held if `put(...)` throws\n"
                + "  (see https://example.com/UnreleasedLock.md)\n"
                + "Did you mean to release it in a finally block?");
    assertThat(DiagnosticText.parse(shown).suggestion())
        .isEqualTo("Did you mean to release it in a finally block?");
  }

  @Test
  public void describingFixes_severalFixesReadAsAlternatives() {
    String raw =
        "[ExecutorNotShutdown] Executor `pool` is not shut down; create it in a try-with-resources"
            + " statement, or call `shutdown()` in a finally block.\n"
            + "Did you mean 'try (ExecutorService pool = newPool()) {' or 'try {'?";

    assertThat(
            DiagnosticText.describingFixes(
                raw, List.of("create it in a try-with-resources statement", "shut it down in a finally block")))
        .isEqualTo(
            "[ExecutorNotShutdown] Executor `pool` is not shut down; create it in a try-with-resources"
                + " statement, or call `shutdown()` in a finally block.\n"
                + "Did you mean to create it in a try-with-resources statement or to shut it down"
                + " in a finally block?");
  }

  @Test
  public void describingFixes_keepsTheTextWithoutFixOrWords() {
    String noFix = "[UnclosedResource] `in` is not closed; no automatic fix: it is returned";
    assertThat(DiagnosticText.describingFixes(noFix, List.of("close it"))).isEqualTo(noFix);
    String quoted = "[UnclosedResource] `in` is not closed\nDid you mean 'try (in) {'?";
    assertThat(DiagnosticText.describingFixes(quoted, List.of())).isEqualTo(quoted);
    assertThat(DiagnosticText.describingFixes(quoted, List.of(" "))).isEqualTo(quoted);
  }

  @Test
  public void otherDiagnosticsAreNotLeakGuards() {
    assertThat(DiagnosticText.parse("[DeadException] Exception created but not thrown")).isNull();
    assertThat(DiagnosticText.parse("cannot find symbol")).isNull();
    assertThat(DiagnosticText.parse("UnreleasedLock without brackets")).isNull();
  }
}
