package dev.leakguard.flow;

import static com.google.errorprone.matchers.Description.NO_MATCH;
import static com.google.errorprone.matchers.method.MethodMatchers.constructor;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;

import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.SeverityLevel;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.LambdaExpressionTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import org.jspecify.annotations.Nullable;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The engine on its own, through a minimal spec: {@code new Res()} acquires a value obligation,
 * {@code Gate.enter()} / {@code tryEnter()} a keyed one; {@code close()} and {@code exit()} release;
 * {@code new Wrapper(res)} wraps and {@code Owner.take(res)} takes ownership.
 */
@RunWith(JUnit4.class)
public class ObligationAnalysisTest {

  /** Reports every leak the engine finds, with its message. */
  @BugPattern(summary = "test harness for the must-release engine", severity = SeverityLevel.WARNING)
  public static final class LeakReporter extends BugChecker
      implements MethodTreeMatcher, LambdaExpressionTreeMatcher {
    private static final Matcher<ExpressionTree> NEW_RES = constructor().forClass("t.Res");
    private static final Matcher<ExpressionTree> ENTER =
        instanceMethod().onDescendantOf("t.Gate").named("enter");
    private static final Matcher<ExpressionTree> TRY_ENTER =
        instanceMethod().onDescendantOf("t.Gate").named("tryEnter");
    private static final Matcher<ExpressionTree> EXIT =
        instanceMethod().onDescendantOf("t.Gate").named("exit");
    private static final Matcher<ExpressionTree> HELD =
        instanceMethod().onDescendantOf("t.Gate").named("isHeld");
    private static final Matcher<ExpressionTree> CLOSE =
        instanceMethod().onDescendantOf("java.lang.AutoCloseable").named("close");
    private static final Matcher<ExpressionTree> NEW_WRAPPER = constructor().forClass("t.Wrapper");
    private static final Matcher<ExpressionTree> TAKE =
        com.google.errorprone.matchers.method.MethodMatchers.staticMethod()
            .onClass("t.Owner")
            .named("take");

    private static final ObligationSpec SPEC =
        new ObligationSpec() {
          @Override
          public ObligationSpec.@Nullable Acquisition acquisitionAt(
              ExpressionTree expression, VisitorState state) {
            if (NEW_RES.matches(expression, state)) {
              return new Acquisition(Condition.ALWAYS, null, "res");
            }
            if (ENTER.matches(expression, state)) {
              return new Acquisition(
                  Condition.ALWAYS, ASTHelpers.getReceiver(expression), "gate");
            }
            if (TRY_ENTER.matches(expression, state)) {
              return new Acquisition(
                  Condition.IF_TRUE, ASTHelpers.getReceiver(expression), "gate");
            }
            return null;
          }

          @Override
          public Operand releasedOperand(MethodInvocationTree call, VisitorState state) {
            return CLOSE.matches(call, state) || EXIT.matches(call, state)
                ? Operand.RECEIVER
                : Operand.NONE;
          }

          @Override
          public Operand heldTestOperand(MethodInvocationTree call, VisitorState state) {
            return HELD.matches(call, state) ? Operand.RECEIVER : Operand.NONE;
          }

          @Override
          public ArgumentEffect argumentEffect(
              ExpressionTree callOrNew, int index, VisitorState state) {
            if (NEW_WRAPPER.matches(callOrNew, state)) {
              return ArgumentEffect.WRAPS;
            }
            return TAKE.matches(callOrNew, state)
                ? ArgumentEffect.TAKES_OWNERSHIP
                : ArgumentEffect.BORROWS;
          }

          @Override
          public String leakVerb() {
            return "leaks";
          }
        };

    @Override
    public Description matchMethod(MethodTree tree, VisitorState state) {
      return report(state);
    }

    @Override
    public Description matchLambdaExpression(LambdaExpressionTree tree, VisitorState state) {
      return report(state);
    }

    private Description report(VisitorState state) {
      for (Leak leak : ObligationAnalysis.findLeaks(state.getPath(), SPEC, state)) {
        state.reportMatch(
            buildDescription(leak.site()).setMessage(leak.describe(SPEC.leakVerb())).build());
      }
      return NO_MATCH;
    }
  }

