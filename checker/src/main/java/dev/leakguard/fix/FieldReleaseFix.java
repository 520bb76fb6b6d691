package dev.leakguard.fix;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.util.Reachability;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.tree.JCTree.JCMethodDecl;
import dev.leakguard.flow.FieldLifecycle.OwnedField;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.Subclasses;
import dev.leakguard.trees.TypeNames;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Releases a resource that a class keeps in a field, in the method where the class releases what
 * it owns: the class's own {@code close()} gets the field's {@code close()}/{@code shutdown()}, or,
 * where the class has none, the class becomes {@code AutoCloseable} with a {@code close()} that
 * releases it. Shared by every check that reports an owned field ({@code UnclosedResource}, {@code
 * ExecutorNotShutdown}).
 *
 * <p>The release keeps the code compiling: it goes through {@code this.} where a local of the
 * method hides the field, is null-checked where the field may not have been set, and a checked
 * exception of the release that the method does not declare is rethrown unchecked.
 */
public final class FieldReleaseFix {

  private FieldReleaseFix() {}

  /**
   * The class's own {@code close()} when the class is {@code AutoCloseable} and the field is an
   * instance field: the place its release belongs. Null when there is none.
   */
  public static @Nullable MethodTree closeMethodToExtend(
      ClassTree classTree, VarSymbol field, VisitorState state) {
    ClassSymbol classSymbol = ASTHelpers.getSymbol(classTree);
    if (ASTHelpers.isStatic(field)
        || classSymbol == null
        || !TypeNames.isSubtype(classSymbol.type, "java.lang.AutoCloseable", state)) {
      return null;
    }
    for (Tree member : classTree.getMembers()) {
      if (member instanceof MethodTree method
          && method.getName().contentEquals("close")
          && method.getParameters().isEmpty()
          && method.getBody() != null
          && !method.getModifiers().getFlags().contains(Modifier.STATIC)) {
        return method;
      }
    }
    return null;
  }

  /**
   * The method where the class already releases its other fields of the same kind ({@code
   * shutdown()} calling {@code send.shutdown(); pull.shutdown();}): the place a forgotten sibling's
   * release belongs. Counts calls named in {@code releaseMethods} on a field of the class other
   * than {@code field}, made in the method's own body (not in a lambda or a nested class, which
   * run elsewhere); the method with the most wins, the first on a tie. A static field is released
   * in a static method only, an instance field in an instance method. Null when no method
   * releases a sibling.
   */
  public static @Nullable MethodTree methodReleasingSiblings(
      ClassTree classTree, VarSymbol field, Set<String> releaseMethods, VisitorState state) {
    ClassSymbol classSymbol = ASTHelpers.getSymbol(classTree);
    if (classSymbol == null) {
      return null;
    }
    boolean isStatic = ASTHelpers.isStatic(field);
    MethodTree best = null;
    int bestCount = 0;
    for (Tree member : classTree.getMembers()) {
      if (!(member instanceof MethodTree method)
          || method.getBody() == null
          || ASTHelpers.getSymbol(method) == null
          || ASTHelpers.getSymbol(method).isConstructor()
          || method.getModifiers().getFlags().contains(Modifier.STATIC) != isStatic) {
        continue;
      }
      int count = siblingReleases(method.getBody(), field, classSymbol, releaseMethods);
      if (count > bestCount) {
        best = method;
        bestCount = count;
      }
    }
    return best;
  }

