package dev.leakguard.flow;

import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.method.MethodMatchers.constructor;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;
import org.jspecify.annotations.Nullable;

/**
 * Calls that do not throw in practice: a path through one of them is not a leak path a reader
 * would act on. Each entry is here because real code was reported through it (docs/benchmark.md).
 */
public final class NonThrowingCalls {

  /**
   * A lazy stream pipeline step: it runs no user code and opens nothing; closing the stream it
   * returns closes the stream it was called on.
   */
  public static final Matcher<ExpressionTree> STREAM_STEP =
      instanceMethod()
          .onDescendantOf("java.util.stream.BaseStream")
          .namedAnyOf(
              "filter", "map", "mapToObj", "mapToInt", "mapToLong", "mapToDouble", "flatMap",
              "flatMapToInt", "flatMapToLong", "flatMapToDouble", "mapMulti", "distinct", "sorted",
              "peek", "limit", "skip", "takeWhile", "dropWhile", "boxed", "asLongStream",
              "asDoubleStream", "parallel", "sequential", "unordered", "onClose");

  /** The JDK's own lock classes, whose {@code lock()} and {@code tryLock()} fail only by an Error. */
  private static final ImmutableSet<String> JDK_LOCKS =
      ImmutableSet.of(
          "java.util.concurrent.locks.Lock",
          "java.util.concurrent.locks.ReentrantLock",
          "java.util.concurrent.locks.ReentrantReadWriteLock.ReadLock",
          "java.util.concurrent.locks.ReentrantReadWriteLock.WriteLock");

  /**
   * {@code lock()} or {@code tryLock()} as the JDK declares it: the method called is the JDK
   * class's own, not an override a project's subclass gives it.
   */
  private static boolean takesAJdkLock(ExpressionTree tree, VisitorState state) {
    return tree instanceof MethodInvocationTree
        && ASTHelpers.getSymbol(tree) instanceof MethodSymbol method
        && method.getParameters().isEmpty()
        && (method.getSimpleName().contentEquals("lock")
            || method.getSimpleName().contentEquals("tryLock"))
        && JDK_LOCKS.contains(method.owner.getQualifiedName().toString());
  }

  /**
   * {@code newCondition()} of a JDK {@code ReentrantLock} or write lock, as the JDK declares it
   * (httpcore5's reactor makes its condition after opening its selector): it only allocates. A
   * read lock's throws, and a {@code Lock} may be any implementation.
   */
  private static boolean makesAJdkCondition(ExpressionTree tree, VisitorState state) {
    return tree instanceof MethodInvocationTree
        && ASTHelpers.getSymbol(tree) instanceof MethodSymbol method
        && method.getParameters().isEmpty()
        && method.getSimpleName().contentEquals("newCondition")
        && (method.owner.getQualifiedName().contentEquals("java.util.concurrent.locks.ReentrantLock")
            || method
                .owner
                .getQualifiedName()
                .contentEquals("java.util.concurrent.locks.ReentrantReadWriteLock.WriteLock"));
  }

  /** A call of a logging library's logger. */
  public static final Matcher<ExpressionTree> LOGGING =
      instanceMethod()
          .onDescendantOfAny(
              "org.slf4j.Logger",
              "org.apache.logging.log4j.Logger",
              "org.apache.commons.logging.Log",
              "java.util.logging.Logger",
              "java.lang.System.Logger")
          .withAnyName();

  private static final Supplier<Type> CHARSET_TYPE =
      VisitorState.memoize(state -> state.getTypeFromString("java.nio.charset.Charset"));

  /** {@code charset.name()}: the name of a charset that exists. */
  private static final Matcher<ExpressionTree> CHARSET_NAME =
      instanceMethod()
          .onDescendantOf("java.nio.charset.Charset")
          .namedAnyOf("name", "displayName")
          .withNoParameters();

