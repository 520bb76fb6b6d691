package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.BindingPatternTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Moving a local declaration out of a run of statements that becomes a {@code try} block, when code
 * after the block still uses it: {@code T x = init;} inside becomes {@code T x;} before the {@code
 * try} and {@code x = init;} inside. Shared by {@link ScopedRegion} (try/finally) and {@link
 * TryWithResourcesFix}: the same rules decide whether a declaration can move, and the same edits
 * move it.
 */
final class Hoisting {

  private Hoisting() {}

  /** An edit of the source text: replace {@code [from, to)} by {@code text}. */
  record Replacement(int from, int to, String text) {}

  /**
   * Why the declaration {@code statements.get(index)} cannot be declared before the region that
   * starts at {@code statements.get(regionStart)}; null when it can. Worded to follow "no fix is
   * offered: ".
   */
  static @Nullable String whyNotHoistable(
      List<? extends StatementTree> statements, int regionStart, int index, VisitorState state) {
    VariableTree variable = (VariableTree) statements.get(index);
    Symbol symbol = ASTHelpers.getSymbol(variable);
    String name = variable.getName().toString();
    if (symbol == null) {
      return "the code around `" + name + "` has a shape the fix does not handle";
    }
    if (isMultiDeclaration(statements, index)
        || (index > 0 && isMultiDeclaration(statements, index - 1))) {
      return "`" + name + "` is declared together with other variables";
    }
    if (variable.getInitializer() instanceof NewArrayTree array && array.getType() == null) {
      return "`" + name + "` is initialized with an array initializer";
    }
    if (ASTHelpers.hasImplicitType(variable, state) && !isDenotable(symbol.type)) {
      return "the type of `" + name + "` cannot be written out";
    }
    if (namesSomethingElse(statements.subList(regionStart, index), name, symbol)) {
      return "`" + name + "` would hide another `" + name + "` used in the region";
    }
    return null;
  }

  /**
   * {@code Type name;}, the declaration that goes before the {@code try}: annotations kept, {@code
   * var} spelled out, {@code final} dropped.
   */
  static String declaration(VariableTree variable, SuggestedFix.Builder fix, VisitorState state) {
    StringBuilder text = new StringBuilder();
    for (AnnotationTree annotation : variable.getModifiers().getAnnotations()) {
      text.append(state.getSourceForNode(annotation)).append(' ');
    }
    String type =
        ASTHelpers.hasImplicitType(variable, state)
            ? SuggestedFixes.prettyType(state, fix, ASTHelpers.getSymbol(variable).type)
            : state.getSourceForNode(variable.getType());
    return text.append(type).append(' ').append(variable.getName()).append(';').toString();
  }

  /**
   * What becomes of the declaration inside the region: {@code T x = init;} becomes {@code x =
   * init;}; {@code T x;} is deleted, with its line when nothing else is on it.
   */
  static Replacement inRegion(VariableTree variable, VisitorState state) {
    int start = ASTHelpers.getStartPosition(variable);
    if (variable.getInitializer() == null) {
      int[] range = SourceText.deletionRange(state.getSourceCode(), start, state.getEndPosition(variable));
      return new Replacement(range[0], range[1], "");
    }
    return new Replacement(
        start, ASTHelpers.getStartPosition(variable.getInitializer()), variable.getName() + " = ");
  }

  /** Whether {@code statements.get(i)} declares a variable with others: {@code int a, b;}. */
  static boolean declaresOthersWith(List<? extends StatementTree> statements, int i) {
    return i >= 0
        && i < statements.size()
        && (isMultiDeclaration(statements, i) || (i > 0 && isMultiDeclaration(statements, i - 1)));
  }

  /** javac gives each variable of {@code int a, b;} its own tree, all starting at the type. */
  private static boolean isMultiDeclaration(List<? extends StatementTree> statements, int i) {
    return i + 1 < statements.size()
        && statements.get(i) instanceof VariableTree
        && statements.get(i + 1) instanceof VariableTree
        && ASTHelpers.getStartPosition(statements.get(i))
            == ASTHelpers.getStartPosition(statements.get(i + 1));
  }

  /** Whether any of {@code trees} names one of {@code symbols} (a local class's members too). */
  static boolean mentions(List<? extends Tree> trees, Set<? extends Symbol> symbols) {
    return Mentions.mentionsAny(trees, symbols);
  }

  /** The index of the last of {@code statements} from {@code from} on that mentions a symbol, or -1. */
  static int lastUse(List<? extends StatementTree> statements, int from, Set<? extends Symbol> symbols) {
    for (int i = statements.size() - 1; i >= from; i--) {
      if (mentions(List.of(statements.get(i)), symbols)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * What a statement declares into its block: a variable, a local class, or the bindings of
   * patterns its own code tests ({@code if (!(o instanceof String s)) return;}).
   */
  static Set<Symbol> topLevelDeclarations(StatementTree statement) {
    Set<Symbol> declared = new LinkedHashSet<>();
    if (statement instanceof VariableTree || statement instanceof ClassTree) {
      Symbol symbol = ASTHelpers.getSymbol(statement);
      if (symbol != null) {
        declared.add(symbol);
      }
      if (statement instanceof ClassTree) {
        return declared;
      }
    }
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitBindingPattern(BindingPatternTree node, Void unused) {
        Symbol symbol = ASTHelpers.getSymbol(node.getVariable());
        if (symbol != null) {
          declared.add(symbol);
        }
        return super.visitBindingPattern(node, null);
      }
    }.scan(statement, null);
    return declared;
  }

  /** Whether {@code name} appears in {@code trees} meaning something other than {@code symbol}. */
  private static boolean namesSomethingElse(
      List<? extends Tree> trees, String name, Symbol symbol) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree identifier, Void unused) {
        found[0] |=
            identifier.getName().contentEquals(name)
                && !symbol.equals(ASTHelpers.getSymbol(identifier));
        return null;
      }
    }.scan(trees, null);
    return found[0];
  }

  /** Whether source code can name {@code type} (no anonymous classes, captures, intersections). */
  static boolean isDenotable(@Nullable Type type) {
    if (type == null || type.isErroneous() || type.hasTag(TypeTag.BOT)) {
      return false;
    }
    if (type.isPrimitive()) {
      return true;
    }
    if (type instanceof Type.ArrayType array) {
      return isDenotable(array.elemtype);
    }
    if (type instanceof Type.WildcardType wildcard) {
      return wildcard.type == null || wildcard.isUnbound() || isDenotable(wildcard.type);
    }
    if (type instanceof Type.CapturedType || type.isIntersection() || type.isUnion()) {
      return false;
    }
    if (type instanceof Type.TypeVar) {
      return true;
    }
    if (type.tsym == null || type.tsym.isAnonymous()) {
      return false;
    }
    for (Type argument : type.getTypeArguments()) {
      if (!isDenotable(argument)) {
        return false;
      }
    }
    return type.getEnclosingType() == null
        || !type.getEnclosingType().hasTag(TypeTag.CLASS)
        || isDenotable(type.getEnclosingType());
  }
}
