package dev.leakguard.flow;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * What a check tells the shared must-release analysis: which expressions acquire an obligation,
 * which calls discharge it, and what handing it to another call means. The analysis itself ({@link
 * ObligationAnalysis}) knows nothing of locks, streams or executors; a new kind of resource is a
 * new spec, never a new analysis.
 *
 * <p>Every method receives trees from the method being analysed, and may receive synthetic trees
 * that javac's try-with-resources desugaring adds (the implicit {@code close()} call). Implementations
 * must not throw; they are called for every call and constructor in a method that acquires
 * something.
 */
public interface ObligationSpec {

  /**
   * The acquisition that evaluating {@code expression} performs, or null when it acquires nothing.
   * Called with method invocations and {@code new} expressions only.
   */
  @Nullable Acquisition acquisitionAt(ExpressionTree expression, VisitorState state);

  /**
   * Which operand of {@code call} names the obligations it discharges ({@code lock.unlock()}: the
   * receiver; {@code Closeables.closeQuietly(in)}: argument 0), or {@link Operand#NONE}.
   */
  Operand releasedOperand(MethodInvocationTree call, VisitorState state);

  /**
   * The identity ({@link Acquisition#identity()}) of what {@code call} releases when no operand of
   * it names that: a lock released by a method of the same object ({@code unlock()} whose body is
   * {@code lock.unlock()}, called on an implicit {@code this}). Null for none.
   */
  default @Nullable ExpressionTree releasedIdentity(MethodInvocationTree call, VisitorState state) {
    return null;
  }

  /**
   * Whether {@code call} also ends the obligation acquired at {@code site}, although no operand of
   * the call names it in a way the engine follows: a context keyed by a value ({@code
   * MDC.remove("user")} after {@code MDC.put("user", u)}: keys are constants, not variables), or a
   * call that clears every entry ({@code MDC.clear()}). Asked only while something is open.
   */
  default boolean alsoReleases(
      MethodInvocationTree call, Tree site, Acquisition acquisition, VisitorState state) {
    return false;
  }

  /**
   * The must-call methods that {@code call} counts as calling on its {@link #releasedOperand}: by
   * default its own name ({@code foo.a()}: {@code a}). It matters only for an obligation whose
   * {@link Acquisition#mustCall()} names methods: it is discharged once all of them are called.
   * A spec names more where an annotation promises them ({@code @EnsuresCalledMethods}).
   */
  default ImmutableSet<String> releasedMethods(MethodInvocationTree call, VisitorState state) {
    return ImmutableSet.of(ASTHelpers.getSymbol(call).getSimpleName().toString());
  }

  /**
   * The obligation a method owns from its entry on through {@code parameter}, or null for none: a
   * parameter annotated as owning ({@code @Owning Socket s}) must be released on every path of the
   * method that receives it, as if the method had acquired it. Only normal exits count: a method
   * that throws has not taken it over, and its caller still holds it.
   */
  default @Nullable Acquisition parameterAcquisition(VarSymbol parameter, VisitorState state) {
    return null;
  }

  /**
   * Whether a {@code return} of an open obligation from {@code method} hands it to the caller. A
   * method that says its result is not the caller's ({@code @NotOwning}) hands nothing over.
   */
  default boolean returnHandsOff(MethodSymbol method, VisitorState state) {
    return true;
  }

  /**
   * For a boolean call that is true only while an obligation is still owed ({@code
   * lock.isHeldByCurrentThread()}), the operand naming it: on the call's false branch nothing is
   * owed. {@link Operand#NONE} for every other call.
   */
  default Operand heldTestOperand(MethodInvocationTree call, VisitorState state) {
    return Operand.NONE;
  }

  /**
   * For a boolean call that is true only once an obligation is no longer owed ({@code
   * socket.isClosed()}), the operand naming it: on the call's true branch nothing is owed. {@link
   * Operand#NONE} for every other call.
   */
  default Operand releasedTestOperand(MethodInvocationTree call, VisitorState state) {
    return Operand.NONE;
  }

  /**
   * What passing an open obligation as argument {@code index} of {@code callOrNew} (a method
   * invocation or {@code new} expression) does to it.
   */
  ArgumentEffect argumentEffect(ExpressionTree callOrNew, int index, VisitorState state);

  /**
   * What calling {@code call} on an open obligation does to it. Most calls only use their receiver;
   * a stream pipeline step ({@code Files.walk(dir).filter(p)}) returns a stream whose {@code
   * close()} closes the source, so it {@link ArgumentEffect#WRAPS}.
   */
  default ArgumentEffect receiverEffect(MethodInvocationTree call, VisitorState state) {
    return ArgumentEffect.BORROWS;
  }

