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
}
