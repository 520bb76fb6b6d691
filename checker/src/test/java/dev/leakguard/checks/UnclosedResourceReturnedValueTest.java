package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The fix for a value made in a {@code return} and lost when the code after the return fails (the
 * {@code try}'s {@code finally}, or the close of one of its resources): name the value in a
 * variable declared before that {@code try}, and close it in a {@code catch (Throwable)} around
 * the {@code try} that rethrows. Each replacement's output is compiled and checked again, silent.
 * Which returns are reported at all is in {@code
 * UnclosedResourceTest.identification_returnedValueLostWhenTheFinallyFails}.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceReturnedValueTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  private void assertFix(String[] input, String[] output) {
    refactoring.addInputLines("Test.java", input).addOutputLines("Test.java", output).doTest();
    helper.addSourceLines("Test.java", output).doTest();
  }

  @Test
  public void replacement_returnedBeforeAFailingFinally() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "abstract class Test {",
          "  abstract void flushLog() throws IOException;",
          "  InputStream open(File f) throws IOException {",
          "    try {",
          "      return new FileInputStream(f);",
          "    } finally {",
          "      flushLog();",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "abstract class Test {",
          "  abstract void flushLog() throws IOException;",
          "  InputStream open(File f) throws IOException {",
          "    FileInputStream fileInputStream = null;",
          "    try {",
          "      try {",
          "        return fileInputStream = new FileInputStream(f);",
          "      } finally {",
          "        flushLog();",
          "      }",
          "    } catch (Throwable e) {",
          "      if (fileInputStream != null) {",
          "        try {",
          "          fileInputStream.close();",
          "        } catch (Throwable suppressed) {",
          "          e.addSuppressed(suppressed);",
          "        }",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /** The resource's implicit close runs after the return; the other return is left as it is. */
  @Test
  public void replacement_returnedInsideATryWithResources() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  InputStream copyOrOpen(File lock, File f, boolean copy) throws IOException {",
          "    try (FileOutputStream marker = new FileOutputStream(lock)) {",
          "      if (copy) {",
          "        return null;",
          "      }",
          "      return new FileInputStream(f);",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  InputStream copyOrOpen(File lock, File f, boolean copy) throws IOException {",
          "    FileInputStream fileInputStream = null;",
          "    try {",
          "      try (FileOutputStream marker = new FileOutputStream(lock)) {",
          "        if (copy) {",
          "          return null;",
          "        }",
          "        return fileInputStream = new FileInputStream(f);",
          "      }",
          "    } catch (Throwable e) {",
          "      if (fileInputStream != null) {",
          "        try {",
          "          fileInputStream.close();",
          "        } catch (Throwable suppressed) {",
          "          e.addSuppressed(suppressed);",
          "        }",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /** A name the method already uses is not taken again. */
  @Test
  public void replacement_returnedWithTheVariableNameTaken() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "abstract class Test {",
          "  abstract void flushLog() throws IOException;",
          "  InputStream open(File f, String fileInputStream, Exception e) throws IOException {",
          "    try {",
          "      return new FileInputStream(f);",
          "    } finally {",
          "      flushLog();",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "abstract class Test {",
          "  abstract void flushLog() throws IOException;",
          "  InputStream open(File f, String fileInputStream, Exception e) throws IOException {",
          "    FileInputStream fileInputStream2 = null;",
          "    try {",
          "      try {",
          "        return fileInputStream2 = new FileInputStream(f);",
          "      } finally {",
          "        flushLog();",
          "      }",
          "    } catch (Throwable e2) {",
          "      if (fileInputStream2 != null) {",
          "        try {",
          "          fileInputStream2.close();",
          "        } catch (Throwable suppressed) {",
          "          e2.addSuppressed(suppressed);",
          "        }",
          "      }",
          "      throw e2;",
          "    }",
          "  }",
          "}",
        });
  }

  /** In a lambda's block and in a {@code case} of a switch statement the declaration fits too. */
  @Test
  public void replacement_returnedInALambdaAndInACase() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.util.concurrent.Callable;",
          "abstract class Test {",
          "  abstract void flushLog() throws IOException;",
          "  Callable<InputStream> opener(File f) {",
          "    return () -> {",
          "      try {",
          "        return new FileInputStream(f);",
          "      } finally {",
          "        flushLog();",
          "      }",
          "    };",
          "  }",
          "  InputStream bySwitch(int k, File f) throws IOException {",
          "    switch (k) {",
          "      case 1:",
          "        try {",
          "          return new FileInputStream(f);",
          "        } finally {",
          "          flushLog();",
          "        }",
          "      default:",
          "        return null;",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.util.concurrent.Callable;",
          "abstract class Test {",
          "  abstract void flushLog() throws IOException;",
          "  Callable<InputStream> opener(File f) {",
          "    return () -> {",
          "      FileInputStream fileInputStream = null;",
          "      try {",
          "        try {",
          "          return fileInputStream = new FileInputStream(f);",
          "        } finally {",
          "          flushLog();",
          "        }",
          "      } catch (Throwable e) {",
          "        if (fileInputStream != null) {",
          "          try {",
          "            fileInputStream.close();",
          "          } catch (Throwable suppressed) {",
          "            e.addSuppressed(suppressed);",
          "          }",
          "        }",
          "        throw e;",
          "      }",
          "    };",
          "  }",
          "  InputStream bySwitch(int k, File f) throws IOException {",
          "    switch (k) {",
          "      case 1:",
          "        FileInputStream fileInputStream = null;",
          "        try {",
          "          try {",
          "            return fileInputStream = new FileInputStream(f);",
          "          } finally {",
          "            flushLog();",
          "          }",
          "        } catch (Throwable e) {",
          "          if (fileInputStream != null) {",
          "            try {",
          "              fileInputStream.close();",
          "            } catch (Throwable suppressed) {",
          "              e.addSuppressed(suppressed);",
          "            }",
          "          }",
          "          throw e;",
          "        }",
          "      default:",
          "        return null;",
          "    }",
          "  }",
          "}",
        });
  }

  /** A {@code try} that is the body of an unbraced {@code if}: no place for the declaration. */
  @Test
  public void noFix_tryWithoutABlockAround() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "abstract class Test {",
            "  abstract void flushLog() throws IOException;",
            "  InputStream open(boolean b, File f) throws IOException {",
            "    if (b)",
            "      try {",
            "        // BUG: Diagnostic contains: no automatic fix: the try around the return is not"
                + " in a block a declaration can go in",
            "        return new FileInputStream(f);",
            "      } finally {",
            "        flushLog();",
            "      }",
            "    return null;",
            "  }",
            "}")
        .doTest();
  }

  /** The value's expression spans two lines: no fix, and the finding says why. */
  @Test
  public void noFix_expressionOverSeveralLines() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "abstract class Test {",
            "  abstract void flushLog() throws IOException;",
            "  InputStream open(File dir, String name) throws IOException {",
            "    try {",
            "      // BUG: Diagnostic contains: no automatic fix: the expression that makes it spans"
                + " several lines",
            "      return new FileInputStream(",
            "          new File(dir, name));",
            "    } finally {",
            "      flushLog();",
            "    }",
            "  }",
            "}")
        .doTest();
  }
}
