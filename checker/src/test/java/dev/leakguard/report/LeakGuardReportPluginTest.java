package dev.leakguard.report;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The report plugin end to end: real javac with Error Prone and LeakGuard's UnreleasedLock, the
 * SARIF it writes validated against the SARIF 2.1.0 schema, and the baseline gate.
 */
@RunWith(JUnit4.class)
public final class LeakGuardReportPluginTest {
  private static final String CHECKS = "-Xep:UnreleasedLock:WARN";
  private static final String FILE = "src/demo/Counter.java";

  private static final String COUNTER =
      """
      package demo;

      import java.util.ArrayList;
      import java.util.List;
      import java.util.concurrent.locks.ReentrantLock;

      class Counter {
        private final ReentrantLock lock = new ReentrantLock();
        private final List<String> items = new ArrayList<>();

        void add(String item) {
          lock.lock();
          items.add(item);
          lock.unlock();
        }
      }
      """;

  private static JsonSchema schema;

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  @BeforeClass
  public static void loadSchema() throws IOException {
    try (InputStream in =
        LeakGuardReportPluginTest.class.getResourceAsStream("/schema/sarif-schema-2.1.0.json")) {
      assertWithMessage("the SARIF 2.1.0 schema on the test classpath").that(in).isNotNull();
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
    }
  }

  @Test
  public void sarifReportOfARealBuild() throws IOException {
    Path root = temp.getRoot().toPath();
    Path sarif = root.resolve("target/leakguard.sarif");
    ReportCompilation compilation =
        ReportCompilation.run(
            root,
            Map.of(FILE, COUNTER),
            CHECKS,
            "sarif=" + sarif + " root=" + root + " category=checker");

    assertWithMessage(compilation.toString()).that(compilation.success).isTrue();
    assertThat(compilation.ofKind(Diagnostic.Kind.WARNING)).hasSize(1);
    JsonNode log = readValid(sarif);
    assertThat(log.at("/runs/0/automationDetails/id").asText()).isEqualTo("checker/");
    // What javac hands the IDE: Error Prone reports one point per finding, the flagged call's `(`
    // (line 12, column 14 of `    lock.lock();`); the SARIF region below spans the whole call.
    Diagnostic<? extends JavaFileObject> warning = compilation.ofKind(Diagnostic.Kind.WARNING).get(0);
    assertThat(warning.getLineNumber()).isEqualTo(12);
    assertThat(warning.getColumnNumber()).isEqualTo(14);
    assertThat(warning.getPosition()).isEqualTo((long) COUNTER.indexOf("lock.lock()") + 9);

    assertThat(log.at("/version").asText()).isEqualTo("2.1.0");
    JsonNode run = log.at("/runs/0");
    assertThat(run.at("/tool/driver/name").asText()).isEqualTo("LeakGuard");
    assertThat(run.at("/results")).hasSize(1);
    JsonNode result = run.at("/results/0");
    assertThat(result.at("/ruleId").asText()).isEqualTo("UnreleasedLock");
    JsonNode rule = run.at("/tool/driver/rules/" + result.at("/ruleIndex").asInt());
    assertThat(rule.at("/id").asText()).isEqualTo("UnreleasedLock");
    assertThat(rule.at("/helpUri").asText()).endsWith("/docs/bugpattern/UnreleasedLock.md");
    assertThat(result.at("/level").asText()).isEqualTo("warning");
    assertThat(result.at("/message/text").asText()).startsWith("`lock` stays held if `items.add(...)` throws");
    assertThat(result.at("/message/text").asText()).doesNotContain("[UnreleasedLock]");
    // The line after the finding says what the fix does, in javac's output and in the report.
    assertThat(warning.getMessage(null))
        .contains("Did you mean to release it in a finally block?");
    assertThat(warning.getMessage(null))
        .startsWith("[UnreleasedLock] `lock` stays held if `items.add(...)` throws\n");
    assertThat(warning.getMessage(null)).doesNotContain("Did you mean '");
    assertThat(result.at("/properties/suggestedFix").asText())
        .isEqualTo("Did you mean to release it in a finally block?");
    assertThat(result.at("/message/text").asText())
        .endsWith("\nDid you mean to release it in a finally block?");

    // The fix itself, exact: applied by character offsets or by lines and columns, it gives the
    // code -XepPatchChecks writes.
    assertThat(result.at("/fixes")).hasSize(1);
    JsonNode fix = result.at("/fixes/0");
    assertThat(fix.at("/description/text").asText()).isEqualTo("release it in a finally block");
    assertThat(fix.at("/artifactChanges")).hasSize(1);
    JsonNode change = fix.at("/artifactChanges/0");
    assertThat(change.at("/artifactLocation/uri").asText()).isEqualTo(FILE);
    assertThat(change.at("/artifactLocation/uriBaseId").asText()).isEqualTo("%SRCROOT%");
    String fixed =
        """
        package demo;

        import java.util.ArrayList;
        import java.util.List;
        import java.util.concurrent.locks.ReentrantLock;

        class Counter {
          private final ReentrantLock lock = new ReentrantLock();
          private final List<String> items = new ArrayList<>();

          void add(String item) {
            lock.lock();
            try {
              items.add(item);
            } finally {
              lock.unlock();
            }
          }
        }
        """;
    assertThat(applyByOffsets(COUNTER, change.at("/replacements"))).isEqualTo(fixed);
    assertThat(applyByLines(COUNTER, change.at("/replacements"))).isEqualTo(fixed);

    JsonNode physical = result.at("/locations/0/physicalLocation");
    assertThat(physical.at("/artifactLocation/uri").asText()).isEqualTo(FILE);
    assertThat(physical.at("/artifactLocation/uriBaseId").asText()).isEqualTo("%SRCROOT%");
    // The region is exactly the flagged call `lock.lock()`: the editor underlines that expression.
    assertThat(regionText(COUNTER, physical.at("/region"))).isEqualTo("lock.lock()");
    assertThat(physical.at("/region/startLine").asInt()).isEqualTo(12);
    assertThat(result.at("/locations/0/logicalLocations/0/fullyQualifiedName").asText())
        .isEqualTo("demo.Counter.add(String)");
    assertThat(result.at("/partialFingerprints/leakguard~1v1").asText()).hasLength(32);
    assertThat(result.has("baselineState")).isFalse();
  }

