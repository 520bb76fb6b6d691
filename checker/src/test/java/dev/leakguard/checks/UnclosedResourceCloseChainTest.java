package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * A close in a {@code finally} that fails skips the closes after it: {@code finally { in.close();
 * out.close(); }} leaks {@code out} when {@code in.close()} throws (Infer's {@code
 * twoResourcesBad}, Sonar's "can be open if var1.close throws", dbunit's {@code
 * FileHelper.copyFile}). The fix closes each in a {@code finally} of the close before it.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceCloseChainTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  @Test
  public void identification_closeSkippedWhenAnEarlierCloseFails() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  void copy(File x, File y) throws IOException {",
            "    InputStream in = null;",
            "    OutputStream out = null;",
            "    try {",
            "      in = new FileInputStream(x);",
            "      // BUG: Diagnostic contains: `out` is not closed if `in.close()` throws;"
                + " close it in a finally block of the close before it",
            "      out = new FileOutputStream(y);",
            "      out.write(in.read());",
            "    } finally {",
            "      if (in != null) in.close();",
            "      if (out != null) out.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Closes that cannot skip the next: chained already, each failure caught, the first close unable
   * to fail (an in-memory stream), or a close that declares no checked exception. Silent.
   */
  @Test
  public void identification_closesThatCannotSkipTheNext_silent() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  static void closeQuietly(Closeable c) {",
            "    try {",
            "      if (c != null) c.close();",
            "    } catch (IOException e) {",
            "    }",
            "  }",
            "  void chained(File x, File y) throws IOException {",
            "    InputStream a = null, b = null;",
            "    try {",
            "      a = new FileInputStream(x);",
            "      b = new FileInputStream(y);",
            "      a.read();",
            "    } finally {",
            "      try {",
            "        if (a != null) a.close();",
            "      } finally {",
            "        if (b != null) b.close();",
            "      }",
            "    }",
            "  }",
            "  void caught(File x, File y) throws IOException {",
            "    InputStream a = null, b = null;",
            "    try {",
            "      a = new FileInputStream(x);",
            "      b = new FileInputStream(y);",
            "      a.read();",
            "    } finally {",
            "      try {",
            "        if (a != null) a.close();",
            "      } catch (IOException e) {",
            "      }",
            "      if (b != null) b.close();",
            "    }",
            "  }",
            "  byte[] inMemory(File y) throws IOException {",
            "    ByteArrayOutputStream bytes = new ByteArrayOutputStream();",
            "    InputStream b = new FileInputStream(y);",
            "    try {",
            "      bytes.write(b.read());",
            "    } finally {",
            "      bytes.close();",
            "      b.close();",
            "    }",
            "    return bytes.toByteArray();",
            "  }",
            "  void quietly(File x, File y) throws IOException {",
            "    InputStream a = null, b = null;",
            "    try {",
            "      a = new FileInputStream(x);",
            "      b = new FileInputStream(y);",
            "      a.read();",
            "    } finally {",
            "      closeQuietly(a);",
            "      closeQuietly(b);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Three closes: the second goes in a {@code finally} of the first, the third in one of the
   * second; a statement over several lines keeps its lines and comment. Both findings carry the
   * one fix, and the output is checked again: silent.
   */
  @Test
  public void replacement_eachCloseInAFinallyOfTheOneBefore() {
    String[] output = {
      "import java.io.*;",
      "class Test {",
      "  void copy(File x, File y, File z) throws IOException {",
      "    InputStream a = null, b = null;",
      "    OutputStream c = null;",
      "    try {",
      "      a = new FileInputStream(x);",
      "      b = new FileInputStream(y);",
      "      c = new FileOutputStream(z);",
      "      c.write(a.read() + b.read());",
      "    } finally {",
      "      try {",
      "        if (a != null) a.close();",
      "      } finally {",
      "        try {",
      "          if (b != null) {",
      "            b.close(); // the second",
      "          }",
      "        } finally {",
      "          if (c != null) c.close();",
      "        }",
      "      }",
      "    }",
      "  }",
      "}"
    };
    refactoring
        .addInputLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  void copy(File x, File y, File z) throws IOException {",
            "    InputStream a = null, b = null;",
            "    OutputStream c = null;",
            "    try {",
            "      a = new FileInputStream(x);",
            "      b = new FileInputStream(y);",
            "      c = new FileOutputStream(z);",
            "      c.write(a.read() + b.read());",
            "    } finally {",
            "      if (a != null) a.close();",
            "      if (b != null) {",
            "        b.close(); // the second",
            "      }",
            "      if (c != null) c.close();",
            "    }",
            "  }",
            "}")
        .addOutputLines("Test.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    helper.addSourceLines("Test.java", output).doTest();
  }

  /**
   * A statement of the {@code finally} after the failing close that does not close (a log line):
   * nesting would change when it runs, so this fix is not offered, and the finding stays with
   * another fix.
   */
  @Test
  public void identification_finallyThatDoesMoreThanClose_noChain() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  int copy(File x, File y, StringBuilder log) throws IOException {",
            "    InputStream a = null, b = null;",
            "    try {",
            "      a = new FileInputStream(x);",
            "      // BUG: Diagnostic matches: noChain",
            "      b = new FileInputStream(y);",
            "      return a.read() + b.read();",
            "    } finally {",
            "      if (a != null) a.close();",
            "      log.append(\"closed a\");",
            "      if (b != null) b.close();",
            "    }",
            "  }",
            "}")
        .expectErrorMessage(
            "noChain",
            message ->
                message.contains("`b` is not closed if `a.close()` throws")
                    && !message.contains("a finally block of the close before it"))
        .doTest();
  }

  /**
   * Comments between the closes move with the close they stand before, a comment after a close
   * on its line stays on that line, and the last close's lines are indented with it.
   */
  @Test
  public void replacement_commentsMoveWithTheirCloses() {
    refactoring
        .addInputLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  int copy(File x, File y) throws IOException {",
            "    InputStream a = null, b = null;",
            "    try {",
            "      a = new FileInputStream(x);",
            "      b = new FileInputStream(y);",
            "      return a.read() + b.read();",
            "    } finally {",
            "      if (a != null) a.close(); // the first",
            "",
            "      // then the second",
            "      if (b != null) {",
            "        b.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  int copy(File x, File y) throws IOException {",
            "    InputStream a = null, b = null;",
            "    try {",
            "      a = new FileInputStream(x);",
            "      b = new FileInputStream(y);",
            "      return a.read() + b.read();",
            "    } finally {",
            "      try {",
            "        if (a != null) a.close(); // the first",
            "      } finally {",
            "        // then the second",
            "        if (b != null) {",
            "          b.close();",
            "        }",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /** Two closes on one line: the chain is not offered, and the finding stays. */
  @Test
  public void identification_closesOnOneLine_noChain() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  int copy(File x, File y) throws IOException {",
            "    InputStream a = null, b = null;",
            "    try {",
            "      a = new FileInputStream(x);",
            "      // BUG: Diagnostic matches: noChain",
            "      b = new FileInputStream(y);",
            "      return a.read() + b.read();",
            "    } finally {",
            "      if (a != null) a.close(); if (b != null) b.close();",
            "    }",
            "  }",
            "}")
        .expectErrorMessage(
            "noChain",
            message ->
                message.contains("`b` is not closed if `a.close()` throws")
                    && !message.contains("a finally block of the close before it"))
        .doTest();
  }
  /**
   * A class that closes the fields it opened one after the other: when the first close throws,
   * the second field stays open, and nothing will close it again. Reported on the skipped close,
   * naming the close that skips it; a third field names the first failing close.
   */
  @Test
  public void identification_fieldCloseSkippedWhenAnEarlierFieldCloseFails() {
    helper
        .addSourceLines(
            "Pair.java",
            "import java.io.*;",
            "class Pair implements Closeable {",
            "  private final InputStream in = new FileInputStream(\"a\");",
            "  private OutputStream out;",
            "  private final Writer log = new FileWriter(\"c\");",
            "  Pair() throws IOException {}",
            "  void open() throws IOException {",
            "    out = new FileOutputStream(\"b\");",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    in.close();",
            "    if (out != null) {",
            "      // BUG: Diagnostic contains: Field `out` is not closed if `in.close()` throws;"
                + " close it in a finally block of the close before it",
            "      out.close();",
            "    }",
            "    // BUG: Diagnostic contains: Field `log` is not closed if `in.close()` throws",
            "    this.log.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Closes of fields that cannot skip the next: chained already, each failure caught, a quiet
   * helper, a field the class was given (not its own to count), a close in another method, and a
   * field the class hands out. Silent.
   */
  @Test
  public void identification_fieldClosesThatCannotSkipTheNext_silent() {
    helper
        .addSourceLines(
            "Fields.java",
            "import java.io.*;",
            "class Fields {",
            "  static void closeQuietly(Closeable c) {",
            "    try {",
            "      if (c != null) c.close();",
            "    } catch (IOException e) {",
            "    }",
            "  }",
            "  static class Chained implements Closeable {",
            "    private final InputStream a = new FileInputStream(\"a\");",
            "    private final InputStream b = new FileInputStream(\"b\");",
            "    Chained() throws IOException {}",
            "    public void close() throws IOException {",
            "      try {",
            "        a.close();",
            "      } finally {",
            "        b.close();",
            "      }",
            "    }",
            "  }",
            "  static class Caught implements Closeable {",
            "    private final InputStream a = new FileInputStream(\"a\");",
            "    private final InputStream b = new FileInputStream(\"b\");",
            "    Caught() throws IOException {}",
            "    public void close() throws IOException {",
            "      try {",
            "        a.close();",
            "      } catch (IOException e) {",
            "        // logged elsewhere",
            "      }",
            "      b.close();",
            "    }",
            "  }",
            "  static class Quiet implements Closeable {",
            "    private final InputStream a = new FileInputStream(\"a\");",
            "    private final InputStream b = new FileInputStream(\"b\");",
            "    Quiet() throws IOException {}",
            "    public void close() throws IOException {",
            "      closeQuietly(a);",
            "      b.close();",
            "    }",
            "  }",
            "  static class Given implements Closeable {",
            "    private final InputStream given;",
            "    private final InputStream own = new FileInputStream(\"b\");",
            "    Given(InputStream given) throws IOException {",
            "      this.given = given;",
            "    }",
            "    public void close() throws IOException {",
            "      given.close();",
            "      own.close();",
            "    }",
            "  }",
            "  static class Apart implements Closeable {",
            "    private final InputStream a = new FileInputStream(\"a\");",
            "    private final InputStream b = new FileInputStream(\"b\");",
            "    Apart() throws IOException {}",
            "    public void close() throws IOException {",
            "      a.close();",
            "    }",
            "    void stop() throws IOException {",
            "      b.close();",
            "    }",
            "  }",
            "  static class HandedOut implements Closeable {",
            "    private final InputStream a = new FileInputStream(\"a\");",
            "    private final InputStream b = new FileInputStream(\"b\");",
            "    HandedOut() throws IOException {}",
            "    InputStream b() {",
            "      return b;",
            "    }",
            "    public void close() throws IOException {",
            "      a.close();",
            "      b.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The fix chains the closes of the class's {@code close()} from the failing one through the
   * last close; what follows the last close stays after the chain. The two findings share it, and
   * the output is checked again: silent.
   */
  @Test
  public void replacement_fieldClosesChainedInTheClassesClose() {
    String[] output = {
      "import java.io.*;",
      "class Trio implements Closeable {",
      "  private final InputStream a = new FileInputStream(\"a\");",
      "  private InputStream b;",
      "  private final OutputStream c = new FileOutputStream(\"c\");",
      "  private boolean closed;",
      "  Trio() throws IOException {",
      "    b = new FileInputStream(\"b\");",
      "  }",
      "  @Override",
      "  public void close() throws IOException {",
      "    if (closed) {",
      "      return;",
      "    }",
      "    try {",
      "      a.close();",
      "    } finally {",
      "      try {",
      "        if (b != null) b.close();",
      "      } finally {",
      "        c.close();",
      "      }",
      "    }",
      "    closed = true;",
      "  }",
      "}"
    };
    refactoring
        .addInputLines(
            "Trio.java",
            "import java.io.*;",
            "class Trio implements Closeable {",
            "  private final InputStream a = new FileInputStream(\"a\");",
            "  private InputStream b;",
            "  private final OutputStream c = new FileOutputStream(\"c\");",
            "  private boolean closed;",
            "  Trio() throws IOException {",
            "    b = new FileInputStream(\"b\");",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    if (closed) {",
            "      return;",
            "    }",
            "    a.close();",
            "    if (b != null) b.close();",
            "    c.close();",
            "    closed = true;",
            "  }",
            "}")
        .addOutputLines("Trio.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    helper.addSourceLines("Trio.java", output).doTest();
  }

  /**
   * A statement that is not a close between the failing close and the skipped one: nesting would
   * change when it runs, so no fix, and the message says why. Closes that can fail at two levels
   * of nesting get none either: a chain from the outer one would leave {@code c} skipped by
   * {@code b.close()}, so neither {@code b} nor {@code c} gets one.
   */
  @Test
  public void identification_fieldClosesWithOtherStatementsBetween_noChain() {
    helper
        .addSourceLines(
            "Logged.java",
            "import java.io.*;",
            "class Logged implements Closeable {",
            "  private final InputStream a = new FileInputStream(\"a\");",
            "  private final InputStream b = new FileInputStream(\"b\");",
            "  private final InputStream c = new FileInputStream(\"c\");",
            "  private final StringBuilder log = new StringBuilder();",
            "  Logged() throws IOException {}",
            "  public void close() throws IOException {",
            "    a.close();",
            "    log.append(\"closed a\");",
            "    // BUG: Diagnostic matches: noChain",
            "    b.close();",
            "  }",
            "  void stop(boolean all) throws IOException {",
            "    a.close();",
            "    if (all) {",
            "      // BUG: Diagnostic matches: nested",
            "      b.close();",
            "      // BUG: Diagnostic matches: nested",
            "      c.close();",
            "    }",
            "  }",
            "}")
        .expectErrorMessage(
            "noChain",
            message ->
                message.contains("Field `b` is not closed if `a.close()` throws")
                    && message.contains("no automatic fix: the closes from the failing one on"))
        .expectErrorMessage(
            "nested",
            message ->
                (message.contains("Field `b` is not closed if `a.close()` throws")
                        || message.contains("Field `c` is not closed if `a.close()` throws"))
                    && message.contains("no automatic fix: closes that can fail sit at several"))
        .doTest();
  }
  /**
   * Two fields closed one after the other and a third never closed: the third's close goes in a
   * {@code finally} of the chained closes, so that one pass of fixes leaves nothing skipped. The
   * skipped close's own chain would edit the same lines, so it says that the third's fix chains it
   * too; the output is checked again: silent.
   */
  @Test
  public void replacement_closeAddedToASequenceOfClosesChainsThemAll() {
    String[] output = {
      "import java.io.*;",
      "class Three implements Closeable {",
      "  private final InputStream a = new FileInputStream(\"a\");",
      "  private final InputStream b = new FileInputStream(\"b\");",
      "  private InputStream c;",
      "  Three() throws IOException {}",
      "  void open() throws IOException {",
      "    c = new FileInputStream(\"c\");",
      "  }",
      "  @Override",
      "  public void close() throws IOException {",
      "    try {",
      "      a.close();",
      "    } finally {",
      "      try {",
      "        b.close();",
      "      } finally {",
      "        if (c != null) {",
      "          c.close();",
      "        }",
      "      }",
      "    }",
      "  }",
      "}"
    };
    String[] input = {
      "import java.io.*;",
      "class Three implements Closeable {",
      "  private final InputStream a = new FileInputStream(\"a\");",
      "  private final InputStream b = new FileInputStream(\"b\");",
      "  // BUG: Diagnostic contains: no method of `Three` closes it; close it in close()",
      "  private InputStream c;",
      "  Three() throws IOException {}",
      "  void open() throws IOException {",
      "    c = new FileInputStream(\"c\");",
      "  }",
      "  @Override",
      "  public void close() throws IOException {",
      "    a.close();",
      "    // BUG: Diagnostic contains: no automatic fix: the fix that adds another field's close",
      "    b.close();",
      "  }",
      "}"
    };
    CompilationTestHelper.newInstance(UnclosedResource.class, getClass())
        .addSourceLines("Three.java", input)
        .doTest();
    refactoring
        .addInputLines(
            "Three.java",
            java.util.Arrays.stream(input)
                .filter(line -> !line.contains("// BUG:"))
                .toArray(String[]::new))
        .addOutputLines("Three.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    helper.addSourceLines("Three.java", output).doTest();
  }
  /**
   * The same with the chained closes nested in an {@code if}: the added close goes in a {@code
   * finally} around the {@code if}, whose closes it chains as the skipped close's own fix would.
   */
  @Test
  public void replacement_closeAddedAroundNestedClosesChainsThemToo() {
    String[] output = {
      "import java.io.*;",
      "class Nested implements Closeable {",
      "  private final InputStream a = new FileInputStream(\"a\");",
      "  private final InputStream b = new FileInputStream(\"b\");",
      "  private InputStream c;",
      "  private boolean open = true;",
      "  Nested() throws IOException {}",
      "  void open() throws IOException {",
      "    c = new FileInputStream(\"c\");",
      "  }",
      "  @Override",
      "  public void close() throws IOException {",
      "    try {",
      "      if (open) {",
      "        try {",
      "          a.close();",
      "        } finally {",
      "          b.close();",
      "        }",
      "      }",
      "    } finally {",
      "      if (c != null) {",
      "        c.close();",
      "      }",
      "    }",
      "  }",
      "}"
    };
    refactoring
        .addInputLines(
            "Nested.java",
            "import java.io.*;",
            "class Nested implements Closeable {",
            "  private final InputStream a = new FileInputStream(\"a\");",
            "  private final InputStream b = new FileInputStream(\"b\");",
            "  private InputStream c;",
            "  private boolean open = true;",
            "  Nested() throws IOException {}",
            "  void open() throws IOException {",
            "    c = new FileInputStream(\"c\");",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    if (open) {",
            "      a.close();",
            "      b.close();",
            "    }",
            "  }",
            "}")
        .addOutputLines("Nested.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    helper.addSourceLines("Nested.java", output).doTest();
  }
  /**
   * Two fields never closed and a {@code close()} whose close may fail: both go in its {@code
   * finally}, chained, by one fix that both findings carry (two fixes wrapping the same code would
   * overlap, which fails a build that applies them all).
   */
  @Test
  public void replacement_twoClosesAddedAfterAFailingCloseShareOneFix() {
    String[] output = {
      "import java.io.*;",
      "class Two implements Closeable {",
      "  private final InputStream a = new FileInputStream(\"a\");",
      "  private InputStream c;",
      "  private InputStream d;",
      "  Two() throws IOException {}",
      "  void open() throws IOException {",
      "    c = new FileInputStream(\"c\");",
      "    d = new FileInputStream(\"d\");",
      "  }",
      "  @Override",
      "  public void close() throws IOException {",
      "    try {",
      "      a.close();",
      "    } finally {",
      "      try {",
      "        if (c != null) {",
      "          c.close();",
      "        }",
      "      } finally {",
      "        if (d != null) {",
      "          d.close();",
      "        }",
      "      }",
      "    }",
      "  }",
      "}"
    };
    refactoring
        .addInputLines(
            "Two.java",
            "import java.io.*;",
            "class Two implements Closeable {",
            "  private final InputStream a = new FileInputStream(\"a\");",
            "  private InputStream c;",
            "  private InputStream d;",
            "  Two() throws IOException {}",
            "  void open() throws IOException {",
            "    c = new FileInputStream(\"c\");",
            "    d = new FileInputStream(\"d\");",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    a.close();",
            "  }",
            "}")
        .addOutputLines("Two.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    helper.addSourceLines("Two.java", output).doTest();
  }
  /**
   * Other shapes the rule meets: a field closed by a try-with-resources after a failing close, a
   * close skipped in an old-style {@code case} (no chain there: its statements are no block), and
   * closes in a lambda's body, a sequence of its own (the catch around both does not stop the
   * first from skipping the second), chained there. None may throw.
   */
  @Test
  public void identification_fieldClosesInOtherTreeShapes() {
    helper
        .addSourceLines(
            "Shapes.java",
            "import java.io.*;",
            "class Shapes implements Closeable {",
            "  private final InputStream a = new FileInputStream(\"a\");",
            "  private final InputStream b = new FileInputStream(\"b\");",
            "  private final InputStream c = new FileInputStream(\"c\");",
            "  Shapes() throws IOException {}",
            "  @Override",
            "  public void close() throws IOException {",
            "    a.close();",
            "    // BUG: Diagnostic contains: Field `b` is not closed if `a.close()` throws",
            "    try (b) {",
            "    }",
            "  }",
            "  void stop(int mode) throws IOException {",
            "    switch (mode) {",
            "      case 1:",
            "        a.close();",
            "        // BUG: Diagnostic contains: Field `c` is not closed if `a.close()` throws",
            "        c.close();",
            "        break;",
            "      default:",
            "    }",
            "  }",
            "  Runnable later() {",
            "    return () -> {",
            "      try {",
            "        a.close();",
            "        // BUG: Diagnostic contains: Field `c` is not closed if `a.close()` throws; close",
            "        c.close();",
            "      } catch (IOException e) {",
            "        throw new UncheckedIOException(e);",
            "      }",
            "    };",
            "  }",
            "}")
        .doTest();
  }
  /**
   * A call of the cleanup before the close (the classic {@code out.flush(); out.close();}) skips
   * it when it fails, and skips the closes after it: one chain covers both findings.
   */
  @Test
  public void replacement_flushBeforeTheClose() {
    String[] output = {
      "import java.io.*;",
      "class Test {",
      "  void copy(File x, File y) throws IOException {",
      "    InputStream in = null;",
      "    OutputStream out = null;",
      "    try {",
      "      in = new FileInputStream(x);",
      "      out = new FileOutputStream(y);",
      "      out.write(in.read());",
      "    } finally {",
      "      try {",
      "        if (out != null) {",
      "          try {",
      "            out.flush();",
      "          } finally {",
      "            out.close();",
      "          }",
      "        }",
      "      } finally {",
      "        if (in != null) in.close();",
      "      }",
      "    }",
      "  }",
      "}",
    };
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  void copy(File x, File y) throws IOException {",
            "    InputStream in = null;",
            "    OutputStream out = null;",
            "    try {",
            "      // BUG: Diagnostic contains: `in` is not closed if `out.flush()` throws; close it in"
                + " a finally block of the call before it",
            "      in = new FileInputStream(x);",
            "      // BUG: Diagnostic contains: `out` is not closed if `out.flush()` throws; close it"
                + " in a finally block of the call before it",
            "      out = new FileOutputStream(y);",
            "      out.write(in.read());",
            "    } finally {",
            "      if (out != null) {",
            "        out.flush();",
            "        out.close();",
            "      }",
            "      if (in != null) in.close();",
            "    }",
            "  }",
            "}")
        .doTest();
    refactoring
        .addInputLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  void copy(File x, File y) throws IOException {",
            "    InputStream in = null;",
            "    OutputStream out = null;",
            "    try {",
            "      in = new FileInputStream(x);",
            "      out = new FileOutputStream(y);",
            "      out.write(in.read());",
            "    } finally {",
            "      if (out != null) {",
            "        out.flush();",
            "        out.close();",
            "      }",
            "      if (in != null) in.close();",
            "    }",
            "  }",
            "}")
        .addOutputLines("Test.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    CompilationTestHelper.newInstance(UnclosedResource.class, getClass())
        .addSourceLines("Test.java", output)
        .expectNoDiagnostics()
        .doTest();
  }

  /**
   * hsqldb's {@code FileArchiver}: the closes sit in a {@code try} inside the {@code finally}, each
   * behind a braced null test, and the second is preceded by work that can fail too. One rewrite
   * covers both paths, so a second fix pass has nothing left to do.
   */
  @Test
  public void replacement_closesInATryInsideTheFinally_workBeforeTheSecondClose() {
    String[] output = {
      "import java.io.*;",
      "class Test {",
      "  void copy(File x, File y) throws IOException {",
      "    InputStream in = null;",
      "    OutputStream out = null;",
      "    try {",
      "      in = new FileInputStream(x);",
      "      out = new FileOutputStream(y);",
      "      out.write(in.read());",
      "    } finally {",
      "      try {",
      "        try {",
      "          if (in != null) {",
      "            in.close();",
      "          }",
      "        } finally {",
      "          if (out != null) {",
      "            try {",
      "              out.flush();",
      "",
      "              if (out instanceof FileOutputStream) {",
      "                ((FileOutputStream) out).getFD().sync();",
      "              }",
      "            } finally {",
      "              out.close();",
      "            }",
      "          }",
      "        }",
      "        System.out.println(\"done\");",
      "      } catch (IOException e) {",
      "        throw new UncheckedIOException(e);",
      "      }",
      "    }",
      "  }",
      "}",
    };
    refactoring
        .addInputLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  void copy(File x, File y) throws IOException {",
            "    InputStream in = null;",
            "    OutputStream out = null;",
            "    try {",
            "      in = new FileInputStream(x);",
            "      out = new FileOutputStream(y);",
            "      out.write(in.read());",
            "    } finally {",
            "      try {",
            "        if (in != null) {",
            "          in.close();",
            "        }",
            "        if (out != null) {",
            "          out.flush();",
            "",
            "          if (out instanceof FileOutputStream) {",
            "            ((FileOutputStream) out).getFD().sync();",
            "          }",
            "          out.close();",
            "        }",
            "        System.out.println(\"done\");",
            "      } catch (IOException e) {",
            "        throw new UncheckedIOException(e);",
            "      }",
            "    }",
            "  }",
            "}")
        .addOutputLines("Test.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    helper.addSourceLines("Test.java", output).expectNoDiagnostics().doTest();
  }

  /**
   * A failing call of a {@code finally} with no close after it there (the close follows the
   * {@code try}): no chain can put that close in a {@code finally}, so none is offered.
   */
  @Test
  public void identification_noCloseAfterTheFailingCallInTheFinally_noChain() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  int written;",
            "  void write(File y, byte[] data) throws IOException {",
            "    // BUG: Diagnostic matches: noChain",
            "    OutputStream out = new FileOutputStream(y);",
            "    try {",
            "      written += data.length;",
            "    } finally {",
            "      out.flush();",
            "    }",
            "    out.close();",
            "  }",
            "}")
        .expectErrorMessage(
            "noChain",
            message ->
                message.contains("`out` is not closed if `out.flush()` throws")
                    && !message.contains("in a finally block of the call before it"))
        .doTest();
  }
  /**
   * The failing call is in a {@code try} of the {@code finally} whose {@code catch} rethrows
   * (spring's {@code MySQLMaxValueIncrementer}: a failing commit skips the connection's close):
   * the whole {@code try} is the chain's first level, so the close runs whatever it throws.
   */
  @Test
  public void replacement_closeAfterATryThatRethrows() {
    refactoring
        .addInputLines(
            "Test.java",
            "import java.sql.*;",
            "import javax.sql.DataSource;",
            "class Test {",
            "  static void closeQuietly(AutoCloseable c) {",
            "    try {",
            "      if (c != null) c.close();",
            "    } catch (Exception e) {",
            "    }",
            "  }",
            "  long next(DataSource ds, boolean restore) {",
            "    Connection con = null;",
            "    try {",
            "      con = ds.getConnection();",
            "      con.createStatement().close();",
            "      return 1;",
            "    } catch (SQLException ex) {",
            "      throw new IllegalStateException(ex);",
            "    } finally {",
            "      if (con != null) {",
            "        try {",
            "          con.commit();",
            "          if (restore) {",
            "            con.setAutoCommit(true);",
            "          }",
            "        } catch (SQLException ignore) {",
            "          throw new IllegalStateException(\"commit\");",
            "        }",
            "        closeQuietly(con);",
            "      }",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.sql.*;",
            "import javax.sql.DataSource;",
            "class Test {",
            "  static void closeQuietly(AutoCloseable c) {",
            "    try {",
            "      if (c != null) c.close();",
            "    } catch (Exception e) {",
            "    }",
            "  }",
            "  long next(DataSource ds, boolean restore) {",
            "    Connection con = null;",
            "    try {",
            "      con = ds.getConnection();",
            "      con.createStatement().close();",
            "      return 1;",
            "    } catch (SQLException ex) {",
            "      throw new IllegalStateException(ex);",
            "    } finally {",
            "      if (con != null) {",
            "        try {",
            "          try {",
            "            con.commit();",
            "            if (restore) {",
            "              con.setAutoCommit(true);",
            "            }",
            "          } catch (SQLException ignore) {",
            "            throw new IllegalStateException(\"commit\");",
            "          }",
            "        } finally {",
            "          closeQuietly(con);",
            "        }",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * The failing call in a {@code try} that declares resources, in a {@code catch} of a {@code try}
   * of the {@code finally}, or in a loop there: the statement of the {@code finally} that holds it
   * is the chain's first level, whatever it nests (the first method gets the try-with-resources
   * rewrite, which the check prefers where it applies).
   */
  @Test
  public void identification_failingCallNestedInAStatementOfTheFinally_chained() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.util.List;",
            "class Test {",
            "  void a(File x, File y) throws IOException {",
            "    InputStream in = null;",
            "    try {",
            "      // BUG: Diagnostic matches: chained",
            "      in = new FileInputStream(x);",
            "      in.read();",
            "    } finally {",
            "      try (OutputStream log = new FileOutputStream(y)) {",
            "        log.flush();",
            "      }",
            "      if (in != null) in.close();",
            "    }",
            "  }",
            "  void b(File x, OutputStream log) throws IOException {",
            "    InputStream in = null;",
            "    try {",
            "      // BUG: Diagnostic matches: chained",
            "      in = new FileInputStream(x);",
            "      in.read();",
            "    } finally {",
            "      try {",
            "        log.write(1);",
            "      } catch (IOException e) {",
            "        log.flush();",
            "      }",
            "      if (in != null) in.close();",
            "    }",
            "  }",
            "  void c(File x, List<OutputStream> logs) throws IOException {",
            "    InputStream in = null;",
            "    try {",
            "      // BUG: Diagnostic matches: chained",
            "      in = new FileInputStream(x);",
            "      in.read();",
            "    } finally {",
            "      for (OutputStream log : logs) {",
            "        log.flush();",
            "      }",
            "      if (in != null) in.close();",
            "    }",
            "  }",
            "}")
        .expectErrorMessage(
            "chained",
            message ->
                message.contains("`in` is not closed if `log.flush()` throws")
                    && message.contains("close it in a finally block"))
        .doTest();
  }

  /**
   * The failing call in a loop of the {@code finally} that can {@code break}: nesting the close
   * after the loop would not change what a {@code break} skips, but the chain leaves statements
   * that jump alone. Not offered; the finding says why it has no fix.
   */
  @Test
  public void identification_failingCallInALoopThatJumps_noChain() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.util.List;",
            "class Test {",
            "  void c(File x, List<OutputStream> logs) throws IOException {",
            "    InputStream in = null;",
            "    try {",
            "      // BUG: Diagnostic matches: noChain",
            "      in = new FileInputStream(x);",
            "      in.read();",
            "    } finally {",
            "      for (OutputStream log : logs) {",
            "        if (log == null) break;",
            "        log.flush();",
            "      }",
            "      if (in != null) in.close();",
            "    }",
            "  }",
            "}")
        .expectErrorMessage(
            "noChain",
            message ->
                message.contains("`in` is not closed if `log.flush()` throws")
                    && !message.contains("in a finally block of the"))
        .doTest();
  }
}
