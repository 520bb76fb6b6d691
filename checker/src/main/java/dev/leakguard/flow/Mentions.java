package dev.leakguard.flow;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Whether code names a symbol: by its simple name or through a member select. */
public final class Mentions {

  private Mentions() {}

  /** Whether {@code tree} names {@code symbol} anywhere (nested lambdas and classes too). */
  public static boolean mentions(@Nullable Tree tree, Symbol symbol) {
    return tree != null && mentionsAny(List.of(tree), Set.of(symbol));
  }

  /** Whether any of {@code trees} names one of {@code symbols} (a local class's members too). */
  public static boolean mentionsAny(List<? extends Tree> trees, Set<? extends Symbol> symbols) {
    if (symbols.isEmpty()) {
      return false;
    }
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        return found[0] ? null : super.scan(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        found[0] |= names(node);
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void unused) {
        found[0] |= names(node);
        return super.visitMemberSelect(node, null);
      }

      // Not `symbols.contains(null)`: an immutable set throws on it, and a name can lack a symbol.
      private boolean names(Tree node) {
        Symbol symbol = ASTHelpers.getSymbol(node);
        return symbol != null && symbols.contains(symbol);
      }
    }.scan(trees, null);
    return found[0];
  }
}
