/**
 * The scoped-form rewrites the checks share: try/finally around a region ({@link
 * dev.leakguard.fix.TryFinallyFix}), try-with-resources ({@link
 * dev.leakguard.fix.TryWithResourcesFix}), a close on failure for a resource kept on success
 * ({@link dev.leakguard.fix.CloseOnFailureFix}), a check-then-act made one step ({@link
 * dev.leakguard.fix.CriticalSectionFix}), and what they need to keep the code compiling (hoisted
 * declarations, the region's extent, the source text around it).
 *
 * <p>Depends on {@code trees} and Error Prone, and on {@code report.AttachedFixes}, through which
 * {@link dev.leakguard.fix.FixValidation#report} hands each fix's edits to the report plugin; never
 * on {@code checks}.
 */
package dev.leakguard.fix;
