package dev.leakguard.checks;

import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.method.MethodMatchers.constructor;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.predicates.TypePredicates;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.trees.OwnCodeScanner;
import dev.leakguard.trees.TypeNames;
import java.util.Map;
import java.util.regex.Pattern;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * What {@link UnclosedResource} knows of library calls whose source is not in the compilation:
 * which return a resource the caller must close, and which constructors only borrow the stream
 * they are given. Annotations ({@code @MustBeClosed}, {@code @NotOwning}) and the user's options
 * win over this model; a method whose body is in the compilation is read instead ({@code
 * flow.OwnershipSummaries}).
 *
 * <p>The model, in order:
 *
 * <ol>
 *   <li>{@link #ALWAYS_OWNED}: the JDK's factories whose every call opens something.
 *   <li>{@link #OWNED_DESPITE_NAME}: the few getters that real code shows do open something
 *       ({@code getResourceAsStream}, a pool's {@code getConnection}).
 *   <li>A name that says it makes something ({@code open…}, {@code new…}, {@code create…}, {@code
 *       connect…}, {@code accept}) whose result is an I/O resource type ({@link #isIoResource}):
 *       {@code URL.openStream()}, {@code SelectorProvider.openSocketChannel()}, {@code
 *       FileSystem.newWatchService()}, {@code SocketFactory.createSocket(…)}, {@code
 *       ImageIO.createImageInputStream(…)}, {@code JMXConnectorFactory.connect(…)}, {@code
 *       Driver.connect(…)}, {@code sessionFactory.openSession()}.
 * </ol>
 *
 * <p>Everything else is not owned, in particular views of a resource that its owner closes: a
 * socket's or a process's streams, a servlet response's stream or writer, {@code
 * ZipFile.getInputStream} (closed with the zip file), {@code FileInputStream.getChannel()}, a
 * {@code Blob}'s stream, {@code JarURLConnection.getJarFile()} (cached by the JDK). Not covered
 * because they are not {@code AutoCloseable}: {@code Process} ({@code ProcessBuilder.start()},
 * {@code Runtime.exec}), {@code javax.naming.Context} and its {@code NamingEnumeration}s, {@code
 * AsynchronousChannelGroup}, {@code Pipe} (its ends are channels made by {@code Pipe.open()}).
 */
final class LibraryResourceModel {

  private LibraryResourceModel() {}

  /** {@code Connection.createStatement()} and friends: closed with their connection too. */
  static final Matcher<ExpressionTree> STATEMENT_FACTORY =
      instanceMethod()
          .onDescendantOf("java.sql.Connection")
          .namedAnyOf("createStatement", "prepareStatement", "prepareCall");

  /**
   * {@code channel.register(selector, ops)}: the selector's key set holds the channel from then on
   * (the key's {@code channel()}), and code that registers a channel closes it through its key
   * when the selector is done with it (zookeeper's {@code ClientCnxnSocketNIO}: {@code sockKey =
   * sock.register(selector, OP_CONNECT)}, closed in {@code cleanup()} through {@code sockKey}).
   * Registering hands the channel on, whether the key is kept or not.
   */
  static final Matcher<ExpressionTree> REGISTERS_WITH_SELECTOR =
      instanceMethod().onDescendantOf("java.nio.channels.SelectableChannel").named("register");

  /**
   * Views of a resource whose {@code close()} closes the resource itself: a file stream's or
   * {@code RandomAccessFile}'s {@code getChannel()} (the channel closes its parent), a socket
   * channel's {@code socket()} adaptor (the adaptor closes its channel). Closing the view releases
   * the resource, and handing the view off hands it off. Not a socket's streams: closing them also
   * closes the socket, but they are routinely wrapped into readers that live elsewhere while the
   * socket is closed where it was opened.
   */
  static final Matcher<ExpressionTree> CLOSING_VIEW =
      anyOf(
          instanceMethod()
              .onDescendantOfAny(
                  "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.RandomAccessFile")
              .named("getChannel"),
          instanceMethod()
              .onDescendantOfAny(
                  "java.nio.channels.ServerSocketChannel",
                  "java.nio.channels.SocketChannel",
                  "java.nio.channels.DatagramChannel")
              .named("socket"),
          // OkHttp: closing a response's body closes the response (and frees its connection);
          // closing the body's stream, reader or source closes the body (`byteStream()` is
          // `source().inputStream()`, `charStream()` a reader on it).
          instanceMethod().onDescendantOf("okhttp3.Response").named("body"),
          instanceMethod()
              .onDescendantOf("okhttp3.ResponseBody")
              .namedAnyOf("byteStream", "charStream", "source"),
          // Apache HttpClient 4 and 5: closing the content stream of a response's entity gives
          // the connection back to the pool, which is what closing the response is for ("close
          // either the content stream … or the response itself", its tutorial).
          instanceMethod()
              .onDescendantOfAny(
                  "org.apache.http.HttpResponse", "org.apache.hc.core5.http.ClassicHttpResponse")
              .named("getEntity"),
          instanceMethod()
              .onDescendantOfAny("org.apache.http.HttpEntity", "org.apache.hc.core5.http.HttpEntity")
              .named("getContent"),
          // Apache HttpClient 4 and 5: a managed connection's socket is all it holds of the OS;
          // closing the socket it hands out releases it (httpclient5's ProxyClient.tunnel returns
          // `conn.getSocket()` for its caller to use and close).
          instanceMethod()
              .onDescendantOfAny(
                  "org.apache.http.conn.ManagedHttpClientConnection",
                  "org.apache.hc.client5.http.io.ManagedHttpClientConnection")
              .named("getSocket"));

  /**
   * A blocking HTTP call whose response holds a pooled connection until it is closed: Apache
   * HttpClient 4's and 5's {@code CloseableHttpClient.execute(request)} (a {@code
   * CloseableHttpResponse}; the forms that take a response handler return what the handler makes,
   * which owes nothing) and OkHttp's {@code call.execute()}. A response left open starves the pool
   * ("Timeout waiting for connection from pool"; OkHttp logs "A connection … was leaked").
   */
  private static final Matcher<ExpressionTree> HTTP_CLIENT_EXECUTE =
      anyOf(
          instanceMethod()
              .onDescendantOfAny(
                  "org.apache.http.impl.client.CloseableHttpClient",
                  "org.apache.hc.client5.http.impl.classic.CloseableHttpClient")
              .named("execute"),
          instanceMethod().onDescendantOf("okhttp3.Call").named("execute"));

  /**
   * OkHttp's body reads that consume the whole body and close it as they return ({@code
   * response.body().string()}): they release the response the body belongs to.
   */
  /**
   * A builder of one close for many that closes what it is given, in order or at once, when the
   * closeable it builds is closed: Apache MINA SSHD's {@code builder().sequential(connector,
   * ioServiceFactory).build()}, which its services return from {@code getInnerCloseable()}.
   */
  static final Matcher<ExpressionTree> CLOSES_WHAT_IT_COLLECTS =
      instanceMethod()
          .onDescendantOf("org.apache.sshd.common.util.closeable.Builder")
          .namedAnyOf("sequential", "parallel", "close");

  /**
   * The JDK's atomic references' unconditional stores, which keep their last argument: {@code
   * ref.set(v)}, {@code getAndSet(v)}, {@code lazySet(v)}, {@code array.set(i, v)}, {@code
   * updater.set(holder, v)} (httpcore5's {@code accessFileRef.getAndSet(accessFile)}). Not {@code
   * compareAndSet}, which keeps it only when it succeeds.
   */
  static final Matcher<ExpressionTree> ATOMIC_REFERENCE_STORE =
      instanceMethod()
          .onDescendantOfAny(
              "java.util.concurrent.atomic.AtomicReference",
              "java.util.concurrent.atomic.AtomicReferenceArray",
              "java.util.concurrent.atomic.AtomicReferenceFieldUpdater")
          .namedAnyOf("set", "lazySet", "getAndSet", "setPlain", "setOpaque", "setRelease");

  static final Matcher<ExpressionTree> CONSUMES_AND_CLOSES =
      instanceMethod().onDescendantOf("okhttp3.ResponseBody").namedAnyOf("string", "bytes", "byteString");

  /**
   * Library classes whose every constructor allocates native memory that only {@code close()}
   * frees: RocksJava's {@code ReadOptions}, {@code WriteOptions}, {@code WriteBatch}, {@code
   * Options}, {@code LRUCache}, … (its documentation: a Java object backed by a C++ object must be
   * closed explicitly). Only their constructors acquire: its accessors drop the {@code get}
   * ({@code readOptions.snapshot()}, {@code options.env()}) and return objects something else owns.
   */
  static final ImmutableList<String> NATIVE_HANDLE_CLASSES =
      ImmutableList.of("org.rocksdb.AbstractNativeReference");

  /**
   * Library classes that hold something only a method of their own, not {@code close()}, gives
   * back: a {@code Deflater}'s or {@code Inflater}'s zlib stream is native memory that {@code
   * end()} frees (otherwise a cleaner frees it once a garbage collection finds the object
   * unreachable, which native memory does not prompt), and Android's {@code TypedArray} is a
   * pooled object that {@code recycle()} returns. Each class, with the method that releases it.
   */
  static final ImmutableMap<String, String> RELEASED_BY_OWN_METHOD =
      ImmutableMap.of(
          "java.util.zip.Deflater", "end",
          "java.util.zip.Inflater", "end",
          "android.content.res.TypedArray", "recycle");

  /**
   * The JDK's streams built on a {@code Deflater} or {@code Inflater} the caller gives them, with
   * the protected field that keeps it. Their {@code close()} ends only a codec they made
   * themselves, never one given to them; a subclass can end it there ({@code new
   * DeflaterOutputStream(out, new Deflater()) { public void close() … def.end(); }}).
   */
  private static final ImmutableMap<String, String> CODEC_STREAMS =
      ImmutableMap.of(
          "java.util.zip.DeflaterOutputStream", "def",
          "java.util.zip.DeflaterInputStream", "def",
          "java.util.zip.InflaterInputStream", "inf",
          "java.util.zip.InflaterOutputStream", "inf");

  /**
   * The field of {@code creation}'s class that keeps its argument {@code index}, when that is the
   * {@code Deflater} or {@code Inflater} of one of the JDK's codec streams ({@link
   * #CODEC_STREAMS}); null otherwise.
   */
  static @Nullable String codecField(NewClassTree creation, int index, VisitorState state) {
    MethodSymbol constructor = ASTHelpers.getSymbol(creation);
    if (constructor == null
        || index < 0
        || index >= constructor.getParameters().size()) {
      return null;
    }
    Type parameter = constructor.getParameters().get(index).asType();
    Type constructed = ASTHelpers.getType(creation);
    for (Map.Entry<String, String> stream : CODEC_STREAMS.entrySet()) {
      String codec =
          stream.getValue().equals("def") ? "java.util.zip.Deflater" : "java.util.zip.Inflater";
      if (TypeNames.isSubtype(constructed, stream.getKey(), state)
          && TypeNames.isSubtype(parameter, codec, state)) {
        return stream.getValue();
      }
    }
    return null;
  }

  /**
   * Whether the class body of {@code creation} overrides {@code close()} with a body that ends
   * the codec its {@code field} keeps ({@code def.end()}): the stream then owns the codec.
   */
  static boolean endsCodecOnClose(NewClassTree creation, String field) {
    if (creation.getClassBody() == null) {
      return false;
    }
    for (Tree member : creation.getClassBody().getMembers()) {
      if (member instanceof MethodTree method
          && method.getName().contentEquals("close")
          && method.getParameters().isEmpty()
          && method.getBody() != null
          && OwnCodeScanner.anyInvocation(
              method.getBody(),
              invocation ->
                  invocation instanceof MethodInvocationTree call
                      && call.getArguments().isEmpty()
                      && ASTHelpers.getSymbol(call) != null
                      && ASTHelpers.getSymbol(call).getSimpleName().contentEquals("end")
                      && ASTHelpers.getReceiver(call) instanceof IdentifierTree receiver
                      && receiver.getName().contentEquals(field)
                      && ASTHelpers.getSymbol(receiver) != null
                      && ASTHelpers.getSymbol(receiver).getKind() == ElementKind.FIELD)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The calls that hand out a new {@code TypedArray}: {@code Context}'s, {@code Theme}'s and
   * {@code Resources}' {@code obtainStyledAttributes}, {@code obtainAttributes} and {@code
   * obtainTypedArray}.
   */
  static final Matcher<ExpressionTree> TYPED_ARRAY_FACTORY =
      instanceMethod()
          .onDescendantOfAny(
              "android.content.Context",
              "android.content.res.Resources",
              "android.content.res.Resources.Theme")
          .namedAnyOf("obtainStyledAttributes", "obtainAttributes", "obtainTypedArray");

  /**
   * The method {@link #RELEASED_BY_OWN_METHOD} names for {@code type} (or a supertype), or null
   * when {@code close()} releases it.
   */
  static @Nullable String ownReleaseMethod(@Nullable Type type, VisitorState state) {
    if (type == null || type.isPrimitiveOrVoid()) {
      return null;
    }
    for (var entry : RELEASED_BY_OWN_METHOD.entrySet()) {
      if (TypeNames.isSubtype(type, entry.getKey(), state)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /**
   * A socket's streams. Closing one closes the socket ({@code Socket.getInputStream()}'s contract),
   * so it releases the socket; handing one on does not hand the socket on (see {@link
   * #CLOSING_VIEW}).
   */
  static final Matcher<ExpressionTree> SOCKET_STREAM =
      instanceMethod()
          .onDescendantOf("java.net.Socket")
          .namedAnyOf("getInputStream", "getOutputStream");

  /**
   * A file's descriptor. A stream built on it ({@code new FileInputStream(file.getFD())}) shares
   * it, and closing either closes every stream on the descriptor ({@code FileDescriptor.closeAll}),
   * so closing the stream releases the file it came from.
   */
  static final Matcher<ExpressionTree> FILE_DESCRIPTOR =
      instanceMethod()
          .onDescendantOfAny(
              "java.io.RandomAccessFile", "java.io.FileInputStream", "java.io.FileOutputStream")
          .named("getFD");

  /**
   * Fluent calls of the JDK's writers and print streams that return their receiver ({@code
   * writer.append(s)}, {@code out.printf(…)}): {@code w = w.append(s)} keeps the same writer.
   */
  static final Matcher<ExpressionTree> RETURNS_RECEIVER =
      anyOf(
          instanceMethod()
              .onDescendantOfAny("java.io.Writer", "java.io.PrintStream")
              .named("append"),
          instanceMethod()
              .onDescendantOfAny("java.io.PrintWriter", "java.io.PrintStream")
              .namedAnyOf("printf", "format"));

  /** A URL connection's streams, which {@code HttpURLConnection.disconnect()} also closes. */
  static final Matcher<ExpressionTree> URL_CONNECTION_STREAM =
      instanceMethod()
          .onDescendantOf("java.net.URLConnection")
          .namedAnyOf("getInputStream", "getOutputStream");

  /**
   * JDK factories whose every call opens a resource the caller must close. {@code
   * FileSystems.newFileSystem} is ResourceSpec's (only some of its overloads own), so is {@code
   * HttpClient} (closeable only from JDK 21 on).
   */
  static final Matcher<ExpressionTree> ALWAYS_OWNED =
      anyOf(
          // java.nio.file: streams, channels, readers and directory streams over a file.
          staticMethod()
              .onClass("java.nio.file.Files")
              .namedAnyOf(
                  "newInputStream",
                  "newOutputStream",
                  "newBufferedReader",
                  "newBufferedWriter",
                  "newByteChannel",
                  "lines",
                  "list",
                  "walk",
                  "find",
                  "newDirectoryStream"),
          // java.nio.channels: every open() makes a channel or selector.
          staticMethod()
              .onClassAny(
                  "java.nio.channels.FileChannel",
                  "java.nio.channels.AsynchronousFileChannel",
                  "java.nio.channels.SocketChannel",
                  "java.nio.channels.ServerSocketChannel",
                  "java.nio.channels.DatagramChannel",
                  "java.nio.channels.AsynchronousSocketChannel",
                  "java.nio.channels.AsynchronousServerSocketChannel",
                  "java.nio.channels.Selector")
              .named("open"),
          // java.sql / javax.sql: connections, from the driver manager or a data source, and the
          // statements made on them.
          staticMethod().onClass("java.sql.DriverManager").named("getConnection"),
          STATEMENT_FACTORY,
          instanceMethod().onDescendantOf("javax.sql.DataSource").named("getConnection"),
          // java.net: an accepted connection.
          instanceMethod().onDescendantOf("java.net.ServerSocket").named("accept"),
          instanceMethod().onDescendantOf("java.nio.channels.ServerSocketChannel").named("accept"));

  /**
   * Calls whose names say they make a resource but whose library documents a view: curator's
   * {@code CuratorFramework.newWatcherRemoveCuratorFramework()} returns a facade over the client
   * it is called on, whose {@code close()} throws {@code UnsupportedOperationException}; its
   * release is {@code removeWatchers()}, which is not a resource's. (Where curator's own source is
   * compiled, its implementations say the same: {@code OwnershipSummaries} reads them.)
   */
  static final Matcher<ExpressionTree> NOT_OWNED_DESPITE_NAME =
      instanceMethod()
          .onDescendantOf("org.apache.curator.framework.CuratorFramework")
          .named("newWatcherRemoveCuratorFramework");

  /**
   * Calls that open a resource although their names read like getters; {@link #ownedBecause} says
   * why in the diagnostic. Where the called method's source is in the compilation and only
   * returns a field (mariadb's {@code MariaDbPoolConnection.getConnection()} hands out the
   * physical connection it holds), the source says otherwise and wins.
   */
  private static final Matcher<ExpressionTree> OWNED_DESPITE_NAME =
      anyOf(
          // A class-path resource: a new stream over a file or a jar entry each time.
          instanceMethod()
              .onDescendantOfAny("java.lang.Class", "java.lang.ClassLoader")
              .named("getResourceAsStream"),
          staticMethod().onClass("java.lang.ClassLoader").named("getSystemResourceAsStream"),
          // A URL connection's streams: not closing them keeps the socket from the keep-alive
          // cache. Debatable, as disconnect() also frees it: so the stream is also closed with
          // its connection (ResourceSpec.closedWith).
          URL_CONNECTION_STREAM,
          // A pooled connection hands out a new logical connection each time.
          instanceMethod()
              .onDescendantOfAny("javax.sql.PooledConnection", "javax.sql.XAConnection")
              .named("getConnection"),
          instanceMethod()
              .onDescendantOf("javax.sql.ConnectionPoolDataSource")
              .named("getPooledConnection"),
          instanceMethod().onDescendantOf("javax.sql.XADataSource").named("getXAConnection"),
          // An audio stream over a file or URL.
          staticMethod().onClass("javax.sound.sampled.AudioSystem").named("getAudioInputStream"),
          // A new file manager holding open jar files.
          instanceMethod()
              .onDescendantOf("javax.tools.JavaCompiler")
              .named("getStandardFileManager"),
          // An S3 object's content streams over the HTTP connection it came on (AWS SDK 1's
          // S3Object, 2's ResponseInputStream): left open, it holds that connection from the
          // client's pool. The overloads that write to a file return metadata and owe nothing.
          instanceMethod()
              .onDescendantOfAny(
                  "com.amazonaws.services.s3.AmazonS3",
                  "software.amazon.awssdk.services.s3.S3Client")
              .named("getObject"),
          // Commons IO: an iterator over a file's lines holds a reader on the file until it is
          // closed (its Javadoc's pattern: `try { … } finally { it.close(); }`).
          staticMethod().onClass("org.apache.commons.io.FileUtils").named("lineIterator"));

  /**
   * Jackson's one-call reads and writes of a whole value from or to a stream, reader or writer
   * ({@code mapper.readValue(in, Foo.class)}, {@code writer.writeValue(out, v)}): the parser or
   * generator they make closes it when they return or throw, by Jackson's defaults ({@code
   * JsonParser.Feature.AUTO_CLOSE_SOURCE}, {@code JsonGenerator.Feature.AUTO_CLOSE_TARGET}).
   * Their forms that take a {@code JsonParser} or {@code JsonGenerator} close nothing.
   */
  private static final Matcher<ExpressionTree> JACKSON_READ_OR_WRITE =
      instanceMethod()
          .onDescendantOfAny(
              "com.fasterxml.jackson.databind.ObjectMapper",
              "com.fasterxml.jackson.databind.ObjectReader",
              "com.fasterxml.jackson.databind.ObjectWriter")
          .namedAnyOf("readValue", "readTree", "writeValue");

  /**
   * PDFBox's font parsers reading a font from a stream ({@code new TTFParser().parse(in)}, {@code
   * parseEmbedded(in)}, the {@code OTFParser} subclass's too): they copy it into memory and close
   * it in a {@code finally} (fontbox's {@code MemoryTTFDataStream}), whether the read succeeds or
   * not. PDFBox 3's {@code parse(RandomAccessRead)} forms take no stream and close nothing here.
   */
  private static final Matcher<ExpressionTree> FONTBOX_PARSE =
      instanceMethod()
          .onDescendantOf("org.apache.fontbox.ttf.TTFParser")
          .namedAnyOf("parse", "parseEmbedded");

  private static final TypeNames.AnyOf STREAM_READER_OR_WRITER =
      TypeNames.anyOf("java.io.InputStream", "java.io.Reader", "java.io.OutputStream", "java.io.Writer");

  /**
   * Whether {@code call} closes its first argument as it returns or throws, though it is no closer
   * by name: Jackson's whole-value reads and writes from and to a stream, PDFBox's font parsers
   * reading a stream.
   */
  static boolean closesFirstArgument(MethodInvocationTree call, VisitorState state) {
    if (!JACKSON_READ_OR_WRITE.matches(call, state) && !FONTBOX_PARSE.matches(call, state)) {
      return false;
    }
    MethodSymbol method = ASTHelpers.getSymbol(call);
    return method != null
        && !method.getParameters().isEmpty()
        && STREAM_READER_OR_WRITER.test(method.getParameters().get(0).asType(), state);
  }

  /** A client borrowed from a Jedis pool: its close() gives the connection back to the pool. */
  private static final Matcher<ExpressionTree> POOLED_CLIENT =
      instanceMethod()
          .onDescendantOfAny("redis.clients.jedis.util.Pool", "redis.clients.util.Pool")
          .named("getResource");

  /** {@code HttpResponse.body()} of a response read with {@code ofInputStream()} or {@code ofLines()}. */
  private static final Matcher<ExpressionTree> HTTP_RESPONSE_BODY =
      instanceMethod().onDescendantOf("java.net.http.HttpResponse").named("body");

  /** A pool or data source of a library that is not a {@code javax.sql.DataSource}. */
  private static final Pattern POOL_TYPE_NAME =
      Pattern.compile(".*(DataSource|Pool|ConnectionProvider|ConnectionFactory|ConnectionManager)");

  /** Names that say the call makes something. */
  private static final Pattern MAKING_NAME =
      Pattern.compile("(open|new|create|connect)([A-Z0-9_].*)?|accept");

  /** Whether {@code method}'s name says it makes something ({@code open…}, {@code create…}, …). */
  static boolean makesByName(MethodSymbol method) {
    return MAKING_NAME.matcher(method.getSimpleName().toString()).matches();
  }

  /** I/O resources: what {@link #MAKING_NAME} calls must return to be owned. */
  private static final ImmutableList<String> IO_RESOURCE_TYPES =
      ImmutableList.of(
          "java.io.Closeable",
          "java.nio.channels.Channel",
          "java.sql.Connection",
          "java.sql.Statement",
          "java.sql.ResultSet");

  /** Closeable types that hold no OS resource, or that another check or rule owns. */
  private static final ImmutableList<String> NOT_IO_RESOURCE_TYPES =
      ImmutableList.of(
          "java.util.stream.BaseStream",
          "java.util.concurrent.ExecutorService",
          "java.net.http.HttpClient");

  /**
   * Library constructors of objects that are not closeable and only read the stream they are given
   * (or read it lazily, but never close it): the caller still owns the stream. Any other
   * non-closeable object built around a resource is taken to keep it.
   */
  static final Matcher<ExpressionTree> BORROWING_CONSTRUCTOR =
      constructor()
          .forClass(
              TypePredicates.isExactTypeAny(
                  ImmutableList.<String>builder()
                      .addAll(Holders.TYPES)
                      .add("java.util.jar.Manifest", "java.util.PropertyResourceBundle")
                      .build()));

  /**
   * The {@link #BORROWING_CONSTRUCTOR}s whose object keeps the stream to read or write it later
   * (not a {@code Manifest} or a {@code PropertyResourceBundle}, which read it all at once): handed
   * on, returned or stored, such a holder takes the stream with it (an {@code EntityResolver}'s
   * {@code return new InputSource(in)}: the parser that asked for it reads and closes it).
   */
  static final Matcher<ExpressionTree> HOLDING_BORROWER =
      constructor().forClass(TypePredicates.isExactTypeAny(Holders.TYPES));

  /** The borrowers that keep what they borrow (a holder class, so that both lists can use it). */
  private static final class Holders {
    static final ImmutableList<String> TYPES =
        ImmutableList.of(
            "org.xml.sax.InputSource",
            "javax.xml.transform.stream.StreamSource",
            "javax.xml.transform.stream.StreamResult",
            "java.io.StreamTokenizer");
  }

  /**
   * Why the caller owns what {@code call} (a library method with no source here) returns, or null
   * when the model says it does not. Not for {@link #ALWAYS_OWNED}, whose calls say it themselves.
   */
  static @Nullable String ownedBecause(
      MethodInvocationTree call, MethodSymbol method, Type type, VisitorState state) {
    String name = method.getSimpleName().toString();
    String despiteName = ownedDespiteName(call, type, state);
    if (despiteName != null) {
      return despiteName;
    }
    if (HTTP_RESPONSE_BODY.matches(call, state) && isIoResource(type, state)) {
      return "an HTTP response body read as a stream holds the connection";
    }
    if (HTTP_CLIENT_EXECUTE.matches(call, state) && isIoResource(type, state)) {
      return "an HTTP response holds its pooled connection until it is closed";
    }
    if (POOLED_CLIENT.matches(call, state) && isIoResource(type, state)) {
      return "`" + callText(call) + "` takes a connection from a pool";
    }
    if (name.equals("getConnection")
        && TypeNames.isSubtype(type, "java.sql.Connection", state)
        && !method.owner.getQualifiedName().toString().startsWith("java.sql.")
        && POOL_TYPE_NAME.matcher(method.owner.getSimpleName().toString()).matches()) {
      return "`" + callText(call) + "` takes a connection from a pool";
    }
    if (MAKING_NAME.matcher(name).matches()
        && isIoResource(type, state)
        && !takesIoResource(call, state)
        && !returnsItsReceiver(method, state)) {
      return "`" + callText(call) + "` opens a new " + noun(type) + ", as its name says";
    }
    return null;
  }

  /**
   * An instance method that returns its own class, as the NIO channels' {@code connect}, {@code
   * bind} and {@code disconnect} return the channel they are called on ({@code
   * datagramChannel.connect(address)}, mina's {@code NioDatagramConnector}): the value is the
   * receiver, which its opener owns, not a new resource.
   */
  private static boolean returnsItsReceiver(MethodSymbol method, VisitorState state) {
    return !method.isStatic()
        && method.owner != null
        && state
            .getTypes()
            .isSameType(
                state.getTypes().erasure(method.getReturnType()),
                state.getTypes().erasure(method.owner.type));
  }

  /**
   * Why the caller owns what {@code call} returns when it is one of {@link #OWNED_DESPITE_NAME}'s
   * library calls, or null. Asked before the callee's source is read: these are the library's
   * own documented contracts, and hold where the library itself is compiled too (Commons IO's
   * {@code FileUtils.lineIterator} builds its iterator through helpers a summary cannot follow).
   */
  static @Nullable String ownedDespiteName(
      MethodInvocationTree call, Type type, VisitorState state) {
    return OWNED_DESPITE_NAME.matches(call, state)
        ? "`" + callText(call) + "` opens a new " + noun(type) + " each call"
        : null;
  }

  /**
   * Whether an argument is itself an I/O resource: {@code jsonFactory.createParser(in)}, {@code
   * sslFactory.createSocket(socket, host, port, true)} make a view or layer over a resource the
   * caller already owns, not a new one.
   */
  private static boolean takesIoResource(MethodInvocationTree call, VisitorState state) {
    for (ExpressionTree argument : call.getArguments()) {
      if (isIoResource(ASTHelpers.getType(argument), state)) {
        return true;
      }
    }
    return false;
  }

  /** An I/O resource type: closeable, and not a stream pipeline, an executor or an HTTP client. */
  static boolean isIoResource(@Nullable Type type, VisitorState state) {
    if (type == null) {
      return false;
    }
    for (String excluded : NOT_IO_RESOURCE_TYPES) {
      if (TypeNames.isSubtype(type, excluded, state)) {
        return false;
      }
    }
    for (String resource : IO_RESOURCE_TYPES) {
      if (TypeNames.isSubtype(type, resource, state)) {
        return true;
      }
    }
    return false;
  }

  private static String noun(Type type) {
    return "`" + type.tsym.getSimpleName() + "`";
  }

  /** {@code url.openStream()}, {@code getClass().getResourceAsStream(...)}. */
  static String callText(MethodInvocationTree call) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    String name = ASTHelpers.getSymbol(call).getSimpleName().toString();
    String prefix = "";
    if (receiver != null) {
      String text = receiver.toString();
      prefix = (text.length() <= 30 ? text : "…") + ".";
    }
    return prefix + name + (call.getArguments().isEmpty() ? "()" : "(...)");
  }
}
