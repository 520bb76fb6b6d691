package dev.leakguard.flow;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.leakguard.flow.ObligationSpec.Acquisition;
import dev.leakguard.flow.ObligationSpec.ArgumentEffect;
import dev.leakguard.trees.Branches;
import dev.leakguard.trees.Enclosing;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import dev.leakguard.trees.Subclasses;
import dev.leakguard.trees.UnitIndex;
import dev.leakguard.trees.UnitIndex.FieldStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * The class-level half of the must-release analysis: fields that hold a resource the class itself
 * created. A method-level analysis cannot judge them, because their release belongs to another
 * method of the class ({@code close()}, {@code stop()}, a {@code @PreDestroy} hook), so this looks
 * at the class as a whole, without a CFG:
 *
 * <ul>
 *   <li>a field the class creates a resource into (its initializer, or an assignment anywhere in
 *       the class) that no code of the compilation unit releases, and that never leaves the class
 *       (returned, handed to an owner, stored elsewhere), is {@linkplain #unreleased() unreleased};
 *   <li>an assignment that puts a new resource into such a field while the previous one may still
 *       be open {@linkplain #overwrites() overwrites} it: the old one can no longer be released.
 * </ul>
 *
 * <p>What creates, releases and takes ownership comes from the same {@link ObligationSpec} the
 * method-level analysis uses. Releases are found in the whole compilation unit (a nested class may
 * shut down its outer class's pool), directly, through {@code this.field}, or through a local
 * variable copied from the field.
 */
public final class FieldLifecycle {

  /**
   * Whether a subclass compiled here releases {@code field}, an instance field its subclasses can
   * reach (httpclient's {@code AbstractPoolEntry} opens {@code connection} into a protected field;
   * its subclass {@code SingleClientConnManager.PoolEntry}, in another file, closes it). The
   * subclass's whole file is read, as the field's own is.
   */
  private static boolean releasedBySubclass(
      VarSymbol field, ObligationSpec spec, VisitorState state) {
    if (ASTHelpers.isStatic(field)
        || field.getModifiers().contains(Modifier.PRIVATE)
        || !(field.owner instanceof Symbol.ClassSymbol owner)) {
      return false;
    }
    try {
      for (TreePath subclass : Subclasses.inSource(owner, state)) {
        FieldReleases uses =
            FieldReleases.scan(Set.of(field), subclass.getCompilationUnit(), spec, state, false);
        if (!uses.releasesOf(field).isEmpty() || uses.escapes(field)) {
          return true;
        }
      }
    } catch (RuntimeException e) {
      return false; // javac cannot answer for a class: judge the field by its own class
    }
    return false;
  }

  /** A field that holds a resource the class created. */
  public record OwnedField(
      VariableTree declaration,
      VarSymbol symbol,
      /** The first creation stored into it: its initializer, or the first assignment. */
      ExpressionTree creation,
      Acquisition acquisition,
      /** Whether the creation sits in the field's initializer (rather than in an assignment). */
      boolean createdByInitializer) {

    /** A {@code final} field created by its initializer: it is never null. */
    public boolean alwaysSet() {
      return createdByInitializer && symbol.getModifiers().contains(Modifier.FINAL);
    }
  }

  /** An assignment storing a new resource into a field whose previous resource may be open. */
  public record Overwrite(OwnedField field, AssignmentTree assignment, Acquisition acquisition) {}

  /**
   * A close of a field that a failing close of another field of the class, before it in the same
   * method, skips ({@code in.close(); out.close();}).
   */
  public record SkippedClose(
      OwnedField field,
      /** The skipped release: a call, or a try-with-resources resource. */
      TreePath release,
      /** The earliest close before it whose failure skips it. */
      MethodInvocationTree failingClose,
      /**
       * The statement, in the block that also holds the release, from which each following close
       * can be chained in a {@code finally} of the one before; null when failing closes sit at
       * several levels of nesting, so that no single chain fixes it.
       */
      @Nullable TreePath chainFrom) {}

  private final ImmutableList<OwnedField> unreleased;
  private final ImmutableList<Overwrite> overwrites;
  private final ImmutableList<SkippedClose> skippedCloses;

  private FieldLifecycle(
      ImmutableList<OwnedField> unreleased,
      ImmutableList<Overwrite> overwrites,
      ImmutableList<SkippedClose> skippedCloses) {
    this.unreleased = unreleased;
    this.overwrites = overwrites;
    this.skippedCloses = skippedCloses;
  }

  private static FieldLifecycle none() {
    return new FieldLifecycle(ImmutableList.of(), ImmutableList.of(), ImmutableList.of());
  }

  /** Fields whose resource no code releases and that never leave the class, in source order. */
  public ImmutableList<OwnedField> unreleased() {
    return unreleased;
  }

  /**
   * Assignments that overwrite a field whose resource may still be open, in source order. Only
   * fields that are released somewhere are listed: an unreleased field is reported as a whole.
   */
  public ImmutableList<Overwrite> overwrites() {
    return overwrites;
  }

  /**
   * Closes of released fields that a failing close of another released field skips, in source
   * order of the fields. A close that declares no checked exception skips nothing here: the rule
   * is for resources, whose {@code close()} declares {@code IOException} or {@code Exception}.
   */
  public ImmutableList<SkippedClose> skippedCloses() {
    return skippedCloses;
  }

  /**
   * Analyses the fields declared directly in the class at {@code classPath}; nested classes are
   * analysed with their own call. Never throws for a well-formed, attributed tree.
   */
  public static FieldLifecycle analyze(TreePath classPath, ObligationSpec spec, VisitorState state) {
    if (!(classPath.getLeaf() instanceof ClassTree classTree)) {
      return none();
    }
    Map<VarSymbol, VariableTree> declared = new LinkedHashMap<>();
    for (Tree member : classTree.getMembers()) {
      if (member instanceof VariableTree variable) {
        VarSymbol symbol = ASTHelpers.getSymbol(variable);
        if (symbol != null) {
          declared.put(symbol, variable);
        }
      }
    }
    if (declared.isEmpty()) {
      return none();
    }
    Creations creations = new Creations(classPath, declared, spec, state);
    for (FieldStore store : UnitIndex.of(classPath.getCompilationUnit(), state).fieldStores()) {
      creations.note(store, classTree);
    }
    if (creations.byField.isEmpty()) {
      return none();
    }
    FieldReleases uses =
        FieldReleases.scan(
            creations.byField.keySet(), classPath.getCompilationUnit(), spec, state, false);

    ImmutableList.Builder<OwnedField> unreleased = ImmutableList.builder();
    ImmutableList.Builder<Overwrite> overwrites = ImmutableList.builder();
    List<OwnedField> released = new ArrayList<>();
    for (Map.Entry<VarSymbol, List<Creation>> entry : creations.byField.entrySet()) {
      VarSymbol field = entry.getKey();
      List<Creation> fieldCreations = entry.getValue();
      Creation first = fieldCreations.get(0);
      OwnedField owned =
          new OwnedField(
              declared.get(field),
              field,
              first.created,
              first.acquisition,
              first.assignment == null);
      if (uses.escapes(field) && !lentLikeAReleasedSibling(field, creations.byField.keySet(), uses)) {
        continue;
      }
      List<TreePath> releases = uses.releasesOf(field);
      if (onlyToReplace(releases, fieldCreations)) {
        if (releasedBySubclass(field, spec, state)) {
          continue; // the class leaves it to its subclasses, and one of them releases it
        }
        if (!(ASTHelpers.isStatic(field) && startsDaemonThreads(fieldCreations, state))) {
          unreleased.add(owned);
          // Reported as a whole; but a second resource stored while the object is being built
          // replaces one that no method could ever reach, whatever the class later adds.
          for (Creation creation : fieldCreations) {
            if (creation.assignment != null
                && overwritesInInitialization(creation, fieldCreations, field, releases)) {
              overwrites.add(
                  new Overwrite(
                      owned, (AssignmentTree) creation.assignment.getLeaf(), creation.acquisition));
            }
          }
        }
        continue;
      }
      released.add(owned);
      for (Creation creation : fieldCreations) {
        if (creation.assignment != null
            && overwritesOpenResource(creation, fieldCreations, releases, field, state)) {
          overwrites.add(
              new Overwrite(
                  owned, (AssignmentTree) creation.assignment.getLeaf(), creation.acquisition));
        }
      }
    }
    return new FieldLifecycle(
        unreleased.build(),
        overwrites.build(),
        ImmutableList.copyOf(SkippedFieldCloses.find(released, uses, spec, state)));
  }

  /**
   * {@code registerProcessor(code, processor, executor)} for three executor fields, two of which
   * the class shuts down itself: what the call does with its argument is a loan, not a hand-over,
   * so the third, handed over the same way and never shut down, leaks. A field counts as lent only
   * where every call it escapes through takes, at the same parameter, a sibling field that the
   * class releases.
   */
  private static boolean lentLikeAReleasedSibling(
      VarSymbol field, Set<VarSymbol> siblings, FieldReleases uses) {
    Set<FieldReleases.HandOff> calls = uses.onlyHandedTo(field);
    if (calls == null || calls.isEmpty()) {
      return false;
    }
    for (FieldReleases.HandOff call : calls) {
      boolean provenLoan = false;
      for (VarSymbol sibling : siblings) {
        Set<FieldReleases.HandOff> siblingCalls = uses.onlyHandedTo(sibling);
        if (!sibling.equals(field)
            && siblingCalls != null
            && siblingCalls.contains(call)
            && !uses.releasesOf(sibling).isEmpty()) {
          provenLoan = true;
          break;
        }
      }
      if (!provenLoan) {
        return false;
      }
    }
    return true;
  }

  /** One resource created into a field: by its initializer ({@code assignment} null) or assigned. */
  private record Creation(
      ExpressionTree created, Acquisition acquisition, @Nullable TreePath assignment) {}

  /**
   * Collects what the class creates into its own fields, from the unit's field stores ({@link
   * UnitIndex}): the path of an assignment is looked up only for the few that create something.
   */
  private static final class Creations {
    private final TreePath classPath;
    private final Map<VarSymbol, VariableTree> declared;
    private final ObligationSpec spec;
    private final VisitorState state;
    final Map<VarSymbol, List<Creation>> byField = new LinkedHashMap<>();

    Creations(
        TreePath classPath,
        Map<VarSymbol, VariableTree> declared,
        ObligationSpec spec,
        VisitorState state) {
      this.classPath = classPath;
      this.declared = declared;
      this.spec = spec;
      this.state = state;
    }

    /**
     * Notes the store if it gives one of the class's own fields a new resource, written in the
     * class or in a class it nests (where its private fields can be assigned).
     */
    void note(FieldStore store, ClassTree classTree) {
      VariableTree declaration = declared.get(store.field());
      if (declaration == null
          || (store.assignment() == null
              ? declaration.getInitializer() != store.value()
              : !store.isWithin(classTree))) {
        return;
      }
      ExpressionTree created = createdResource(store.value(), spec, state);
      if (created == null) {
        return;
      }
      TreePath assignment =
          store.assignment() == null ? null : TreePath.getPath(classPath, store.assignment());
      if (store.assignment() != null && assignment == null) {
        return; // not under the class after all: nothing to tie the creation to
      }
      add(store.field(), new Creation(created, acquisition(created), assignment));
    }

    private Acquisition acquisition(ExpressionTree created) {
      Acquisition acquisition = spec.storedAcquisitionAt(created, state);
      return acquisition != null
          ? acquisition
          : new Acquisition(ObligationSpec.Condition.ALWAYS, null, "resource");
    }

    private void add(VarSymbol field, Creation creation) {
      byField.computeIfAbsent(field, k -> new ArrayList<>()).add(creation);
    }
  }

  /**
   * The acquiring expression whose resource {@code value} evaluates to: the value itself, through
   * parentheses, casts, conditionals and wrapping calls ({@code unconfigurableExecutorService(
   * newFixedThreadPool(2))}); null when the value is not a fresh resource.
   */
  static @Nullable ExpressionTree createdResource(
      ExpressionTree value, ObligationSpec spec, VisitorState state) {
    ExpressionTree expression = strip(value);
    if (expression instanceof ConditionalExpressionTree conditional) {
      ExpressionTree created = createdResource(conditional.getTrueExpression(), spec, state);
      return created != null
          ? created
          : createdResource(conditional.getFalseExpression(), spec, state);
    }
    if (!(expression instanceof MethodInvocationTree) && !(expression instanceof NewClassTree)) {
      return null;
    }
    if (spec.storedAcquisitionAt(expression, state) != null) {
      return expression;
    }
    List<? extends ExpressionTree> arguments =
        expression instanceof MethodInvocationTree call
            ? call.getArguments()
            : ((NewClassTree) expression).getArguments();
    for (int i = 0; i < arguments.size(); i++) {
      // The argument's effect matters only for an argument that is a creation (see above), and
      // is the dearer question: asked last.
      if (mayBeCreation(arguments.get(i))) {
        ExpressionTree created = createdResource(arguments.get(i), spec, state);
        if (created != null && spec.argumentEffect(expression, i, state) == ArgumentEffect.WRAPS) {
          return created;
        }
      }
    }
    return null;
  }

  /** Whether {@link #createdResource} can find anything in {@code value}: a call, new or conditional. */
  private static boolean mayBeCreation(ExpressionTree value) {
    ExpressionTree expression = strip(value);
    return expression instanceof ConditionalExpressionTree
        || expression instanceof MethodInvocationTree
        || expression instanceof NewClassTree;
  }

  /**
   * Whether {@code creation}, an assignment, stores a new resource while the field's previous one
   * may still be open and is not released first.
   */
  private static boolean overwritesOpenResource(
      Creation creation,
      List<Creation> fieldCreations,
      List<TreePath> releases,
      VarSymbol field,
      VisitorState state) {
    TreePath assignmentPath = creation.assignment;
    TreePath executable = Enclosing.executable(assignmentPath);
    if (executable == null || isGuardedByTestOf(assignmentPath, executable.getLeaf(), field)) {
      return false;
    }
    int position = ASTHelpers.getStartPosition(assignmentPath.getLeaf());
    if (releasedBefore(executable, position, field, releases)) {
      return false;
    }
    boolean constructorLike = isConstructorLike(executable, field);
    for (Creation other : fieldCreations) {
      if (other == creation) {
        continue;
      }
      if (other.assignment == null) {
        return true; // The initializer's resource is open when any code runs.
      }
      TreePath otherExecutable = Enclosing.executable(other.assignment);
      if (otherExecutable == null) {
        continue;
      }
      if (otherExecutable.getLeaf() == executable.getLeaf()) {
        if (ASTHelpers.getStartPosition(other.assignment.getLeaf()) < position
            && !inExclusiveBranches(other.assignment, assignmentPath)) {
          return true; // An earlier assignment in the same body.
        }
      } else if (!constructorLike && isConstructorLike(otherExecutable, field)) {
        return true; // A constructor or initializer created the resource this method replaces.
      } else if (constructorLike && runsEarlierInInitialization(otherExecutable, executable)) {
        return true; // An initializer block stored one before this constructor or block runs.
      }
    }
    if (!constructorLike && isInLoop(assignmentPath, executable.getLeaf())) {
      return true; // The second iteration overwrites the first one's resource.
    }
    if (!constructorLike && storedWithCareElsewhere(creation, fieldCreations, field, releases)) {
      return true;
    }
    // A static field assigned in an instance constructor: every new instance replaces it.
    return ASTHelpers.isStatic(field)
        && executable.getLeaf() instanceof MethodTree method
        && ASTHelpers.getSymbol(method).isConstructor();
  }

  /**
   * Whether every release of the field is followed, in its method, by a store of a new resource
   * ({@code ps.close(); ps = new PrintStream(f);}): it closes the old one to replace it, and no
   * code closes the last one (the Checker Framework's {@code StaticOwningField}). True for none.
   */
  private static boolean onlyToReplace(List<TreePath> releases, List<Creation> creations) {
    for (TreePath release : releases) {
      TreePath executable = Enclosing.executable(release);
      int at = ASTHelpers.getStartPosition(release.getLeaf());
      boolean replaced = false;
      for (Creation creation : creations) {
        // Not a store on another branch (`if (off) out.close(); else out = open();`).
        replaced |=
            executable != null
                && creation.assignment != null
                && storesBetween(executable, at, Integer.MAX_VALUE, List.of(creation))
                && !inExclusiveBranches(release, creation.assignment);
      }
      if (!replaced) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether another method stores a resource in the field only after testing it or closing it
   * ({@code if (is == null) is = open();}, {@code is.close(); is = open();}): the class itself
   * expects the field to hold an open resource when its methods run, so a store that does neither
   * replaces one (the Checker Framework's {@code NonFinalFieldOnlyOverwrittenIfNull}).
   */
  private static boolean storedWithCareElsewhere(
      Creation creation, List<Creation> fieldCreations, VarSymbol field, List<TreePath> releases) {
    TreePath executable = Enclosing.executable(creation.assignment);
    for (Creation other : fieldCreations) {
      if (other == creation || other.assignment == null) {
        continue;
      }
      TreePath otherExecutable = Enclosing.executable(other.assignment);
      if (otherExecutable == null
          || executable == null
          || otherExecutable.getLeaf() == executable.getLeaf()
          || isConstructorLike(otherExecutable, field)) {
        continue;
      }
      int otherAt = ASTHelpers.getStartPosition(other.assignment.getLeaf());
      if (storesBetween(otherExecutable, -1, otherAt, fieldCreations)) {
        continue; // the care is for that method's own earlier store, not for what it found
      }
      if (isGuardedByTestOf(other.assignment, otherExecutable.getLeaf(), field)
          || releasedBefore(otherExecutable, otherAt, field, releases)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether one of {@code creations} stores into the field in {@code executable}, strictly between
   * the positions {@code after} and {@code before}.
   */
  private static boolean storesBetween(
      TreePath executable, int after, int before, List<Creation> creations) {
    for (Creation creation : creations) {
      if (creation.assignment == null) {
        continue;
      }
      int at = ASTHelpers.getStartPosition(creation.assignment.getLeaf());
      TreePath where = Enclosing.executable(creation.assignment);
      if (after < at && at < before && where != null && where.getLeaf() == executable.getLeaf()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code creation} replaces a resource that the field's initializer or an earlier
   * initializer block stored while the object is being built (and that nothing released in
   * between).
   */
  private static boolean overwritesInInitialization(
      Creation creation, List<Creation> fieldCreations, VarSymbol field, List<TreePath> releases) {
    TreePath executable = Enclosing.executable(creation.assignment);
    if (executable == null
        || !isConstructorLike(executable, field)
        || isGuardedByTestOf(creation.assignment, executable.getLeaf(), field)
        || releasedBefore(
            executable, ASTHelpers.getStartPosition(creation.assignment.getLeaf()), field, releases)) {
      return false;
    }
    for (Creation other : fieldCreations) {
      if (other == creation || other.acquisition.condition() != ObligationSpec.Condition.ALWAYS) {
        continue; // an unconnected socket holds nothing yet
      }
      if (other.assignment == null) {
        return true; // the field's own initializer runs first
      }
      TreePath otherExecutable = Enclosing.executable(other.assignment);
      if (otherExecutable != null && runsEarlierInInitialization(otherExecutable, executable)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the initializer block {@code earlier} always runs before {@code later} while an
   * object (or, for static blocks, the class) is initialized: a block of the same class and kind
   * further down, or, for an instance block, any constructor (one that delegates to {@code this(…)}
   * runs its body after the delegate, which ran the blocks).
   */
  private static boolean runsEarlierInInitialization(TreePath earlier, TreePath later) {
    if (!(earlier.getLeaf() instanceof BlockTree block)
        || earlier.getParentPath() == null
        || later.getParentPath() == null
        || earlier.getParentPath().getLeaf() != later.getParentPath().getLeaf()) {
      return false;
    }
    if (later.getLeaf() instanceof BlockTree laterBlock) {
      return laterBlock.isStatic() == block.isStatic()
          && ASTHelpers.getStartPosition(laterBlock) > ASTHelpers.getStartPosition(block);
    }
    return !block.isStatic()
        && later.getLeaf() instanceof MethodTree constructor
        && ASTHelpers.getSymbol(constructor) != null
        && ASTHelpers.getSymbol(constructor).isConstructor();
  }

  /**
   * Whether {@code a} and {@code b} sit in branches of which one run takes only one: the then and
   * else of an {@code if}, the two arms of a conditional, two cases of a {@code switch}, the last
   * statement of a {@code try} block and one of its {@code catch} clauses.
   */
  private static boolean inExclusiveBranches(TreePath a, TreePath b) {
    Branches.Divergence split = Branches.of(a, b);
    if (split == null) {
      return false;
    }
    if (split.parent() instanceof TryTree tryTree
        && split.childA() == tryTree.getBlock()
        && split.childB() instanceof CatchTree
        && split.belowChildA() != null) {
      // try { f = open(); } catch (E e) { f = openOther(); }: the catch runs only when the try's
      // last statement, the first assignment, did not complete (h2 TcpServer.start, PgServer).
      List<? extends StatementTree> body = tryTree.getBlock().getStatements();
      return !body.isEmpty() && body.get(body.size() - 1) == split.belowChildA();
    }
    return Branches.onDifferentArms(split);
  }




  /**
   * Whether {@code executable} runs once per creation of the field's owner: a constructor or
   * initializer for an instance field, a static initializer for a static field.
   */
  private static boolean isConstructorLike(TreePath executable, VarSymbol field) {
    Tree leaf = executable.getLeaf();
    boolean staticField = ASTHelpers.isStatic(field);
    if (leaf instanceof MethodTree method) {
      return !staticField && ASTHelpers.getSymbol(method).isConstructor();
    }
    if (leaf instanceof BlockTree block) {
      return block.isStatic() == staticField;
    }
    if (leaf instanceof VariableTree variable) {
      return ASTHelpers.getSymbol(variable) != null
          && ASTHelpers.isStatic(ASTHelpers.getSymbol(variable)) == staticField;
    }
    return false;
  }

  /** Whether a release of {@code field} precedes {@code position} in {@code executable}. */
  private static boolean releasedBefore(
      TreePath executable, int position, VarSymbol field, List<TreePath> releases) {
    Tree body = executable.getLeaf();
    Set<MethodSymbol> releasingMethods = new HashSet<>();
    for (TreePath release : releases) {
      TreePath releaseExecutable = Enclosing.executable(release);
      if (releaseExecutable == null) {
        continue;
      }
      if (releaseExecutable.getLeaf() == body
          && ASTHelpers.getStartPosition(release.getLeaf()) < position) {
        return true;
      }
      if (releaseExecutable.getLeaf() instanceof MethodTree method) {
        releasingMethods.add(ASTHelpers.getSymbol(method));
      }
    }
    if (releasingMethods.isEmpty()) {
      return false;
    }
    // stop(); pool = newPool(); where stop() is a method that shuts the field down.
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (ASTHelpers.getStartPosition(call) < position
            && releasingMethods.contains(ASTHelpers.getSymbol(call))) {
          found[0] = true;
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitClass(ClassTree nested, Void unused) {
        return null;
      }
    }.scan(body, null);
    return found[0];
  }

  /**
   * Whether a condition between {@code path} and {@code executable} reads the field: {@code if
   * (pool == null)}, {@code if (pool.isShutdown())}, a lazy initialization.
   */
  private static boolean isGuardedByTestOf(TreePath path, Tree executable, VarSymbol field) {
    for (TreePath current = path; current != null; current = current.getParentPath()) {
      Tree leaf = current.getLeaf();
      if (leaf == executable) {
        return false;
      }
      ExpressionTree condition = null;
      if (leaf instanceof IfTree ifTree) {
        condition = ifTree.getCondition();
      } else if (leaf instanceof ConditionalExpressionTree conditional) {
        condition = conditional.getCondition();
      } else if (leaf instanceof WhileLoopTree loop) {
        condition = loop.getCondition();
      }
      if (condition != null && reads(condition, field)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isInLoop(TreePath path, Tree executable) {
    for (TreePath current = path; current != null; current = current.getParentPath()) {
      Tree leaf = current.getLeaf();
      if (leaf == executable) {
        return false;
      }
      if (leaf instanceof ForLoopTree
          || leaf instanceof EnhancedForLoopTree
          || leaf instanceof WhileLoopTree
          || (leaf instanceof DoWhileLoopTree doWhile && !runsOnce(doWhile))) {
        return !leavesTheLoopOnceAssigned(path, leaf);
      }
    }
    return false;
  }

  /**
   * Whether the statement assigning at {@code assignment} is followed, in its block, by a {@code
   * break} out of {@code loop}: a retry loop that stops at the first success (jgroups
   * BPING.start: {@code for (port…) { try { sock = create(port); break; } catch … }}) assigns
   * the field once.
   */
  private static boolean leavesTheLoopOnceAssigned(TreePath assignment, Tree loop) {
    TreePath statement = assignment;
    while (statement != null
        && !(statement.getLeaf() instanceof StatementTree
            && statement.getParentPath() != null
            && statement.getParentPath().getLeaf() instanceof BlockTree)) {
      statement = statement.getParentPath();
    }
    if (statement == null) {
      return false;
    }
    List<? extends StatementTree> statements =
        ((BlockTree) statement.getParentPath().getLeaf()).getStatements();
    int at = statements.indexOf((StatementTree) statement.getLeaf());
    if (at < 0
        || at + 1 >= statements.size()
        || !(statements.get(at + 1) instanceof BreakTree exit)
        || exit.getLabel() != null) {
      return false;
    }
    // The break must leave this loop: no switch or inner loop between it and the loop.
    for (TreePath p = statement.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf == loop) {
        return true;
      }
      if (leaf instanceof SwitchTree
          || leaf instanceof ForLoopTree
          || leaf instanceof EnhancedForLoopTree
          || leaf instanceof WhileLoopTree
          || leaf instanceof DoWhileLoopTree) {
        return false;
      }
    }
    return false;
  }

  /** {@code do { … } while (false)}: a block to break out of, run once, not a loop. */
  private static boolean runsOnce(DoWhileLoopTree doWhile) {
    return Boolean.FALSE.equals(ASTHelpers.constValue(doWhile.getCondition(), Boolean.class));
  }

  private static boolean reads(Tree tree, VarSymbol field) {
    return Mentions.mentions(tree, field);
  }

  /**
   * Whether every creation visibly starts daemon threads ({@code new Timer(true)}, a thread factory
   * calling {@code setDaemon(true)} in the creating expression, or one whose class in this
   * compilation does in its {@code newThread}): such a pool in a static field is meant to live as
   * long as the JVM and does not keep it from exiting.
   */
  private static boolean startsDaemonThreads(List<Creation> creations, VisitorState state) {
    for (Creation creation : creations) {
      if (!startsDaemonThreads(creation.created, state)) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsDaemonThreads(ExpressionTree created, VisitorState state) {
    if (created instanceof NewClassTree newClass) {
      for (ExpressionTree argument : newClass.getArguments()) {
        if (argument instanceof LiteralTree literal && Boolean.TRUE.equals(literal.getValue())) {
          return true; // new Timer(true), new Timer("name", true)
        }
      }
    }
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        found[0] |= setsDaemon(call);
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitNewClass(NewClassTree creation, Void unused) {
        // A named factory class of the compilation (undertow's ShutdownFallbackThreadFactory).
        found[0] |= creation.getClassBody() == null && isDaemonThreadFactory(creation, state);
        return super.visitNewClass(creation, null);
      }
    }.scan(created, null);
    return found[0];
  }

  private static boolean setsDaemon(MethodInvocationTree call) {
    Symbol method = ASTHelpers.getSymbol(call);
    return method != null
        && method.getSimpleName().contentEquals("setDaemon")
        && call.getArguments().size() == 1
        && call.getArguments().get(0) instanceof LiteralTree literal
        && Boolean.TRUE.equals(literal.getValue());
  }

  /**
   * Whether {@code creation} makes a {@code ThreadFactory} whose class, compiled here, marks the
   * threads its {@code newThread} returns as daemons ({@code t.setDaemon(true)} in that method).
   */
  private static boolean isDaemonThreadFactory(NewClassTree creation, VisitorState state) {
    MethodSymbol constructor = ASTHelpers.getSymbol(creation);
    if (constructor == null
        || !ASTHelpers.isSubtype(
            constructor.enclClass().type,
            state.getTypeFromString("java.util.concurrent.ThreadFactory"),
            state)) {
      return false;
    }
    ClassTree declaration = JavacTrees.instance(state.context).getTree(constructor.enclClass());
    if (declaration == null) {
      return false;
    }
    for (Tree member : declaration.getMembers()) {
      if (member instanceof MethodTree method
          && method.getName().contentEquals("newThread")
          && method.getBody() != null) {
        // Its own code only: a nested class's or lambda's threads are not the ones it returns.
        return OwnCodeScanner.anyInvocation(
            method.getBody(),
            invocation -> invocation instanceof MethodInvocationTree call && setsDaemon(call));
      }
    }
    return false;
  }

  static ExpressionTree strip(ExpressionTree expression) {
    ExpressionTree current = expression;
    while (true) {
      if (current instanceof ParenthesizedTree parenthesized) {
        current = parenthesized.getExpression();
      } else if (current instanceof TypeCastTree cast) {
        current = cast.getExpression();
      } else {
        return current;
      }
    }
  }
}
