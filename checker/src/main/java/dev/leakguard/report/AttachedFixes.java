package dev.leakguard.report;

import com.sun.tools.javac.util.Context;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.jspecify.annotations.Nullable;

/**
 * The fixes LeakGuard's checks attached to their findings in one compilation, as exact edits of the
 * original text, handed from the checks to the report plugin.
 *
 * <p>Why: javac's diagnostic shows only Error Prone's preview of a fix (its first changed line), from
 * which no exact edit can be recovered; the checks built the edits themselves and know what each
 * fix does. One instance lives in the compilation's javac {@link Context}, created by the {@code
 * LeakGuardReport} plugin when it starts; without the plugin there is none and the checks record
 * nothing. Entries are keyed by what the diagnostic carries (file, position, check) and taken out
 * when the plugin sees that diagnostic. Nothing here is static and mutable: javac may run several
 * compilations in one JVM.
 */
public final class AttachedFixes {

  /**
   * One replacement of the original text: {@code length} characters from {@code offset} (0-based,
   * UTF-16 code units) replaced by {@code text}; the same range as 1-based lines and columns, the
   * end exclusive (SARIF's convention). An insertion has {@code length} 0 and an empty range.
   */
  public record Edit(
      int offset,
      int length,
      int startLine,
      int startColumn,
      int endLine,
      int endColumn,
      String text) {}

  /**
   * One fix of a finding.
   *
   * @param description what it does, worded to follow "Did you mean to" ("release it in a finally
   *     block")
   * @param edits its replacements in source order, none overlapping another, every range in the
   *     original text
   */
  public record Fix(String description, List<Edit> edits) {
    public Fix {
      edits = List.copyOf(edits);
    }
  }

  private record Key(JavaFileObject file, long position, String check) {}

  /** Per finding's key, the fixes of each finding reported there, in the order reported. */
  private final Map<Key, ArrayDeque<List<Fix>>> byFinding = new HashMap<>();

  private AttachedFixes() {}

  /** Starts collecting in {@code context}: the report plugin calls this once, at its start. */
  static AttachedFixes collectIn(Context context) {
    AttachedFixes fixes = context.get(AttachedFixes.class);
    if (fixes == null) {
      fixes = new AttachedFixes();
      context.put(AttachedFixes.class, fixes);
    }
    return fixes;
  }

  /** The collector of {@code context}, or null when no report plugin runs in this compilation. */
  public static @Nullable AttachedFixes of(Context context) {
    return context.get(AttachedFixes.class);
  }

  /**
   * Records the fixes of one finding that {@code check} reports at {@code position} (the
   * diagnostic's preferred position) of {@code file}. Call it once per finding, fixes or none, just
   * before reporting it: two findings at the same place are told apart by their order.
   */
  public void record(JavaFileObject file, long position, String check, List<Fix> fixes) {
    byFinding
        .computeIfAbsent(new Key(file, position, check), k -> new ArrayDeque<>())
        .add(List.copyOf(fixes));
  }

  /** The fixes of the next finding reported at this place, removed; empty when none. */
  List<Fix> take(@Nullable JavaFileObject file, long position, String check) {
    if (file == null) {
      return List.of();
    }
    Key key = new Key(file, position, check);
    ArrayDeque<List<Fix>> findings = byFinding.get(key);
    if (findings == null) {
      return List.of();
    }
    List<Fix> fixes = findings.poll();
    if (findings.isEmpty()) {
      byFinding.remove(key);
    }
    return fixes == null ? List.of() : fixes;
  }
}
