/**
 * The check-then-act analysis behind {@code RateLimitRace}: which fields hold time or permit state
 * ({@link dev.leakguard.race.RateLimitState}), where a method reads, compares and writes them
 * ({@link dev.leakguard.race.CheckThenActAnalysis}), which lock, monitor or atomic already makes
 * that one step ({@link dev.leakguard.race.CriticalSections}), and which fields other threads can
 * reach at all ({@link dev.leakguard.race.SharedState}). An atomicity question, not a release
 * obligation, so it does not use the must-release engine.
 *
 * <p>Depends only on {@code trees} and Error Prone; never on {@code flow}, {@code fix} or
 * {@code checks}.
 */
package dev.leakguard.race;