  /**
   * Whether the operands {@code callOrNew} joins hold one thing between them, so that releasing
   * either releases both: the two ends of a pipe, joined by {@code new PipedInputStream(out)} (the
   * new end and its argument) or {@code in.connect(out)} (the receiver and the argument).
   */
  default boolean joinsOperands(ExpressionTree callOrNew, VisitorState state) {
    return false;
  }

  /**
   * Whether closing what {@code call} returns also releases its receiver, although handing it on
   * does not hand the receiver on: a socket's streams ({@code socket.getOutputStream().close()}
   * closes the socket, but a reader kept around the stream leaves the socket to whoever opened it).
   */
  default boolean returnsViewClosingReceiver(MethodInvocationTree call, VisitorState state) {
    return false;
  }

  /**
   * The object whose {@code close} also releases what {@code acquisition} acquires, or null: a JDBC
   * statement's connection ({@code c} of {@code c.prepareStatement(sql)}, or {@code link} of {@code
   * link.getConnection().prepareStatement(sql)}), since JDBC closes a statement with its connection.
   */
  default @Nullable ExpressionTree closedWith(ExpressionTree acquisition, VisitorState state) {
    return null;
  }

  /**
   * What {@code call} gives a new obligation to, or null for nothing: {@code x.reset()} of a method
   * that {@code @CreatesMustCallFor("this")}, {@code socket.connect(address)} of a socket that had
   * none. The engine follows it where the operand is a local variable whose value the method
   * tracks (an acquisition, or a {@link #dormantAt} value), not a parameter's or a field's: their
   * owner answers for them. Asked for every call of a method: must be cheap for the rest.
   */
  default @Nullable Creation creationBy(MethodInvocationTree call, VisitorState state) {
    return null;
  }

  /**
   * Whether {@link #creationBy} can answer anything but null: a spec that overrides it says so
   * here, and the engine skips the scan of every method body for creations for the rest.
   */
  default boolean hasCreations() {
    return false;
  }

  /**
   * What a value that owes nothing yet would owe once a call {@linkplain #creationBy gives it an
   * obligation}, or null for a value not worth tracking: {@code makeNoMC()} declared to return a
   * {@code @MustCall({})} instance of a type whose class has must-call methods. Asked only in
   * methods that make such a call, for calls and {@code new} expressions that acquire nothing; its
   * {@link Acquisition#condition()} is {@link Condition#WHEN_CREATED}.
   */
  default @Nullable Acquisition dormantAt(ExpressionTree expression, VisitorState state) {
    return null;
  }

  /**
   * Whether {@code call}, made on (or passed) a value acquired {@link Condition#WHEN_USED} and not
   * used yet, puts it to use, so that it is owed from then on. By default every call does.
   */
  default boolean usesDormant(MethodInvocationTree call, VisitorState state) {
    return true;
  }

  /**
   * Whether a value not used yet that {@code call} puts to use as its receiver owes its release
   * only once the call has returned: a pool starts a thread when its first task is accepted, and
   * holds none when {@code execute} fails. By default it is owed before: a socket whose connect
   * fails has made its OS socket.
   */
  default boolean receiverOwesOnceReturned(MethodInvocationTree call, VisitorState state) {
    return false;
  }

  /**
   * A call that gives obligations to some of its operands ({@link #creationBy}).
   *
   * @param effect what it does to them, for messages: "gives it a new obligation", "opens its
   *     socket"
   * @param owedIfItFails whether the obligation is owed on the call's exceptional path too: a
   *     socket's {@code bind} makes the OS socket first and does not close it when binding fails;
   *     a {@code connect} closes it, and a reset that throws made nothing
   */
  record Creation(ImmutableList<Operand> operands, String effect, boolean owedIfItFails) {}

  /**
   * What a value stored in a field by {@code expression} owes the class that keeps it
   * ({@link FieldLifecycle}): by default what the expression acquires. A spec whose values owe
   * only once a later call is made ({@link #dormantAt}) may count the store: the class that builds
   * a gRPC server into its field is the one to shut it down, whichever of its methods starts it.
   */
  default @Nullable Acquisition storedAcquisitionAt(ExpressionTree expression, VisitorState state) {
    return acquisitionAt(expression, state);
  }

  /**
   * Whether the object {@code creation} makes borrows its argument at {@code index} and keeps it
   * to use later ({@code new InputSource(in)}): the caller still closes it, but where the object
   * goes (returned, stored, handed to an owner) the argument goes with it.
   */
  default boolean holdsBorrowed(NewClassTree creation, int index, VisitorState state) {
    return false;
  }

