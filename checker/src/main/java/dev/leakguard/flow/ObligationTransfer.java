package dev.leakguard.flow;

import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Lists;
import com.google.common.collect.Sets;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.flow.ObligationSpec.Acquisition;
import dev.leakguard.flow.ObligationSpec.ArgumentEffect;
import dev.leakguard.flow.ObligationSpec.Condition;
import dev.leakguard.flow.ObligationSpec.Operand;
import dev.leakguard.flow.ObligationStore.Witness;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import org.checkerframework.errorprone.dataflow.analysis.ConditionalTransferResult;
import org.checkerframework.errorprone.dataflow.analysis.ForwardTransferFunction;
import org.checkerframework.errorprone.dataflow.analysis.RegularTransferResult;
import org.checkerframework.errorprone.dataflow.analysis.TransferInput;
import org.checkerframework.errorprone.dataflow.analysis.TransferResult;
import org.checkerframework.errorprone.dataflow.cfg.UnderlyingAST;
import org.checkerframework.errorprone.dataflow.cfg.node.AbstractNodeVisitor;
import org.checkerframework.errorprone.dataflow.cfg.node.ArrayAccessNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ArrayCreationNode;
import org.checkerframework.errorprone.dataflow.cfg.node.AssignmentNode;
import org.checkerframework.errorprone.dataflow.cfg.node.BooleanLiteralNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ConditionalNotNode;
import org.checkerframework.errorprone.dataflow.cfg.node.EqualToNode;
import org.checkerframework.errorprone.dataflow.cfg.node.FieldAccessNode;
import org.checkerframework.errorprone.dataflow.cfg.node.FunctionalInterfaceNode;
import org.checkerframework.errorprone.dataflow.cfg.node.IntegerDivisionNode;
import org.checkerframework.errorprone.dataflow.cfg.node.IntegerRemainderNode;
import org.checkerframework.errorprone.dataflow.cfg.node.LambdaResultExpressionNode;
import org.checkerframework.errorprone.dataflow.cfg.node.LocalVariableNode;
import org.checkerframework.errorprone.dataflow.cfg.node.MarkerNode;
import org.checkerframework.errorprone.dataflow.cfg.node.MethodInvocationNode;
import org.checkerframework.errorprone.dataflow.cfg.node.NarrowingConversionNode;
import org.checkerframework.errorprone.dataflow.cfg.node.Node;
import org.checkerframework.errorprone.dataflow.cfg.node.NotEqualNode;
import org.checkerframework.errorprone.dataflow.cfg.node.NullLiteralNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ObjectCreationNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ReturnNode;
import org.checkerframework.errorprone.dataflow.cfg.node.SwitchExpressionNode;
import org.checkerframework.errorprone.dataflow.cfg.node.TernaryExpressionNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ThisNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ThrowNode;
import org.checkerframework.errorprone.dataflow.cfg.node.TypeCastNode;
import org.checkerframework.errorprone.dataflow.cfg.node.ValueLiteralNode;
import org.checkerframework.errorprone.dataflow.cfg.node.WideningConversionNode;
import org.jspecify.annotations.Nullable;

/**
 * The transfer function of the must-release analysis: how each CFG node opens, aliases,
 * discharges or puts at risk the obligations of one {@link ObligationSpec}.
 *
 * <p>Exceptional edges get their own store: for calls, constructors and {@code throw}, the open
 * obligations are marked with that node as the leaking event. For nodes that can only throw
 * implicitly (a field dereference, an array index, a cast, a division, unboxing) nothing is
 * carried unless the spec {@linkplain ObligationSpec#countsImplicitExceptions counts them}: for a
 * stream such a path is not one a reader would act on, for a lock it blocks every other thread.
 * {@link ImplicitThrows} says which of those nodes can throw.
 */