  @Test
  public void everyCheckIsARuleAndAConstructorRegionCoversTheNewExpression() throws IOException {
    Path root = temp.getRoot().toPath();
    Path sarif = root.resolve("leakguard.sarif");
    String reader =
        """
        package demo;

        import java.io.FileInputStream;
        import java.io.IOException;
        import java.io.InputStream;

        class Reader {
          int first(String path) throws IOException {
            InputStream in = new FileInputStream(path);
            return in.read();
          }
        }
        """;
    ReportCompilation compilation =
        ReportCompilation.run(
            root,
            Map.of("src/demo/Reader.java", reader),
            "-Xep:UnclosedResource:WARN",
            "sarif=" + sarif + " root=" + root);

    assertWithMessage(compilation.toString()).that(compilation.success).isTrue();
    JsonNode run = readValid(sarif).at("/runs/0");
    List<String> ruleIds = new java.util.ArrayList<>();
    run.at("/tool/driver/rules").forEach(rule -> ruleIds.add(rule.at("/id").asText()));
    assertThat(ruleIds)
        .containsExactly(
            "ExecutorNotShutdown",
            "RateLimitRace",
            "ThreadLocalLeak",
            "TransactionLeak",
            "UnclosedResource",
            "UnreleasedLock")
        .inOrder();
    run.at("/tool/driver/rules")
        .forEach(rule -> assertThat(rule.at("/shortDescription/text").asText()).isNotEmpty());
    JsonNode result = run.at("/results/0");
    assertThat(result.at("/ruleId").asText()).isEqualTo("UnclosedResource");
    assertThat(regionText(reader, result.at("/locations/0/physicalLocation/region")))
        .isEqualTo("new FileInputStream(path)");
  }

