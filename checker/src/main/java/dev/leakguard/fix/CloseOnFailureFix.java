package dev.leakguard.fix;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnionTypeTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.tree.JCTree;
import com.sun.tools.javac.tree.JCTree.JCBreak;
import com.sun.tools.javac.tree.JCTree.JCContinue;
import dev.leakguard.fix.TryFinallyFix.Clause;
import dev.leakguard.fix.TryWithResourcesFix.Ownership;
import dev.leakguard.fix.TryWithResourcesFix.Rewrite;
import dev.leakguard.trees.Enclosing;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * Closes a resource when the code that prepares it throws, for a resource that is kept once that
 * code succeeds: returned, stored, handed to an owner, or left in a variable declared outside its
 * block. Try-with-resources would close it on success too; this closes it on failure only:
 *
 * <pre>{@code
 * Socket sock = new Socket();          Socket sock = new Socket();
 * sock.setSoTimeout(timeout);          try {
 * sock.connect(address);        ->       sock.setSoTimeout(timeout);
 * return sock;                           sock.connect(address);
 *                                        return sock;
 *                                      } catch (Throwable e) {
 *                                        try {
 *                                          sock.close();
 *                                        } catch (Throwable suppressed) {
 *                                          e.addSuppressed(suppressed);
 *                                        }
 *                                        throw e;
 *                                      }
 * }</pre>
 *
 * <p>Why {@code catch (Throwable e) ... throw e} keeps the method's {@code throws} clause valid:
 * rethrowing an effectively final catch parameter throws only the checked exceptions the {@code
 * try} block can throw (JLS 11.2.2, "precise rethrow"), and the rewrite never assigns {@code e}.
 *
 * <p>The resource is put in a local variable by its declaration, by an assignment, by every branch
 * of an {@code if}/{@code else}, or by either arm of a {@code ?:} whose other arm opens one too or
 * is null. The {@code try} covers the statements of the acquisition's block from the one after it
 * to the last one that names the resource or a wrapper built around it ({@code Manager m = new
 * Manager(out)}), the hand-off. A resource opened inside a nested {@code if} or {@code try} into a
 * variable declared {@code = null} further out is covered from the statement after the one that
 * holds the opening, in the declaring block, when every value that statement gives the variable
 * is a new resource or null; such a close is null-checked. In a method that returns the
 * variable, a branch may give it a call's value instead: the caller closes whatever it gets.
 *
 * <p>A lambda or class that captures it ends the region just before the statement that builds
 * it: the {@code try} closes it only when the code before the capture fails, never once that code
 * may hold it.
 *
 * <p>Every way out of that region must be the hand-off or an exception; so there is no fix when
 * a {@code return}, {@code break} or {@code continue} leaves it earlier (a {@code return} inside
 * the hand-off statement must return the resource or a wrapper of it), when the variable is
 * reassigned inside it (the {@code catch} would close another value), when it is handed on before
 * the end (a failure after that would close what another owner holds), when a {@code catch}
 * between the region and the declaration, or the code after it, reads the variable (it would get
 * a closed resource where it got an open one), or when the resource's type has no {@code
 * close()}. Where only catches of checked exceptions read it, and
 * every checked exception of the region reaches one of them first, the fix catches {@code
 * RuntimeException | Error} instead, which those catches never see, provided the leaking call
 * throws no checked exception.
 */
public final class CloseOnFailureFix {

  /** What the fix does, worded to follow "Did you mean to". */
  public static final String WHAT_IT_DOES = "close it if the code that prepares it throws";

  private CloseOnFailureFix() {}

  /**
   * The rewrite for the resource whose value the expression at {@code owner} is (the acquisition,
   * or the wrapper around it), or why there is none.
   *
   * @param witness what the leaking path names: the call or statement whose exception leaks it,
   *     which the {@code try} must cover ({@code exceptional}), or the {@code return} the method
   *     leaves by with it open after a caught exception, which must come after the {@code try};
   *     null for a failure anywhere before the hand-off (the value lost on a loop's next pass)
   */
  public static Rewrite propose(
      TreePath owner,
      @Nullable Tree witness,
      boolean exceptional,
      Ownership ownership,
      VisitorState state) {
    return propose(owner, witness, exceptional, false, "close", WHAT_IT_DOES, ownership, state);
  }

  /**
   * The same for a value released by {@code releaseMethod} instead of {@code close()} (an
   * executor's {@code shutdown()}, a Netty group's {@code shutdownGracefully()}), described by
   * {@code whatItDoes}.
   */
  public static Rewrite propose(
      TreePath owner,
      @Nullable Tree witness,
      boolean exceptional,
      String releaseMethod,
      String whatItDoes,
      Ownership ownership,
      VisitorState state) {
    return propose(
        owner, witness, exceptional, false, releaseMethod, whatItDoes, ownership, state);
  }

  /**
   * @param unbuilt whether the code is a constructor (or instance initializer) whose object would
   *     own the resource once built, so that a store in one of its fields is no hand-off yet
   */
  private static Rewrite propose(
      TreePath owner,
      @Nullable Tree witness,
      boolean exceptional,
      boolean unbuilt,
      String releaseMethod,
      String whatItDoes,
      Ownership ownership,
      VisitorState state) {
    try {
      Planner planner = new Planner(owner, witness, exceptional, ownership, state);
      planner.unbuilt = unbuilt;
      planner.releaseMethod = releaseMethod;
      planner.whatItDoes = whatItDoes;
      return planner.planWithReturnedCalls();
    } catch (RuntimeException e) {
      return Rewrite.none("the code around it has a shape the fix does not handle");
    }
  }

  /**
   * The rewrite for a resource a constructor (or instance initializer) stores in a field of the
   * object it builds, {@code this.in = <owner>;}, when a later statement of its body may throw: the
   * statements after the store, to the end of the body, go into a {@code try} whose {@code catch}
   * closes the field and rethrows. The store stays before the {@code try}, so a final field is
   * definitely assigned in the {@code catch}; the {@code catch} ends by {@code throw}, so the
   * final fields the {@code try} assigns stay definitely assigned after it. A {@code return} in
   * the region completes the constructor, which keeps the field, as before.
   *
   * <p>A resource opened into a local variable first ({@code r = open(); this.in = r;}) gets the
   * usual rewrite of that variable.
   *
   * @param witness the call or statement whose exception leaks it, which the {@code try} must cover
   */
  public static Rewrite proposeForField(
      TreePath owner, Tree witness, Ownership ownership, VisitorState state) {
    return proposeForField(owner, witness, "close", ownership, state);
  }

  /**
   * The same for a resource released by {@code releaseMethod} ({@code deflater.end()}): the
   * {@code catch} calls it instead of {@code close()}. Only for a resource stored in the field as
   * it is opened.
   */
  public static Rewrite proposeForField(
      TreePath owner, Tree witness, String releaseMethod, Ownership ownership, VisitorState state) {
    boolean closes = releaseMethod.equals("close");
    if (StoringStatement.of(owner) != null) {
      return closes
          ? propose(owner, witness, true, true, "close", WHAT_IT_DOES, ownership, state)
          : Rewrite.none("it is opened inside the statement that stores it");
    }
    try {
      return planField(owner, witness, releaseMethod, state);
    } catch (RuntimeException e) {
      return Rewrite.none("the code around it has a shape the fix does not handle");
    }
  }

