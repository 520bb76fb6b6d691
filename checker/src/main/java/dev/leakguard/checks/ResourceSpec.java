package dev.leakguard.checks;

import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.method.MethodMatchers.anyMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.constructor;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.config.LeakGuardOptions.MethodName;
import dev.leakguard.flow.MustCallContract;
import dev.leakguard.flow.NonThrowingCalls;
import dev.leakguard.flow.ObligationSpec;
import dev.leakguard.flow.OwnershipSummaries;
import dev.leakguard.flow.OwnershipSummaries.ParameterUse;
import dev.leakguard.flow.OwnershipSummaries.ReturnSummary;
import dev.leakguard.flow.QuietMethods;
import dev.leakguard.trees.Mentions;
import dev.leakguard.trees.OwnCodeScanner;
import dev.leakguard.trees.Subclasses;
import dev.leakguard.trees.TypeNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * What {@link UnclosedResource} hands the shared analysis: which calls and constructors open an OS
 * resource (a file handle, a socket, a database connection), which calls close one, and what
 * passing one to another call does to it.
 *
 * <p>Acquisitions are not every {@code AutoCloseable}: an in-memory stream or a collection's {@code
 * stream()} is one too, and reporting those would teach people to ignore the check. They are the
 * JDK types and factories listed here and in {@link LibraryResourceModel}, what users name ({@code
 * @MustBeClosed}, the must-call contract of {@link MustCallContract}, the {@code ExtraTypes} and
 * {@code ExtraFactories} options), and calls of methods of the compilation whose body returns only
 * fresh resources ({@link OwnershipSummaries}). The same summaries tell a callee that keeps a
 * resource from one that only borrows it.
 */
final class ResourceSpec implements ObligationSpec {

  // ---- acquisitions -------------------------------------------------------------------------

  /** JDK classes whose every constructor opens an OS resource (and their subclasses). */
  private static final ImmutableList<String> OS_RESOURCE_CLASSES =
      ImmutableList.of(
          "java.io.FileInputStream",
          "java.io.FileOutputStream",
          "java.io.FileReader",
          "java.io.FileWriter",
          "java.io.RandomAccessFile",
          "java.util.zip.ZipFile", // and JarFile
          "java.net.Socket",
          "java.net.ServerSocket",
          "java.net.DatagramSocket");

  /**
   * The two ends of an in-process pipe. They hold no OS handle, but closing the writing end is
   * what tells the reading end that the stream has ended: a writer that is never closed leaves its
   * reader blocked (a second at a time, until the writing thread dies), and a reader that is never
   * closed leaves its writer blocked on a full buffer. The end built around the other ({@code new
   * PipedInputStream(out)}) is taken to own it, as a decorator would be.
   */
  private static final ImmutableList<String> PIPE_CLASSES =
      ImmutableList.of(
          "java.io.PipedInputStream",
          "java.io.PipedOutputStream",
          "java.io.PipedReader",
          "java.io.PipedWriter");

  /** Classes that open a file when constructed from a file name, {@code File} or {@code Path}. */
  private static final ImmutableList<String> FILE_OPENING_WHEN_NAMED =
      ImmutableList.of("java.io.PrintWriter", "java.io.PrintStream", "java.util.Formatter");

  /** {@code Scanner(String)} scans the string itself: only {@code File} and {@code Path} open. */
  private static final String SCANNER = "java.util.Scanner";

  /** Never resources, whatever an option or annotation on a supertype says. */
  private static final ImmutableList<String> IN_MEMORY_TYPES =
      ImmutableList.of(
          "java.io.ByteArrayInputStream",
          "java.io.ByteArrayOutputStream",
          "java.io.CharArrayReader",
          "java.io.CharArrayWriter",
          "java.io.StringReader",
          "java.io.StringWriter",
          "java.io.StringBufferInputStream",
          // A disconnected row set: populate(rs) copies the rows and holds no connection or
          // statement of its own (spring-jdbc SqlRowSetResultSetExtractor). FilteredRowSet,
          // JoinRowSet and WebRowSet extend it.
          "javax.sql.rowset.CachedRowSet");

  private static final Matcher<ExpressionTree> NEW_FILE_SYSTEM =
      staticMethod().onClass("java.nio.file.FileSystems").named("newFileSystem");

  private static final Matcher<ExpressionTree> STATEMENT_FACTORY =
      LibraryResourceModel.STATEMENT_FACTORY;

  private static final Matcher<ExpressionTree> CLOSE_ON_COMPLETION =
      instanceMethod().onDescendantOf("java.sql.Statement").named("closeOnCompletion");

  /**
   * {@code Statement.executeQuery()}: JDBC closes a {@code ResultSet} with its statement, so a
   * result set is tracked only where the statement outlives the method (a field).
   */
  private static final Matcher<ExpressionTree> RESULT_SET_FACTORY =
      instanceMethod().onDescendantOf("java.sql.Statement").namedAnyOf("executeQuery", "getResultSet");

  /** {@code HttpClient} owns a selector thread and is {@code AutoCloseable} from JDK 21 on. */
  private static final Matcher<ExpressionTree> HTTP_CLIENT_FACTORY =
      anyOf(
          staticMethod().onClass("java.net.http.HttpClient").named("newHttpClient"),
          instanceMethod().onDescendantOf("java.net.http.HttpClient.Builder").named("build"));

  private static final String MUST_BE_CLOSED = "com.google.errorprone.annotations.MustBeClosed";
  private static final String NOT_OWNING = "org.checkerframework.checker.mustcall.qual.NotOwning";
  private static final String OWNING = "org.checkerframework.checker.mustcall.qual.Owning";
  private static final String WILL_CLOSE = "javax.annotation.WillClose";
  private static final String WILL_CLOSE_WHEN_CLOSED = "javax.annotation.WillCloseWhenClosed";
  private static final String WILL_NOT_CLOSE = "javax.annotation.WillNotClose";

  // ---- releases -----------------------------------------------------------------------------

  private static final Matcher<ExpressionTree> CLOSE =
      instanceMethod().onDescendantOf("java.lang.AutoCloseable").named("close").withNoParameters();

  /**
   * An overload of {@code close} that a closeable type declares beside {@code close()}, which
   * releases its receiver as that does: Apache MINA SSHD's {@code close(boolean immediately)},
   * Kafka's {@code close(Duration timeout)}.
   */
  private static final Matcher<ExpressionTree> CLOSE_OVERLOAD =
      instanceMethod().onDescendantOf("java.lang.AutoCloseable").named("close");

  private static final Matcher<ExpressionTree> HTTP_CLIENT_SHUTDOWN =
      instanceMethod().onDescendantOf("java.net.http.HttpClient").namedAnyOf("shutdown", "shutdownNow");

  /** Library methods that close their first argument (and, for varargs, every argument). */
  private static final Matcher<ExpressionTree> KNOWN_CLOSER =
      anyOf(
          staticMethod().onClass("org.apache.commons.io.IOUtils").namedAnyOf("closeQuietly", "close"),
          staticMethod().onClass("com.google.common.io.Closeables").namedAnyOf("close", "closeQuietly"),
          staticMethod()
              .onClass("org.apache.commons.dbutils.DbUtils")
              .namedAnyOf("close", "closeQuietly", "commitAndClose", "commitAndCloseQuietly"),
          staticMethod()
              .onClass("org.springframework.jdbc.support.JdbcUtils")
              .namedAnyOf("closeConnection", "closeStatement", "closeResultSet"),
          staticMethod().onClass("org.apache.hadoop.io.IOUtils").namedAnyOf("closeStream", "closeSocket"),
          // Apache HttpClient: reading a response's entity whole, or consuming what is left of
          // it, closes its content stream, which gives the connection back to the pool (the
          // entity is a view of the response, see LibraryResourceModel.CLOSING_VIEW).
          staticMethod()
              .onClassAny(
                  "org.apache.http.util.EntityUtils", "org.apache.hc.core5.http.io.entity.EntityUtils")
              .namedAnyOf("consume", "consumeQuietly", "toString", "toByteArray"));

  private static final Matcher<ExpressionTree> IS_OPEN =
      instanceMethod().onDescendantOf("java.lang.AutoCloseable").named("isOpen").withNoParameters();

  private static final Matcher<ExpressionTree> IS_CLOSED =
      instanceMethod().onDescendantOf("java.lang.AutoCloseable").named("isClosed").withNoParameters();

  // ---- hand-offs ----------------------------------------------------------------------------

  /** Decorators that close what they wrap: the result of the call owns its argument. */
  private static final Matcher<ExpressionTree> WRAPPING_FACTORY =
      staticMethod()
          .onClass("java.nio.channels.Channels")
          .namedAnyOf("newInputStream", "newOutputStream", "newReader", "newWriter");

  /**
   * {@code SSLSocketFactory.createSocket(socket, host, port, autoClose)}: an SSL socket layered
   * over an open socket, which closes it (with {@code autoClose}, as code that hands it on sets).
   */
  private static final Matcher<ExpressionTree> SSL_LAYERED_SOCKET =
      instanceMethod()
          .onDescendantOf("javax.net.ssl.SSLSocketFactory")
          .named("createSocket")
          .withParameters("java.net.Socket", "java.lang.String", "int", "boolean");

  /** Calls that return their argument: the result is the same resource. */
  private static final Matcher<ExpressionTree> RETURNS_ARGUMENT =
      staticMethod()
          .onClassAny("java.util.Objects", "com.google.common.base.Preconditions")
          .namedAnyOf("requireNonNull", "checkNotNull");


