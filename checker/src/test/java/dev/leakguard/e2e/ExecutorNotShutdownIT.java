package dev.leakguard.e2e;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assume.assumeTrue;

import dev.leakguard.e2e.JavacRunner.Diagnostic;
import dev.leakguard.e2e.JavacRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** ExecutorNotShutdown through real javac, found only through the packaged jar's service registration. */
@RunWith(JUnit4.class)
public final class ExecutorNotShutdownIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String[] JOBS = {
    "package demo;",
    "",
    "import java.util.List;",
    "import java.util.concurrent.Callable;",
    "import java.util.concurrent.ExecutorService;",
    "import java.util.concurrent.Executors;",
    "import java.util.concurrent.Future;",
    "",
    "class Jobs {",
    "  private final ExecutorService background = Executors.newCachedThreadPool();",
    "",
    "  int runAll(List<Callable<Integer>> tasks) throws Exception {",
    "    ExecutorService pool = Executors.newFixedThreadPool(2);",
    "    int sum = 0;",
    "    for (Future<Integer> f : pool.invokeAll(tasks)) {",
    "      sum += f.get();",
    "    }",
    "    pool.shutdown();",
    "    return sum;",
    "  }",
    "",
    "  void fireAndForget(Runnable task) {",
    "    Executors.newSingleThreadExecutor().execute(task);",
    "  }",
    "",
    "  void later(Runnable task) {",
    "    background.execute(task);",
    "  }",
    "}",
  };

  private static final String[] SAFE_JOBS = {
    "package demo;",
    "",
    "import java.util.List;",
    "import java.util.concurrent.Callable;",
    "import java.util.concurrent.ExecutorService;",
    "import java.util.concurrent.Executors;",
    "import java.util.concurrent.Future;",
    "",
    "class SafeJobs implements AutoCloseable {",
    "  private final ExecutorService background = Executors.newCachedThreadPool();",
    "",
    "  int runAll(List<Callable<Integer>> tasks) throws Exception {",
    "    ExecutorService pool = Executors.newFixedThreadPool(2);",
    "    try {",
    "      int sum = 0;",
    "      for (Future<Integer> f : pool.invokeAll(tasks)) {",
    "        sum += f.get();",
    "      }",
    "      return sum;",
    "    } finally {",
    "      pool.shutdownNow();",
    "    }",
    "  }",
    "",
    "  void scoped(Runnable task) {",
    "    try (ExecutorService pool = Executors.newSingleThreadExecutor()) {",
    "      pool.execute(task);",
    "    }",
    "  }",
    "",
    "  static ExecutorService create() {",
    "    return Executors.newFixedThreadPool(4);",
    "  }",
    "",
    "  void later(Runnable task) {",
    "    background.execute(task);",
    "  }",
    "",
    "  @Override",
    "  public void close() {",
    "    background.shutdown();",
    "  }",
    "}",
  };

  @Before
  public void checkIsInTheJar() throws Exception {
    assumeTrue("ExecutorNotShutdown is not on this branch yet", JavacRunner.checksInSourceTree().contains("ExecutorNotShutdown"));
  }

  @Test
  public void reportsExactlyTheLeaksAndNothingInCorrectCode() throws Exception {
    Result result =
        JavacRunner.in(tmp.getRoot().toPath())
            .source("demo/Jobs.java", JOBS)
            .source("demo/SafeJobs.java", SAFE_JOBS)
            .compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    List<Diagnostic> findings = result.findings();
    assertWithMessage(result.output())
        .that(findings.stream().map(d -> d.where() + " " + d.check()).toList())
        .containsExactly(
            "Jobs.java:10:33 ExecutorNotShutdown",
            "Jobs.java:13:56 ExecutorNotShutdown",
            "Jobs.java:23:38 ExecutorNotShutdown")
        .inOrder();
    assertThat(findings.get(0).message()).contains("Field `background`");
    assertThat(findings.get(0).message()).contains("no method of `Jobs` shuts it down");
    assertThat(findings.get(1).message()).contains("Executor `pool` is not shut down if `");
    assertThat(findings.get(2).message())
        .contains("Executor `Executors.newSingleThreadExecutor()` is not shut down on any path");
    assertThat(findings.get(0).link()).endsWith("/docs/bugpattern/ExecutorNotShutdown.md");
  }

  @Test
  public void patchInPlaceScopesThePoolsAndTheResultCompilesAndIsSilent() throws Exception {
    JavacRunner patch =
        JavacRunner.in(tmp.getRoot().toPath())
            .source("demo/Jobs.java", JOBS)
            .errorProneFlags("-XepPatchChecks:ExecutorNotShutdown", "-XepPatchLocation:IN_PLACE");
    Result patched = patch.compile();
    assertWithMessage(patched.output()).that(patched.exitCode()).isEqualTo(0);

    Path file = patch.sourcePath("demo/Jobs.java");
    String text = Files.readString(file, UTF_8);
    assertThat(text).contains("try (ExecutorService pool = Executors.newFixedThreadPool(2)) {");
    assertThat(text).contains("Executors.newSingleThreadExecutor()) {");
    // The field's class had no close(): it becomes AutoCloseable, with one that shuts it down.
    assertThat(text).contains("class Jobs implements AutoCloseable {");
    assertThat(text).contains("  @Override\n  public void close() {\n    background.shutdown();\n  }");

    Result again = JavacRunner.in(tmp.newFolder("again").toPath()).existingSource(file).compile();
    assertWithMessage(again.output()).that(again.exitCode()).isEqualTo(0);
    assertWithMessage(text + "\n" + again.output())
        .that(again.findings("ExecutorNotShutdown"))
        .isEmpty();
  }
}
