package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * A resource closed in the {@code finally} of a {@code try} that starts after code that can throw:
 * the fix starts the {@code try} right after the resource is held ({@link
 * dev.leakguard.fix.LateTryFix}). Each replacement's output is compiled and checked again, silent.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceLateTryTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  private void assertFix(String[] input, String[] output) {
    refactoring.addInputLines("Test.java", input).addOutputLines("Test.java", output).doTest();
    helper.addSourceLines("Test.java", output).expectNoDiagnostics().doTest();
  }

  @Test
  public void identification_saysWhatTheFixDoes() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.util.*;",
            "abstract class Test {",
            "  abstract void clear();",
            "  List<String> load(File file, Reader given) throws IOException {",
            "    BufferedReader reader;",
            "    boolean opened = false;",
            "    if (given == null) {",
            "      // BUG: Diagnostic contains: is not closed if `clear()` throws; start the try whose",
            "      reader = new BufferedReader(new FileReader(file));",
            "      opened = true;",
            "    } else {",
            "      reader = new BufferedReader(given);",
            "    }",
            "    clear();",
            "    List<String> lines = new ArrayList<>();",
            "    try {",
            "      for (String line; (line = reader.readLine()) != null; ) {",
            "        lines.add(line);",
            "      }",
            "    } finally {",
            "      if (opened) {",
            "        reader.close();",
            "      }",
            "    }",
            "    return lines;",
            "  }",
            "  List<String> atOnce(File file) throws IOException {",
            "    BufferedReader reader = new BufferedReader(new FileReader(file));",
            "    try {",
            "      clear();",
            "      return List.of(reader.readLine());",
            "    } finally {",
            "      reader.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** A variable the code after the try reads is declared before it and assigned inside. */
  @Test
  public void replacement_hoistsWhatTheCodeAfterReads() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.util.*;",
          "abstract class Test {",
          "  abstract void clear();",
          "  List<String> load(File file, Reader given) throws IOException {",
          "    BufferedReader reader;",
          "    boolean opened = false;",
          "    if (given == null) {",
          "      reader = new BufferedReader(new FileReader(file));",
          "      opened = true;",
          "    } else {",
          "      reader = new BufferedReader(given);",
          "    }",
          "    clear();",
          "    List<String> lines = new ArrayList<>();",
          "    try {",
          "      for (String line; (line = reader.readLine()) != null; ) {",
          "        lines.add(line);",
          "      }",
          "    } finally {",
          "      if (opened) {",
          "        reader.close();",
          "      }",
          "    }",
          "    return lines;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.util.*;",
          "abstract class Test {",
          "  abstract void clear();",
          "  List<String> load(File file, Reader given) throws IOException {",
          "    BufferedReader reader;",
          "    boolean opened = false;",
          "    if (given == null) {",
          "      reader = new BufferedReader(new FileReader(file));",
          "      opened = true;",
          "    } else {",
          "      reader = new BufferedReader(given);",
          "    }",
          "    List<String> lines;",
          "    try {",
          "      clear();",
          "      lines = new ArrayList<>();",
          "      for (String line; (line = reader.readLine()) != null; ) {",
          "        lines.add(line);",
          "      }",
          "    } finally {",
          "      if (opened) {",
          "        reader.close();",
          "      }",
          "    }",
          "    return lines;",
          "  }",
          "}",
        });
  }

  /**
   * hsqldb's preprocessor {@code Document.load}: opened on some branches into a reader declared
   * before them, which a later {@code finally} closes when a flag says it was opened here.
   */
  @Test
  public void replacement_openedOnABranch_closedInALaterFinally() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.util.*;",
          "abstract class Test {",
          "  abstract void clear();",
          "  final List<String> lines = new ArrayList<>();",
          "  void load(Object source) throws IOException {",
          "    BufferedReader reader = null;",
          "    boolean close = false;",
          "    if (source instanceof File) {",
          "      final InputStream fis = new FileInputStream((File) source);",
          "      final InputStreamReader isr = new InputStreamReader(fis);",
          "      close = true;",
          "      reader = new BufferedReader(isr);",
          "    } else if (source instanceof Reader) {",
          "      reader = new BufferedReader((Reader) source);",
          "    } else {",
          "      throw new IOException(\"unhandled load source: \" + source);",
          "    }",
          "    clear();",
          "    String line;",
          "    final List<String> list = this.lines;",
          "    try {",
          "      while (null != (line = reader.readLine())) {",
          "        list.add(line);",
          "      }",
          "    } finally {",
          "      if (close) {",
          "        try {",
          "          reader.close();",
          "        } catch (IOException ex) {",
          "        }",
          "      }",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.util.*;",
          "abstract class Test {",
          "  abstract void clear();",
          "  final List<String> lines = new ArrayList<>();",
          "  void load(Object source) throws IOException {",
          "    BufferedReader reader = null;",
          "    boolean close = false;",
          "    if (source instanceof File) {",
          "      final InputStream fis = new FileInputStream((File) source);",
          "      final InputStreamReader isr = new InputStreamReader(fis);",
          "      close = true;",
          "      reader = new BufferedReader(isr);",
          "    } else if (source instanceof Reader) {",
          "      reader = new BufferedReader((Reader) source);",
          "    } else {",
          "      throw new IOException(\"unhandled load source: \" + source);",
          "    }",
          "    try {",
          "      clear();",
          "      String line;",
          "      final List<String> list = this.lines;",
          "      while (null != (line = reader.readLine())) {",
          "        list.add(line);",
          "      }",
          "    } finally {",
          "      if (close) {",
          "        try {",
          "          reader.close();",
          "        } catch (IOException ex) {",
          "        }",
          "      }",
          "    }",
          "  }",
          "}",
        });
  }
}