  private static final String[] LIBRARY = {
    "package t;",
    "class Res implements AutoCloseable {",
    "  public void use() {}",
    "  @Override public void close() {}",
    "}",
    "class Wrapper implements AutoCloseable {",
    "  Wrapper(Res r) {}",
    "  @Override public void close() {}",
    "}",
    "class Gate {",
    "  void enter() {}",
    "  boolean tryEnter() { return true; }",
    "  boolean isHeld() { return true; }",
    "  void exit() {}",
    "}",
    "class Owner {",
    "  static void take(Res r) {}",
    "}",
  };

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(LeakReporter.class, getClass())
          .addSourceLines("t/Library.java", LIBRARY);

  @Test
  public void closedOnlyOnNormalPath_namesTheThrowingCall() {
    helper
        .addSourceLines(
            "t/A.java",
            "package t;",
            "class A {",
            "  void f() {",
            "    // BUG: Diagnostic contains: `r` leaks if `r.use()` throws",
            "    Res r = new Res();",
            "    r.use();",
            "    r.close();",
            "  }",
            "  void scoped() {",
            "    try (Res r = new Res()) {",
            "      r.use();",
            "    }",
            "  }",
            "  void existingVariable() {",
            "    Res r = new Res();",
            "    try (r) {",
            "      r.use();",
            "    }",
            "  }",
            "  void finallyWithNullCheck() {",
            "    Res r = null;",
            "    try {",
            "      r = new Res();",
            "      r.use();",
            "    } finally {",
            "      if (r != null) {",
            "        r.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void handOffs() {
    helper
        .addSourceLines(
            "t/B.java",
            "package t;",
            "import java.util.List;",
            "class B {",
            "  Res field;",
            "  Res returned() { return new Res(); }",
            "  void stored() { field = new Res(); }",
            "  void borrowedOnly(List<Res> all) {",
            "    // BUG: Diagnostic contains: leaks on any path",
            "    all.add(new Res());",
            "  }",
            "  void owned() { Owner.take(new Res()); }",
            "  Runnable captured() { Res r = new Res(); return () -> r.use(); }",
            "  void wrapped() throws Exception {",
            "    Wrapper w = new Wrapper(new Res());",
            "    w.close();",
            "  }",
            "  void wrappedLeak() throws Exception {",
            "    // BUG: Diagnostic contains: leaks on any path",
            "    Wrapper w = new Wrapper(new Res());",
            "  }",
            "  void never() {",
            "    // BUG: Diagnostic contains: `r` leaks on any path",
            "    Res r = new Res();",
            "    r.use();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void keyedObligations() {
    helper
        .addSourceLines(
            "t/C.java",
            "package t;",
            "class C {",
            "  private final Gate gate = new Gate();",
            "  void unsafe() {",
            "    // BUG: Diagnostic contains: `gate` leaks if `work()` throws",
            "    gate.enter();",
            "    work();",
            "    this.gate.exit();",
            "  }",
            "  void safe() {",
            "    gate.enter();",
            "    try {",
            "      work();",
            "    } finally {",
            "      gate.exit();",
            "    }",
            "  }",
            "  void tryForm() {",
            "    if (gate.tryEnter()) {",
            "      try {",
            "        work();",
            "      } finally {",
            "        gate.exit();",
            "      }",
            "    }",
            "  }",
            "  void negatedTry() {",
            "    if (!gate.tryEnter()) {",
            "      return;",
            "    }",
            "    try {",
            "      work();",
            "    } finally {",
            "      gate.exit();",
            "    }",
            "  }",
            "  void storedFlag() {",
            "    boolean entered = gate.tryEnter();",
            "    try {",
            "      work();",
            "    } finally {",
            "      if (entered) {",
            "        gate.exit();",
            "      }",
            "    }",
            "  }",
            "  void heldCheck() {",
            "    gate.enter();",
            "    try {",
            "      work();",
            "    } finally {",
            "      if (gate.isHeld()) {",
            "        gate.exit();",
            "      }",
            "    }",
            "  }",
            "  void earlyReturn(boolean b) {",
            "    // BUG: Diagnostic contains: on a path that leaves the method without releasing it",
            "    gate.enter();",
            "    if (b) {",
            "      return;",
            "    }",
            "    gate.exit();",
            "  }",
            "  void shortCircuit(boolean b) {",
            "    if (b && gate.tryEnter()) {",
            "      try { work(); } finally { gate.exit(); }",
            "    }",
            "  }",
            "  void caught() {",
            "    // BUG: Diagnostic contains: when `work()` throws and the exception is caught",
            "    gate.enter();",
            "    try {",
            "      work();",
            "      gate.exit();",
            "    } catch (RuntimeException e) {",
            "      log(e);",
            "    }",
            "  }",
            "  void boxing(java.util.Map<String, Long> map, long value) {",
            "    // BUG: Diagnostic contains: `gate` leaks if `map.put(...)` throws",
            "    gate.enter();",
            "    map.put(\"k\", value);",
            "    gate.exit();",
            "  }",
            "  void forEach(java.util.List<String> names) {",
            "    // BUG: Diagnostic contains: `gate` leaks if `work()` throws",
            "    gate.enter();",
            "    java.util.List<String> seen = new java.util.ArrayList<>();",
            "    for (String name : names) {",
            "      work();",
            "    }",
            "    gate.exit();",
            "  }",
            "  void work() {}",
            "  void log(Exception e) {}",
            "}")
        .doTest();
  }

  @Test
  public void reassignmentAndLoops() {
    helper
        .addSourceLines(
            "t/D.java",
            "package t;",
            "class D {",
            "  void reassigned() {",
            "    // BUG: Diagnostic contains: the variable is overwritten at line 6",
            "    Res r = new Res();",
            "    r = new Res();",
            "    r.close();",
            "  }",
            "  void loop(int n) {",
            "    for (int i = 0; i < n; i++) {",
            "      try (Res r = new Res()) {",
            "        r.use();",
            "      }",
            "    }",
            "  }",
            "  void lambdaBody() {",
            "    Runnable task = () -> {",
            "      // BUG: Diagnostic contains: `r` leaks if `r.use()` throws",
            "      Res r = new Res();",
            "      r.use();",
            "      r.close();",
            "    };",
            "    task.run();",
            "  }",
            "  void throwStatement(boolean b) throws Exception {",
            "    // BUG: Diagnostic contains: when the method throws at line 29",
            "    Res r = new Res();",
            "    if (b) {",
            "      throw new Exception();",
            "    }",
            "    r.close();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void java21Shapes() {
    helper
        .addSourceLines(
            "t/E.java",
            "package t;",
            "import java.util.function.Supplier;",
            "class E {",
            "  sealed interface Shape permits Circle, Square {}",
            "  record Circle(double r) implements Shape {}",
            "  record Square(double s) implements Shape {",
            "    Square {",
            "      try (Res res = new Res()) { res.use(); }",
            "    }",
            "  }",
            "  double area(Shape shape) {",
            "    try (Res res = new Res()) {",
            "      return switch (shape) {",
            "        case Circle(double r) when r > 0 -> { res.use(); yield Math.PI * r * r; }",
            "        case Circle c -> 0;",
            "        case Square(double s) -> s * s;",
            "      };",
            "    }",
            "  }",
            "  int switchLeak(Object o) {",
            "    // BUG: Diagnostic contains: `res` leaks",
            "    Res res = new Res();",
            "    int n = switch (o) {",
            "      case String s -> { res.use(); yield s.length(); }",
            "      case Integer i -> i;",
            "      default -> 0;",
            "    };",
            "    res.close();",
            "    return n;",
            "  }",
            "  void labeled(int[][] grid) {",
            "    outer:",
            "    for (int[] row : grid) {",
            "      for (int cell : row) {",
            "        Res res = new Res();",
            "        try {",
            "          if (cell < 0) break outer;",
            "          if (cell == 0) continue outer;",
            "          res.use();",
            "        } finally {",
            "          try { res.use(); } finally { res.close(); }",
            "        }",
            "      }",
            "    }",
            "  }",
            "  Supplier<Res> anonymous() {",
            "    return new Supplier<Res>() {",
            "      @Override public Res get() {",
            "        // BUG: Diagnostic contains: `res` leaks if `res.use()` throws",
            "        Res res = new Res();",
            "        res.use();",
            "        return res;",
            "      }",
            "    };",
            "  }",
            "  void local() {",
            "    class Local {",
            "      void run() {",
            "        // BUG: Diagnostic contains: `res` leaks on any path",
            "        Res res = new Res();",
            "        String text = \"\"\"",
            "            block",
            "            \"\"\";",
            "      }",
            "    }",
            "    new Local().run();",
            "  }",
            "  Object ternary(boolean b, Res given) {",
            "    Res res = b ? new Res() : given;",
            "    return res;",
            "  }",
            "  void instanceofPattern(Object o) {",
            "    if (o instanceof Res r && r != null) {",
            "      r.use();",
            "    }",
            "  }",
            "}")
        .doTest();
  }
}