  private static final Matcher<ExpressionTree> COLLECTION_STORE =
      instanceMethod()
          .onDescendantOfAny("java.util.Collection", "java.util.Map")
          .namedAnyOf(
              "add",
              "addAll",
              "addFirst",
              "addLast",
              "offer",
              "offerFirst",
              "offerLast",
              "push",
              "put",
              "putIfAbsent",
              "putAll",
              "set");

  private static final Matcher<ExpressionTree> CONTAINER_FACTORY =
      anyOf(
          staticMethod().onClassAny("java.util.List", "java.util.Set", "java.util.Map").namedAnyOf("of", "entry"),
          staticMethod().onClass("java.util.Arrays").named("asList"),
          staticMethod()
              .onClass("java.util.Collections")
              .namedAnyOf("singleton", "singletonList", "singletonMap"));

  /**
   * {@code Optional.of(in)}: the optional holds the resource, and what {@link #OPTIONAL_VALUE}
   * takes out of it is the resource again, so closing that closes it.
   */
  private static final Matcher<ExpressionTree> OPTIONAL_OF =
      staticMethod().onClass("java.util.Optional").namedAnyOf("of", "ofNullable");

  private static final Matcher<ExpressionTree> OPTIONAL_VALUE =
      instanceMethod()
          .onExactClass("java.util.Optional")
          .namedAnyOf("get", "orElseThrow", "orElse", "orElseGet");

  /** Questions an optional answers without handing its value to anyone. */
  private static final Matcher<ExpressionTree> OPTIONAL_QUERY =
      instanceMethod()
          .onExactClass("java.util.Optional")
          .namedAnyOf("isPresent", "isEmpty", "equals", "hashCode", "toString");

  /**
   * Instance methods that, by name, keep what they are given: setters, registrations,
   * assignments to a holder (httpcore5's {@code poolEntry.assignConnection(conn)}), and the
   * completion of a future or promise with its value (jetty's {@code promise.succeeded(channel)},
   * {@code CompletableFuture.complete(v)}), which hands the value to whoever waits for it.
   */
  private static final Matcher<ExpressionTree> STORING_METHOD =
      instanceMethod()
          .anyClass()
          .withNameMatching(
              Pattern.compile(
                  "(set|add|register|put|attach|bind|offer|push|assign)([A-Z].*)?"
                      + "|complete|succeeded|resolve"));

  private final LeakGuardOptions options;
  private final Matcher<ExpressionTree> configuredClosers;
  private final Matcher<ExpressionTree> configuredOwners;
  private final Matcher<ExpressionTree> configuredFactories;
  private final Matcher<ExpressionTree> configuredNotOwning;

  ResourceSpec(LeakGuardOptions options) {
    this.options = options;
    this.configuredClosers = anyOfMethods(options.resourceClosingMethods());
    this.configuredOwners = anyOfMethods(options.resourceOwningMethods());
    this.configuredFactories = anyOfMethods(options.resourceExtraFactories());
    this.configuredNotOwning = anyOfMethods(options.resourceNotOwningMethods());
  }

  /** Calls of the named methods, on their type or a subtype; matches nothing for none. */
  static Matcher<ExpressionTree> anyOfMethods(List<MethodName> methods) {
    ImmutableList.Builder<Matcher<ExpressionTree>> matchers = ImmutableList.builder();
    for (MethodName method : methods) {
      matchers.add(anyMethod().onDescendantOf(method.owner()).named(method.method()));
    }
    ImmutableList<Matcher<ExpressionTree>> list = matchers.build();
    return list.isEmpty() ? (t, s) -> false : anyOf(list);
  }

  LeakGuardOptions options() {
    return options;
  }

  /**
   * {@code socket.connect(address)}: "If the connection cannot be established, then the socket is
   * closed" (the JDK's socket implementation since 13, specified since 21). log4j SslSocketManager,
   * h2 CipherFactory: a socket whose only failing call is its connect leaks nothing. A pipe end's
   * connect fails only when one of the two ends is connected already, and leaves this end
   * unconnected, holding nothing.
   */
  private static final Matcher<ExpressionTree> CLOSES_ITSELF_WHEN_IT_FAILS =
      anyOf(
          instanceMethod().onDescendantOf("java.net.Socket").named("connect"),
          instanceMethod().onDescendantOfAny(PIPE_CLASSES).named("connect"));

  /**
   * The ends of a pipe, joined by a constructor given the other end or by {@code connect}. Closing
   * either ends the pipe for both: the reading end reads to the end of what was written, and the
   * writing end fails at its next write instead of waiting for a reader (hsqldb TarReader, a pipe
   * used as a buffer within one thread, closes only its writing end, in a {@code finally}).
   */
  private static final Matcher<ExpressionTree> JOINS_PIPE_ENDS =
      anyOf(
          instanceMethod().onDescendantOfAny(PIPE_CLASSES).named("connect"),
          (tree, state) ->
              tree instanceof NewClassTree
                  && ASTHelpers.getSymbol(tree) instanceof MethodSymbol constructor
                  && !constructor.getParameters().isEmpty()
                  && isAny(constructor.owner.type, PIPE_CLASSES, state)
                  && isAny(constructor.getParameters().get(0).type, PIPE_CLASSES, state));

  @Override
  public boolean joinsOperands(ExpressionTree callOrNew, VisitorState state) {
    return JOINS_PIPE_ENDS.matches(callOrNew, state);
  }

  @Override
  public boolean releasesReceiverWhenItFails(MethodInvocationTree call, VisitorState state) {
    return CLOSES_ITSELF_WHEN_IT_FAILS.matches(call, state);
  }

  @Override
  public boolean mayThrow(MethodInvocationTree call, VisitorState state) {
    // `file.getName()`, `config.isAppend()` between opening and handing off are not leak paths;
    // nor is a fluent setter that declares nothing (`new Scanner(f).useDelimiter(",")` in a
    // try-with-resources): it fails only on a bad argument, a bug of its own.
    return !ObligationSpec.isAccessor(call)
        && !isQuietLibraryCloser(call, state)
        && (NonThrowingCalls.declaresCheckedException(ASTHelpers.getSymbol(call), state)
            || !isFluentCallOnItself(call, state));
  }

  private static final Pattern QUIET_CLOSER_NAME =
      Pattern.compile("close(Quietly|Silently)?|closeAll(Quietly|Silently)?");

