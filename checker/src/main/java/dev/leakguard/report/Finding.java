package dev.leakguard.report;

/**
 * One LeakGuard diagnostic of this compilation, as the report and the baseline see it.
 *
 * @param text the parsed diagnostic text
 * @param level SARIF's level: {@code error}, {@code warning} or {@code note}, as reported to the
 *     user (a finding the baseline turned into an error is {@code error})
 * @param uri the file, relative to the report root when it is inside it, else an absolute URI
 * @param relative whether {@code uri} is relative to the report root
 * @param location the region and enclosing class and member
 * @param fingerprint what matches it against a baseline
 * @param baselineState SARIF's {@code new} or {@code unchanged} when gating on a baseline, else
 *     null
 * @param fixes the fixes the check attached, as exact edits; empty when none
 */
record Finding(
    DiagnosticText text,
    String level,
    String uri,
    boolean relative,
    FindingLocator.Location location,
    Fingerprint fingerprint,
    String baselineState,
    java.util.List<AttachedFixes.Fix> fixes) {}