  @Test
  public void schemaValidationRejectsAnInvalidLog() throws IOException {
    // The validation above must be able to fail: a region whose lines start at 0 is not SARIF.
    Path root = temp.getRoot().toPath();
    Path sarif = root.resolve("leakguard.sarif");
    ReportCompilation.run(root, Map.of(FILE, COUNTER), CHECKS, "sarif=" + sarif + " root=" + root);
    String broken =
        Files.readString(sarif).replace("\"startLine\": 12", "\"startLine\": 0");
    assertThat(schema.validate(new ObjectMapper().readTree(broken))).isNotEmpty();
    String noVersion = Files.readString(sarif).replace("\"version\": \"2.1.0\",", "");
    assertThat(schema.validate(new ObjectMapper().readTree(noVersion))).isNotEmpty();
  }

  @Test
  public void reportIsTheSameOnEveryRunAndSorted() throws IOException {
    Path root = temp.getRoot().toPath();
    Map<String, String> sources =
        Map.of(
            FILE, COUNTER,
            "src/demo/Another.java", COUNTER.replace("class Counter", "class Another"));
    Path first = root.resolve("first.sarif");
    Path second = root.resolve("second.sarif");
    ReportCompilation.run(root, sources, CHECKS, "sarif=" + first + " root=" + root);
    ReportCompilation.run(root, sources, CHECKS, "sarif=" + second + " root=" + root);

    assertThat(Files.readString(second)).isEqualTo(Files.readString(first));
    JsonNode results = readValid(first).at("/runs/0/results");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("src/demo/Another.java");
    assertThat(results.get(1).at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo(FILE);
  }

  @Test
  public void baselinedFindingSurvivesAnEditAboveIt() throws IOException {
    Path root = temp.getRoot().toPath();
    Path baseline = root.resolve("leakguard-baseline.txt");
    ReportCompilation recorded =
        ReportCompilation.run(
            root, Map.of(FILE, COUNTER), CHECKS, "writeBaseline=" + baseline + " root=" + root);
    assertWithMessage(recorded.toString()).that(recorded.success).isTrue();
    assertThat(Files.readAllLines(baseline))
        .containsExactly(
            Fingerprint.HEADER,
            "UnreleasedLock\tsrc/demo/Counter.java\tdemo.Counter\tadd(String)\tlock.lock()\t0");

    // Unrelated edits above the finding: an import, a field, a method, and blank lines.
    String edited =
        COUNTER
            .replace("import java.util.List;", "import java.util.List;\nimport java.util.Map;")
            .replace(
                "  void add(String item) {",
                "  private Map<String, Integer> counts;\n\n"
                    + "  int size() {\n    return items.size();\n  }\n\n\n"
                    + "  void add(String item) {");
    Path sarif = root.resolve("gated.sarif");
    ReportCompilation gated =
        ReportCompilation.run(
            root,
            Map.of(FILE, edited),
            CHECKS,
            "baseline=" + baseline + " sarif=" + sarif + " root=" + root);

    assertWithMessage(gated.toString()).that(gated.success).isTrue();
    assertThat(gated.ofKind(Diagnostic.Kind.ERROR)).isEmpty();
    assertThat(gated.messages(Diagnostic.Kind.WARNING)).hasSize(1);
    assertThat(gated.messages(Diagnostic.Kind.WARNING).get(0)).startsWith("[UnreleasedLock]");
    assertThat(gated.messages(Diagnostic.Kind.NOTE))
        .contains("LeakGuard baseline leakguard-baseline.txt: 0 new finding(s), 1 baselined");
    JsonNode result = readValid(sarif).at("/runs/0/results/0");
    assertThat(result.at("/baselineState").asText()).isEqualTo("unchanged");
    assertThat(result.at("/level").asText()).isEqualTo("warning");
    assertThat(result.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(20);
  }

  @Test
  public void newFindingFailsTheBuildAndBaselinedOnesStayWarnings() throws IOException {
    Path root = temp.getRoot().toPath();
    Path baseline = root.resolve("leakguard-baseline.txt");
    ReportCompilation.run(
        root, Map.of(FILE, COUNTER), CHECKS, "writeBaseline=" + baseline + " root=" + root);

    String withNewLeak =
        COUNTER.replace(
            "    lock.unlock();\n  }\n",
            "    lock.unlock();\n  }\n\n"
                + "  void remove(String item) {\n"
                + "    lock.lock();\n"
                + "    items.remove(item);\n"
                + "    lock.unlock();\n"
                + "  }\n");
    Path sarif = root.resolve("gated.sarif");
    ReportCompilation gated =
        ReportCompilation.run(
            root,
            Map.of(FILE, withNewLeak),
            CHECKS,
            "baseline=" + baseline + " sarif=" + sarif + " root=" + root);

    assertWithMessage(gated.toString()).that(gated.success).isFalse();
    List<Diagnostic<? extends JavaFileObject>> errors = gated.ofKind(Diagnostic.Kind.ERROR);
    assertThat(errors).hasSize(2);
    Diagnostic<? extends JavaFileObject> newFinding = errors.get(0);
    assertThat(newFinding.getLineNumber()).isEqualTo(18);
    assertThat(newFinding.getMessage(null)).startsWith("[UnreleasedLock] `lock` stays held");
    assertThat(newFinding.getMessage(null))
        .contains("(new: not in the LeakGuard baseline leakguard-baseline.txt)");
    assertThat(errors.get(1).getMessage(null))
        .startsWith("LeakGuard baseline leakguard-baseline.txt: 1 new finding(s), 1 baselined");
    List<Diagnostic<? extends JavaFileObject>> warnings = gated.ofKind(Diagnostic.Kind.WARNING);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getLineNumber()).isEqualTo(12);

    JsonNode results = readValid(sarif).at("/runs/0/results");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).at("/baselineState").asText()).isEqualTo("unchanged");
    assertThat(results.get(0).at("/level").asText()).isEqualTo("warning");
    assertThat(results.get(1).at("/baselineState").asText()).isEqualTo("new");
    assertThat(results.get(1).at("/level").asText()).isEqualTo("error");
  }

  @Test
  public void sameCodeAgainInTheSameMethodIsANewOccurrence() throws IOException {
    Path root = temp.getRoot().toPath();
    Path baseline = root.resolve("leakguard-baseline.txt");
    ReportCompilation.run(
        root, Map.of(FILE, COUNTER), CHECKS, "writeBaseline=" + baseline + " root=" + root);

    String twice =
        COUNTER.replace(
            "    lock.unlock();\n  }\n",
            "    lock.unlock();\n    lock.lock();\n    items.add(item);\n    lock.unlock();\n  }\n");
    ReportCompilation gated =
        ReportCompilation.run(
            root, Map.of(FILE, twice), CHECKS, "baseline=" + baseline + " root=" + root);

    assertWithMessage(gated.toString()).that(gated.success).isFalse();
    assertThat(gated.ofKind(Diagnostic.Kind.WARNING)).hasSize(1);
    assertThat(gated.ofKind(Diagnostic.Kind.WARNING).get(0).getLineNumber()).isEqualTo(12);
    assertThat(gated.ofKind(Diagnostic.Kind.ERROR).get(0).getLineNumber()).isEqualTo(15);
  }

  @Test
  public void suppressedFindingIsNotReported() throws IOException {
    Path root = temp.getRoot().toPath();
    Path sarif = root.resolve("leakguard.sarif");
    String suppressed =
        COUNTER.replace(
            "  void add(String item) {", "  @SuppressWarnings(\"UnreleasedLock\")\n  void add(String item) {");
    ReportCompilation compilation =
        ReportCompilation.run(root, Map.of(FILE, suppressed), CHECKS, "sarif=" + sarif + " root=" + root);

    assertWithMessage(compilation.toString()).that(compilation.success).isTrue();
    assertThat(readValid(sarif).at("/runs/0/results")).isEmpty();
  }

  @Test
  public void unknownArgumentFailsNamingWhatIsAllowed() throws IOException {
    ReportCompilation compilation =
        ReportCompilation.run(
            temp.getRoot().toPath(), Map.of(FILE, COUNTER), CHECKS, "colour=red");

    assertThat(compilation.success).isFalse();
    assertThat(compilation.messages(Diagnostic.Kind.ERROR)).hasSize(1);
    String message = compilation.messages(Diagnostic.Kind.ERROR).get(0);
    assertThat(message).contains("LeakGuardReport: unknown argument 'colour'");
    assertThat(message).contains("sarif=FILE");
    assertThat(message).contains("writeBaseline=FILE");
  }

  @Test
  public void missingBaselineFails() throws IOException {
    ReportCompilation compilation =
        ReportCompilation.run(
            temp.getRoot().toPath(), Map.of(FILE, COUNTER), CHECKS, "baseline=nowhere.txt");

    assertThat(compilation.success).isFalse();
    assertThat(compilation.messages(Diagnostic.Kind.ERROR).get(0))
        .contains("no such file; record one with writeBaseline=nowhere.txt");
  }

  private static JsonNode readValid(Path sarif) throws IOException {
    JsonNode log = new ObjectMapper().readTree(Files.readString(sarif, StandardCharsets.UTF_8));
    Set<ValidationMessage> errors = schema.validate(log);
    assertWithMessage("SARIF 2.1.0 schema violations in\n" + Files.readString(sarif))
        .that(errors)
        .isEmpty();
    return log;
  }

  /** The source text a SARIF region covers (1-based lines and columns, end column exclusive). */
  /** Applies SARIF replacements by {@code charOffset}/{@code charLength}, last first. */
  private static String applyByOffsets(String source, JsonNode replacements) {
    StringBuilder text = new StringBuilder(source);
    int previousStart = Integer.MAX_VALUE;
    for (int i = replacements.size() - 1; i >= 0; i--) {
      JsonNode region = replacements.get(i).at("/deletedRegion");
      int start = region.at("/charOffset").asInt();
      int end = start + region.at("/charLength").asInt();
      assertWithMessage("replacements in source order, none overlapping")
          .that(end)
          .isAtMost(previousStart);
      text.replace(start, end, replacements.get(i).at("/insertedContent/text").asText());
      previousStart = start;
    }
    return text.toString();
  }

  /** Applies SARIF replacements by their 1-based lines and columns (end exclusive), last first. */
  private static String applyByLines(String source, JsonNode replacements) {
    int[] lineStarts = new int[source.split("\n", -1).length];
    for (int line = 1, at = 0; line < lineStarts.length; line++) {
      at = source.indexOf('\n', at) + 1;
      lineStarts[line] = at;
    }
    StringBuilder text = new StringBuilder(source);
    for (int i = replacements.size() - 1; i >= 0; i--) {
      JsonNode region = replacements.get(i).at("/deletedRegion");
      int start =
          lineStarts[region.at("/startLine").asInt() - 1] + region.at("/startColumn").asInt() - 1;
      int end = lineStarts[region.at("/endLine").asInt() - 1] + region.at("/endColumn").asInt() - 1;
      text.replace(start, end, replacements.get(i).at("/insertedContent/text").asText());
    }
    return text.toString();
  }

  private static String regionText(String source, JsonNode region) {
    String[] lines = source.split("\n", -1);
    int startLine = region.at("/startLine").asInt();
    int endLine = region.at("/endLine").asInt();
    assertThat(endLine).isEqualTo(startLine);
    return lines[startLine - 1].substring(
        region.at("/startColumn").asInt() - 1, region.at("/endColumn").asInt() - 1);
  }
}
