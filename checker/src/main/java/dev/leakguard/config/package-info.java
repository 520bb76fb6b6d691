/**
 * {@link dev.leakguard.config.LeakGuardOptions}: every {@code -XepOpt:} option, read once per
 * compilation and validated (a bad value names the option and what it allows), then handed to the
 * checks' specs. Nothing below {@code checks} reads a flag.
 */
package dev.leakguard.config;
