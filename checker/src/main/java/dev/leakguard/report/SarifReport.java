package dev.leakguard.report;

import com.google.errorprone.BugPattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes findings as a SARIF 2.1.0 log: one run, LeakGuard's checks as rules, results sorted by file,
 * position and rule, so the same build writes the same bytes.
 *
 * <p>What a result carries: rule id, level, message, file (relative to the report root under
 * {@code %SRCROOT%}), start and end line and column, the enclosing class and member as a logical
 * location, a fingerprint, the baseline state when gating, and, for a finding with a fix, what the
 * fix does ({@code properties.suggestedFix}, the diagnostic's {@code Did you mean to ...?} line) and
 * the fix itself as SARIF {@code fixes}: exact replacements of the original text, which the checks
 * hand over through {@link AttachedFixes} (javac's diagnostic has only the first changed line).
 */
final class SarifReport {
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  static final String INFORMATION_URI = "https://github.com/leakguard/leakguard";
  static final String SRCROOT = "%SRCROOT%";

  private static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::uri)
          .thenComparingInt((Finding f) -> f.location().region().startLine())
          .thenComparingInt(f -> f.location().region().startColumn())
          .thenComparing(f -> f.text().checkName())
          .thenComparing(f -> f.text().message())
          .thenComparing(f -> f.fingerprint().toLine());

  private SarifReport() {}

  static void write(Path file, Path root, String category, List<Finding> findings)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, Json.write(log(root, category, findings)), StandardCharsets.UTF_8);
  }

  static Map<String, Object> log(Path root, String category, List<Finding> findings) {
    List<String> ruleIds = new ArrayList<>(new TreeSet<>(DiagnosticText.LEAKGUARD_CHECKS));
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(ORDER);

    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "LeakGuard");
    driver.put("informationUri", INFORMATION_URI);
    String version = SarifReport.class.getPackage().getImplementationVersion();
    if (version != null) {
      driver.put("version", version);
    }
    List<Object> rules = new ArrayList<>();
    for (String id : ruleIds) {
      rules.add(rule(id, sorted));
    }
    driver.put("rules", rules);

    List<Object> results = new ArrayList<>();
    for (Finding finding : sorted) {
      results.add(result(finding, ruleIds.indexOf(finding.text().checkName())));
    }

    Map<String, Object> run = new LinkedHashMap<>();
    run.put("tool", Map.of("driver", driver));
    if (category != null) {
      run.put("automationDetails", Map.of("id", category.endsWith("/") ? category : category + "/"));
    }
    run.put(
        "originalUriBaseIds",
        Map.of(SRCROOT, Map.of("uri", root.toAbsolutePath().normalize().toUri().toString())));
    run.put("results", results);
    run.put("columnKind", "utf16CodeUnits");

    Map<String, Object> log = new LinkedHashMap<>();
    log.put("$schema", SCHEMA);
    log.put("version", "2.1.0");
    log.put("runs", List.of(run));
    return log;
  }

  private static Map<String, Object> rule(String id, List<Finding> findings) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("id", id);
    rule.put("name", id);
    BugPattern pattern = bugPattern(id);
    if (pattern != null && !pattern.summary().isEmpty()) {
      rule.put("shortDescription", Map.of("text", pattern.summary()));
    }
    String helpUri =
        findings.stream()
            .filter(f -> f.text().checkName().equals(id) && f.text().helpUri() != null)
            .map(f -> f.text().helpUri())
            .findFirst()
            .orElse(pattern != null && !pattern.link().isEmpty() ? pattern.link() : null);
    if (helpUri != null) {
      rule.put("helpUri", helpUri);
    }
    if (pattern != null) {
      rule.put("defaultConfiguration", Map.of("level", level(pattern.severity())));
      Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("tags", List.of((Object[]) pattern.tags()));
      rule.put("properties", properties);
    }
    return rule;
  }

  /** The check's BugPattern annotation, when the check is in this jar; else null. */
  private static BugPattern bugPattern(String id) {
    try {
      Class<?> check =
          Class.forName("dev.leakguard.checks." + id, false, SarifReport.class.getClassLoader());
      return check.getAnnotation(BugPattern.class);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static String level(BugPattern.SeverityLevel severity) {
    return switch (severity) {
      case ERROR -> "error";
      case WARNING -> "warning";
      case SUGGESTION -> "note";
    };
  }

  private static Map<String, Object> result(Finding finding, int ruleIndex) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ruleId", finding.text().checkName());
    result.put("ruleIndex", ruleIndex);
    result.put("level", finding.level());
    String message = finding.text().message();
    if (finding.text().suggestion() != null) {
      message = message + "\n" + finding.text().suggestion();
    }
    result.put("message", Map.of("text", message));

    Map<String, Object> artifact = new LinkedHashMap<>();
    artifact.put("uri", finding.uri());
    if (finding.relative()) {
      artifact.put("uriBaseId", SRCROOT);
    }
    SourceRegion r = finding.location().region();
    Map<String, Object> region = new LinkedHashMap<>();
    region.put("startLine", r.startLine());
    region.put("startColumn", r.startColumn());
    if (r.hasEnd()) {
      region.put("endLine", r.endLine());
      region.put("endColumn", r.endColumn());
    }
    Map<String, Object> physical = new LinkedHashMap<>();
    physical.put("artifactLocation", artifact);
    physical.put("region", region);
    Map<String, Object> location = new LinkedHashMap<>();
    location.put("physicalLocation", physical);
    String owner = finding.location().owner();
    String member = finding.location().member();
    if (!owner.isEmpty()) {
      Map<String, Object> logical = new LinkedHashMap<>();
      logical.put("fullyQualifiedName", member.isEmpty() ? owner : owner + "." + member);
      logical.put("kind", member.isEmpty() ? "type" : member.endsWith(")") ? "function" : "member");
      location.put("logicalLocations", List.of(logical));
    }
    result.put("locations", List.of(location));
    result.put("partialFingerprints", Map.of("leakguard/v1", finding.fingerprint().hash()));
    if (finding.baselineState() != null) {
      result.put("baselineState", finding.baselineState());
    }
    if (!finding.fixes().isEmpty()) {
      List<Object> fixes = new ArrayList<>();
      for (AttachedFixes.Fix fix : finding.fixes()) {
        if (!fix.edits().isEmpty()) {
          fixes.add(fix(fix, artifact));
        }
      }
      if (!fixes.isEmpty()) {
        result.put("fixes", fixes);
      }
    }
    if (finding.text().suggestion() != null) {
      result.put("properties", Map.of("suggestedFix", finding.text().suggestion()));
    }
    return result;
  }

  /**
   * A SARIF {@code fix}: its description and one {@code artifactChange} of the finding's file, whose
   * replacements are in source order, do not overlap, and each name a region of the original text
   * (lines and columns, and the same range as {@code charOffset}/{@code charLength}).
   */
  private static Map<String, Object> fix(AttachedFixes.Fix fix, Map<String, Object> artifact) {
    List<Object> replacements = new ArrayList<>();
    for (AttachedFixes.Edit edit : fix.edits()) {
      Map<String, Object> deleted = new LinkedHashMap<>();
      deleted.put("startLine", edit.startLine());
      deleted.put("startColumn", edit.startColumn());
      deleted.put("endLine", edit.endLine());
      deleted.put("endColumn", edit.endColumn());
      deleted.put("charOffset", edit.offset());
      deleted.put("charLength", edit.length());
      Map<String, Object> replacement = new LinkedHashMap<>();
      replacement.put("deletedRegion", deleted);
      replacement.put("insertedContent", Map.of("text", edit.text()));
      replacements.add(replacement);
    }
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("artifactLocation", artifact);
    change.put("replacements", replacements);
    Map<String, Object> sarifFix = new LinkedHashMap<>();
    sarifFix.put("description", Map.of("text", fix.description()));
    sarifFix.put("artifactChanges", List.of(change));
    return sarifFix;
  }
}
