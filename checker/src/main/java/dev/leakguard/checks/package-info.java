/**
 * One {@code BugChecker} per bug, each with its spec: what acquires an obligation, what releases
 * or hands it on, the message, and which fix it attaches. A check says <em>what</em>; the engine
 * ({@code flow}), the race analysis ({@code race}) and the rewrites ({@code fix}) say <em>how</em>.
 *
 * <p>Depends on every other package; nothing depends on it (the report plugin finds the checks'
 * metadata by name, at run time).
 */
package dev.leakguard.checks;