  static final Matcher<ExpressionTree> MATCHER =
      anyOf(
          // JDK calls that only read the runtime's state: counting them as throwing would report
          // every `Runtime.getRuntime().addShutdownHook(...)` hand-off.
          staticMethod().onClass("java.lang.Thread").named("currentThread"),
          staticMethod().onClass("java.lang.Runtime").named("getRuntime"),
          staticMethod()
              .onClass("java.lang.System")
              .namedAnyOf("nanoTime", "currentTimeMillis", "identityHashCode"),
          instanceMethod().anyClass().namedAnyOf("getClass", "hashCode").withNoParameters(),
          // What code computes to log an object's identity (log4j
          // AbstractDriverManagerConnectionSource: `Integer.toHexString(connection.hashCode())`).
          instanceMethod()
              .onExactClass("java.lang.Class")
              .namedAnyOf("getName", "getSimpleName", "getCanonicalName", "getTypeName"),
          // Type tests on a class object (netty's NioEventLoop: `selectorImplClass
          // .isAssignableFrom(unwrappedSelector.getClass())`), failing only on a null argument,
          // as a dereference would.
          instanceMethod()
              .onExactClass("java.lang.Class")
              .namedAnyOf("isAssignableFrom", "isInstance", "isInterface", "isArray", "isPrimitive"),
          staticMethod()
              .onClassAny("java.lang.Integer", "java.lang.Long")
              .namedAnyOf("toHexString", "toOctalString", "toBinaryString"),
          // An atomic holder's reads, writes and compare-and-sets run no code of anyone's (mina
          // AbstractPollingIoAcceptor: `acceptorRef.compareAndSet(null, acceptor)` while a
          // semaphore is held). Not `updateAndGet` and friends, which run the caller's function.
          instanceMethod()
              .onDescendantOfAny(
                  "java.util.concurrent.atomic.AtomicBoolean",
                  "java.util.concurrent.atomic.AtomicInteger",
                  "java.util.concurrent.atomic.AtomicLong",
                  "java.util.concurrent.atomic.AtomicReference")
              .namedAnyOf(
                  "get", "set", "lazySet", "getPlain", "setPlain", "getOpaque", "setOpaque",
                  "getAcquire", "setRelease", "compareAndSet", "weakCompareAndSet",
                  "weakCompareAndSetPlain", "weakCompareAndSetVolatile", "weakCompareAndSetAcquire",
                  "weakCompareAndSetRelease", "compareAndExchange", "compareAndExchangeAcquire",
                  "compareAndExchangeRelease", "getAndSet", "incrementAndGet", "decrementAndGet",
                  "getAndIncrement", "getAndDecrement", "addAndGet", "getAndAdd", "intValue",
                  "longValue"),
          // Taking a JDK lock: `lock()` waits, `tryLock()` answers; neither throws but an Error
          // (amqp-client VariableLinkedBlockingQueue, the JDK's own LinkedBlockingQueue:
          // `putLock.lock(); takeLock.lock(); try {…} finally {…}`). A project's own Lock may
          // fail, and `lockInterruptibly()`, `tryLock(time, unit)` throw InterruptedException.
          NonThrowingCalls::takesAJdkLock,
          NonThrowingCalls::makesAJdkCondition,
          // A file name: `new File(…)` checks nothing on disk and fails only on a null argument,
          // as a dereference would (ant Pvcs: `new File("pvcs_ant_" + rand.nextLong() + ".log")`
          // after opening the first file). Not `new File(uri)`, which rejects a URI of another
          // scheme.
          constructor().forClass("java.io.File").withParameters("java.lang.String"),
          constructor()
              .forClass("java.io.File")
              .withParameters("java.lang.String", "java.lang.String"),
          constructor().forClass("java.io.File").withParameters("java.io.File", "java.lang.String"),
          // A SAX input source is a holder of plain fields: its getters and setters only read and
          // write them (ant ProjectHelper2.resolveEntity: `inputSource.setSystemId(uri)` after
          // opening the stream the source is returned with).
          instanceMethod().onExactClass("org.xml.sax.InputSource").withAnyName(),
          // Logging: a logger that throws at the caller is a broken logger, not a leak path.
          LOGGING,
          // Starting a pipeline over a collection, and its lazy steps (zookeeper Learner:
          // `addresses.stream().map(…).forEach(executor::submit)`).
          instanceMethod().onDescendantOf("java.util.Collection").named("stream").withNoParameters(),
          STREAM_STEP,
          // `StandardCharsets.UTF_8.name()` between opening a stream and wrapping it.
          NonThrowingCalls.CHARSET_NAME,
          // A string's comparisons, searches and plain values (hsqldb RAFileSimple: `readOnly =
          // openMode.equals("r")` after opening the file in that mode; h2 ConvertTraceFile:
          // `javaClassName.replace('\\', '/')` before the `readLine()` that can fail). Not
          // `substring` or `charAt`: an index computed from the data fails on malformed input.
          instanceMethod()
              .onExactClass("java.lang.String")
              .namedAnyOf(
                  "equals", "equalsIgnoreCase", "isEmpty", "isBlank", "length", "trim", "strip",
                  "toLowerCase", "toUpperCase", "intern", "contentEquals", "compareTo",
                  "compareToIgnoreCase", "startsWith", "endsWith", "contains", "indexOf",
                  "lastIndexOf", "replace", "concat", "toCharArray", "stripLeading",
                  "stripTrailing"),
          // A file's permissions and attributes: they fail only by a security manager's veto,
          // which the JDK has deprecated for removal (hsqldb TarFileOutputStream:
          // `writeFile.setReadable(true, true)` after opening it). Those that declare an
          // IOException (`createNewFile`, `getCanonicalPath`) still fail by it.
          instanceMethod()
              .onExactClass("java.io.File")
              .namedAnyOf(
                  "setExecutable", "setReadable", "setWritable", "setReadOnly", "setLastModified",
                  "exists", "isFile", "isDirectory", "isHidden", "canRead", "canWrite",
                  "canExecute", "length", "lastModified", "getName", "getPath", "getParent",
                  "getParentFile", "getAbsolutePath", "getAbsoluteFile", "isAbsolute"),
          // A file's URI is built from its absolute path (`toURI()` turns the impossible syntax
          // error into an Error), and a parsed URI's or URL's parts are fields it holds (ant
          // FileUtils.toURI: `new File(path).toURI().toASCIIString()`, the system id given to
          // the input source of a stream just opened). Not `toPath()`, which rejects a name the
          // file system cannot hold, nor `toURL()` or `URI.create`.
          instanceMethod().onExactClass("java.io.File").named("toURI").withNoParameters(),
          instanceMethod()
              .onExactClass("java.net.URI")
              .namedAnyOf(
                  "toASCIIString", "toString", "getScheme", "getSchemeSpecificPart",
                  "getRawSchemeSpecificPart", "getAuthority", "getRawAuthority", "getUserInfo",
                  "getRawUserInfo", "getHost", "getPort", "getPath", "getRawPath", "getQuery",
                  "getRawQuery", "getFragment", "getRawFragment", "isAbsolute", "isOpaque"),
          instanceMethod()
              .onExactClass("java.net.URL")
              .namedAnyOf(
                  "toExternalForm", "toString", "getProtocol", "getHost", "getPort",
                  "getDefaultPort", "getPath", "getFile", "getQuery", "getRef", "getAuthority",
                  "getUserInfo"),
          // A random number: the argument-less draws of a generator (ant Pvcs: a temporary
          // file's name). `nextInt(bound)` rejects a bound that is not positive.
          instanceMethod()
              .onDescendantOf("java.util.Random")
              .namedAnyOf(
                  "nextInt", "nextLong", "nextDouble", "nextFloat", "nextBoolean", "nextGaussian")
              .withNoParameters(),
          // `s.getBytes(StandardCharsets.UTF_8)`: encoding with a charset object cannot fail (h2
          // FilePathEncrypt: the password's bytes, taken after the file is opened).
          instanceMethod()
              .onExactClass("java.lang.String")
              .named("getBytes")
              .withParametersOfType(ImmutableList.of(CHARSET_TYPE)),
          instanceMethod().onExactClass("java.lang.String").named("getBytes").withNoParameters(),
          // An HTTP response's status, headers and body accessors return what the response
          // already holds (OkHttp's `response.code()`, `response.body()`; Apache HttpClient's
          // `getStatusLine()`, `getEntity()`), between the call that opens it and its close.
          instanceMethod()
              .onDescendantOf("okhttp3.Response")
              .namedAnyOf(
                  "code", "message", "isSuccessful", "isRedirect", "body", "headers", "header",
                  "protocol", "request", "networkResponse", "cacheResponse", "priorResponse"),
          // Its body's views of the stream it already holds: `source()` returns it, `byteStream()`
          // and `charStream()` wrap it without reading (a reader decodes on its first read).
          instanceMethod()
              .onDescendantOf("okhttp3.ResponseBody")
              .namedAnyOf("byteStream", "charStream", "source", "contentType", "contentLength"),
          instanceMethod()
              .onDescendantOfAny(
                  "org.apache.http.HttpResponse", "org.apache.hc.core5.http.HttpResponse")
              .namedAnyOf(
                  "getStatusLine", "getCode", "getReasonPhrase", "getEntity", "getFirstHeader",
                  "getLastHeader", "getHeaders", "getAllHeaders", "containsHeader", "getLocale"),
          // A selector's key sets, and a key's channel and attachment: they fail only for a
          // closed selector (ClosedSelectorException), a state code handed the selector to work
          // with does not see (jetty ManagedSelector.handleSelectFailure: the old selector's
          // keys, read after opening the new one that takes them over).
          instanceMethod()
              .onDescendantOf("java.nio.channels.Selector")
              .namedAnyOf("keys", "selectedKeys")
              .withNoParameters(),
          instanceMethod()
              .onDescendantOf("java.nio.channels.SelectionKey")
              .namedAnyOf("channel", "selector", "attachment", "isValid")
              .withNoParameters(),
          // Registering or removing a listener adds it to a list (h2 JdbcConnectionPool:
          // `pc.addConnectionEventListener(this)` before the pooled connection is handed out).
          NonThrowingCalls::isListenerRegistration,
          // A print stream or writer records its I/O errors for checkError() instead of
          // throwing them (`w = new PrintWriter(new FileWriter(f)); w.println(line); w.close();`
          // leaks nothing); given a string, a primitive or an array, it runs no user code.
          NonThrowingCalls::isErrorRecordingOutput,
          NonThrowingCalls::isQuietJdkConstruction,
          NonThrowingCalls::isQuietJdkDecoration,
          NonThrowingCalls::isEmptyConstruction);