  /**
   * {@code IO.close(selector)} (jetty), {@code closeQuietly(in)}: a library's static {@code
   * close}/{@code closeQuietly} helper that takes a closeable and declares no checked exception.
   * A close declares {@code IOException}, so a helper that declares nothing catches it: swallowing
   * the close's failure is what it is for. Its body is not here to read (project helpers are read:
   * {@link dev.leakguard.flow.QuietMethods}).
   */
  private static boolean isQuietLibraryCloser(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null
        || !method.isStatic()
        || !QUIET_CLOSER_NAME.matcher(method.getSimpleName()).matches()
        || method.getReturnType().getKind() != TypeKind.VOID
        || NonThrowingCalls.declaresCheckedException(method, state)
        || OwnershipSummaries.of(state).declaration(method, state) != null) {
      return false;
    }
    Type closeable = state.getSymtab().autoCloseableType;
    for (VarSymbol parameter : method.getParameters()) {
      Type type = parameter.asType();
      if (type.getKind() == TypeKind.ARRAY) {
        type = state.getTypes().elemtype(type);
      }
      if (type != null && ASTHelpers.isSubtype(type, closeable, state)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code if (ch.isOpen()) ch.close();}: once it says false, nothing is owed; nor by an optional
   * that says it holds nothing ({@code if (stream.isPresent()) …}).
   */
  @Override
  public Operand heldTestOperand(MethodInvocationTree call, VisitorState state) {
    return IS_OPEN.matches(call, state) || OPTIONAL_IS_PRESENT.matches(call, state)
        ? Operand.RECEIVER
        : Operand.NONE;
  }

  /** {@code if (!socket.isClosed()) socket.close();}: once it says true, nothing is owed. */
  @Override
  public Operand releasedTestOperand(MethodInvocationTree call, VisitorState state) {
    return IS_CLOSED.matches(call, state) || OPTIONAL_IS_EMPTY.matches(call, state)
        ? Operand.RECEIVER
        : Operand.NONE;
  }

  private static final Matcher<ExpressionTree> OPTIONAL_IS_PRESENT =
      instanceMethod().onExactClass("java.util.Optional").named("isPresent");

  private static final Matcher<ExpressionTree> OPTIONAL_IS_EMPTY =
      instanceMethod().onExactClass("java.util.Optional").named("isEmpty");

  @Override
  public String leakVerb() {
    return "is not closed";
  }

  /**
   * {@code this.in = new FileInputStream(f); this.header = Header.read(in);}: when the read throws,
   * the stream is lost with the object that was being built.
   */
  @Override
  public boolean constructorOwnsStoredFieldsUntilItCompletes() {
    return true;
  }

  @Override
  public @Nullable Acquisition acquisitionAt(ExpressionTree expression, VisitorState state) {
    Symbol sym = ASTHelpers.getSymbol(expression);
    if (!(sym instanceof MethodSymbol method)) {
      return null;
    }
    Type type = ASTHelpers.getType(expression);
    if (type == null || type.isPrimitiveOrVoid()) {
      return null;
    }
    // Most calls' results are not closeable, and most of the model cannot own them (see opens);
    // nor can it own what most `new`s make (a builder, a collection, an exception).
    boolean closeable = isCloseable(type, state);
    if (!closeable && onlyAnnotationsOrOptionsCouldOwn(method, type, state)) {
      return null;
    }
    // Every in-memory type is AutoCloseable: skip the list for the rest.
    if (closeable && isAny(type, IN_MEMORY_TYPES, state)) {
      return null;
    }
    if (isAny(type, options.resourceIgnoredTypes(), state)) {
      return null;
    }
    Owned owned = opens(expression, method, type, closeable, state);
    if (owned == null || LockHandles.isHandle(type, state)) {
      return null; // a lock handle: closing it unlocks, UnreleasedLock reports it, once
    }
    return new Acquisition(
        // The JDK makes an unconnected socket's OS socket on its first use (Socket.getImpl); an
        // unconnected pipe end has no partner to keep waiting.
        owned.untilUsed()
                || UNCONNECTED_SOCKET.matches(expression, state)
                || UNCONNECTED_PIPE.matches(expression, state)
                || (expression instanceof NewClassTree && makesUnconnected(method, state, 0))
            ? Condition.WHEN_USED
            : Condition.ALWAYS,
        null,
        type.tsym.getSimpleName().toString(),
        mustCallMethods(method, type, state),
        owned.because());
  }

  /**
   * Whether {@code constructor}, of a class compiled here, only makes its way to an unconnected
   * socket's or pipe's constructor through {@code this(…)} and {@code super(…)}, setting plain
   * fields beside (jsch's {@code MyPipedInputStream(int size) { super(); buffer = new
   * byte[size]; }}): the object is as unconnected as the superclass makes it. A body that calls
   * anything else, or makes an object, may connect it.
   */
  private static boolean makesUnconnected(MethodSymbol constructor, VisitorState state, int depth) {
    if (depth > 4 || !constructor.isConstructor()) {
      return false;
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(constructor, state);
    if (declaration == null
        || !(declaration.getLeaf() instanceof MethodTree tree)
        || tree.getBody() == null
        || tree.getBody().getStatements().isEmpty()
        || !(tree.getBody().getStatements().get(0) instanceof ExpressionStatementTree first)
        || !(first.getExpression() instanceof MethodInvocationTree delegation)) {
      return false;
    }
    boolean[] callsOrMakes = {false};
    TreeScanner<Void, Void> scanner =
        new TreeScanner<>() {
          @Override
          public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
            callsOrMakes[0] = true;
            return null;
          }

          @Override
          public Void visitNewClass(NewClassTree creation, Void unused) {
            callsOrMakes[0] = true;
            return null;
          }
        };
    delegation.getArguments().forEach(argument -> scanner.scan(argument, null));
    tree.getBody().getStatements().stream().skip(1).forEach(statement -> scanner.scan(statement, null));
    if (callsOrMakes[0]) {
      return false;
    }
    if (UNCONNECTED_SOCKET.matches(delegation, state) || UNCONNECTED_PIPE.matches(delegation, state)) {
      return true;
    }
    MethodSymbol next = ASTHelpers.getSymbol(delegation);
    return next != null && !next.equals(constructor) && makesUnconnected(next, state, depth + 1);
  }

  /**
   * {@code socket.connect(address)}, {@code server.bind(address)}: the socket they are called on
   * holds an OS socket from then on, even one a method declared to return {@code @MustCall({})}
   * (ZooKeeper's {@code createSocket()}, an unconnected socket the caller connects).
   */
  private static final Matcher<ExpressionTree> CONNECTS_SOCKET =
      instanceMethod()
          .onDescendantOfAny("java.net.Socket", "java.net.ServerSocket")
          .namedAnyOf("connect", "bind");

  /** A failing connect closes the socket ({@link #CLOSES_ITSELF_WHEN_IT_FAILS}). */
  private static final Creation CONNECTS =
      new Creation(ImmutableList.of(Operand.RECEIVER), "opens its socket", false);

  /** A failing bind leaves open the OS socket it made first. */
  private static final Creation BINDS =
      new Creation(ImmutableList.of(Operand.RECEIVER), "opens its socket", true);

  /**
   * What a call gives an obligation: its receiver when it connects or binds a socket; the operands
   * a {@code @CreatesMustCallFor} names (own or inherited), {@code "this"} and {@code "#n"}.
   */
  @Override
  public boolean hasCreations() {
    return true;
  }

  @Override
  public @Nullable Creation creationBy(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null || (method.isStatic() && method.getParameters().isEmpty())) {
      return null;
    }
    String name = method.getSimpleName().toString();
    if ((name.equals("connect") || name.equals("bind")) && CONNECTS_SOCKET.matches(call, state)) {
      return name.equals("bind") ? BINDS : CONNECTS;
    }
    ImmutableList<String> targets = MustCallContract.createdFor(method, state);
    if (targets.isEmpty()) {
      return null;
    }
    ImmutableList.Builder<Operand> operands = ImmutableList.builder();
    for (String target : targets) {
      if (target.equals("this")) {
        operands.add(Operand.RECEIVER);
      } else if (target.matches("#[1-9][0-9]*")) {
        operands.add(Operand.argument(Integer.parseInt(target.substring(1)) - 1));
      }
    }
    ImmutableList<Operand> built = operands.build();
    return built.isEmpty() ? null : new Creation(built, "gives it a new obligation", false);
  }

  /**
   * A call or {@code new} declared to make a value that owes nothing yet ({@code @MustCall({})}
   * on its result, or on the constructor) of a type that owes something once a call gives it an
   * obligation: its class's must-call methods, or {@code close()} for a closeable.
   */
  @Override
  public @Nullable Acquisition dormantAt(ExpressionTree expression, VisitorState state) {
    if (!(ASTHelpers.getSymbol(expression) instanceof MethodSymbol method)) {
      return null;
    }
    ImmutableSet<String> onResult = MustCallContract.mustCallOfResult(method);
    Type type = ASTHelpers.getType(expression);
    if (onResult == null || !onResult.isEmpty() || type == null || type.isPrimitiveOrVoid()) {
      return null;
    }
    ImmutableSet<String> owed = MustCallContract.mustCallOf(type.tsym.type, state);
    if (owed == null) {
      if (!isCloseable(type, state) || isAny(type, IN_MEMORY_TYPES, state)) {
        return null;
      }
      owed = ImmutableSet.of();
    } else if (owed.isEmpty()) {
      return null;
    } else if (owed.equals(ImmutableSet.of(MustCallContract.CLOSE))) {
      owed = ImmutableSet.of();
    }
    return new Acquisition(
        Condition.WHEN_CREATED, null, type.tsym.getSimpleName().toString(), owed);
  }

  /**
   * Whether a call on an unconnected socket makes its OS socket: every call but its close and the
   * ones that answer from its state without one (the JDK's address and port getters test {@code
   * isBound()}/{@code isConnected()} first).
   */
  @Override
  public boolean usesDormant(MethodInvocationTree call, VisitorState state) {
    // A method of a project subclass whose body cannot fail (it only sets its own fields: ant's
    // LeadPipeInputStream.setManagingComponent) reaches no JDK method that would make or connect
    // anything.
    return !NOT_A_USE.contains(ASTHelpers.getSymbol(call).getSimpleName().toString())
        && !QuietMethods.of(state).isQuietCall(call, state);
  }

  private static final ImmutableSet<String> NOT_A_USE =
      ImmutableSet.of(
          "close",
          "isClosed",
          "isConnected",
          "isBound",
          "isInputShutdown",
          "isOutputShutdown",
          "getInetAddress",
          "getPort",
          "getLocalPort",
          "getLocalAddress",
          "getRemoteSocketAddress",
          "getLocalSocketAddress",
          "getChannel",
          "toString",
          "hashCode",
          "equals",
          "getClass");

  /**
   * The methods that must all be called on what {@code method} returns or constructs, when the
   * must-call contract names others than {@code close()}; empty for an ordinary resource, which
   * any close releases.
   */
  private static ImmutableSet<String> mustCallMethods(MethodSymbol method, Type type, VisitorState state) {
    ImmutableSet<String> owed = MustCallContract.owedBy(method, type, false, state);
    if (owed == null) {
      // `Deflater.end()`. JDK 25 made it AutoCloseable, and its close() counts as end() (see
      // releasedMethods); but closing a DeflaterOutputStream given one does not end it, on any JDK.
      String own = LibraryResourceModel.ownReleaseMethod(type, state);
      return own == null ? ImmutableSet.of() : ImmutableSet.of(own);
    }
    return owed == null || owed.equals(ImmutableSet.of(MustCallContract.CLOSE)) ? ImmutableSet.of() : owed;
  }

  /** An {@code @Owning} parameter is the method's to release, as if it had opened it. */
  @Override
  public @Nullable Acquisition parameterAcquisition(VarSymbol parameter, VisitorState state) {
    ImmutableSet<String> owed = MustCallContract.owedByParameter(parameter, state);
    if (owed == null
        || isAny(parameter.asType(), IN_MEMORY_TYPES, state)
        || isAny(parameter.asType(), options.resourceIgnoredTypes(), state)) {
      return null;
    }
    return new Acquisition(
        Condition.ALWAYS,
        null,
        parameter.asType().tsym.getSimpleName().toString(),
        owed.equals(ImmutableSet.of(MustCallContract.CLOSE)) ? ImmutableSet.of() : owed);
  }

  /** A {@code @NotOwning} method's result stays its own: returning a resource hands nothing over. */
  @Override
  public boolean returnHandsOff(MethodSymbol method, VisitorState state) {
    return !MustCallContract.isNotOwning(method);
  }

  /**
   * Why the value an acquisition makes is this code's to close: null for a constructor or a call
   * whose name says it (a known factory), else the words the diagnostic adds; and whether it owes
   * nothing until used: a project factory that returns an unconnected socket ({@code
   * createSocket() { return new Socket(); }}) makes what the constructor makes.
   */
  private record Owned(@Nullable String because, boolean untilUsed) {
    static final Owned PLAINLY = new Owned(null);

    Owned(@Nullable String because) {
      this(because, false);
    }

    static @Nullable Owned when(boolean owned) {
      return owned ? PLAINLY : null;
    }
  }

