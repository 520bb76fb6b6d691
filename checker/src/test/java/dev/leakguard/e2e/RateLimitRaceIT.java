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

/** RateLimitRace through real javac, found only through the packaged jar's service registration. */
@RunWith(JUnit4.class)
public final class RateLimitRaceIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String[] LIMITER = {
    "package demo;",
    "",
    "class Limiter {",
    "  private final long intervalNanos = 1_000_000L;",
    "  private long lastRequestNanos;",
    "",
    "  boolean tryAcquire() {",
    "    long now = System.nanoTime();",
    "    if (now - lastRequestNanos < intervalNanos) {",
    "      return false;",
    "    }",
    "    lastRequestNanos = now;",
    "    return true;",
    "  }",
    "}",
  };

  private static final String[] SAFE_LIMITER = {
    "package demo;",
    "",
    "import java.util.concurrent.atomic.AtomicLong;",
    "",
    "class SafeLimiter {",
    "  private final long intervalNanos = 1_000_000L;",
    "  private long lastRequestNanos;",
    "  private final AtomicLong lastAtomic = new AtomicLong();",
    "  private long lastAccessNanos;",
    "",
    "  synchronized boolean tryAcquire() {",
    "    long now = System.nanoTime();",
    "    if (now - lastRequestNanos < intervalNanos) {",
    "      return false;",
    "    }",
    "    lastRequestNanos = now;",
    "    return true;",
    "  }",
    "",
    "  boolean tryAcquireAtomic() {",
    "    long now = System.nanoTime();",
    "    long last = lastAtomic.get();",
    "    return now - last >= intervalNanos && lastAtomic.compareAndSet(last, now);",
    "  }",
    "",
    "  void touch() {",
    "    lastAccessNanos = System.nanoTime();",
    "  }",
    "}",
  };

  @Before
  public void checkIsInTheJar() throws Exception {
    assumeTrue("RateLimitRace is not on this branch yet", JavacRunner.checksInSourceTree().contains("RateLimitRace"));
  }

  @Test
  public void reportsTheRacyLimiterAtItsReadAndNotTheAtomicOnes() throws Exception {
    Result result =
        JavacRunner.in(tmp.getRoot().toPath())
            .source("demo/Limiter.java", LIMITER)
            .source("demo/SafeLimiter.java", SAFE_LIMITER)
            .compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    List<Diagnostic> findings = result.findings();
    assertWithMessage(result.output())
        .that(findings.stream().map(d -> d.where() + " " + d.check()).toList())
        .containsExactly("Limiter.java:9:15 RateLimitRace");
    assertThat(findings.get(0).message())
        .contains("check-then-act on `lastRequestNanos` in `tryAcquire()` is not atomic");
    assertThat(findings.get(0).message()).contains("written at line 12");
    assertThat(findings.get(0).link()).endsWith("/docs/bugpattern/RateLimitRace.md");
  }

  @Test
  public void patchInPlaceMakesTheMethodSynchronizedAndTheResultIsSilent() throws Exception {
    JavacRunner patch =
        JavacRunner.in(tmp.getRoot().toPath())
            .source("demo/Limiter.java", LIMITER)
            .errorProneFlags("-XepPatchChecks:RateLimitRace", "-XepPatchLocation:IN_PLACE");
    Result patched = patch.compile();
    assertWithMessage(patched.output()).that(patched.exitCode()).isEqualTo(0);

    Path file = patch.sourcePath("demo/Limiter.java");
    String text = Files.readString(file, UTF_8);
    String[] expected = LIMITER.clone();
    expected[6] = "  synchronized boolean tryAcquire() {";
    assertThat(text).isEqualTo(String.join("\n", expected) + "\n");

    Result again = JavacRunner.in(tmp.newFolder("again").toPath()).existingSource(file).compile();
    assertWithMessage(again.output()).that(again.exitCode()).isEqualTo(0);
    assertWithMessage(again.output()).that(again.findings("RateLimitRace")).isEmpty();
  }
}
