package dev.leakguard.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What identifies a finding across edits that do not touch it: the check, the file, the enclosing
 * class and member, the flagged source text with its whitespace collapsed, and which occurrence of
 * that same text in that member it is. No line numbers, so adding code above a finding keeps it.
 *
 * @param check the check name
 * @param file the path relative to the report root, with {@code /} separators
 * @param owner the enclosing class, e.g. {@code com.example.Cache.Loader}; a class declared inside
 *     a method carries that method, e.g. {@code com.example.Cache.load(String).{anonymous}}
 * @param member the enclosing method signature ({@code put(String, byte[])}), field name or
 *     initializer ({@code {init}}, {@code {static init}}); empty at class level
 * @param code the flagged source text, whitespace runs collapsed to one space
 * @param occurrence 0 for the first finding with all the fields above equal, 1 for the next, …
 */
record Fingerprint(
    String check, String file, String owner, String member, String code, int occurrence)
    implements Comparable<Fingerprint> {

  static final String HEADER =
      "# LeakGuard baseline v1: check, file, class, member, code, occurrence (tab-separated)";

  /** The baseline file's line for this fingerprint. */
  String toLine() {
    return String.join(
        "\t", clean(check), clean(file), clean(owner), clean(member), clean(code),
        Integer.toString(occurrence));
  }

  /** Parses a baseline line, or returns null when it is not one. */
  static Fingerprint parse(String line) {
    String[] fields = line.split("\t", -1);
    if (fields.length != 6) {
      return null;
    }
    try {
      return new Fingerprint(
          fields[0], fields[1], fields[2], fields[3], fields[4], Integer.parseInt(fields[5]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A stable hash for SARIF's {@code partialFingerprints}. */
  String hash() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(toLine().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Source text as it appears in a fingerprint: whitespace runs collapsed, trimmed. */
  static String normalize(CharSequence code) {
    return code.toString().replaceAll("\\s+", " ").strip();
  }

  private static String clean(String field) {
    return field.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }

  @Override
  public int compareTo(Fingerprint other) {
    return toLine().compareTo(other.toLine());
  }
}
