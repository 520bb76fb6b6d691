package dev.leakguard.e2e;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.leakguard.e2e.JavacRunner.Diagnostic;
import dev.leakguard.e2e.JavacRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** ThreadLocalLeak through real javac, found only through the packaged jar's service registration. */
@RunWith(JUnit4.class)
public final class ThreadLocalLeakIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** A leak (line 11), a set(null) (line 26), and the scoped twin (line 16). */
  private static final String[] REQUESTS = {
    "package demo;",
    "",
    "public class Requests {",
    "  private static final ThreadLocal<String> USER = new ThreadLocal<>();",
    "",
    "  private void handle(String request) {",
    "    if (request.isEmpty()) throw new IllegalArgumentException(\"empty\");",
    "  }",
    "",
    "  public void serve(String user, String request) {",
    "    USER.set(user);",
    "    handle(request);",
    "    USER.remove();",
    "  }",
    "",
    "  public void serveSafely(String user, String request) {",
    "    USER.set(user);",
    "    try {",
    "      handle(request);",
    "    } finally {",
    "      USER.remove();",
    "    }",
    "  }",
    "",
    "  public void logout() {",
    "    USER.set(null);",
    "  }",
    "}",
  };

  private JavacRunner requests() throws Exception {
    return JavacRunner.in(tmp.getRoot().toPath()).source("demo/Requests.java", REQUESTS);
  }

  @Test
  public void reportsTheLeakAtItsSetAndTheSetNull() throws Exception {
    Result result = requests().compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    List<Diagnostic> findings = result.findings("ThreadLocalLeak");
    assertWithMessage(result.output()).that(findings).hasSize(2);
    assertFinding(findings.get(0), 11, "`USER` stays set if `handle(...)` throws");
    assertFinding(findings.get(1), 26, "`set(null)` clears the value but keeps this thread's entry");
    for (Diagnostic finding : findings) {
      assertThat(finding.link()).endsWith("/docs/bugpattern/ThreadLocalLeak.md");
    }
  }

  @Test
  public void offSilencesTheCheck() throws Exception {
    Result result = requests().errorProneFlags("-Xep:ThreadLocalLeak:OFF").compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    assertThat(result.findings("ThreadLocalLeak")).isEmpty();
  }

  @Test
  public void errorSeverityFailsTheBuild() throws Exception {
    Result result = requests().errorProneFlags("-Xep:ThreadLocalLeak:ERROR").compile();

    assertThat(result.exitCode()).isNotEqualTo(0);
    assertWithMessage(result.output()).that(result.findings("ThreadLocalLeak")).hasSize(2);
    assertThat(result.findings("ThreadLocalLeak").get(0).kind()).isEqualTo("error");
  }

  @Test
  public void patchInPlaceRemovesInFinallyCompilesAndIsSilent() throws Exception {
    JavacRunner patch =
        requests().errorProneFlags("-XepPatchChecks:ThreadLocalLeak", "-XepPatchLocation:IN_PLACE");
    Result patched = patch.compile();
    assertWithMessage(patched.output()).that(patched.exitCode()).isEqualTo(0);

    Path file = patch.sourcePath("demo/Requests.java");
    String text = Files.readString(file, UTF_8);
    assertThat(text)
        .contains(
            String.join(
                "\n",
                "  public void serve(String user, String request) {",
                "    USER.set(user);",
                "    try {",
                "      handle(request);",
                "    } finally {",
                "      USER.remove();",
                "    }",
                "  }"));
    assertThat(text).contains("  public void logout() {\n    USER.remove();\n  }");

    Result again = JavacRunner.in(tmp.newFolder("again").toPath()).existingSource(file).compile();
    assertWithMessage(again.output()).that(again.exitCode()).isEqualTo(0);
    assertWithMessage(text + "\n" + again.output()).that(again.findings("ThreadLocalLeak")).isEmpty();
  }

  private static void assertFinding(Diagnostic d, int line, String messageFragment) {
    assertWithMessage("%s", d).that(d.file().getFileName().toString()).isEqualTo("Requests.java");
    assertWithMessage("%s", d).that(d.line()).isEqualTo(line);
    assertWithMessage("%s", d).that(d.kind()).isEqualTo("warning");
    assertWithMessage("%s", d).that(d.check()).isEqualTo("ThreadLocalLeak");
    assertWithMessage("%s", d).that(d.message()).contains(messageFragment);
  }
}
