/**
 * The must-release engine every obligation check plugs into: a per-method forward analysis over
 * the method's control-flow graph (exceptional edges included) that tracks open obligations, their
 * aliases and hand-offs ({@link dev.leakguard.flow.ObligationAnalysis}), driven by a check's
 * {@link dev.leakguard.flow.ObligationSpec}; and {@link dev.leakguard.flow.FieldLifecycle}, the
 * class-level side of the same question (is a field's resource released by some method); and
 * {@link dev.leakguard.flow.OwnershipSummaries}, the ownership model's reading of methods whose
 * source is in the compilation (does a method hand its caller a fresh obligation, does it keep a
 * parameter or only borrow it).
 *
 * <p>Depends only on {@code trees} and Error Prone; never on {@code race}, {@code fix} or
 * {@code checks}.
 */
package dev.leakguard.flow;
