package dev.leakguard.e2e;

import static com.google.common.truth.Truth.assertWithMessage;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.collect.ImmutableSet;
import dev.leakguard.e2e.JavacRunner.Diagnostic;
import dev.leakguard.e2e.JavacRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The sample project's findings are the ones {@code sample-project/EXPECTED_FINDINGS.md} lists,
 * for every check the jar registers: a change in what a check reports on it shows in review.
 */
@RunWith(JUnit4.class)
public final class SampleProjectIT {
  private static final String SOURCES = "sample-project/src/main/java/dev/leakguard/sample/";

  /** "| 1 | `cache/PriceCache.java:36` | UnreleasedLock | ..." in the findings table. */
  private static final Pattern FINDING_ROW =
      Pattern.compile("^\\|\\s*\\d+\\s*\\|\\s*`([^`:]+\\.java):(\\d+)`\\s*\\|\\s*(\\w+)\\s*\\|");

  /** "| `cache/PriceCache.java:20` | UnreleasedLock | ..." in the silent-spots table. */
  private static final Pattern SILENT_ROW =
      Pattern.compile("^\\|\\s*`([^`:]+\\.java):(\\d+)`\\s*\\|\\s*(\\w+)\\s*\\|");

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void findingsAreExactlyTheExpectedOnes() throws Exception {
    Path root = JavacRunner.repositoryRoot();
    List<String> expectedLines = Files.readAllLines(root.resolve("sample-project/EXPECTED_FINDINGS.md"), UTF_8);
    ImmutableSet<String> checks = JavacRunner.checksInSourceTree();

    JavacRunner runner = JavacRunner.in(tmp.getRoot().toPath()).javacOptions("--release", "17");
    try (Stream<Path> files = Files.walk(root.resolve(SOURCES))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        runner.existingSource(file);
      }
    }
    Result result = runner.compile();
    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);

    Set<String> actual = new TreeSet<>();
    for (Diagnostic d : result.findings()) {
      String path = root.resolve(SOURCES).relativize(d.file().toAbsolutePath()).toString().replace('\\', '/');
      actual.add(path + ":" + d.line() + " " + d.check());
    }
    Set<String> expected = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (String line : expectedLines) {
      Matcher finding = FINDING_ROW.matcher(line);
      Matcher quiet = SILENT_ROW.matcher(line);
      if (finding.find() && checks.contains(finding.group(3))) {
        expected.add(finding.group(1) + ":" + finding.group(2) + " " + finding.group(3));
      } else if (quiet.find() && checks.contains(quiet.group(3))) {
        silent.add(quiet.group(1) + ":" + quiet.group(2) + " " + quiet.group(3));
      }
    }

    assertWithMessage("checks registered: %s; javac output:\n%s", checks, result.output())
        .that(actual)
        .isEqualTo(expected);
    Set<String> wronglyReported = new TreeSet<>(silent);
    wronglyReported.retainAll(actual);
    assertWithMessage("silent spots that were reported").that(wronglyReported).isEmpty();
  }
}
