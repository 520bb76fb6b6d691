package dev.leakguard.e2e;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.leakguard.e2e.JavacRunner.Result;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The harness itself: real javac hosts Error Prone with the packaged jar, as a user's build does. */
@RunWith(JUnit4.class)
public final class ErrorProneHostIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void errorProneRunsInsideJavacAndReportsItsOwnChecks() throws Exception {
    Result result =
        JavacRunner.in(tmp.getRoot().toPath())
            .source(
                "demo/Counter.java",
                "package demo;",
                "",
                "class Counter {",
                "  private final java.util.concurrent.locks.Lock lock = new java.util.concurrent.locks.ReentrantLock();",
                "  private int count;",
                "",
                "  void increment() {",
                "    lock.lock();",
                "    count++;",
                "    lock.unlock();",
                "  }",
                "}")
            .compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    assertThat(result.findings("LockNotBeforeTry").toString())
        .isEqualTo("[Counter.java:8:14: warning: [LockNotBeforeTry] "
            + "Prefer releasing the lock on lock inside a finally block.]");
  }

  @Test
  public void errorProneRejectsAnUnknownCheckName() throws Exception {
    // What makes the per-check tests meaningful: -Xep:Name fails unless Name was discovered.
    Result result =
        JavacRunner.in(tmp.getRoot().toPath())
            .source("demo/Empty.java", "package demo;", "class Empty {}")
            .errorProneFlags("-Xep:NoSuchLeakGuardCheck:ERROR")
            .compile();

    assertThat(result.exitCode()).isNotEqualTo(0);
    assertThat(result.output()).contains("NoSuchLeakGuardCheck is not a valid checker name");
  }
}