  /**
   * The JDK's plain stream and reader decorators, its in-memory streams, its streams over a held
   * file descriptor, and the XML sources and results that hold a stream: their constructors that
   * declare no exception only store what they get.
   */
  private static final ImmutableSet<String> JDK_DECORATORS =
      ImmutableSet.of(
          "java.io.BufferedReader",
          "java.io.BufferedWriter",
          "java.io.BufferedInputStream",
          "java.io.BufferedOutputStream",
          "java.io.InputStreamReader",
          "java.io.OutputStreamWriter",
          "java.io.DataInputStream",
          "java.io.DataOutputStream",
          "java.io.PrintWriter",
          "java.io.PrintStream",
          "java.io.SequenceInputStream",
          // With the caller's own Inflater or Deflater (the gzip and zip subclasses read or write
          // a header, and declare IOException).
          "java.util.zip.InflaterInputStream",
          "java.util.zip.DeflaterOutputStream",
          // In-memory streams over the caller's array or string.
          "java.io.ByteArrayInputStream",
          "java.io.CharArrayReader",
          "java.io.StringReader",
          // Over a descriptor the caller already holds (`new FileInputStream(file.getFD())`): the
          // one constructor of each that declares nothing, which opens nothing.
          "java.io.FileInputStream",
          "java.io.FileOutputStream",
          "java.io.FileReader",
          "java.io.FileWriter",
          // Not decorators, but holders a transformer or parser reads from or writes to later.
          "javax.xml.transform.stream.StreamResult",
          "javax.xml.transform.stream.StreamSource",
          "javax.xml.transform.sax.SAXResult",
          "javax.xml.transform.stax.StAXResult",
          "org.xml.sax.InputSource");

