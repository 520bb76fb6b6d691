package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link UnclosedResource} on resources a class opens into its own fields: no method closes them,
 * or a new one replaces one still open. Positives beside the fields that are not the class's to
 * close (injected, handed out) or that some method closes; and the fix that closes the field in
 * the class's {@code close()}, or makes the class {@code AutoCloseable}.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceFieldsTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  @Test
  public void identification_fieldNoMethodCloses() {
    helper
        .addSourceLines(
            "Log.java",
            "import java.io.*;",
            "import java.net.Socket;",
            "class Log {",
            "  // BUG: Diagnostic contains: Field `out` holds a `FileOutputStream` opened by `Log`, but no method of `Log` closes it",
            "  private OutputStream out;",
            "  // BUG: Diagnostic contains: Field `reader` holds a `FileReader` opened by its initializer",
            "  private final BufferedReader reader = new BufferedReader(new FileReader(\"in.txt\"));",
            "  Log(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "  void write(int b) throws IOException {",
            "    out.write(b);",
            "  }",
            "  String line() throws IOException {",
            "    return reader.readLine();",
            "  }",
            "  Log() throws IOException { this(new File(\"x\")); }",
            "}")
        .addSourceLines(
            "Pair.java",
            "import java.io.*;",
            "class Pair implements Closeable {",
            "  private final InputStream a;",
            "  // BUG: Diagnostic contains: close it in close()",
            "  private final InputStream b;",
            "  Pair(File x, File y) throws IOException {",
            "    // A leak of its own: the constructor fails if `b` cannot be opened (see"
                + " UnclosedResourceConstructorFieldsTest).",
            "    // BUG: Diagnostic contains: `a` is not closed if `new FileInputStream(...)` throws:"
                + " the constructor fails",
            "    a = new FileInputStream(x);",
            "    b = new FileInputStream(y);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    a.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The stores into fields are listed once per file for every class and check ({@code
   * UnitIndex}); each class still counts only its own fields' stores made inside it: a nested
   * class (or a lambda) opening into the outer class's field is the outer class's creation, a
   * sibling class of the same file opening into it is not, and neither is a store into the nested
   * class's own field, reported at the nested class.
   */
  @Test
  public void identification_storesOfOneFileCountForTheClassTheyAreWrittenIn() {
    helper
        .addSourceLines(
            "Outer.java",
            "import java.io.*;",
            "class Outer {",
            "  // BUG: Diagnostic contains: Field `log` holds a `FileOutputStream` opened by `Outer`",
            "  private OutputStream log;",
            "  OutputStream lent;",
            "  class Opener {",
            "    // BUG: Diagnostic contains: Field `own` holds a `FileInputStream` opened by `Opener`",
            "    private InputStream own;",
            "    // Given only by Outer, which can reach a nested class's private fields: not Opener's.",
            "    private InputStream given;",
            "    void open(File f) throws IOException {",
            "      log = new FileOutputStream(f);",
            "      own = new FileInputStream(f);",
            "    }",
            "    int read() throws IOException {",
            "      return own.read() + given.read();",
            "    }",
            "  }",
            "  void give(Opener opener, File f) throws IOException {",
            "    opener.given = new FileInputStream(f);",
            "  }",
            "  void write(int b) throws IOException {",
            "    log.write(b);",
            "    lent.write(b);",
            "  }",
            "}",
            "class Sibling {",
            "  void give(Outer outer, File f) throws IOException {",
            "    // Handed to `outer`; and `lent` is not Outer's creation: Outer reports nothing for it.",
            "    outer.lent = new FileOutputStream(f);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * h2 TcpServer.start / PgServer.start: {@code try { serverSocket = open(port); } catch (E e) {
   * serverSocket = open(0); }} runs the catch only when the first assignment did not complete, so
   * nothing is replaced. When more of the try runs after the assignment, the catch can replace an
   * open socket.
   */
  @Test
  public void identification_fieldAssignedInTheCatchOfItsOwnFailedAssignment_h2TcpServer() {
    helper
        .addSourceLines(
            "Server.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Server implements Closeable {",
            "  private ServerSocket serverSocket;",
            "  void start(int port) throws IOException {",
            "    try {",
            "      serverSocket = new ServerSocket(port);",
            "    } catch (BindException e) {",
            "      serverSocket = new ServerSocket(0);",
            "    }",
            "  }",
            "  void startTuned(int port) throws IOException {",
            "    try {",
            "      serverSocket = new ServerSocket(port);",
            "      serverSocket.setSoTimeout(1000);",
            "    } catch (SocketException e) {",
            "      // BUG: Diagnostic contains: Field `serverSocket` is given a new `ServerSocket`",
            "      serverSocket = new ServerSocket(0);",
            "    }",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    if (serverSocket != null) {",
            "      serverSocket.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_fieldReplacedWhileOpen() {
    helper
        .addSourceLines(
            "Rolling.java",
            "import java.io.*;",
            "class Rolling implements Closeable {",
            "  private OutputStream out;",
            "  Rolling(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "  void roll(File next) throws IOException {",
            "    // BUG: Diagnostic contains: Field `out` is given a new `FileOutputStream` while the previous one may still be open",
            "    out = new FileOutputStream(next);",
            "  }",
            "  void rollSafely(File next) throws IOException {",
            "    out.close();",
            "    out = new FileOutputStream(next);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    out.close();",
            "  }",
            "}")
        .addSourceLines(
            "Listener.java",
            "import java.io.*;",
            "import java.net.*;",
            "// zookeeper ObserverMaster.start(): one socket per run, chosen by the branches",
            "class Listener implements Runnable {",
            "  private ServerSocket ss;",
            "  synchronized void start(boolean all, int port, InetAddress address) throws IOException {",
            "    if (all) {",
            "      ss = new ServerSocket(port, 10);",
            "    } else {",
            "      ss = new ServerSocket(port, 10, address);",
            "    }",
            "  }",
            "  public void run() {}",
            "  synchronized void halt() throws IOException {",
            "    ss.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Initializer blocks run in order, then a constructor's body: a second resource stored while the
   * object is being built replaces the first for good, even in a class that closes nothing (which
   * is reported on the field as well).
   */
  /**
   * jgroups' {@code BPING.start()}: a retry loop over ports assigns the field and breaks out at
   * the first success, so it stores one socket per run. A loop that goes on after the store
   * (accepting one client after another into the field) replaces one that may still be open.
   */
  @Test
  public void identification_retryLoopThatStopsAtItsFirstStoreDoesNotReplace() {
    helper
        .addSourceLines(
            "Ping.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Ping implements Closeable {",
            "  private DatagramSocket sock;",
            "  void start(int first, int range) {",
            "    for (int port = first; port <= first + range; port++) {",
            "      try {",
            "        sock = new DatagramSocket(port);",
            "        break;",
            "      } catch (SocketException e) {",
            "        if (port == first + range) {",
            "          throw new IllegalStateException(e);",
            "        }",
            "      }",
            "    }",
            "  }",
            "  @Override",
            "  public void close() {",
            "    sock.close();",
            "  }",
            "}")
        .addSourceLines(
            "Acceptor.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Acceptor implements Closeable {",
            "  private ServerSocket server;",
            "  private Socket client;",
            "  void serve() throws IOException {",
            "    for (;;) {",
            "      // BUG: Diagnostic contains: Field `client` is given a new `Socket` while the previous one may still be open",
            "      client = server.accept();",
            "      if (client.isClosed()) {",
            "        break;",
            "      }",
            "    }",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    client.close();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_fieldReplacedWhileTheObjectIsBuilt() {
    helper
        .addSourceLines(
            "Twice.java",
            "import java.net.Socket;",
            "class Twice {",
            "  // BUG: Diagnostic contains: no method of `Twice` closes it",
            "  private Socket s;",
            "  {",
            "    try {",
            "      s = new Socket(\"localhost\", 5);",
            "    } catch (Exception e) {",
            "    }",
            "  }",
            "  {",
            "    try {",
            "      // BUG: Diagnostic contains: Field `s` is given a new `Socket` while the previous one",
            "      s = new Socket(\"localhost\", 6);",
            "    } catch (Exception e) {",
            "    }",
            "  }",
            "  Twice() throws Exception {",
            "    // BUG: Diagnostic contains: Field `s` is given a new `Socket` while the previous one",
            "    s = new Socket(\"localhost\", 7);",
            "  }",
            "  Twice(int port) throws Exception {",
            "    this();",
            "    // BUG: Diagnostic contains: Field `s` is given a new `Socket` while the previous one",
            "    s = new Socket(\"localhost\", port);",
            "  }",
            "}")
        .addSourceLines(
            "Once.java",
            "import java.io.*;",
            "import java.net.Socket;",
            "class Once implements Closeable {",
            "  // Unconnected: it holds no OS socket, so replacing it leaks nothing.",
            "  private Socket s = new Socket();",
            "  private InputStream in;",
            "  {",
            "    in = null;",
            "  }",
            "  Once(String host) throws IOException {",
            "    s = new Socket(host, 7);",
            "  }",
            "  Once(File f) throws IOException {",
            "    in = new FileInputStream(f);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    try {",
            "      s.close();",
            "    } finally {",
            "      in.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void negatives_fieldsTheClassDoesNotOwnOrCloses() {
    helper
        .addSourceLines(
            "Owners.java",
            "import java.io.*;",
            "import java.net.*;",
            "import java.sql.*;",
            "class Injected {",
            "  private final InputStream in;",
            "  Injected(InputStream in) { this.in = in; }",
            "}",
            "class HandedOut {",
            "  private final InputStream in;",
            "  HandedOut(File f) throws IOException { in = new FileInputStream(f); }",
            "  InputStream stream() { return in; }",
            "}",
            "class ClosedByHelper implements Closeable {",
            "  private final InputStream in;",
            "  private final OutputStream out;",
            "  ClosedByHelper(File f) throws IOException {",
            "    // Closed by the class; but a failure of the constructor after the store leaks it (see"
                + " UnclosedResourceConstructorFieldsTest).",
            "    // BUG: Diagnostic contains: if `new FileOutputStream(...)` throws: the constructor"
                + " fails",
            "    in = new FileInputStream(f);",
            "    out = new FileOutputStream(f);",
            "  }",
            "  public void close() { closeAll(in, out); }",
            "  private static void closeAll(Closeable... all) {",
            "    for (Closeable c : all) {",
            "      try { c.close(); } catch (IOException e) { }",
            "    }",
            "  }",
            "}",
            "class StoppedInALifecycleMethod {",
            "  private ServerSocket server;",
            "  void start() throws IOException {",
            "    if (server == null) {",
            "      server = new ServerSocket(0);",
            "    }",
            "  }",
            "  void stop() throws IOException {",
            "    if (server != null) {",
            "      server.close();",
            "      server = null;",
            "    }",
            "  }",
            "}",
            "class ClosedByTryWithResources {",
            "  private final InputStream in;",
            "  ClosedByTryWithResources(File f) throws IOException { in = new FileInputStream(f); }",
            "  int readAll() throws IOException {",
            "    try (InputStream s = in) {",
            "      return s.read();",
            "    }",
            "  }",
            "}",
            "class Statements implements AutoCloseable {",
            "  private final Connection connection;",
            "  private final PreparedStatement insert;",
            "  Statements(String url) throws SQLException {",
            "    // BUG: Diagnostic contains: if `connection.prepareStatement(...)` throws: the"
                + " constructor fails",
            "    connection = DriverManager.getConnection(url);",
            "    insert = connection.prepareStatement(\"insert\");",
            "  }",
            "  public void close() throws SQLException { connection.close(); }",
            "}",
            "class SharedClient {",
            "  private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newHttpClient();",
            "}",
            "class UnconnectedUntilUsed implements Closeable {",
            "  private Socket sock = new Socket();",
            "  private final ServerSocket unbound = new ServerSocket();",
            "  UnconnectedUntilUsed(String host, int port) throws IOException {",
            "    sock = new Socket(host, port);",
            "  }",
            "  public void close() throws IOException { sock.close(); }",
            "}",
            "class Wrapped implements Closeable {",
            "  private final FileOutputStream raw;",
            "  private final PrintStream printer;",
            "  Wrapped(File f) throws IOException {",
            "    raw = new FileOutputStream(f);",
            "    printer = new PrintStream(raw);",
            "  }",
            "  public void close() { printer.close(); }",
            "}")
        .doTest();
  }

  /**
   * A {@code static final} field holds one resource for as long as its class is loaded, and nothing
   * can replace it: a singleton that the process's exit releases (the Checker Framework's {@code
   * StaticOwningField}). A static field that is not final can be given another, and is reported.
   */
  @Test
  public void identification_staticFinalFieldIsASingletonButAStaticFieldIsNot() {
    helper
        .addSourceLines(
            "Singletons.java",
            "import java.io.*;",
            "class Singletons {",
            "  private static final PrintStream AUDIT = open();",
            "  private static final OutputStream TRACE;",
            "  static {",
            "    try {",
            "      TRACE = new FileOutputStream(\"trace.log\");",
            "    } catch (IOException e) {",
            "      throw new UncheckedIOException(e);",
            "    }",
            "  }",
            "  // BUG: Diagnostic contains: Field `current` holds a `PrintStream` opened by its"
                + " initializer, but no method of `Singletons` closes it",
            "  private static PrintStream current = open();",
            "  static PrintStream open() {",
            "    try {",
            "      return new PrintStream(\"audit.log\");",
            "    } catch (FileNotFoundException e) {",
            "      throw new UncheckedIOException(e);",
            "    }",
            "  }",
            "  static void audit(String line) {",
            "    AUDIT.println(line);",
            "    current.println(line);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * commons-compress Pack200CompressorOutputStream: the field's own class has a {@code stop()}
   * that starts with {@code close();}, and the owner's {@code close()} calls it. That is a release;
   * a method that closes something else, or closes only after work that can throw, is not.
   */
  @Test
  public void negatives_fieldReleasedByAMethodOfItsOwnClassThatClosesIt() {
    helper
        .addSourceLines(
            "Bridge.java",
            """
            import java.io.*;
            class Bridge extends FilterOutputStream {
              private InputStream input;
              Bridge(OutputStream out) { super(out); }
              void stop() throws IOException {
                close();
                synchronized (this) {
                  if (input != null) {
                    input.close();
                    input = null;
                  }
                }
              }
              void flushAndStop() throws IOException {
                flush();
                this.close();
              }
              void drop() {
                input = null;
              }
            }
            """)
        .addSourceLines(
            "Compressor.java",
            """
            import java.io.*;
            class Compressor extends OutputStream {
              private final Bridge bridge;
              Compressor(File f) throws IOException { bridge = new Bridge(new FileOutputStream(f)); }
              @Override public void write(int b) throws IOException { bridge.write(b); }
              @Override public void close() throws IOException { bridge.stop(); }
            }
            """)
        .addSourceLines(
            "Dropper.java",
            """
            import java.io.*;
            class Dropper extends OutputStream {
              // BUG: Diagnostic contains: Field `bridge` holds a `FileOutputStream` opened by `Dropper`
              private final Bridge bridge;
              Dropper(File f) throws IOException { bridge = new Bridge(new FileOutputStream(f)); }
              @Override public void write(int b) throws IOException { bridge.write(b); }
              @Override public void close() throws IOException { bridge.drop(); }
            }
            """)
        .doTest();
  }

  /**
   * Apache MINA SSHD's services close their fields through the closeable their {@code
   * getInnerCloseable()} builds ({@code builder().sequential(connector, …).build()}), or through
   * {@code close(boolean immediately)}, an overload of {@code close} that the library's closeables
   * declare (SshClient, SshServer, TcpipServerChannel). A builder of another kind, whose method of
   * the same name only reads what it is given, still leaves the field unclosed.
   */
  @Test
  public void negatives_fieldClosedThroughACloseBuilderOrACloseOverload_sshd() {
    helper
        .addSourceLines(
            "Closeable.java",
            "package org.apache.sshd.common;",
            "public interface Closeable extends java.nio.channels.Channel {",
            "  Object close(boolean immediately);",
            "  @Override default void close() { close(false); }",
            "  @Override default boolean isOpen() { return true; }",
            "}")
        .addSourceLines(
            "Builder.java",
            "package org.apache.sshd.common.util.closeable;",
            "import org.apache.sshd.common.Closeable;",
            "public final class Builder {",
            "  // A stub: only the model can say that the real one closes what it is given.",
            "  public Builder sequential(Closeable... all) {",
            "    return this;",
            "  }",
            "  public Closeable build() { return null; }",
            "}")
        .addSourceLines(
            "Connector.java",
            "import org.apache.sshd.common.Closeable;",
            "interface Connector extends Closeable {}",
            "interface Factory { Connector createConnector(); }")
        .addSourceLines(
            "Client.java",
            "import org.apache.sshd.common.Closeable;",
            "import org.apache.sshd.common.util.closeable.Builder;",
            "class Client {",
            "  private Connector connector;",
            "  void start(Factory factory) { connector = factory.createConnector(); }",
            "  Closeable getInnerCloseable() { return new Builder().sequential(connector).build(); }",
            "}")
        .addSourceLines(
            "Channel.java",
            "class Channel {",
            "  private Connector connector;",
            "  void open(Factory factory) { connector = factory.createConnector(); }",
            "  void closeImmediately() { connector.close(true); }",
            "}")
        .addSourceLines(
            "Other.java",
            "class Other {",
            "  static final class Collector {",
            "    Collector sequential(Object... all) {",
            "      return this;",
            "    }",
            "  }",
            "  // BUG: Diagnostic contains: no method of `Other` closes it",
            "  private Connector connector;",
            "  void start(Factory factory) { connector = factory.createConnector(); }",
            "  Collector parts() { return new Collector().sequential(connector); }",
            "}")
        .doTest();
  }

  @Test
  public void identification_suppressedOnTheField() {
    helper
        .addSourceLines(
            "Kept.java",
            "import java.io.*;",
            "class Kept {",
            "  @SuppressWarnings(\"UnclosedResource\")",
            "  private final RandomAccessFile lock = new RandomAccessFile(\"lock\", \"rw\");",
            "  Kept() throws IOException {}",
            "}")
        .doTest();
  }

  @Test
  public void replacement_closeTheOldResourceBeforeReplacingIt() {
    refactoring
        .addInputLines(
            "Listener.java",
            "import java.io.*;",
            "import java.net.*;",
            "// zookeeper QuorumCnxManager.Listener: a retry loop rebinds the server socket",
            "class Listener implements Closeable {",
            "  private ServerSocket serverSocket;",
            "  private OutputStream out;",
            "  private volatile boolean shutdown;",
            "  Listener(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "  void acceptLoop(int port) {",
            "    while (!shutdown) {",
            "      try {",
            "        serverSocket = bind(port);",
            "        serverSocket.accept().close();",
            "      } catch (IOException e) {",
            "        shutdown = true;",
            "      }",
            "    }",
            "  }",
            "  private static ServerSocket bind(int port) throws IOException {",
            "    return new ServerSocket(port);",
            "  }",
            "  // close() throws IOException, which roll() does not declare",
            "  void roll(File next) throws FileNotFoundException {",
            "    out = new FileOutputStream(next);",
            "  }",
            "  void switchTo(int k, File f) throws IOException {",
            "    switch (k) {",
            "      case 1:",
            "        this.out = new FileOutputStream(f);",
            "        break;",
            "      default:",
            "    }",
            "  }",
            "  @Override",
            "  public synchronized void close() throws IOException {",
            "    try (OutputStream o = out; ServerSocket s = serverSocket) {",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Listener.java",
            "import java.io.*;",
            "import java.net.*;",
            "// zookeeper QuorumCnxManager.Listener: a retry loop rebinds the server socket",
            "class Listener implements Closeable {",
            "  private ServerSocket serverSocket;",
            "  private OutputStream out;",
            "  private volatile boolean shutdown;",
            "  Listener(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "  void acceptLoop(int port) {",
            "    while (!shutdown) {",
            "      try {",
            "        if (serverSocket != null) {",
            "          serverSocket.close();",
            "        }",
            "        serverSocket = bind(port);",
            "        serverSocket.accept().close();",
            "      } catch (IOException e) {",
            "        shutdown = true;",
            "      }",
            "    }",
            "  }",
            "  private static ServerSocket bind(int port) throws IOException {",
            "    return new ServerSocket(port);",
            "  }",
            "  // close() throws IOException, which roll() does not declare",
            "  void roll(File next) throws FileNotFoundException {",
            "    if (out != null) {",
            "      try {",
            "        out.close();",
            "      } catch (IOException e) {",
            "        throw new UncheckedIOException(e);",
            "      }",
            "    }",
            "    out = new FileOutputStream(next);",
            "  }",
            "  void switchTo(int k, File f) throws IOException {",
            "    switch (k) {",
            "      case 1:",
            "        if (this.out != null) {",
            "          this.out.close();",
            "        }",
            "        this.out = new FileOutputStream(f);",
            "        break;",
            "      default:",
            "    }",
            "  }",
            "  @Override",
            "  public synchronized void close() throws IOException {",
            "    try (OutputStream o = out; ServerSocket s = serverSocket) {",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  @Test
  public void replacement_closeBeforeReplacingItInAClassThatBecomesAutoCloseable() {
    // The class's other fix spans the whole class; the close it encloses edits apart from it.
    refactoring
        .addInputLines(
            "Twice.java",
            "import java.net.Socket;",
            "class Twice {",
            "  private Socket s;",
            "  {",
            "    try {",
            "      s = new Socket(\"localhost\", 5);",
            "    } catch (Exception e) {",
            "    }",
            "  }",
            "  Twice() throws Exception {",
            "    s = new Socket(\"localhost\", 7);",
            "  }",
            "}")
        .addOutputLines(
            "Twice.java",
            "import java.io.IOException;",
            "import java.net.Socket;",
            "class Twice implements AutoCloseable {",
            "  private Socket s;",
            "  {",
            "    try {",
            "      s = new Socket(\"localhost\", 5);",
            "    } catch (Exception e) {",
            "    }",
            "  }",
            "  Twice() throws Exception {",
            "    if (s != null) {",
            "      s.close();",
            "    }",
            "    s = new Socket(\"localhost\", 7);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    if (s != null) {",
            "      s.close();",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.AST_MATCH);
  }

  @Test
  public void identification_noCloseBeforeAReplacementThatReadsTheOldOne() {
    helper
        .addSourceLines(
            "Rolling.java",
            "import java.io.*;",
            "class Rolling implements Closeable {",
            "  private OutputStream out;",
            "  Rolling(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "  void reopen(File next) throws IOException {",
            "    // BUG: Diagnostic contains: close it before replacing it; no automatic fix: `open(...)`,"
                + " which builds the new value, reads the old one",
            "    out = open(next);",
            "  }",
            "  private OutputStream open(File next) throws IOException {",
            "    out.flush();",
            "    return new FileOutputStream(next);",
            "  }",
            "  void swap(File next) throws IOException {",
            "    OutputStream old;",
            "    // BUG: Diagnostic contains: no automatic fix: the assignment is not a statement of"
                + " its own in a block",
            "    old = (out = new FileOutputStream(next));",
            "    old.flush();",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    try (OutputStream o = out) {",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void replacement_closeInTheExistingClose() {
    refactoring
        .addInputLines(
            "Pair.java",
            "import java.io.*;",
            "class Pair implements Closeable {",
            "  private final InputStream a;",
            "  private InputStream b;",
            "  Pair(File x, File y) throws IOException {",
            "    a = new FileInputStream(x);",
            "    b = new FileInputStream(y);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    a.close();",
            "  }",
            "}")
        .addOutputLines(
            "Pair.java",
            "import java.io.*;",
            "class Pair implements Closeable {",
            "  private final InputStream a;",
            "  private InputStream b;",
            "  Pair(File x, File y) throws IOException {",
            "    a = new FileInputStream(x);",
            "    try {",
            "      b = new FileInputStream(y);",
            "    } catch (Throwable e) {",
            "      try {",
            "        a.close();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    try {",
            "      a.close();",
            "    } finally {",
            "      if (b != null) {",
            "        b.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.AST_MATCH);
  }

  @Test
  public void replacement_closeInTheMethodThatClosesItsSiblings() {
    refactoring
        .addInputLines(
            "Server.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Server {",
            "  private ServerSocket listener;",
            "  private OutputStream audit;",
            "  void start(int port, File log) throws IOException {",
            "    listener = new ServerSocket(port);",
            "    audit = new FileOutputStream(log);",
            "  }",
            "  void stop() throws IOException {",
            "    if (listener != null) {",
            "      listener.close();",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Server.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Server {",
            "  private ServerSocket listener;",
            "  private OutputStream audit;",
            "  void start(int port, File log) throws IOException {",
            "    listener = new ServerSocket(port);",
            "    audit = new FileOutputStream(log);",
            "  }",
            "  void stop() throws IOException {",
            "    try {",
            "      if (listener != null) {",
            "        listener.close();",
            "      }",
            "    } finally {",
            "      if (audit != null) {",
            "        audit.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.AST_MATCH);
  }

  @Test
  public void replacement_closeThatDeclaresNoIOException() {
    refactoring
        .addInputLines(
            "Quiet.java",
            "import java.io.*;",
            "class Quiet implements AutoCloseable {",
            "  private final InputStream in = new FileInputStream(\"x\");",
            "  Quiet() throws IOException {}",
            "  @Override",
            "  public void close() {",
            "  }",
            "}")
        .addOutputLines(
            "Quiet.java",
            "import java.io.*;",
            "class Quiet implements AutoCloseable {",
            "  private final InputStream in = new FileInputStream(\"x\");",
            "  Quiet() throws IOException {}",
            "  @Override",
            "  public void close() {",
            "    try {",
            "      in.close();",
            "    } catch (IOException e) {",
            "      throw new UncheckedIOException(e);",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.AST_MATCH);
  }

  @Test
  public void replacement_classMadeAutoCloseable() {
    refactoring
        .addInputLines(
            "Log.java",
            "import java.io.*;",
            "class Log extends Object implements Serializable {",
            "  private transient OutputStream out;",
            "  Log(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "}")
        .addOutputLines(
            "Log.java",
            "import java.io.*;",
            "class Log extends Object implements Serializable, AutoCloseable {",
            "  private transient OutputStream out;",
            "  Log(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    if (out != null) {",
            "      out.close();",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.AST_MATCH);
  }

  /**
   * httpclient SingleClientConnManager: a subclass of {@code Entry}, in a file of its own, with
   * one method ({@code header}) whose body is {@code statement}.
   */
  private static String[] poolEntrySubclass(String header, String statement) {
    return new String[] {
      "import java.io.*;",
      "class Pool {",
      "  static class PoolEntry extends Entry {",
      "    PoolEntry(File f) throws IOException {",
      "      super(f);",
      "    }",
      "    " + header,
      "      " + statement,
      "    }",
      "  }",
      "}",
    };
  }

  /**
   * httpclient AbstractPoolEntry: the class opens a resource into a protected field and leaves it
   * to its subclasses; one of them, in another file, closes it. A field no subclass closes is
   * still reported.
   */
  @Test
  public void identification_protectedFieldClosedByASubclassInAnotherFile() {
    helper
        .addSourceLines(
            "Entry.java",
            "import java.io.*;",
            "abstract class Entry {",
            "  protected final OutputStream out;",
            "  // BUG: Diagnostic contains: Field `log` holds",
            "  protected final OutputStream log;",
            "  Entry(File f) throws IOException {",
            "    // BUG: Diagnostic contains: the object that would own it is never returned",
            "    out = new FileOutputStream(f);",
            "    log = new FileOutputStream(f.getPath() + \".log\");",
            "  }",
            "}")
        .addSourceLines(
            "Pool.java", poolEntrySubclass("void shutdown() throws IOException {", "out.close();"))
        .doTest();
  }

  /**
   * httpclient AbstractPoolEntry: a subclass in another file declares a protected close(), which
   * a public close() in the superclass would not let compile (and one that overrides it would not
   * release the field): no fix, the class stays as it is.
   */
  @Test
  public void replacement_subclassDeclaresItsOwnClose_classLeftAsItIs() {
    refactoring
        .addInputLines(
            "Entry.java",
            "import java.io.*;",
            "abstract class Entry {",
            "  protected OutputStream out;",
            "  Entry(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "}")
        .expectUnchanged()
        .addInputLines(
            "Pool.java",
            poolEntrySubclass("protected void close() throws IOException {", "out.flush();"))
        .expectUnchanged()
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * Two unclosed fields and no close(): both findings carry the same fix, one close() for both, so
   * that applying every fix (-XepPatchChecks) does not declare close() twice (found by
   * FixRobustnessTest). The second close goes in a finally of the first, which may fail.
   */
  @Test
  public void replacement_twoFieldsOneAddedClose() {
    refactoring
        .addInputLines(
            "Log.java",
            "import java.io.*;",
            "class Log {",
            "  private OutputStream out;",
            "  private final BufferedReader reader = new BufferedReader(new FileReader(\"in.txt\"));",
            "  Log(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "}")
        .addOutputLines(
            "Log.java",
            "import java.io.*;",
            "class Log implements AutoCloseable {",
            "  private OutputStream out;",
            "  private final BufferedReader reader = new BufferedReader(new FileReader(\"in.txt\"));",
            "  Log(File f) throws IOException {",
            "    out = new FileOutputStream(f);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    try {",
            "      if (out != null) {",
            "        out.close();",
            "      }",
            "    } finally {",
            "      reader.close();",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.AST_MATCH);
  }

  @Test
  public void replacement_genericClassWithoutInterfacesMadeAutoCloseable() {
    refactoring
        .addInputLines(
            "Plain.java",
            "import java.io.*;",
            "class Plain<T extends Comparable<T>> {",
            "  private final Reader in = new FileReader(\"x\");",
            "  Plain() throws IOException {}",
            "}")
        .addOutputLines(
            "Plain.java",
            "import java.io.*;",
            "class Plain<T extends Comparable<T>> implements AutoCloseable {",
            "  private final Reader in = new FileReader(\"x\");",
            "  Plain() throws IOException {}",
            "  @Override",
            "  public void close() throws IOException {",
            "    in.close();",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.AST_MATCH);
  }

  @Test
  public void replacement_makeTheClassAutoCloseable_shuttingDownItsExecutorsToo() {
    // The same close() as ExecutorNotShutdown's fix of the pool: applied together, they add one.
    refactoring
        .addInputLines("Poller.java", ExecutorNotShutdownTest.POLLER)
        .addOutputLines("Poller.java", ExecutorNotShutdownTest.POLLER_FIXED)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  @Test
  public void identification_replacedWithoutTheCareOtherMethodsTake() {
    // The Checker Framework's NonFinalFieldOnlyOverwrittenIfNull: the class tests or closes the
    // field before storing a new stream elsewhere, so it may hold an open one when a method runs.
    helper
        .addSourceLines(
            "Source.java",
            "import java.io.*;",
            "class Source implements Closeable {",
            "  private InputStream is;",
            "  void open(String fn) throws IOException {",
            "    if (is == null) {",
            "      is = new FileInputStream(fn);",
            "    }",
            "  }",
            "  void reopen(String fn) throws IOException {",
            "    is.close();",
            "    is = new FileInputStream(fn);",
            "  }",
            "  void switchTo(String fn, boolean b) throws IOException {",
            "    if (b) {",
            "      // BUG: Diagnostic contains: Field `is` is given a new `FileInputStream` while the"
                + " previous one may still be open",
            "      is = new FileInputStream(fn);",
            "    }",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    if (is != null) {",
            "      is.close();",
            "      is = null;",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "Careless.java",
            "import java.io.*;",
            "// No method takes care before storing what it found: the class opens it once per"
                + " object,",
            "// as callers are told to; the close in retry() is for that method's own first try.",
            "// are told to.",
            "class Careless implements Closeable {",
            "  private InputStream is;",
            "  void open(String fn) throws IOException {",
            "    is = new FileInputStream(fn);",
            "  }",
            "  void retry(String fn) throws IOException {",
            "    try {",
            "      is = new FileInputStream(fn);",
            "      is.skip(4);",
            "    } catch (IOException e) {",
            "      is.close();",
            "      is = new FileInputStream(fn + \".old\");",
            "    }",
            "  }",
            "  void openOther(String fn) throws IOException {",
            "    do {",
            "      is = new FileInputStream(fn + \".bak\");",
            "    } while (false);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    is.close();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_closedOnlyToBeReplaced() {
    // The Checker Framework's StaticOwningField: closing the old stream to store a new one is
    // not closing the field; nothing closes the last one.
    helper
        .addSourceLines(
            "Logs.java",
            "import java.io.*;",
            "class Logs {",
            "  // BUG: Diagnostic contains: Field `out` holds a `PrintStream` opened by `Logs`, but no"
                + " method of `Logs` closes it",
            "  private static PrintStream out;",
            "  static void rotate(String name) throws IOException {",
            "    if (out != null) {",
            "      out.close();",
            "    }",
            "    out = new PrintStream(name);",
            "  }",
            "}")
        .addSourceLines(
            "Toggled.java",
            "import java.io.*;",
            "// The close and the store are on different branches: the close ends the field's use.",
            "class Toggled {",
            "  private PrintStream out;",
            "  void set(boolean off, String name) throws IOException {",
            "    if (off) {",
            "      out.close();",
            "      out = null;",
            "    } else {",
            "      out = new PrintStream(name);",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "Rotating.java",
            "import java.io.*;",
            "class Rotating implements Closeable {",
            "  private PrintStream out;",
            "  void rotate(String name) throws IOException {",
            "    if (out != null) {",
            "      out.close();",
            "    }",
            "    out = new PrintStream(name);",
            "  }",
            "  @Override",
            "  public void close() {",
            "    if (out != null) {",
            "      out.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }
}