  private static int siblingReleases(
      BlockTree body, VarSymbol field, ClassSymbol owner, Set<String> releaseMethods) {
    int[] count = {0};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        MethodSymbol method = ASTHelpers.getSymbol(call);
        ExpressionTree receiver = ASTHelpers.getReceiver(call);
        Symbol target = receiver == null ? null : ASTHelpers.getSymbol(receiver);
        if (method != null
            && releaseMethods.contains(method.getSimpleName().toString())
            && target instanceof VarSymbol sibling
            && sibling.getKind() == ElementKind.FIELD
            && !sibling.equals(field)
            && sibling.owner.equals(owner)) {
          count[0]++;
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree lambda, Void unused) {
        return null;
      }

      @Override
      public Void visitClass(ClassTree nested, Void unused) {
        return null;
      }
    }.scan(body, null);
    return count[0];
  }

  /**
   * Where a release goes at the end of {@code body}: its last statement, looking into a trailing
   * nested block; a {@code return} or {@code throw} there gets the release before it, any other
   * statement after it. Null when that statement cannot complete normally and is no {@code
   * return}/{@code throw} (a loop or {@code if} that returns on every path): a statement after it
   * would not compile, one before it would not always run.
   */
  public static @Nullable StatementTree endOf(BlockTree body) {
    StatementTree last = body;
    while (last instanceof BlockTree block && !block.getStatements().isEmpty()) {
      last = block.getStatements().get(block.getStatements().size() - 1);
    }
    if (last == body
        || last instanceof ReturnTree
        || last instanceof ThrowTree
        || Reachability.canCompleteNormally(last)) {
      return last;
    }
    return null;
  }

  /**
   * Adds {@code field.releaseMethod()} at {@code end} of {@code method} ({@link #endOf}: before a
   * final {@code return} or {@code throw}, else after it; the body itself when it is empty).
   *
   * @param alwaysSet whether the field always holds its resource (a {@code final} field created by
   *     its initializer): then no null check
   */
  public static SuggestedFix releaseInMethod(
      MethodTree method,
      StatementTree end,
      VarSymbol field,
      String releaseMethod,
      boolean alwaysSet,
      VisitorState state) {
    return releaseInMethod(
        method,
        end,
        null,
        List.of(),
        List.of(),
        call -> false,
        field,
        releaseMethod,
        alwaysSet,
        state);
  }

  /**
   * {@link #releaseInMethod(MethodTree, StatementTree, VarSymbol, String, boolean, VisitorState)},
   * or, when {@code wrapFrom} (a statement of the method's body) holds a close of another field
   * that may fail, the release in a {@code finally} of the closes from there on, chained ({@link
   * FinallyCloseChainFix#appendToChain}) where they are a plain sequence of closes, else around
   * the statements from {@code wrapFrom} to the end of the body: a close added after a failing one
   * would be skipped by it.
   *
   * @param innerChains the fixes of other findings that chain closes inside the method (a
   *     skipped close of another field): the release's fix makes their edits too, so that one
   *     pass of fixes leaves nothing to fix, and they, overlapping it, are not offered beside it
   * @param together the fields, {@code field} among them, in order, that this method is to close
   *     where {@code wrapFrom} applies: their fixes would overlap, so each is the one fix that
   *     closes them all, chained (the findings share it)
   * @param closes whether a call releases something (the check's own model of releases)
   */
  public static SuggestedFix releaseInMethod(
      MethodTree method,
      StatementTree end,
      @Nullable TreePath wrapFrom,
      List<SuggestedFix> innerChains,
      List<OwnedField> together,
      Predicate<MethodInvocationTree> closes,
      VarSymbol field,
      String releaseMethod,
      boolean alwaysSet,
      VisitorState state) {
    String name = field.getSimpleName().toString();
    String reference =
        !hidesName(method, name)
            ? name
            : ASTHelpers.isStatic(field) ? field.owner.getSimpleName() + "." + name : "this." + name;
    SuggestedFix.Builder fix = SuggestedFix.builder();
    MethodSymbol enclosing = ASTHelpers.getSymbol(method);
    // Patched sources are not reformatted: the new statement takes the indentation of the one
    // it goes beside (or one level more than an empty body's brace), nested lines one unit more.
    CharSequence source = state.getSourceCode();
    int at = ASTHelpers.getStartPosition(end);
    int methodAt = ASTHelpers.getStartPosition(method);
    String indent = source == null || at < 0 ? "" : SourceText.indentOf(source, at);
    String methodIndent = source == null || methodAt < 0 ? "" : SourceText.indentOf(source, methodAt);
    String unit = SourceText.indentUnit(indent, methodIndent);
    String statement =
        releaseStatement(
            reference,
            field,
            releaseMethod,
            alwaysSet,
            enclosing == null ? List.of() : enclosing.getThrownTypes(),
            unit,
            fix,
            state);
    String indented = statement.replace("\n", "\n" + indent);
    List<? extends StatementTree> body = method.getBody().getStatements();
    if (wrapFrom != null && body.contains(wrapFrom.getLeaf()) && source != null) {
      EndPositions endPositions = EndPositions.of(state);
      if (together.size() > 1) {
        List<String> releases = new ArrayList<>();
        for (OwnedField other : together) {
          Set<String> mustCall = other.acquisition().mustCall();
          String otherName = other.symbol().getSimpleName().toString();
          releases.add(
              releaseStatement(
                  !hidesName(method, otherName)
                      ? otherName
                      : ASTHelpers.isStatic(other.symbol())
                          ? other.symbol().owner.getSimpleName() + "." + otherName
                          : "this." + otherName,
                  other.symbol(),
                  mustCall.isEmpty() ? "close" : mustCall.iterator().next(),
                  other.alwaysSet(),
                  enclosing == null ? List.of() : enclosing.getThrownTypes(),
                  unit,
                  fix,
                  state));
        }
        statement = chained(releases, unit);
      }
      // A chain of the top-level closes makes the chains that start at a top-level statement;
      // one nested inside a statement would be lost in it.
      boolean nestedChains = false;
      for (SuggestedFix chain : innerChains) {
        int chainStart = FixValidation.span(chain, endPositions)[0];
        nestedChains |= body.stream().noneMatch(t -> ASTHelpers.getStartPosition(t) == chainStart);
      }
      SuggestedFix chained =
          nestedChains
              ? null
              : FinallyCloseChainFix.appendToChain(wrapFrom, statement, closes, state);
      if (chained != null) {
        return fix.merge(chained).build();
      }
      int from = ASTHelpers.getStartPosition(wrapFrom.getLeaf());
      int to = state.getEndPosition(body.get(body.size() - 1));
      String wrapped = from < 0 || to <= from ? "" : source.subSequence(from, to).toString();
      if (!innerChains.isEmpty() && !wrapped.isEmpty()) {
        // The region as the inner chains leave it: each must lie inside it.
        SuggestedFix.Builder merged = SuggestedFix.builder();
        for (SuggestedFix chain : innerChains) {
          int[] span = FixValidation.span(chain, endPositions);
          if (span[0] < from || span[1] > to) {
            throw new IllegalStateException("a chain of closes reaches outside the wrapped code");
          }
          merged.merge(chain);
        }
        String patched = FixValidation.apply(merged.build(), source, endPositions);
        wrapped = patched.substring(from, to + patched.length() - source.length());
      }
      String outer = SourceText.indentOf(source, from);
      if (wrapped.isEmpty()
          || wrapped.contains("\"\"\"")
          || !SourceText.isBlank(source, SourceText.lineStart(source, from), from)) {
        throw new IllegalStateException("the statements to wrap cannot be re-indented");
      }
      String inner = outer + unit;
      fix.replace(
          from,
          to,
          "try {\n"
              + inner
              + wrapped.replace("\n", "\n" + unit)
              + "\n"
              + outer
              + "} finally {\n"
              + inner
              + statement.replace("\n", "\n" + inner)
              + "\n"
              + outer
              + "}");
      return fix.build();
    }
    if (end instanceof BlockTree emptyBody) {
      String inner = indent + unit;
      fix.replace(
          emptyBody, "{\n" + inner + statement.replace("\n", "\n" + inner) + "\n" + indent + "}");
    } else if (end instanceof ReturnTree || end instanceof ThrowTree) {
      fix.prefixWith(end, indented + "\n" + indent);
    } else {
      fix.postfixWith(end, "\n" + indent + indented);
    }
    return fix.build();
  }

  /**
   * A field that the {@code close()} of {@link #addCloseMethod} releases, and the method that
   * releases it ({@code close()}, {@code end()}, an executor's {@code shutdown()}); null when it
   * has no single one, which leaves the class without that fix.
   */
  public record FieldRelease(OwnedField field, @Nullable String method) {}

  /**
   * Makes the class {@code AutoCloseable} with a {@code close()} that releases {@code field} and
   * the other instance fields of {@code unclosed}: every finding of the class gets this same fix,
   * whichever check reports it, so that applying them all adds one {@code close()}, not one per
   * field. Null where that would not be safe: a static field, an anonymous class, an interface,
   * enum or record, a class that already has or inherits a {@code close()} or is already {@code
   * AutoCloseable} (it closes elsewhere, through a superclass's {@code close()}), or a field of
   * {@code unclosed} with no one release method.
   */
  public static @Nullable SuggestedFix addCloseMethod(
      ClassTree classTree, OwnedField field, List<FieldRelease> unclosed, VisitorState state) {
    ClassSymbol classSymbol = ASTHelpers.getSymbol(classTree);
    CharSequence source = state.getSourceCode();
    if (classSymbol == null
        || source == null
        || ASTHelpers.isStatic(field.symbol())
        || classSymbol.getKind() != ElementKind.CLASS
        || classTree.getSimpleName().length() == 0
        || TypeNames.isSubtype(classSymbol.type, "java.lang.AutoCloseable", state)
        || findMethod(classSymbol.type, "close", state) != null
        || aSubclassDeclaresClose(classSymbol, state)) {
      return null;
    }
    int classEnd = state.getEndPosition(classTree);
    if (classEnd <= 0 || source.charAt(classEnd - 1) != '}') {
      return null;
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    if (!classTree.getImplementsClause().isEmpty()) {
      Tree last = classTree.getImplementsClause().get(classTree.getImplementsClause().size() - 1);
      fix.postfixWith(last, ", AutoCloseable");
    } else {
      int from =
          Math.max(
              state.getEndPosition(classTree.getModifiers()),
              classTree.getExtendsClause() == null
                  ? ASTHelpers.getStartPosition(classTree)
                  : state.getEndPosition(classTree.getExtendsClause()));
      for (var parameter : classTree.getTypeParameters()) {
        from = Math.max(from, state.getEndPosition(parameter));
      }
      int brace = from < 0 ? -1 : source.toString().indexOf('{', from);
      if (brace < 0) {
        return null;
      }
      fix.replace(brace, brace, "implements AutoCloseable ");
    }
    int classStart = ASTHelpers.getStartPosition(classTree);
    String classIndent = SourceText.indentOf(source, classStart);
    String members =
        classTree.getMembers().stream()
            .filter(m -> !(m instanceof MethodTree ctor && ASTHelpers.isGeneratedConstructor(ctor)))
            .map(ASTHelpers::getStartPosition)
            .filter(at -> at > classStart)
            .findFirst()
            .map(at -> SourceText.indentOf(source, at))
            .filter(indent -> indent.length() > classIndent.length())
            .orElse(classIndent + "  ");
    String unit = SourceText.indentUnit(members, classIndent);
    Set<String> thrown = new LinkedHashSet<>();
    List<String> statements = new ArrayList<>();
    List<Boolean> failing = new ArrayList<>(); // per statement: its release declares a checked one
    for (FieldRelease fieldRelease : unclosed) {
      OwnedField closed = fieldRelease.field();
      if (ASTHelpers.isStatic(closed.symbol())) {
        continue;
      }
      String name = closed.symbol().getSimpleName().toString();
      String releaseMethod = fieldRelease.method();
      MethodSymbol release =
          releaseMethod == null ? null : findMethod(closed.symbol().type, releaseMethod, state);
      if (release == null) {
        return null;
      }
      boolean checked = false;
      for (Type exception : release.getThrownTypes()) {
        thrown.add(SuggestedFixes.qualifyType(state, fix, exception));
        checked |= isChecked(exception, state);
      }
      String call = name + "." + releaseMethod + "();";
      statements.add(
          closed.alwaysSet() ? call : "if (" + name + " != null) {\n" + unit + call + "\n}");
      failing.add(checked);
    }
    // A release that may fail skips the ones after it: each goes in a finally of the one before.
    boolean mayFail = failing.subList(0, Math.max(0, failing.size() - 1)).contains(true);
    String body = mayFail ? chained(statements, unit) : String.join("\n", statements);
    String method =
        "@Override\npublic void close()"
            + (thrown.isEmpty() ? "" : " throws " + String.join(", ", thrown))
            + " {\n"
            + unit
            + body.replace("\n", "\n" + unit)
            + "\n}";
    // The method goes on lines of its own before the class's closing brace, indented as the
    // class's members are (patched sources are not reformatted).
    int braceLine = SourceText.lineStart(source, classEnd - 1);
    boolean braceStartsLine = SourceText.isBlank(source, braceLine, classEnd - 1);
    fix.replace(
        braceStartsLine ? braceLine : classEnd - 1,
        braceStartsLine ? braceLine : classEnd - 1,
        (braceStartsLine ? "\n" : "\n\n")
            + members
            + method.replace("\n", "\n" + members)
            + "\n"
            + (braceStartsLine ? "" : SourceText.indentOf(source, classStart)));
    return fix.build();
  }

  /**
   * {@code try { a } finally { try { b } finally { c } }}, one statement per line, nested lines
   * indented by {@code unit}, with no line break at its end.
   */
  private static String chained(List<String> statements, String unit) {
    String nested = statements.get(statements.size() - 1);
    for (int i = statements.size() - 2; i >= 0; i--) {
      nested =
          "try {\n"
              + unit
              + statements.get(i).replace("\n", "\n" + unit)
              + "\n} finally {\n"
              + unit
              + nested.replace("\n", "\n" + unit)
              + "\n}";
    }
    return nested;
  }

  /** What {@link #releaseBeforeOverwrite} does, worded to follow "Did you mean to". */
  public static String releaseBeforeOverwrite(String releaseCall) {
    return "call " + releaseCall + " before replacing it";
  }

  /**
   * The fix for a field given a new resource while the previous one may still be open: release
   * the previous one, null-checked, just before the statement that replaces it. Where that
   * statement cannot fail with the release's checked exception, the release is wrapped to rethrow
   * it unchecked, as in {@link #releaseInMethod}.
   *
   * <p>No fix where the release could break the replacement or run twice to harm: the new value
   * is built from the old one (directly, or through a method of the class that reads the field),
   * the assignment is part of a larger expression, or the release is not known to be harmless on
   * an object released already (a {@code close()} not documented to do nothing the second time:
   * the old value may have been closed on some paths before).
   */
  public static TryWithResourcesFix.Rewrite releaseBeforeOverwrite(
      TreePath assignmentPath, VarSymbol field, String releaseMethod, VisitorState state) {
    String releaseCall = "`" + field.getSimpleName() + "." + releaseMethod + "()`";
    String whatItDoes = releaseBeforeOverwrite(releaseCall);
    CharSequence source = state.getSourceCode();
    if (!(assignmentPath.getLeaf() instanceof AssignmentTree assignment)
        || !(assignmentPath.getParentPath().getLeaf() instanceof ExpressionStatementTree statement)
        || !(assignmentPath.getParentPath().getParentPath().getLeaf() instanceof BlockTree
            || (assignmentPath.getParentPath().getParentPath().getLeaf() instanceof CaseTree arm
                && arm.getCaseKind() == CaseTree.CaseKind.STATEMENT))
        || source == null) {
      return TryWithResourcesFix.Rewrite.none(
          "the assignment is not a statement of its own in a block, so no statement can go before"
              + " it");
    }
    ExpressionTree target = assignment.getVariable();
    if (!(target instanceof IdentifierTree
        || (target instanceof MemberSelectTree select
            && select.getExpression() instanceof IdentifierTree receiver
            && receiver.getName().contentEquals("this")))) {
      return TryWithResourcesFix.Rewrite.none(
          "the field is replaced through `" + state.getSourceForNode(target) + "`");
    }
    String readsOld = readerOfOldValue(assignment.getExpression(), field, state);
    if (readsOld != null) {
      return TryWithResourcesFix.Rewrite.none(
          readsOld + ", which builds the new value, reads the old one");
    }
    MethodSymbol release = findMethod(field.type, releaseMethod, state);
    if (release == null) {
      return TryWithResourcesFix.Rewrite.none(
          "the field's type has no `" + releaseMethod + "()` to call");
    }
    if (releaseMethod.equals("close")
        && !ReassignedResourceFix.closeIsIdempotent(field.type, state)) {
      return TryWithResourcesFix.Rewrite.none(
          "`close()` of `"
              + SuggestedFixes.prettyType(field.type, state)
              + "` is not known to be harmless on one closed already, which the old value may be");
    }
    TreePath statementPath = assignmentPath.getParentPath();
    List<Type> handled = new ArrayList<>();
    for (Type exception : release.getThrownTypes()) {
      if (!isChecked(exception, state)
          || TryWithResourcesFix.handled(exception, statementPath, state)) {
        handled.add(exception);
      }
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    int from = ASTHelpers.getStartPosition(statement);
    // The block's (or case's) own line sets the unit of indentation for the nested release.
    int outerAt = ASTHelpers.getStartPosition(statementPath.getParentPath().getLeaf());
    String indent = SourceText.indentOf(source, from);
    String unit =
        SourceText.indentUnit(indent, outerAt < 0 ? "" : SourceText.indentOf(source, outerAt));
    String text =
        releaseStatement(
            state.getSourceForNode(target), field, releaseMethod, false, handled, unit, fix, state);
    boolean startsLine = SourceText.isBlank(source, SourceText.lineStart(source, from), from);
    fix.replace(
        from, from, text.replace("\n", "\n" + indent) + (startsLine ? "\n" + indent : " "));
    return new TryWithResourcesFix.Rewrite(fix.build(), null, whatItDoes);
  }

  /**
   * How the message names the part of {@code value} that reads {@code field}: the field itself, or
   * a call of a method of the compilation whose body names it. Null when nothing does.
   */
  private static @Nullable String readerOfOldValue(
      ExpressionTree value, VarSymbol field, VisitorState state) {
    if (Mentions.mentions(value, field)) {
      return "`" + state.getSourceForNode(value) + "`";
    }
    String[] reader = {null};
    JavacTrees trees = JavacTrees.instance(state.context);
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        MethodSymbol callee = ASTHelpers.getSymbol(call);
        JCMethodDecl declaration =
            reader[0] == null && callee != null && callee.owner == field.owner
                ? trees.getTree(callee)
                : null;
        if (declaration != null && Mentions.mentions(declaration.getBody(), field)) {
          reader[0] = "`" + callee.getSimpleName() + "(...)`";
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(value, null);
    return reader[0];
  }

  /**
   * {@code if (f != null) { f.close(); }}, wrapped in a try that rethrows unchecked when the
   * release throws a checked exception that {@code declared} does not cover.
   */
  private static String releaseStatement(
      String reference,
      VarSymbol field,
      String releaseMethod,
      boolean alwaysSet,
      List<Type> declared,
      String unit,
      SuggestedFix.Builder fix,
      VisitorState state) {
    String call = reference + "." + releaseMethod + "();";
    MethodSymbol release = findMethod(field.type, releaseMethod, state);
    Type undeclared = null;
    int undeclaredCount = 0;
    if (release != null) {
      for (Type exception : release.getThrownTypes()) {
        if (isChecked(exception, state) && !isCovered(exception, declared, state)) {
          undeclared = exception;
          undeclaredCount++;
        }
      }
    }
    if (undeclared != null) {
      boolean io =
          undeclaredCount == 1
              && ASTHelpers.isSameType(
                  undeclared, state.getTypeFromString("java.io.IOException"), state);
      String caught =
          undeclaredCount == 1 ? SuggestedFixes.qualifyType(state, fix, undeclared) : "Exception";
      String rethrown =
          io
              ? "new " + SuggestedFixes.qualifyType(state, fix, "java.io.UncheckedIOException") + "(e)"
              : "new IllegalStateException(e)";
      call =
          "try {\n" + unit + call + "\n} catch (" + caught + " e) {\n" + unit + "throw " + rethrown
              + ";\n}";
    }
    return alwaysSet
        ? call
        : "if (" + reference + " != null) {\n" + unit + call.replace("\n", "\n" + unit) + "\n}";
  }

  private static boolean isChecked(Type exception, VisitorState state) {
    return !ASTHelpers.isSubtype(exception, state.getSymtab().runtimeExceptionType, state)
        && !ASTHelpers.isSubtype(exception, state.getSymtab().errorType, state);
  }

  private static boolean isCovered(Type exception, List<Type> declared, VisitorState state) {
    for (Type type : declared) {
      if (ASTHelpers.isSubtype(exception, type, state)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a class the compilation knows extends {@code classSymbol} and declares a {@code
   * close()} of its own: the new {@code public close()} would clash with a narrower one (httpclient's
   * {@code SingleClientConnManager.PoolEntry}, whose {@code protected void close()} no longer
   * compiles once its superclass is {@code AutoCloseable}), or be overridden by one that does not
   * release the field.
   */
  private static boolean aSubclassDeclaresClose(ClassSymbol classSymbol, VisitorState state) {
    try {
      for (ClassSymbol subclass : Subclasses.known(classSymbol, state)) {
        for (Symbol member : subclass.members().getSymbolsByName(state.getName("close"))) {
          if (member instanceof MethodSymbol method
              && method.getParameters().isEmpty()
              && !method.isStatic()) {
            return true;
          }
        }
      }
    } catch (RuntimeException e) {
      return true; // a class javac cannot answer for: assume the worst, offer no fix
    }
    return false;
  }

  /**
   * The argument-less instance method {@code name} of {@code type} or a supertype, the most
   * specific declaration (whose {@code throws} clause is the narrowest); null when there is none.
   */
  private static @Nullable MethodSymbol findMethod(
      @Nullable Type type, String name, VisitorState state) {
    if (type == null || type.tsym == null) {
      return null;
    }
    MethodSymbol found = null;
    for (Symbol member :
        state.getTypes().membersClosure(type, false).getSymbolsByName(state.getName(name))) {
      if (member instanceof MethodSymbol method
          && method.getParameters().isEmpty()
          && !method.isStatic()
          && (found == null || method.owner.isSubClass(found.owner, state.getTypes()))) {
        found = method;
      }
    }
    return found;
  }

  private static boolean hidesName(MethodTree method, String name) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        found[0] |= variable.getName().contentEquals(name);
        return super.visitVariable(variable, null);
      }
    }.scan(method.getBody(), null);
    return found[0];
  }
}