  /**
   * Whether {@code callOrNew} cannot do anything with its argument at {@code index}, its body never
   * naming it: passing a value there does not use it (an unconnected socket stays unconnected).
   */
  default boolean ignoresArgument(ExpressionTree callOrNew, int index, VisitorState state) {
    return false;
  }

  /**
   * Whether {@code call} keeps its argument at {@code index} in its receiver, to use later, and
   * nothing of the receiver's class can ever release it ({@code parser.setInput(in)} of a parser
   * that reads {@code in} from a field and has no {@code close()}): the caller still closes it,
   * but where the receiver goes (returned, stored, handed to an owner) the argument goes with it.
   */
  default boolean holdsBorrowedInReceiver(
      MethodInvocationTree call, int index, VisitorState state) {
    return false;
  }

  /**
   * Whether {@code call} hands its argument at {@code index} to its receiver, whose own {@code
   * close()} closes it ({@code holder.setInput(in)} on a holder this method made): the argument is
   * released with the receiver, and owed until then.
   */
  default boolean keptForReceiversClose(
      MethodInvocationTree call, int index, VisitorState state) {
    return false;
  }

  /**
   * Which argument of {@code call} the callee releases on its way out when it returns normally, but
   * not when it throws: {@code void handle(Socket s) { s.getOutputStream().write(…); s.close(); }}.
   * On the call's normal edge it is released; on its exceptional edge it is still the caller's,
   * and the call is what leaks it. {@link Operand#NONE} when {@link #releasedOperand} already says
   * the call releases it on every path, or when it does not release it at all.
   */
  default Operand releasedOnNormalExit(MethodInvocationTree call, VisitorState state) {
    return Operand.NONE;
  }

  /**
   * Whether {@code call} releases its receiver when it fails: {@code socket.connect(address)}
   * closes the socket when the connection cannot be established, so its exceptional edge leaks
   * nothing the receiver holds.
   */
  default boolean releasesReceiverWhenItFails(MethodInvocationTree call, VisitorState state) {
    return false;
  }

  /**
   * Whether what {@code call} wraps ({@link ArgumentEffect#WRAPS}) is its result's only once it
   * returns: when it throws, the arguments are still the caller's, as a wrapper's constructor
   * that fails leaves them (a factory that makes a closeable around a resource, {@code
   * connectionFactory.createConnection(socket)}). Otherwise a call that wraps its arguments is
   * taken to own them on every edge (a stream pipeline step).
   */
  default boolean wrapsOnlyOnceReturned(MethodInvocationTree call, VisitorState state) {
    return false;
  }

  /**
   * Whether a call made while an obligation is open can throw, as far as a leak goes. The engine
   * already ignores calls javac adds, calls in {@code finally} blocks, logging and a few JDK reads;
   * a spec can trust more (a resource spec: accessors such as {@code file.getName()}).
   */
  default boolean mayThrow(MethodInvocationTree call, VisitorState state) {
    return true;
  }

  /**
   * Whether an obligation that no path of the method ever releases is still a leak. Resources say
   * yes: a stream nobody closes is the leak. Locks ask whether anything else can release it: a
   * method that only takes a shared lock is one half of a {@code begin()/end()} pair, but a lock
   * that neither the method nor any other code of its class releases ({@link
   * FieldReleases#releasedOutside}) is never released at all.
   *
   * @param site the acquiring expression
   * @param acquisition what the spec said {@code site} acquires
   * @param method the path of the method (or lambda) being analysed
   */
  default boolean reportsWhenNeverReleased(
      ExpressionTree site, Acquisition acquisition, TreePath method, VisitorState state) {
    return true;
  }

  /**
   * Whether exceptions the code throws without a call count as leak paths: an integer division by
   * zero, an array index out of bounds, a failing cast, unboxing or dereferencing null ({@link
   * ImplicitThrows} says which, and leaves out values that cannot be null). For a resource they are
   * programming errors that end the request anyway; a lock they leave held blocks every other
   * thread, so lock specs say yes.
   */
  default boolean countsImplicitExceptions() {
    return false;
  }

  /**
   * Whether a path that only an {@code Error} (out of memory, stack overflow) takes still leaks.
   * For most resources it does not matter: the failing thread is usually the end of the process.
   * A lock held by a thread that died of an {@code Error} that someone up the stack caught blocks
   * every other thread forever, so lock specs say yes.
   */
  default boolean countsErrorPaths() {
    return false;
  }

