package dev.leakguard.checks;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Rewrites of a Java source that keep its meaning but change its shape, the shapes a fix must
 * survive: statements wrapped over several lines, comments between statements, each method body
 * moved into a nested block, a loop, a lambda or a {@code switch} arm, strings as text blocks, and
 * {@code var} for declared types. Made by editing the text at tree positions (the source is only
 * parsed), so a variant may not compile (a {@code var} where it changes a type, a lambda around a
 * body that throws); callers compile each one first and skip those.
 */
final class SourceVariants {

  private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();

  private final String source;
  private final CompilationUnitTree unit;
  private final SourcePositions positions;

  private SourceVariants(String source) {
    this.source = source;
    JavaFileObject file =
        new SimpleJavaFileObject(URI.create("string:///Variant.java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    JavacTask task =
        (JavacTask) JAVAC.getTask(null, null, d -> {}, List.of("-proc:none"), null, List.of(file));
    try {
      this.unit = task.parse().iterator().next();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.positions = Trees.instance(task).getSourcePositions();
  }

  /** Each variant's name and text; variants that change nothing are left out. */
  static Map<String, String> of(String source) {
    SourceVariants variants = new SourceVariants(source);
    Map<String, String> all = new LinkedHashMap<>();
    variants.add(all, "wrappedAfterEquals", variants::wrapAfterEquals);
    variants.add(all, "wrappedArguments", variants::wrapArguments);
    variants.add(all, "commentsBetweenStatements", variants::comments);
    variants.add(all, "nestedBlock", (m, e) -> variants.wrapBody(m, e, "{", "}"));
    variants.add(all, "loop", (m, e) -> variants.wrapBody(m, e, "do {", "} while (false);"));
    variants.add(
        all,
        "switchArm",
        (m, e) -> variants.wrapBody(m, e, "switch (1) {\ncase 0 -> {}\ndefault -> {", "}\n}"));
    variants.add(all, "lambdaBody", variants::lambdaBody);
    variants.add(all, "textBlocks", variants::textBlocks);
    variants.add(all, "var", variants::useVar);
    return all;
  }

  /** One edit of the text: replace {@code [from, to)} by {@code text}. */
  private record Edit(int from, int to, String text) {}

  private void add(
      Map<String, String> all, String name, BiConsumer<MethodTree, List<Edit>> perMethod) {
    List<Edit> edits = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethod(MethodTree method, Void unused) {
        if (method.getBody() != null && !method.getName().contentEquals("<init>")) {
          perMethod.accept(method, edits);
        }
        return null; // nested classes' methods are edited with their enclosing method
      }
    }.scan(unit, null);
    if (edits.isEmpty()) {
      return;
    }
    edits.sort(Comparator.comparingInt(Edit::from).thenComparingInt(Edit::to).reversed());
    StringBuilder text = new StringBuilder(source);
    int lowest = Integer.MAX_VALUE;
    for (Edit edit : edits) {
      if (edit.to() > lowest) {
        continue; // overlaps an edit already made; a variant needs no more than the rest
      }
      text.replace(edit.from(), edit.to(), edit.text());
      lowest = edit.from();
    }
    if (!text.toString().equals(source)) {
      all.put(name, text.toString());
    }
  }

  // ---- the variants, per method body --------------------------------------------------------

  private void wrapAfterEquals(MethodTree method, List<Edit> edits) {
    scanBody(
        method,
        new TreePathScanner<Void, Void>() {
          @Override
          public Void visitVariable(VariableTree variable, Void unused) {
            if (variable.getInitializer() != null) {
              breakBefore(variable.getInitializer(), '=', edits);
            }
            return super.visitVariable(variable, null);
          }
        });
  }

  private void wrapArguments(MethodTree method, List<Edit> edits) {
    scanBody(
        method,
        new TreePathScanner<Void, Void>() {
          @Override
          public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
            breakBeforeEach(call.getArguments());
            return super.visitMethodInvocation(call, null);
          }

          @Override
          public Void visitNewClass(NewClassTree newClass, Void unused) {
            breakBeforeEach(newClass.getArguments());
            return super.visitNewClass(newClass, null);
          }

          private void breakBeforeEach(List<? extends ExpressionTree> arguments) {
            for (int i = 0; i < arguments.size(); i++) {
              breakBefore(arguments.get(i), i == 0 ? '(' : ',', edits);
            }
          }
        });
  }

  private void comments(MethodTree method, List<Edit> edits) {
    scanBody(
        method,
        new TreePathScanner<Void, Void>() {
          @Override
          public Void visitBlock(BlockTree block, Void unused) {
            commentEach(block.getStatements());
            return super.visitBlock(block, null);
          }

          @Override
          public Void visitCase(CaseTree caseTree, Void unused) {
            if (caseTree.getStatements() != null
                && caseTree.getCaseKind() == CaseTree.CaseKind.STATEMENT) {
              commentEach(caseTree.getStatements());
            }
            return super.visitCase(caseTree, null);
          }

          private void commentEach(List<? extends StatementTree> statements) {
            for (StatementTree statement : statements) {
              int start = start(statement);
              int end = end(statement);
              edits.add(new Edit(start, start, "// before\n" + indentAt(start)));
              if (source.substring(end, lineEnd(end)).isBlank()) {
                edits.add(new Edit(end, end, " // after"));
              }
            }
          }
        });
  }

  private void wrapBody(MethodTree method, List<Edit> edits, String open, String close) {
    BlockTree body = method.getBody();
    if (body.getStatements().isEmpty()) {
      return;
    }
    int start = start(body);
    int end = end(body);
    edits.add(new Edit(start + 1, start + 1, "\n" + open));
    edits.add(new Edit(end - 1, end - 1, close + "\n"));
  }

  /** A void method's body runs in a lambda: {@code Runnable body = () -> {…}; body.run();}. */
  private void lambdaBody(MethodTree method, List<Edit> edits) {
    if (method.getReturnType() instanceof PrimitiveTypeTree primitive
        && primitive.getPrimitiveTypeKind() == javax.lang.model.type.TypeKind.VOID) {
      wrapBody(method, edits, "Runnable lgBody = () -> {", "};\nlgBody.run();");
    }
  }

  private void textBlocks(MethodTree method, List<Edit> edits) {
    scanBody(
        method,
        new TreePathScanner<Void, Void>() {
          @Override
          public Void visitLiteral(LiteralTree literal, Void unused) {
            int start = start(literal);
            int end = end(literal);
            String text = source.substring(start, end);
            if (literal.getKind() == Tree.Kind.STRING_LITERAL
                && !text.startsWith("\"\"\"")
                && !text.contains("\\")
                && !(getCurrentPath().getParentPath().getLeaf() instanceof CaseTree)) {
              String content = text.substring(1, text.length() - 1);
              edits.add(
                  new Edit(start, end, "\"\"\"\n" + indentAt(start) + "    " + content + "\"\"\""));
            }
            return null;
          }
        });
  }

  private void useVar(MethodTree method, List<Edit> edits) {
    scanBody(
        method,
        new TreePathScanner<Void, Void>() {
          private int lastTypeStart = -1;

          @Override
          public Void visitVariable(VariableTree variable, Void unused) {
            ExpressionTree init = variable.getInitializer();
            Tree type = variable.getType();
            int typeStart = type == null ? -1 : start(type);
            boolean shared = typeStart == lastTypeStart; // `T a = …, b = …;`
            lastTypeStart = typeStart;
            if (init != null
                && typeStart >= 0
                && !shared
                && !(type instanceof PrimitiveTypeTree)
                && !(init instanceof LambdaExpressionTree)
                && !(init instanceof MemberReferenceTree)
                && !(init instanceof NewArrayTree array && array.getType() == null)
                && init.getKind() != Tree.Kind.NULL_LITERAL
                && !source.substring(typeStart, end(type)).equals("var")) {
              edits.add(new Edit(typeStart, end(type), "var"));
            }
            return super.visitVariable(variable, null);
          }
        });
  }

  // ---- text helpers -------------------------------------------------------------------------

  private void scanBody(MethodTree method, TreePathScanner<Void, Void> scanner) {
    scanner.scan(new com.sun.source.util.TreePath(
        com.sun.source.util.TreePath.getPath(unit, method), method.getBody()), null);
  }

  /**
   * Breaks the line just before {@code tree} when the code before it, past blanks, ends with
   * {@code token}: the continuation is indented two levels deeper than the line.
   */
  private void breakBefore(Tree tree, char token, List<Edit> edits) {
    int start = start(tree);
    int blanks = start;
    while (blanks > 0 && (source.charAt(blanks - 1) == ' ' || source.charAt(blanks - 1) == '\t')) {
      blanks--;
    }
    if (blanks > 0 && source.charAt(blanks - 1) == token) {
      edits.add(new Edit(blanks, start, "\n" + indentAt(start) + "        "));
    }
  }

  private String indentAt(int position) {
    int lineStart = source.lastIndexOf('\n', position - 1) + 1;
    int i = lineStart;
    while (i < position && (source.charAt(i) == ' ' || source.charAt(i) == '\t')) {
      i++;
    }
    return source.substring(lineStart, i);
  }

  private int lineEnd(int position) {
    int end = source.indexOf('\n', position);
    return end < 0 ? source.length() : end;
  }

  private int start(Tree tree) {
    return (int) positions.getStartPosition(unit, tree);
  }

  private int end(Tree tree) {
    return (int) positions.getEndPosition(unit, tree);
  }
}