  /**
   * JDBC closes a statement with the connection it was made from; {@code
   * HttpURLConnection.disconnect()} closes the connection's streams.
   */
  @Override
  public @Nullable ExpressionTree closedWith(ExpressionTree acquisition, VisitorState state) {
    return STATEMENT_FACTORY.matches(acquisition, state)
            || LibraryResourceModel.URL_CONNECTION_STREAM.matches(acquisition, state)
        ? ASTHelpers.getReceiver(acquisition)
        : null;
  }

  /**
   * Whether a resource that {@code creation} opens into a field is the class's to close. Not a JDBC
   * statement or result set (closed with the connection or statement it came from), nor an {@code
   * HttpClient} (one shared client per application is how it is meant to be used), nor an
   * unconnected socket or unbound server socket ({@link #UNCONNECTED_SOCKET}), which hold no
   * operating system socket until they are connected or bound.
   */
  boolean mustBeClosedWhenKeptInAField(ExpressionTree creation, VisitorState state) {
    return closedWith(creation, state) == null
        && !RESULT_SET_FACTORY.matches(creation, state)
        && !HTTP_CLIENT_FACTORY.matches(creation, state)
        && !UNCONNECTED_SOCKET.matches(creation, state);
  }

  /**
   * A socket made without an address: {@code new Socket()}, {@code new Socket(proxy)} ("creates an
   * unconnected socket", its Javadoc), {@code new ServerSocket()}, and their factories'
   * argument-less {@code createSocket()} and {@code createServerSocket()}, whose sockets are
   * unconnected and unbound alike.
   */
  private static final Matcher<ExpressionTree> UNCONNECTED_SOCKET =
      anyOf(
          constructor().forClass("java.net.Socket").withNoParameters(),
          constructor().forClass("java.net.Socket").withParameters("java.net.Proxy"),
          constructor().forClass("java.net.ServerSocket").withNoParameters(),
          instanceMethod()
              .onDescendantOf("javax.net.SocketFactory")
              .named("createSocket")
              .withNoParameters(),
          instanceMethod()
              .onDescendantOf("javax.net.ServerSocketFactory")
              .named("createServerSocket")
              .withNoParameters());

  /**
   * A pipe end made without its partner ({@code new PipedWriter()}, {@code new
   * PipedInputStream(size)}): nothing waits on it until it is connected, or used.
   */
  private static final Matcher<ExpressionTree> UNCONNECTED_PIPE =
      anyOf(
          PIPE_CLASSES.stream()
              .flatMap(
                  pipe ->
                      Stream.of(
                          constructor().forClass(pipe).withNoParameters(),
                          constructor().forClass(pipe).withParameters("int")))
              .collect(ImmutableList.toImmutableList()));

  /**
   * Whether the caller owns the value {@code expression} makes, and why; null when it does not.
   * For calls, in order: annotations and options; the JDK's factories; the body of a method whose
   * source is in the compilation ({@link OwnershipSummaries}); the library model ({@link
   * LibraryResourceModel}); finally the {@code ExtraTypes} and must-call contract types.
   */
  private @Nullable Owned opens(
      ExpressionTree expression, MethodSymbol method, Type type, boolean closeable, VisitorState state) {
    if (ASTHelpers.hasAnnotation(method, MUST_BE_CLOSED, state)
        || (expression instanceof MethodInvocationTree && configuredFactories.matches(expression, state))) {
      return Owned.PLAINLY;
    }
    if (hasAnnotationNamed(method.getAnnotationMirrors(), NOT_OWNING)
        || (expression instanceof MethodInvocationTree
            && (configuredNotOwning.matches(expression, state)
                || LibraryResourceModel.NOT_OWNED_DESPITE_NAME.matches(expression, state)))) {
      return null;
    }
    // The must-call contract, where the code states it: the method's own annotations, then, for a
    // constructor, its class's (`@MustCall({"close"}) class PrependableSocket extends Socket`).
    if (MustCallContract.aliasesAnyParameter(method)) {
      return null; // @MustCallAlias: the result is its argument's obligation, not a new one
    }
    ImmutableSet<String> owed =
        MustCallContract.owedBy(method, type, !(expression instanceof NewClassTree), state);
    if (owed != null) {
      return owed.isEmpty() ? null : Owned.PLAINLY; // @MustCall({}) on the method: nothing owed
    }
    if (expression instanceof NewClassTree) {
      // Every class the model names here is AutoCloseable, so a class that is not cannot be one
      // of them: only the ExtraTypes option and the contract (above) can own it.
      if (!closeable) {
        return Owned.when(
            isAny(type, options.resourceExtraTypes(), state)
                || LibraryResourceModel.ownReleaseMethod(type, state) != null);
      }
      if (isAny(type, OS_RESOURCE_CLASSES, state)) {
        // Built around a descriptor or socket implementation that someone else opened (or, as
        // `new Socket((SocketImpl) null)` before ServerSocket.implAccept, none at all).
        return Owned.when(
            !firstParameterIs(method, "java.io.FileDescriptor", state)
                && !firstParameterIs(method, "java.net.SocketImpl", state));
      }
      if (isAny(type, FILE_OPENING_WHEN_NAMED, state)) {
        return Owned.when(
            firstParameterIsAny(method, state, "java.lang.String", "java.io.File", "java.nio.file.Path"));
      }
      if (isAny(type, PIPE_CLASSES, state)) {
        return Owned.PLAINLY;
      }
      if (isAny(type, ImmutableList.of(SCANNER), state)) {
        return Owned.when(firstParameterIsAny(method, state, "java.io.File", "java.nio.file.Path"));
      }
      return Owned.when(
          isAny(type, LibraryResourceModel.NATIVE_HANDLE_CLASSES, state)
              || isAny(type, options.resourceExtraTypes(), state)
              || LibraryResourceModel.ownReleaseMethod(type, state) != null);
    }
    if (!closeable && LibraryResourceModel.TYPED_ARRAY_FACTORY.matches(expression, state)) {
      return Owned.PLAINLY;
    }
    if (closeable && NEW_FILE_SYSTEM.matches(expression, state)) { // returns a FileSystem
      // A file system made from a URI is registered with its provider and stays reachable
      // through FileSystems.getFileSystem(uri) and Path.of(uri): creating one and dropping the
      // handle, so that Path.of(uri) works, leaks nothing. One made from a Path is not registered.
      return Owned.when(firstParameterIsAny(method, state, "java.nio.file.Path"));
    }
    // Every method the two models below name returns an AutoCloseable (a stream, channel,
    // connection, statement, socket or result set): asked of every call, they can only match a
    // closeable result.
    if (closeable && LibraryResourceModel.ALWAYS_OWNED.matches(expression, state)) {
      return Owned.PLAINLY;
    }
    if (closeable && RESULT_SET_FACTORY.matches(expression, state)) {
      // A result set of this statement itself (super.executeQuery() in a Statement subclass) is
      // this object's to close, on its next execute or its own close(). One of a field statement
      // that the class closes somewhere (hsqldb TransferDb: before its next execute, and on
      // commit and close) closes with it: JDBC closes a result set with its statement.
      ExpressionTree statement = ASTHelpers.getReceiver(expression);
      Symbol statementSym = statement == null ? null : ASTHelpers.getSymbol(statement);
      return Owned.when(
          statementSym instanceof VarSymbol field
              && field.getKind() == ElementKind.FIELD
              && !field.getSimpleName().contentEquals("this")
              && !field.getSimpleName().contentEquals("super")
              && (state.getPath() == null
                  || !OwnershipSummaries.of(state)
                      .releasedInUnit(field, state.getPath(), this, state)));
    }
    if (HTTP_CLIENT_FACTORY.matches(expression, state)) {
      return Owned.when(closeable);
    }
    if (expression instanceof MethodInvocationTree call && closeable) {
      String documented = LibraryResourceModel.ownedDespiteName(call, type, state);
      if (documented != null && !OwnershipSummaries.of(state).returnsAFieldOnly(method, state)) {
        return new Owned(documented);
      }
      // Read the callee's body where the compilation has it; guess from the model where not.
      ReturnSummary summary = OwnershipSummaries.of(state).returnSummary(method, this, state);
      switch (summary.returns()) {
        case OWNED -> {
          return new Owned(
              "`" + LibraryResourceModel.callText(call) + "` returns " + summary.fresh(),
              summary.untilUsed());
        }
        case NOT_OWNED -> {
          return null;
        }
        case NO_SOURCE -> {
          String because = LibraryResourceModel.ownedBecause(call, method, type, state);
          if (because != null) {
            return new Owned(because);
          }
        }
      }
    }
    // Owned only by the ExtraTypes option or the contract, and then not from a getter or a fluent
    // call on itself: the cheap tests first.
    return Owned.when(
        (isAny(type, options.resourceExtraTypes(), state) || owesByContract(method, type, state))
            && !isGetter(method)
            && (method.isStatic() || !returnsItsReceiver(expression, type, state)));
  }

  private static boolean isCloseable(Type type, VisitorState state) {
    return TypeNames.isSubtype(type, "java.lang.AutoCloseable", state);
  }