  private static Rewrite planField(
      TreePath owner, Tree witness, String releaseMethod, VisitorState state) {
    TreePath child = Enclosing.withParenthesesAndCasts(owner);
    TreePath parent = child.getParentPath();
    if (!(parent.getLeaf() instanceof AssignmentTree assignment)
        || assignment.getExpression() != child.getLeaf()
        || !(parent.getParentPath().getLeaf() instanceof ExpressionStatementTree)
        || ASTHelpers.getSymbol(assignment.getVariable()) == null
        || ASTHelpers.getSymbol(assignment.getVariable()).getKind() != ElementKind.FIELD) {
      return Rewrite.none("it is not stored in a field of the object as it is opened");
    }
    Symbol field = ASTHelpers.getSymbol(assignment.getVariable());
    String name = state.getSourceForNode(assignment.getVariable());
    TreePath store = parent.getParentPath();
    Tree body = store.getParentPath().getLeaf();
    Tree member = store.getParentPath().getParentPath().getLeaf();
    if (name == null
        || !(body instanceof BlockTree)
        || !(member instanceof ClassTree
            || (member instanceof MethodTree method && method.getBody() == body))) {
      return Rewrite.none(
          "`" + name + "` is assigned inside a nested statement, not in the body of the constructor");
    }
    Type autoCloseable = state.getTypeFromString("java.lang.AutoCloseable");
    boolean closes = releaseMethod.equals("close");
    if (field.type == null
        || autoCloseable == null
        || (closes && !ASTHelpers.isSubtype(field.type, autoCloseable, state))) {
      return Rewrite.none("`" + field.getSimpleName() + "` is not declared AutoCloseable");
    }
    List<? extends StatementTree> statements = ((BlockTree) body).getStatements();
    int at = statements.indexOf(store.getLeaf());
    List<? extends StatementTree> rest = statements.subList(at + 1, statements.size());
    if (rest.isEmpty()
        || ASTHelpers.getStartPosition(witness) < ASTHelpers.getStartPosition(rest.get(0))) {
      return Rewrite.none("the call that leaks it is not after its store in the field");
    }
    // A later store of null (dbunit's AbstractResultSetTable: a catch of its own closes the field,
    // clears it and rethrows) is no second resource: the field holds this one or null, and the
    // close is null-checked. Any other value would be closed in place of this one.
    boolean[] reassigned = {false};
    boolean[] cleared = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitAssignment(AssignmentTree tree, Void unused) {
        if (ASTHelpers.getSymbol(tree.getVariable()) == field) {
          if (Planner.bare(tree.getExpression()).getKind() == Tree.Kind.NULL_LITERAL) {
            cleared[0] = true;
          } else {
            reassigned[0] = true;
          }
        }
        return super.visitAssignment(tree, null);
      }
    }.scan(rest, null);
    if (reassigned[0]) {
      // The catch would close the later value, and leave the one opened here.
      return Rewrite.none("`" + name + "` is assigned again later in the constructor");
    }
    ScopedRegion.Outcome scoped = ScopedRegion.restOfBlock(store, state);
    if (scoped.region() == null) {
      return Rewrite.none(scoped.whyNot());
    }
    return new Rewrite(
        TryFinallyFix.guardAll(
            scoped.region(),
            ImmutableList.of(
                closeAndRethrow(
                    name,
                    releaseMethod,
                    cleared[0] || Planner.mayGiveNull(assignment.getExpression()),
                    TryWithResourcesFix.namesIn(outermostMember(owner)),
                    false)),
            state),
        null,
        closes
            ? WHAT_IT_DOES
            : "call `" + releaseMethod + "()` if the code that prepares it throws");
  }

  /**
   * {@code catch (Throwable e) { try { name.close(); } catch (Throwable suppressed) {
   * e.addSuppressed(suppressed); } throw e; }}, the close null-checked when {@code nullable}; the
   * two new names avoid {@code taken}.
   */
  static Clause closeAndRethrow(String name, boolean nullable, Set<String> taken) {
    return closeAndRethrow(name, "close", nullable, taken, false);
  }

  /**
   * The same, catching {@code RuntimeException | Error} only when {@code uncheckedOnly}: the
   * checked exceptions go to a {@code catch} of the code's own that still reads the resource.
   */
  private static Clause closeAndRethrow(
      String name,
      String releaseMethod,
      boolean nullable,
      Set<String> taken,
      boolean uncheckedOnly) {
    String caught = TryWithResourcesFix.unusedName("e", taken);
    String suppressed = TryWithResourcesFix.unusedName("suppressed", taken);
    String closeQuietly =
        String.join(
            "\n",
            "try {",
            "  " + name + "." + releaseMethod + "();",
            "} catch (Throwable " + suppressed + ") {",
            "  " + caught + ".addSuppressed(" + suppressed + ");",
            "}");
    if (nullable) {
      closeQuietly = "if (" + name + " != null) {\n" + closeQuietly.indent(2) + "}";
    }
    return new Clause(
        "catch (" + (uncheckedOnly ? "RuntimeException | Error " : "Throwable ") + caught + ")",
        closeQuietly + "\nthrow " + caught + ";",
        true);
  }

  /**
   * The method (or initializer) of a top-level member that the code is in: every local the new
   * names could clash with is declared there, in lambdas and local classes too.
   */
  static Tree outermostMember(TreePath path) {
    TreePath member = outermostMemberPath(path);
    return member == null ? path.getCompilationUnit() : member.getLeaf();
  }

  /** The path to {@link #outermostMember}; null when the code is in no class member. */
  static @Nullable TreePath outermostMemberPath(TreePath path) {
    TreePath member = null;
    for (TreePath p = path; p.getParentPath() != null; p = p.getParentPath()) {
      if (p.getParentPath().getLeaf() instanceof ClassTree && !(p.getLeaf() instanceof ClassTree)) {
        member = p;
      }
    }
    return member;
  }

  private static final class Planner {
    private final TreePath owner;
    private final @Nullable Tree witness;
    private final boolean exceptional;
    private final Ownership ownership;
    private final VisitorState state;
    private @Nullable Symbol variable;
    /** Whether the variable may hold null instead (opened on one arm of a {@code ?:}). */
    private boolean mayBeNull;
    /**
     * A value an {@code if}/{@code else} around the opening gives the variable on another branch,
     * which is not a new resource ({@code ch = given;}): a close on failure would close it too.
     */
    private @Nullable ExpressionTree notOpenedHere;
    /** The {@code try}s whose catches a failure of the region reaches, the innermost first. */
    private final List<TryTree> catchingTries = new ArrayList<>();
    /** The catches of those, of checked exceptions only, that read the variable. */
    private final List<CatchTree> readingCatches = new ArrayList<>();
    /** How many reading catches hold the reads after a caught failure; -1 if some are not. */
    private int readsAfterFailure;
    /**
     * Whether a branch's value returned by a call counts as opened here: for a variable the method
     * returns, whose caller owns what it gets on every branch (zookeeper's {@code
     * Learner.createSocket}: an SSL socket from a factory, or a new plain one).
     */
    private boolean returnedCallsOwned;
    /** Whether the code builds the object whose fields would own the resource (a constructor). */
    private boolean unbuilt;
    /** What releases it: {@code close}, or an executor's {@code shutdown}. */
    private String releaseMethod = "close";
    /** The rewrite's description, after "Did you mean to". */
    private String whatItDoes = WHAT_IT_DOES;

    Planner(
        TreePath owner,
        @Nullable Tree witness,
        boolean exceptional,
        Ownership ownership,
        VisitorState state) {
      this.owner = owner;
      this.witness = witness;
      this.exceptional = exceptional;
      this.ownership = ownership;
      this.state = state;
    }

    Rewrite plan() {
      TreePath acquiring = acquiringStatement();
      if (acquiring == null) {
        return Rewrite.none(
            "it is not kept in a local variable as it is opened, so the fix has nothing to close");
      }
      Type type = variable.type;
      Type autoCloseable = state.getTypeFromString("java.lang.AutoCloseable");
      // A release other than close() is one the caller found on the variable's declared type.
      if (type == null
          || autoCloseable == null
          || (releaseMethod.equals("close") && !ASTHelpers.isSubtype(type, autoCloseable, state))) {
        return Rewrite.none("`" + variable.getSimpleName() + "` is not declared AutoCloseable");
      }
      Rewrite here = planFrom(acquiring, mayBeNull);
      if (here.fix() != null) {
        return here;
      }
      // Opened inside an `if` or `try` into a variable declared `= null` further out: the code
      // that prepares it may follow that statement, in the declaring block.
      TreePath outer = statementOfDeclaringBlock(acquiring);
      if (outer == null) {
        return whyNot(here);
      }
      Rewrite there = planFrom(outer, true);
      return there.fix() != null ? there : whyNot(here);
    }

    /**
     * The plan once more, when another branch gives the variable a call's value: a method that
     * returns the variable gives its caller either value to close, so closing either when the
     * preparing code fails is what that caller would do. A variable handed on any other way may
     * hold a value someone else closes (a connection bound to a transaction), so there is no fix.
     */
    Rewrite planWithReturnedCalls() {
      Rewrite first = plan();
      if (first.fix() != null
          || notOpenedHere == null
          || !(bare(notOpenedHere) instanceof MethodInvocationTree)) {
        return first;
      }
      ExpressionTree other = notOpenedHere;
      returnedCallsOwned = true;
      notOpenedHere = null;
      Rewrite second = plan();
      notOpenedHere = other;
      return second.fix() != null ? second : first;
    }

    /** The reason for no fix, naming a value of another branch that is not opened here first. */
    private Rewrite whyNot(Rewrite here) {
      return notOpenedHere == null
          ? here
          : Rewrite.none(
              ReassignedResourceFix.givenValueNotOpenedHere(
                  variable.getSimpleName().toString(), state.getSourceForNode(notOpenedHere)));
    }

    /**
     * The rewrite that wraps the statements after {@code acquiring}, up to the hand-off, or why
     * there is none.
     *
     * @param nullable whether the variable may still hold null after {@code acquiring}, so that
     *     the close must be null-checked
     */
    private Rewrite planFrom(TreePath acquiring, boolean nullable) {
      Rewrite followingWrappers = planFrom(acquiring, nullable, true);
      // Where the wrapper's region cannot be wrapped (it returns early), the resource's own may.
      return followingWrappers.fix() != null
          ? followingWrappers
          : planFrom(acquiring, nullable, false);
    }

    /**
     * @param followWrappers whether the region runs on to the hand-off of the wrappers built
     *     around the resource, or ends where the resource itself is last named
     */
    private Rewrite planFrom(TreePath acquiring, boolean nullable, boolean followWrappers) {
      Tree container = acquiring.getParentPath().getLeaf();
      List<? extends StatementTree> statements =
          container instanceof BlockTree block
              ? block.getStatements()
              : container instanceof CaseTree caseTree ? caseTree.getStatements() : null;
      int at = statements == null ? -1 : statements.indexOf(acquiring.getLeaf());
      if (at < 0) {
        return Rewrite.none("it is opened outside a block");
      }
      // The region ends where the resource, or a wrapper that holds it, is last named.
      Set<Symbol> carriers = new HashSet<>(Set.of(variable));
      int last = Hoisting.lastUse(statements, at + 1, carriers);
      while (followWrappers
          && last >= 0
          && carriers.addAll(wrappers(statements.subList(at + 1, last + 1), carriers))) {
        last = Hoisting.lastUse(statements, at + 1, carriers);
      }
      if (last < 0) {
        return unbuilt
            ? planRestOfConstructor(acquiring, statements, at, nullable)
            : Rewrite.none(
                usedOutsideItsBlock(acquiring)
                    ? "it is opened in a block of its own and used after that block"
                    : "nothing uses it after it is opened");
      }
      // Once stored in a field, the object owns it, even if later statements name it again
      // (hsqldb's `fileStreamOut = fos; fileStreamOut = new BufferedOutputStream(fos)`).
      for (int i = at + 1; i < last; i++) {
        if (storesInAField(statements.get(i), carriers)) {
          last = i;
          break;
        }
      }
      // Captured by a lambda or class (h2's Recover.readBlobMap: the statement that returns it
      // builds an Enumeration that reads it): from that statement on, the capturing code may hold
      // it, so the region ends just before it, and closes it only when the code before fails.
      StatementTree capture = null;
      for (int i = at + 1; i <= last; i++) {
        if (captures(new TreePath(acquiring.getParentPath(), statements.get(i)), carriers)) {
          if (i == at + 1) {
            return Rewrite.none("it is captured by a lambda or class as soon as it is opened");
          }
          capture = statements.get(i);
          last = i - 1;
          break;
        }
      }
      List<? extends StatementTree> region = statements.subList(at + 1, last + 1);
      StatementTree handOff = capture != null ? capture : statements.get(last);
      if (returnedCallsOwned
          && !(handOff instanceof ReturnTree returned
              && returned.getExpression() != null
              && ASTHelpers.getSymbol(bare(returned.getExpression())) == variable)) {
        return Rewrite.none("it is not returned at its last use");
      }
      boolean declaredHere = statements.stream().anyMatch(s -> ASTHelpers.getSymbol(s) == variable);
      if (declaredHere
          && capture == null
          && (!handsOn(new TreePath(acquiring.getParentPath(), handOff), carriers)
              || !(handOff instanceof ReturnTree
                  || handOff instanceof ExpressionStatementTree
                  || handOff instanceof VariableTree
                  || !completesNormally(handOff)))) {
        // A hand-off on some paths only (`if (keep) return in;`) leaves it open on the others.
        return Rewrite.none("it is neither closed nor handed on at its last use");
      }
      String whyNot = checkRegion(acquiring.getParentPath(), region, handOff, carriers);
      boolean uncheckedOnly = false;
      if (whyNot == null) {
        whyNot = readAfterCaughtFailure(acquiring.getParentPath());
        // A `catch` of checked exceptions only that reads it (zookeeper's `catch (IOException e)
        // { fastCloseSock(sc); }`) sees it as before when the new catch takes unchecked ones
        // only: when every checked exception of the region goes to such a catch, and the leaking
        // call throws only unchecked ones.
        uncheckedOnly =
            whyNot != null
                && exceptional
                && !readingCatches.isEmpty()
                && readingCatches.size() == readsAfterFailure
                && throwsOnlyUnchecked(witness)
                && checkedGoToReadingCatches(region);
        if (uncheckedOnly) {
          whyNot = null;
        }
      }
      if (whyNot != null) {
        return Rewrite.none(whyNot);
      }
      if (witness != null && !exceptional && Mentions.mentions(witness, variable)) {
        // `return proxy ? wrapped : socket`: the return that leaks it is its own hand-off on the
        // other paths, a normal way out that no catch of a failure reaches (commons-net
        // FTPSClient; the fix would come back on every pass).
        return Rewrite.none("it is returned on some paths only, and left open on the others");
      }
      if (witness != null && exceptional != covers(region, witness)) {
        return Rewrite.none(
            exceptional
                ? "the call that leaks it is not between its opening and its hand-off"
                : "the method leaves with it open on a path the hand-off does not end");
      }
      ScopedRegion.Outcome scoped =
          ScopedRegion.between(
              new TreePath(acquiring.getParentPath(), region.get(0)), statements.get(last), state);
      if (scoped.region() == null) {
        return Rewrite.none(scoped.whyNot());
      }
      Clause closeAndRethrow =
          closeAndRethrow(
              variable.getSimpleName().toString(),
              releaseMethod,
              nullable,
              TryWithResourcesFix.namesIn(outermostMember(owner)),
              uncheckedOnly);
      return new Rewrite(
          TryFinallyFix.guardAll(scoped.region(), ImmutableList.of(closeAndRethrow), state),
          null,
          whatItDoes);
    }

    /**
     * Whether code after the block the resource is opened in names it (undertow's
     * FileErrorPageHandler: {@code try { try { channel = FileChannel.open(…); } catch … } catch …},
     * and the channel is used after both).
     */
    private boolean usedOutsideItsBlock(TreePath acquiring) {
      TreePath executable = Enclosing.executable(acquiring);
      int end = state.getEndPosition(acquiring.getParentPath().getLeaf());
      if (executable == null || end < 0) {
        return false;
      }
      boolean[] used = {false};
      Mentions.forEachNamed(
          executable,
          (symbol, use) ->
              used[0] |= symbol == variable && ASTHelpers.getStartPosition(use.getLeaf()) > end);
      return used[0];
    }

    /**
     * For a constructor that opens the resource inside a statement ({@code try { r = open(); in =
     * new Wrapper(r); } catch ...}, hsqldb's JDBCClobFile) which stores it, or a wrapper declared
     * there around it, in a field, and then fails after that statement: the rest of the body goes
     * into a {@code try} whose {@code catch} closes the variable, as {@link #planField} closes a
     * field. Nothing after the statement names the variable; the fields it was stored in must not
     * be assigned there either (the field would then hold another value, or none).
     */
    private Rewrite planRestOfConstructor(
        TreePath acquiring, List<? extends StatementTree> statements, int at, boolean nullable) {
      Tree body = acquiring.getParentPath().getLeaf();
      Tree member = acquiring.getParentPath().getParentPath().getLeaf();
      if (!(member instanceof ClassTree
          || (member instanceof MethodTree method && method.getBody() == body))) {
        return Rewrite.none("nothing uses it after it is opened");
      }
      Set<Symbol> fields = fieldsStoringIt(acquiring.getLeaf());
      if (fields.isEmpty()) {
        return Rewrite.none("nothing uses it after it is opened");
      }
      List<? extends StatementTree> rest = statements.subList(at + 1, statements.size());
      if (witness == null || !covers(rest, witness)) {
        return Rewrite.none("the call that leaks it is not after its store in the field");
      }
      boolean[] reassigned = {false};
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree tree, Void unused) {
          reassigned[0] |= fields.contains(ASTHelpers.getSymbol(tree.getVariable()));
          return super.visitAssignment(tree, null);
        }
      }.scan(rest, null);
      if (reassigned[0]) {
        return Rewrite.none(
            "the field that holds `" + variable.getSimpleName() + "` is assigned again later");
      }
      ScopedRegion.Outcome scoped = ScopedRegion.restOfBlock(acquiring, state);
      if (scoped.region() == null) {
        return Rewrite.none(scoped.whyNot());
      }
      return new Rewrite(
          TryFinallyFix.guardAll(
              scoped.region(),
              ImmutableList.of(
                  closeAndRethrow(
                      variable.getSimpleName().toString(),
                      releaseMethod,
                      nullable,
                      TryWithResourcesFix.namesIn(outermostMember(owner)),
                      false)),
              state),
          null,
          whatItDoes);
    }

    /**
     * The variable and the wrappers the statement declares around it ({@code T w = new
     * T(variable)}, and wrappers of those).
     */
    private Set<Symbol> carriersIn(Tree statement) {
      Set<Symbol> carriers = new HashSet<>(Set.of(variable));
      boolean[] grew = {true};
      while (grew[0]) {
        grew[0] = false;
        new OwnCodeScanner<Void, Void>() {
          @Override
          public Void visitVariable(VariableTree tree, Void unused) {
            if (tree.getInitializer() != null
                && bare(tree.getInitializer()) instanceof NewClassTree construction
                && construction.getArguments().stream()
                    .anyMatch(a -> carriers.contains(ASTHelpers.getSymbol(bare(a))))) {
              Symbol symbol = ASTHelpers.getSymbol(tree);
              grew[0] |=
                  symbol != null
                      && symbol.getKind() == ElementKind.LOCAL_VARIABLE
                      && carriers.add(symbol);
            }
            return super.visitVariable(tree, null);
          }
        }.scan(statement, null);
      }
      return carriers;
    }

    /**
     * The fields of the object being built that the statement stores the variable, or a wrapper
     * it declares around it, in ({@code f = w;}, {@code this.f = w;}).
     */
    private Set<Symbol> fieldsStoringIt(Tree statement) {
      Set<Symbol> carriers = carriersIn(statement);
      Set<Symbol> fields = new HashSet<>();
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree tree, Void unused) {
          if (isOwnField(tree.getVariable())
              && carriers.contains(ASTHelpers.getSymbol(bare(tree.getExpression())))) {
            fields.add(ASTHelpers.getSymbol(tree.getVariable()));
          }
          return super.visitAssignment(tree, null);
        }
      }.scan(statement, null);
      return fields;
    }

    /** Whether {@code target} is an instance field of this object: {@code f} or {@code this.f}. */
    private static boolean isOwnField(ExpressionTree target) {
      Symbol symbol = ASTHelpers.getSymbol(target);
      return symbol != null
          && symbol.getKind() == ElementKind.FIELD
          && !symbol.isStatic()
          && (target instanceof IdentifierTree
              || (target instanceof MemberSelectTree select
                  && select.getExpression() instanceof IdentifierTree receiver
                  && receiver.getName().contentEquals("this")));
    }

    /**
     * Why closing the resource on failure would change what the method does after a {@code try}
     * between the region and the variable's declaration catches that failure: the catch, or the
     * code after the {@code try}, reads the variable, and would get the closed resource where it
     * got an open one (returns it, writes to it). Closing it again (itself, or through a helper
     * that closes its argument), testing it for null and assigning it are no such reads. Null
     * when nothing reads it there.
     */
    private @Nullable String readAfterCaughtFailure(TreePath regionBlock) {
      catchingTries.clear();
      readingCatches.clear();
      readsAfterFailure = 0;
      List<TryTree> catching = catchingTries;
      TreePath child = regionBlock;
      for (TreePath up = regionBlock; up != null; child = up, up = up.getParentPath()) {
        Tree leaf = up.getLeaf();
        if (leaf instanceof BlockTree block
            && block.getStatements().stream().anyMatch(s -> ASTHelpers.getSymbol(s) == variable)) {
          String[] why = {null};
          Set<Tree> reads = new HashSet<>();
          for (TryTree attempt : catching) {
            int caughtFrom = state.getEndPosition(attempt.getBlock());
            Mentions.forEachNamed(
                up,
                (symbol, use) -> {
                  if (symbol == variable
                      && ASTHelpers.getStartPosition(use.getLeaf()) >= caughtFrom
                      && !closesTestsOrAssigns(use)
                      && reads.add(use.getLeaf())) {
                    CatchTree in = enclosingCatch(use, attempt);
                    if (in != null && catchesCheckedOnly(in)) {
                      readingCatches.add(in);
                    }
                    why[0] =
                        "`"
                            + variable.getSimpleName()
                            + "` is read after the failure is caught, where it would be closed";
                  }
                });
          }
          // Every read must be in a catch of checked exceptions for the narrower catch to do.
          readsAfterFailure = reads.isEmpty() ? 0 : readingCatchesOf(reads);
          return why[0];
        }
        if (leaf instanceof TryTree attempt
            && attempt.getBlock() == child.getLeaf()
            && !attempt.getCatches().isEmpty()) {
          catching.add(attempt);
        }
        if (leaf instanceof MethodTree
            || leaf instanceof LambdaExpressionTree
            || leaf instanceof ClassTree) {
          return null;
        }
      }
      return null;
    }

    /**
     * The number of distinct reading catches the reads lie in, or -1 when some read lies in none
     * of {@link #readingCatches} (after a {@code try}, in a {@code finally}, in a catch that also
     * catches unchecked exceptions).
     */
    private int readingCatchesOf(Set<Tree> reads) {
      for (Tree read : reads) {
        int at = ASTHelpers.getStartPosition(read);
        boolean inside =
            readingCatches.stream()
                .anyMatch(
                    c ->
                        ASTHelpers.getStartPosition(c) <= at
                            && at < state.getEndPosition(c));
        if (!inside) {
          return -1;
        }
      }
      return readingCatches.size();
    }

    /** The catch clause of {@code attempt} that {@code use} is in, or null. */
    private static @Nullable CatchTree enclosingCatch(TreePath use, TryTree attempt) {
      for (TreePath p = use; p != null; p = p.getParentPath()) {
        if (p.getLeaf() instanceof CatchTree clause && attempt.getCatches().contains(clause)) {
          return clause;
        }
        if (p.getLeaf() == attempt) {
          return null;
        }
      }
      return null;
    }

    /** Whether no type the catch names is, or is a supertype of, an unchecked exception. */
    private boolean catchesCheckedOnly(CatchTree clause) {
      List<Type> types = caughtTypes(clause);
      return !types.isEmpty() && types.stream().allMatch(t -> isCheckedOnly(t));
    }

    private boolean isCheckedOnly(Type type) {
      Type runtime = state.getSymtab().runtimeExceptionType;
      Type error = state.getSymtab().errorType;
      return !ASTHelpers.isSubtype(type, runtime, state)
          && !ASTHelpers.isSubtype(type, error, state)
          && !ASTHelpers.isSubtype(runtime, type, state)
          && !ASTHelpers.isSubtype(error, type, state);
    }

    private static List<Type> caughtTypes(CatchTree clause) {
      Tree typeTree = clause.getParameter().getType();
      List<Type> types = new ArrayList<>();
      List<? extends Tree> alternatives =
          typeTree instanceof UnionTypeTree union
              ? union.getTypeAlternatives()
              : List.of(typeTree);
      for (Tree alternative : alternatives) {
        Type type = ASTHelpers.getType(alternative);
        if (type == null) {
          return List.of();
        }
        types.add(type);
      }
      return types;
    }

    /** Whether the leaking call or statement can throw no checked exception. */
    private boolean throwsOnlyUnchecked(Tree tree) {
      if (!(tree instanceof MethodInvocationTree
          || tree instanceof NewClassTree
          || tree instanceof ThrowTree)) {
        return false;
      }
      if (tree instanceof ThrowTree thrown) {
        Type type = ASTHelpers.getType(thrown.getExpression());
        return type != null && !isChecked(type);
      }
      Symbol symbol = ASTHelpers.getSymbol(tree);
      return symbol instanceof Symbol.MethodSymbol method
          && method.getThrownTypes().stream().noneMatch(this::isChecked);
    }

    private boolean isChecked(Type type) {
      return !ASTHelpers.isSubtype(type, state.getSymtab().runtimeExceptionType, state)
          && !ASTHelpers.isSubtype(type, state.getSymtab().errorType, state);
    }

    /**
     * Whether every checked exception a statement of the region may throw is caught, first, by one
     * of {@link #readingCatches} (the {@code try}s from the innermost out, each one's catches in
     * order), and by no other catch before it in part.
     */
    private boolean checkedGoToReadingCatches(List<? extends StatementTree> region) {
      Set<Type> thrown = new HashSet<>();
      for (StatementTree statement : region) {
        thrown.addAll(ASTHelpers.getThrownExceptions(statement, state));
      }
      for (Type exception : thrown) {
        if (!isChecked(exception)) {
          continue;
        }
        CatchTree first = null;
        search:
        for (TryTree attempt : catchingTries) {
          for (CatchTree clause : attempt.getCatches()) {
            for (Type caught : caughtTypes(clause)) {
              if (ASTHelpers.isSubtype(exception, caught, state)) {
                first = clause;
                break search;
              }
              if (ASTHelpers.isSubtype(caught, exception, state)
                  && !readingCatches.contains(clause)) {
                return false;
              }
            }
          }
        }
        if (first == null || !readingCatches.contains(first)) {
          return false;
        }
      }
      return true;
    }

    /** Whether the name at {@code use} is released ({@code r.close()}), null-tested or assigned. */
    private boolean closesTestsOrAssigns(TreePath use) {
      Tree parent = use.getParentPath().getLeaf();
      if (parent instanceof MemberSelectTree select) {
        return select.getIdentifier().contentEquals(releaseMethod)
            && use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree;
      }
      if (parent instanceof MethodInvocationTree call) {
        // `closeSocket(client)`: a helper that closes its argument, which is closed already.
        int index = call.getArguments().indexOf(use.getLeaf());
        return index >= 0
            && releaseMethod.equals("close")
            && ownership.onlyClosesArgument(call, index, state);
      }
      if (parent instanceof BinaryTree binary
          && (binary.getKind() == Tree.Kind.EQUAL_TO
              || binary.getKind() == Tree.Kind.NOT_EQUAL_TO)) {
        return isNull(binary.getLeftOperand()) || isNull(binary.getRightOperand());
      }
      return parent instanceof AssignmentTree assignment
          && assignment.getVariable() == use.getLeaf();
    }

    /**
     * The locals of {@code region} declared as a new object built around one of {@code carriers}
     * ({@code FileManager fm = new FileManager(fos, ...)}): until such a wrapper is handed on, a
     * failure leaks the resource inside it, so the region extends to the wrapper's hand-off.
     */
    private Set<Symbol> wrappers(List<? extends StatementTree> region, Set<Symbol> carriers) {
      Set<Symbol> found = new HashSet<>();
      for (StatementTree statement : region) {
        if (statement instanceof VariableTree declaration
            && declaration.getInitializer() != null
            && bare(declaration.getInitializer()) instanceof NewClassTree construction
            && construction.getArguments().stream()
                .anyMatch(a -> carriers.contains(ASTHelpers.getSymbol(bare(a))))) {
          Symbol symbol = ASTHelpers.getSymbol(declaration);
          if (symbol != null && symbol.getKind() == ElementKind.LOCAL_VARIABLE) {
            found.add(symbol);
          }
        }
      }
      return found;
    }

    /**
     * For a resource opened inside a nested statement ({@code if}, {@code try}, a block) into a
     * variable declared {@code = null}, or with no initializer, in an enclosing block: the
     * statement of that block that holds the opening, when every value that statement gives the
     * variable is a new resource or null, and the statement does not hand it on. Null for any
     * other shape, and when the variable is declared in the opening's own block. No loop may lie
     * in between: the variable would carry a resource from one iteration into the next. A
     * variable declared without a value (undertow's {@code final FileChannel fileChannel; try {
     * fileChannel = FileChannel.open(…); } catch (IOException e) { …; return; }}) is definitely
     * assigned where the code after that statement names it, so the close that follows may name
     * it too.
     */
    private @Nullable TreePath statementOfDeclaringBlock(TreePath acquiring) {
      TreePath child = acquiring;
      for (TreePath up = acquiring.getParentPath();
          up != null;
          child = up, up = up.getParentPath()) {
        Tree leaf = up.getLeaf();
        if (leaf instanceof BlockTree block) {
          for (StatementTree statement : block.getStatements()) {
            if (statement instanceof VariableTree declaration
                && ASTHelpers.getSymbol(declaration) == variable) {
              return child != acquiring
                      && (declaration.getInitializer() == null
                          || isNull(declaration.getInitializer()))
                      && onlyOpensIt(child)
                  ? child
                  : null;
            }
          }
          continue;
        }
        if (!(leaf instanceof IfTree
            || leaf instanceof TryTree
            || leaf instanceof CatchTree
            || leaf instanceof LabeledStatementTree)) {
          return null;
        }
      }
      return null;
    }

    /**
     * Whether every assignment to the variable in the statement is of a new resource or null, and
     * nothing in it hands the variable on.
     */
    private boolean onlyOpensIt(TreePath statement) {
      boolean[] other = {false};
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree tree, Void unused) {
          if (ASTHelpers.getSymbol(tree.getVariable()) == variable
              && !isNull(tree.getExpression())
              && !ownership.acquires(bare(tree.getExpression()), state.withPath(statement))) {
            other[0] = true;
          }
          return super.visitAssignment(tree, null);
        }
      }.scan(statement.getLeaf(), null);
      // In a constructor, wrappers the statement builds around it carry it too, and a field of
      // the object being built is no owner yet (see planRestOfConstructor). A catch that ends by
      // throwing leaves the statement: what it hands the variable to, the region never sees.
      return !other[0]
          && handedOnEarly(
                  statement,
                  unbuilt ? carriersIn(statement.getLeaf()) : Set.of(variable),
                  true)
              == null;
    }

    /**
     * The statement that puts the resource in a local variable: its declaration {@code T r =
     * <owner>;}, or {@code r = <owner>;}, or the {@code if}/{@code else} whose every branch ends
     * in such an assignment of a new resource (a socket made one of two ways). Sets {@link
     * #variable}; null for any other shape.
     */
    private @Nullable TreePath acquiringStatement() {
      // The owner of a resource one arm of a `?:` opens is the whole conditional when the other
      // arm gives null or a resource too (see UnclosedResource): `x ? null : new
      // FileOutputStream(f)` leaves null in the variable on one path.
      mayBeNull |= mayGiveNull(owner.getLeaf());
      StoringStatement stored = StoringStatement.of(owner);
      if (stored == null) {
        return null;
      }
      variable = stored.variable();
      if (stored.statement().getLeaf() instanceof VariableTree) {
        return stored.statement();
      }
      TreePath statement = stored.statement();
      // Up through `if (…) { r = a(); } else { r = b(); }`: the value comes out of the `if`.
      while (true) {
        TreePath up = statement.getParentPath();
        if (up.getLeaf() instanceof BlockTree block
            && block.getStatements().get(block.getStatements().size() - 1) == statement.getLeaf()
            && up.getParentPath().getLeaf() instanceof IfTree branching
            && everyBranchAcquires(new TreePath(up.getParentPath().getParentPath(), branching))) {
          statement = up.getParentPath();
          continue;
        }
        if (up.getLeaf() instanceof IfTree branching
            && everyBranchAcquires(new TreePath(up.getParentPath(), branching))) {
          statement = up;
          continue;
        }
        Tree branching =
            up.getLeaf() instanceof BlockTree ? up.getParentPath().getLeaf() : up.getLeaf();
        if (branching instanceof IfTree choice && choice.getElseStatement() != null) {
          notOpenedHere = valueNotOpened(new TreePath(up, statement.getLeaf()), branching);
        }
        return statement;
      }
    }

    /**
     * Whether the {@code if} has an {@code else} and every assignment to the variable in it is of a
     * newly acquired resource, each branch's last statement being one.
     */
    private boolean everyBranchAcquires(TreePath ifPath) {
      IfTree branching = (IfTree) ifPath.getLeaf();
      if (branching.getElseStatement() == null) {
        return false;
      }
      for (StatementTree branch :
          List.of(branching.getThenStatement(), branching.getElseStatement())) {
        StatementTree end = branch;
        if (branch instanceof BlockTree block) {
          if (block.getStatements().isEmpty()) {
            return false;
          }
          end = block.getStatements().get(block.getStatements().size() - 1);
        }
        boolean acquires =
            end instanceof IfTree nested
                ? everyBranchAcquires(new TreePath(ifPath, nested))
                : assignsAcquisition(end, ifPath);
        if (!acquires) {
          return false;
        }
      }
      boolean[] other = {false};
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree tree, Void unused) {
          if (ASTHelpers.getSymbol(tree.getVariable()) == variable
              && !opens(tree.getExpression(), ifPath)) {
            other[0] = true;
          }
          return super.visitAssignment(tree, null);
        }
      }.scan(branching, null);
      return !other[0];
    }

    /**
     * The first value, other than null or a new resource, that the {@code if} around the opening
     * assigns to the variable, or null.
     */
    private @Nullable ExpressionTree valueNotOpened(TreePath where, Tree branching) {
      ExpressionTree[] found = {null};
      new OwnCodeScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree tree, Void unused) {
          ExpressionTree value = bare(tree.getExpression());
          if (found[0] == null
              && value != bare((ExpressionTree) owner.getLeaf())
              && ASTHelpers.getSymbol(tree.getVariable()) == variable
              && value.getKind() != Tree.Kind.NULL_LITERAL
              && !ownership.acquires(value, state.withPath(where))) {
            found[0] = tree.getExpression();
          }
          return super.visitAssignment(tree, null);
        }
      }.scan(branching, null);
      return found[0];
    }

    /** Whether a conditional (or one nested in its arms) gives null on some arm. */
    private static boolean mayGiveNull(Tree tree) {
      return tree instanceof ExpressionTree expression
          && bare(expression) instanceof ConditionalExpressionTree conditional
          && (isNull(conditional.getTrueExpression())
              || isNull(conditional.getFalseExpression())
              || mayGiveNull(conditional.getTrueExpression())
              || mayGiveNull(conditional.getFalseExpression()));
    }

    private boolean assignsAcquisition(StatementTree statement, TreePath where) {
      return statement instanceof ExpressionStatementTree expression
          && expression.getExpression() instanceof AssignmentTree assignment
          && ASTHelpers.getSymbol(assignment.getVariable()) == variable
          && opens(assignment.getExpression(), where);
    }

    /** Whether the value is a new resource, or counts as one ({@link #returnedCallsOwned}). */
    private boolean opens(ExpressionTree value, TreePath where) {
      ExpressionTree bare = bare(value);
      return ownership.acquires(bare, state.withPath(where))
          || (returnedCallsOwned && bare instanceof MethodInvocationTree);
    }

    /** Whether the statement hands the resource or a wrapper of it on: returns, stores, passes. */
    private boolean handsOn(TreePath statement, Set<Symbol> carriers) {
      boolean[] handed = {false};
      Mentions.forEachNamed(
          statement,
          (symbol, use) -> {
            if (carriers.contains(symbol) && (!isReceiver(use) || viewHandedOn(use))) {
              handed[0] = true;
            }
          });
      return handed[0];
    }

    /**
     * Whether the name at {@code use} is the receiver of a view whose close closes it, and the
     * view goes on rather than being called on ({@code return channel.socket();}, activemq's
     * NIOTransportFactory): the view hands the resource on.
     */
    private boolean viewHandedOn(TreePath use) {
      TreePath select = use.getParentPath();
      TreePath call = select.getParentPath();
      return call != null
          && call.getLeaf() instanceof MethodInvocationTree invocation
          && invocation.getMethodSelect() == select.getLeaf()
          && ownership.isClosingView(invocation, state)
          && !isReceiver(call);
    }

    /** Whether a lambda or class body in the statement names one of {@code carriers}. */
    private static boolean captures(TreePath statement, Set<Symbol> carriers) {
      boolean[] captured = {false};
      Mentions.forEachNamed(
          statement,
          (symbol, use) -> {
            if (!carriers.contains(symbol)) {
              return;
            }
            for (TreePath p = use;
                p != null && p.getLeaf() != statement.getLeaf();
                p = p.getParentPath()) {
              captured[0] |=
                  p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree;
            }
          });
      return captured[0];
    }

    /** Whether the statement is {@code field = carrier;} (or {@code this.field = …}). */
    private static boolean storesInAField(StatementTree statement, Set<Symbol> carriers) {
      if (statement instanceof ExpressionStatementTree expression
          && expression.getExpression() instanceof AssignmentTree assignment) {
        Symbol target = ASTHelpers.getSymbol(assignment.getVariable());
        Symbol value = ASTHelpers.getSymbol(bare(assignment.getExpression()));
        return target != null
            && target.getKind() == ElementKind.FIELD
            && value != null
            && carriers.contains(value);
      }
      return false;
    }

    /** Why the region cannot be wrapped: an early exit, a reassignment, an earlier hand-off. */
    private @Nullable String checkRegion(
        TreePath containerPath,
        List<? extends StatementTree> region,
        StatementTree handOff,
        Set<Symbol> carriers) {
      Set<Symbol> holders = holders(region);
      for (StatementTree statement : region) {
        TreePath path = new TreePath(containerPath, statement);
        String[] whyNot = {null};
        boolean isHandOff = statement == handOff;
        new OwnCodeScanner<Void, Void>() {
          @Override
          public Void visitReturn(ReturnTree tree, Void unused) {
            // The hand-off may be a `return` of the resource, or hold one (a `try` whose block
            // returns a wrapper of it).
            if (!(isHandOff
                && (tree == handOff || Mentions.mentionsAny(List.of(tree), holders)))) {
              note("it leaves the block by `return` before it is handed on");
            }
            return super.visitReturn(tree, null);
          }

          @Override
          public Void visitBreak(BreakTree tree, Void unused) {
            if (leaves(((JCBreak) tree).target)) {
              note("it leaves the block by `break` before it is handed on");
            }
            return null;
          }

          @Override
          public Void visitContinue(ContinueTree tree, Void unused) {
            if (leaves(((JCContinue) tree).target)) {
              note("it leaves the block by `continue` before it is handed on");
            }
            return null;
          }

          @Override
          public Void visitYield(YieldTree tree, Void unused) {
            note("it leaves a switch expression by `yield` before it is handed on");
            return null;
          }

          @Override
          public Void visitAssignment(AssignmentTree tree, Void unused) {
            Symbol target = ASTHelpers.getSymbol(tree.getVariable());
            if (target != null && carriers.contains(target) && !wrapsItself(tree, target)) {
              note("`" + target.getSimpleName() + "` is reassigned before it is handed on");
            }
            return super.visitAssignment(tree, null);
          }

          /**
           * {@code out = new BufferedOutputStream(out, size)}: the variable keeps the resource,
           * in a wrapper once its constructor returns and as it was when it throws, so closing
           * the variable on failure closes it either way.
           */
          private boolean wrapsItself(AssignmentTree tree, Symbol target) {
            return ASTHelpers.stripParentheses(tree.getExpression()) instanceof NewClassTree wrapper
                && wrapper.getClassBody() == null
                && wrapper.getArguments().stream()
                    .anyMatch(
                        argument ->
                            ASTHelpers.stripParentheses(argument) instanceof IdentifierTree name
                                && ASTHelpers.getSymbol(name) == target);
          }

          private boolean leaves(JCTree target) {
            int start = ASTHelpers.getStartPosition(region.get(0));
            int end = state.getEndPosition(region.get(region.size() - 1));
            return target == null || target.getStartPosition() < start || target.getStartPosition() > end;
          }

          private void note(String why) {
            if (whyNot[0] == null) {
              whyNot[0] = why;
            }
          }
        }.scan(statement, null);
        if (whyNot[0] != null) {
          return whyNot[0];
        }
        String earlier = isHandOff ? null : handedOnEarly(path, carriers, false);
        if (earlier != null) {
          return earlier;
        }
      }
      return null;
    }

    /**
     * The variable and the locals of the region given a value built on it ({@code is = new
     * GZIPInputStream(fis)}): returning one of them hands the resource on.
     */
    private Set<Symbol> holders(List<? extends StatementTree> region) {
      Set<Symbol> holders = new HashSet<>(Set.of(variable));
      boolean grew = true;
      while (grew) {
        grew = false;
        Set<Symbol> found = new HashSet<>();
        new OwnCodeScanner<Void, Void>() {
          @Override
          public Void visitAssignment(AssignmentTree tree, Void unused) {
            note(ASTHelpers.getSymbol(tree.getVariable()), tree.getExpression());
            return super.visitAssignment(tree, null);
          }

          @Override
          public Void visitVariable(VariableTree tree, Void unused) {
            note(ASTHelpers.getSymbol(tree), tree.getInitializer());
            return super.visitVariable(tree, null);
          }

          private void note(@Nullable Symbol target, @Nullable ExpressionTree value) {
            if (target != null
                && target.getKind() == ElementKind.LOCAL_VARIABLE
                && value != null
                && Mentions.mentionsAny(List.of(value), holders)) {
              found.add(target);
            }
          }
        }.scan(region, null);
        grew = holders.addAll(found);
      }
      return holders;
    }

    /**
     * Why a statement before the hand-off already gives the resource, or a wrapper of it, away, or
     * null. Building a wrapper that is itself one of {@code carriers} is no hand-off: the region
     * follows that wrapper.
     *
     * @param skipRethrowingCatches whether uses in a {@code catch} that cannot complete normally
     *     count for nothing: right for a statement before the region, which such a catch leaves
     *     by an exception the region never sees; wrong inside the region, whose new catch would
     *     close what that catch handed on
     */
    private @Nullable String handedOnEarly(
        TreePath statement, Set<Symbol> carriers, boolean skipRethrowingCatches) {
      String[] why = {null};
      Mentions.forEachNamed(
          statement,
          (symbol, use) -> {
            if (!carriers.contains(symbol) || why[0] != null) {
              return;
            }
            for (TreePath p = use; p != statement; p = p.getParentPath()) {
              if (skipRethrowingCatches
                  && p.getLeaf() instanceof CatchTree caught
                  && !completesNormally(caught.getBlock())) {
                return;
              }
              if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
                why[0] = "it is captured by a lambda or class before it is handed on";
                return;
              }
            }
            TreePath child = Enclosing.withParenthesesAndCasts(use);
            TreePath parent = child.getParentPath();
            Tree leaf = parent.getLeaf();
            if (leaf instanceof AssignmentTree assignment
                && assignment.getExpression() == child.getLeaf()
                && !(unbuilt && isOwnField(assignment.getVariable()))) {
              why[0] = "it is stored in `" + state.getSourceForNode(assignment.getVariable())
                  + "` before the end of the block";
            } else if (leaf instanceof VariableTree declaration
                && declaration.getInitializer() == child.getLeaf()) {
              why[0] = "it is given another name before the end of the block";
            } else if (leaf instanceof MethodInvocationTree || leaf instanceof NewClassTree) {
              List<? extends ExpressionTree> arguments =
                  leaf instanceof MethodInvocationTree call
                      ? call.getArguments()
                      : ((NewClassTree) leaf).getArguments();
              int index = arguments.indexOf(child.getLeaf());
              if (index >= 0
                  && !buildsCarrier(parent, carriers)
                  && ownership.takesOwnership((ExpressionTree) leaf, index, state.withPath(parent))) {
                why[0] = "it is handed on before the end of the block";
              }
            }
          });
      return why[0];
    }

    /** Whether the call or {@code new} at {@code path} initializes one of {@code carriers}. */
    private static boolean buildsCarrier(TreePath path, Set<Symbol> carriers) {
      TreePath child = Enclosing.withParenthesesAndCasts(path);
      TreePath parent = child.getParentPath();
      return parent.getLeaf() instanceof VariableTree declaration
          && declaration.getInitializer() == child.getLeaf()
          && carriers.contains(ASTHelpers.getSymbol(declaration));
    }

    /**
     * Whether the statement may complete normally, conservatively: only a {@code return} or {@code
     * throw}, and blocks, {@code if}/{@code else} and {@code try} (without {@code finally}) made of
     * them, cannot.
     */
    private static boolean completesNormally(StatementTree statement) {
      if (statement instanceof ReturnTree || statement instanceof ThrowTree) {
        return false;
      }
      if (statement instanceof BlockTree block) {
        return block.getStatements().isEmpty()
            || completesNormally(block.getStatements().get(block.getStatements().size() - 1));
      }
      if (statement instanceof IfTree branching) {
        return branching.getElseStatement() == null
            || completesNormally(branching.getThenStatement())
            || completesNormally(branching.getElseStatement());
      }
      if (statement instanceof TryTree attempt && attempt.getFinallyBlock() == null) {
        return completesNormally(attempt.getBlock())
            || attempt.getCatches().stream().anyMatch(c -> completesNormally(c.getBlock()));
      }
      return true;
    }

    private static boolean isNull(ExpressionTree expression) {
      return bare(expression).getKind() == Tree.Kind.NULL_LITERAL;
    }

    /** {@code expression} without the parentheses and casts around it. */
    private static ExpressionTree bare(ExpressionTree expression) {
      ExpressionTree bare = expression;
      while (true) {
        if (bare instanceof ParenthesizedTree parenthesized) {
          bare = parenthesized.getExpression();
        } else if (bare instanceof TypeCastTree cast) {
          bare = cast.getExpression();
        } else {
          return bare;
        }
      }
    }

    /** Whether the name at {@code use} is the receiver of a member access ({@code r.close()}). */
    private static boolean isReceiver(TreePath use) {
      TreePath parent = use.getParentPath();
      return parent != null
          && parent.getLeaf() instanceof MemberSelectTree select
          && select.getExpression() == use.getLeaf();
    }

    private boolean covers(List<? extends StatementTree> region, Tree tree) {
      int start = ASTHelpers.getStartPosition(region.get(0));
      int end = state.getEndPosition(region.get(region.size() - 1));
      int at = ASTHelpers.getStartPosition(tree);
      return at >= start && at < end;
    }
  }
}
