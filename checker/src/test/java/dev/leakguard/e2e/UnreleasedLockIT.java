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

/** UnreleasedLock through real javac, found only through the packaged jar's service registration. */
@RunWith(JUnit4.class)
public final class UnreleasedLockIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** Two leaks (lines 13 and 19) and two scoped forms (lines 29 and 38). */
  private static final String[] INVENTORY = {
    "package demo;",
    "",
    "import java.util.ArrayList;",
    "import java.util.List;",
    "import java.util.concurrent.locks.Lock;",
    "import java.util.concurrent.locks.ReentrantLock;",
    "",
    "public class Inventory {",
    "  private final Lock lock = new ReentrantLock();",
    "  private final List<String> items = new ArrayList<>();",
    "",
    "  public void add(String item) {",
    "    lock.lock();",
    "    items.add(item);",
    "    lock.unlock();",
    "  }",
    "",
    "  public boolean addNew(String item) {",
    "    lock.lock();",
    "    if (items.contains(item)) {",
    "      return false;",
    "    }",
    "    items.add(item);",
    "    lock.unlock();",
    "    return true;",
    "  }",
    "",
    "  public int size() {",
    "    lock.lock();",
    "    try {",
    "      return items.size();",
    "    } finally {",
    "      lock.unlock();",
    "    }",
    "  }",
    "",
    "  public boolean offer(String item) {",
    "    if (lock.tryLock()) {",
    "      try {",
    "        return items.add(item);",
    "      } finally {",
    "        lock.unlock();",
    "      }",
    "    }",
    "    return false;",
    "  }",
    "}",
  };

  private JavacRunner inventory() throws Exception {
    return JavacRunner.in(tmp.getRoot().toPath()).source("demo/Inventory.java", INVENTORY);
  }

  @Test
  public void reportsEachLeakAtItsAcquiringCallWithThePathThatLeaksIt() throws Exception {
    Result result = inventory().compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    List<Diagnostic> findings = result.findings();
    assertWithMessage(result.output()).that(findings).hasSize(2);
    assertFinding(findings.get(0), 13, 14, "warning", "`lock` stays held if `items.add(...)` throws");
    assertFinding(findings.get(1), 19, 14, "warning", "`lock` stays held when the method returns at line 21");
    for (Diagnostic finding : findings) {
      assertThat(finding.link()).endsWith("/docs/bugpattern/UnreleasedLock.md");
    }
  }

  @Test
  public void silentOnScopedForms() throws Exception {
    Result result =
        JavacRunner.in(tmp.getRoot().toPath())
            .source(
                "demo/Scoped.java",
                "package demo;",
                "",
                "import java.util.concurrent.Semaphore;",
                "import java.util.concurrent.TimeUnit;",
                "import java.util.concurrent.locks.ReadWriteLock;",
                "import java.util.concurrent.locks.ReentrantLock;",
                "import java.util.concurrent.locks.ReentrantReadWriteLock;",
                "import java.util.concurrent.locks.StampedLock;",
                "",
                "class Scoped {",
                "  private final ReentrantLock lock = new ReentrantLock();",
                "  private final ReadWriteLock rw = new ReentrantReadWriteLock();",
                "  private final StampedLock stamped = new StampedLock();",
                "  private final Semaphore permits = new Semaphore(4);",
                "  private int value;",
                "",
                "  int read() {",
                "    rw.readLock().lock();",
                "    try {",
                "      return value;",
                "    } finally {",
                "      rw.readLock().unlock();",
                "    }",
                "  }",
                "",
                "  void write(int v) throws InterruptedException {",
                "    lock.lockInterruptibly();",
                "    try {",
                "      value = v;",
                "    } finally {",
                "      lock.unlock();",
                "    }",
                "  }",
                "",
                "  boolean timed(int v) throws InterruptedException {",
                "    if (!lock.tryLock(1, TimeUnit.SECONDS)) {",
                "      return false;",
                "    }",
                "    try {",
                "      value = v;",
                "      return true;",
                "    } finally {",
                "      lock.unlock();",
                "    }",
                "  }",
                "",
                "  void stampedWrite(int v) {",
                "    long stamp = stamped.writeLock();",
                "    try {",
                "      value = v;",
                "    } finally {",
                "      stamped.unlockWrite(stamp);",
                "    }",
                "  }",
                "",
                "  int optimistic() {",
                "    long stamp = stamped.tryOptimisticRead();",
                "    int v = value;",
                "    return stamped.validate(stamp) ? v : read();",
                "  }",
                "",
                "  void limited(Runnable task) throws InterruptedException {",
                "    permits.acquire();",
                "    try {",
                "      task.run();",
                "    } finally {",
                "      permits.release();",
                "    }",
                "  }",
                "}")
            .compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    assertWithMessage(result.output()).that(result.findings()).isEmpty();
  }

  @Test
  public void errorSeverityFailsTheBuild() throws Exception {
    Result result = inventory().errorProneFlags("-Xep:UnreleasedLock:ERROR").compile();

    assertThat(result.exitCode()).isNotEqualTo(0);
    assertWithMessage(result.output()).that(result.findings()).hasSize(2);
    assertFinding(result.findings().get(0), 13, 14, "error", "`lock` stays held if `items.add(...)` throws");
    assertThat(result.findings().get(1).kind()).isEqualTo("error");
  }

  @Test
  public void offSilencesTheCheck() throws Exception {
    Result result = inventory().errorProneFlags("-Xep:UnreleasedLock:OFF").compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    assertThat(result.findings("UnreleasedLock")).isEmpty();
  }

  @Test
  public void suppressWarningsSilencesOneMethod() throws Exception {
    String[] source = INVENTORY.clone();
    source[11] = "  @SuppressWarnings(\"UnreleasedLock\") public void add(String item) {";

    Result result = JavacRunner.in(tmp.getRoot().toPath()).source("demo/Inventory.java", source).compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    assertWithMessage(result.output()).that(result.findings()).hasSize(1);
    assertFinding(result.findings().get(0), 19, 14, "warning", "`lock` stays held when the method returns at line 21");
  }

  /**
   * Where an editor puts the marker. Error Prone 2.50.0 hands javac a single position for every
   * diagnostic (the reported tree's preferred position: here the call's opening parenthesis), so
   * javac's start and end offsets are that point; both must lie inside the acquiring call.
   */
  @Test
  public void diagnosticPositionIsInsideTheAcquiringCall() throws Exception {
    JavacRunner runner = inventory().withPositions();
    Result result = runner.compile();

    String text = Files.readString(runner.sourcePath("demo/Inventory.java"), UTF_8);
    assertWithMessage(result.output()).that(result.findings()).hasSize(2);
    for (Diagnostic finding : result.findings()) {
      int lineStart = lineOffset(text, finding.line());
      int callStart = text.indexOf("lock.lock()", lineStart);
      int callEnd = callStart + "lock.lock()".length();
      assertWithMessage("%s", finding).that(callStart).isLessThan(text.indexOf('\n', lineStart));
      assertWithMessage("%s", finding).that(finding.start()).isAtLeast(callStart);
      assertWithMessage("%s", finding).that(finding.end()).isAtMost(callEnd);
      assertWithMessage("%s", finding).that(finding.start()).isAtMost(finding.end());
      assertWithMessage("%s", finding).that(lineStart + finding.column() - 1).isEqualTo(text.indexOf("(", callStart));
    }
  }

  @Test
  public void patchInPlaceRewritesIntoTryFinallyThatCompilesAndIsSilent() throws Exception {
    JavacRunner patch =
        inventory().errorProneFlags("-XepPatchChecks:UnreleasedLock", "-XepPatchLocation:IN_PLACE");
    Result patched = patch.compile();
    assertWithMessage(patched.output()).that(patched.exitCode()).isEqualTo(0);

    Path file = patch.sourcePath("demo/Inventory.java");
    String text = Files.readString(file, UTF_8);
    assertThat(text).isNotEqualTo(String.join("\n", INVENTORY) + "\n");
    assertThat(text)
        .contains(
            String.join(
                "\n",
                "  public void add(String item) {",
                "    lock.lock();",
                "    try {",
                "      items.add(item);",
                "    } finally {",
                "      lock.unlock();",
                "    }",
                "  }"));
    assertThat(text)
        .contains(
            String.join(
                "\n",
                "    lock.lock();",
                "    try {",
                "      if (items.contains(item)) {",
                "        return false;",
                "      }",
                "      items.add(item);",
                "    } finally {",
                "      lock.unlock();",
                "    }",
                "    return true;"));

    Result again = JavacRunner.in(tmp.newFolder("again").toPath()).existingSource(file).compile();
    assertWithMessage(again.output()).that(again.exitCode()).isEqualTo(0);
    assertWithMessage(text + "\n" + again.output()).that(again.findings("UnreleasedLock")).isEmpty();
  }

  private static int lineOffset(String text, int line) {
    int offset = 0;
    for (int i = 1; i < line; i++) {
      offset = text.indexOf('\n', offset) + 1;
    }
    return offset;
  }

  private static void assertFinding(Diagnostic d, int line, int column, String kind, String messageFragment) {
    assertWithMessage("%s", d).that(d.file().getFileName().toString()).isEqualTo("Inventory.java");
    assertWithMessage("%s", d).that(List.of(d.line(), d.column())).containsExactly(line, column).inOrder();
    assertWithMessage("%s", d).that(d.kind()).isEqualTo(kind);
    assertWithMessage("%s", d).that(d.check()).isEqualTo("UnreleasedLock");
    assertWithMessage("%s", d).that(d.message()).contains(messageFragment);
  }
}
