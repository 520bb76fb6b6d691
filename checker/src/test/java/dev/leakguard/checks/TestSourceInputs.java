package dev.leakguard.checks;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;

/**
 * The Java sources a check's test class feeds its check, read from the test's own source text: text
 * blocks, string arrays, {@code lines(...)} and the string arguments of {@code add…Lines}, with
 * constants of the same file and {@code +} resolved. Lets a suite reuse every existing test input
 * without a copy of it, so a test added later is covered too.
 */
final class TestSourceInputs {

  private static final Pattern TYPE_DECLARATION =
      Pattern.compile("(?m)^\\s*(?:\\w+\\s+)*(class|interface|enum|record)\\s+\\w+");

  private TestSourceInputs() {}

  /** The distinct compilation units that the string expressions of {@code testSource} spell. */
  static List<String> compilationUnitsIn(Path testSource) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      JavacTask task =
          (JavacTask)
              javac.getTask(
                  null, files, d -> {}, List.of("-proc:none"), null,
                  files.getJavaFileObjects(testSource));
      Set<String> units = new LinkedHashSet<>();
      for (CompilationUnitTree unit : task.parse()) {
        new Collector(constantsOf(unit), units).scan(unit, null);
      }
      return new ArrayList<>(units);
    }
  }

  private static Map<String, ExpressionTree> constantsOf(CompilationUnitTree unit) {
    Map<String, ExpressionTree> constants = new HashMap<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        if (variable.getInitializer() != null) {
          constants.putIfAbsent(variable.getName().toString(), variable.getInitializer());
        }
        return super.visitVariable(variable, null);
      }
    }.scan(unit, null);
    return constants;
  }

  /** Evaluates string expressions and keeps those that are compilation units. */
  private static final class Collector extends TreeScanner<Void, Void> {
    private final Map<String, ExpressionTree> constants;
    private final Set<String> units;

    Collector(Map<String, ExpressionTree> constants, Set<String> units) {
      this.constants = constants;
      this.units = units;
    }

    @Override
    public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
      String name = methodName(call);
      List<? extends ExpressionTree> arguments = call.getArguments();
      if ((name.equals("addSourceLines") || name.equals("addInputLines")) && arguments.size() > 1) {
        keep(join(arguments.subList(1, arguments.size()), new HashSet<>()));
      }
      for (ExpressionTree argument : arguments) {
        keep(value(argument, new HashSet<>()));
      }
      return super.visitMethodInvocation(call, null);
    }

    @Override
    public Void visitVariable(VariableTree variable, Void unused) {
      if (variable.getInitializer() != null) {
        keep(value(variable.getInitializer(), new HashSet<>()));
      }
      return super.visitVariable(variable, null);
    }

    private void keep(@Nullable String source) {
      if (source != null && TYPE_DECLARATION.matcher(source).find() && source.contains("{")) {
        units.add(source.endsWith("\n") ? source : source + "\n");
      }
    }

    /** The string an expression spells, or null when it is not a constant of this file. */
    private @Nullable String value(Tree tree, Set<String> resolving) {
      if (tree instanceof LiteralTree literal && literal.getValue() instanceof String text) {
        return text;
      }
      if (tree instanceof ParenthesizedTree parenthesized) {
        return value(parenthesized.getExpression(), resolving);
      }
      if (tree instanceof BinaryTree binary && tree.getKind() == Tree.Kind.PLUS) {
        String left = value(binary.getLeftOperand(), resolving);
        String right = value(binary.getRightOperand(), resolving);
        return left == null || right == null ? null : left + right;
      }
      if (tree instanceof IdentifierTree identifier) {
        String name = identifier.getName().toString();
        ExpressionTree constant = constants.get(name);
        if (constant == null || !resolving.add(name)) {
          return null;
        }
        String text = value(constant, resolving);
        resolving.remove(name);
        return text;
      }
      if (tree instanceof NewArrayTree array && array.getInitializers() != null) {
        return join(array.getInitializers(), resolving);
      }
      if (tree instanceof MethodInvocationTree call && methodName(call).equals("lines")) {
        return join(call.getArguments(), resolving);
      }
      return null;
    }

    /** One line per element, as {@code addSourceLines} joins them. */
    private @Nullable String join(List<? extends ExpressionTree> lines, Set<String> resolving) {
      StringBuilder text = new StringBuilder();
      for (ExpressionTree line : lines) {
        String value = value(line, resolving);
        if (value == null) {
          return null;
        }
        text.append(value).append('\n');
      }
      return text.toString();
    }

    private static String methodName(MethodInvocationTree call) {
      String select = call.getMethodSelect().toString();
      return select.substring(select.lastIndexOf('.') + 1);
    }
  }
}
