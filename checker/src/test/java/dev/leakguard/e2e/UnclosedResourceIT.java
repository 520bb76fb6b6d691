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

/** UnclosedResource through real javac, found only through the packaged jar's service registration. */
@RunWith(JUnit4.class)
public final class UnclosedResourceIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String[] REPORTS = {
    "package demo;",
    "",
    "import java.io.BufferedReader;",
    "import java.io.FileInputStream;",
    "import java.io.FileReader;",
    "import java.io.IOException;",
    "import java.nio.file.Files;",
    "import java.nio.file.Path;",
    "",
    "class Reports {",
    "  static String header(Path file) throws IOException {",
    "    BufferedReader reader = new BufferedReader(new FileReader(file.toFile()));",
    "    String first = reader.readLine();",
    "    reader.close();",
    "    return first;",
    "  }",
    "",
    "  static long lineCount(Path file) throws IOException {",
    "    return Files.lines(file).count();",
    "  }",
    "",
    "  static int firstByte(Path file) throws IOException {",
    "    FileInputStream in = new FileInputStream(file.toFile());",
    "    int b = in.read();",
    "    in.close();",
    "    return b;",
    "  }",
    "}",
  };

  private static final String[] SAFE_REPORTS = {
    "package demo;",
    "",
    "import java.io.BufferedReader;",
    "import java.io.IOException;",
    "import java.io.InputStream;",
    "import java.nio.file.Files;",
    "import java.nio.file.Path;",
    "import java.util.stream.Stream;",
    "",
    "class SafeReports {",
    "  static String header(Path file) throws IOException {",
    "    try (BufferedReader reader = Files.newBufferedReader(file)) {",
    "      return reader.readLine();",
    "    }",
    "  }",
    "",
    "  static long lineCount(Path file) throws IOException {",
    "    try (Stream<String> lines = Files.lines(file)) {",
    "      return lines.count();",
    "    }",
    "  }",
    "",
    "  static int firstByte(Path file) throws IOException {",
    "    InputStream in = Files.newInputStream(file);",
    "    try {",
    "      return in.read();",
    "    } finally {",
    "      in.close();",
    "    }",
    "  }",
    "",
    "  static int existingVariable(Path file) throws IOException {",
    "    InputStream in = Files.newInputStream(file);",
    "    try (in) {",
    "      return in.read();",
    "    }",
    "  }",
    "",
    "  static BufferedReader open(Path file) throws IOException {",
    "    return Files.newBufferedReader(file);",
    "  }",
    "}",
  };

  @Before
  public void checkIsInTheJar() throws Exception {
    assumeTrue("UnclosedResource is not on this branch yet", JavacRunner.checksInSourceTree().contains("UnclosedResource"));
  }

  @Test
  public void reportsExactlyTheLeaksAndNothingInScopedCode() throws Exception {
    Result result =
        JavacRunner.in(tmp.getRoot().toPath())
            .source("demo/Reports.java", REPORTS)
            .source("demo/SafeReports.java", SAFE_REPORTS)
            .compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    List<Diagnostic> findings = result.findings();
    assertWithMessage(result.output())
        .that(findings.stream().map(d -> d.where() + " " + d.check()).toList())
        .containsExactly(
            "Reports.java:12:48 UnclosedResource",
            "Reports.java:19:23 UnclosedResource",
            "Reports.java:23:26 UnclosedResource")
        .inOrder();
    assertThat(findings.get(0).message()).contains("`reader` is not closed if `reader.readLine()` throws");
    assertThat(findings.get(1).message()).contains("`Files.lines(file)` is not closed on any path");
    assertThat(findings.get(2).message()).contains("`in` is not closed if `in.read()` throws");
    assertThat(findings.get(0).link()).endsWith("/docs/bugpattern/UnclosedResource.md");
  }

  @Test
  public void patchInPlaceWritesTryWithResourcesThatCompilesAndIsSilent() throws Exception {
    JavacRunner patch =
        JavacRunner.in(tmp.getRoot().toPath())
            .source("demo/Reports.java", REPORTS)
            .errorProneFlags("-XepPatchChecks:UnclosedResource", "-XepPatchLocation:IN_PLACE");
    Result patched = patch.compile();
    assertWithMessage(patched.output()).that(patched.exitCode()).isEqualTo(0);

    Path file = patch.sourcePath("demo/Reports.java");
    String text = Files.readString(file, UTF_8);
    assertThat(text)
        .contains(
            String.join(
                "\n",
                "  static long lineCount(Path file) throws IOException {",
                "    try (Stream<String> lines = Files.lines(file)) {",
                "      return lines.count();",
                "    }",
                "  }"));
    assertThat(text).contains("import java.util.stream.Stream;");

    Result again = JavacRunner.in(tmp.newFolder("again").toPath()).existingSource(file).compile();
    assertWithMessage(again.output()).that(again.exitCode()).isEqualTo(0);
    int rewritten = lineOf(text, "try (Stream<String> lines = Files.lines(file)) {");
    assertWithMessage(text + "\n" + again.output())
        .that(again.findings("UnclosedResource").stream().filter(d -> d.line() == rewritten).toList())
        .isEmpty();
  }

  static int lineOf(String text, String fragment) {
    int offset = text.indexOf(fragment);
    assertWithMessage("%s in\n%s", fragment, text).that(offset).isAtLeast(0);
    return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
  }
}
