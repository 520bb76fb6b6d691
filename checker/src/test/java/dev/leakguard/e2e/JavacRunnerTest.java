package dev.leakguard.e2e;

import static com.google.common.truth.Truth.assertThat;

import dev.leakguard.e2e.JavacRunner.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The harness's parser, on javac output as javac prints it. */
@RunWith(JUnit4.class)
public final class JavacRunnerTest {
  @Test
  public void parsesErrorProneDiagnosticWithCaretSeeLinkAndFix() {
    String output =
        String.join(
            "\n",
            "src/Cache.java:7: warning: [UnreleasedLock] `lock` stays held if `items.add(...)` throws",
            "    lock.lock();",
            "             ^",
            "    (see https://example.com/docs/bugpattern/UnreleasedLock.md)",
            "  Did you mean 'lock.lock();try {'?",
            "src/Cache.java:9: error: cannot find symbol",
            "    foo();",
            "    ^",
            "  symbol:   method foo()",
            "1 error",
            "1 warning");

    List<Diagnostic> diagnostics = JavacRunner.parse(output);

    assertThat(diagnostics)
        .containsExactly(
            new Diagnostic(Path.of("src/Cache.java"), 7, 14, -1, -1, "warning", "UnreleasedLock",
                "`lock` stays held if `items.add(...)` throws",
                "https://example.com/docs/bugpattern/UnreleasedLock.md"),
            new Diagnostic(Path.of("src/Cache.java"), 9, 5, -1, -1, "error", null,
                "cannot find symbol", null))
        .inOrder();
  }

  @Test
  public void parsesPositionsLayout() {
    String output =
        String.join(
            "\n",
            "src/Cache.java:7:14:120:131: warning: [UnreleasedLock] `lock` stays held on any path",
            "    lock.lock();",
            "             ^",
            "    (see https://example.com/UnreleasedLock.md)");

    Diagnostic d = JavacRunner.parse(output).get(0);

    assertThat(List.of(d.line(), d.column(), d.start(), d.end())).containsExactly(7, 14, 120, 131).inOrder();
    assertThat(d.check()).isEqualTo("UnreleasedLock");
  }

  @Test
  public void ignoresSummaryAndNotes() {
    assertThat(JavacRunner.parse("Note: Some input files use unchecked operations.\n2 warnings\n")).isEmpty();
  }
}
