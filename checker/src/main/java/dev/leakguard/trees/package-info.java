/**
 * Source-tree helpers every other package uses: which symbols code names ({@link
 * dev.leakguard.trees.Mentions}), the code a method body runs itself ({@link
 * dev.leakguard.trees.OwnCodeScanner}), subtype tests by class name ({@link
 * dev.leakguard.trees.TypeNames}), the subclasses of a class that the compilation compiles from
 * source ({@link dev.leakguard.trees.Subclasses}), and the body code runs in ({@link
 * dev.leakguard.trees.Enclosing}).
 *
 * <p>Depends on nothing of LeakGuard's own: {@code flow}, {@code race}, {@code fix} and {@code
 * checks} may all use it.
 */
package dev.leakguard.trees;
