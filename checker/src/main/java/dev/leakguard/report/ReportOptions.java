package dev.leakguard.report;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The plugin's arguments: {@code -Xplugin:LeakGuardReport sarif=FILE baseline=FILE
 * writeBaseline=FILE root=DIR category=ID}. Relative paths are resolved against the working
 * directory.
 *
 * @param sarif where to write the SARIF report, or null
 * @param baseline the baseline to gate against, or null
 * @param writeBaseline where to record this compilation's findings as a baseline, or null
 * @param root the directory file locations are reported relative to (default: working directory)
 * @param category the SARIF run's {@code automationDetails.id} (GitHub code scanning's category),
 *     which tells apart the reports of several modules of one build; or null
 */
record ReportOptions(Path sarif, Path baseline, Path writeBaseline, Path root, String category) {

  static final String USAGE =
      "-Xplugin:LeakGuardReport takes NAME=VALUE arguments: sarif=FILE (write a SARIF 2.1.0"
          + " report), baseline=FILE (fail only on findings not in FILE), writeBaseline=FILE (record"
          + " today's findings in FILE), root=DIR (report paths relative to DIR; default: the"
          + " working directory), category=ID (the SARIF run's category, one per module)";

  /** Parses the plugin's arguments; throws {@link IllegalArgumentException} naming the bad one. */
  static ReportOptions parse(String... args) {
    Path working = Paths.get("").toAbsolutePath();
    Path sarif = null;
    Path baseline = null;
    Path writeBaseline = null;
    Path root = working;
    String category = null;
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (equals <= 0 || equals == arg.length() - 1) {
        throw new IllegalArgumentException(
            "malformed argument '" + arg + "': expected NAME=VALUE. " + USAGE);
      }
      String name = arg.substring(0, equals);
      String text = arg.substring(equals + 1);
      if (name.equals("category")) {
        category = text;
        continue;
      }
      Path value = working.resolve(text).normalize();
      switch (name) {
        case "sarif" -> sarif = value;
        case "baseline" -> baseline = value;
        case "writeBaseline" -> writeBaseline = value;
        case "root" -> root = value;
        default ->
            throw new IllegalArgumentException("unknown argument '" + name + "'. " + USAGE);
      }
    }
    if (sarif == null && baseline == null && writeBaseline == null) {
      throw new IllegalArgumentException("nothing to do. " + USAGE);
    }
    return new ReportOptions(sarif, baseline, writeBaseline, root, category);
  }
}