final class ObligationTransfer extends AbstractNodeVisitor<
        TransferResult<ObligationValue, ObligationStore>,
        TransferInput<ObligationValue, ObligationStore>>
    implements ForwardTransferFunction<ObligationValue, ObligationStore> {

  private final ObligationSpec spec;
  private final VisitorState state;
  private final Type errorType;
  /** One obligation per acquisition site, so that revisiting a node in a loop reuses it. */
  private final Map<Tree, Obligation> obligationsBySite = new IdentityHashMap<>();

  /**
   * What each holder creation ({@code new InputSource(in)}) refers to without owning it: a
   * variable given the holder does not name the resource, which it cannot close.
   */
  private final Map<Tree, Set<Obligation>> heldBy = new IdentityHashMap<>();

  /**
   * Obligations that hold one thing between them ({@link ObligationSpec#joinsOperands}: the ends
   * of a pipe), each with the others: releasing one releases them.
   */
  private final Map<Obligation, Set<Obligation>> joined = new HashMap<>();

  /**
   * Obligations acquired again while the previous one from the same site may still be open (a
   * loop's next iteration), with the variables that held the previous one then.
   */
  private final Map<Obligation, Set<Element>> reacquiredWhileHeld = new HashMap<>();

  /**
   * Obligations whose only variable was overwritten while they were open, with the assignment.
   * Exit stores do not always show these: a loop's next iteration opens the site's obligation
   * again (and the code may release that one after the loop), or the loop never exits; the
   * instance overwritten is lost all the same.
   */
  private final Map<Obligation, Witness> overwrittenWhileOpen = new LinkedHashMap<>();

  /**
   * Calls inside clean-up blocks ({@link ObligationAnalysis#cleanUpBlocks}: {@code finally}
   * blocks, and {@code catch} blocks that end by throwing): they run on the way out of a scope,
   * so a throw there is not a leak a reader would act on (and the issue's bar: a {@code finally}
   * that does other work before {@code unlock()} is fine).
   */
  private final Set<Tree> inFinally;

  /** The clean-up blocks of the body, outermost first. */
  private final List<BlockTree> finallyBlocks;

  /** The {@code try} statements of the body, outermost first. */
  private final List<TryTree> tries;

  /**
   * Returned values lost when code that runs after their {@code return} fails ({@code try {
   * return open(); } finally { cleanUp(); }}), and the failing code.
   */
  private final Map<Obligation, Witness> lostAfterReturn = new LinkedHashMap<>();

  /**
   * Code inside {@code catch} clauses. A leak that reaches a catch already has its witness, the
   * call that threw; a throw in the clean-up there (or its rethrow) does not replace it.
   */
  private final Set<Tree> inCatch;

  /** Trees inside a loop's condition: a flag tested there changes while the loop runs. */
  private final Set<Tree> inLoopCondition;

  /** Which nodes throw without a call; null when the spec does not count such paths. */
  private final @Nullable ImplicitThrows implicitThrows;

  /**
   * Whether the method makes a call that gives a value an obligation ({@link
   * ObligationSpec#creationBy}): only then are values that owe nothing yet tracked ({@link
   * ObligationSpec#dormantAt}).
   */
  private final boolean tracksCreations;

  /**
   * The calls known not to throw here, by the tests that do not depend on the store (the model of
   * quiet calls, the spec, the project's quiet methods): the fixpoint visits a loop's calls again
   * on every pass, and asks the same of each.
   */
  private final Map<ExpressionTree, Boolean> cannotThrow = new IdentityHashMap<>();

  /** {@link #mayAssignFields}, per method. */
  private final Map<MethodSymbol, Boolean> assignsFields = new HashMap<>();

  ObligationTransfer(
      ObligationSpec spec,
      VisitorState state,
      Set<Tree> inFinally,
      List<TryTree> tries,
      Set<Tree> inCatch,
      Set<Tree> inLoopCondition,
      @Nullable ImplicitThrows implicitThrows,
      boolean tracksCreations) {
    this.spec = spec;
    this.tracksCreations = tracksCreations;
    this.implicitThrows = implicitThrows;
    this.state = state;
    this.inFinally = inFinally;
    this.tries = tries;
    this.finallyBlocks = ObligationAnalysis.cleanUpBlocks(tries);
    this.inCatch = inCatch;
    this.inLoopCondition = inLoopCondition;
    this.errorType = state.getSymtab().errorType;
  }

  /**
   * Paths that only an {@code Error} takes (out of memory, stack overflow), unless the spec counts
   * them: code that catches {@code RuntimeException} to clean up is correct in practice.
   */
  private boolean onlyAnErrorTakes(TypeMirror cause) {
    return !spec.countsErrorPaths()
        && cause instanceof Type type
        && state.getTypes().isSubtype(type, errorType);
  }

  List<Obligation> obligations() {
    return new ArrayList<>(obligationsBySite.values());
  }

  /** See {@link #lostAfterReturn}. */
  Map<Obligation, Witness> lostAfterReturn() {
    return lostAfterReturn;
  }

  /** See {@link #overwrittenWhileOpen}. */
  Map<Obligation, Witness> overwrittenWhileOpen() {
    return overwrittenWhileOpen;
  }

  /** The method analysed, or null for a lambda: what its {@code return} does is the spec's call. */
  private @Nullable MethodSymbol method;

  /**
   * The class whose object a constructor or instance initializer being analysed builds, when the
   * spec keeps what it stores in the object's fields its own until it completes ({@link
   * ObligationSpec#constructorOwnsStoredFieldsUntilItCompletes}); null otherwise.
   */
  private @Nullable ClassSymbol constructedClass;

  /**
   * The fields of the object under construction that were given an obligation: they hold it like
   * local variables do, and hand it to the object when the constructor completes.
   */
  private final Set<Element> constructedFields = new HashSet<>();

  /** See {@link #constructedFields}. */
  Set<Element> constructedFields() {
    return constructedFields;
  }

  /**
   * The store at the method's entry: the parameters the spec says it owns ({@code @Owning}) are
   * obligations already, acquired at their declarations.
   */
  @Override
  public ObligationStore initialStore(UnderlyingAST ast, List<LocalVariableNode> parameters) {
    ObligationStore store = new ObligationStore();
    if (spec.constructorOwnsStoredFieldsUntilItCompletes()) {
      MethodSymbol analysed =
          ast instanceof UnderlyingAST.CFGMethod cfgMethod
              ? ASTHelpers.getSymbol(cfgMethod.getMethod())
              : null;
      if (analysed != null && analysed.isConstructor()) {
        constructedClass = analysed.enclClass();
      } else if (ast instanceof UnderlyingAST.CFGStatement statement
          && statement.getCode() instanceof BlockTree block
          && !block.isStatic()) {
        constructedClass = ASTHelpers.getSymbol(statement.getClassTree());
      }
    }
    if (!(ast instanceof UnderlyingAST.CFGMethod cfgMethod)) {
      return store;
    }
    method = ASTHelpers.getSymbol(cfgMethod.getMethod());
    for (Element field : fieldsNullAtEntry(cfgMethod)) {
      store.assignNull(field, true);
    }
    for (VariableTree declaration : cfgMethod.getMethod().getParameters()) {
      VarSymbol parameter = ASTHelpers.getSymbol(declaration);
      Acquisition acquisition = parameter == null ? null : spec.parameterAcquisition(parameter, state);
      if (acquisition == null) {
        continue;
      }
      Obligation obligation =
          obligationsBySite.computeIfAbsent(
              declaration,
              d -> new Obligation(declaration, position(declaration), acquisition, null, null));
      obligation.variableName = parameter.getSimpleName().toString();
      store.acquire(obligation);
      store.assign(parameter, Set.of(obligation));
    }
    return store;
  }

  /**
   * The fields a constructor starts with null: its class's own instance fields of a reference
   * type that have no initializer, in a class without instance initializer blocks, when the
   * constructor does not start with {@code this(…)} (another constructor ran first). A test of
   * one of them ({@code finally { if (reader == null) is.close(); }}) then tells whether the
   * assignment before it ran.
   */
  private List<Element> fieldsNullAtEntry(UnderlyingAST.CFGMethod cfgMethod) {
    MethodTree constructor = cfgMethod.getMethod();
    MethodSymbol symbol = ASTHelpers.getSymbol(constructor);
    if (constructedClass == null
        || symbol == null
        || !symbol.isConstructor()
        || constructor.getBody() == null
        || (!constructor.getBody().getStatements().isEmpty()
            && constructor.getBody().getStatements().get(0) instanceof ExpressionStatementTree first
            && first.getExpression() instanceof MethodInvocationTree call
            && isThisCall(call))) {
      return List.of();
    }
    List<Element> fields = new ArrayList<>();
    for (Tree member : cfgMethod.getClassTree().getMembers()) {
      if (member instanceof BlockTree initializer && !initializer.isStatic()) {
        return List.of();
      }
      if (member instanceof VariableTree declaration && declaration.getInitializer() == null) {
        VarSymbol field = ASTHelpers.getSymbol(declaration);
        if (field != null
            && field.getKind() == ElementKind.FIELD
            && !field.isStatic()
            && !field.type.isPrimitive()) {
          fields.add(field);
        }
      }
    }
    return fields;
  }

  // ---------------------------------------------------------------------------------------------
  // Calls and constructors: acquire, release, hand off, wrap.

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitMethodInvocation(
      MethodInvocationNode node, TransferInput<ObligationValue, ObligationStore> input) {
    MethodInvocationTree call = node.getTree();
    ObligationStore store = input.getRegularStore().copy();
    if (call == null) {
      return regular(null, store, input);
    }
    MethodSymbol callee = ASTHelpers.getSymbol(call);
    if (node.getTarget().getReceiver() instanceof ThisNode
        && callee != null
        && !callee.isStatic()
        && !isSuperCall(call)
        && mayAssignFields(callee)) {
      // A method of this object may change its flags. Not `super(…)`: the superclass's
      // constructor sets its own fields, and the class's own start null (fieldsNullAtEntry).
      store.forgetTestedFields();
    }
    Set<Obligation> wrapped = new HashSet<>();
    /**
     * The receiver, when the call returns it or a view of it ({@code w.append(s)}, {@code
     * scanner.useDelimiter(",")}): only the value the call returns refers to it. A call that
     * throws returned nothing, so unlike a wrapped argument the receiver is still ours then.
     */
    Set<Obligation> wrappedReceiver = new HashSet<>();
    /** Obligations this call is one of several must-call methods of: it is not what leaks them. */
    Set<Obligation> releasing = new HashSet<>();
    /**
     * Values not owed until used ({@code new Socket()}) that this call uses: owed from the call on,
     * its failure included (the JDK makes the OS socket before it sets an option or binds).
     */
    Set<Obligation> woken = new HashSet<>();
    /** The same, used as the receiver of a call that owes them only once it returns. */
    Set<Obligation> wokenOnReturn = new HashSet<>();
    /** Values this call gives an obligation again, after theirs was released (or never owed). */
    Set<Obligation> created = new HashSet<>();
    /** Values handed to an {@code @Owning} parameter: the callee takes them only if it returns. */
    Set<Obligation> takenOnReturn = Set.of();
    ObligationStore beforeCall = null;
    if (store.hasOpen() || store.hasDormant()) {
      Operand released = spec.releasedOperand(call, state);
      if (!released.equals(Operand.NONE)) {
        Node operand =
            released.equals(Operand.RECEIVER)
                ? node.getTarget().getReceiver()
                : argumentNode(node.getArguments(), released.index());
        releasing.addAll(
            release(call, operand, spec.releasedMethods(call, state), store, input));
        if (operand instanceof ThisNode && constructedClass != null) {
          releaseFieldsOfConstructed(call, store); // `closeQuietly(this)`, `this.close()`
        }
      }
      if (constructedClass != null
          && node.getTarget().getReceiver() instanceof ThisNode
          && call.getArguments().isEmpty()
          && ASTHelpers.getSymbol(call) != null
          && ASTHelpers.getSymbol(call).getSimpleName().contentEquals("close")) {
        // `catch (IOException e) { close(); throw e; }`: the object's own close() releases what
        // its fields hold.
        releaseFieldsOfConstructed(call, store);
      }
      closeWhatIsClosedWith(call, store);
      releaseUnnamed(call, store);
      releaseIdentity(call, spec.releasedIdentity(call, state), store);
      takenOnReturn = takenByOwningParameters(callee, node.getArguments(), input);
      if (!takenOnReturn.isEmpty()) {
        beforeCall = store.copy();
      }
      if (ASTHelpers.isSuper(call.getMethodSelect()) || isThisCall(call)) {
        // `this(FileChannel.open(path))`: the object being built owns what it is given.
        for (Node argument : node.getArguments()) {
          handOff(valueOf(argument, input), store);
        }
      } else {
        applyArgumentEffects(call, node.getArguments(), store, input, wrapped, woken);
        holdInReceiver(node, store, input);
      }
      handOffIfThisEscapes(node.getArguments(), store);
      Set<Obligation> receiver = valueOf(node.getTarget().getReceiver(), input);
      if (!node.getArguments().isEmpty() && spec.joinsOperands(call, state)) {
        join(receiver, valueOf(node.getArguments().get(0), input));
      }
      if (!receiver.isEmpty()) {
        applyEffect(spec.receiverEffect(call, state), receiver, store, wrappedReceiver);
        if (spec.releasesReceiverWhenItFails(call, state)) {
          releasing.addAll(receiver);
        }
        if (store.hasDormant() && spec.usesDormant(call, state)) {
          wake(receiver, store, spec.receiverOwesOnceReturned(call, state) ? wokenOnReturn : woken);
        }
      }
    }
    if (tracksCreations) {
      // An open obligation the call renews is not leaked by the call: it is owed after it as before.
      releasing.addAll(createdBy(node, store, input, woken, created));
    }
    for (Obligation obligation : woken) {
      store.acquire(obligation);
    }
    // Calls javac adds (boxing, the iterator of a for-each, try-with-resources' close) are not
    // calls anyone can guard: name only code the user wrote as the leaking event.
    ObligationStore exceptional =
        node.getInSource()
                && !onSyntheticVariable(node)
                && !isJdkAccessorOf(call, valueOf(node.getTarget().getReceiver(), input), store)
                && !isJdkSetterOf(call, valueOf(node.getTarget().getReceiver(), input), store)
                && !isLockQuery(call, node.getTarget().getReceiver(), store)
            ? exceptionalAfterCall(
                call,
                failingStore(store, takenOnReturn, beforeCall),
                wrapped.isEmpty() || !spec.wrapsOnlyOnceReturned(call, state)
                    ? Sets.union(wrapped, releasing)
                    : releasing)
            : node.getInSource() ? emptyExceptional(store) : afterImplicitThrow(node, store);
    if (store.hasOpen()) {
      // `handle(s)` that uses the socket, then closes it as its last statement: released once the
      // call returns; still ours, and leaked by the call, when it throws (exceptional above).
      Operand closedOnReturn = spec.releasedOnNormalExit(call, state);
      if (!closedOnReturn.equals(Operand.NONE)) {
        release(
            call,
            argumentNode(node.getArguments(), closedOnReturn.index()),
            spec.releasedMethods(call, state),
            store,
            input);
      }
    }
    // Put to use by the call, owed once it returns: a pool whose first task was not accepted.
    for (Obligation obligation : wokenOnReturn) {
      store.acquire(obligation);
    }
    wrapped.addAll(wrappedReceiver);
    // Owed once the call returns: a socket that fails to connect, or a reset that throws, made none.
    for (Obligation obligation : created) {
      store.acquire(obligation);
      store.witness(obligation, Leak.Path.RECREATED, call, position(call));
    }

    if (store.hasOpen()) {
      Operand held = spec.heldTestOperand(call, state);
      Operand released = spec.releasedTestOperand(call, state);
      if (!held.equals(Operand.NONE) || !released.equals(Operand.NONE)) {
        Operand tested = held.equals(Operand.NONE) ? released : held;
        Node operand =
            tested.equals(Operand.RECEIVER)
                ? node.getTarget().getReceiver()
                : argumentNode(node.getArguments(), tested.index());
        ObligationStore notHeld = store.copy();
        // `rw.isWriteLockedByCurrentThread()` answers for `rw.writeLock()` too.
        notHeld.discharge(referredObligations(operand, notHeld, input, /* orReachedThrough= */ true));
        // A "do I hold it?" query is not a call whose failure anyone guards against.
        return held.equals(Operand.NONE)
            ? new Conditional(null, notHeld, store, emptyExceptional(store))
            : new Conditional(null, store, notHeld, emptyExceptional(store));
      }
    }
    if (store.hasOpen() && NULL_TEST.matches(call, state) && node.getArguments().size() == 1) {
      // `if (Objects.nonNull(st)) st.close()`: the same test as `st != null`.
      return nothingOwedWhenNull(
          node.getArguments().get(0), input, ASTHelpers.getSymbol(call).getSimpleName().contentEquals("isNull"));
    }
    // In a finally, only the checked exception a call declares skips the closes after it
    // (skippedReleasesInFinally); an unchecked one counts for nothing there, as for any other call.
    ObligationStore undeclaredFailure =
        inFinally.contains(call) && exceptional.hasOpen() ? emptyExceptional(store) : null;
    return acquireOrPass(call, wrapped, store, exceptional, undeclaredFailure, input);
  }

  /** {@code Objects.isNull(x)} and {@code Objects.nonNull(x)}: null tests written as calls. */
  private static final Matcher<ExpressionTree> NULL_TEST =
      staticMethod().onClass("java.util.Objects").namedAnyOf("isNull", "nonNull");

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitObjectCreation(
      ObjectCreationNode node, TransferInput<ObligationValue, ObligationStore> input) {
    NewClassTree creation = node.getTree();
    ObligationStore store = input.getRegularStore().copy();
    Set<Obligation> wrapped = new HashSet<>();
    Set<Obligation> woken = new HashSet<>();
    Set<Obligation> takenOnReturn = Set.of();
    ObligationStore beforeCall = null;
    if (store.hasOpen() || store.hasDormant()) {
      takenOnReturn =
          takenByOwningParameters(ASTHelpers.getSymbol(creation), node.getArguments(), input);
      if (!takenOnReturn.isEmpty()) {
        beforeCall = store.copy();
      }
      applyArgumentEffects(creation, node.getArguments(), store, input, wrapped, woken);
      handOffIfThisEscapes(node.getArguments(), store);
      if (creation.getClassBody() != null) {
        capture(creation.getClassBody(), store);
      }
    }
    for (Obligation obligation : woken) {
      store.acquire(obligation);
    }
    // A wrapper whose constructor can fail after taking its argument owns it only once built: on
    // the failures it declares, what it was given is still ours.
    boolean ownsOnceBuilt =
        !wrapped.isEmpty() && NonThrowingCalls.mayFailAfterTaking(creation, state);
    ObligationStore exceptional =
        exceptionalAfterCall(
            creation,
            failingStore(store, takenOnReturn, beforeCall),
            ownsOnceBuilt ? Set.of() : wrapped);
    ObligationStore undeclaredFailure = null;
    if (ownsOnceBuilt) {
      undeclaredFailure = exceptional.copy();
      undeclaredFailure.discharge(wrapped);
    }
    // `new InputSource(in)` borrows `in` and keeps it: the value refers to it, so that returning
    // or storing the holder hands `in` on, while handing it to a parser that borrows it does not.
    Set<Obligation> held = new HashSet<>(wrapped);
    for (int i = 0; i < node.getArguments().size(); i++) {
      Set<Obligation> passed = valueOf(node.getArguments().get(i), input);
      if (!passed.isEmpty() && spec.holdsBorrowed(creation, i, state)) {
        held.addAll(passed);
        heldBy.computeIfAbsent(creation, c -> new HashSet<>()).addAll(passed);
        noteHolder(creation, passed);
      }
    }
    TransferResult<ObligationValue, ObligationStore> result =
        acquireOrPass(creation, held, store, exceptional, undeclaredFailure, input);
    Obligation made = obligationsBySite.get(creation);
    if (made != null && !wrapped.isEmpty() && spec.joinsOperands(creation, state)) {
      join(Set.of(made), wrapped);
    }
    return result;
  }

  /**
   * {@code parser.setInput(in)} of a parser that keeps {@code in} and can never close it: {@code
   * in} stays ours to close ({@link ObligationSpec#holdsBorrowedInReceiver}), and the variable
   * {@code parser} now refers to it too, so that returning or storing the parser hands it on.
   */
  private void holdInReceiver(
      MethodInvocationNode node,
      ObligationStore store,
      TransferInput<ObligationValue, ObligationStore> input) {
    if (!(node.getTarget().getReceiver() instanceof LocalVariableNode receiver)) {
      return;
    }
    MethodInvocationTree call = node.getTree();
    for (int i = 0; i < node.getArguments().size(); i++) {
      Set<Obligation> passed = valueOf(node.getArguments().get(i), input);
      if (passed.isEmpty()) {
        continue;
      }
      String why;
      String setter = "`" + ASTHelpers.getSymbol(call).getSimpleName() + "(...)`";
      if (spec.holdsBorrowedInReceiver(call, i, state)) {
        why =
            setter
                + " keeps it in `"
                + receiver.getName()
                + "`, but no code of `"
                + ASTHelpers.getSymbol(call).owner.getSimpleName()
                + "` closes it";
      } else if (spec.keptForReceiversClose(call, i, state)) {
        why =
            setter
                + " hands it to `"
                + receiver.getName()
                + "`, whose close() would close it, and `"
                + receiver.getName()
                + "` is not closed";
      } else {
        continue;
      }
      for (Obligation obligation : passed) {
        if (!store.isOpen(obligation)) {
          continue;
        }
        store.addTarget(receiver.getElement(), obligation);
        if (obligation.lostThrough == null) {
          obligation.lostThrough = why;
        }
      }
    }
  }

  /** Words, for the report, why a holder of the compilation leaves what it holds to us. */
  private void noteHolder(NewClassTree creation, Set<Obligation> held) {
    MethodSymbol constructor = ASTHelpers.getSymbol(creation);
    if (constructor == null || OwnershipSummaries.of(state).declaration(constructor, state) == null) {
      return; // a library holder (`new InputSource(in)`) is known to only read it
    }
    String holder = constructor.owner.getSimpleName().toString();
    for (Obligation obligation : held) {
      if (obligation.lostThrough == null) {
        obligation.lostThrough =
            "`new " + holder + "(...)` keeps it, but no code of `" + holder + "` closes it";
      }
    }
  }

  /** Records that each of {@code these} and each of {@code those} hold one thing between them. */
  private void join(Set<Obligation> these, Set<Obligation> those) {
    for (Obligation one : these) {
      for (Obligation other : those) {
        if (one != other) {
          joined.computeIfAbsent(one, o -> new HashSet<>()).add(other);
          joined.computeIfAbsent(other, o -> new HashSet<>()).add(one);
        }
      }
    }
  }

  /**
   * {@code sc.socket()}, {@code ch.isOpen()}: a JDK method of an open resource that takes nothing,
   * declares no exception and returns a value reads the resource's state; so does a lookup in it
   * named for getting ({@code zip.getEntry(name)}, h2 FilePathZip); neither is a leak path.
   */
  private boolean isJdkAccessorOf(
      ExpressionTree call, Set<Obligation> receiver, ObligationStore store) {
    if (!(call instanceof MethodInvocationTree invocation)
        || receiver.stream().noneMatch(store::isOpen)) {
      return false;
    }
    MethodSymbol method = ASTHelpers.getSymbol(invocation);
    return isJdkMethod(method)
        && (invocation.getArguments().isEmpty() || isGetterName(method.getSimpleName().toString()))
        && method.getThrownTypes().isEmpty()
        && method.getReturnType().getKind() != TypeKind.VOID;
  }

  private static boolean isGetterName(String name) {
    return name.length() > 3 && name.startsWith("get") && Character.isUpperCase(name.charAt(3));
  }

  /**
   * {@code socket.setEnabledProtocols(…)}, {@code deflater.setStrategy(…)}: a JDK setter of an
   * open resource that returns nothing and declares no exception only validates its argument; the
   * unchecked exception it documents for a value it does not support is the caller's programming
   * error, as for the JDK's other methods ({@link #failsOnlyAsDeclared}), not a leak path to guard.
   * Not reflection's {@code setAccessible}, whose refusal is a runtime condition.
   */
  private boolean isJdkSetterOf(
      ExpressionTree call, Set<Obligation> receiver, ObligationStore store) {
    if (!(call instanceof MethodInvocationTree invocation)
        || invocation.getArguments().isEmpty()
        || receiver.stream().noneMatch(store::isOpen)) {
      return false;
    }
    MethodSymbol method = ASTHelpers.getSymbol(invocation);
    String name = method.getSimpleName().toString();
    return name.length() > 3
        && name.startsWith("set")
        && Character.isUpperCase(name.charAt(3))
        && isJdkMethod(method)
        && !method.owner.getQualifiedName().toString().startsWith("java.lang.reflect.")
        && method.getThrownTypes().isEmpty()
        && method.getReturnType().getKind() == TypeKind.VOID;
  }

  /**
   * {@code lock.tryLock()} or {@code lock.toString()} on a lock this method holds: a JDK method
   * that declares no exception, called on the held lock itself, does not fail in a way anyone
   * guards against (a second {@code tryLock()} in a loop is not a path that leaves the first one
   * held).
   */
  private static boolean isLockQuery(
      MethodInvocationTree call, @Nullable Node receiver, ObligationStore store) {
    if (receiver == null || !(receiver.getTree() instanceof ExpressionTree target)) {
      return false;
    }
    AccessKey key = AccessKey.of(target);
    if (key == null) {
      return false;
    }
    MethodSymbol method = ASTHelpers.getSymbol(call);
    String owner = method.owner.getQualifiedName().toString();
    if (!owner.startsWith("java.") || !method.getThrownTypes().isEmpty()) {
      return false;
    }
    for (Obligation obligation : store.openObligations()) {
      if (key.equals(obligation.key)) {
        return true;
      }
    }
    return false;
  }

  /** {@code rw.readLock()} on the way to {@code rw.readLock().unlock()}: naming the lock is not work. */
  private static boolean namesAnOpenLock(ExpressionTree call, ObligationStore store) {
    if (!(call instanceof MethodInvocationTree invocation) || !invocation.getArguments().isEmpty()) {
      return false;
    }
    AccessKey key = AccessKey.of(call);
    if (key == null) {
      return false;
    }
    for (Obligation obligation : store.openObligations()) {
      if (key.isPrefixOf(obligation.key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code registry.add(this)} in a constructor: someone else may now hold the object, and close
   * it, even if the constructor fails; its fields' resources are no longer the constructor's alone.
   */
  private void handOffIfThisEscapes(List<Node> arguments, ObligationStore store) {
    if (constructedClass == null || arguments.stream().noneMatch(a -> a instanceof ThisNode)) {
      return;
    }
    handOff(heldByConstructedFields(store), store);
  }

  private void releaseFieldsOfConstructed(MethodInvocationTree call, ObligationStore store) {
    Set<Obligation> held = heldByConstructedFields(store);
    for (Obligation obligation : held) {
      obligation.releasedBy(call);
      obligation.everDischarged = true;
    }
    store.discharge(held);
  }

  /** The open obligations a field of the object under construction may hold. */
  private Set<Obligation> heldByConstructedFields(ObligationStore store) {
    Set<Obligation> held = new HashSet<>();
    for (Element field : constructedFields) {
      held.addAll(store.pointsTo(field));
    }
    held.removeIf(obligation -> !store.isOpen(obligation));
    return held;
  }

  /**
   * The field of the object under construction that {@code node} names ({@code this.in}, or
   * {@code in} alone), in a constructor or instance initializer of a spec that keeps such fields
   * its own ({@link #constructedClass}); null for anything else.
   */
  private @Nullable Element constructedField(@Nullable Node node) {
    if (constructedClass == null
        || !(node instanceof FieldAccessNode access)
        || access.isStatic()
        || !(access.getReceiver() instanceof ThisNode)
        || !(access.getElement() instanceof VarSymbol field)
        || !(field.owner instanceof ClassSymbol owner)
        || !constructedClass.isSubClass(owner, state.getTypes())) {
      return null;
    }
    return field;
  }

  private static boolean isSuperCall(MethodInvocationTree call) {
    return call.getMethodSelect() instanceof IdentifierTree identifier
        && identifier.getName().contentEquals("super");
  }

  private static boolean isThisCall(MethodInvocationTree call) {
    return call.getMethodSelect() instanceof IdentifierTree identifier
        && identifier.getName().contentEquals("this");
  }

  /**
   * Whether a method of this object may assign one of its fields: its body does, or calls
   * another method of the object, or is not in the compilation. A getter does not.
   */
  private boolean mayAssignFields(MethodSymbol method) {
    return assignsFields.computeIfAbsent(
        method,
        m -> {
          TreePath declaration = OwnershipSummaries.of(state).declaration(m, state);
          if (declaration == null
              || !(declaration.getLeaf() instanceof MethodTree tree)
              || tree.getBody() == null) {
            return true;
          }
          boolean[] assigns = {false};
          new TreeScanner<Void, Void>() {
            @Override
            public Void visitAssignment(AssignmentTree assignment, Void unused) {
              assigns[0] |= isField(assignment.getVariable());
              return super.visitAssignment(assignment, null);
            }

            @Override
            public Void visitCompoundAssignment(CompoundAssignmentTree assignment, Void unused) {
              assigns[0] |= isField(assignment.getVariable());
              return super.visitCompoundAssignment(assignment, null);
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree invocation, Void unused) {
              ExpressionTree receiver = ASTHelpers.getReceiver(invocation);
              MethodSymbol called = ASTHelpers.getSymbol(invocation);
              assigns[0] |=
                  called != null
                      && !called.isStatic()
                      && (receiver == null
                          || (receiver instanceof IdentifierTree self
                              && (self.getName().contentEquals("this")
                                  || self.getName().contentEquals("super"))));
              return super.visitMethodInvocation(invocation, null);
            }

            private boolean isField(ExpressionTree variable) {
              Symbol symbol = ASTHelpers.getSymbol(variable);
              return symbol != null && symbol.getKind().isField();
            }
          }.scan(tree.getBody(), null);
          return assigns[0];
        });
  }

  /** A call on a variable javac made up, such as the iterator of a for-each loop. */
  private static boolean onSyntheticVariable(MethodInvocationNode node) {
    return node.getTarget().getReceiver() instanceof LocalVariableNode receiver && isSynthetic(receiver);
  }

  /**
   * What leaves a call by an exception: the obligations still open, marked with the call as the
   * leaking event. A wrapper whose constructor throws is taken to own what it was given: the
   * decorators worth wrapping do not throw, and reporting every {@code new BufferedReader(new
   * FileReader(f))} would bury the real leaks.
   */
  private ObligationStore exceptionalAfterCall(
      ExpressionTree call, ObligationStore store, Set<Obligation> wrapped) {
    ObligationStore exceptional = store.copy();
    if (!store.hasOpen() && !store.hasDormant()) {
      return exceptional; // nothing for a failure to leak or release
    }
    Set<Obligation> usedOnTheWayOut =
        inFinally.contains(call) ? skippedReleasesInFinally(call, store) : Set.of();
    if (!usedOnTheWayOut.isEmpty()) {
      // `finally { out.flush(); out.close(); }`: a failing flush skips the close of that stream.
      exceptional.dischargeIf(obligation -> !usedOnTheWayOut.contains(obligation));
      exceptional.witnessAll(failureOf(call), false);
      return exceptional;
    }
    if (inFinally.contains(call) || cannotThrow(call) || namesAnOpenLock(call, store)) {
      exceptional.dischargeAll();
      return exceptional;
    }
    if (failsOnlyUncheckedWhileHandlingAFailure(call)) {
      // What this path already lost to the failure being handled is reported with that failure.
      exceptional.dischargeIf(obligation -> store.witness(obligation) != null);
    }
    exceptional.discharge(wrapped);
    exceptional.witnessAll(failureOf(call), inCatch.contains(call));
    return exceptional;
  }

  /** The call as the event that leaks what is open when it throws. */
  private Witness failureOf(ExpressionTree call) {
    return new Witness(
        Leak.Path.CALL_THROWS,
        call,
        position(call),
        ASTHelpers.getSymbol(call) instanceof MethodSymbol method
            && NonThrowingCalls.declaresCheckedException(method, state));
  }

  /**
   * Whether {@code call} is in a {@code catch} clause and can fail only by an unchecked exception,
   * for a spec that does not count error paths. The clause runs because something already failed;
   * an unchecked failure of its clean-up before the release (the metrics and the rate-limited log
   * line before zookeeper's {@code fastCloseSock(sc)} in {@code NIOServerCnxnFactory.doAccept}) is
   * a double fault, as it is in a {@code finally}, where unchecked exceptions count for nothing
   * either. It still leaks what the clause itself opened.
   */
  private boolean failsOnlyUncheckedWhileHandlingAFailure(ExpressionTree call) {
    return !spec.countsErrorPaths()
        && inCatch.contains(call)
        && ASTHelpers.getSymbol(call) instanceof MethodSymbol method
        && !NonThrowingCalls.declaresCheckedException(method, state);
  }

  private boolean cannotThrow(ExpressionTree call) {
    Boolean known = cannotThrow.get(call);
    if (known == null) {
      known =
          NonThrowingCalls.cannotThrow(call, spec, state)
              || (!spec.countsErrorPaths()
                  && (NonThrowingCalls.OWN_LOG_LINE.matches(call, state)
                      || NonThrowingCalls.isPlainLibraryConstruction(call, state)));
      cannotThrow.put(call, known);
    }
    return known;
  }

  /**
   * In a {@code finally}, what a call that declares a checked exception skips when it throws. One
   * that releases nothing skips the open resources it works on ({@code out.flush()}, {@code
   * conn.setAutoCommit(true)} before their close) and those the rest of its block closes ({@code
   * cleanUp()} before {@code in.close()}). A close skips the closes of the other resources after it
   * ({@code finally { in.close(); out.close(); }}: Infer's {@code twoResourcesBad}, Sonar's "can be
   * open if var1.close throws", SpotBugs' {@code Bug1145}); a close in a {@code try} of its own
   * whose {@code catch} takes the failure skips nothing, as the flow shows. Unchecked exceptions
   * count for nothing there, and neither does a close that cannot fail.
   */
  private Set<Obligation> skippedReleasesInFinally(ExpressionTree call, ObligationStore store) {
    if (!(call instanceof MethodInvocationTree invocation)
        || !store.hasOpen()
        || !NonThrowingCalls.declaresCheckedException(ASTHelpers.getSymbol(invocation), state)) {
      return Set.of();
    }
    Operand releasedOperand = spec.releasedOperand(invocation, state);
    if (!releasedOperand.equals(Operand.NONE)) {
      ExpressionTree target = releasedOperand.of(invocation);
      // Only a close of a resource this method tracks counts: not an in-memory stream's, nor
      // one that cannot throw.
      if (target == null
          || !(ASTHelpers.stripParentheses(target) instanceof IdentifierTree closed
              && ASTHelpers.getSymbol(closed) instanceof VarSymbol own
              && !store.pointsTo(own).isEmpty())
          || cannotThrow(call)) {
        return Set.of();
      }
      Set<Obligation> skipped = new HashSet<>();
      for (VarSymbol released : releasedLaterInItsFinally(invocation)) {
        if (released != own) {
          addOpen(released, store, skipped);
        }
      }
      return skipped;
    }
    Set<Obligation> skipped = new HashSet<>();
    if (ASTHelpers.getReceiver(invocation) instanceof IdentifierTree receiver
        && ASTHelpers.getSymbol(receiver) instanceof VarSymbol variable) {
      addOpen(variable, store, skipped);
    }
    for (VarSymbol released : releasedLaterInItsFinally(invocation)) {
      addOpen(released, store, skipped);
    }
    return skipped;
  }

  private static void addOpen(VarSymbol variable, ObligationStore store, Set<Obligation> into) {
    if (variable.getKind().isField()) {
      return;
    }
    for (Obligation obligation : store.pointsTo(variable)) {
      if (store.isOpen(obligation) && obligation.key == null) {
        into.add(obligation);
      }
    }
  }

  /**
   * The local variables that calls after {@code call} in the innermost {@code finally} block around
   * it release ({@code in} of {@code cleanUp(); in.close();}).
   */
  private Set<VarSymbol> releasedLaterInItsFinally(MethodInvocationTree call) {
    int start = ASTHelpers.getStartPosition(call);
    int end = state.getEndPosition(call);
    BlockTree innermost = null;
    for (BlockTree block : finallyBlocks) {
      if (ASTHelpers.getStartPosition(block) <= start
          && end <= state.getEndPosition(block)
          && (innermost == null
              || ASTHelpers.getStartPosition(innermost) < ASTHelpers.getStartPosition(block))) {
        innermost = block;
      }
    }
    if (innermost == null || start < 0 || end < 0) {
      return Set.of();
    }
    Set<VarSymbol> released = new HashSet<>();
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree later, Void unused) {
        if (ASTHelpers.getStartPosition(later) >= end) {
          ExpressionTree target = spec.releasedOperand(later, state).of(later);
          if (target instanceof IdentifierTree identifier
              && ASTHelpers.getSymbol(identifier) instanceof VarSymbol variable) {
            released.add(variable);
          }
        }
        return super.visitMethodInvocation(later, null);
      }
    }.scan(innermost, null);
    return released;
  }

  private TransferResult<ObligationValue, ObligationStore> acquireOrPass(
      ExpressionTree expression,
      Set<Obligation> wrapped,
      ObligationStore store,
      ObligationStore exceptional,
      TransferInput<ObligationValue, ObligationStore> input) {
    return acquireOrPass(expression, wrapped, store, exceptional, null, input);
  }

  /**
   * @param undeclaredFailure what leaves by an unchecked exception, where it differs from {@code
   *     exceptional} (a wrapper failing as it declares still leaves its argument to us; failing
   *     otherwise, it does not count as a leak path), or null
   */
  private TransferResult<ObligationValue, ObligationStore> acquireOrPass(
      ExpressionTree expression,
      Set<Obligation> wrapped,
      ObligationStore store,
      ObligationStore exceptional,
      @Nullable ObligationStore undeclaredFailure,
      TransferInput<ObligationValue, ObligationStore> input) {
    undeclaredFailure = failingAsDeclaredInConstructor(expression, exceptional, undeclaredFailure);
    Acquisition acquisition = spec.acquisitionAt(expression, state);
    if (acquisition == null && tracksCreations) {
      acquisition = spec.dormantAt(expression, state);
    }
    if (acquisition == null) {
      Regular result =
          new Regular(
              wrapped.isEmpty() ? null : ObligationValue.of(wrapped),
              store,
              exceptional,
              failsOnlyAsDeclared(expression));
      result.undeclaredFailure = undeclaredFailure;
      return result;
    }
    Obligation obligation = obligationAt(expression, acquisition);
    Set<Obligation> value = new HashSet<>(wrapped);
    value.add(obligation);
    ObligationValue result = ObligationValue.of(value);
    noteReacquired(obligation, store);
    if ((acquisition.condition() == Condition.WHEN_USED
            || acquisition.condition() == Condition.WHEN_CREATED)
        && !store.isOpen(obligation)) {
      // Tracked through the variables that hold it, owed only once used or given an obligation.
      // (Where the site's instance of the loop's pass before is still open, the new one is taken
      // as owed, so that overwriting the open one is still seen.)
      store.makeDormant(obligation);
      Regular made = new Regular(result, store, exceptional, failsOnlyAsDeclared(expression));
      made.undeclaredFailure = undeclaredFailure;
      return made;
    }
    if (acquisition.condition() == Condition.IF_TRUE) {
      ObligationStore acquired = store.copy();
      acquired.acquire(obligation);
      return new Conditional(result, acquired, store, exceptional, failsOnlyAsDeclared(expression));
    }
    store.acquire(obligation);
    Regular acquired = new Regular(result, store, exceptional, failsOnlyAsDeclared(expression));
    acquired.undeclaredFailure = undeclaredFailure;
    return acquired;
  }

  /**
   * What an unchecked exception of a call that declares checked ones carries out of a constructor
   * that holds resources in its object's fields: not those. A constructor that guards the failures
   * its calls declare ({@code catch (IOException e) { reader.close(); throw e; }}) has done what
   * its author can; the runtime exceptions it lets through are the bugs of a callee, as for the
   * JDK's methods ({@link #failsOnlyAsDeclared}). Returns {@code undeclaredFailure} unchanged when
   * that does not apply.
   */
  private @Nullable ObligationStore failingAsDeclaredInConstructor(
      ExpressionTree call,
      ObligationStore exceptional,
      @Nullable ObligationStore undeclaredFailure) {
    if (constructedFields.isEmpty()
        || !(ASTHelpers.getSymbol(call) instanceof MethodSymbol callee)
        || !NonThrowingCalls.declaresCheckedException(callee, state)) {
      return undeclaredFailure;
    }
    Set<Obligation> held = heldByConstructedFields(exceptional);
    if (held.isEmpty()) {
      return undeclaredFailure;
    }
    ObligationStore unchecked = (undeclaredFailure == null ? exceptional : undeclaredFailure).copy();
    unchecked.discharge(held);
    return unchecked;
  }

  /**
   * {@code while (…) { in = new FileInputStream(f); … }}: the site acquires while the instance of
   * the iteration before is still open. Remembers who held that one, so that the assignment about
   * to overwrite it can tell whether it was the last name for it. Locks (keyed by identity) are
   * not instances: taking one again is reentrancy, not a second resource.
   */
  private void noteReacquired(Obligation obligation, ObligationStore store) {
    if (obligation.key != null || !store.isOpen(obligation)) {
      return;
    }
    for (Element variable : store.variables()) {
      if (store.pointsTo(variable).contains(obligation)) {
        reacquiredWhileHeld.computeIfAbsent(obligation, o -> new HashSet<>()).add(variable);
      }
    }
  }

  private Obligation obligationAt(ExpressionTree site, Acquisition acquisition) {
    return obligationsBySite.computeIfAbsent(
        site,
        s ->
            new Obligation(
                site,
                position(site),
                acquisition,
                AccessKey.of(acquisition.identity()),
                AccessKey.of(spec.closedWith(site, state))));
  }

  /**
   * The obligations of the arguments passed to parameters annotated {@code @Owning}: by the
   * Resource Leak Checker's contract, the callee takes them over only if it returns; when it throws
   * the exception it declares, the caller still owns them (its {@code OwnershipWithExceptions}),
   * unless the callee closes it then ({@code @EnsuresCalledMethodsOnException("#1")}). Empty for a
   * callee that declares no checked exception.
   */
  private Set<Obligation> takenByOwningParameters(
      @Nullable MethodSymbol callee,
      List<Node> arguments,
      TransferInput<ObligationValue, ObligationStore> input) {
    if (callee == null || !NonThrowingCalls.declaresCheckedException(callee, state)) {
      return Set.of();
    }
    List<VarSymbol> parameters = callee.getParameters();
    Set<Obligation> taken = new HashSet<>();
    for (int i = 0; i < arguments.size() && i < parameters.size(); i++) {
      if (MustCallContract.isOwning(parameters.get(i)) && !closedOnFailure(callee, i)) {
        taken.addAll(valueOf(arguments.get(i), input));
      }
    }
    return taken;
  }

  private static boolean closedOnFailure(MethodSymbol callee, int index) {
    for (MustCallContract.Ensured ensured : MustCallContract.ensured(callee)) {
      if (ensured.onException() && ensured.argumentIndex() == index) {
        return true;
      }
    }
    return false;
  }

  /** The store a failing call leaves: {@code store}, with what it takes on return still open. */
  private static ObligationStore failingStore(
      ObligationStore store, Set<Obligation> takenOnReturn, @Nullable ObligationStore beforeCall) {
    if (beforeCall == null || takenOnReturn.isEmpty()) {
      return store;
    }
    ObligationStore failing = store.copy();
    failing.reopen(takenOnReturn, beforeCall);
    return failing;
  }

  private void applyArgumentEffects(
      ExpressionTree callOrNew,
      List<Node> arguments,
      ObligationStore store,
      TransferInput<ObligationValue, ObligationStore> input,
      Set<Obligation> wrapped,
      Set<Obligation> woken) {
    for (int i = 0; i < arguments.size(); i++) {
      Set<Obligation> passed = valueOf(arguments.get(i), input);
      if (passed.isEmpty()) {
        int index = i;
        handOffViewed(
            arguments.get(i), store, () -> spec.argumentEffect(callOrNew, index, state));
        continue;
      }
      ArgumentEffect effect = spec.argumentEffect(callOrNew, i, state);
      applyEffect(effect, passed, store, wrapped);
      if (effect == ArgumentEffect.BORROWS
          && store.hasDormant()
          && !spec.ignoresArgument(callOrNew, i, state)) {
        wake(passed, store, woken); // `configure(socket)` may well connect it
      }
    }
  }

  /**
   * The obligation a call gives a value that owed nothing, through {@code local}: reported where
   * that variable was given the value ({@code Foo b = a;}), which is where a user scopes it; every
   * variable that refers to the value refers to it.
   */
  private Obligation boundThrough(
      Obligation value, LocalVariableNode local, ObligationStore store) {
    Tree bound = store.boundBy(local.getElement());
    if (value.acquisition.condition() != Condition.WHEN_CREATED
        || !store.isDormant(value)
        || !(bound instanceof ExpressionTree site)
        || bound == value.site) {
      return value;
    }
    Obligation obligation =
        obligationsBySite.computeIfAbsent(
            site, s -> new Obligation(site, position(site), value.acquisition, null, null));
    obligation.variableName = local.getName();
    for (Element variable : store.variables()) {
      if (store.pointsTo(variable).contains(value)) {
        store.addTarget(variable, obligation);
      }
    }
    return obligation;
  }

  /** The values of {@code passed} acquired {@link Condition#WHEN_USED} and not used yet. */
  private static void wake(Set<Obligation> passed, ObligationStore store, Set<Obligation> woken) {
    for (Obligation obligation : passed) {
      if (obligation.acquisition.condition() == Condition.WHEN_USED && store.isDormant(obligation)) {
        woken.add(obligation);
      }
    }
  }

  /**
   * What {@code call} gives an obligation ({@link ObligationSpec#creationBy}): the values of the
   * local variables it names as the operands. A value not used yet joins {@code woken}; one whose
   * obligation was released, or that never owed one, joins {@code created} (owed again once the
   * call returns, or before it where {@link ObligationSpec.Creation#owedIfItFails}, and reported
   * where it was acquired or the variable given it); one handed on is its new owner's. Returns
   * the open obligations it renews, which owe all their must-call methods again.
   */
  private Set<Obligation> createdBy(
      MethodInvocationNode node,
      ObligationStore store,
      TransferInput<ObligationValue, ObligationStore> input,
      Set<Obligation> woken,
      Set<Obligation> created) {
    ObligationSpec.Creation creation = spec.creationBy(node.getTree(), state);
    if (creation == null) {
      return Set.of();
    }
    Set<Obligation> renewed = new HashSet<>();
    for (Operand operand : creation.operands()) {
      Node target =
          operand.equals(Operand.RECEIVER)
              ? node.getTarget().getReceiver()
              : operand.index() >= 0 && operand.index() < node.getArguments().size()
                  ? node.getArguments().get(operand.index())
                  : null;
      // A parameter's or a field's value is its owner's: no variable here refers to an
      // obligation of it (an @Owning parameter's is open already).
      if (!(target instanceof LocalVariableNode local) || isSynthetic(local)) {
        continue;
      }
      for (Obligation obligation : valueOf(target, input)) {
        if (obligation.key != null || obligation.everHandedOff) {
          continue;
        }
        if (store.isOpen(obligation)) {
          store.restart(obligation);
          renewed.add(obligation);
        } else if (obligation.acquisition.condition() == Condition.WHEN_USED
            && store.isDormant(obligation)) {
          woken.add(obligation);
        } else {
          created.add(boundThrough(obligation, local, store));
        }
      }
    }
    if (creation.owedIfItFails()) {
      // Owed before the call fails: the exceptional store, copied from this one, carries it.
      for (Obligation obligation : created) {
        store.acquire(obligation);
        store.witness(obligation, Leak.Path.RECREATED, node.getTree(), position(node.getTree()));
      }
    }
    return renewed;
  }

  private static void applyEffect(
      ArgumentEffect effect,
      Set<Obligation> passed,
      ObligationStore store,
      Set<Obligation> wrapped) {
    switch (effect) {
      case TAKES_OWNERSHIP -> handOff(passed, store);
      case WRAPS -> wrapped.addAll(passed);
      case BORROWS -> {}
    }
  }

  /**
   * Releases what {@code operand} names: the obligations its value refers to, and a lock identity.
   * An obligation that must have several methods called is released once all of them are; returns
   * those still waiting for another.
   */
  private Set<Obligation> release(
      MethodInvocationTree call,
      @Nullable Node operand,
      Set<String> calledMethods,
      ObligationStore store,
      TransferInput<ObligationValue, ObligationStore> input) {
    Set<Obligation> partly = new HashSet<>();
    Set<Obligation> referred = new HashSet<>(referredObligations(operand, store, input, false));
    Set<Obligation> closedThrough =
        operand instanceof LocalVariableNode local
            ? store.closesAlso(local.getElement()) // also try-with-resources' own close()
            : operand != null && operand.getTree() instanceof ExpressionTree tree
                ? closedThrough(tree, store)
                : Set.of();
    if (!closedThrough.isEmpty()) {
      for (Obligation viewed : closedThrough) {
        if (viewed.acquisition.mustCall().isEmpty()) {
          referred.add(viewed);
        }
      }
    }
    // A value whose own type's must-call methods are all called now is done with, whatever it
    // aliases (`@MustCallAlias FooField(Foo f)`: the wrapper's `b()` releases the `Foo` it wraps).
    ImmutableSet<String> operandOwes =
        operand == null ? null : MustCallContract.mustCallOf((Type) operand.getType(), state);
    boolean operandDone =
        operandOwes != null && !operandOwes.isEmpty() && calledMethods.containsAll(operandOwes);
    for (Obligation obligation : referred) {
      Set<String> mustCall = obligation.acquisition.mustCall();
      if (!mustCall.isEmpty()
          && !operandDone
          && !store.recordCalls(obligation, calledMethods, mustCall)) {
        partly.add(obligation); // `a()` of an obligation that must also have `b()` called
        continue;
      }
      obligation.releasedBy(call);
      obligation.everDischarged = true;
      store.discharge(Set.of(obligation));
      for (Obligation partner : joined.getOrDefault(obligation, Set.of())) {
        if (store.isOpen(partner) || store.isDormant(partner)) {
          partner.releasedBy(call);
          partner.everDischarged = true;
          store.discharge(Set.of(partner));
        }
      }
    }
    return partly;
  }

  /**
   * The open obligations that closing {@code expression} also releases through a view of them
   * ({@link ObligationSpec#returnsViewClosingReceiver}): {@code socket.getInputStream()}, a
   * variable holding it, and decorators built around either ({@code new BufferedReader(new
   * InputStreamReader(socket.getInputStream()))}).
   */
  private Set<Obligation> closedThrough(ExpressionTree expression, ObligationStore store) {
    ExpressionTree tree = FieldLifecycle.strip(expression);
    if (tree instanceof MethodInvocationTree call) {
      if (!spec.returnsViewClosingReceiver(call, state)) {
        return Set.of();
      }
      ExpressionTree receiver = ASTHelpers.getReceiver(call);
      Symbol symbol = receiver == null ? null : ASTHelpers.getSymbol(receiver);
      if (!(receiver instanceof IdentifierTree) || !(symbol instanceof VarSymbol variable)
          || variable.getKind().isField()) {
        return Set.of();
      }
      Set<Obligation> open = new HashSet<>();
      for (Obligation obligation : store.pointsTo(variable)) {
        if (store.isOpen(obligation) && obligation.key == null) {
          open.add(obligation);
        }
      }
      return open;
    }
    if (tree instanceof NewClassTree creation) {
      Set<Obligation> viewed = new HashSet<>();
      List<? extends ExpressionTree> arguments = creation.getArguments();
      for (int i = 0; i < arguments.size(); i++) {
        Set<Obligation> inner = closedThrough(arguments.get(i), store);
        if (!inner.isEmpty() && spec.argumentEffect(creation, i, state) == ArgumentEffect.WRAPS) {
          viewed.addAll(inner);
        }
      }
      return viewed;
    }
    if (tree instanceof IdentifierTree identifier
        && ASTHelpers.getSymbol(identifier) instanceof VarSymbol variable
        && !variable.getKind().isField()) {
      return store.closesAlso(variable);
    }
    return Set.of();
  }

  /** {@code close()}, or {@code disconnect()}: an HTTP connection's, which closes its streams. */
  private static boolean isCloseCall(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    return select instanceof MemberSelectTree member
        && (member.getIdentifier().contentEquals("close")
            || member.getIdentifier().contentEquals("disconnect"));
  }

  /**
   * {@code link.close(true)} after {@code link.getConnection().prepareStatement(sql)}: a {@code
   * close} of the object a statement was made from (or of what reached it) closes the statement;
   * {@code connection.disconnect()} closes the streams of an {@code HttpURLConnection}.
   */
  private static void closeWhatIsClosedWith(MethodInvocationTree call, ObligationStore store) {
    if (!isCloseCall(call)) {
      return;
    }
    AccessKey closed = AccessKey.of(ASTHelpers.getReceiver(call));
    if (closed == null) {
      return;
    }
    Set<Obligation> released = new HashSet<>();
    for (Obligation obligation : store.openObligations()) {
      if (closed.isPrefixOf(obligation.closedWith)) {
        obligation.everDischarged = true;
        released.add(obligation);
      }
    }
    store.discharge(released);
  }

  /** Releases the open obligations keyed by {@code identity} ({@code releasedIdentity}). */
  private static void releaseIdentity(
      MethodInvocationTree call, @Nullable ExpressionTree identity, ObligationStore store) {
    AccessKey key = AccessKey.of(identity);
    if (key == null) {
      return;
    }
    Set<Obligation> released = new HashSet<>();
    for (Obligation obligation : store.openObligations()) {
      if (key.equals(obligation.key) && !store.isDetached(obligation)) {
        obligation.releasedBy(call);
        obligation.everDischarged = true;
        released.add(obligation);
      }
    }
    store.discharge(released);
  }

  /** What the spec says {@code call} ends without naming it ({@link ObligationSpec#alsoReleases}). */
  private void releaseUnnamed(MethodInvocationTree call, ObligationStore store) {
    Set<Obligation> ended = new HashSet<>();
    for (Obligation obligation : store.openObligations()) {
      if (spec.alsoReleases(call, obligation.site, obligation.acquisition, state)) {
        obligation.releasedBy(call);
        obligation.everDischarged = true;
        ended.add(obligation);
      }
    }
    store.discharge(ended);
  }

  private Set<Obligation> referredObligations(
      @Nullable Node operand,
      ObligationStore store,
      TransferInput<ObligationValue, ObligationStore> input,
      boolean orReachedThrough) {
    Set<Obligation> referred = new HashSet<>();
    if (operand == null) {
      return referred;
    }
    referred.addAll(valueOf(operand, input));
    if (operand.getTree() instanceof ExpressionTree expression) {
      AccessKey key = AccessKey.of(expression);
      if (key != null) {
        for (Obligation obligation : store.openObligations()) {
          if ((key.equals(obligation.key) || (orReachedThrough && key.isPrefixOf(obligation.key)))
              && !store.isDetached(obligation)) {
            referred.add(obligation);
          }
        }
      }
    }
    return referred;
  }

  /**
   * A view whose close closes what it views ({@code socket.getInputStream()}, a variable holding
   * it, a decorator around either), stored in a field, returned, or given to code that keeps it
   * (jsch's {@code channel.setInputStream(in)}): its new holder closes the socket when it closes the
   * stream, so the socket is handed on with it. Asked only when {@code value} carries no
   * obligation of its own; {@code effect} is what the receiving code does with it.
   */
  private void handOffViewed(
      Node value, ObligationStore store, Supplier<ArgumentEffect> effect) {
    if (!store.hasOpen() || !(value.getTree() instanceof ExpressionTree tree)) {
      return;
    }
    Set<Obligation> viewed = closedThrough(tree, store);
    if (!viewed.isEmpty() && effect.get() == ArgumentEffect.TAKES_OWNERSHIP) {
      handOff(viewed, store);
    }
  }

  private static void handOff(Set<Obligation> obligations, ObligationStore store) {
    for (Obligation obligation : obligations) {
      obligation.everDischarged = true;
      obligation.everHandedOff = true;
    }
    store.discharge(obligations);
  }

  // ---------------------------------------------------------------------------------------------
  // Values: variables, assignments, conversions.

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitAssignment(
      AssignmentNode node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    Set<Obligation> assigned = valueOf(node.getExpression(), input);
    Node target = node.getTarget();
    if (target instanceof FieldAccessNode field) {
      store.forgetTested(field.getElement());
      Element constructed = constructedField(field);
      if (constructed != null && node.getExpression() instanceof NullLiteralNode) {
        store.assignNull(constructed, true);
      }
    }
    if (target instanceof LocalVariableNode local) {
      Element variable = local.getElement();
      store.forgetTested(variable);
      for (Obligation previous : store.pointsTo(variable)) {
        if (!store.isOpen(previous) || previous.key != null) {
          continue;
        }
        Witness overwrite =
            new Witness(Leak.Path.REASSIGNED, node.getTree(), position(node.getTree()));
        if (!assigned.contains(previous)) {
          if (store.referencedElsewhere(previous, variable)) {
            continue;
          }
          store.witness(previous, overwrite.path(), overwrite.tree(), overwrite.position());
        } else if (!reacquiredWhileHeld.getOrDefault(previous, Set.of()).contains(variable)) {
          continue; // `in = in`, `w = w.append(s)`: the same instance
        }
        // The same site's new instance replaces the open one of the iteration before, or another
        // value replaces it. (A conditional's value passes through a variable javac makes up,
        // which names nothing after the assignment.) A statement replaced by another is still
        // closed with its connection; one a loop opens on every pass is not closed until then,
        // and the passes pile them up (a database's open-cursor limit).
        if ((previous.closedWith == null || assigned.contains(previous))
            && !namedElsewhere(previous, variable, store)) {
          overwrittenWhileOpen.putIfAbsent(previous, overwrite);
        }
      }
      for (Obligation held : store.openObligations()) {
        // `lock.tryLock(); lock = new ReentrantLock();`: the held lock has lost its only name.
        if (held.key != null && held.key.symbols().get(0).equals(variable)) {
          store.witness(held, Leak.Path.REASSIGNED, node.getTree(), position(node.getTree()));
        }
      }
      store.assign(variable, assigned);
      if (tracksCreations) {
        boolean owesNothingYet = false;
        for (Obligation obligation : assigned) {
          owesNothingYet |= obligation.acquisition.condition() == Condition.WHEN_CREATED;
        }
        store.bind(variable, owesNothingYet ? node.getExpression().getTree() : null);
      }
      store.assignClosesAlso(
          variable,
          node.getExpression().getTree() instanceof ExpressionTree value
              ? closedThrough(value, store)
              : Set.of());
      if (node.getExpression() instanceof BooleanLiteralNode literal) {
        // `boolean error = false;` … `catch (…) { error = true; }` … `finally { if (error) … }`
        store.assignLiteral(variable, literal.getValue());
      } else if (node.getExpression() instanceof NullLiteralNode) {
        // `Reader r = null; try { r = new InputStreamReader(in, cs); } finally { if (r == null)
        // in.close(); }`: where the wrapper's constructor failed, `r` is still null.
        store.assignNull(variable, true);
      }
      for (Obligation obligation : assigned) {
        // A wrapper that does not release what it wraps (`f = new DeflaterOutputStream(out, new
        // Deflater())` never ends the deflater) does not name it: the report says `new Deflater()`.
        if (obligation.variableName == null
            && !isSynthetic(local)
            && !(node.getExpression().getTree() instanceof ExpressionTree holder
                && heldBy
                    .getOrDefault(ASTHelpers.stripParentheses(holder), Set.of())
                    .contains(obligation))
            && (obligation.acquisition.mustCall().isEmpty()
                || (node.getExpression().getTree() instanceof ExpressionTree value
                    && ASTHelpers.stripParentheses(value) == obligation.site))) {
          obligation.variableName = local.getName();
        }
      }
    } else if (constructedField(target) != null) {
      storeInConstructedField(constructedField(target), assigned, node, store);
    } else if (!assigned.isEmpty()) {
      // Stored into a field or an array element: whoever owns that now owns the resource.
      handOff(assigned, store);
    } else {
      handOffViewed(node.getExpression(), store, () -> ArgumentEffect.TAKES_OWNERSHIP);
    }
    return regular(assigned.isEmpty() ? null : ObligationValue.of(assigned), store, input);
  }

  /**
   * {@code this.in = new FileInputStream(f)} in a constructor: the field holds it like a local
   * variable, open, so that a failure later in the constructor leaks it (the object is never
   * returned); the constructor's completing hands it to the object ({@link
   * ObligationAnalysis}). What the field held before is handed off as before: overwriting it is
   * {@link FieldLifecycle}'s to report.
   */
  private void storeInConstructedField(
      Element field, Set<Obligation> assigned, AssignmentNode node, ObligationStore store) {
    Set<Obligation> previous = new HashSet<>(store.pointsTo(field));
    previous.removeAll(assigned);
    store.assign(field, assigned);
    previous.removeIf(obligation -> store.referencedElsewhere(obligation, field));
    handOff(previous, store);
    if (assigned.isEmpty()) {
      return;
    }
    constructedFields.add(field);
    for (Obligation obligation : assigned) {
      obligation.everDischarged = true;
      obligation.everHandedOff = true;
      if (obligation.storedInConstructedField < 0) {
        obligation.storedInConstructedField = position(node.getTree());
      }
      if (obligation.variableName == null) {
        obligation.variableName = field.getSimpleName().toString();
      }
    }
  }

  /** Whether a variable of the user's other than {@code variable} may refer to the obligation. */
  private static boolean namedElsewhere(
      Obligation obligation, Element variable, ObligationStore store) {
    for (Element other : store.variables()) {
      if (!other.equals(variable)
          && !isSyntheticName(other.getSimpleName().toString())
          && store.pointsTo(other).contains(obligation)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSynthetic(LocalVariableNode local) {
    return isSyntheticName(local.getName());
  }

  /** A variable javac makes up (a conditional's value, a for-each iterator). */
  private static boolean isSyntheticName(String name) {
    return name.contains("#") || name.contains("$");
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitLocalVariable(
      LocalVariableNode node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    Element variable = node.getElement();
    Set<Obligation> targets = store.pointsTo(variable);
    ObligationValue value = targets.isEmpty() ? null : ObligationValue.of(targets);
    if (node.getType().getKind() == TypeKind.BOOLEAN) {
      // `if (acquired)` after `boolean acquired = lock.tryLock()`: false means nothing is owed;
      // and `if (needsLock) lock.unlock()` matches an earlier `if (needsLock) lock.lock()`.
      ObligationStore whenTrue = store.copy();
      whenTrue.assumeTested(variable, true);
      ObligationStore whenFalse = store.copy();
      whenFalse.discharge(targets);
      whenFalse.assumeTested(variable, false);
      if (variable.getKind() == ElementKind.PARAMETER && store.hasOpen()) {
        for (Element chosen : releasedUnderParameterFlag().getOrDefault(node.getTree(), Set.of())) {
          whenFalse.discharge(store.pointsTo(chosen));
        }
      }
      return new Conditional(value, whenTrue, whenFalse, emptyExceptional(store));
    }
    return regular(value, store, input);
  }

  /**
   * Per {@code if} whose condition is a boolean parameter the code never assigns, the locals its
   * then-branch releases that the code also hands to other code; made once. With the flag false
   * the caller has chosen another owner for them (spring's {@code JdbcTemplate.execute(action,
   * closeResources)}: {@code queryForStream} passes false, and the stream the action returns
   * closes the statement), so the false branch owes them nothing here.
   */
  private @Nullable Map<Tree, Set<Element>> parameterFlagReleases;

  private Map<Tree, Set<Element>> releasedUnderParameterFlag() {
    if (parameterFlagReleases != null) {
      return parameterFlagReleases;
    }
    Map<Tree, Set<Element>> byCondition = new IdentityHashMap<>();
    Set<Element> handedToCode = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIf(IfTree ifTree, Void unused) {
        ExpressionTree condition = ASTHelpers.stripParentheses(ifTree.getCondition());
        Symbol flag = ASTHelpers.getSymbol(condition);
        if (condition instanceof IdentifierTree
            && flag != null
            && flag.getKind() == ElementKind.PARAMETER
            && flag.asType().getKind() == TypeKind.BOOLEAN
            && (flag.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0) {
          Set<Element> released = new HashSet<>();
          new TreeScanner<Void, Void>() {
            @Override
            public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
              ExpressionTree operand = releasedOperandOf(call);
              Symbol symbol = operand == null ? null : ASTHelpers.getSymbol(operand);
              if (symbol != null && symbol.getKind() == ElementKind.LOCAL_VARIABLE) {
                released.add(symbol);
              }
              return super.visitMethodInvocation(call, null);
            }
          }.scan(ifTree.getThenStatement(), null);
          if (!released.isEmpty()) {
            byCondition.put(condition, released);
          }
        }
        return super.visitIf(ifTree, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (call.getArguments().stream().anyMatch(ObligationTransfer::namesALocal)) {
          handed(call.getArguments(), releasedOperandOf(call));
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitNewClass(NewClassTree creation, Void unused) {
        handed(creation.getArguments(), null);
        return super.visitNewClass(creation, null);
      }

      private void handed(List<? extends ExpressionTree> arguments, @Nullable Tree released) {
        for (ExpressionTree argument : arguments) {
          if (argument != released && namesALocal(argument)) {
            handedToCode.add(ASTHelpers.getSymbol(ASTHelpers.stripParentheses(argument)));
          }
        }
      }
    }.scan(state.getPath().getLeaf(), null);
    // Only what other code also got: a resource no code but this method ever saw has no other
    // owner to choose, and leaks with the flag false.
    byCondition.values().forEach(released -> released.retainAll(handedToCode));
    byCondition.values().removeIf(Set::isEmpty);
    parameterFlagReleases = byCondition;
    return byCondition;
  }

  private static boolean namesALocal(ExpressionTree expression) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(expression);
    Symbol symbol = stripped instanceof IdentifierTree ? ASTHelpers.getSymbol(stripped) : null;
    return symbol != null && symbol.getKind() == ElementKind.LOCAL_VARIABLE;
  }

  private @Nullable ExpressionTree releasedOperandOf(MethodInvocationTree call) {
    return spec.releasedOperand(call, state).of(call);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitTypeCast(
      TypeCastNode node, TransferInput<ObligationValue, ObligationStore> input) {
    Set<Obligation> value = valueOf(node.getOperand(), input);
    ObligationStore store = input.getRegularStore().copy();
    return new Regular(
        value.isEmpty() ? null : ObligationValue.of(value), store, afterImplicitThrow(node, store));
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes that throw without a call: paths only for specs that count them.

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitFieldAccess(
      FieldAccessNode node, TransferInput<ObligationValue, ObligationStore> input) {
    Element field = input.containsTwoStores() ? null : constructedField(node);
    if (field != null) {
      // `in.close()`, `if (in != null)` of a field the constructor holds a resource in.
      ObligationStore store = input.getRegularStore().copy();
      Set<Obligation> held = store.pointsTo(field);
      return new Regular(
          held.isEmpty() ? null : ObligationValue.of(held), store, afterImplicitThrow(node, store));
    }
    if (node.getType().getKind() == TypeKind.BOOLEAN
        && !node.isLValue()
        && (node.isStatic() || node.getReceiver() instanceof ThisNode)
        && (node.getElement() instanceof VarSymbol flag)
        && (flag.flags() & Flags.VOLATILE) == 0
        && !inLoopCondition.contains(node.getTree())
        && !input.containsTwoStores()) {
      // `if (this.useNewConnection) commit()` matches an earlier `if (this.useNewConnection)
      // setAutoCommit(false)`, as a local flag does (spring MySQLMaxValueIncrementer). Not a
      // volatile flag, which another thread sets, nor a loop's condition (`while (running)`),
      // which something changes while the loop runs; and a call of a method of this object, which
      // may set it, forgets what the path knew.
      ObligationStore store = input.getRegularStore().copy();
      ObligationStore whenTrue = store.copy();
      whenTrue.assumeTested(node.getElement(), true);
      ObligationStore whenFalse = store.copy();
      whenFalse.assumeTested(node.getElement(), false);
      return new Conditional(null, whenTrue, whenFalse, emptyExceptional(store));
    }
    return implicitlyThrowing(node, input);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitArrayAccess(
      ArrayAccessNode node, TransferInput<ObligationValue, ObligationStore> input) {
    return implicitlyThrowing(node, input);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitIntegerDivision(
      IntegerDivisionNode node, TransferInput<ObligationValue, ObligationStore> input) {
    return implicitlyThrowing(node, input);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitIntegerRemainder(
      IntegerRemainderNode node, TransferInput<ObligationValue, ObligationStore> input) {
    return implicitlyThrowing(node, input);
  }

  /**
   * The target of an assignment ({@code items[i]} of {@code items[i] = x}), which the dataflow
   * library does not pass through the visitor: it throws like any other access.
   */
  TransferResult<ObligationValue, ObligationStore> assignmentTarget(
      Node node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    return new Regular(null, store, afterImplicitThrow(node, store));
  }

  private TransferResult<ObligationValue, ObligationStore> implicitlyThrowing(
      Node node, TransferInput<ObligationValue, ObligationStore> input) {
    if (input.containsTwoStores()) {
      return visitNode(node, input);
    }
    ObligationStore store = input.getRegularStore().copy();
    return new Regular(null, store, afterImplicitThrow(node, store));
  }

  /**
   * What leaves {@code node} by an implicit exception: nothing, unless the spec counts such paths
   * and {@link ImplicitThrows} says the node can throw; then the open obligations, with the node's
   * tree as the leaking event.
   */
  private ObligationStore afterImplicitThrow(Node node, ObligationStore store) {
    Tree thrower =
        implicitThrows == null || !store.hasOpen() ? null : implicitThrows.throwingTree(node);
    if (thrower == null || inFinally.contains(thrower)) {
      return emptyExceptional(store);
    }
    ObligationStore exceptional = store.copy();
    exceptional.witnessAll(
        Leak.Path.IMPLICIT_THROW, thrower, position(thrower), inCatch.contains(thrower));
    return exceptional;
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitWideningConversion(
      WideningConversionNode node, TransferInput<ObligationValue, ObligationStore> input) {
    return passValue(node.getOperand(), input);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitNarrowingConversion(
      NarrowingConversionNode node, TransferInput<ObligationValue, ObligationStore> input) {
    return passValue(node.getOperand(), input);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitTernaryExpression(
      TernaryExpressionNode node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    Element chosen = node.getTernaryExpressionVar().getElement();
    Set<Obligation> value = new HashSet<>(store.pointsTo(chosen));
    value.addAll(valueOf(node.getThenOperand(), input));
    value.addAll(valueOf(node.getElseOperand(), input));
    dropOnlyOnSomePaths(value, chosen, node.getTree(), store);
    return regular(value.isEmpty() ? null : ObligationValue.of(value), store, input);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitSwitchExpressionNode(
      SwitchExpressionNode node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    Element chosen = node.getSwitchExpressionVar().getElement();
    Set<Obligation> value = new HashSet<>(store.pointsTo(chosen));
    dropOnlyOnSomePaths(value, chosen, node.getTree(), store);
    return regular(value.isEmpty() ? null : ObligationValue.of(value), store, input);
  }

  /**
   * Whether a conditional's value ({@code chosen}, the variable javac makes up for it) is the open
   * {@code obligation} on some paths only: {@code b ? new Foo() : x} is {@code x} only where
   * {@code b} is false, and {@code x}'s resource is still open, unnamed by the result, where it
   * is true. Such an obligation is not the value: closing or handing on the result leaves it
   * open on the other paths, which the paths then report. A resource made in one arm exists only
   * on that arm's paths, so the result is it wherever it is open.
   */
  /** {@code `ready ? … : …`}, {@code `switch (mode)`}: how a message names a conditional. */
  private String chooser(Tree conditional) {
    if (conditional instanceof ConditionalExpressionTree ternary) {
      String condition = state.getSourceForNode(ternary.getCondition());
      if (condition != null && condition.length() <= 40 && !condition.contains("\n")) {
        return "`" + condition + " ? … : …`";
      }
    } else if (conditional instanceof SwitchExpressionTree choice) {
      String selector = state.getSourceForNode(choice.getExpression());
      if (selector != null && selector.length() <= 40 && !selector.contains("\n")) {
        return "`switch " + selector + "`";
      }
    }
    return "a conditional expression";
  }

  private void dropOnlyOnSomePaths(
      Set<Obligation> value, Element chosen, Tree conditional, ObligationStore store) {
    for (Iterator<Obligation> it = value.iterator(); it.hasNext(); ) {
      Obligation obligation = it.next();
      if (store.isOpen(obligation)
          && store.pointsTo(chosen).contains(obligation)
          && !store.heldOnEveryPathBy(obligation, chosen)) {
        it.remove();
        // Where the conditional chooses it, what the code does with the result may release it:
        // the report names a path, not "on any path".
        obligation.everDischarged = true;
        obligation.chosenOnSomePaths = true;
        if (obligation.lostThrough == null) {
          obligation.lostThrough = chooser(conditional) + " chooses it on some paths only";
        }
      }
    }
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitArrayCreation(
      ArrayCreationNode node, TransferInput<ObligationValue, ObligationStore> input) {
    // Varargs arrive as an array creation: its elements' obligations travel with it.
    Set<Obligation> elements = new HashSet<>();
    for (Node initializer : node.getInitializers()) {
      elements.addAll(valueOf(initializer, input));
    }
    return regular(elements.isEmpty() ? null : ObligationValue.of(elements), input.getRegularStore().copy(), input);
  }

  private TransferResult<ObligationValue, ObligationStore> passValue(
      Node operand, TransferInput<ObligationValue, ObligationStore> input) {
    Set<Obligation> value = valueOf(operand, input);
    return regular(value.isEmpty() ? null : ObligationValue.of(value), input, input);
  }

  // ---------------------------------------------------------------------------------------------
  // Conditions that prove nothing is owed: `r == null`, `stamp == 0`, `!acquired`.

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitEqualTo(
      EqualToNode node, TransferInput<ObligationValue, ObligationStore> input) {
    return nothingOwedWhenEqual(node.getLeftOperand(), node.getRightOperand(), input, true);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitNotEqual(
      NotEqualNode node, TransferInput<ObligationValue, ObligationStore> input) {
    return nothingOwedWhenEqual(node.getLeftOperand(), node.getRightOperand(), input, false);
  }

  private TransferResult<ObligationValue, ObligationStore> nothingOwedWhenEqual(
      Node left,
      Node right,
      TransferInput<ObligationValue, ObligationStore> input,
      boolean equalIsThen) {
    Node other =
        isNullOrZero(right) || isNullConstant(right)
            ? left
            : isNullOrZero(left) || isNullConstant(left) ? right : null;
    if (other == null) {
      return regular(null, input.getRegularStore().copy(), input);
    }
    return nothingOwedWhenNull(other, input, equalIsThen);
  }

  /**
   * A test of whether {@code other} is null (or zero): on the branch where it is, nothing it holds
   * or names is owed.
   */
  private TransferResult<ObligationValue, ObligationStore> nothingOwedWhenNull(
      Node other, TransferInput<ObligationValue, ObligationStore> input, boolean nullIsThen) {
    ObligationStore store = input.getRegularStore().copy();
    // The compared value, or a lock it names: `if (l != null) l.unlock()` owes nothing when null.
    Set<Obligation> compared = referredObligations(other, store, input, false);
    Element holder =
        other instanceof LocalVariableNode local ? local.getElement() : constructedField(other);
    if (holder != null) {
      // Only what the variable holds on every path where it is open: on the others, its being
      // null says nothing about it.
      compared.removeIf(
          obligation ->
              store.isOpen(obligation)
                  && obligation.key == null
                  && !store.heldOnEveryPathBy(obligation, holder));
    }
    // Whether the variable is null is known on each branch from here on: a path that knew it
    // was null (assigned null, and not assigned since) does not take the other branch.
    Element nullness = nullTracked(other) ? holder : null;
    if (compared.isEmpty() && nullness == null) {
      return regular(null, store, input);
    }
    ObligationStore whenEqual = store.copy();
    whenEqual.discharge(compared);
    ObligationStore whenOther = store;
    if (nullness != null) {
      whenEqual.assumeNullTested(nullness, true);
      whenOther = store.copy();
      whenOther.assumeNullTested(nullness, false);
    }
    return nullIsThen
        ? new Conditional(null, whenEqual, whenOther, emptyExceptional(store))
        : new Conditional(null, whenOther, whenEqual, emptyExceptional(store));
  }

  /** A local or a field of the object being built, of a reference type, compared with null. */
  private boolean nullTracked(Node node) {
    Element element =
        node instanceof LocalVariableNode local ? local.getElement() : constructedField(node);
    return element instanceof VarSymbol variable && !variable.type.isPrimitive();
  }

  private static boolean isTrueLiteral(Node node) {
    Node operand = node;
    while (operand instanceof WideningConversionNode || operand instanceof NarrowingConversionNode) {
      operand = operand.getOperands().iterator().next();
    }
    return operand instanceof BooleanLiteralNode literal && Boolean.TRUE.equals(literal.getValue());
  }

  /** Locals of the analysed code declared {@code = null} and never assigned again; made once. */
  private @Nullable Set<Element> nullConstants;

  /**
   * Whether {@code node} reads a local that is always null ({@code InputStream none = null;} …
   * {@code if (in != none)}, SpotBugs' {@code CompareToNull}): a comparison with it is a null test.
   */
  private boolean isNullConstant(Node node) {
    if (!(node instanceof LocalVariableNode local)) {
      return false;
    }
    if (nullConstants == null) {
      Set<Element> found = new HashSet<>();
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitVariable(VariableTree variable, Void unused) {
          Symbol symbol = ASTHelpers.getSymbol(variable);
          if (symbol != null
              && symbol.getKind() == ElementKind.LOCAL_VARIABLE
              && (symbol.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0
              && variable.getInitializer() != null
              && variable.getInitializer().getKind() == Tree.Kind.NULL_LITERAL) {
            found.add(symbol);
          }
          return super.visitVariable(variable, null);
        }
      }.scan(state.getPath().getLeaf(), null);
      nullConstants = found;
    }
    return nullConstants.contains(local.getElement());
  }

  private static boolean isNullOrZero(Node node) {
    Node operand = node;
    while (operand instanceof WideningConversionNode widening) {
      operand = widening.getOperand();
    }
    if (operand instanceof NullLiteralNode) {
      return true;
    }
    return operand instanceof ValueLiteralNode literal
        && literal.getValue() instanceof Number number
        && number.longValue() == 0;
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitConditionalNot(
      ConditionalNotNode node, TransferInput<ObligationValue, ObligationStore> input) {
    if (!input.containsTwoStores()) {
      return regular(null, input.getRegularStore().copy(), input);
    }
    ObligationStore thenStore = input.getThenStore().copy();
    ObligationStore elseStore = input.getElseStore().copy();
    return new Conditional(null, elseStore, thenStore, emptyExceptional(thenStore));
  }

  // ---------------------------------------------------------------------------------------------
  // Leaving the method, and escaping it.

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitReturn(
      ReturnNode node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    if (node.getResult() != null) {
      if (method == null || spec.returnHandsOff(method, state)) {
        Set<Obligation> returned = valueOf(node.getResult(), input);
        Witness failsAfter = returned.isEmpty() ? null : failsAfterReturn(node.getTree());
        if (failsAfter != null) {
          for (Obligation obligation : returned) {
            if (store.isOpen(obligation) && obligation.site instanceof ExpressionTree) {
              lostAfterReturn.putIfAbsent(obligation, failsAfter);
            }
          }
        }
        handOff(returned, store);
        if (returned.isEmpty()) {
          handOffViewed(node.getResult(), store, () -> ArgumentEffect.TAKES_OWNERSHIP);
        }
      }
      if (isTrueLiteral(node.getResult())) {
        // `return true` holding a lock is a try-acquire method of its own: the caller learns from
        // the result that it now holds the lock (and releases it, as with tryLock()).
        Set<Obligation> locks = new HashSet<>();
        for (Obligation obligation : store.openObligations()) {
          if (obligation.key != null) {
            locks.add(obligation);
          }
        }
        handOff(locks, store);
      }
    }
    store.witnessAll(Leak.Path.RETURN, node.getTree(), position(node.getTree()), false);
    return regular(null, store, input);
  }

  /**
   * What runs after the {@code return} at {@code returned} has made its value and can fail, so
   * that the caller never gets the value: in the innermost enclosing {@code try} first, the close
   * of a resource whose {@code close()} declares a checked exception, then a {@code throw} or a
   * call declaring a checked exception (and releasing nothing, like the finally rule of {@link
   * #skippedReleasesInFinally}) in its {@code finally}, outside any {@code try} of its own there.
   * Null when nothing can, and when a {@code try} with a {@code catch} encloses the failing one:
   * its handler may close the value (the fix's own shape, {@code return value = open();} in a
   * {@code try} whose {@code catch} closes {@code value}), and the analysis does not follow the
   * value there.
   */
  private @Nullable Witness failsAfterReturn(Tree returned) {
    int start = ASTHelpers.getStartPosition(returned);
    int end = state.getEndPosition(returned);
    if (start < 0 || end < 0) {
      return null;
    }
    for (TryTree attempt : Lists.reverse(tries)) {
      if (attempt.getFinallyBlock() == null && attempt.getResources().isEmpty()) {
        continue;
      }
      if (!isWithin(start, end, attempt.getBlock())
          && attempt.getCatches().stream().noneMatch(c -> isWithin(start, end, c))) {
        continue; // not around the return, or the return is in its finally
      }
      Witness failing = null;
      for (Tree resource : Lists.reverse(attempt.getResources())) {
        if (resource instanceof VariableTree variable && closeMayFail(variable)) {
          failing = new Witness(Leak.Path.CALL_THROWS, variable, position(variable), true);
          break;
        }
      }
      BlockTree cleanUp = attempt.getFinallyBlock();
      if (failing == null && cleanUp != null) {
        failing = firstFailure(cleanUp);
      }
      if (failing != null) {
        return handledAround(attempt) ? null : failing;
      }
    }
    return null;
  }

  /** Whether a {@code try} with a {@code catch} clause encloses {@code attempt}. */
  private boolean handledAround(TryTree attempt) {
    int start = ASTHelpers.getStartPosition(attempt);
    int end = state.getEndPosition(attempt);
    for (TryTree outer : tries) {
      if (outer != attempt
          && !outer.getCatches().isEmpty()
          && isWithin(start, end, outer.getBlock())) {
        return true;
      }
    }
    return false;
  }

  private boolean isWithin(int start, int end, Tree container) {
    return ASTHelpers.getStartPosition(container) <= start
        && end <= state.getEndPosition(container);
  }

  /** Whether the resource's {@code close()} declares a checked exception. */
  private boolean closeMayFail(VariableTree resource) {
    VarSymbol symbol = ASTHelpers.getSymbol(resource);
    if (symbol == null || symbol.type == null) {
      return false;
    }
    for (Type type : state.getTypes().closure(symbol.type)) {
      for (Symbol member : type.tsym.members().getSymbolsByName(state.getName("close"))) {
        if (member instanceof MethodSymbol close && close.getParameters().isEmpty()) {
          return NonThrowingCalls.declaresCheckedException(close, state);
        }
      }
    }
    return false;
  }

  /** The first {@code throw} or checked-failing call of a finally block, outside its own tries. */
  private @Nullable Witness firstFailure(BlockTree cleanUp) {
    Witness[] first = {null};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        return first[0] != null ? null : super.scan(tree, null);
      }

      @Override
      public Void visitTry(TryTree tryTree, Void unused) {
        return null; // what it throws may be caught there
      }

      @Override
      public Void visitThrow(ThrowTree tree, Void unused) {
        first[0] = new Witness(Leak.Path.THROW_STATEMENT, tree, position(tree));
        return null;
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        super.visitMethodInvocation(call, null); // its arguments run first
        if (first[0] == null
            && spec.releasedOperand(call, state).equals(Operand.NONE)
            && NonThrowingCalls.declaresCheckedException(ASTHelpers.getSymbol(call), state)
            && !cannotThrow(call)) {
          first[0] = failureOf(call);
        }
        return null;
      }
    }.scan(cleanUp, null);
    return first[0];
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitLambdaResultExpression(
      LambdaResultExpressionNode node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    handOff(valueOf(node.getResult(), input), store);
    return regular(null, store, input);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitThrow(
      ThrowNode node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    ObligationStore exceptional = store.copy();
    exceptional.witnessAll(
        Leak.Path.THROW_STATEMENT, node.getTree(), position(node.getTree()), inCatch.contains(node.getTree()));
    return new Regular(null, store, exceptional);
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitMemberReference(
      FunctionalInterfaceNode node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    if (store.hasOpen()) {
      capture(node.getTree(), store);
    }
    return regular(null, store, input);
  }

  /**
   * A lambda, method reference or anonymous class that captures a variable holding an obligation,
   * or that releases a lock identity, takes the obligation with it: when it runs is not this
   * method's to know.
   */
  private void capture(Tree body, ObligationStore store) {
    Set<Element> variables = store.variables();
    Set<Obligation> captured = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree identifier, Void unused) {
        Symbol symbol = ASTHelpers.getSymbol(identifier);
        if (symbol != null && variables.contains(symbol)) {
          captured.addAll(store.pointsTo(symbol));
        }
        return null;
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        ExpressionTree operand = spec.releasedOperand(call, state).of(call);
        AccessKey key = AccessKey.of(operand);
        if (key != null) {
          for (Obligation obligation : store.openObligations()) {
            if (key.equals(obligation.key)) {
              captured.add(obligation);
            }
          }
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(body, null);
    handOff(captured, store);
  }

  // ---------------------------------------------------------------------------------------------
  // Everything else.

  /**
   * The end of a {@code finally} block entered by an exception rethrows that exception: what is
   * still open there leaves the method by it, with the witness of the call that threw.
   */
  @Override
  public TransferResult<ObligationValue, ObligationStore> visitMarker(
      MarkerNode node, TransferInput<ObligationValue, ObligationStore> input) {
    ObligationStore store = input.getRegularStore().copy();
    return new Regular(null, store, store.copy());
  }

  @Override
  public TransferResult<ObligationValue, ObligationStore> visitNode(
      Node node, TransferInput<ObligationValue, ObligationStore> input) {
    if (input.containsTwoStores()) {
      // Keep a condition's two outcomes apart through `&&`, `||` and friends.
      ObligationStore thenStore = input.getThenStore().copy();
      return new Conditional(
          null, thenStore, input.getElseStore().copy(), emptyExceptional(thenStore));
    }
    return regular(null, input.getRegularStore().copy(), input);
  }

  private Regular regular(
      @Nullable ObligationValue value,
      TransferInput<ObligationValue, ObligationStore> storeSource,
      TransferInput<ObligationValue, ObligationStore> input) {
    return regular(value, storeSource.getRegularStore().copy(), input);
  }

  private Regular regular(
      @Nullable ObligationValue value,
      ObligationStore store,
      TransferInput<ObligationValue, ObligationStore> input) {
    return new Regular(value, store, emptyExceptional(store));
  }

  /** What an implicit exception (NPE, array index, cast) carries: no obligations. */
  private static ObligationStore emptyExceptional(ObligationStore store) {
    ObligationStore exceptional = store.copy();
    exceptional.dischargeAll();
    return exceptional;
  }

  private static Set<Obligation> valueOf(
      @Nullable Node node, TransferInput<ObligationValue, ObligationStore> input) {
    if (node == null) {
      return Set.of();
    }
    if (node.isLValue() && node instanceof LocalVariableNode local) {
      // The CFG reuses a declaration's lvalue node as an operand (the receiver of the close() that
      // try-with-resources adds); the dataflow framework asserts against asking for an lvalue's
      // value, so read what the variable holds from the store instead.
      return input.getRegularStore().pointsTo(local.getElement());
    }
    ObligationValue value = input.getValueOfSubNode(node);
    return value == null ? Set.of() : value.obligations();
  }

  private static @Nullable Node argumentNode(List<Node> arguments, int index) {
    if (index < 0 || arguments.isEmpty()) {
      return null;
    }
    return arguments.get(Math.min(index, arguments.size() - 1));
  }

  static int position(Tree tree) {
    return ASTHelpers.getStartPosition(tree);
  }

  /**
   * A JDK method or constructor that declares its checked exceptions ({@code raf.seek(n)}, {@code
   * ch.configureBlocking(false)}, {@code new FileOutputStream(f)}) fails by them; the unchecked
   * exceptions it documents ({@code IllegalArgumentException}, {@code
   * IllegalBlockingModeException}) are the caller's programming errors, not leak paths to guard.
   */
  private static boolean failsOnlyAsDeclared(ExpressionTree call) {
    Symbol symbol = ASTHelpers.getSymbol(call);
    return symbol instanceof MethodSymbol method
        && !method.getThrownTypes().isEmpty()
        && isJdkMethod(method);
  }

  /** A method of a class of the JDK's own packages. */
  private static boolean isJdkMethod(MethodSymbol method) {
    String owner = method.owner.getQualifiedName().toString();
    return owner.startsWith("java.") || owner.startsWith("javax.") || owner.startsWith("jdk.");
  }

  private ObligationStore exceptionalFor(
      TypeMirror exception, ObligationStore exceptional, boolean failsOnlyAsDeclared) {
    if (onlyAnErrorTakes(exception)
        || (failsOnlyAsDeclared
            && exception instanceof Type type
            && state.getTypes().isSubtype(type, state.getSymtab().runtimeExceptionType))) {
      return emptyExceptional(exceptional);
    }
    return exceptional;
  }

  /** A transfer result whose exceptional successors all receive one given store. */
  private final class Regular extends RegularTransferResult<ObligationValue, ObligationStore> {
    private final ObligationStore exceptional;
    private final boolean failsOnlyAsDeclared;

    Regular(@Nullable ObligationValue value, ObligationStore store, ObligationStore exceptional) {
      this(value, store, exceptional, false);
    }

    Regular(
        @Nullable ObligationValue value,
        ObligationStore store,
        ObligationStore exceptional,
        boolean failsOnlyAsDeclared) {
      super(value, store);
      this.exceptional = exceptional;
      this.failsOnlyAsDeclared = failsOnlyAsDeclared;
    }

    /** What an unchecked exception carries when it differs from {@link #exceptional}, or null. */
    @Nullable ObligationStore undeclaredFailure;

    @Override
    public ObligationStore getExceptionalStore(TypeMirror exception) {
      if (undeclaredFailure != null
          && exception instanceof Type type
          && (state.getTypes().isSubtype(type, state.getSymtab().runtimeExceptionType)
              || state.getTypes().isSubtype(type, errorType))) {
        return exceptionalFor(exception, undeclaredFailure, failsOnlyAsDeclared);
      }
      return exceptionalFor(exception, exceptional, failsOnlyAsDeclared);
    }
  }

  /** A conditional transfer result whose exceptional successors all receive one given store. */
  private final class Conditional
      extends ConditionalTransferResult<ObligationValue, ObligationStore> {
    private final ObligationStore exceptional;
    private final boolean failsOnlyAsDeclared;

    Conditional(
        @Nullable ObligationValue value,
        ObligationStore thenStore,
        ObligationStore elseStore,
        ObligationStore exceptional) {
      this(value, thenStore, elseStore, exceptional, false);
    }

    Conditional(
        @Nullable ObligationValue value,
        ObligationStore thenStore,
        ObligationStore elseStore,
        ObligationStore exceptional,
        boolean failsOnlyAsDeclared) {
      super(value, thenStore, elseStore);
      this.exceptional = exceptional;
      this.failsOnlyAsDeclared = failsOnlyAsDeclared;
    }

    @Override
    public ObligationStore getExceptionalStore(TypeMirror exception) {
      return exceptionalFor(exception, exceptional, failsOnlyAsDeclared);
    }
  }
}
