/**
 * Source-tree helpers every other package uses: which symbols code names ({@link
 * dev.leakguard.trees.Mentions}), the code a method body runs itself ({@link
 * dev.leakguard.trees.OwnCodeScanner}), and subtype tests by class name ({@link
 * dev.leakguard.trees.TypeNames}).
 *
 * <p>Depends on nothing of LeakGuard's own: {@code flow}, {@code race}, {@code fix} and {@code
 * checks} may all use it.
 */
package dev.leakguard.trees;
