package dev.leakguard.checks;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.Assert.assertThrows;

import com.google.common.collect.ImmutableMap;
import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.InvalidCommandLineOptionException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link UnclosedResource}: {@code identification} tests (positives beside their {@code // BUG}
 * markers, negatives silent), option tests, and {@code replacement} tests that apply the fix,
 * compile the output and run the check on it again.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  // ---- acquisitions ---------------------------------------------------------------------------

  @Test
  public void identification_fileStreamsReadersWriters() {
    helper
        .addSourceLines(
            "Files1.java",
            "import java.io.*;",
            "class Files1 {",
            "  int in(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `in.read()` throws",
            "    FileInputStream in = new FileInputStream(f);",
            "    int b = in.read();",
            "    in.close();",
            "    return b;",
            "  }",
            "  void out(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `out` is not closed",
            "    FileOutputStream out = new FileOutputStream(f);",
            "    out.write(1);",
            "  }",
            "  void reader(String f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    FileReader r = new FileReader(f);",
            "    r.read();",
            "  }",
            "  void writer(String f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    FileWriter w = new FileWriter(f);",
            "    w.write(1);",
            "  }",
            "  void raf(File f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    RandomAccessFile r = new RandomAccessFile(f, \"r\");",
            "    r.read();",
            "  }",
            "  void printWriterOnName(String name, File file, java.nio.file.Path path) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    PrintWriter a = new PrintWriter(name);",
            "    a.println();",
            "    // BUG: Diagnostic contains: is not closed",
            "    PrintStream b = new PrintStream(file);",
            "    b.println();",
            "    // BUG: Diagnostic contains: is not closed",
            "    java.util.Formatter c = new java.util.Formatter(name);",
            "    c.format(\"x\");",
            "    // BUG: Diagnostic contains: is not closed",
            "    java.util.Scanner d = new java.util.Scanner(path);",
            "    d.next();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_closedOnEveryPath_isSilent() {
    helper
        .addSourceLines(
            "Closed.java",
            "import java.io.*;",
            "class Closed {",
            "  int twr(File f) throws IOException {",
            "    try (FileInputStream in = new FileInputStream(f)) {",
            "      return in.read();",
            "    }",
            "  }",
            "  int twrOnExistingVariable(File f) throws IOException {",
            "    FileInputStream in = new FileInputStream(f);",
            "    try (in) {",
            "      return in.read();",
            "    }",
            "  }",
            "  int finallyClose(File f) throws IOException {",
            "    FileInputStream in = new FileInputStream(f);",
            "    try {",
            "      return in.read();",
            "    } finally {",
            "      in.close();",
            "    }",
            "  }",
            "  int finallyNullCheck(File f) throws IOException {",
            "    FileInputStream in = null;",
            "    try {",
            "      in = new FileInputStream(f);",
            "      return in.read();",
            "    } finally {",
            "      if (in != null) {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "  String wrapperClosed(File f) throws IOException {",
            "    try (BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream(f)))) {",
            "      return r.readLine();",
            "    }",
            "  }",
            "}")
        .doTest();
  }
}