  /**
   * Whether a fresh value a constructor (or instance initializer) stores in a field of {@code this}
   * stays the constructor's to release until it completes: when it throws after the store, the
   * object that would own the field is never returned, so nothing can release it. On normal
   * completion the field owns it ({@link FieldLifecycle}).
   */
  default boolean constructorOwnsStoredFieldsUntilItCompletes() {
    return false;
  }

  /** How the analysis should word a leak: "stays held", "is not closed", "is not shut down". */
  String leakVerb();

  /**
   * An argument-less {@code getX()}, {@code isX()}, {@code hasX()}, {@code toX()}: code that reads
   * or converts state ({@code path.toAbsolutePath().toString()}). Specs
   * whose leaks are about exceptional paths may trust these not to throw ({@link #mayThrow}).
   */
  static boolean isAccessor(MethodInvocationTree call) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    if (!call.getArguments().isEmpty() || method.getReturnType().getKind() == TypeKind.VOID) {
      return false;
    }
    String name = method.getSimpleName().toString();
    return name.matches("(get|is|has|to)[A-Z].*") || name.equals("exists") || name.equals("length")
        || name.equals("size") || name.equals("isEmpty");
  }

  /** One acquisition: what the expression acquires and how the obligation is identified. */
  record Acquisition(
      /** How the result says whether anything was acquired. */
      Condition condition,
      /**
       * The expression whose value identifies the obligation across the method when the acquired
       * thing is not the expression's own value: the lock in {@code lock.lock()}, the {@code
       * StampedLock} in {@code sl.writeLock()}. Null when the expression's value is the resource
       * itself ({@code new FileInputStream(f)}).
       */
      @Nullable ExpressionTree identity,
      /** What the acquisition is, for messages: "lock", "file stream", "executor". */
      String kind,
      /**
       * The methods that must all be called to discharge it ({@code @MustCall({"a", "b"})}), or
       * empty when any release call of the spec discharges it ({@code close()}, {@code unlock()}).
       */
      ImmutableSet<String> mustCall,
      /**
       * Why the caller owns what a call returns, when that is not plain from the call itself: "`
       * openSqlStream()` returns a new `FileInputStream`", "`url.openStream()` opens a stream".
       * Null for a constructor or a call the reader knows ({@code new FileInputStream(f)}, {@code
       * lock.lock()}).
       */
      @Nullable String ownedBecause) {

    public Acquisition(Condition condition, @Nullable ExpressionTree identity, String kind) {
      this(condition, identity, kind, ImmutableSet.of(), null);
    }

    public Acquisition(
        Condition condition,
        @Nullable ExpressionTree identity,
        String kind,
        ImmutableSet<String> mustCall) {
      this(condition, identity, kind, mustCall, null);
    }

    public Acquisition(
        Condition condition,
        @Nullable ExpressionTree identity,
        String kind,
        @Nullable String ownedBecause) {
      this(condition, identity, kind, ImmutableSet.of(), ownedBecause);
    }
  }

  /** Whether the acquiring expression always acquires, or only when its result says so. */
  enum Condition {
    /** {@code lock()}, {@code new FileInputStream(f)}. */
    ALWAYS,
    /** {@code tryLock()}, {@code tryAcquire()}: acquired only when the result is true. */
    IF_TRUE,
    /** {@code StampedLock.tryWriteLock()}: acquired only when the returned stamp is non-zero. */
    IF_NONZERO,
    /**
     * {@code new Socket()}: the value owes nothing until it is used ({@link #usesDormant}), or a
     * call gives it an obligation ({@link #creationBy}); the JDK makes its socket on first use.
     */
    WHEN_USED,
    /** A value that owes nothing until a call gives it an obligation ({@link #dormantAt}). */
    WHEN_CREATED
  }

  /** What a call does with an open obligation passed to it. */
  enum ArgumentEffect {
    /** The callee only uses it; the caller still owes the release ({@code in.read(buf)}). */
    BORROWS,
    /** The callee takes over the release: stored, registered, closed by it. */
    TAKES_OWNERSHIP,
    /**
     * The result owns it: releasing the result releases the argument ({@code new
     * BufferedReader(reader)}).
     */
    WRAPS
  }

  /** An operand of a call: its receiver, or an argument by index. */
  record Operand(int index) {
    public static final Operand NONE = new Operand(-2);
    public static final Operand RECEIVER = new Operand(-1);

    /** The expression of {@code call} this operand names, or null (none, or no such argument). */
    public @Nullable ExpressionTree of(MethodInvocationTree call) {
      if (equals(RECEIVER)) {
        return ASTHelpers.getReceiver(call);
      }
      return index >= 0 && index < call.getArguments().size()
          ? call.getArguments().get(index)
          : null;
    }

    public static Operand argument(int index) {
      return new Operand(index);
    }
  }
}
