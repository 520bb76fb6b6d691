package dev.leakguard.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of an Error Prone diagnostic's text. Error Prone writes {@code [CheckName] message},
 * then {@code   (see https://...)} when the check has a docs link, then {@code Did you mean '...'?}
 * when the finding has a fix (the fix's first changed line, not the whole edit; Error Prone never
 * prints a fix's short description). With the fixes the checks attached ({@link AttachedFixes}),
 * the report plugin replaces that line by what the fixes do: {@code Did you mean to release it in a
 * finally block?}.
 *
 * @param checkName the check, e.g. {@code UnreleasedLock}
 * @param message the check's own message, without the prefix, the link and the suggestion
 * @param helpUri the docs link, or null
 * @param suggestion the {@code Did you mean '...'?} line, or null
 */
record DiagnosticText(String checkName, String message, String helpUri, String suggestion) {

  /** The checks this report is for; Error Prone's other findings pass through untouched. */
  static final Set<String> LEAKGUARD_CHECKS =
      Set.of(
          "ExecutorNotShutdown",
          "RateLimitRace",
          "UnclosedResource",
          "UnreleasedLock",
          "TransactionLeak",
          "ThreadLocalLeak");

  private static final Pattern PREFIX = Pattern.compile("^\\[([A-Za-z0-9_]+)\\] ");
  private static final Pattern LINK = Pattern.compile("^\\s*\\(see (\\S+)\\)\\s*$");

  /**
   * {@code raw}, a LeakGuard diagnostic's text, with Error Prone's {@code Did you mean '...'?} line
   * (the first changed line of each fix) replaced by what the fixes do: {@code Did you mean to
   * release it in a finally block?}. Unchanged when it has no such line or a fix has no words.
   */
  static String describingFixes(String raw, List<String> whatTheFixesDo) {
    if (whatTheFixesDo.isEmpty() || whatTheFixesDo.stream().anyMatch(String::isBlank)) {
      return raw;
    }
    String[] lines = raw.split("\n", -1);
    for (int i = lines.length - 1; i > 0; i--) {
      if (lines[i].startsWith("Did you mean ")) {
        lines[i] = sentence(whatTheFixesDo);
        if (whatTheFixesDo.size() == 1) {
          // The message's own last clause said it already ("...; release it in a finally block").
          String clause = "; " + whatTheFixesDo.get(0);
          for (String end : List.of(clause, clause + ".")) {
            if (lines[0].endsWith(end)) {
              lines[0] = lines[0].substring(0, lines[0].length() - end.length());
              break;
            }
          }
        }
        return String.join("\n", lines);
      }
    }
    return raw;
  }

  /** {@code Did you mean to A or to B?} */
  static String sentence(List<String> whatTheFixesDo) {
    return "Did you mean to " + String.join(" or to ", whatTheFixesDo) + "?";
  }

  /** Parses the text of a LeakGuard finding, or returns null for any other diagnostic. */
  static DiagnosticText parse(String text) {
    if (text == null) {
      return null;
    }
    Matcher prefix = PREFIX.matcher(text);
    if (!prefix.find() || !LEAKGUARD_CHECKS.contains(prefix.group(1))) {
      return null;
    }
    String helpUri = null;
    String suggestion = null;
    List<String> kept = new ArrayList<>();
    for (String line : text.substring(prefix.end()).split("\n", -1)) {
      Matcher link = LINK.matcher(line);
      if (helpUri == null && link.matches()) {
        helpUri = link.group(1);
      } else if (line.startsWith("Did you mean ")) {
        suggestion = line.strip();
      } else {
        kept.add(line);
      }
    }
    return new DiagnosticText(prefix.group(1), String.join("\n", kept).strip(), helpUri, suggestion);
  }
}
