package dev.leakguard.flow;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.PackageSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The identity of a lock-like object as the chain of symbols that reaches it: {@code lock}, {@code
 * this.lock} and {@code Outer.this.lock} are the field symbol; {@code rw.writeLock()} is {@code rw}
 * then {@code writeLock}. Only variables, fields and argument-less calls form keys; anything else
 * (an array element, a call with arguments) has no stable identity and is not tracked.
 */
record AccessKey(ImmutableList<Symbol> symbols) {

  static @Nullable AccessKey of(@Nullable ExpressionTree tree) {
    if (tree == null) {
      return null;
    }
    List<Symbol> symbols = new ArrayList<>();
    return collect(tree, symbols) && !symbols.isEmpty()
        ? new AccessKey(ImmutableList.copyOf(symbols))
        : null;
  }

  /** Whether this key names {@code other} or something reached through it ({@code rw} of {@code rw.writeLock()}). */
  boolean isPrefixOf(@Nullable AccessKey other) {
    return other != null
        && other.symbols.size() >= symbols.size()
        && other.symbols.subList(0, symbols.size()).equals(symbols);
  }

  private static boolean collect(ExpressionTree tree, List<Symbol> out) {
    ExpressionTree expr = strip(tree);
    if (expr instanceof IdentifierTree identifier) {
      if (identifier.getName().contentEquals("this") || identifier.getName().contentEquals("super")) {
        return true;
      }
      Symbol symbol = ASTHelpers.getSymbol(identifier);
      if (symbol instanceof VarSymbol) {
        out.add(symbol);
        return true;
      }
      return symbol instanceof ClassSymbol;
    }
    if (expr instanceof MemberSelectTree select) {
      if (select.getIdentifier().contentEquals("this")) {
        return true;
      }
      Symbol symbol = ASTHelpers.getSymbol(select);
      if (symbol instanceof ClassSymbol || symbol instanceof PackageSymbol) {
        return true;
      }
      if (!(symbol instanceof VarSymbol)) {
        return false;
      }
      if (!symbol.isStatic() && !collect(select.getExpression(), out)) {
        return false;
      }
      out.add(symbol);
      return true;
    }
    if (expr instanceof MethodInvocationTree call) {
      if (!call.getArguments().isEmpty()) {
        return false;
      }
      Symbol symbol = ASTHelpers.getSymbol(call);
      if (!(symbol instanceof MethodSymbol)) {
        return false;
      }
      ExpressionTree receiver = ASTHelpers.getReceiver(call);
      if (receiver != null && !symbol.isStatic() && !collect(receiver, out)) {
        return false;
      }
      out.add(symbol);
      return true;
    }
    return false;
  }

  private static ExpressionTree strip(ExpressionTree tree) {
    ExpressionTree expr = tree;
    while (true) {
      if (expr instanceof ParenthesizedTree parens) {
        expr = parens.getExpression();
      } else if (expr instanceof TypeCastTree cast) {
        expr = cast.getExpression();
      } else {
        return expr;
      }
    }
  }
}