  private static final Pattern LISTENER_REGISTRATION =
      Pattern.compile("(add|remove)[A-Z]\\w*Listener");

  /**
   * {@code addConnectionEventListener(l)}, {@code removePropertyChangeListener(l)}: an instance
   * method named for adding or removing a listener, given only that listener, that declares no
   * checked exception and returns nothing or a boolean.
   */
  private static boolean isListenerRegistration(ExpressionTree tree, VisitorState state) {
    if (!(tree instanceof MethodInvocationTree call) || call.getArguments().size() != 1) {
      return false;
    }
    MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null
        || method.isStatic()
        || declaresCheckedException(method, state)
        || !LISTENER_REGISTRATION.matcher(method.getSimpleName()).matches()) {
      return false;
    }
    TypeKind returned = method.getReturnType().getKind();
    return returned == TypeKind.VOID || returned == TypeKind.BOOLEAN;
  }

  private static final Matcher<ExpressionTree> PRINT_OUTPUT =
      instanceMethod()
          .onDescendantOfAny("java.io.PrintWriter", "java.io.PrintStream")
          .namedAnyOf("print", "println", "write", "append", "flush", "checkError");

  /**
   * {@code out.println(line)} on a {@code PrintWriter} or {@code PrintStream}: its I/O errors set
   * a flag, and with arguments that are strings, primitives or arrays it calls no {@code
   * toString()} that could throw.
   */
  private static boolean isErrorRecordingOutput(ExpressionTree tree, VisitorState state) {
    if (!(tree instanceof MethodInvocationTree call) || !PRINT_OUTPUT.matches(call, state)) {
      return false;
    }
    for (ExpressionTree argument : call.getArguments()) {
      Type type = ASTHelpers.getType(argument);
      if (type == null
          || !(type.isPrimitive()
              || type.getKind() == TypeKind.ARRAY
              || ASTHelpers.isSameType(type, state.getSymtab().stringType, state))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A JDK decorator built by a constructor that declares nothing ({@code new BufferedReader(new
   * InputStreamReader(socket.getInputStream()))} between opening a socket and the try that closes
   * it). {@code new InputStreamReader(in, "UTF-16")} and {@code new PrintWriter(fileName)} declare
   * their failures and still count.
   */
  private static boolean isQuietJdkDecoration(ExpressionTree tree, VisitorState state) {
    if (!(tree instanceof NewClassTree creation) || creation.getClassBody() != null) {
      return false;
    }
    MethodSymbol constructor = ASTHelpers.getSymbol(creation);
    return constructor != null
        && constructor.getThrownTypes().isEmpty()
        && JDK_DECORATORS.contains(constructor.owner.getQualifiedName().toString());
  }

  /**
   * A project's own log or trace method (h2 `IOUtils.trace(...)`, a `println` behind a flag):
   * void, named for logging, and declaring no exception. Trusted by resource specs only: a lock
   * kept because such a method threw anyway blocks every other thread, so lock specs stay strict.
   */
  static final Matcher<ExpressionTree> OWN_LOG_LINE = NonThrowingCalls::isOwnLogLine;

  private static final Pattern LOG_METHOD =
      Pattern.compile("(log|trace|debug|info|warn|warning|fine|finer|finest)([A-Z0-9_]\\w*)?");

  /**
   * A void method named for logging ({@code trace}, {@code debugOpened}, not {@code login}) that
   * declares no exception: what it does with its arguments is print them.
   */
  private static boolean isOwnLogLine(ExpressionTree tree, VisitorState state) {
    if (!(tree instanceof MethodInvocationTree call)) {
      return false;
    }
    MethodSymbol method = ASTHelpers.getSymbol(call);
    return method != null
        && method.getReturnType().getKind() == TypeKind.VOID
        && method.getThrownTypes().isEmpty()
        && LOG_METHOD.matcher(method.getSimpleName()).matches();
  }

  /**
   * An empty JDK collection, latch, checksum or builder (no argument, or only sizes and counts),
   * or an atomic holder of any initial value: nothing the caller would guard against. {@code new
   * ArrayList<>(items)} still counts.
   */
  private static boolean isQuietJdkConstruction(ExpressionTree tree, VisitorState state) {
    if (!(tree instanceof NewClassTree creation)) {
      return false;
    }
    MethodSymbol constructor = ASTHelpers.getSymbol(creation);
    if (constructor == null || !constructor.getThrownTypes().isEmpty()) {
      return false;
    }
    String className = constructor.owner.getQualifiedName().toString();
    if (className.startsWith("java.util.concurrent.atomic.")) {
      return true;
    }
    return constructor.getParameters().stream().allMatch(parameter -> parameter.type.isPrimitive())
        && isPlainJdkValueType(className);
  }

  /**
   * {@code new Foo()} of a class of this compilation whose construction runs no code: its
   * constructor is empty (or the default one), it has no instance initializer or initialized
   * field, and the same holds up to {@code Object}. Only running out of memory makes it throw.
   */
  private static boolean isEmptyConstruction(ExpressionTree tree, VisitorState state) {
    if (!(tree instanceof NewClassTree creation)
        || creation.getClassBody() != null
        || !creation.getArguments().isEmpty()) {
      return false;
    }
    MethodSymbol constructor = ASTHelpers.getSymbol(creation);
    if (constructor == null) {
      return false;
    }
    JavacTrees trees = JavacTrees.instance(state.context);
    ClassSymbol cls = constructor.enclClass();
    for (int depth = 0; depth < 8; depth++) {
      if (cls.getQualifiedName().contentEquals("java.lang.Object")) {
        return true;
      }
      ClassTree declaration = trees.getTree(cls);
      if (declaration == null
          || !constructsEmpty(declaration)
          || !(cls.getSuperclass() instanceof Type.ClassType superclass)
          || !(superclass.tsym instanceof ClassSymbol superSymbol)) {
        return false;
      }
      cls = superSymbol;
    }
    return false;
  }

  /** No initializer, no initialized instance field, and every constructor without parameters empty. */
  private static boolean constructsEmpty(ClassTree declaration) {
    for (Tree member : declaration.getMembers()) {
      if (member instanceof BlockTree block && !block.isStatic()) {
        return false;
      }
      if (member instanceof VariableTree field
          && field.getInitializer() != null
          && !field.getModifiers().getFlags().contains(Modifier.STATIC)) {
        return false;
      }
      if (member instanceof MethodTree method
          && method.getReturnType() == null
          && method.getParameters().isEmpty()
          && method.getBody() != null
          && !method.getBody().getStatements().stream().allMatch(NonThrowingCalls::isBareSuperCall)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBareSuperCall(StatementTree statement) {
    return statement instanceof ExpressionStatementTree expression
        && expression.getExpression() instanceof MethodInvocationTree call
        && call.getArguments().isEmpty()
        && call.getMethodSelect() instanceof IdentifierTree name
        && name.getName().contentEquals("super");
  }

  private static boolean isPlainJdkValueType(String className) {
    return (className.startsWith("java.util.")
            && !className.startsWith("java.util.zip.Zip")
            && !className.startsWith("java.util.jar."))
        || className.equals("java.lang.StringBuilder")
        || className.equals("java.lang.String")
        || className.equals("java.lang.Object");
  }

  /**
   * Charset names every Java platform supports ({@link java.nio.charset.StandardCharsets}): a
   * constructor given one of them cannot fail its charset lookup.
   */
  private static final ImmutableSet<String> STANDARD_CHARSET_NAMES =
      ImmutableSet.of(
          "UTF-8", "UTF8", "US-ASCII", "ASCII", "ISO-8859-1", "ISO8859_1", "UTF-16", "UTF-16BE",
          "UTF-16LE");

  /**
   * Whether the wrapping constructor {@code wrapper} may fail after it has been given the resource
   * it wraps: then the wrapper owns that resource only once its constructor has returned, and on
   * the constructor's exceptional edge it is still the caller's. A constructor that declares a
   * checked exception does I/O or a lookup that can fail ({@code new ObjectInputStream(in)} reads
   * the stream header, {@code new GZIPInputStream(in)} the gzip header, {@code new
   * InputStreamReader(in, charsetName)} looks the charset up); one that declares none ({@code
   * BufferedReader}, {@code InputStreamReader(in, Charset)}, {@code DataInputStream}) only stores
   * its argument. A charset lookup by a name every platform supports ({@code "UTF-8"}, {@code
   * StandardCharsets.UTF_8.name()}) cannot fail either.
   */
  public static boolean mayFailAfterTaking(NewClassTree wrapper, VisitorState state) {
    MethodSymbol constructor = ASTHelpers.getSymbol(wrapper);
    if (constructor == null || DECLARES_BUT_DOES_NO_IO.matches(wrapper, state)) {
      return false;
    }
    Type runtimeException = state.getSymtab().runtimeExceptionType;
    Type error = state.getSymtab().errorType;
    Type unsupportedEncoding = state.getTypeFromString("java.io.UnsupportedEncodingException");
    boolean onlyCharsetLookup = true;
    boolean declaresChecked = false;
    for (Type thrown : constructor.getThrownTypes()) {
      if (ASTHelpers.isSubtype(thrown, runtimeException, state)
          || ASTHelpers.isSubtype(thrown, error, state)) {
        continue;
      }
      declaresChecked = true;
      onlyCharsetLookup &=
          unsupportedEncoding != null && ASTHelpers.isSameType(thrown, unsupportedEncoding, state);
    }
    if (!declaresChecked) {
      return false;
    }
    return !onlyCharsetLookup || !namesOnlySupportedCharsets(wrapper, state);
  }

  /**
   * Whether {@code call} cannot throw by the shared model: a JDK call that only reads the
   * runtime's state, a call the spec knows cannot fail, or a project method whose body cannot
   * ({@link QuietMethods}).
   */
  public static boolean cannotThrow(ExpressionTree call, ObligationSpec spec, VisitorState state) {
    return MATCHER.matches(call, state)
        || (call instanceof MethodInvocationTree invocation
            && (!spec.mayThrow(invocation, state)
                || QuietMethods.of(state).isQuietCall(invocation, state)))
        || (call instanceof NewClassTree creation
            && QuietMethods.of(state).isQuietCreation(creation, state));
  }

  /**
   * {@code new BasicHttpContext()}: a library class built with no arguments, by a constructor that
   * declares no checked exception and whose body is not in the compilation. It has nothing to fail
   * on but an error or a broken invariant of its own, so, for the specs that do not count error
   * paths, it is no leak path, and a finding names a later call (httpclient ProxyClient named
   * {@code new BasicHttpContext()}, where {@code requestExec.preProcess(…)} is what fails).
   */
  public static boolean isPlainLibraryConstruction(ExpressionTree call, VisitorState state) {
    if (!(call instanceof NewClassTree creation)
        || !creation.getArguments().isEmpty()
        || creation.getClassBody() != null) {
      return false;
    }
    MethodSymbol constructor = ASTHelpers.getSymbol(creation);
    return constructor != null
        && !declaresCheckedException(constructor, state)
        && OwnershipSummaries.of(state).declaration(constructor, state) == null;
  }

  /** Whether {@code method} declares an exception that is neither a runtime exception nor an error. */
  public static boolean declaresCheckedException(@Nullable MethodSymbol method, VisitorState state) {
    if (method == null) {
      return false;
    }
    for (Type thrown : method.getThrownTypes()) {
      if (!state.getTypes().isSubtype(thrown, state.getSymtab().runtimeExceptionType)
          && !state.getTypes().isSubtype(thrown, state.getSymtab().errorType)) {
        return true;
      }
    }
    return false;
  }

  /**
   * JDK wrapper constructors that declare {@code IOException} but only store their argument:
   * {@code new JarOutputStream(out)} without a manifest writes nothing (commons-compress
   * Pack200Utils, unpack200 Archive).
   */
  private static final Matcher<ExpressionTree> DECLARES_BUT_DOES_NO_IO =
      constructor()
          .forClass("java.util.jar.JarOutputStream")
          .withParameters("java.io.OutputStream");

  /** Whether every {@code String} argument of {@code creation} names a standard charset. */
  private static boolean namesOnlySupportedCharsets(NewClassTree creation, VisitorState state) {
    for (ExpressionTree argument : creation.getArguments()) {
      Type type = ASTHelpers.getType(argument);
      if (type == null || !ASTHelpers.isSameType(type, state.getSymtab().stringType, state)) {
        continue;
      }
      Object constant = ASTHelpers.constValue(argument);
      if (constant instanceof String name) {
        if (!STANDARD_CHARSET_NAMES.contains(name.toUpperCase(Locale.ROOT))) {
          return false;
        }
      } else if (!CHARSET_NAME.matches(argument, state)) {
        return false;
      }
    }
    return true;
  }

  private NonThrowingCalls() {}
}
