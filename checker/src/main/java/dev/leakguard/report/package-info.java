/**
 * The {@code LeakGuardReport} javac plugin: it taps javac's diagnostics next to Error Prone and
 * writes LeakGuard's findings as SARIF and gates the build on a baseline of known findings.
 *
 * <p>Depends on no other LeakGuard package at compile time; it reads the checks' {@code
 * @BugPattern} metadata by class name when it writes a report, and receives their fixes through
 * {@link dev.leakguard.report.AttachedFixes}, which {@code fix} fills.
 */
package dev.leakguard.report;