  /**
   * Whether nothing could make a call of {@code method} returning a type that is not closeable
   * an acquisition: no annotation on the method or its return type, no option naming a factory or
   * a type, and a result type that owes nothing by contract or by the library model. The test
   * {@link #opens} would end with, asked of nearly every call, made cheap: it allocates nothing
   * and reads only what javac and the per-compilation caches already hold. For a constructor
   * ({@code method} of a {@code new} of a class that is not closeable), the same answers: {@link
   * #opens} owns such an object only by an annotation, the contract, the ExtraTypes option or a
   * release method of its own.
   */
  private boolean onlyAnnotationsOrOptionsCouldOwn(
      MethodSymbol method, Type type, VisitorState state) {
    return method.getRawAttributes().isEmpty()
        && method.getRawTypeAttributes().isEmpty()
        && method.getReturnType().getAnnotationMirrors().isEmpty()
        && options.resourceExtraFactories().isEmpty()
        && options.resourceExtraTypes().isEmpty()
        && MustCallContract.mustCallOf(type, state) == null
        && MustCallContract.mustCallOf(type.tsym.type, state) == null
        && MustCallContract.mustCallOf(method.getReturnType(), state) == null
        && LibraryResourceModel.ownReleaseMethod(type, state) == null;
  }

  /** The result's type, or the method's return type, has must-call methods by its annotations. */
  private static boolean owesByContract(MethodSymbol method, Type type, VisitorState state) {
    // The result's class, not its use-site annotations: `map.get(k)` of a `Map<K, @MustCall("a")
    // V>` reads a value the map still holds.
    ImmutableSet<String> owed = MustCallContract.owedBy(method, type.tsym.type, false, state);
    if (owed == null) {
      owed = MustCallContract.owedBy(method, method.getReturnType(), false, state);
    }
    return owed != null && !owed.isEmpty();
  }

  /** {@code getFoo()}, {@code isFoo()}: what a getter returns is owned by its receiver. */
  private static boolean isGetter(MethodSymbol method) {
    String name = method.getSimpleName().toString();
    return (name.startsWith("get") && name.length() > 3 && Character.isUpperCase(name.charAt(3)))
        || (name.startsWith("is") && name.length() > 2 && Character.isUpperCase(name.charAt(2)));
  }

  /** A fluent call on a resource ({@code channel.position(0)}) returns the same resource. */
  private static boolean returnsItsReceiver(ExpressionTree expression, Type type, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(expression);
    if (receiver == null) {
      return false;
    }
    Type receiverType = ASTHelpers.getType(receiver);
    return receiverType != null && ASTHelpers.isSubtype(receiverType, type, state);
  }

