package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import org.jspecify.annotations.Nullable;

/**
 * Ends a {@code Deflater} or {@code Inflater} given to one of the JDK's codec streams in the same
 * expression, when that stream is closed: the stream's own {@code close()} never ends a codec it
 * was given (hsqldb's {@code FileArchiver}: {@code new DeflaterOutputStream(f, new
 * Deflater(Deflater.BEST_SPEED), b.length)}). The stream becomes an anonymous subclass whose
 * {@code close()} ends the codec after closing, through the protected field that keeps it:
 *
 * <pre>{@code
 * new DeflaterOutputStream(out, new Deflater(level), size) {
 *   @Override
 *   public void close() throws IOException {
 *     try {
 *       super.close();
 *     } finally {
 *       def.end();
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>The codec is then released exactly when the stream is: where the stream is closed on every
 * path, so is the codec, however long the stream lives. No fix when the stream's class or its
 * {@code close()} is final, or the {@code new} already has a class body.
 */
public final class CodecEndOnCloseFix {

  /** What the fix does, worded to follow "Did you mean to". */
  public static final String WHAT_IT_DOES =
      "end it when the stream it is given to is closed, in that stream's close()";

  private CodecEndOnCloseFix() {}

  /**
   * The rewrite for the codec made at {@code codec}, an argument of a codec stream's {@code new}
   * that keeps it in {@code field}; null when that is not the shape. Never throws.
   */
  public static @Nullable Rewrite propose(TreePath codec, String field, VisitorState state) {
    try {
      TreePath path = codec.getParentPath();
      while (path.getLeaf() instanceof ParenthesizedTree) {
        path = path.getParentPath();
      }
      if (!(path.getLeaf() instanceof NewClassTree stream) || stream.getClassBody() != null) {
        return null;
      }
      Symbol constructed = ASTHelpers.getSymbol(stream.getIdentifier());
      int end = state.getEndPosition(stream);
      if (constructed == null
          || (constructed.flags() & Flags.FINAL) != 0
          || closeIsFinal(constructed, state)
          || !stream.getTypeArguments().isEmpty()
          || end <= 0) {
        return null;
      }
      CharSequence source = state.getSourceCode();
      // The statement the stream is made in (of a block, or of a `case`), for the indentation.
      TreePath statement = path;
      while (statement != null
          && !(statement.getLeaf() instanceof StatementTree
              && (statement.getParentPath().getLeaf() instanceof BlockTree
                  || statement.getParentPath().getLeaf() instanceof CaseTree))) {
        statement = statement.getParentPath();
      }
      if (statement == null) {
        return null;
      }
      int statementStart = ASTHelpers.getStartPosition(statement.getLeaf());
      String indent = SourceText.indentOf(source, statementStart);
      String outer =
          SourceText.leadingWhitespace(
              source,
              SourceText.lineStart(
                  source, ASTHelpers.getStartPosition(statement.getParentPath().getLeaf())));
      String unit = SourceText.indentUnit(indent, outer);
      SuggestedFix.Builder fix = SuggestedFix.builder();
      String ioException = SuggestedFixes.qualifyType(state, fix, "java.io.IOException");
      String text =
          " {\n"
              + indent + unit + "@Override\n"
              + indent + unit + "public void close() throws " + ioException + " {\n"
              + indent + unit.repeat(2) + "try {\n"
              + indent + unit.repeat(3) + "super.close();\n"
              + indent + unit.repeat(2) + "} finally {\n"
              + indent + unit.repeat(3) + field + ".end();\n"
              + indent + unit.repeat(2) + "}\n"
              + indent + unit + "}\n"
              + indent + "}";
      fix.replace(end, end, text);
      return new Rewrite(fix.build(), null, WHAT_IT_DOES);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether the nearest {@code close()} of {@code type} or a superclass is final (a project's
   * subclass of a codec stream may seal it): an anonymous subclass could not override it.
   */
  private static boolean closeIsFinal(Symbol type, VisitorState state) {
    for (Type c = type.type;
        c != null && c.hasTag(TypeTag.CLASS);
        c = state.getTypes().supertype(c)) {
      for (Symbol member : c.tsym.members().getSymbolsByName(state.getName("close"))) {
        if (member instanceof MethodSymbol method && method.getParameters().isEmpty()) {
          return (method.flags() & Flags.FINAL) != 0;
        }
      }
    }
    return false;
  }
}
