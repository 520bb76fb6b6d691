package dev.leakguard.trees;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Whether code names a symbol, and which symbols it names: by a simple name or through a member
 * select, nested lambdas and classes included. The one place that walks names for every package.
 */
public final class Mentions {

  private Mentions() {}

  /** Whether {@code tree} names {@code symbol} anywhere (nested lambdas and classes too). */
  public static boolean mentions(@Nullable Tree tree, Symbol symbol) {
    return tree != null && mentionsAny(List.of(tree), Set.of(symbol));
  }

  /** Whether any of {@code trees} names one of {@code symbols} (a local class's members too). */
  public static boolean mentionsAny(List<? extends Tree> trees, Set<? extends Symbol> symbols) {
    // Not `symbols.contains(null)`: an immutable set throws on it (names without one are skipped).
    return !symbols.isEmpty() && new NameScanner(symbols::contains).find(trees);
  }

  /** Calls {@code action} with the symbol of every name in {@code tree} that has one. */
  public static void forEachNamed(@Nullable Tree tree, Consumer<Symbol> action) {
    new NameScanner(
            symbol -> {
              action.accept(symbol);
              return false;
            })
        .find(tree == null ? List.of() : List.of(tree));
  }

  /**
   * Calls {@code action} with the symbol of every name below {@code root} that has one, and the
   * path to that name, for callers that ask where each name is used.
   */
  public static void forEachNamed(TreePath root, BiConsumer<Symbol, TreePath> action) {
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        accept(ASTHelpers.getSymbol(node));
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void unused) {
        accept(ASTHelpers.getSymbol(node));
        return super.visitMemberSelect(node, null);
      }

      private void accept(@Nullable Symbol symbol) {
        if (symbol != null) {
          action.accept(symbol, getCurrentPath());
        }
      }
    }.scan(root, null);
  }

  /**
   * Whether every name below {@code root} that refers to {@code symbol} passes {@code use}: a
   * parameter a method only tests for null and closes, or only calls.
   */
  public static boolean everyUse(TreePath root, Symbol symbol, Predicate<TreePath> use) {
    boolean[] other = {false};
    forEachNamed(
        root,
        (named, path) -> {
          if (named.equals(symbol) && !use.test(path)) {
            other[0] = true;
          }
        });
    return !other[0];
  }

  /** Whether the name at {@code use} is compared with null: {@code x == null}, {@code null != x}. */
  public static boolean isComparedToNull(TreePath use) {
    return use.getParentPath() != null
        && use.getParentPath().getLeaf() instanceof BinaryTree test
        && (test.getKind() == Tree.Kind.EQUAL_TO || test.getKind() == Tree.Kind.NOT_EQUAL_TO)
        && (test.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL
            || test.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL);
  }

  /** Visits the symbols of names until {@code stop} answers true for one. */
  private static final class NameScanner extends TreeScanner<Void, Void> {
    private final Predicate<Symbol> stop;
    private boolean stopped;

    NameScanner(Predicate<Symbol> stop) {
      this.stop = stop;
    }

    boolean find(List<? extends Tree> trees) {
      scan(trees, null);
      return stopped;
    }

    @Override
    public Void scan(Tree tree, Void unused) {
      return stopped ? null : super.scan(tree, null);
    }

    @Override
    public Void visitIdentifier(IdentifierTree node, Void unused) {
      visitName(node);
      return null;
    }

    @Override
    public Void visitMemberSelect(MemberSelectTree node, Void unused) {
      visitName(node);
      return super.visitMemberSelect(node, null);
    }

    private void visitName(Tree node) {
      Symbol symbol = ASTHelpers.getSymbol(node);
      stopped |= symbol != null && stop.test(symbol);
    }
  }
}