  private static boolean hasAnnotationNamed(List<? extends AnnotationMirror> annotations, String name) {
    for (AnnotationMirror annotation : annotations) {
      if (annotation.getAnnotationType().toString().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean firstParameterIs(MethodSymbol method, String typeName, VisitorState state) {
    return firstParameterIsAny(method, state, typeName);
  }

  private static boolean firstParameterIsAny(MethodSymbol method, VisitorState state, String... typeNames) {
    if (method.getParameters().isEmpty()) {
      return false;
    }
    Type first = method.getParameters().get(0).asType();
    for (String name : typeNames) {
      Type t = state.getTypeFromString(name);
      if (t != null && ASTHelpers.isSameType(first, t, state)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code type} is a subtype of one of the named types that resolve here. */
  private static boolean isAny(Type type, List<String> names, VisitorState state) {
    for (String name : names) {
      if (TypeNames.isSubtype(type, name, state)) {
        return true;
      }
    }
    return false;
  }

  // ---- releases -----------------------------------------------------------------------------

  @Override
  public Operand releasedOperand(MethodInvocationTree call, VisitorState state) {
    if (CLOSE.matches(call, state)
        || CLOSE_OVERLOAD.matches(call, state)
        || HTTP_CLIENT_SHUTDOWN.matches(call, state)
        || LibraryResourceModel.CONSUMES_AND_CLOSES.matches(call, state)) {
      return ASTHelpers.getReceiver(call) == null ? Operand.NONE : Operand.RECEIVER;
    }
    if (KNOWN_CLOSER.matches(call, state)
        || LibraryResourceModel.closesFirstArgument(call, state)) {
      return call.getArguments().isEmpty() ? Operand.NONE : Operand.argument(0);
    }
    if (configuredClosers.matches(call, state)) {
      if (!call.getArguments().isEmpty()) {
        return Operand.argument(0);
      }
      return ASTHelpers.getReceiver(call) == null ? Operand.NONE : Operand.RECEIVER;
    }
    MustCallContract.Release byContract = MustCallContract.releaseBy(call, state);
    if (byContract != null) {
      return byContract.operand();
    }
    if (ownReleaseCall(call, state) != null) {
      return Operand.RECEIVER;
    }
    Symbol sym = ASTHelpers.getSymbol(call);
    int named = namedCloserArgument(call, state);
    if (named >= 0) {
      return Operand.argument(named);
    }
    if (sym instanceof MethodSymbol method) {
      int closed = closedParameter(method, state);
      if (closed >= 0 && closed < call.getArguments().size()) {
        return Operand.argument(closed);
      }
      if (ASTHelpers.getReceiver(call) != null && closesItself(method, state)) {
        return Operand.RECEIVER;
      }
    }
    return Operand.NONE;
  }

  /**
   * Whether {@code call} releases argument {@code index} and does nothing else with it, so that
   * calling it on a resource that is closed already does nothing: a library's closer, or a method
   * whose body only tests that parameter for null and closes it (zookeeper's {@code
   * closeSocket(client)}; not its {@code fastCloseSock(sc)}, which first sets the socket's linger,
   * and logs when the socket is closed).
   */
  public boolean onlyCloses(MethodInvocationTree call, int index, VisitorState state) {
    if (!releasedOperand(call, state).equals(Operand.argument(index))) {
      return false;
    }
    MethodSymbol method = ASTHelpers.getSymbol(call);
    TreePath declaration =
        method == null ? null : OwnershipSummaries.of(state).declaration(method, state);
    if (declaration == null) {
      return method != null && !Subclasses.isFromSource(method.enclClass());
    }
    if (!(declaration.getLeaf() instanceof MethodTree tree)
        || tree.getBody() == null
        || index >= tree.getParameters().size()
        || method.isVarArgs()) {
      return false;
    }
    return Mentions.everyUse(
        new TreePath(declaration, tree.getBody()),
        ASTHelpers.getSymbol(tree.getParameters().get(index)),
        use -> Mentions.isComparedToNull(use) || closes(use, state));
  }

  /** {@code p.close()}, {@code closeQuietly(p)}. */
  private static boolean closes(TreePath use, VisitorState state) {
    Tree parent = use.getParentPath().getLeaf();
    if (parent instanceof MemberSelectTree select) {
      return use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree close
          && close.getMethodSelect() == select
          && CLOSE.matches(close, state);
    }
    return parent instanceof MethodInvocationTree closer
        && closer.getArguments().contains(use.getLeaf())
        && KNOWN_CLOSER.matches(closer, state);
  }

  /**
   * A method of the resource's own class, with source in this compilation, that closes the object
   * before anything that can throw: commons-compress {@code AbstractStreamBridge.stop()} starts
   * with {@code close();}, so {@code bridge.stop()} releases {@code bridge}.
   */
  private static boolean closesItself(MethodSymbol method, VisitorState state) {
    if (method.isStatic() || method.isConstructor() || MustCallContract.CLOSE.equals(method.getSimpleName().toString())) {
      return false;
    }
    TreePath declaration = OwnershipSummaries.of(state).declaration(method, state);
    return declaration != null
        && declaration.getLeaf() instanceof MethodTree tree
        && closesInSequence(tree.getBody().getStatements(), ResourceSpec::isThis, state);
  }

  /** {@code close()} or {@code this.close()}: a call on the object itself. */
  private static boolean isThis(@Nullable ExpressionTree receiver) {
    return receiver == null
        || (stripParens(receiver) instanceof IdentifierTree identifier
            && identifier.getName().contentEquals("this"));
  }

  /**
   * What a release calls, for obligations that must have several methods called: the contract's
   * methods ({@code foo.a()}, {@code @EnsuresCalledMethods}); any other release closes.
   */
  @Override
  public ImmutableSet<String> releasedMethods(MethodInvocationTree call, VisitorState state) {
    if (CLOSE.matches(call, state)) {
      // `deflater.close()` (JDK 25 on) calls end().
      ExpressionTree receiver = ASTHelpers.getReceiver(call);
      String own =
          receiver == null
              ? null
              : LibraryResourceModel.ownReleaseMethod(ASTHelpers.getType(receiver), state);
      return ImmutableSet.of(own != null ? own : MustCallContract.CLOSE);
    }
    MustCallContract.Release byContract = MustCallContract.releaseBy(call, state);
    if (byContract != null) {
      return byContract.methods();
    }
    String own = ownReleaseCall(call, state);
    return ImmutableSet.of(own != null ? own : MustCallContract.CLOSE);
  }

  /**
   * {@code deflater.end()}, {@code typedArray.recycle()}: the method {@link LibraryResourceModel}
   * names as releasing its receiver's class, or null for any other call.
   */
  private static @Nullable String ownReleaseCall(MethodInvocationTree call, VisitorState state) {
    if (!call.getArguments().isEmpty()) {
      return null;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    String own =
        receiver == null
            ? null
            : LibraryResourceModel.ownReleaseMethod(ASTHelpers.getType(receiver), state);
    MethodSymbol method = ASTHelpers.getSymbol(call);
    return own != null && method != null && method.getSimpleName().contentEquals(own) ? own : null;
  }

  /**
   * A project's own closer, by its name and signature: {@code Closer.closeSilently(raf)}, {@code
   * IO.close(fileSystem)}, {@code fastCloseSock(sc)}. A method whose name says it closes and that
   * takes a closeable argument closes that argument; returns its index, or -1.
   */
  private static int namedCloserArgument(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    String name = method.getSimpleName().toString();
    if (!CLOSER_NAME.matcher(name).matches()) {
      return -1;
    }
    // A helper in this file must also be seen to close the parameter (zookeeper fastCloseSock:
    // set the linger, then NIOServerCnxn.closeSock(sc)).
    MethodTree declaration = declarationInThisUnit(method, state);
    if (!(method.getReturnType().getKind() == TypeKind.VOID
        || method.getReturnType().getKind() == TypeKind.BOOLEAN)) {
      // A reader that closes what it reads (h2 IOUtils.readBytesAndClose(in, 0)) returns what it
      // read: trusted only where its body, anywhere in the compilation, is seen to close.
      TreePath elsewhere = OwnershipSummaries.of(state).declaration(method, state);
      if (elsewhere == null) {
        return -1;
      }
      declaration = (MethodTree) elsewhere.getLeaf();
    }
    Type closeable = state.getSymtab().autoCloseableType;
    for (int i = 0; i < call.getArguments().size(); i++) {
      Type argument = ASTHelpers.getType(call.getArguments().get(i));
      if (argument != null
          && ASTHelpers.isSubtype(argument, closeable, state)
          && (declaration == null
              || (i < method.getParameters().size()
                  && closesUnconditionally(declaration, method.getParameters().get(i), state)))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether the body closes the parameter whenever it runs to its end: {@code p.close()} or a
   * closer given {@code p}, under no condition but {@code p != null}, and not in a loop or a
   * {@code catch}. What runs before it may throw; a closer's name makes that its author's call.
   */
  private static boolean closesUnconditionally(
      MethodTree declaration, VarSymbol parameter, VisitorState state) {
    boolean[] closes = {false};
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        // Conditional or repeated code: a close there is not a close on every run.
        return tree != null && CONDITIONAL_OR_REPEATED.contains(tree.getKind())
            ? null
            : super.scan(tree, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (CLOSE.matches(node, state)) {
          closes[0] |= refersTo(ASTHelpers.getReceiver(node), parameter);
        } else if (KNOWN_CLOSER.matches(node, state)
            || CLOSER_NAME.matcher(ASTHelpers.getSymbol(node).getSimpleName().toString()).matches()) {
          for (ExpressionTree argument : node.getArguments()) {
            closes[0] |= refersTo(argument, parameter);
          }
        }
        return super.visitMethodInvocation(node, null);
      }

      @Override
      public Void visitIf(IfTree node, Void unused) {
        return isNonNullTest(node.getCondition(), tree -> refersTo(tree, parameter))
                && node.getElseStatement() == null
            ? scan(node.getThenStatement(), null)
            : null;
      }

      @Override
      public Void visitTry(TryTree node, Void unused) {
        scan(node.getBlock(), null);
        return scan(node.getFinallyBlock(), null);
      }
    }.scan(declaration.getBody(), null);
    return closes[0];
  }

  /** The declaration of {@code method} when it has a body in the file being compiled, else null. */
  private static @Nullable MethodTree declarationInThisUnit(MethodSymbol method, VisitorState state) {
    if (state.getPath() == null) {
      return null;
    }
    // Cached per compilation: asked for every call while a resource is open.
    TreePath declaration = OwnershipSummaries.of(state).declaration(method, state);
    return declaration != null
            && declaration.getCompilationUnit() == state.getPath().getCompilationUnit()
            && declaration.getLeaf() instanceof MethodTree tree
            && tree.getBody() != null
        ? tree
        : null;
  }

  private static final ImmutableSet<Tree.Kind> CONDITIONAL_OR_REPEATED =
      Sets.immutableEnumSet(
          Tree.Kind.CONDITIONAL_EXPRESSION,
          Tree.Kind.SWITCH,
          Tree.Kind.SWITCH_EXPRESSION,
          Tree.Kind.FOR_LOOP,
          Tree.Kind.ENHANCED_FOR_LOOP,
          Tree.Kind.WHILE_LOOP,
          Tree.Kind.DO_WHILE_LOOP);

  private static final Pattern CLOSER_NAME =
      Pattern.compile("(?!is|has)((close|release|dispose|destroy)\\w*|\\w*(Close|Closing)\\w*)");

  /**
   * The parameter that a private or static method of this compilation unit closes on every path,
   * or -1. Deliberately narrow: the body must be a sequence of close statements ({@code p.close()},
   * optionally under {@code if (p != null)} and inside a {@code try} that catches), and every
   * statement before {@code p}'s must be one that cannot throw.
   */
  private static int closedParameter(MethodSymbol method, VisitorState state) {
    if (!method.getModifiers().contains(Modifier.PRIVATE)
        && !method.getModifiers().contains(Modifier.STATIC)) {
      return -1;
    }
    if (method.getParameters().isEmpty() || state.getPath() == null) {
      return -1;
    }
    MethodTree tree = declarationInThisUnit(method, state);
    if (tree == null) {
      return -1;
    }
    List<? extends StatementTree> body = tree.getBody().getStatements();
    for (int i = 0; i < method.getParameters().size(); i++) {
      VarSymbol parameter = method.getParameters().get(i);
      if (isAssigned(tree, parameter)) {
        continue;
      }
      if (closesInSequence(body, expression -> refersTo(expression, parameter), state)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean holdsBorrowed(NewClassTree creation, int index, VisitorState state) {
    if (LibraryResourceModel.HOLDING_BORROWER.matches(creation, state)) {
      return true;
    }
    Type constructed = ASTHelpers.getType(creation);
    MethodSymbol constructor = ASTHelpers.getSymbol(creation);
    return creation.getClassBody() == null
        && constructor != null
        && constructed != null
        && !isAny(constructed, ImmutableList.of("java.lang.AutoCloseable"), state)
        && OwnershipSummaries.of(state).holdsWithoutRelease(constructor, index, this, state);
  }

  @Override
  public Operand releasedOnNormalExit(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null
        || (!method.getModifiers().contains(Modifier.PRIVATE)
            && !method.getModifiers().contains(Modifier.STATIC))
        || method.getParameters().isEmpty()) {
      return Operand.NONE;
    }
    MethodTree tree = declarationInThisUnit(method, state);
    if (tree == null || tree.getBody() == null) {
      return Operand.NONE;
    }
    List<? extends StatementTree> body = tree.getBody().getStatements();
    if (body.isEmpty()) {
      return Operand.NONE;
    }
    StatementTree last = body.get(body.size() - 1);
    List<StatementTree> beforeReturns = statementsBeforeReturns(tree.getBody());
    for (int i = 0; i < method.getParameters().size() && i < call.getArguments().size(); i++) {
      VarSymbol parameter = method.getParameters().get(i);
      Closed closed = expression -> refersTo(expression, parameter);
      // Every way out but a throw closes it just before: the end of the body, and each `return`
      // (ant jlink's `calcChecksum(in)`: `in.close(); return crc.getValue();`).
      if (!isAssigned(tree, parameter)
          && (last instanceof ReturnTree || closes(last, closed, state))
          && beforeReturns.stream()
              .allMatch(before -> before != null && closes(before, closed, state))) {
        return Operand.argument(i);
      }
    }
    return Operand.NONE;
  }

  /**
   * For each {@code return} of {@code body} (outside lambdas and local classes), the statement
   * just before it in its block; null for a {@code return} that is not in a block or starts it.
   */
  private static List<StatementTree> statementsBeforeReturns(BlockTree body) {
    List<StatementTree> before = new ArrayList<>();
    Set<Tree> inBlocks = Collections.newSetFromMap(new IdentityHashMap<>());
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitBlock(BlockTree block, Void unused) {
        List<? extends StatementTree> statements = block.getStatements();
        for (int i = 0; i < statements.size(); i++) {
          if (statements.get(i) instanceof ReturnTree returned) {
            inBlocks.add(returned);
            before.add(i > 0 ? statements.get(i - 1) : null);
          }
        }
        return super.visitBlock(block, null);
      }

      @Override
      public Void visitReturn(ReturnTree node, Void unused) {
        if (!inBlocks.contains(node)) {
          before.add(null); // `if (x) return;`: no statement of its own before it
        }
        return null;
      }
    }.scan(body, null);
    return before;
  }

  private static boolean isAssigned(MethodTree tree, VarSymbol parameter) {
    boolean[] assigned = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitAssignment(com.sun.source.tree.AssignmentTree node, Void unused) {
        if (ASTHelpers.getSymbol(node.getVariable()) == parameter) {
          assigned[0] = true;
        }
        return super.visitAssignment(node, null);
      }
    }.scan(tree.getBody(), null);
    return assigned[0];
  }

  /**
   * Whether {@code statements} close {@code target} (a parameter, or the object itself) before
   * anything that can throw runs.
   */
  private static boolean closesInSequence(
      List<? extends StatementTree> statements, Closed target, VisitorState state) {
    for (StatementTree statement : statements) {
      if (closes(statement, target, state)) {
        return true;
      }
      if (!cannotThrow(statement, state)) {
        return false;
      }
    }
    return false;
  }

  /** What a closing statement must name: a parameter, or {@code this} (a null receiver). */
  private interface Closed {
    boolean isNamedBy(@Nullable ExpressionTree tree);
  }

  private static boolean closes(StatementTree statement, Closed target, VisitorState state) {
    if (statement instanceof BlockTree block) {
      return closesInSequence(block.getStatements(), target, state);
    }
    if (statement instanceof ExpressionStatementTree expression
        && expression.getExpression() instanceof MethodInvocationTree call) {
      if (CLOSE.matches(call, state)) {
        return target.isNamedBy(ASTHelpers.getReceiver(call));
      }
      if (KNOWN_CLOSER.matches(call, state) && !call.getArguments().isEmpty()) {
        return target.isNamedBy(call.getArguments().get(0));
      }
      return false;
    }
    if (statement instanceof IfTree ifTree) {
      return ifTree.getElseStatement() == null
          && isNonNullTest(ifTree.getCondition(), target)
          && closes(ifTree.getThenStatement(), target, state);
    }
    if (statement instanceof TryTree tryTree && tryTree.getResources().isEmpty()) {
      return closes(tryTree.getBlock(), target, state)
          || (tryTree.getFinallyBlock() != null && closes(tryTree.getFinallyBlock(), target, state));
    }
    return false;
  }

  /** A statement that completes normally whatever happens inside: closers that swallow. */
  private static boolean cannotThrow(StatementTree statement, VisitorState state) {
    if (statement instanceof BlockTree block) {
      return block.getStatements().stream().allMatch(s -> cannotThrow(s, state));
    }
    if (statement instanceof IfTree ifTree) {
      return isSimple(ifTree.getCondition())
          && cannotThrow(ifTree.getThenStatement(), state)
          && (ifTree.getElseStatement() == null || cannotThrow(ifTree.getElseStatement(), state));
    }
    if (statement instanceof TryTree tryTree) {
      if (tryTree.getFinallyBlock() != null || tryTree.getCatches().isEmpty()) {
        return false;
      }
      for (CatchTree catchTree : tryTree.getCatches()) {
        Type caught = ASTHelpers.getType(catchTree.getParameter());
        Type exception = state.getTypeFromString("java.lang.Exception");
        if (caught == null || exception == null || !ASTHelpers.isSubtype(exception, caught, state)) {
          // Catching only IOException lets a RuntimeException from close() through; accept it, as
          // close() is not expected to throw unchecked exceptions.
          if (caught == null || !caught.toString().equals("java.io.IOException")) {
            return false;
          }
        }
        if (containsThrow(catchTree.getBlock())) {
          return false;
        }
      }
      return true;
    }
    if (statement instanceof VariableTree variable) {
      // `ByteArrayOutputStream out = new ByteArrayOutputStream();` before the try whose finally
      // closes the parameter (mina's KeyStoreFactory.setData(InputStream)).
      ExpressionTree initializer = variable.getInitializer();
      return initializer == null
          || initializer instanceof LiteralTree
          || NonThrowingCalls.isPlainLibraryConstruction(initializer, state);
    }
    if (statement instanceof ExpressionStatementTree expression
        && expression.getExpression() instanceof MethodInvocationTree call) {
      return staticMethod().onClass("org.apache.commons.io.IOUtils").named("closeQuietly").matches(call, state)
          || staticMethod().onClass("com.google.common.io.Closeables").named("closeQuietly").matches(call, state);
    }
    return statement.getKind() == Tree.Kind.EMPTY_STATEMENT;
  }

  private static boolean containsThrow(Tree tree) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitThrow(com.sun.source.tree.ThrowTree node, Void unused) {
        found[0] = true;
        return null;
      }
    }.scan(tree, null);
    return found[0];
  }

  private static boolean isSimple(ExpressionTree condition) {
    ExpressionTree c = stripParens(condition);
    return c instanceof BinaryTree binary
        && (binary.getKind() == Tree.Kind.NOT_EQUAL_TO || binary.getKind() == Tree.Kind.EQUAL_TO)
        && (stripParens(binary.getLeftOperand()) instanceof IdentifierTree
            || stripParens(binary.getRightOperand()) instanceof IdentifierTree);
  }

  private static boolean isNonNullTest(ExpressionTree condition, Closed target) {
    ExpressionTree c = stripParens(condition);
    if (!(c instanceof BinaryTree binary) || binary.getKind() != Tree.Kind.NOT_EQUAL_TO) {
      return false;
    }
    ExpressionTree left = stripParens(binary.getLeftOperand());
    ExpressionTree right = stripParens(binary.getRightOperand());
    return (target.isNamedBy(left) && right.getKind() == Tree.Kind.NULL_LITERAL)
        || (target.isNamedBy(right) && left.getKind() == Tree.Kind.NULL_LITERAL);
  }

  private static boolean refersTo(@Nullable ExpressionTree tree, VarSymbol parameter) {
    return tree != null
        && stripParens(tree) instanceof IdentifierTree
        && ASTHelpers.getSymbol(stripParens(tree)) == parameter;
  }

  private static ExpressionTree stripParens(ExpressionTree tree) {
    while (tree instanceof ParenthesizedTree parens) {
      tree = parens.getExpression();
    }
    return tree;
  }

  // ---- hand-offs ----------------------------------------------------------------------------

  @Override
  public ArgumentEffect argumentEffect(ExpressionTree callOrNew, int index, VisitorState state) {
    if (!(ASTHelpers.getSymbol(callOrNew) instanceof MethodSymbol method) || index < 0) {
      return ArgumentEffect.BORROWS;
    }
    if (callOrNew instanceof MethodInvocationTree call) {
      Operand released = releasedOperand(call, state);
      if (released.index() == index
          || (released.index() >= 0 && KNOWN_CLOSER.matches(call, state) && method.isVarArgs())) {
        return ArgumentEffect.TAKES_OWNERSHIP;
      }
      if (configuredOwners.matches(call, state)) {
        return ArgumentEffect.TAKES_OWNERSHIP;
      }
    }
    if (configuredNotOwning.matches(callOrNew, state)) {
      return ArgumentEffect.BORROWS;
    }
    ArgumentEffect annotated = annotatedEffect(method, index);
    if (annotated != null) {
      return annotated;
    }
    if (callOrNew instanceof NewClassTree creation) {
      String codec = LibraryResourceModel.codecField(creation, index, state);
      if (codec != null && LibraryResourceModel.endsCodecOnClose(creation, codec)) {
        return ArgumentEffect.TAKES_OWNERSHIP; // a codec stream whose close() ends its codec
      }
      Type constructed = ASTHelpers.getType(callOrNew);
      if (constructed != null && isAny(constructed, ImmutableList.of("java.lang.AutoCloseable"), state)) {
        // Decorators (BufferedReader, GZIPInputStream, Scanner over a stream, ...) close what they
        // wrap; so, by convention, does any other closeable built around a resource.
        return ArgumentEffect.WRAPS;
      }
      // A non-closeable object built around a resource keeps it, its owner now, unless its
      // constructor's body shows it only reads it, or the model knows it as a reader
      // (`new InputSource(in)` handed to a parser: the caller still closes `in`).
      if (LibraryResourceModel.BORROWING_CONSTRUCTOR.matches(callOrNew, state)) {
        return ArgumentEffect.BORROWS;
      }
      // Kept in a field that nothing of its class ever closes (a parser reading it later) is held,
      // not owned: the caller still closes it (see holdsBorrowed).
      OwnershipSummaries summaries = OwnershipSummaries.of(state);
      ParameterUse use = summaries.parameterUse(method, index, this, state);
      return use == ParameterUse.BORROWS
              || (use == ParameterUse.KEEPS
                  && summaries.holdsWithoutRelease(method, index, this, state))
          ? ArgumentEffect.BORROWS
          : ArgumentEffect.TAKES_OWNERSHIP;
    }
    if ((WRAPPING_FACTORY.matches(callOrNew, state)
            || RETURNS_ARGUMENT.matches(callOrNew, state)
            || OPTIONAL_OF.matches(callOrNew, state)
            || SSL_LAYERED_SOCKET.matches(callOrNew, state))
        && index == 0) {
      return ArgumentEffect.WRAPS;
    }
    if (method.isStatic()
        && isAny(method.getReturnType(), ImmutableList.of("java.lang.AutoCloseable"), state)) {
      // A static factory that builds a closeable around a resource (`IOUtils.lineIterator(in,
      // UTF_8)`) owns it by the same convention as a constructor.
      return ArgumentEffect.WRAPS;
    }
    if (COLLECTION_STORE.matches(callOrNew, state)
        || CONTAINER_FACTORY.matches(callOrNew, state)
        || LibraryResourceModel.CLOSES_WHAT_IT_COLLECTS.matches(callOrNew, state)
        || (LibraryResourceModel.ATOMIC_REFERENCE_STORE.matches(callOrNew, state)
            && callOrNew instanceof MethodInvocationTree store
            && index == store.getArguments().size() - 1)) {
      return ArgumentEffect.TAKES_OWNERSHIP;
    }
    // The callee's source, where the compilation has it, says whether it keeps the argument; a
    // name that says it stores (`setKey(prep, …)`, `register(…)`) only stands in for a body
    // LeakGuard cannot read (h2 UpdatableRow.setKey only sets the statement's parameters).
    ParameterUse use = OwnershipSummaries.of(state).parameterUse(method, index, this, state);
    if (use == ParameterUse.KEEPS
        && callOrNew instanceof MethodInvocationTree call
        && (holdsBorrowedInReceiver(call, index, state)
            || keptForReceiversClose(call, index, state))) {
      // Kept where nothing can close it, or where the receiver's close() will: the obligation
      // stays, and the receiver refers to it (see the two methods).
      return ArgumentEffect.BORROWS;
    }
    if (use == ParameterUse.NO_SOURCE && isClosingFactoryByName(method, state)) {
      // A factory whose body is not here that makes a closeable around the resource (httpcore's
      // `connectionFactory.createConnection(socket)`, Jackson's `factory.createParser(in)`): the
      // object it makes owns it, by the same convention as a constructor's, once it is made
      // (wrapsOnlyOnceReturned).
      return ArgumentEffect.WRAPS;
    }
    return use == ParameterUse.KEEPS
            || (use == ParameterUse.NO_SOURCE && storesByName(callOrNew, index, state))
        ? ArgumentEffect.TAKES_OWNERSHIP
        : ArgumentEffect.BORROWS;
  }

  /** A method named for making ({@code create…}, {@code new…}, …) that returns a closeable. */
  private static boolean isClosingFactoryByName(MethodSymbol method, VisitorState state) {
    return LibraryResourceModel.makesByName(method)
        && isAny(method.getReturnType(), ImmutableList.of("java.lang.AutoCloseable"), state);
  }

  /**
   * A factory named for making: when it throws, what it was given is still the caller's (Infer's
   * {@code FN_parseFromInputStreamAndLeakBad}: {@code factory.createParser(in)} fails, and the
   * {@code finally} closes only the parser, which is null).
   */
  @Override
  public boolean wrapsOnlyOnceReturned(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    return method != null && !method.isStatic() && isClosingFactoryByName(method, state);
  }

  @Override
  public boolean ignoresArgument(ExpressionTree callOrNew, int index, VisitorState state) {
    return ASTHelpers.getSymbol(callOrNew) instanceof MethodSymbol method
        && OwnershipSummaries.of(state).ignoresParameter(method, index, this, state);
  }

  /**
   * A setter of the compilation that keeps its argument only in private fields of its class that
   * no code of the class closes, returns or hands on ({@link
   * OwnershipSummaries#holdsWithoutRelease}), called on a local of exactly that class, which is
   * neither closeable nor released by a method of its own: the object can never release it, so
   * the caller still must. Mirrors {@link #holdsBorrowed} for constructors.
   */
  @Override
  public boolean holdsBorrowedInReceiver(
      MethodInvocationTree call, int index, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Type receiverType = receiver == null ? null : ASTHelpers.getType(receiver);
    return method != null
        && !method.isStatic()
        && receiverType != null
        && receiverType.tsym == method.owner
        && ASTHelpers.getSymbol(receiver) instanceof VarSymbol local
        && local.getKind() != ElementKind.FIELD
        && !isCloseable(receiverType, state)
        && LibraryResourceModel.ownReleaseMethod(receiverType, state) == null
        && OwnershipSummaries.of(state).holdsWithoutRelease(method, index, this, state)
        && madeHereOnly(local, state);
  }

  /**
   * A setter of the compilation on a closeable class whose own {@code close()} closes the private
   * field the setter keeps its argument in ({@link OwnershipSummaries#keepsForItsClose}), called
   * on a local of exactly that class that this method made: the argument is released with the
   * receiver ({@code Holder h = new Holder(); h.setInput(in); … h.close();}).
   */
  @Override
  public boolean keptForReceiversClose(
      MethodInvocationTree call, int index, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Type receiverType = receiver == null ? null : ASTHelpers.getType(receiver);
    return method != null
        && !method.isStatic()
        && receiverType != null
        && receiverType.tsym == method.owner
        && ASTHelpers.getSymbol(receiver) instanceof VarSymbol local
        && local.getKind() != ElementKind.FIELD
        && isCloseable(receiverType, state)
        && OwnershipSummaries.of(state).keepsForItsClose(method, index, this, state)
        && madeHereOnly(local, state);
  }

  /**
   * Whether {@code local} is declared in the method {@code state} is in with a {@code new} of its
   * own and never assigned again: an object this method made. A holder taken from a field or a
   * parameter ({@code Parser p = this.parser;}) is someone else's, who reads what it is given
   * after this method returns.
   */
  private static boolean madeHereOnly(VarSymbol local, VisitorState state) {
    TreePath method = state.getPath();
    while (method != null && !(method.getLeaf() instanceof MethodTree)) {
      method = method.getParentPath();
    }
    if (method == null) {
      return false;
    }
    boolean[] made = {false};
    boolean[] assigned = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        if (ASTHelpers.getSymbol(variable) == local) {
          made[0] =
              variable.getInitializer() != null
                  && ASTHelpers.stripParentheses(variable.getInitializer())
                      instanceof NewClassTree creation
                  && creation.getClassBody() == null;
        }
        return super.visitVariable(variable, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree assignment, Void unused) {
        if (ASTHelpers.getSymbol(assignment.getVariable()) == local) {
          assigned[0] = true;
        }
        return super.visitAssignment(assignment, null);
      }
    }.scan(method.getLeaf(), null);
    return made[0] && !assigned[0];
  }

  /**
   * Whether a call whose body LeakGuard cannot read keeps its argument at {@code index}, by the
   * method's name: setters and registrations keep what they are given ({@code
   * setConnection(conn)}, {@code put(key, stream)}, {@code register(channel, ops)}). A setter's
   * first argument followed by others is the object being configured, not the value set
   * (spring's {@code sqlTypeValue.setTypeValue(ps, index, sqlType, typeName)} sets a parameter
   * of the statement it is given).
   */
  private static boolean storesByName(ExpressionTree callOrNew, int index, VisitorState state) {
    if (!STORING_METHOD.matches(callOrNew, state)) {
      return false;
    }
    return !(index == 0
        && callOrNew instanceof MethodInvocationTree call
        && call.getArguments().size() > 1
        && ASTHelpers.getSymbol(call).getSimpleName().toString().startsWith("set"));
  }

  @Override
  public ArgumentEffect receiverEffect(MethodInvocationTree call, VisitorState state) {
    // A stream pipeline step: closing the stream it returns closes the stream it was called on;
    // so does anything the must-call contract says returns its receiver (`@This`).
    // So does a view whose close() closes the resource it came from (`fis.getChannel()`), and a
    // writer's fluent call that returns the writer (`w.append(s)`).
    if (NonThrowingCalls.STREAM_STEP.matches(call, state)
        || LibraryResourceModel.CLOSING_VIEW.matches(call, state)
        || LibraryResourceModel.RETURNS_RECEIVER.matches(call, state)
        || MustCallContract.returnsReceiver(ASTHelpers.getSymbol(call))
        || isFluentCallOnItself(call, state)) {
      return ArgumentEffect.WRAPS;
    }
    if (OPTIONAL_VALUE.matches(call, state)) {
      return ArgumentEffect.WRAPS; // `optional.get()` is the resource it holds
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver != null
        && TypeNames.isSubtype(ASTHelpers.getType(receiver), "java.util.Optional", state)) {
      // `optional.ifPresent(InputStream::close)`, `optional.map(…)`: a function the engine does
      // not follow gets the resource, and may close or keep it.
      return OPTIONAL_QUERY.matches(call, state)
          ? ArgumentEffect.BORROWS
          : ArgumentEffect.TAKES_OWNERSHIP;
    }
    // `st.closeOnCompletion()`: the statement's result sets close it; whoever gets them owns it.
    // `channel.register(selector, ops)`: the selector holds it, and its key gives it back.
    return CLOSE_ON_COMPLETION.matches(call, state)
            || LibraryResourceModel.REGISTERS_WITH_SELECTOR.matches(call, state)
        ? ArgumentEffect.TAKES_OWNERSHIP
        : ArgumentEffect.BORROWS;
  }

  /**
   * A fluent call that hands back the resource it is called on: {@code new
   * Scanner(file).useDelimiter(",")}, {@code FileChannel.open(p).position(n)}, {@code new
   * Options().setCreateIfMissing(true)} of an {@code ExtraTypes} class. Closing what it returns
   * closes the resource. Read from the signature: an instance method, not a getter, whose declared
   * result is a closeable supertype of its receiver's type, and that the model or the callee's
   * body does not show making a new one ({@link #opens}).
   */
  private boolean isFluentCallOnItself(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (method == null
        || method.isStatic()
        || receiver == null
        || isGetter(method)
        || method.getReturnType().getKind() == TypeKind.TYPEVAR) {
      return false;
    }
    Type receiverType = ASTHelpers.getType(receiver);
    Type result = method.getReturnType();
    return receiverType != null
        && isCloseable(result, state)
        && ASTHelpers.isSubtype(
            state.getTypes().erasure(receiverType), state.getTypes().erasure(result), state)
        && opens(call, method, result, true, state) == null;
  }

  /**
   * A socket's streams, and a file's descriptor: closing one, or a stream built on it, closes the
   * socket or file (see {@link LibraryResourceModel}).
   */
  @Override
  public boolean returnsViewClosingReceiver(MethodInvocationTree call, VisitorState state) {
    return LibraryResourceModel.SOCKET_STREAM.matches(call, state)
        || LibraryResourceModel.FILE_DESCRIPTOR.matches(call, state);
  }

  /** What the callee's parameter annotations say, or null when they say nothing. */
  private static @Nullable ArgumentEffect annotatedEffect(MethodSymbol method, int index) {
    List<VarSymbol> parameters = method.getParameters();
    if (parameters.isEmpty()) {
      return null;
    }
    VarSymbol parameter;
    if (index < parameters.size()) {
      parameter = parameters.get(index);
    } else if (method.isVarArgs()) {
      parameter = parameters.get(parameters.size() - 1);
    } else {
      return null;
    }
    List<? extends AnnotationMirror> annotations = annotationsOf(parameter);
    if (MustCallContract.aliasesParameter(method, index)) {
      return ArgumentEffect.WRAPS; // @MustCallAlias: the result is the argument, by another name
    }
    if (hasAnnotationNamed(annotations, OWNING) || hasAnnotationNamed(annotations, WILL_CLOSE)) {
      return ArgumentEffect.TAKES_OWNERSHIP;
    }
    if (hasAnnotationNamed(annotations, WILL_CLOSE_WHEN_CLOSED)) {
      return ArgumentEffect.WRAPS;
    }
    if (hasAnnotationNamed(annotations, WILL_NOT_CLOSE) || hasAnnotationNamed(annotations, NOT_OWNING)) {
      return ArgumentEffect.BORROWS;
    }
    return null;
  }

  private static List<? extends AnnotationMirror> annotationsOf(VarSymbol parameter) {
    ImmutableList.Builder<AnnotationMirror> all = ImmutableList.builder();
    all.addAll(parameter.getAnnotationMirrors());
    all.addAll(parameter.asType().getAnnotationMirrors());
    return all.build();
  }
}
