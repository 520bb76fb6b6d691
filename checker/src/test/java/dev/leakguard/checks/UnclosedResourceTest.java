package dev.leakguard.checks;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertThrows;

import com.google.common.collect.ImmutableMap;
import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.InvalidCommandLineOptionException;
import dev.leakguard.config.LeakGuardOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link UnclosedResource}: {@code identification} tests (positives beside their {@code // BUG}
 * markers, negatives silent), option tests, and {@code replacement} tests that apply the fix,
 * compile the output and run the check on it again.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  // ---- acquisitions ---------------------------------------------------------------------------

  /**
   * Resources keep the rule that implicit exceptions (a division, an index, a field store on a
   * value that may be null) are not leak paths; only lock specs count them. An assignment's target
   * used to leak its store down its exceptional edges unmarked, which reported a stream open across
   * {@code buf[i] = …} as never closed on some path.
   */
  /**
   * zookeeper ServerAdminClient and FourLetterWordMain: an unconnected socket opened into a
   * variable declared {@code = null} outside the {@code try}, closed in its {@code finally} behind
   * {@code if (s != null)}. The null test covers it once it is used: the variable held it on every
   * path since it was made, as for any other resource.
   */
  @Test
  public void negative_unconnectedSocketClosedBehindANullTestInFinally() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Test {",
            "  void ruok(String host, int port) {",
            "    Socket s = null;",
            "    try {",
            "      s = new Socket();",
            "      s.setSoLinger(false, 10);",
            "      s.connect(new InetSocketAddress(host, port));",
            "      System.out.println(s.getInputStream().read());",
            "    } catch (IOException e) {",
            "      e.printStackTrace();",
            "    } finally {",
            "      if (s != null) {",
            "        try {",
            "          s.close();",
            "        } catch (IOException e) {",
            "          e.printStackTrace();",
            "        }",
            "      }",
            "    }",
            "  }",
            "  String four(String host, int port, boolean secure, int timeout) throws IOException {",
            "    Socket sock = null;",
            "    try {",
            "      if (secure) {",
            "        sock = new Socket(host, port);",
            "      } else {",
            "        sock = new Socket();",
            "        sock.connect(new InetSocketAddress(host, port), timeout);",
            "      }",
            "      sock.setSoTimeout(timeout);",
            "      return String.valueOf(sock.getInputStream().read());",
            "    } finally {",
            "      if (sock != null) {",
            "        sock.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * An unconnected {@code new Socket()} or unbound {@code new ServerSocket()} holds no OS socket
   * until it is used: the JDK makes it on the first call that needs it. Never used (or only
   * closed), it owes nothing; used, it owes {@code close()} from its construction on.
   */
  @Test
  public void identification_unconnectedSocketOwesNothingUntilUsed() {
    helper
        .addSourceLines(
            "Unconnected.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "class Unconnected {",
            "  void neverUsed() {",
            "    Socket s = new Socket();",
            "  }",
            "  void onlyClosed() throws IOException {",
            "    Socket s = new Socket();",
            "    s.close();",
            "  }",
            "  void onlyAskedAbout() {",
            "    ServerSocket s;",
            "    try {",
            "      s = new ServerSocket();",
            "    } catch (IOException e) {",
            "      return;",
            "    }",
            "    if (s.isBound()) {",
            "      return;",
            "    }",
            "  }",
            "  void connected(SocketAddress address) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed on any path",
            "    Socket s = new Socket();",
            "    s.connect(address);",
            "  }",
            "  void configured() throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed on any path",
            "    Socket s = new Socket();",
            "    s.setSoTimeout(1000);",
            "  }",
            "  void configuredBeforeTheClose(SocketAddress address) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `s.setSoTimeout(...)` throws",
            "    Socket s = new Socket();",
            "    s.setSoTimeout(1000);",
            "    s.connect(address);",
            "    s.close();",
            "  }",
            "  void connectClosesItWhenItFails(SocketAddress address) throws IOException {",
            "    Socket s = new Socket();",
            "    s.connect(address);",
            "    s.close();",
            "  }",
            "  // commons-net DefaultSocketFactory: a socket through a proxy is unconnected too.",
            "  Socket throughAProxy(Proxy proxy, InetAddress host, int port) throws IOException {",
            "    Socket s = new Socket(proxy);",
            "    s.connect(new InetSocketAddress(host, port));",
            "    return s;",
            "  }",
            "  Socket throughAProxyBound(Proxy proxy, InetAddress host, int port) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `s.bind(...)` throws",
            "    Socket s = new Socket(proxy);",
            "    s.bind(null);",
            "    s.connect(new InetSocketAddress(host, port));",
            "    return s;",
            "  }",
            "  void bindLeavesItOpenWhenItFails(SocketAddress address) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `s.bind(...)` throws",
            "    ServerSocket s = new ServerSocket();",
            "    s.bind(address);",
            "    s.close();",
            "  }",
            "  void returnedBeforeAnyUse(boolean skip, SocketAddress address) throws IOException {",
            "    Socket s = new Socket();",
            "    if (skip) {",
            "      return;",
            "    }",
            "    try {",
            "      s.connect(address);",
            "    } finally {",
            "      s.close();",
            "    }",
            "  }",
            "  void closedThenConnectedThroughAnAlias(SocketAddress address) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed after `s.connect(address)` (line 79)"
                + " opens its socket",
            "    Socket s = new Socket();",
            "    Socket t = s;",
            "    t.close();",
            "    s.connect(address);",
            "  }",
            "  // A method of the compilation that never names its parameter cannot connect it.",
            "  static void ignore(Socket s) {}",
            "  static void configure(Socket s) throws IOException { s.setSoTimeout(1000); }",
            "  void handedToAMethodThatIgnoresIt() {",
            "    ignore(new Socket());",
            "  }",
            "  void handedToAMethodThatUsesIt() throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed on any path",
            "    Socket s = new Socket();",
            "    configure(s);",
            "  }",
            "  // An override may use it: an empty overridable method is a hook.",
            "  protected void customize(Socket s) {}",
            "  void handedToAHook() {",
            "    // BUG: Diagnostic contains: `s` is not closed on any path",
            "    Socket s = new Socket();",
            "    customize(s);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A socket factory's argument-less {@code createSocket()} and {@code createServerSocket()} make
   * the same unconnected and unbound sockets as the constructors (the Checker Framework's {@code
   * SocketField} and {@code ACSocketTest}): lost before it is used, or kept in a field, such a
   * socket leaks nothing. The factories' connecting overloads still open one at once.
   */
  @Test
  public void identification_unconnectedSocketFromAFactoryOwesNothingUntilUsed() {
    helper
        .addSourceLines(
            "FactorySockets.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "import javax.net.ServerSocketFactory;",
            "import javax.net.SocketFactory;",
            "import javax.net.ssl.SSLSocket;",
            "import javax.net.ssl.SSLSocketFactory;",
            "class FactorySockets {",
            "  private Socket socket;",
            "  private ServerSocket kept;",
            "  void replaceBeforeUse(SocketFactory factory) throws IOException {",
            "    Socket s = factory.createSocket();",
            "    socket.close();",
            "    socket = s;",
            "  }",
            "  void keptUnbound(ServerSocketFactory factory) throws IOException {",
            "    kept = factory.createServerSocket();",
            "  }",
            "  void castFromAnSslFactory(SSLSocketFactory factory) throws IOException {",
            "    SSLSocket s = (SSLSocket) factory.createSocket();",
            "    socket.close();",
            "    socket = s;",
            "  }",
            "  void configuredBeforeTheClose(SocketFactory factory, SocketAddress address)",
            "      throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `s.setSoTimeout(...)` throws",
            "    Socket s = factory.createSocket();",
            "    s.setSoTimeout(1000);",
            "    s.connect(address);",
            "    s.close();",
            "  }",
            "  void connectedAtOnce(SocketFactory factory, InetAddress host) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `socket.close()` throws",
            "    Socket s = factory.createSocket(host, 80);",
            "    socket.close();",
            "    socket = s;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_implicitExceptionsAreNotResourceLeakPaths() {
    helper
        .addSourceLines(
            "Implicit.java",
            "import java.io.*;",
            "class Implicit {",
            "  static class Node { int value; }",
            "  int[] counts = new int[4];",
            "  void f(File f, int i, int n, Node node) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    counts[i] = i / n;",
            "    node.value = 1;",
            "    in.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A resource chosen by a {@code switch} expression is the switch's value: it is reported once, at
   * the {@code switch}, not once per arm at each {@code case} line (which also put the report lines
   * away from the declaration the user reads). The negatives are the unmarked {@code case} lines;
   * a resource an arm's block keeps to itself is still reported where it is opened.
   */
  @Test
  public void location_resourceChosenBySwitchIsReportedAtTheSwitchNotItsCases() {
    helper
        .addSourceLines(
            "Chosen.java",
            "import java.io.*;",
            "class Chosen {",
            "  InputStream open(File f) throws IOException { return new FileInputStream(f); }",
            "  int bySwitch(File f, int i) throws IOException {",
            "    InputStream in =",
            "        // BUG: Diagnostic contains: `in` is not closed",
            "        switch (i) {",
            "          case 3 -> new FileInputStream(f);",
            "          default -> open(f);",
            "        };",
            "    return in.read();",
            "  }",
            "  int byYield(File f, int i) throws IOException {",
            "    InputStream in =",
            "        // BUG: Diagnostic contains: `in` is not closed",
            "        switch (i) {",
            "          case 3 -> {",
            "            yield new FileInputStream(f);",
            "          }",
            "          default -> (InputStream) new FileInputStream(f);",
            "        };",
            "    return in.read();",
            "  }",
            "  int closed(File f, int i) throws IOException {",
            "    try (InputStream in =",
            "        switch (i) {",
            "          case 3 -> new FileInputStream(f);",
            "          default -> open(f);",
            "        }) {",
            "      return in.read();",
            "    }",
            "  }",
            "  int armOwnStatement(File f, int i) throws IOException {",
            "    return switch (i) {",
            "      case 3 -> {",
            "        // BUG: Diagnostic contains: `x` is not closed",
            "        InputStream x = new FileInputStream(f);",
            "        yield x.read();",
            "      }",
            "      default -> 0;",
            "    };",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A resource chosen by a {@code ?:} is the conditional's value, as with a {@code switch}: one
   * report, at the {@code ?}, where there used to be one per arm (jetty SslContextFactory:1675 and
   * :1676 said the same thing twice). The unmarked {@code :} lines are the negatives; an arm
   * beside a non-resource is still its own resource.
   */
  @Test
  public void location_resourceChosenByConditionalIsReportedOnce() {
    helper
        .addSourceLines(
            "Either.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Either {",
            "  int read(File a, File b, boolean first) throws IOException {",
            "    InputStream in = first",
            "        // BUG: Diagnostic contains: `in` is not closed on any path",
            "        ? new FileInputStream(a)",
            "        : new FileInputStream(b);",
            "    return in.read();",
            "  }",
            "  ServerSocket bind(String host, int port) throws IOException {",
            "    ServerSocket socket = (host == null",
            "        // BUG: Diagnostic contains: `socket` is not closed if",
            "        ? new ServerSocket(port)",
            "        : new ServerSocket(port, 5, InetAddress.getByName(host)));",
            "    socket.setSoTimeout(10);",
            "    return socket;",
            "  }",
            "  int closed(File a, File b, boolean first) throws IOException {",
            "    try (InputStream in = first",
            "        ? new FileInputStream(a)",
            "        : new FileInputStream(b)) {",
            "      return in.read();",
            "    }",
            "  }",
            "  int orNothing(File a, boolean open) throws IOException {",
            "    InputStream in = open ? new FileInputStream(a) : null;",
            "    if (in != null) {",
            "      try {",
            "        return in.read();",
            "      } finally {",
            "        in.close();",
            "      }",
            "    }",
            "    return -1;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Both arms open, or one opens and the other is {@code null}: the whole conditional goes into
   * the try header (a null resource is skipped when the try closes), where the fix used to stop at
   * "it is opened conditionally".
   */
  @Test
  public void replacement_resourceChosenByConditionalIsScopedWhole() {
    refactoring
        .addInputLines(
            "Either.java",
            "import java.io.*;",
            "class Either {",
            "  int read(File a, File b, boolean first) throws IOException {",
            "    InputStream in = first ? new FileInputStream(a) : new FileInputStream(b);",
            "    return in.read();",
            "  }",
            "  int orNothing(File a, boolean open) throws IOException {",
            "    InputStream in = open ? new BufferedInputStream(new FileInputStream(a)) : null;",
            "    int n = in == null ? -1 : in.read();",
            "    return n;",
            "  }",
            "}")
        .addOutputLines(
            "Either.java",
            "import java.io.*;",
            "class Either {",
            "  int read(File a, File b, boolean first) throws IOException {",
            "    try (InputStream in = first ? new FileInputStream(a) : new FileInputStream(b)) {",
            "      return in.read();",
            "    }",
            "  }",
            "  int orNothing(File a, boolean open) throws IOException {",
            "    int n;",
            "    try (InputStream in = open ? new BufferedInputStream(new FileInputStream(a)) : null) {",
            "      n = in == null ? -1 : in.read();",
            "    }",
            "    return n;",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * Closing a file stream's channel closes the stream, and closing a socket channel's {@code
   * socket()} adaptor closes the channel: {@code new FileInputStream(f).getChannel()} closed in a
   * {@code finally} is not a leak, nor is a channel whose adaptor is returned. The positive twins
   * close neither.
   */
  @Test
  public void release_closingAViewThatClosesItsResource() {
    helper
        .addSourceLines(
            "Views.java",
            "import java.io.*;",
            "import java.net.*;",
            "import java.nio.ByteBuffer;",
            "import java.nio.channels.*;",
            "class Views {",
            "  int channelClosed(File f, ByteBuffer b) throws IOException {",
            "    FileChannel in = new FileInputStream(f).getChannel();",
            "    try {",
            "      return in.read(b);",
            "    } finally {",
            "      in.close();",
            "    }",
            "  }",
            "  void writeChannelClosed(File f, ByteBuffer b) throws IOException {",
            "    try (WritableByteChannel out = new FileOutputStream(f).getChannel()) {",
            "      out.write(b);",
            "    }",
            "  }",
            "  int channelNotClosed(File f, ByteBuffer b) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    FileChannel in = new FileInputStream(f).getChannel();",
            "    return in.read(b);",
            "  }",
            "  ServerSocket adaptorReturned() throws IOException {",
            "    ServerSocketChannel chan = ServerSocketChannel.open();",
            "    return chan.socket();",
            "  }",
            "  void adaptorDropped(SocketAddress a) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    ServerSocketChannel chan = ServerSocketChannel.open();",
            "    chan.socket().bind(a);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * mina's {@code NioDatagramConnector.connect(handle, address)}: {@code DatagramChannel.connect}
   * returns the channel it is called on, as the channels' {@code bind} and {@code disconnect} do; a
   * name that says it makes something does not make the receiver new. A factory named so, whose
   * result is of another class, still opens ({@code serverChannel.accept()}).
   */
  @Test
  public void identification_channelMethodsThatReturnTheirReceiver() {
    helper
        .addSourceLines(
            "Connector.java",
            "import java.io.IOException;",
            "import java.net.SocketAddress;",
            "import java.nio.channels.*;",
            "class Connector {",
            "  boolean connect(DatagramChannel handle, SocketAddress remote) throws IOException {",
            "    handle.connect(remote);",
            "    return true;",
            "  }",
            "  void bound(ServerSocketChannel server, SocketAddress local) throws IOException {",
            "    server.bind(local).configureBlocking(false);",
            "  }",
            "  void accepted(ServerSocketChannel server) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    SocketChannel client = server.accept();",
            "    client.configureBlocking(false);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * jsch's {@code PortWatcher} and {@code ChannelForwardedTCPIP}: a socket's streams given to an
   * object that keeps them ({@code channel.setInputStream(in)}), stored in a field or returned,
   * take the socket along, since closing either stream closes it. Closing the socket at the end of
   * the method (a try-with-resources fix) would break the channel; what is left to report is a
   * failure before the streams are handed on. The negative twins only read the stream.
   */
  @Test
  public void handOff_viewsThatCloseTheirSocket() {
    helper
        .addSourceLines(
            "Forwarder.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Forwarder {",
            "  static class Io {",
            "    private InputStream in;",
            "    private OutputStream out;",
            "    void setInputStream(InputStream in) { this.in = in; }",
            "    void setOutputStream(OutputStream out) { this.out = out; }",
            "    void close() throws IOException {",
            "      in.close();",
            "      out.close();",
            "    }",
            "  }",
            "  private final Io io = new Io();",
            "  private InputStream kept;",
            "  private Socket target;",
            "  void accept(ServerSocket server) throws IOException {",
            "    // BUG: Diagnostic contains: `socket` is not closed if `socket.setTcpNoDelay(...)` throws",
            "    Socket socket = server.accept();",
            "    socket.setTcpNoDelay(true);",
            "    InputStream in = socket.getInputStream();",
            "    io.setInputStream(in);",
            "    io.setOutputStream(socket.getOutputStream());",
            "  }",
            "  void keep(ServerSocket server) throws IOException {",
            "    Socket socket = server.accept();",
            "    kept = socket.getInputStream();",
            "  }",
            "  InputStream open(String host) throws IOException {",
            "    Socket socket = new Socket(host, 22);",
            "    return new BufferedInputStream(socket.getInputStream());",
            "  }",
            "  int readOnly(ServerSocket server) throws IOException {",
            "    // BUG: Diagnostic contains: `socket` is not closed on any path",
            "    Socket socket = server.accept();",
            "    InputStream in = socket.getInputStream();",
            "    return in.read();",
            "  }",
            "  // The field's streams go to `io`, which closes them: the field is handed on.",
            "  void connect(String host) throws IOException {",
            "    target = new Socket(host, 22);",
            "    io.setInputStream(target.getInputStream());",
            "    io.setOutputStream(target.getOutputStream());",
            "  }",
            "}")
        .addSourceLines(
            "Reader.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Reader {",
            "  // BUG: Diagnostic contains: Field `socket` holds a `Socket`",
            "  private Socket socket;",
            "  int connect(String host) throws IOException {",
            "    socket = new Socket(host, 22);",
            "    return socket.getInputStream().read();",
            "  }",
            "}")
        .addSourceLines(
            "LineClient.java",
            "import java.io.*;",
            "import java.net.*;",
            "class LineClient {",
            "  // A view wrapped in place leaves the socket with the field.",
            "  // BUG: Diagnostic contains: Field `socket` holds a `Socket`",
            "  private Socket socket;",
            "  String connect(String host) throws IOException {",
            "    socket = new Socket(host, 80);",
            "    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream()));",
            "    return in.readLine();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * {@code Objects.nonNull(st)} and {@code Objects.isNull(st)} are null tests like {@code st !=
   * null}: a statement closed in a {@code finally} under {@code if (nonNull(st))} is closed on every
   * path where it was opened. The positive twin closes it only when a flag says so.
   */
  @Test
  public void release_nullTestWrittenAsObjectsCall() {
    helper
        .addSourceLines(
            "NullTests.java",
            "import static java.util.Objects.nonNull;",
            "import java.sql.*;",
            "import java.util.Objects;",
            "class NullTests {",
            "  void nonNullGuard(Connection conn, String sql) {",
            "    PreparedStatement st = null;",
            "    try {",
            "      st = conn.prepareStatement(sql);",
            "      st.execute();",
            "    } catch (SQLException e) {",
            "      System.out.println(e);",
            "    } finally {",
            "      if (nonNull(st)) {",
            "        try { st.close(); } catch (SQLException e) { System.err.println(e); }",
            "      }",
            "    }",
            "  }",
            "  void isNullGuard(Connection conn, String sql) throws SQLException {",
            "    PreparedStatement st = null;",
            "    try {",
            "      st = conn.prepareStatement(sql);",
            "      st.execute();",
            "    } finally {",
            "      if (!Objects.isNull(st)) {",
            "        st.close();",
            "      }",
            "    }",
            "  }",
            "  void flagGuard(Connection conn, String sql, boolean flag) throws SQLException {",
            "    PreparedStatement st = null;",
            "    try {",
            "      // BUG: Diagnostic contains: is not closed",
            "      st = conn.prepareStatement(sql);",
            "      st.execute();",
            "    } finally {",
            "      if (flag) {",
            "        st.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * {@code writer.append(s)} and {@code out.printf(…)} return the writer they are called on: {@code
   * w = w.append(s)} keeps the same writer, not a reassignment that drops it. The positive twin
   * overwrites it with a new writer.
   */
  @Test
  public void release_fluentWriterCallReturnsTheSameWriter() {
    helper
        .addSourceLines(
            "Fluent.java",
            "import java.io.*;",
            "class Fluent {",
            "  void appended() throws IOException {",
            "    PrintWriter writer = null;",
            "    try {",
            "      writer = new PrintWriter(\"file.txt\");",
            "      writer = writer.append(null);",
            "      writer = writer.printf(\"%d\", 1);",
            "    } finally {",
            "      if (writer != null) writer.close();",
            "    }",
            "  }",
            "  void overwritten() throws IOException {",
            "    PrintWriter writer = null;",
            "    try {",
            "      // BUG: Diagnostic contains: overwritten",
            "      writer = new PrintWriter(\"a.txt\");",
            "      writer = new PrintWriter(\"b.txt\");",
            "    } finally {",
            "      if (writer != null) writer.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * jetty ManagedSelector: each accepted channel goes to {@code accepted(channel)}, a hook whose
   * body here only throws (the server's subclass registers the channel). What an override does is
   * unknown, so the channel is not taken to stay open in the loop. A private method that ignores
   * its argument cannot be replaced: the channel it is given is still reported.
   */
  @Test
  public void parameterIgnoredByAnOverridableHookIsHandedOn() {
    helper
        .addSourceLines(
            "Acceptor.java",
            "import java.io.IOException;",
            "import java.nio.channels.*;",
            "class Acceptor {",
            "  protected void accepted(SelectableChannel channel) throws IOException {",
            "    throw new UnsupportedOperationException();",
            "  }",
            "  private void ignored(SelectableChannel channel) {}",
            "  void onSelected(ServerSocketChannel server) throws IOException {",
            "    SelectableChannel channel = null;",
            "    while (true) {",
            "      channel = server.accept();",
            "      if (channel == null) break;",
            "      accepted(channel);",
            "    }",
            "  }",
            "  void dropped(ServerSocketChannel server) throws IOException {",
            "    SelectableChannel channel = null;",
            "    while (true) {",
            "      // BUG: Diagnostic contains: the loop's next iteration",
            "      channel = server.accept();",
            "      if (channel == null) break;",
            "      ignored(channel);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A fluent call that returns the resource it is called on is that resource: {@code new
   * Scanner(f).useDelimiter(",")} in a try-with-resources is closed by it (it used to be reported
   * as never closed), and so is an {@code ExtraTypes} builder ({@code new
   * Options().setCreateIfMissing(true)}, RocksJava's idiom, SpotBugs Issue3069). A setter that
   * declares nothing is not a leak path; one that declares {@code IOException} still is, and the
   * resource it is called on is still ours when it throws ({@code w.append(s)}). A helper that
   * only configures and reads its parameter borrows it.
   */
  @Test
  public void release_fluentCallReturnsTheResourceItIsCalledOn() {
    helper
        .setArgs("-XepOpt:UnclosedResource:ExtraTypes=com.acme.NativeReference")
        .addSourceLines(
            "com/acme/NativeReference.java",
            "package com.acme;",
            "public abstract class NativeReference implements AutoCloseable {",
            "  @Override public void close() {}",
            "}")
        .addSourceLines(
            "com/acme/Options.java",
            "package com.acme;",
            "public class Options extends NativeReference {",
            "  public Options setCreateIfMissing(boolean b) { return this; }",
            "}")
        .addSourceLines(
            "com/acme/Db.java",
            "package com.acme;",
            "public class Db {",
            "  public byte[] get(Options o, byte[] key) { return key; }",
            "}")
        .addSourceLines(
            "Fluent.java",
            "import com.acme.*;",
            "import java.io.*;",
            "import java.nio.channels.FileChannel;",
            "import java.nio.file.Path;",
            "import java.util.Scanner;",
            "class Fluent {",
            "  String scannerInTry(File f) throws IOException {",
            "    try (Scanner s = new Scanner(f).useDelimiter(\",\")) {",
            "      return s.next();",
            "    }",
            "  }",
            "  String scannerDropped(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `new Scanner(f)` is not closed on any path",
            "    return new Scanner(f).useDelimiter(\"\\\\A\").next();",
            "  }",
            "  void builderInTry() {",
            "    try (Options o = new Options().setCreateIfMissing(true)) {",
            "      o.hashCode();",
            "    }",
            "  }",
            "  byte[] builderPerCall(Db db, byte[] key) {",
            "    // BUG: Diagnostic contains: `new Options()` is not closed on any path",
            "    return db.get(new Options().setCreateIfMissing(false), key);",
            "  }",
            "  long positionMayFail(Path p) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed if `FileChannel.open(p).position(...)` throws",
            "    try (FileChannel ch = FileChannel.open(p).position(5)) {",
            "      return ch.size();",
            "    }",
            "  }",
            "  void appendMayFail(File f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed if `w.append(...)` throws",
            "    Writer w = new FileWriter(f);",
            "    w.append(\"x\");",
            "    w.close();",
            "  }",
            "  void printWriterAppendDeclaresNothing(File f) throws IOException {",
            "    PrintWriter w = new PrintWriter(f);",
            "    w.append(\"x\");",
            "    w.close();",
            "  }",
            "  static String firstField(Scanner s) {",
            "    s.useDelimiter(\",\");",
            "    return s.useDelimiter(\";\").next();",
            "  }",
            "  String lentToAHelper(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed on any path",
            "    Scanner s = new Scanner(f);",
            "    return firstField(s);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * RocksJava's objects hold native memory that only {@code close()} frees: a {@code ReadOptions}
   * made per call and dropped leaks it (SpotBugs Issue3069). Only constructors acquire; the
   * library's accessors without {@code get} ({@code readOptions.snapshot()}) do not.
   */
  @Test
  public void identification_rocksDbNativeObjects() {
    helper
        .addSourceLines(
            "org/rocksdb/AbstractNativeReference.java",
            "package org.rocksdb;",
            "public abstract class AbstractNativeReference implements AutoCloseable {",
            "  @Override public abstract void close();",
            "}")
        .addSourceLines(
            "org/rocksdb/RocksObject.java",
            "package org.rocksdb;",
            "public abstract class RocksObject extends AbstractNativeReference {",
            "  @Override public void close() {}",
            "}")
        .addSourceLines(
            "org/rocksdb/Snapshot.java",
            "package org.rocksdb;",
            "public class Snapshot extends RocksObject {}")
        .addSourceLines(
            "org/rocksdb/ReadOptions.java",
            "package org.rocksdb;",
            "public class ReadOptions extends RocksObject {",
            "  public ReadOptions() {}",
            "  public ReadOptions(boolean verifyChecksums, boolean fillCache) {}",
            "  public ReadOptions setFillCache(boolean fillCache) { return this; }",
            "  public native Snapshot snapshot();",
            "}")
        .addSourceLines(
            "org/rocksdb/RocksDB.java",
            "package org.rocksdb;",
            "public class RocksDB extends RocksObject {",
            "  public byte[] get(ReadOptions options, byte[] key) { return key; }",
            "}")
        .addSourceLines(
            "Reads.java",
            "import org.rocksdb.*;",
            "class Reads {",
            "  int dropped() {",
            "    // BUG: Diagnostic contains: `readOptions` is not closed on any path",
            "    ReadOptions readOptions = new ReadOptions(true, false);",
            "    return readOptions.hashCode();",
            "  }",
            "  byte[] perCall(RocksDB db, byte[] key) {",
            "    // BUG: Diagnostic contains: `new ReadOptions()` is not closed on any path",
            "    return db.get(new ReadOptions().setFillCache(false), key);",
            "  }",
            "  byte[] closed(RocksDB db, byte[] key) {",
            "    try (ReadOptions readOptions = new ReadOptions().setFillCache(false)) {",
            "      return db.get(readOptions, key);",
            "    }",
            "  }",
            "  int accessorIsNotAnAcquisition(ReadOptions readOptions) {",
            "    Snapshot snapshot = readOptions.snapshot();",
            "    return snapshot.hashCode();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void reassignment_loopOverwritesTheInstanceOfTheIterationBefore() {
    helper
        .addSourceLines(
            "Loops.java",
            "import java.io.IOException;",
            "import java.net.Proxy;",
            "import java.net.Socket;",
            "import java.util.List;",
            "class Loops {",
            "  void closedOnlyAfterTheLoop(int n) throws IOException {",
            "    Socket c = null;",
            "    for (int i = 0; i < n; i++) {",
            "      // BUG: Diagnostic contains: overwritten at line 10 (the loop's next iteration)",
            "      c = new Socket(\"localhost\", 80);",
            "      c.isConnected();",
            "    }",
            "    if (c != null) c.close();",
            "  }",
            "  void neverEnds() throws IOException {",
            "    Socket c = null;",
            "    while (true) {",
            "      // BUG: Diagnostic contains: the loop's next iteration",
            "      c = new Socket(\"localhost\", 80);",
            "      c.isConnected();",
            "    }",
            "  }",
            "  void declaredInTheLoop(int n) throws IOException {",
            "    while (true) {",
            "      // BUG: Diagnostic contains: the loop's next iteration",
            "      Socket c = n > 3 ? new Socket(\"localhost\", 80) : null;",
            "      if (c == null) break;",
            "    }",
            "  }",
            "  void overwrittenByAnotherSiteThatNeverEnds() throws IOException {",
            "    // BUG: Diagnostic contains: overwritten at line 35 while it is open",
            "    Socket c = new Socket(\"localhost\", 80);",
            "    while (true) {",
            "      c.isConnected();",
            "      c = new Socket(\"localhost\", 80);",
            "      c.close();",
            "    }",
            "  }",
            "  void closedBeforeTheNextOne(int n) throws IOException {",
            "    Socket c = null;",
            "    for (int i = 0; i < n; i++) {",
            "      if (c != null) c.close();",
            "      c = new Socket(\"localhost\", 80);",
            "    }",
            "    if (c != null) c.close();",
            "  }",
            "  void openedOnlyOnce(int n) throws IOException {",
            "    Socket c = null;",
            "    for (int i = 0; i < n; i++) {",
            "      if (c == null) c = new Socket(\"localhost\", 80);",
            "      c.isConnected();",
            "    }",
            "    if (c != null) c.close();",
            "  }",
            "  void previousClosedThroughAnotherName(int n) throws IOException {",
            "    Socket previous = null;",
            "    Socket c = null;",
            "    for (int i = 0; i < n; i++) {",
            "      previous = c;",
            "      // Not overwritten while open (`previous` still names it), but left open if the",
            "      // next one fails to open.",
            "      // BUG: Diagnostic contains: is not closed if `new Socket(...)` throws",
            "      c = new Socket(\"localhost\", 80);",
            "      if (previous != null) previous.close();",
            "    }",
            "    if (c != null) c.close();",
            "  }",
            "  void handedOver(int n, List<Socket> all) throws IOException {",
            "    Socket c = null;",
            "    for (int i = 0; i < n; i++) {",
            "      c = new Socket(\"localhost\", 80);",
            "      all.add(c);",
            "    }",
            "  }",
            "  void closedInEachIteration() throws IOException {",
            "    while (true) {",
            "      Socket c = new Socket(\"localhost\", 80);",
            "      try {",
            "        c.isConnected();",
            "      } finally {",
            "        c.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void release_closingASocketsStreamClosesTheSocket() {
    helper
        .addSourceLines(
            "SocketStreams.java",
            "import java.io.*;",
            "import java.net.Socket;",
            "class SocketStreams {",
            "  void streamInTryWithResources(String host) throws IOException {",
            "    Socket s = new Socket(host, 80);",
            "    try (OutputStream out = s.getOutputStream()) {",
            "      out.write(1);",
            "    }",
            "  }",
            "  void readerClosedInFinally(String host) throws IOException {",
            "    Socket s = new Socket(host, 80);",
            "    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream()));",
            "    try {",
            "      in.readLine();",
            "    } finally {",
            "      in.close();",
            "    }",
            "  }",
            "  void closedDirectly(String host) throws IOException {",
            "    Socket s = new Socket(host, 80);",
            "    s.getOutputStream().close();",
            "  }",
            "  void closedOnlyOnTheNormalPath(String host) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed if `out.write(...)` throws",
            "    Socket s = new Socket(host, 80);",
            "    OutputStream out = s.getOutputStream();",
            "    out.write(1);",
            "    out.close();",
            "  }",
            "  // The caller closes the socket when it closes the reader.",
            "  Reader streamHandedOnTakesTheSocket(String host) throws IOException {",
            "    Socket s = new Socket(host, 80);",
            "    return new InputStreamReader(s.getInputStream());",
            "  }",
            "  void viewOnOnePathOnly(String host, boolean b) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    Socket s = new Socket(host, 80);",
            "    OutputStream out;",
            "    if (b) {",
            "      out = s.getOutputStream();",
            "    } else {",
            "      out = new ByteArrayOutputStream();",
            "    }",
            "    out.close();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void nullTest_onlyWhatTheVariableHoldsOnEveryPath() {
    helper
        .addSourceLines(
            "NullTests.java",
            "import java.io.*;",
            "class NullTests {",
            "  void wrapperFailsIntoACatch() {",
            "    ObjectInputStream oin = null;",
            "    try {",
            "      // BUG: Diagnostic contains: leaks if `new ObjectInputStream(...)` throws",
            "      oin = new ObjectInputStream(new FileInputStream(\"f\"));",
            "      oin.readObject();",
            "    } catch (IOException | ClassNotFoundException e) {",
            "    } finally {",
            "      try {",
            "        if (oin != null) oin.close();",
            "      } catch (IOException e) {",
            "      }",
            "    }",
            "  }",
            "  void openedBeforeTheTryWrappedInIt() throws IOException {",
            "    // BUG: Diagnostic contains: throws and the exception is caught",
            "    FileInputStream fis = new FileInputStream(\"f\");",
            "    ObjectInputStream oin = null;",
            "    try {",
            "      oin = new ObjectInputStream(fis);",
            "    } catch (IOException e) {",
            "    } finally {",
            "      if (oin != null) oin.close();",
            "    }",
            "  }",
            "  void nullOnlyWhereNothingIsOpen(File f) throws IOException {",
            "    InputStream in = null;",
            "    try {",
            "      in = new FileInputStream(f);",
            "      in.read();",
            "    } finally {",
            "      if (in != null) in.close();",
            "    }",
            "  }",
            "  void wrappedInTheTryClosedThroughTheWrapper(File f) throws IOException {",
            "    BufferedReader r = null;",
            "    try {",
            "      r = new BufferedReader(new FileReader(f));",
            "      r.readLine();",
            "    } finally {",
            "      if (r != null) r.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void finallyBlock_aFailingCallOnTheResourceSkipsItsClose() {
    helper
        .addSourceLines(
            "Finally.java",
            "import java.io.*;",
            "import java.sql.*;",
            "import javax.sql.DataSource;",
            "class Finally {",
            "  void flushedFirst(File file, byte[] content) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed if `out.flush()` throws",
            "    OutputStream out = new FileOutputStream(file);",
            "    try {",
            "      out.write(content);",
            "    } finally {",
            "      out.flush();",
            "      out.close();",
            "    }",
            "  }",
            "  void autoCommitRestoredFirst(DataSource ds) throws SQLException {",
            "    // BUG: Diagnostic contains: is not closed if `c.setAutoCommit(...)` throws",
            "    Connection c = ds.getConnection();",
            "    try {",
            "      c.setAutoCommit(false);",
            "      c.commit();",
            "    } finally {",
            "      c.setAutoCommit(true);",
            "      c.close();",
            "    }",
            "  }",
            "  void anotherResourceClosedFirst(File a, File b) throws IOException {",
            "    InputStream in = new FileInputStream(a);",
            "    try {",
            "      OutputStream out = new FileOutputStream(b);",
            "      try {",
            "        out.write(in.read());",
            "      } finally {",
            "        out.close();",
            "      }",
            "    } finally {",
            "      in.close();",
            "    }",
            "  }",
            "  void closedFirst(File file) throws IOException {",
            "    InputStream in = new FileInputStream(file);",
            "    try {",
            "      in.read();",
            "    } finally {",
            "      in.close();",
            "      System.out.println(in.available());",
            "    }",
            "  }",
            "  void uncheckedOnly(File file) throws IOException {",
            "    PrintWriter w = new PrintWriter(file);",
            "    try {",
            "      w.println();",
            "    } finally {",
            "      w.flush();",
            "      w.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * h2 CipherFactory, jetty SslContextFactory: a JDK setter of the open resource that returns
   * nothing and declares no exception ({@code setEnabledProtocols}, {@code setSSLParameters},
   * {@code Deflater.setStrategy}) only validates its argument, and an unsupported value is the
   * caller's programming error: not a leak path. A setter that declares its failure ({@code
   * setSoTimeout}: {@code SocketException}), a project's setter, and a JDK setter of something
   * else still are.
   */
  @Test
  public void identification_jdkSettersOfTheResourceDoNotFail() {
    helper
        .addSourceLines(
            "Setters.java",
            "import java.io.*;",
            "import java.net.*;",
            "import java.util.zip.Deflater;",
            "import javax.net.ssl.*;",
            "class Setters {",
            "  private String[] protocols;",
            "  void setProtocols(String[] protocols) { this.protocols = protocols.clone(); }",
            "  SSLServerSocket server(SSLServerSocketFactory f, int port) throws IOException {",
            "    SSLServerSocket s = (SSLServerSocket) f.createServerSocket(port);",
            "    s.setEnabledProtocols(new String[] {\"TLSv1.3\"});",
            "    s.setNeedClientAuth(true);",
            "    return s;",
            "  }",
            "  byte[] deflate(byte[] data, byte[] out) {",
            "    Deflater d = new Deflater();",
            "    try {",
            "      d.setStrategy(Deflater.FILTERED);",
            "      d.setInput(data);",
            "      d.finish();",
            "      d.deflate(out);",
            "      return out;",
            "    } finally {",
            "      d.end();",
            "    }",
            "  }",
            "  Socket declaredFailure(String host) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `s.setSoTimeout(...)` throws",
            "    Socket s = new Socket(host, 80);",
            "    s.setSoTimeout(1000);",
            "    return s;",
            "  }",
            "  Socket projectSetter(String host, String[] wanted) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `setProtocols(...)` throws",
            "    Socket s = new Socket(host, 80);",
            "    setProtocols(wanted);",
            "    return s;",
            "  }",
            "  Socket setterOfSomethingElse(String host, Thread worker) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `worker.setName(...)` throws",
            "    Socket s = new Socket(host, 80);",
            "    worker.setName(host);",
            "    return s;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Sonar's {@code UnknownExceptions.wrongHandling}: a call in a {@code finally} that declares a
   * checked exception skips, when it throws, the closes after it in the block. One that declares
   * none, one after the close, and one caught on its own do not. Another resource's close before
   * does (Infer's {@code twoResourcesBad}): the fix for that shape is in
   * UnclosedResourceCloseChainTest.
   */
  @Test
  public void finallyBlock_aFailingCallSkipsTheClosesAfterIt() {
    helper
        .addSourceLines(
            "CleanUp.java",
            "import java.io.*;",
            "class CleanUp {",
            "  static void cleanCanThrow() throws IOException {}",
            "  static void clean() {}",
            "  void wrongHandling(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `stream` is not closed if `cleanCanThrow()` throws",
            "    FileInputStream stream = new FileInputStream(f);",
            "    try {",
            "      stream.read();",
            "    } finally {",
            "      cleanCanThrow();",
            "      stream.close();",
            "    }",
            "  }",
            "  void innerFinally(File f, Writer log) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `log.flush()` throws",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      in.read();",
            "    } finally {",
            "      try {",
            "        log.write(1);",
            "      } finally {",
            "        log.flush();",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "  void uncheckedOnly(File f) throws IOException {",
            "    FileInputStream stream = new FileInputStream(f);",
            "    try {",
            "      stream.read();",
            "    } finally {",
            "      clean();",
            "      stream.close();",
            "    }",
            "  }",
            "  void afterTheClose(File f) throws IOException {",
            "    FileInputStream stream = new FileInputStream(f);",
            "    try {",
            "      stream.read();",
            "    } finally {",
            "      stream.close();",
            "      cleanCanThrow();",
            "    }",
            "  }",
            "  void caughtOnItsOwn(File f) throws IOException {",
            "    FileInputStream stream = new FileInputStream(f);",
            "    try {",
            "      stream.read();",
            "    } finally {",
            "      try {",
            "        cleanCanThrow();",
            "      } catch (IOException e) {",
            "        // logged and ignored",
            "      }",
            "      stream.close();",
            "    }",
            "  }",
            "  void anotherCloseFirst(File a, File b) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `out.close()` throws",
            "    InputStream in = new FileInputStream(a);",
            "    OutputStream out = null;",
            "    try {",
            "      out = new FileOutputStream(b);",
            "      out.write(in.read());",
            "    } finally {",
            "      if (out != null) {",
            "        out.close();",
            "      }",
            "      in.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** The fix of a close a failing call in a finally skips: the resource in try-with-resources. */
  @Test
  public void replacement_aFailingCallInFinallySkipsTheClose() {
    refactoring
        .addInputLines(
            "CleanUp.java",
            "import java.io.*;",
            "class CleanUp {",
            "  static void cleanCanThrow() throws IOException {}",
            "  int wrongHandling(File f) throws IOException {",
            "    FileInputStream stream = new FileInputStream(f);",
            "    try {",
            "      return stream.read();",
            "    } finally {",
            "      cleanCanThrow();",
            "      stream.close();",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "CleanUp.java",
            "import java.io.*;",
            "class CleanUp {",
            "  static void cleanCanThrow() throws IOException {}",
            "  int wrongHandling(File f) throws IOException {",
            "    try (FileInputStream stream = new FileInputStream(f)) {",
            "      try {",
            "        return stream.read();",
            "      } finally {",
            "        cleanCanThrow();",
            "        stream.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  @Test
  public void identification_streamPipelinesAndIdentityCalls() {
    helper
        .addSourceLines(
            "Pipelines.java",
            "import java.io.*;",
            "import java.nio.file.*;",
            "import java.util.Objects;",
            "import java.util.stream.*;",
            "class Pipelines {",
            "  long filtered(Path dir) throws IOException {",
            "    try (Stream<Path> s = Files.walk(dir).filter(Files::isRegularFile).sorted()) {",
            "      return s.count();",
            "    }",
            "  }",
            "  long filteredLeak(Path dir) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    Stream<Path> s = Files.walk(dir).filter(Files::isRegularFile);",
            "    return s.count();",
            "  }",
            "  int checked(File f) throws IOException {",
            "    try (InputStream in = Objects.requireNonNull(new FileInputStream(f))) {",
            "      return in.read();",
            "    }",
            "  }",
            "}")
        .doTest();
  }


  @Test
  public void identification_fileStreamsReadersWriters() {
    helper
        .addSourceLines(
            "Files1.java",
            "import java.io.*;",
            "class Files1 {",
            "  int in(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `in.read()` throws",
            "    FileInputStream in = new FileInputStream(f);",
            "    int b = in.read();",
            "    in.close();",
            "    return b;",
            "  }",
            "  void out(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `out` is not closed",
            "    FileOutputStream out = new FileOutputStream(f);",
            "    out.write(1);",
            "  }",
            "  void reader(String f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    FileReader r = new FileReader(f);",
            "    r.read();",
            "  }",
            "  void writer(String f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    FileWriter w = new FileWriter(f);",
            "    w.write(1);",
            "  }",
            "  void raf(File f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    RandomAccessFile r = new RandomAccessFile(f, \"r\");",
            "    r.read();",
            "  }",
            "  void printWriterOnName(String name, File file, java.nio.file.Path path) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    PrintWriter a = new PrintWriter(name);",
            "    a.println();",
            "    // BUG: Diagnostic contains: is not closed",
            "    PrintStream b = new PrintStream(file);",
            "    b.println();",
            "    // BUG: Diagnostic contains: is not closed",
            "    java.util.Formatter c = new java.util.Formatter(name);",
            "    c.format(\"x\");",
            "    // BUG: Diagnostic contains: is not closed",
            "    java.util.Scanner d = new java.util.Scanner(path);",
            "    d.next();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_closedOnEveryPath_isSilent() {
    helper
        .addSourceLines(
            "Closed.java",
            "import java.io.*;",
            "class Closed {",
            "  int twr(File f) throws IOException {",
            "    try (FileInputStream in = new FileInputStream(f)) {",
            "      return in.read();",
            "    }",
            "  }",
            "  int twrOnExistingVariable(File f) throws IOException {",
            "    FileInputStream in = new FileInputStream(f);",
            "    try (in) {",
            "      return in.read();",
            "    }",
            "  }",
            "  int finallyClose(File f) throws IOException {",
            "    FileInputStream in = new FileInputStream(f);",
            "    try {",
            "      return in.read();",
            "    } finally {",
            "      in.close();",
            "    }",
            "  }",
            "  int finallyNullCheck(File f) throws IOException {",
            "    FileInputStream in = null;",
            "    try {",
            "      in = new FileInputStream(f);",
            "      return in.read();",
            "    } finally {",
            "      if (in != null) {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "  String wrapperClosed(File f) throws IOException {",
            "    try (BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream(f)))) {",
            "      return r.readLine();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_exceptionLeavingThroughFinallyOrTryWithResources() {
    // The exception a finally block rethrows carries what is still open (zookeeper FileTxnLog:
    // a RandomAccessFile opened inside another resource's try-with-resources).
    helper
        .addSourceLines(
            "Charsets.java",
            "import java.io.File;",
            "import java.nio.charset.Charset;",
            "class Charsets {",
            "  static Charset toCharset(Charset cs) { return cs == null ? Charset.defaultCharset() : cs; }",
            "  static void deleteQuietly(File f) { f.delete(); }",
            "}")
        .addSourceLines(
            "ThroughFinally.java",
            "import java.io.*;",
            "class ThroughFinally {",
            "  static class LogIterator implements Closeable {",
            "    File logFile;",
            "    public void close() {}",
            "  }",
            "  void insideAnotherResource(LogIterator itr, long pos) throws IOException {",
            "    try (itr) {",
            "      // BUG: Diagnostic contains: `raf` is not closed if `raf.setLength(...)` throws",
            "      RandomAccessFile raf = new RandomAccessFile(itr.logFile, \"rw\");",
            "      raf.setLength(pos);",
            "      raf.close();",
            "    }",
            "  }",
            "  void insideTryFinally(File f, long pos) throws IOException {",
            "    try {",
            "      // BUG: Diagnostic contains: `raf` is not closed if `raf.setLength(...)` throws",
            "      RandomAccessFile raf = new RandomAccessFile(f, \"rw\");",
            "      raf.setLength(pos);",
            "      raf.close();",
            "    } finally {",
            "      System.out.println(\"done\");",
            "    }",
            "  }",
            "  void closedInTheFinally(File f, long pos) throws IOException {",
            "    RandomAccessFile raf = new RandomAccessFile(f, \"rw\");",
            "    try {",
            "      raf.setLength(pos);",
            "    } finally {",
            "      System.out.println(\"done\");",
            "      raf.close();",
            "    }",
            "  }",
            "  // commons-io LockableFileWriter: the message names the call that threw, not the",
            "  // clean-up in the catch that rethrows",
            "  Writer initWriter(File file, java.nio.charset.Charset cs) throws IOException {",
            "    try {",
            "      // BUG: Diagnostic contains: is not closed if `Charsets.toCharset(...)` throws",
            "      return new OutputStreamWriter(new FileOutputStream(file), Charsets.toCharset(cs));",
            "    } catch (IOException | RuntimeException e) {",
            "      Charsets.deleteQuietly(file);",
            "      throw e;",
            "    }",
            "  }",
            "  // the flag is false when connect() throws an Error, true when it throws what is caught",
            "  void flagSetInTheCatch(File f, long pos) throws IOException {",
            "    RandomAccessFile raf = null;",
            "    boolean failed = false;",
            "    try {",
            "      raf = new RandomAccessFile(f, \"rw\");",
            "      raf.setLength(pos);",
            "    } catch (IOException | RuntimeException e) {",
            "      failed = true;",
            "      throw e;",
            "    } finally {",
            "      if (failed && raf != null) {",
            "        raf.close();",
            "      }",
            "    }",
            "    raf.close();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void negatives_closerHelperThatDoesMoreThanClose_andAccessorsOfTheResource() {
    // zookeeper NIOServerCnxnFactory.doAccept: a same-file helper named for closing that sets the
    // linger and then hands the channel to another closer; `sc.socket()` reads the channel.
    helper
        .addSourceLines(
            "Acceptor.java",
            "import java.io.IOException;",
            "import java.net.InetAddress;",
            "import java.net.SocketException;",
            "import java.nio.channels.*;",
            "class Acceptor {",
            "  ServerSocketChannel acceptSocket;",
            "  static void closeSock(SocketChannel sock) {",
            "    try {",
            "      sock.close();",
            "    } catch (IOException e) {",
            "      // ignored",
            "    }",
            "  }",
            "  protected void fastCloseSock(SocketChannel sc) {",
            "    if (sc != null) {",
            "      try {",
            "        sc.socket().setSoLinger(true, 0);",
            "      } catch (SocketException e) {",
            "        // close anyway",
            "      }",
            "      closeSock(sc);",
            "    }",
            "  }",
            "  InetAddress accept() {",
            "    SocketChannel sc = null;",
            "    try {",
            "      sc = acceptSocket.accept();",
            "      InetAddress address = sc.socket().getInetAddress();",
            "      if (address.isAnyLocalAddress()) {",
            "        throw new IOException(\"unexpected\");",
            "      }",
            "      sc.close();",
            "      return address;",
            "    } catch (IOException | RuntimeException e) {",
            "      fastCloseSock(sc);",
            "      return null;",
            "    }",
            "  }",
            "  InetAddress acceptWithAFakeCloser() {",
            "    SocketChannel sc = null;",
            "    try {",
            "      // BUG: Diagnostic contains: `sc` is not closed",
            "      sc = acceptSocket.accept();",
            "      sc.configureBlocking(false);",
            "      sc.close();",
            "      return null;",
            "    } catch (IOException | RuntimeException e) {",
            "      notClosing(sc);",
            "      return null;",
            "    }",
            "  }",
            "  // named for closing, but it does not",
            "  protected void notClosing(SocketChannel sc) {",
            "    System.out.println(sc);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void negatives_closedOrOpenTestsBeforeClosing() {
    // zookeeper Leader.acceptConnections: `if (error && socket != null && !socket.isClosed())`.
    helper
        .addSourceLines(
            "Acceptor.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "import java.nio.channels.SocketChannel;",
            "class Acceptor {",
            "  ServerSocket serverSocket;",
            "  final java.util.List<Socket> handlers = new java.util.ArrayList<>();",
            "  void acceptConnections(int timeout) throws IOException {",
            "    Socket socket = null;",
            "    boolean error = false;",
            "    try {",
            "      socket = serverSocket.accept();",
            "      socket.setSoTimeout(timeout);",
            "      handlers.add(socket);",
            "    } catch (SocketException e) {",
            "      error = true;",
            "    } catch (Exception e) {",
            "      error = true;",
            "      throw e;",
            "    } finally {",
            "      if (error && socket != null && !socket.isClosed()) {",
            "        try {",
            "          socket.close();",
            "        } catch (IOException e) {",
            "          // logged",
            "        }",
            "      }",
            "    }",
            "  }",
            "  void channel(SocketAddress address) throws IOException {",
            "    SocketChannel ch = SocketChannel.open();",
            "    try {",
            "      ch.connect(address);",
            "    } finally {",
            "      if (ch.isOpen()) {",
            "        ch.close();",
            "      }",
            "    }",
            "  }",
            "  void testedTheWrongWay(SocketAddress address) throws IOException {",
            "    // BUG: Diagnostic contains: `ch` is not closed",
            "    SocketChannel ch = SocketChannel.open();",
            "    try {",
            "      ch.connect(address);",
            "    } finally {",
            "      if (!ch.isOpen()) {",
            "        ch.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_factoriesChannelsSocketsZip() {
    helper
        .addSourceLines(
            "Factories.java",
            "import java.io.*;",
            "import java.net.*;",
            "import java.nio.channels.*;",
            "import java.nio.file.*;",
            "import java.util.stream.Stream;",
            "class Factories {",
            "  long lines(Path p) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    return Files.lines(p).count();",
            "  }",
            "  void reader(Path p) throws IOException {",
            "    // BUG: Diagnostic contains: `r` is not closed if `r.readLine()` throws",
            "    BufferedReader r = Files.newBufferedReader(p);",
            "    r.readLine();",
            "    r.close();",
            "  }",
            "  void dir(Path p) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    for (Path child : Files.newDirectoryStream(p)) {",
            "      System.out.println(child);",
            "    }",
            "  }",
            "  void walk(Path p) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    Stream<Path> s = Files.walk(p);",
            "    s.forEach(System.out::println);",
            "  }",
            "  void channel(Path p) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    FileChannel c = FileChannel.open(p);",
            "    c.size();",
            "  }",
            "  void sockets(int port) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    ServerSocket server = new ServerSocket(port);",
            "    // BUG: Diagnostic contains: is not closed",
            "    Socket client = server.accept();",
            "    client.getInputStream().read();",
            "    client.close();",
            "    server.close();",
            "  }",
            "  void datagram() throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    DatagramSocket s = new DatagramSocket();",
            "    s.getLocalPort();",
            "  }",
            "  void socketChannel() throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    SocketChannel ch = SocketChannel.open();",
            "    ch.isOpen();",
            "  }",
            "  void selector() throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    Selector s = Selector.open();",
            "    s.selectNow();",
            "  }",
            "  void zip(File f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    java.util.zip.ZipFile z = new java.util.zip.ZipFile(f);",
            "    z.size();",
            "    // BUG: Diagnostic contains: is not closed",
            "    java.util.jar.JarFile j = new java.util.jar.JarFile(f);",
            "    j.getManifest();",
            "  }",
            "  void fileSystem(Path p) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    FileSystem fs = FileSystems.newFileSystem(p);",
            "    fs.getRootDirectories();",
            "  }",
            "  // jetty GraalIssue5720PathResource: a file system made from a URI is registered with",
            "  // its provider, so Path.of(uri) finds it; dropping the handle leaks nothing.",
            "  java.net.URI registeredFileSystem(java.net.URI uri) throws IOException {",
            "    try {",
            "      FileSystems.newFileSystem(uri, java.util.Collections.emptyMap());",
            "    } catch (java.nio.file.FileSystemAlreadyExistsException e) {",
            "      // another thread registered it first",
            "    }",
            "    return Path.of(uri).toUri();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_jdbc() {
    helper
        .addSourceLines(
            "Jdbc.java",
            "import java.sql.*;",
            "import javax.sql.DataSource;",
            "class Jdbc {",
            "  private Statement shared;",
            "  void driver(String url) throws SQLException {",
            "    // BUG: Diagnostic contains: `c` is not closed",
            "    Connection c = DriverManager.getConnection(url);",
            "    c.setAutoCommit(false);",
            "    c.close();",
            "  }",
            "  void dataSource(DataSource ds) throws SQLException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    Connection c = ds.getConnection();",
            "    // BUG: Diagnostic contains: `s` is not closed",
            "    Statement s = c.createStatement();",
            "    // BUG: Diagnostic contains: is not closed",
            "    PreparedStatement p = c.prepareStatement(\"select 1\");",
            "    // BUG: Diagnostic contains: is not closed",
            "    CallableStatement call = c.prepareCall(\"call x\");",
            "    s.execute(\"x\");",
            "    p.execute();",
            "    call.execute();",
            "    c.close();",
            "  }",
            "  int resultSetOfAClosedStatement(Connection c) throws SQLException {",
            "    try (PreparedStatement p = c.prepareStatement(\"select 1\")) {",
            "      ResultSet rs = p.executeQuery();", // closed with its statement
            "      rs.next();",
            "      return rs.getInt(1);",
            "    }",
            "  }",
            "  int resultSetOfAFieldStatement() throws SQLException {",
            "    // BUG: Diagnostic contains: `rs` is not closed",
            "    ResultSet rs = shared.executeQuery(\"select 1\");",
            "    rs.next();",
            "    return rs.getInt(1);",
            "  }",
            "  // hsqldb TransferDb: a field statement the class closes (before its next execute, and",
            "  // in close()) closes the result set with it.",
            "  private Statement cursor;",
            "  int resultSetOfAFieldStatementTheClassCloses(Connection c) throws SQLException {",
            "    if (cursor != null) {",
            "      cursor.close();",
            "    }",
            "    cursor = c.createStatement();",
            "    ResultSet rs = cursor.executeQuery(\"select 1\");",
            "    rs.next();",
            "    return rs.getInt(1);",
            "  }",
            "  void close() throws SQLException {",
            "    cursor.close();",
            "  }",
            "  // h2 JdbcCallableStatement: a Statement's own result set is its to close (on the next",
            "  // execute or its own close()), not the overriding method's.",
            "  abstract static class OwnStatement implements PreparedStatement {",
            "    @Override",
            "    public ResultSet executeQuery() throws SQLException {",
            "      return null;",
            "    }",
            "  }",
            "  abstract static class OwnResultSet extends OwnStatement {",
            "    boolean hasRow() throws SQLException {",
            "      ResultSet rs = super.executeQuery();",
            "      return rs != null && rs.next();",
            "    }",
            "    boolean hasRowThis() throws SQLException {",
            "      ResultSet rs = this.executeQuery();",
            "      return rs != null && rs.next();",
            "    }",
            "  }",
            "  int closedProperly(DataSource ds) throws SQLException {",
            "    try (Connection c = ds.getConnection();",
            "        Statement s = c.createStatement();",
            "        ResultSet rs = s.executeQuery(\"select 1\")) {",
            "      return rs.next() ? rs.getInt(1) : 0;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_jdbcStatementsALoopOpensPileUpUntilTheConnectionCloses() {
    helper
        .addSourceLines(
            "Batch.java",
            "import java.sql.*;",
            "import java.util.List;",
            "import javax.sql.DataSource;",
            "class Batch {",
            "  void perRow(DataSource ds, List<String> names) throws SQLException {",
            "    try (Connection c = ds.getConnection()) {",
            "      for (String n : names) {",
            "        // BUG: Diagnostic contains: `ps` is not closed: the variable is overwritten at"
                + " line 9 (the loop's next iteration) while it is open",
            "        PreparedStatement ps = c.prepareStatement(\"insert into t values (?)\");",
            "        ps.setString(1, n);",
            "        ps.executeUpdate();",
            "      }",
            "    }",
            "  }",
            "  void closedEachPass(DataSource ds, List<String> names) throws SQLException {",
            "    try (Connection c = ds.getConnection()) {",
            "      for (String n : names) {",
            "        try (PreparedStatement ps = c.prepareStatement(\"insert into t values (?)\")) {",
            "          ps.setString(1, n);",
            "          ps.executeUpdate();",
            "        }",
            "      }",
            "    }",
            "  }",
            "  // A statement's next execution closes its result set: one per pass does not pile up.",
            "  void resultSetPerRow(Connection c, List<String> names) throws SQLException {",
            "    try (PreparedStatement ps = c.prepareStatement(\"select 1 from t where n = ?\")) {",
            "      for (String n : names) {",
            "        ps.setString(1, n);",
            "        ResultSet rs = ps.executeQuery();",
            "        rs.next();",
            "      }",
            "    }",
            "  }",
            "  // Two statements one after the other: the second replaces the first, which the",
            "  // connection still closes; only a loop makes them pile up.",
            "  void twoInARow(Connection c) throws SQLException {",
            "    try (Connection own = c) {",
            "      Statement st = own.createStatement();",
            "      st.execute(\"a\");",
            "      st = own.createStatement();",
            "      st.execute(\"b\");",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_httpClient_onlyWhereAutoCloseable() {
    // JDK 21+ (what this build runs on) makes HttpClient AutoCloseable.
    helper
        .addSourceLines(
            "Http.java",
            "import java.net.http.HttpClient;",
            "class Http {",
            "  void leak() {",
            "    // BUG: Diagnostic contains: is not closed",
            "    HttpClient c = HttpClient.newHttpClient();",
            "    c.version();",
            "  }",
            "  void builder() {",
            "    // BUG: Diagnostic contains: is not closed",
            "    HttpClient c = HttpClient.newBuilder().build();",
            "    c.version();",
            "  }",
            "  void closed() {",
            "    try (HttpClient c = HttpClient.newHttpClient()) {",
            "      c.version();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_mustBeClosedAndMustCall() {
    helper
        .addSourceLines(
            "org/checkerframework/checker/mustcall/qual/MustCall.java",
            "package org.checkerframework.checker.mustcall.qual;",
            "import java.lang.annotation.*;",
            "@Retention(RetentionPolicy.RUNTIME)",
            "@Target({ElementType.TYPE, ElementType.TYPE_USE, ElementType.METHOD})",
            "public @interface MustCall { String[] value() default {}; }")
        .addSourceLines(
            "Lease.java",
            "import com.google.errorprone.annotations.MustBeClosed;",
            "import org.checkerframework.checker.mustcall.qual.MustCall;",
            "@MustCall(\"close\")",
            "class Lease implements AutoCloseable {",
            "  @Override public void close() {}",
            "  void use() {}",
            "  static Lease acquire() { return new Lease(); }",
            "  Lease getCurrent() { return this; }",
            "}")
        .addSourceLines(
            "Pool.java",
            "import com.google.errorprone.annotations.MustBeClosed;",
            "class Pool {",
            "  static class Handle implements AutoCloseable {",
            "    @MustBeClosed Handle() {}",
            "    Handle(int unowned) {}",
            "    @Override public void close() {}",
            "    void use() {}",
            "  }",
            "  @MustBeClosed Handle open() { return new Handle(); }",
            "  Handle peek() { return null; }",
            "  void leaks() {",
            "    // BUG: Diagnostic contains: `h` is not closed",
            "    Handle h = open();",
            "    h.use();",
            "    // BUG: Diagnostic contains: `g` is not closed",
            "    Handle g = new Handle();",
            "    g.use();",
            "    // BUG: Diagnostic contains: `l` is not closed",
            "    Lease l = Lease.acquire();",
            "    l.use();",
            "    // BUG: Diagnostic contains: `m` is not closed",
            "    Lease m = new Lease();",
            "    m.use();",
            "  }",
            "  void notResources(Lease lease) {",
            "    Handle h = peek();",
            "    h.use();",
            "    Handle unowned = new Handle(1);",
            "    unowned.use();",
            "    Lease current = lease.getCurrent();",
            "    current.use();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_notResources() {
    helper
        .addSourceLines(
            "InMemory.java",
            "import java.io.*;",
            "import java.util.*;",
            "import java.util.stream.*;",
            "class InMemory {",
            "  void streams(byte[] bytes, String s, List<String> list) throws IOException {",
            "    ByteArrayInputStream a = new ByteArrayInputStream(bytes);",
            "    a.read();",
            "    ByteArrayOutputStream b = new ByteArrayOutputStream();",
            "    b.write(1);",
            "    CharArrayReader c = new CharArrayReader(new char[1]);",
            "    c.read();",
            "    CharArrayWriter d = new CharArrayWriter();",
            "    d.write(1);",
            "    StringReader e = new StringReader(s);",
            "    e.read();",
            "    StringWriter f = new StringWriter();",
            "    f.write(1);",
            "    BufferedReader g = new BufferedReader(new StringReader(s));",
            "    g.readLine();",
            "    Stream<String> h = list.stream();",
            "    h.count();",
            "    IntStream.range(0, 3).sum();",
            "    Scanner scanString = new Scanner(s);",
            "    scanString.next();",
            "  }",
            "  void system() throws IOException {",
            "    Scanner in = new Scanner(System.in);",
            "    in.nextLine();",
            "    PrintWriter out = new PrintWriter(System.out);",
            "    out.println();",
            "    BufferedReader r = new BufferedReader(new InputStreamReader(System.in));",
            "    r.readLine();",
            "    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err));",
            "    err.println();",
            "    PrintWriter toWriter = new PrintWriter(new StringWriter());",
            "    toWriter.println();",
            "  }",
            "  // zookeeper UnifiedServerSocket.accept: a socket with no implementation has no",
            "  // descriptor until implAccept gives it one (and implAccept closes it on failure)",
            "  static class PrependableSocket extends java.net.Socket {",
            "    PrependableSocket(java.net.SocketImpl impl) throws IOException { super(impl); }",
            "  }",
            "  static class AcceptingServerSocket extends java.net.ServerSocket {",
            "    AcceptingServerSocket() throws IOException {}",
            "    @Override",
            "    public java.net.Socket accept() throws IOException {",
            "      PrependableSocket socket = new PrependableSocket(null);",
            "      implAccept(socket);",
            "      return socket;",
            "    }",
            "  }",
            "  InputStream getter(java.net.Socket socket) throws IOException {",
            "    InputStream in = socket.getInputStream();",
            "    in.read();",
            "    return null;",
            "  }",
            "}")
        .doTest();
  }

  // ---- discharges -----------------------------------------------------------------------------

  // ---- ownership across method boundaries ----------------------------------------------------

  @Test
  public void identification_methodsOfTheCompilationThatReturnNewResources() {
    helper
        .addSourceLines(
            "com/acme/Scripts.java",
            "package com.acme;",
            "import java.io.*;",
            "public class Scripts {",
            "  public static InputStream openScript(File f) throws IOException {",
            "    return new FileInputStream(f);",
            "  }",
            "}")
        .addSourceLines(
            "Loader.java",
            "import com.acme.Scripts;",
            "import java.io.*;",
            "import java.util.*;",
            "class Loader {",
            "  private final InputStream shared;",
            "  private final List<InputStream> open = new ArrayList<>();",
            "  Loader(InputStream shared) { this.shared = shared; }",
            "  InputStream openSqlStream(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    return in;",
            "  }",
            "  Reader openReader(File f) throws IOException {",
            "    return new BufferedReader(new FileReader(f));",
            "  }",
            "  InputStream openIfExists(File f) throws IOException {",
            "    return f.exists() ? openSqlStream(f) : null;",
            "  }",
            "  InputStream sharedStream() { return shared; }",
            "  InputStream sameAs(InputStream in) { return in; }",
            "  InputStream openAndKeep(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    open.add(in);",
            "    return in;",
            "  }",
            "  InputStream openClosed(File f) throws IOException {",
            "    try (InputStream in = new FileInputStream(f)) {",
            "      return in;",
            "    }",
            "  }",
            "  InputStream loopA(File f) throws IOException { return loopB(f); }",
            "  InputStream loopB(File f) throws IOException { return loopA(f); }",
            "  int leaks(File f) throws IOException {",
            "    // BUG: Diagnostic contains: (`openSqlStream(...)` returns a new `FileInputStream`)",
            "    InputStream in = openSqlStream(f);",
            "    return in.read();",
            "  }",
            "  int leaksReader(File f) throws IOException {",
            "    // BUG: Diagnostic contains: (`openReader(...)` returns a new `BufferedReader`)",
            "    Reader r = openReader(f);",
            "    return r.read();",
            "  }",
            "  int leaksMaybe(File f) throws IOException {",
            "    // BUG: Diagnostic contains: returns the result of `openSqlStream(...)`",
            "    InputStream in = openIfExists(f);",
            "    return in == null ? -1 : in.read();",
            "  }",
            "  int leaksFromAnotherFile(File f) throws IOException {",
            "    // BUG: Diagnostic contains: (`Scripts.openScript(...)` returns a new `FileInputStream`)",
            "    InputStream in = Scripts.openScript(f);",
            "    return in.read();",
            "  }",
            "  int closes(File f) throws IOException {",
            "    try (InputStream in = openSqlStream(f)) {",
            "      return in.read();",
            "    }",
            "  }",
            "  int notOwned(File f, InputStream given) throws IOException {",
            "    return sharedStream().read() + sameAs(given).read() + openAndKeep(f).read()",
            "        + openClosed(f).read() + loopA(f).read();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_libraryCallsThatOpenAndViewsThatDoNot() {
    helper
        .addSourceLines(
            "com/acme/store/BlobStore.java",
            "package com.acme.store;",
            "public interface BlobStore {",
            "  java.io.InputStream openBlob(String key);",
            "  java.io.InputStream getCachedBlob(String key);",
            "}")
        .addSourceLines(
            "Library.java",
            "import com.acme.store.BlobStore;",
            "import java.io.*;",
            "import java.net.*;",
            "class Library {",
            "  int url(URL url) throws IOException {",
            "    // BUG: Diagnostic contains: (`url.openStream()` opens a new `InputStream`, as its name says)",
            "    InputStream in = url.openStream();",
            "    return in.read();",
            "  }",
            "  int resource() throws IOException {",
            "    // BUG: Diagnostic contains: getResourceAsStream(...)` opens a new `InputStream` each call",
            "    InputStream in = Library.class.getResourceAsStream(\"/x\");",
            "    return in.read();",
            "  }",
            "  int connection(URL url) throws IOException {",
            "    URLConnection c = url.openConnection();",
            "    // BUG: Diagnostic contains: `c.getInputStream()` opens a new `InputStream` each call",
            "    InputStream in = c.getInputStream();",
            "    return in.read();",
            "  }",
            "  int store(BlobStore store) throws IOException {",
            "    // BUG: Diagnostic contains: `store.openBlob(...)` opens a new `InputStream`",
            "    InputStream in = store.openBlob(\"k\");",
            "    return in.read();",
            "  }",
            "  int views(Socket socket, Process process, BlobStore store) throws IOException {",
            "    InputStream in = socket.getInputStream();",
            "    OutputStream out = process.getOutputStream();",
            "    InputStream cached = store.getCachedBlob(\"k\");",
            "    out.write(in.read());",
            "    return cached.read();",
            "  }",
            "  int closed(URL url) throws IOException {",
            "    try (InputStream in = url.openStream()) {",
            "      return in.read();",
            "    }",
            "  }",
            "  void disconnected(URL url) throws IOException {",
            "    HttpURLConnection c = (HttpURLConnection) url.openConnection();",
            "    try {",
            "      OutputStream out = c.getOutputStream();",
            "      out.write(1);",
            "    } finally {",
            "      c.disconnect();",
            "    }",
            "  }",
            "  Object parse(com.acme.store.Parsers parsers, File f) throws IOException {",
            "    try (InputStream in = new FileInputStream(f)) {",
            "      // A layer over a stream the caller owns and closes: not a new resource.",
            "      Closeable parser = parsers.createParser(in);",
            "      return parser.toString();",
            "    }",
            "  }",
            "  void unconnected(java.net.SocketAddress address) throws IOException {",
            "    Socket s = makeUnconnected();",
            "  }",
            "  @org.checkerframework.checker.mustcall.qual.MustCall({})",
            "  static Socket makeUnconnected() { return new Socket(); }",
            "}")
        .addSourceLines(
            "com/acme/store/Parsers.java",
            "package com.acme.store;",
            "public interface Parsers {",
            "  java.io.Closeable createParser(java.io.InputStream in);",
            "}")
        .addSourceLines(
            "org/checkerframework/checker/mustcall/qual/MustCall.java",
            "package org.checkerframework.checker.mustcall.qual;",
            "public @interface MustCall { String[] value() default {}; }")
        .doTest();
  }

  /**
   * An abstract method of the compilation whose name says it makes something is read through its
   * implementations where all of them are here (curator's {@code
   * newWatcherRemoveCuratorFramework()} returns a facade over the client): implementations that
   * return nothing their caller owns make its calls owe nothing. One that opens a stream, one that
   * delegates to the same method on another object, and an abstract method no class here
   * implements, still go by the name.
   */
  @Test
  public void identification_abstractMethodReadThroughItsImplementations() {
    helper
        .addSourceLines(
            "Store.java",
            "import java.io.FileInputStream;",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "interface Store {",
            "  InputStream newView();",
            "  InputStream newStream(String name) throws IOException;",
            "}",
            "interface Opener {",
            "  InputStream newStream(String name) throws IOException;",
            "}",
            "interface Source {",
            "  InputStream openSource(String name) throws IOException;",
            "}",
            "final class DelegatingSource implements Source {",
            "  private final Source delegate;",
            "  DelegatingSource(Source delegate) { this.delegate = delegate; }",
            "  @Override public InputStream openSource(String name) throws IOException {",
            "    return delegate.openSource(name);",
            "  }",
            "}",
            "final class FileStore implements Store {",
            "  private final InputStream shared;",
            "  FileStore(InputStream shared) { this.shared = shared; }",
            "  @Override public InputStream newView() { return shared; }",
            "  @Override public InputStream newStream(String name) throws IOException {",
            "    return new FileInputStream(name);",
            "  }",
            "}",
            "class Use {",
            "  int view(Store store) throws IOException {",
            "    InputStream view = store.newView();",
            "    return view.read();",
            "  }",
            "  int stream(Store store) throws IOException {",
            "    // BUG: Diagnostic contains: `stream` is not closed",
            "    InputStream stream = store.newStream(\"a\");",
            "    return stream.read();",
            "  }",
            "  int delegated(Source source) throws IOException {",
            "    // BUG: Diagnostic contains: `stream` is not closed",
            "    InputStream stream = source.openSource(\"a\");",
            "    return stream.read();",
            "  }",
            "  int unimplemented(Opener opener) throws IOException {",
            "    // BUG: Diagnostic contains: `stream` is not closed",
            "    InputStream stream = opener.newStream(\"a\");",
            "    return stream.read();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * httpclient5's ProxyClient.tunnel returns {@code conn.getSocket()}: a managed connection's socket
   * is all it holds of the OS, so returning it hands the connection on, and only a failure before
   * that return leaks it. A socket only asked for its port hands nothing on. And a pool entry's
   * {@code assignConnection(conn)} keeps the connection, as a setter would.
   */
  @Test
  public void identification_httpConnectionHandedOnThroughItsSocket() {
    helper
        .addSourceLines(
            "org/apache/hc/client5/http/io/ManagedHttpClientConnection.java",
            "package org.apache.hc.client5.http.io;",
            "public interface ManagedHttpClientConnection extends java.io.Closeable {",
            "  java.net.Socket getSocket();",
            "}")
        .addSourceLines(
            "Tunnel.java",
            "import java.io.IOException;",
            "import java.net.Socket;",
            "import org.apache.hc.client5.http.io.ManagedHttpClientConnection;",
            "interface ConnectionFactory {",
            "  ManagedHttpClientConnection createConnection() throws IOException;",
            "}",
            "interface PoolEntry {",
            "  void assignConnection(ManagedHttpClientConnection conn);",
            "  void inspectConnection(ManagedHttpClientConnection conn);",
            "}",
            "class Tunnel {",
            "  static void check(int status) throws IOException {",
            "    if (status > 299) {",
            "      throw new IOException(\"refused\");",
            "    }",
            "  }",
            "  Socket tunnel(ConnectionFactory factory) throws IOException {",
            "    ManagedHttpClientConnection conn = factory.createConnection();",
            "    return conn.getSocket();",
            "  }",
            "  Socket tunnelChecked(ConnectionFactory factory, int status) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed if `check(...)` throws",
            "    ManagedHttpClientConnection conn = factory.createConnection();",
            "    check(status);",
            "    return conn.getSocket();",
            "  }",
            "  int port(ConnectionFactory factory) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed on any path",
            "    ManagedHttpClientConnection conn = factory.createConnection();",
            "    return conn.getSocket().getPort();",
            "  }",
            "  void pooled(ConnectionFactory factory, PoolEntry entry) throws IOException {",
            "    entry.assignConnection(factory.createConnection());",
            "  }",
            "  void inspected(ConnectionFactory factory, PoolEntry entry) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed on any path",
            "    ManagedHttpClientConnection conn = factory.createConnection();",
            "    entry.inspectConnection(conn);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * curator-recipes: {@code client.newWatcherRemoveCuratorFramework()} returns a facade over the
   * client, whose {@code close()} throws; the library model says it owes nothing despite its
   * name, where the framework is a library. Another {@code new…} method of the same type still
   * goes by its name.
   */
  @Test
  public void identification_curatorWatcherRemovingFacadeIsAView() {
    helper
        .addSourceLines(
            "org/apache/curator/framework/CuratorFramework.java",
            "package org.apache.curator.framework;",
            "public interface CuratorFramework extends java.io.Closeable {",
            "  WatcherRemoveCuratorFramework newWatcherRemoveCuratorFramework();",
            "  java.io.InputStream newDataStream(String path);",
            "}")
        .addSourceLines(
            "org/apache/curator/framework/WatcherRemoveCuratorFramework.java",
            "package org.apache.curator.framework;",
            "public interface WatcherRemoveCuratorFramework extends CuratorFramework {",
            "  void removeWatchers();",
            "}")
        .addSourceLines(
            "Cache.java",
            "import org.apache.curator.framework.CuratorFramework;",
            "import org.apache.curator.framework.WatcherRemoveCuratorFramework;",
            "class Cache {",
            "  private final WatcherRemoveCuratorFramework client;",
            "  Cache(CuratorFramework client) {",
            "    this.client = client.newWatcherRemoveCuratorFramework();",
            "  }",
            "  void close() { client.removeWatchers(); }",
            "}",
            "class Session {",
            "  // BUG: Diagnostic contains: no method of `Session` closes it",
            "  private final java.io.InputStream data;",
            "  Session(CuratorFramework client) {",
            "    this.data = client.newDataStream(\"/a\");",
            "  }",
            "}")
        .doTest();
  }

  /**
   * mariadb's pool: its own {@code PooledConnection} implementation's {@code getConnection()} is
   * {@code return connection;}, the physical connection it holds, so the pool's {@code
   * item.getConnection().reset()} opens nothing, whatever the interface documents. Called on the
   * interface, or on an implementation that makes a new handle, it still opens a new logical
   * connection.
   */
  @Test
  public void identification_pooledConnectionImplementationHandingOutItsField() {
    helper
        .addSourceLines(
            "Inner.java",
            "import java.sql.Connection;",
            "import java.sql.SQLException;",
            "import javax.sql.ConnectionEventListener;",
            "import javax.sql.PooledConnection;",
            "import javax.sql.StatementEventListener;",
            "class Inner implements PooledConnection {",
            "  private final Connection connection;",
            "  Inner(Connection connection) { this.connection = connection; }",
            "  @Override public Connection getConnection() { return connection; }",
            "  @Override public void close() throws SQLException { connection.close(); }",
            "  @Override public void addConnectionEventListener(ConnectionEventListener l) {}",
            "  @Override public void removeConnectionEventListener(ConnectionEventListener l) {}",
            "  @Override public void addStatementEventListener(StatementEventListener l) {}",
            "  @Override public void removeStatementEventListener(StatementEventListener l) {}",
            "}",
            "class Pool {",
            "  void reset(Inner item) throws SQLException {",
            "    item.getConnection().setAutoCommit(true);",
            "  }",
            "  void resetAny(PooledConnection item) throws SQLException {",
            "    // BUG: Diagnostic contains: is not closed on any path",
            "    item.getConnection().setAutoCommit(true);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * jetty's ConnectHandler completes a promise with the channel it opened: {@code
   * promise.succeeded(channel)} hands the channel to whoever waits for it, as {@code
   * CompletableFuture.complete(v)} does. A call of another name on the same promise lends it.
   */
  @Test
  public void identification_promiseCompletedWithTheResource() {
    helper
        .addSourceLines(
            "Connect.java",
            "import java.io.IOException;",
            "import java.nio.channels.SocketChannel;",
            "import java.util.concurrent.CompletableFuture;",
            "class Connect {",
            "  interface Promise<T> {",
            "    void succeeded(T value);",
            "    void failed(Throwable x);",
            "    void inspect(T value);",
            "  }",
            "  void connect(Promise<SocketChannel> promise) {",
            "    SocketChannel channel = null;",
            "    try {",
            "      channel = SocketChannel.open();",
            "      channel.configureBlocking(false);",
            "      promise.succeeded(channel);",
            "    } catch (Throwable x) {",
            "      try {",
            "        if (channel != null) channel.close();",
            "      } catch (IOException ignored) {",
            "      }",
            "      promise.failed(x);",
            "    }",
            "  }",
            "  void future(CompletableFuture<SocketChannel> future) throws IOException {",
            "    future.complete(SocketChannel.open());",
            "  }",
            "  void inspected(Promise<SocketChannel> promise) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed on any path",
            "    SocketChannel channel = SocketChannel.open();",
            "    promise.inspect(channel);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * PDFBox's FontMapperImpl hands a class-path font to {@code new TTFParser().parse(stream)}, which
   * copies it into memory and closes it in a {@code finally}. A parser the model does not know
   * leaves the stream with its caller.
   */
  @Test
  public void identification_fontParserClosesTheStreamItReads() {
    helper
        .addSourceLines(
            "org/apache/fontbox/ttf/TTFParser.java",
            "package org.apache.fontbox.ttf;",
            "public abstract class TTFParser {",
            "  public abstract Object parse(java.io.InputStream in) throws java.io.IOException;",
            "  public abstract Object parseEmbedded(java.io.InputStream in)",
            "      throws java.io.IOException;",
            "}")
        .addSourceLines(
            "Fonts.java",
            "import java.io.BufferedInputStream;",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import org.apache.fontbox.ttf.TTFParser;",
            "abstract class Fonts {",
            "  abstract static class OtherParser {",
            "    abstract Object parse(InputStream in) throws IOException;",
            "  }",
            "  Object lastResort(TTFParser parser) throws IOException {",
            "    InputStream in = Fonts.class.getResourceAsStream(\"/font.ttf\");",
            "    if (in == null) {",
            "      throw new IOException(\"missing\");",
            "    }",
            "    return parser.parse(new BufferedInputStream(in));",
            "  }",
            "  Object embedded(TTFParser parser) throws IOException {",
            "    return parser.parseEmbedded(Fonts.class.getResourceAsStream(\"/font.ttf\"));",
            "  }",
            "  Object other(OtherParser parser) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    InputStream in = Fonts.class.getResourceAsStream(\"/font.ttf\");",
            "    if (in == null) {",
            "      throw new IOException(\"missing\");",
            "    }",
            "    return parser.parse(new BufferedInputStream(in));",
            "  }",
            "}")
        .doTest();
  }

  /**
   * netty's NioEventLoop opens a selector, then loads a class inside {@code
   * AccessController.doPrivileged(action)} whose {@code run()} catches every {@code Throwable}:
   * that call cannot fail, and making the anonymous action cannot either, nor testing the class
   * it loaded with {@code isAssignableFrom}. An action that may throw still can.
   */
  @Test
  public void identification_privilegedActionThatCannotFail() {
    helper
        .addSourceLines(
            "Loop.java",
            "import java.io.IOException;",
            "import java.nio.channels.Selector;",
            "import java.nio.channels.spi.SelectorProvider;",
            "import java.security.AccessController;",
            "import java.security.PrivilegedAction;",
            "import java.util.List;",
            "@SuppressWarnings(\"removal\") // AccessController, as netty still calls it",
            "class Loop {",
            "  Selector open(SelectorProvider provider, List<Object> loaded) throws IOException {",
            "    Selector selector = provider.openSelector();",
            "    Object impl = AccessController.doPrivileged(new PrivilegedAction<Object>() {",
            "      @Override public Object run() {",
            "        try {",
            "          return Class.forName(\"sun.nio.ch.SelectorImpl\");",
            "        } catch (Throwable cause) {",
            "          return cause;",
            "        }",
            "      }",
            "    });",
            "    Object again = AccessController.doPrivileged((PrivilegedAction<Object>) () -> {",
            "      try {",
            "        return Class.forName(\"sun.nio.ch.SelectorImpl\");",
            "      } catch (Throwable cause) {",
            "        return cause;",
            "      }",
            "    });",
            "    if (!(impl instanceof Class) || !((Class<?>) impl).isAssignableFrom(selector.getClass())) {",
            "      return selector;",
            "    }",
            "    return selector;",
            "  }",
            "  Selector loud(SelectorProvider provider) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed if `AccessController.doPrivileged(...)`",
            "    Selector selector = provider.openSelector();",
            "    Object impl = AccessController.doPrivileged(new PrivilegedAction<Object>() {",
            "      @Override public Object run() {",
            "        return Integer.parseInt(System.getProperty(\"selector.size\"));",
            "      }",
            "    });",
            "    return selector;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_httpClientResponsesHoldPooledConnections() {
    helper
        .addSourceLines(
            "okhttp3/Response.java",
            "package okhttp3;",
            "public abstract class Response implements java.io.Closeable {",
            "  public abstract int code();",
            "  public abstract ResponseBody body();",
            "}")
        .addSourceLines(
            "okhttp3/ResponseBody.java",
            "package okhttp3;",
            "public abstract class ResponseBody implements java.io.Closeable {",
            "  public abstract String string() throws java.io.IOException;",
            "  public abstract java.io.InputStream byteStream();",
            "  public abstract java.io.Reader charStream();",
            "}")
        .addSourceLines(
            "okhttp3/Call.java",
            "package okhttp3;",
            "public interface Call { Response execute() throws java.io.IOException; }")
        .addSourceLines(
            "org/apache/http/HttpResponse.java",
            "package org.apache.http;",
            "public interface HttpResponse {",
            "  Object getStatusLine();",
            "  HttpEntity getEntity();",
            "}")
        .addSourceLines(
            "org/apache/http/HttpEntity.java",
            "package org.apache.http;",
            "public interface HttpEntity {",
            "  java.io.InputStream getContent() throws java.io.IOException;",
            "}")
        .addSourceLines(
            "org/apache/http/util/EntityUtils.java",
            "package org.apache.http.util;",
            "public final class EntityUtils {",
            "  public static void consume(org.apache.http.HttpEntity e) throws java.io.IOException {}",
            "  public static String toString(org.apache.http.HttpEntity e)",
            "      throws java.io.IOException {",
            "    return \"\";",
            "  }",
            "}")
        .addSourceLines(
            "org/apache/http/client/methods/CloseableHttpResponse.java",
            "package org.apache.http.client.methods;",
            "public interface CloseableHttpResponse",
            "    extends org.apache.http.HttpResponse, java.io.Closeable {}")
        .addSourceLines(
            "org/apache/http/impl/client/CloseableHttpClient.java",
            "package org.apache.http.impl.client;",
            "import org.apache.http.client.methods.CloseableHttpResponse;",
            "public abstract class CloseableHttpClient implements java.io.Closeable {",
            "  public abstract CloseableHttpResponse execute(Object request)",
            "      throws java.io.IOException;",
            "  public abstract <T> T execute(Object request, java.util.function.Function<Object, T> h)",
            "      throws java.io.IOException;",
            "}")
        .addSourceLines(
            "Http.java",
            "import java.io.IOException;",
            "import org.apache.http.client.methods.CloseableHttpResponse;",
            "import org.apache.http.impl.client.CloseableHttpClient;",
            "class Http {",
            "  Object status(CloseableHttpClient client, Object get) throws IOException {",
            "    // BUG: Diagnostic contains: `response` is not closed on any path (an HTTP response"
                + " holds its pooled connection until it is closed)",
            "    CloseableHttpResponse response = client.execute(get);",
            "    return response.getStatusLine();",
            "  }",
            "  String checked(okhttp3.Call call) throws IOException {",
            "    // BUG: Diagnostic contains: `response` is not closed when the method throws at line 14",
            "    okhttp3.Response response = call.execute();",
            "    if (response.code() != 200) {",
            "      throw new IOException(\"HTTP \" + response.code());",
            "    }",
            "    return response.body().string();",
            "  }",
            "  // Reading the body whole closes it, and with it the response.",
            "  String read(okhttp3.Call call) throws IOException {",
            "    return call.execute().body().string();",
            "  }",
            "  void bodyClosed(okhttp3.Call call) throws IOException {",
            "    okhttp3.Response response = call.execute();",
            "    response.body().close();",
            "  }",
            "  // Closing the body's stream or reader closes the body, and with it the response;",
            "  // returning the stream hands the response to whoever closes it.",
            "  int streamClosed(okhttp3.Call call) throws IOException {",
            "    okhttp3.Response response = call.execute();",
            "    try (java.io.InputStream in = response.body().byteStream()) {",
            "      return in.read();",
            "    }",
            "  }",
            "  String readerClosed(okhttp3.Call call) throws IOException {",
            "    okhttp3.Response response = call.execute();",
            "    try (java.io.BufferedReader r =",
            "        new java.io.BufferedReader(response.body().charStream())) {",
            "      return r.readLine();",
            "    }",
            "  }",
            "  java.io.InputStream streamReturned(okhttp3.Call call) throws IOException {",
            "    okhttp3.Response response = call.execute();",
            "    return response.body().byteStream();",
            "  }",
            "  int streamNotClosed(okhttp3.Call call) throws IOException {",
            "    // BUG: Diagnostic contains: `response` is not closed on any path",
            "    okhttp3.Response response = call.execute();",
            "    java.io.InputStream in = response.body().byteStream();",
            "    return in.read();",
            "  }",
            "  Object scoped(CloseableHttpClient client, Object get) throws IOException {",
            "    try (CloseableHttpResponse response = client.execute(get)) {",
            "      return response.getStatusLine();",
            "    }",
            "  }",
            "  // Reading the entity whole, consuming it, or closing its content stream gives the",
            "  // connection back to the pool; returning the content hands the response on.",
            "  String entityRead(CloseableHttpClient client, Object get) throws IOException {",
            "    CloseableHttpResponse response = client.execute(get);",
            "    return org.apache.http.util.EntityUtils.toString(response.getEntity());",
            "  }",
            "  Object entityConsumed(CloseableHttpClient client, Object get) throws IOException {",
            "    CloseableHttpResponse response = client.execute(get);",
            "    org.apache.http.HttpEntity entity = response.getEntity();",
            "    try {",
            "      return response.getStatusLine();",
            "    } finally {",
            "      org.apache.http.util.EntityUtils.consume(entity);",
            "    }",
            "  }",
            "  int contentClosed(CloseableHttpClient client, Object get) throws IOException {",
            "    CloseableHttpResponse response = client.execute(get);",
            "    try (java.io.InputStream in = response.getEntity().getContent()) {",
            "      return in.read();",
            "    }",
            "  }",
            "  java.io.InputStream contentReturned(CloseableHttpClient client, Object get)",
            "      throws IOException {",
            "    CloseableHttpResponse response = client.execute(get);",
            "    return response.getEntity().getContent();",
            "  }",
            "  int contentNotClosed(CloseableHttpClient client, Object get) throws IOException {",
            "    // BUG: Diagnostic contains: `response` is not closed on any path",
            "    CloseableHttpResponse response = client.execute(get);",
            "    return response.getEntity().getContent().read();",
            "  }",
            "  // A response handler's result owes nothing.",
            "  String handled(CloseableHttpClient client, Object get) throws IOException {",
            "    return client.execute(get, r -> \"ok\");",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Jackson's whole-value reads and writes close the stream they are given (AUTO_CLOSE_SOURCE and
   * AUTO_CLOSE_TARGET, on by default), but not a parser or generator; Commons IO's file line
   * iterator holds a reader until it is closed.
   */
  @Test
  public void identification_jacksonClosesStreamsAndLineIteratorsHoldFiles() {
    helper
        .addSourceLines(
            "com/fasterxml/jackson/core/JsonParser.java",
            "package com.fasterxml.jackson.core;",
            "public abstract class JsonParser implements java.io.Closeable {}")
        .addSourceLines(
            "com/fasterxml/jackson/databind/ObjectMapper.java",
            "package com.fasterxml.jackson.databind;",
            "import java.io.*;",
            "public abstract class ObjectMapper {",
            "  public abstract <T> T readValue(InputStream in, Class<T> type) throws IOException;",
            "  public abstract <T> T readValue(com.fasterxml.jackson.core.JsonParser p, Class<T> t)",
            "      throws IOException;",
            "  public abstract void writeValue(Writer w, Object value) throws IOException;",
            "  public abstract com.fasterxml.jackson.core.JsonParser createParser(File f)",
            "      throws IOException;",
            "}")
        .addSourceLines(
            "org/apache/commons/io/LineIterator.java",
            "package org.apache.commons.io;",
            "public abstract class LineIterator implements java.io.Closeable {",
            "  public abstract String next();",
            "}")
        .addSourceLines(
            "org/apache/commons/io/FileUtils.java",
            "package org.apache.commons.io;",
            "public final class FileUtils {",
            "  public static LineIterator lineIterator(java.io.File f, String charset)",
            "      throws java.io.IOException {",
            "    throw new UnsupportedOperationException(); // a library's, by the model",
            "  }",
            "}")
        .addSourceLines(
            "Json.java",
            "import com.fasterxml.jackson.core.JsonParser;",
            "import com.fasterxml.jackson.databind.ObjectMapper;",
            "import java.io.*;",
            "import org.apache.commons.io.*;",
            "class Json {",
            "  ObjectMapper mapper;",
            "  Object read(File f) throws IOException {",
            "    return mapper.readValue(new FileInputStream(f), Object.class);",
            "  }",
            "  void write(File f, Object v) throws IOException {",
            "    mapper.writeValue(new FileWriter(f), v);",
            "  }",
            "  Object readParser(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `p` is not closed on any path",
            "    JsonParser p = mapper.createParser(f);",
            "    return mapper.readValue(p, Object.class);",
            "  }",
            "  String firstLine(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `it` is not closed on any path",
            "    LineIterator it = FileUtils.lineIterator(f, \"UTF-8\");",
            "    return it.next();",
            "  }",
            "  String firstLineClosed(File f) throws IOException {",
            "    try (LineIterator it = FileUtils.lineIterator(f, \"UTF-8\")) {",
            "      return it.next();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_s3ObjectsAndPooledRedisClients() {
    helper
        .addSourceLines(
            "com/amazonaws/services/s3/model/S3Object.java",
            "package com.amazonaws.services.s3.model;",
            "public abstract class S3Object implements java.io.Closeable {",
            "  public abstract java.io.InputStream getObjectContent();",
            "}")
        .addSourceLines(
            "com/amazonaws/services/s3/AmazonS3.java",
            "package com.amazonaws.services.s3;",
            "public interface AmazonS3 {",
            "  com.amazonaws.services.s3.model.S3Object getObject(String bucket, String key);",
            "  Object getObject(Object request, java.io.File destination);",
            "}")
        .addSourceLines(
            "redis/clients/jedis/Jedis.java",
            "package redis.clients.jedis;",
            "public abstract class Jedis implements java.io.Closeable {",
            "  public abstract String get(String key);",
            "  @Override public void close() {}",
            "}")
        .addSourceLines(
            "redis/clients/jedis/util/Pool.java",
            "package redis.clients.jedis.util;",
            "public abstract class Pool<T> { public abstract T getResource(); }")
        .addSourceLines(
            "Clients.java",
            "import com.amazonaws.services.s3.AmazonS3;",
            "import com.amazonaws.services.s3.model.S3Object;",
            "import redis.clients.jedis.Jedis;",
            "import redis.clients.jedis.util.Pool;",
            "class Clients {",
            "  int firstByte(AmazonS3 s3) throws java.io.IOException {",
            "    // BUG: Diagnostic contains: `object` is not closed on any path (`s3.getObject(...)`"
                + " opens a new `S3Object` each call)",
            "    S3Object object = s3.getObject(\"bucket\", \"key\");",
            "    return object.getObjectContent().read();",
            "  }",
            "  Object toFile(AmazonS3 s3, Object request, java.io.File f) {",
            "    return s3.getObject(request, f);",
            "  }",
            "  String cached(Pool<Jedis> pool, String key) {",
            "    // BUG: Diagnostic contains: `jedis` is not closed on any path (`pool.getResource()`"
                + " takes a connection from a pool)",
            "    Jedis jedis = pool.getResource();",
            "    return jedis.get(key);",
            "  }",
            "  String scoped(Pool<Jedis> pool, String key) {",
            "    try (Jedis jedis = pool.getResource()) {",
            "      return jedis.get(key);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_h2ReadBytesAndCloseInAnotherFileCloses() {
    // h2 Utils.loadResource and CipherFactory.setKeystore: a reader of another file of the
    // compilation whose name and body say it closes its argument, returning what it read.
    helper
        .addSourceLines(
            "org/h2/util/IOUtils.java",
            "package org.h2.util;",
            "import java.io.*;",
            "public final class IOUtils {",
            "  public static byte[] readBytesAndClose(InputStream in, int length) throws IOException {",
            "    try {",
            "      return in.readAllBytes();",
            "    } finally {",
            "      in.close();",
            "    }",
            "  }",
            "  public static byte[] readBytesAndKeepOpen(InputStream in) throws IOException {",
            "    return in.readAllBytes();",
            "  }",
            "}")
        .addSourceLines(
            "Utils.java",
            "import java.io.*;",
            "import org.h2.util.IOUtils;",
            "class Utils {",
            "  static byte[] loadResource(String name) throws IOException {",
            "    InputStream in = Utils.class.getResourceAsStream(name);",
            "    if (in == null) {",
            "      return null;",
            "    }",
            "    return IOUtils.readBytesAndClose(in, 0);",
            "  }",
            "  static byte[] loadAndLeak(String name) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed",
            "    InputStream in = Utils.class.getResourceAsStream(name);",
            "    return in == null ? null : IOUtils.readBytesAndKeepOpen(in);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * {@code channel.register(selector, ops)} hands the channel to the selector, which holds it
   * through its key (zookeeper ClientCnxnSocketNIO: {@code sockKey = sock.register(…)}, closed
   * through the key later). Before the registration, the channel is still the opener's.
   */
  @Test
  public void identification_channelRegisteredWithASelectorIsHandedOn() {
    helper
        .addSourceLines(
            "Server.java",
            "import java.io.*;",
            "import java.nio.channels.*;",
            "class Server {",
            "  SelectionKey key;",
            "  void accept(ServerSocketChannel server, Selector selector) throws IOException {",
            "    // BUG: Diagnostic contains: `ch` is not closed if `ch.configureBlocking(...)` throws",
            "    SocketChannel ch = server.accept();",
            "    ch.configureBlocking(false);",
            "    ch.register(selector, SelectionKey.OP_READ);",
            "  }",
            "  void kept(ServerSocketChannel server, Selector selector) throws IOException {",
            "    SocketChannel ch = server.accept();",
            "    try {",
            "      ch.configureBlocking(false);",
            "      key = ch.register(selector, SelectionKey.OP_READ);",
            "    } catch (IOException e) {",
            "      ch.close();",
            "      throw e;",
            "    }",
            "  }",
            "  void registerAndConnect(SocketChannel sock, Selector selector) throws IOException {",
            "    key = sock.register(selector, SelectionKey.OP_CONNECT);",
            "  }",
            "  void viaHelper(Selector selector) throws IOException {",
            "    SocketChannel sock = SocketChannel.open();",
            "    try {",
            "      sock.configureBlocking(false);",
            "      registerAndConnect(sock, selector);",
            "    } catch (IOException e) {",
            "      sock.close();",
            "      throw e;",
            "    }",
            "  }",
            "  void dropped(ServerSocketChannel server) throws IOException {",
            "    // BUG: Diagnostic contains: `ch` is not closed on any path",
            "    SocketChannel ch = server.accept();",
            "    ch.configureBlocking(false);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * hikaricp PoolBase.newConnection: the {@code catch (Throwable t)} that closes the connection
   * when setting it up fails, and rethrows, first logs and reads a clock through an interface. A
   * {@code catch} that ends by throwing is clean-up code, held to the rules of a {@code finally}:
   * only a checked exception a call there declares skips the close after it ({@code
   * conn.rollback()}). A {@code catch} that swallows the failure and goes on is ordinary code.
   */
  @Test
  public void identification_rethrowingCatchIsCleanUp_hikaricpPoolBase() {
    helper
        .addSourceLines(
            "Pool.java",
            "import java.sql.*;",
            "import javax.sql.DataSource;",
            "abstract class Pool {",
            "  interface Clock {",
            "    long elapsedMillis(long start);",
            "  }",
            "  Clock clock;",
            "  DataSource dataSource;",
            "  abstract void setup(Connection connection) throws SQLException;",
            "  abstract void log(String message);",
            "  static void quietlyClose(Connection connection) {",
            "    try {",
            "      connection.close();",
            "    } catch (Throwable ignored) {",
            "    }",
            "  }",
            "  Connection newConnection(long start) throws Throwable {",
            "    Connection connection = null;",
            "    try {",
            "      connection = dataSource.getConnection();",
            "      setup(connection);",
            "      return connection;",
            "    } catch (Throwable t) {",
            "      if (clock.elapsedMillis(start) > 60_000) {",
            "        log(\"slow\");",
            "      }",
            "      if (connection != null) {",
            "        quietlyClose(connection);",
            "      }",
            "      throw t;",
            "    }",
            "  }",
            "  Connection rolledBack() throws SQLException {",
            "    Connection connection = null;",
            "    try {",
            "      // BUG: Diagnostic contains: `connection` is not closed if `setup(...)` throws",
            "      connection = dataSource.getConnection();",
            "      setup(connection);",
            "      return connection;",
            "    } catch (SQLException e) {",
            "      if (connection != null) {",
            "        connection.rollback();",
            "        connection.close();",
            "      }",
            "      throw e;",
            "    }",
            "  }",
            "  Connection swallowed(long start) throws SQLException {",
            "    Connection connection = null;",
            "    try {",
            "      // BUG: Diagnostic contains: `connection` is not closed if `setup(...)` throws",
            "      connection = dataSource.getConnection();",
            "      setup(connection);",
            "      return connection;",
            "    } catch (SQLException e) {",
            "      if (clock.elapsedMillis(start) > 60_000) {",
            "        log(\"slow\");",
            "      }",
            "      if (connection != null) {",
            "        quietlyClose(connection);",
            "      }",
            "    }",
            "    return null;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * False alarms of h2, each a call between opening a resource and handing it on that cannot
   * fail: a lookup in the open zip file ({@code FilePathZip.open}: {@code file.getEntry(name)}),
   * a string encoded with a charset object ({@code FilePathEncrypt.open}), and registering a
   * listener on a pooled connection ({@code JdbcConnectionPool.getConnectionNow}). Beside them, a
   * lookup that can fail (a string's bytes by a charset name) and a registration that declares
   * a checked exception still count.
   */
  @Test
  public void identification_lookupsAndListenerRegistrationsDoNotFail() {
    helper
        .addSourceLines(
            "Lookups.java",
            "import java.io.*;",
            "import java.nio.charset.StandardCharsets;",
            "import java.sql.Connection;",
            "import java.sql.SQLException;",
            "import java.util.zip.*;",
            "import javax.sql.ConnectionEventListener;",
            "import javax.sql.PooledConnection;",
            "abstract class Lookups implements ConnectionEventListener {",
            "  interface Registry {",
            "    void addCloseListener(Runnable listener) throws IOException;",
            "  }",
            "  static final class Entry implements Closeable {",
            "    final ZipFile file;",
            "    Entry(ZipFile file, ZipEntry entry) {",
            "      this.file = file;",
            "    }",
            "    @Override",
            "    public void close() throws IOException {",
            "      file.close();",
            "    }",
            "  }",
            "  Closeable open(File zip, String name) throws IOException {",
            "    ZipFile file = new ZipFile(zip);",
            "    ZipEntry entry = file.getEntry(name);",
            "    if (entry == null) {",
            "      file.close();",
            "      throw new FileNotFoundException(name);",
            "    }",
            "    return new Entry(file, entry);",
            "  }",
            "  Object[] encrypted(File f, String password) throws IOException {",
            "    FileInputStream in = new FileInputStream(f);",
            "    byte[] key = password.getBytes(StandardCharsets.UTF_8);",
            "    return new Object[] {in, key};",
            "  }",
            "  Object[] encryptedByName(File f, String password, String charset) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `password.getBytes(...)` throws",
            "    FileInputStream in = new FileInputStream(f);",
            "    byte[] key = password.getBytes(charset);",
            "    return new Object[] {in, key};",
            "  }",
            "  Connection pooled(PooledConnection pc) throws SQLException {",
            "    Connection conn = pc.getConnection();",
            "    pc.addConnectionEventListener(this);",
            "    return conn;",
            "  }",
            "  Closeable registered(File f, Registry registry) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `registry.addCloseListener(...)`",
            "    FileInputStream in = new FileInputStream(f);",
            "    registry.addCloseListener(() -> {});",
            "    return in;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A {@code PrintWriter} or {@code PrintStream} records its I/O errors for {@code checkError()}
   * instead of throwing them: printing strings and primitives to it, then closing it, leaks
   * nothing. Printing an object runs its {@code toString()}, which still may fail. String
   * searches and comparisons do not fail either.
   */
  @Test
  public void identification_printWriterRecordsItsErrors() {
    helper
        .addSourceLines(
            "Report.java",
            "import java.io.*;",
            "class Report {",
            "  void lines(File f, String name, int count, char[] chars) throws IOException {",
            "    PrintWriter w = new PrintWriter(new FileWriter(f));",
            "    String cn = name.replace('\\\\', '/');",
            "    if (cn.startsWith(\"x\") || cn.indexOf('.') > 0) {",
            "      w.println(cn);",
            "    }",
            "    w.print(count);",
            "    w.write(chars);",
            "    w.flush();",
            "    w.close();",
            "  }",
            "  void stream(File f, String line) throws IOException {",
            "    PrintStream out = new PrintStream(new FileOutputStream(f));",
            "    out.println(line);",
            "    out.append(line).println();",
            "    out.close();",
            "  }",
            "  void object(File f, Object value) throws IOException {",
            "    // BUG: Diagnostic contains: `w` is not closed if `w.println(...)` throws",
            "    PrintWriter w = new PrintWriter(new FileWriter(f));",
            "    w.println(value);",
            "    w.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A helper that uses the socket and closes it as its last statement releases it when it
   * returns, not when it throws: the caller's socket leaks if {@code handle(s)} throws, and only
   * then (it used to be reported as never closed, or as overwritten on the loop's next pass).
   * Beside it: a helper that closes in a {@code finally} releases it on every path (also after
   * making a plain buffer, and when the {@code finally} swallows the close's failure), one whose
   * first statement can fail before its {@code try} releases it only when it returns, and one
   * that may return before its close releases nothing the caller can count on.
   */
  @Test
  public void identification_helperThatClosesOnItsWayOut() {
    helper
        .addSourceLines(
            "Handlers.java",
            "import java.io.IOException;",
            "import java.net.ServerSocket;",
            "import java.net.Socket;",
            "class Handlers {",
            "  static void serve(ServerSocket ss) throws IOException {",
            "    while (true) {",
            "      // BUG: Diagnostic contains: `s` is not closed if `handle(...)` throws",
            "      Socket s = ss.accept();",
            "      handle(s);",
            "    }",
            "  }",
            "  static void serveScoped(ServerSocket ss) throws IOException {",
            "    Socket s = ss.accept();",
            "    handleScoped(s);",
            "  }",
            "  // mina's KeyStoreFactory: a buffer made first, then a finally that swallows the",
            "  // close's failure.",
            "  static void serveBuffered(ServerSocket ss) throws IOException {",
            "    Socket s = ss.accept();",
            "    handleBuffered(s);",
            "  }",
            "  private static void handleBuffered(Socket s) throws IOException {",
            "    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();",
            "    try {",
            "      out.write(s.getInputStream().read());",
            "    } finally {",
            "      try {",
            "        s.close();",
            "      } catch (IOException e) {",
            "        // ignored",
            "      }",
            "    }",
            "  }",
            "  static void serveAfterARead(ServerSocket ss) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `handleAfterARead(...)` throws",
            "    Socket s = ss.accept();",
            "    handleAfterARead(s);",
            "  }",
            "  private static void handleAfterARead(Socket s) throws IOException {",
            "    int first = s.getInputStream().read();",
            "    try {",
            "      s.getOutputStream().write(first);",
            "    } finally {",
            "      s.close();",
            "    }",
            "  }",
            "  static void serveOrSkip(ServerSocket ss, boolean quick) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed on any path",
            "    Socket s = ss.accept();",
            "    handleOrSkip(s, quick);",
            "  }",
            "  private static void handle(Socket s) throws IOException {",
            "    s.getOutputStream().write(1);",
            "    s.close();",
            "  }",
            "  private static void handleScoped(Socket s) throws IOException {",
            "    try {",
            "      s.getOutputStream().write(1);",
            "    } finally {",
            "      s.close();",
            "    }",
            "  }",
            "  private static void handleOrSkip(Socket s, boolean quick) throws IOException {",
            "    if (quick) {",
            "      return;",
            "    }",
            "    s.getOutputStream().write(1);",
            "    s.close();",
            "  }",
            "  // ant's jlink: each way out closes it just before (a return in a catch, a value",
            "  // returned after the close).",
            "  static int serveEachExit(ServerSocket ss, boolean quick) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `handleEachExit(...)` throws",
            "    Socket s = ss.accept();",
            "    return handleEachExit(s, quick);",
            "  }",
            "  private static int handleEachExit(Socket s, boolean quick) throws IOException {",
            "    int first;",
            "    try {",
            "      first = s.getInputStream().read();",
            "    } catch (java.net.SocketTimeoutException e) {",
            "      s.close();",
            "      return -1;",
            "    }",
            "    if (quick) {",
            "      s.close();",
            "      return first;",
            "    }",
            "    s.getOutputStream().write(first);",
            "    s.close();",
            "    return first + 1;",
            "  }",
            "  static int serveBareReturn(ServerSocket ss, boolean quick) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed on any path",
            "    Socket s = ss.accept();",
            "    return handleBareReturn(s, quick);",
            "  }",
            "  private static int handleBareReturn(Socket s, boolean quick) throws IOException {",
            "    if (quick) return 0;",
            "    s.close();",
            "    return 1;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * log4j ResolverUtil: in a loop whose {@code catch} swallows every failure, the stream leaks
   * when the wrapper's constructor throws; the finding names that constructor, not the call the
   * loop makes next ({@code extractPath(url)}, which fails only on a path that lost it already).
   */
  @Test
  public void identification_wrapperFailingInALoop_namesTheWrapper() {
    helper
        .addSourceLines(
            "Scan.java",
            "import java.io.*;",
            "import java.net.URL;",
            "import java.util.*;",
            "import java.util.jar.JarInputStream;",
            "class Scan {",
            "  static String extractPath(URL url) throws java.net.URISyntaxException {",
            "    return new java.net.URI(url.getPath()).getPath();",
            "  }",
            "  void scan(Enumeration<URL> urls) {",
            "    while (urls.hasMoreElements()) {",
            "      try {",
            "        URL url = urls.nextElement();",
            "        String path = extractPath(url);",
            "        // BUG: Diagnostic contains: leaks if `new JarInputStream(...)` throws",
            "        JarInputStream stream = new JarInputStream(url.openStream());",
            "        try {",
            "          System.out.println(path + stream.getNextJarEntry());",
            "        } finally {",
            "          stream.close();",
            "        }",
            "      } catch (IOException | java.net.URISyntaxException e) {",
            "        System.err.println(e);",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * h2 ConvertTraceFile, spring CallableStatementCreatorFactory, httpclient ProxyClient: of the
   * calls whose failure leaks the resource, the finding names one that declares its failure (a
   * read, a write, a statement's {@code registerOutParameter}) over an earlier one that may throw
   * only an unchecked exception (a project's argument check, a string operation), which a reader
   * dismisses as a call that hardly fails. With no declared failure, the first call is named.
   */
  @Test
  public void identification_namesTheCallThatDeclaresItsFailure() {
    helper
        .addSourceLines(
            "Client.java",
            "import java.io.*;",
            "import java.net.Socket;",
            "class Client {",
            "  static void check(String host) {",
            "    if (host.isEmpty()) {",
            "      throw new IllegalArgumentException(host);",
            "    }",
            "  }",
            "  static void trace(String host) {",
            "    if (host.length() > 255) {",
            "      throw new IllegalStateException(host);",
            "    }",
            "  }",
            "  int send(String host, byte[] data) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `s.getOutputStream().write(...)` throws",
            "    Socket s = new Socket(host, 80);",
            "    check(host);",
            "    s.getOutputStream().write(data);",
            "    trace(host);",
            "    int reply = s.getInputStream().read();",
            "    s.close();",
            "    return reply;",
            "  }",
            "  int sendUnchecked(String host) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `check(...)` throws",
            "    Socket s = new Socket(host, 80);",
            "    check(host);",
            "    trace(host);",
            "    s.close();",
            "    return 0;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Where every release of a leaked resource runs under a condition, the message says which: the
   * path it names may reach the release and still leak. A null check of the resource, and an
   * {@code if} that also chooses whether to open it, are not such conditions.
   */
  @Test
  public void identification_namesTheConditionEveryReleaseRunsUnder() {
    helper
        .addSourceLines(
            "Conditional.java",
            "import java.io.*;",
            "class Conditional {",
            "  private boolean keep;",
            "  int onFlag(File f, boolean close) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed when the method returns at line 8, and"
                + " `in.close()` runs only when `close`;",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      return in.read();",
            "    } finally {",
            "      if (in != null && close) {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "  int unlessKept(File f) throws IOException {",
            "    // BUG: Diagnostic contains: and `in.close()` does not run when `keep`;",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      return in.read();",
            "    } finally {",
            "      if (!keep) {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "  int inTheElseBranch(File f) throws IOException {",
            "    // BUG: Diagnostic contains: and `in.close()` does not run when `keep`;",
            "    InputStream in = new FileInputStream(f);",
            "    int b = in.read();",
            "    if (keep) {",
            "      System.out.println(b);",
            "    } else {",
            "      in.close();",
            "    }",
            "    return b;",
            "  }",
            "  int nullCheckOnly(File f) throws IOException {",
            "    // BUG: Diagnostic matches: unconditional",
            "    InputStream in = new FileInputStream(f);",
            "    int b = in.read();",
            "    if (in != null) {",
            "      in.close();",
            "    }",
            "    return b;",
            "  }",
            "  int oneReleaseUnconditional(File f) throws IOException {",
            "    // BUG: Diagnostic matches: unconditional",
            "    InputStream in = new FileInputStream(f);",
            "    int b = in.read();",
            "    if (b < 0) {",
            "      in.close();",
            "      return -1;",
            "    }",
            "    in.close();",
            "    return b;",
            "  }",
            "  void clear() throws IOException {}",
            "  int flagSetBesideTheOpening(Object source) throws IOException {",
            "    InputStream in;",
            "    boolean close = false;",
            "    if (source instanceof File) {",
            "      // BUG: Diagnostic matches: knownFlag",
            "      in = new FileInputStream((File) source);",
            "      close = true;",
            "    } else {",
            "      in = (InputStream) source;",
            "    }",
            "    clear();",
            "    try {",
            "      return in.read();",
            "    } finally {",
            "      if (close) {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "  int openedUnderTheSameCondition(File f, boolean read) throws IOException {",
            "    if (read) {",
            "      // BUG: Diagnostic matches: unconditional",
            "      InputStream in = new FileInputStream(f);",
            "      int b = in.read();",
            "      in.close();",
            "      return b;",
            "    }",
            "    return 0;",
            "  }",
            "}")
        // hsqldb's Document.load: `close` is true wherever the stream is open.
        .expectErrorMessage(
            "knownFlag",
            message -> message.contains("is not closed if `clear()` throws")
                && !message.contains("runs only"))
        .expectErrorMessage(
            "unconditional",
            message -> message.contains("is not closed if `in.read()` throws;")
                && !message.contains("runs only")
                && !message.contains("does not run"))
        .doTest();
  }

  /**
   * A method whose body is not in the compilation keeps a resource by its name when it sets or
   * registers it ({@code holder.setStatement(ps)}, {@code registry.register(ps, 1)}); a setter
   * that takes the resource first, before other arguments, configures it and lends it back
   * (spring's {@code sqlTypeValue.setTypeValue(ps, index, sqlType, typeName)}).
   */
  @Test
  public void identification_setterTakingTheResourceFirstConfiguresIt() {
    helper
        .addSourceLines(
            "Setters.java",
            "import java.sql.*;",
            "interface TypeValue {",
            "  void setTypeValue(PreparedStatement ps, int index, int type, String name)",
            "      throws SQLException;",
            "}",
            "interface Holder {",
            "  void setStatement(PreparedStatement ps);",
            "  void setStatement(String name, PreparedStatement ps);",
            "  void register(PreparedStatement ps, int flags);",
            "}",
            "class Setters {",
            "  void configured(Connection con, TypeValue value) throws SQLException {",
            "    // BUG: Diagnostic contains: `ps` is not closed on any path",
            "    PreparedStatement ps = con.prepareStatement(\"select 1\");",
            "    value.setTypeValue(ps, 1, Types.OTHER, \"t\");",
            "    ps.execute();",
            "  }",
            "  void keptAlone(Connection con, Holder holder) throws SQLException {",
            "    holder.setStatement(con.prepareStatement(\"select 1\"));",
            "  }",
            "  void keptLast(Connection con, Holder holder) throws SQLException {",
            "    holder.setStatement(\"s\", con.prepareStatement(\"select 1\"));",
            "  }",
            "  void registeredFirst(Connection con, Holder holder) throws SQLException {",
            "    holder.register(con.prepareStatement(\"select 1\"), 0);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * {@code try { return open(); } finally { cleanUp(); }}: the value is made, then the finally
   * runs; when it fails the caller never gets the value (the Checker Framework's
   * FinallyThrowsException). What can fail there follows the finally rule: a {@code throw}, or a
   * call that declares a checked exception and releases nothing, outside a {@code try} of its own;
   * and a resource of the enclosing try-with-resources whose close declares one.
   */
  @Test
  public void identification_returnedValueLostWhenTheFinallyFails() {
    helper
        .addSourceLines(
            "Fin.java",
            "import java.io.*;",
            "import java.util.concurrent.locks.Lock;",
            "abstract class Fin {",
            "  abstract void flushLog() throws IOException;",
            "  abstract void quiet();",
            "  InputStream thrown(File f) throws IOException {",
            "    try {",
            "      // BUG: Diagnostic contains: is not closed when the method throws at line",
            "      return new FileInputStream(f);",
            "    } finally {",
            "      throw new IOException();",
            "    }",
            "  }",
            "  InputStream flushed(File f) throws IOException {",
            "    try {",
            "      // BUG: Diagnostic contains: `new FileInputStream(f)` is not closed if `flushLog()`"
                + " throws",
            "      return new FileInputStream(f);",
            "    } finally {",
            "      flushLog();",
            "    }",
            "  }",
            "  InputStream underResource(File f, File g) throws IOException {",
            "    try (InputStream x = new FileInputStream(g)) {",
            "      // BUG: Diagnostic contains: is not closed if `x.close()` throws",
            "      return new FileInputStream(f);",
            "    }",
            "  }",
            "  InputStream quietFinally(File f, Lock lock) throws IOException {",
            "    lock.lock();",
            "    try {",
            "      return new FileInputStream(f);",
            "    } finally {",
            "      lock.unlock();",
            "      quiet();",
            "    }",
            "  }",
            "  InputStream caughtInTheFinally(File f) throws IOException {",
            "    try {",
            "      return new FileInputStream(f);",
            "    } finally {",
            "      try {",
            "        flushLog();",
            "      } catch (IOException e) {",
            "      }",
            "    }",
            "  }",
            "  InputStream closesAnotherFirst(File f, InputStream other) throws IOException {",
            "    try {",
            "      return new FileInputStream(f);",
            "    } finally {",
            "      other.close();",
            "    }",
            "  }",
            "  InputStream returnedByTheFinally(File f) throws IOException {",
            "    try {",
            "      flushLog();",
            "    } finally {",
            "      return new FileInputStream(f);",
            "    }",
            "  }",
            "  InputStream parameter(InputStream given) throws IOException {",
            "    try {",
            "      return given;",
            "    } finally {",
            "      flushLog();",
            "    }",
            "  }",
            "  InputStream closedByTheHandlerAround(File f) throws IOException {",
            "    InputStream returned = null;",
            "    try {",
            "      try {",
            "        return returned = new FileInputStream(f);",
            "      } finally {",
            "        flushLog();",
            "      }",
            "    } catch (Throwable t) {",
            "      if (returned != null) {",
            "        returned.close();",
            "      }",
            "      throw t;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A method whose resources are all returned as they are made, or all try-with-resources
   * resources, is not analysed (nothing in it can leak them). The shortcut keeps what the analysis
   * reports: a {@code @NotOwning} method returning a new resource, and a wrapper's inner resource;
   * a {@code return} inside a {@code try} with a {@code finally} is analysed too.
   */
  @Test
  public void identification_methodsThatOnlyReturnOrScopeTheirResources() {
    helper
        .addSourceLines(
            "Ret.java",
            "import java.io.*;",
            "import java.util.concurrent.locks.Lock;",
            "import org.checkerframework.checker.mustcall.qual.NotOwning;",
            "class Ret {",
            "  InputStream open(File f) throws IOException {",
            "    return new FileInputStream(f);",
            "  }",
            "  @NotOwning InputStream borrowed(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `new FileInputStream(f)` is not closed on any path",
            "    return new FileInputStream(f);",
            "  }",
            "  InputStream underLock(File f, Lock lock) throws IOException {",
            "    lock.lock();",
            "    try {",
            "      return new FileInputStream(f);",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  int firstByte(File f) throws IOException {",
            "    try (InputStream in = new FileInputStream(f)) {",
            "      return in.read();",
            "    }",
            "  }",
            "  int layered(File f, String charset) throws IOException {",
            "    // BUG: Diagnostic contains: leaks if `new InputStreamReader(...)` throws",
            "    try (Reader r = new InputStreamReader(new FileInputStream(f), charset)) {",
            "      return r.read();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * httpcore5: {@code accessFileRef.getAndSet(accessFile)} keeps the file in an atomic reference
   * that the producer's {@code releaseResources()} empties and closes; an unconditional store of
   * an atomic reference hands it on, a {@code compareAndSet} (which may not store it) does not.
   * And its reactor makes a {@code ReentrantLock}'s condition after opening its selector: that
   * only allocates, while a read lock's {@code newCondition()} throws.
   */
  @Test
  public void identification_atomicReferenceStoresAndJdkLockConditions() {
    helper
        .addSourceLines(
            "Producer.java",
            "import java.io.*;",
            "import java.util.concurrent.atomic.AtomicReference;",
            "class Producer {",
            "  private final AtomicReference<RandomAccessFile> ref = new AtomicReference<>();",
            "  void produce(File file) throws IOException {",
            "    RandomAccessFile accessFile = ref.get();",
            "    if (accessFile == null) {",
            "      accessFile = new RandomAccessFile(file, \"r\");",
            "      if (ref.getAndSet(accessFile) != null) {",
            "        throw new IllegalStateException();",
            "      }",
            "    }",
            "    accessFile.read();",
            "  }",
            "  void produceOnce(File file) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    RandomAccessFile accessFile = new RandomAccessFile(file, \"r\");",
            "    ref.compareAndSet(null, accessFile);",
            "  }",
            "  void release() throws IOException {",
            "    RandomAccessFile accessFile = ref.getAndSet(null);",
            "    if (accessFile != null) {",
            "      accessFile.close();",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "Reactor.java",
            "import java.io.*;",
            "import java.nio.channels.Selector;",
            "import java.util.concurrent.locks.*;",
            "class Reactor implements Closeable {",
            "  private final Selector selector;",
            "  private final ReentrantLock lock;",
            "  private final Condition condition;",
            "  Reactor() throws IOException {",
            "    selector = Selector.open();",
            "    lock = new ReentrantLock();",
            "    condition = lock.newCondition();",
            "  }",
            "  @Override public void close() throws IOException { selector.close(); }",
            "}")
        .addSourceLines(
            "ReadReactor.java",
            "import java.io.*;",
            "import java.nio.channels.Selector;",
            "import java.util.concurrent.locks.*;",
            "class ReadReactor implements Closeable {",
            "  private final Selector selector;",
            "  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();",
            "  private final Condition condition;",
            "  ReadReactor() throws IOException {",
            "    // BUG: Diagnostic contains: `selector` is not closed if `rw.readLock().newCondition()` throws",
            "    selector = Selector.open();",
            "    condition = rw.readLock().newCondition();",
            "  }",
            "  @Override public void close() throws IOException { selector.close(); }",
            "}")
        .doTest();
  }

  @Test
  public void identification_borrowingIsNotOwning() {
    helper
        .addSourceLines(
            "Parsing.java",
            "import java.io.*;",
            "import java.util.*;",
            "import org.xml.sax.InputSource;",
            "class Parsing {",
            "  static final class Header {",
            "    final int magic;",
            "    Header(InputStream in) throws IOException { magic = in.read(); }",
            "  }",
            "  static final class Holder {",
            "    final InputStream in;",
            "    Holder(InputStream in) { this.in = in; }",
            "  }",
            "  static String canonical(File f) throws IOException {",
            "    return f.getCanonicalPath();",
            "  }",
            "  Properties load(File f) throws IOException {",
            "    Properties p = new Properties();",
            "    // BUG: Diagnostic contains: `in` is not closed",
            "    InputStream in = new FileInputStream(f);",
            "    p.load(in);",
            "    return p;",
            "  }",
            "  InputSource source(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed",
            "    InputStream in = new FileInputStream(f);",
            "    InputSource source = new InputSource(in);",
            "    source.setSystemId(canonical(f));",
            "    return source;",
            "  }",
            "  int header(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed",
            "    InputStream in = new FileInputStream(f);",
            "    return new Header(in).magic;",
            "  }",
            "  Holder holder(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    return new Holder(in);",
            "  }",
            "  int headerClosed(File f) throws IOException {",
            "    try (InputStream in = new FileInputStream(f)) {",
            "      return new Header(in).magic;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * activemq's ByteArrayOutputStream: its no-argument constructor calls {@code this(1028)}, whose
   * body allocates {@code new byte[capacity]} after the JDK's {@code OutputStream()}. With that
   * constant the size cannot be negative, so making one between the {@code Inflater} and the
   * {@code try} that ends it cannot fail. Called with a size of the caller's, or through a
   * constructor that reassigns its parameter, it still can.
   */
  @Test
  public void identification_bufferBuiltThroughThisWithAConstantSize() {
    helper
        .addSourceLines(
            "Decompress.java",
            "import java.util.zip.Inflater;",
            "class Decompress {",
            "  static class Buffer extends java.io.OutputStream {",
            "    byte[] buffer;",
            "    int size;",
            "    Buffer() {",
            "      this(1028);",
            "    }",
            "    Buffer(int capacity) {",
            "      buffer = new byte[capacity];",
            "    }",
            "    Buffer(boolean small) {",
            "      this(small ? 16 : -1);",
            "    }",
            "    @Override public void write(int b) {",
            "      buffer[size++] = (byte) b;",
            "    }",
            "  }",
            "  static class Shrunk extends java.io.OutputStream {",
            "    byte[] buffer;",
            "    Shrunk() {",
            "      this(64);",
            "    }",
            "    Shrunk(int capacity) {",
            "      capacity = capacity - 128;",
            "      buffer = new byte[capacity];",
            "    }",
            "    @Override public void write(int b) {}",
            "  }",
            "  int inflate(byte[] data) throws Exception {",
            "    Inflater inflater = new Inflater();",
            "    Buffer out = new Buffer();",
            "    try {",
            "      inflater.setInput(data);",
            "      return inflater.inflate(out.buffer);",
            "    } finally {",
            "      inflater.end();",
            "    }",
            "  }",
            "  int inflateSized(byte[] data, boolean small) throws Exception {",
            "    // BUG: Diagnostic contains: if `new Buffer(...)` throws",
            "    Inflater inflater = new Inflater();",
            "    Buffer out = new Buffer(small);",
            "    try {",
            "      inflater.setInput(data);",
            "      return inflater.inflate(out.buffer);",
            "    } finally {",
            "      inflater.end();",
            "    }",
            "  }",
            "  int inflateShrunk(byte[] data) throws Exception {",
            "    // BUG: Diagnostic contains: if `new Shrunk()` throws",
            "    Inflater inflater = new Inflater();",
            "    Shrunk out = new Shrunk();",
            "    try {",
            "      inflater.setInput(data);",
            "      return inflater.inflate(out.buffer);",
            "    } finally {",
            "      inflater.end();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A channel opened in a {@code try} inside a {@code synchronized} block and used after the
   * block: no close on failure is offered (the region would have to start outside the monitor),
   * and the finding says so rather than that nothing uses it. Without the monitor the fix applies
   * (replacement_openedInATryIntoAVariableDeclaredWithoutValue_closedOnFailure).
   */
  @Test
  public void noFix_openedInANestedBlockAndUsedAfterIt() {
    helper
        .addSourceLines(
            "Serve.java",
            "import java.io.IOException;",
            "import java.io.UncheckedIOException;",
            "import java.nio.channels.FileChannel;",
            "import java.nio.file.Files;",
            "import java.nio.file.Path;",
            "import java.nio.file.StandardOpenOption;",
            "import java.util.List;",
            "class Serve {",
            "  private final Object lock = new Object();",
            "  void serve(Path file, List<FileChannel> open) {",
            "    final FileChannel channel;",
            "    synchronized (lock) {",
            "      try {",
            "        // BUG: Diagnostic contains: used after that block",
            "        channel = FileChannel.open(file, StandardOpenOption.READ);",
            "      } catch (IOException e) {",
            "        return;",
            "      }",
            "    }",
            "    long size;",
            "    try {",
            "      size = Files.size(file);",
            "    } catch (IOException e) {",
            "      throw new UncheckedIOException(e);",
            "    }",
            "    open.add(channel);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * ant's Pvcs, XMLCatalog, ProjectHelper2: file names, URIs and random numbers made between
   * opening a file and the code that closes or returns it. {@code new File(name)} fails only on a
   * null name, as a dereference would; a file's URI and a URI's or URL's parts are what it holds;
   * an argument-less draw of a generator returns a number. {@code new File(uri)} rejects a URI of
   * another scheme and {@code nextInt(bound)} a bound that is not positive, so they still count.
   */
  @Test
  public void identification_fileNamesCannotFail() {
    helper
        .addSourceLines(
            "Logs.java",
            "import java.io.*;",
            "import java.net.URI;",
            "import java.nio.file.*;",
            "import java.util.Random;",
            "import org.xml.sax.InputSource;",
            "class Logs {",
            "  void run(File dir, Random rand) throws IOException {",
            "    OutputStream out = Files.newOutputStream(new File(dir, \"a.log\").toPath());",
            "    File second = new File(\"run_\" + rand.nextLong() + \".log\");",
            "    File third = new File(dir.getPath(), \"c.log\");",
            "    try {",
            "      out.write(second.getName().length() + third.getName().length());",
            "    } finally {",
            "      out.close();",
            "    }",
            "  }",
            "  static String systemId(String path) {",
            "    return new File(path).toURI().toASCIIString();",
            "  }",
            "  InputSource resolve(File file) throws IOException {",
            "    InputSource source = new InputSource(Files.newInputStream(file.toPath()));",
            "    source.setSystemId(systemId(file.getAbsolutePath()));",
            "    return source;",
            "  }",
            "  void bounded(File dir, Random rand, int n) throws IOException {",
            "    // BUG: Diagnostic contains: if `rand.nextInt(...)` throws",
            "    OutputStream out = Files.newOutputStream(dir.toPath());",
            "    int pick = rand.nextInt(n);",
            "    try {",
            "      out.write(pick);",
            "    } finally {",
            "      out.close();",
            "    }",
            "  }",
            "  void fromUri(File dir, URI location) throws IOException {",
            "    // BUG: Diagnostic contains: if `new File(...)` throws",
            "    OutputStream out = Files.newOutputStream(dir.toPath());",
            "    File other = new File(location);",
            "    try {",
            "      out.write(other.getName().length());",
            "    } finally {",
            "      out.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * ant's Replace.FileInput: the wrapper is assigned inside the try, and the finally closes the
   * stream when the wrapper is still null, which it is exactly when the wrapper's constructor
   * failed. A local declared {@code = null} and a field the constructor has not set yet are both
   * known null there. Where the variable held something before (a field's initializer, a value
   * assigned first), the test proves nothing and the leak stays reported.
   */
  @Test
  public void identification_closedWhileTheWrapperIsStillNull() {
    helper
        .addSourceLines(
            "FileInput.java",
            "import java.io.*;",
            "import java.nio.file.*;",
            "class FileInput {",
            "  private InputStream is;",
            "  private Reader reader;",
            "  FileInput(File source, String encoding) throws IOException {",
            "    is = Files.newInputStream(source.toPath());",
            "    try {",
            "      reader = new BufferedReader(encoding != null",
            "          ? new InputStreamReader(is, encoding) : new InputStreamReader(is));",
            "    } finally {",
            "      if (reader == null) {",
            "        is.close();",
            "      }",
            "    }",
            "  }",
            "  static Reader open(File source, String encoding) throws IOException {",
            "    InputStream in = Files.newInputStream(source.toPath());",
            "    Reader r = null;",
            "    try {",
            "      r = new InputStreamReader(in, encoding);",
            "    } finally {",
            "      if (r == null) {",
            "        in.close();",
            "      }",
            "    }",
            "    return r;",
            "  }",
            "  static Reader openOver(File source, String encoding, Reader fallback)",
            "      throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `new InputStreamReader(...)` throws",
            "    InputStream in = Files.newInputStream(source.toPath());",
            "    Reader r = fallback;",
            "    try {",
            "      r = new InputStreamReader(in, encoding);",
            "    } finally {",
            "      if (r == null) {",
            "        in.close();",
            "      }",
            "    }",
            "    return r;",
            "  }",
            "  public void close() throws IOException {",
            "    reader.close();",
            "  }",
            "}")
        .addSourceLines(
            "Defaulted.java",
            "import java.io.*;",
            "import java.nio.file.*;",
            "class Defaulted {",
            "  private InputStream is;",
            "  private Reader reader = new StringReader(\"\");",
            "  Defaulted(File source, String encoding) throws IOException {",
            "    // BUG: Diagnostic contains: `is` is not closed",
            "    is = Files.newInputStream(source.toPath());",
            "    try {",
            "      reader = new InputStreamReader(is, encoding);",
            "    } finally {",
            "      if (reader == null) {",
            "        is.close();",
            "      }",
            "    }",
            "  }",
            "  public void close() throws IOException {",
            "    reader.close();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_holderThatNeverClosesLeavesTheResourceToItsMaker() {
    helper
        .addSourceLines(
            "Holders.java",
            "import java.io.*;",
            "import java.util.*;",
            "class Holders {",
            "  // Keeps the reader in a private field and only reads it: it can never close it.",
            "  static final class Tokenizer {",
            "    private final Reader reader;",
            "    private int peeked = -1;",
            "    Tokenizer(Reader reader) { this.reader = reader; }",
            "    int next() throws IOException { return reader == null ? -1 : reader.read(); }",
            "  }",
            "  int local(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `new FileReader(f)` is not closed on any path"
                + " (`new Tokenizer(...)` keeps it, but no code of `Tokenizer` closes it)",
            "    Tokenizer t = new Tokenizer(new FileReader(f));",
            "    return t.next();",
            "  }",
            "  int inline(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `new FileReader(f)` is not closed on any path",
            "    return new Tokenizer(new FileReader(f)).next();",
            "  }",
            "  int variable(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `r` is not closed on any path",
            "    Reader r = new FileReader(f);",
            "    Tokenizer t = new Tokenizer(r);",
            "    return t.next();",
            "  }",
            "  // Where the holder goes, what it holds goes with it.",
            "  private Tokenizer kept;",
            "  Tokenizer returned(File f) throws IOException {",
            "    return new Tokenizer(new FileReader(f));",
            "  }",
            "  void stored(File f) throws IOException {",
            "    kept = new Tokenizer(new FileReader(f));",
            "  }",
            "  void collected(File f, List<Tokenizer> all) throws IOException {",
            "    all.add(new Tokenizer(new FileReader(f)));",
            "  }",
            "  int closedByItsMaker(File f) throws IOException {",
            "    try (Reader r = new FileReader(f)) {",
            "      return new Tokenizer(r).next();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A comparison with a local that is always null is a null test (SpotBugs' {@code CompareToNull}:
   * {@code if (in != none) in.close();}); with a local that may hold something else, it is not.
   */
  @Test
  public void identification_comparisonWithALocalThatIsAlwaysNull() {
    helper
        .addSourceLines(
            "Nulls.java",
            "import java.io.*;",
            "class Nulls {",
            "  void alwaysNull(String name) throws IOException {",
            "    InputStream none = null;",
            "    InputStream in = null;",
            "    try {",
            "      in = new FileInputStream(name);",
            "      in.read();",
            "    } finally {",
            "      if (in != none) {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "  void mayHoldAnother(String name, InputStream other) throws IOException {",
            "    InputStream maybe = null;",
            "    maybe = other;",
            "    InputStream in = null;",
            "    try {",
            "      // BUG: Diagnostic contains: `in` is not closed if `in.read()` throws",
            "      in = new FileInputStream(name);",
            "      in.read();",
            "    } finally {",
            "      if (in != maybe) {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A setter that keeps what it is given in a private field its class never closes ({@code
   * parser.setInput(in)}): the resource stays its maker's to close, and where the holder goes
   * (returned, stored, collected, captured) the resource goes with it. A setter of a class that
   * can release the field, one called on a field, a field's alias, a parameter or a subclass, and
   * a resource its maker closes, stay silent.
   */
  @Test
  public void identification_setterThatKeepsWithoutClosingLeavesTheResourceToItsMaker() {
    helper
        .addSourceLines(
            "Setters.java",
            "import java.io.*;",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Setters {",
            "  static class Parser {",
            "    private InputStream in;",
            "    void setInput(InputStream in) { this.in = in; }",
            "    int next() throws IOException { return in.read(); }",
            "  }",
            "  static class Closing {",
            "    private InputStream in;",
            "    void setInput(InputStream in) { this.in = in; }",
            "    void shutdown() throws IOException { in.close(); }",
            "  }",
            "  static class SubParser extends Parser {}",
            "  int leaked(File f) throws IOException {",
            "    Parser p = new Parser();",
            "    // BUG: Diagnostic contains: `new FileInputStream(f)` is not closed on any path"
                + " (`setInput(...)` keeps it in `p`, but no code of `Parser` closes it)",
            "    p.setInput(new FileInputStream(f));",
            "    return p.next();",
            "  }",
            "  int leakedThroughAVariable(File f) throws IOException {",
            "    Parser p = new Parser();",
            "    // BUG: Diagnostic contains: `in` is not closed on any path",
            "    InputStream in = new FileInputStream(f);",
            "    p.setInput(in);",
            "    return p.next();",
            "  }",
            "  private Parser kept;",
            "  Parser returned(File f) throws IOException {",
            "    Parser p = new Parser();",
            "    p.setInput(new FileInputStream(f));",
            "    return p;",
            "  }",
            "  void stored(File f) throws IOException {",
            "    Parser p = new Parser();",
            "    p.setInput(new FileInputStream(f));",
            "    kept = p;",
            "  }",
            "  void collected(File f, List<Parser> all) throws IOException {",
            "    Parser p = new Parser();",
            "    p.setInput(new FileInputStream(f));",
            "    all.add(p);",
            "  }",
            "  Future<Integer> captured(File f, ExecutorService executor) throws IOException {",
            "    Parser p = new Parser();",
            "    p.setInput(new FileInputStream(f));",
            "    return executor.submit(() -> p.next());",
            "  }",
            "  void releasable(File f) throws IOException {",
            "    Closing c = new Closing();",
            "    c.setInput(new FileInputStream(f));",
            "    c.shutdown();",
            "  }",
            "  void onAField(File f) throws IOException {",
            "    kept.setInput(new FileInputStream(f));",
            "  }",
            "  // Someone else's parser reads it after this method returns.",
            "  void onAFieldsAlias(File f) throws IOException {",
            "    Parser p = kept;",
            "    p.setInput(new FileInputStream(f));",
            "  }",
            "  void onAParameter(Parser p, File f) throws IOException {",
            "    p.setInput(new FileInputStream(f));",
            "  }",
            "  int onASubclass(File f) throws IOException {",
            "    SubParser s = new SubParser();",
            "    s.setInput(new FileInputStream(f));",
            "    return s.next();",
            "  }",
            "  int closedByItsMaker(File f) throws IOException {",
            "    Parser p = new Parser();",
            "    try (InputStream in = new FileInputStream(f)) {",
            "      p.setInput(in);",
            "      return p.next();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A setter of a closeable class whose own {@code close()} closes the field it keeps its argument
   * in hands the resource to the object this method made: closing the object (in a {@code
   * finally}, by try-with-resources) closes it, and returning the object hands it on; an object
   * never closed, or closed on the normal path only, leaks it. A class whose code could hand
   * {@code this} on (a lambda), or whose {@code close()} does not close the field, takes it over as
   * before.
   */
  /**
   * httpcore RequestListener and httpclient ProxyClient: a factory whose body is not here that
   * makes a closeable around the socket (`createConnection(socket)`) makes its owner, as a
   * constructor would; a method named for binding keeps what it is given. Both sockets were
   * reported as never closed.
   */
  @Test
  public void identification_factoryMakesACloseableAroundItAndBindKeepsIt() {
    helper
        .addSourceLines(
            "Conn.java",
            "import java.io.*;",
            "import java.net.Socket;",
            "interface Conn extends Closeable {",
            "  void bind(Socket s) throws IOException;",
            "  boolean isOpen();",
            "}")
        .addSourceLines(
            "ConnFactory.java",
            "import java.io.IOException;",
            "import java.net.Socket;",
            "interface ConnFactory {",
            "  Conn createConnection(Socket s) throws IOException;",
            "  Object describe(Socket s);",
            "}")
        .addSourceLines(
            "Listener.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "import java.util.List;",
            "class Listener {",
            "  ServerSocket server;",
            "  ConnFactory factory;",
            "  // Owned by the connection once it is made; left open if making it fails.",
            "  Conn accept() throws IOException {",
            "    // BUG: Diagnostic contains: `socket` is not closed if `factory.createConnection(...)`",
            "    Socket socket = server.accept();",
            "    return factory.createConnection(socket);",
            "  }",
            "  void serve(List<Conn> live) throws IOException {",
            "    // BUG: Diagnostic contains: `socket` is not closed if `factory.createConnection(...)`",
            "    Socket socket = server.accept();",
            "    live.add(factory.createConnection(socket));",
            "  }",
            "  void serveGuarded(List<Conn> live) throws IOException {",
            "    Socket socket = server.accept();",
            "    try {",
            "      live.add(factory.createConnection(socket));",
            "    } catch (IOException | RuntimeException e) {",
            "      socket.close();",
            "      throw e;",
            "    }",
            "  }",
            "  void bindIt(Conn conn, String host) throws IOException {",
            "    if (!conn.isOpen()) {",
            "      Socket socket = new Socket(host, 80);",
            "      conn.bind(socket);",
            "    }",
            "  }",
            "  Conn madeButDropped() throws IOException {",
            "    // BUG: Diagnostic contains: `socket` is not closed on any path",
            "    Socket socket = server.accept();",
            "    factory.createConnection(socket);",
            "    return null;",
            "  }",
            "  // Infer's FN_parseFromInputStreamAndLeakBad: the factory fails, and the finally",
            "  // closes only what it would have made.",
            "  void factoryFails(String host) throws IOException {",
            "    Conn conn = null;",
            "    Socket socket = null;",
            "    try {",
            "      // BUG: Diagnostic contains: when `factory.createConnection(...)` throws",
            "      socket = new Socket(host, 80);",
            "      conn = factory.createConnection(socket);",
            "    } catch (IOException e) {",
            "    } finally {",
            "      if (conn != null) conn.close();",
            "    }",
            "  }",
            "  Object describedOnly() throws IOException {",
            "    // BUG: Diagnostic contains: `socket` is not closed on any path",
            "    Socket socket = server.accept();",
            "    return factory.describe(socket);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * httpclient DefaultClientConnectionOperator: `conn.opening(sock, target)` on an interface whose
   * implementation compiled here stores the socket hands it on; a method whose implementations
   * only read it does not.
   */
  @Test
  public void identification_interfaceMethodWhoseImplementationKeepsIt() {
    helper
        .addSourceLines(
            "OperatedConnection.java",
            "import java.net.Socket;",
            "interface OperatedConnection {",
            "  void opening(Socket s, String target);",
            "  int peek(Socket s);",
            "  Object sync(Socket s);",
            "}")
        .addSourceLines(
            "DefaultConnection.java",
            "import java.io.IOException;",
            "import java.net.Socket;",
            "class DefaultConnection implements OperatedConnection, java.io.Closeable {",
            "  private Socket socket;",
            "  @Override public void opening(Socket s, String target) { this.socket = s; }",
            "  @Override public int peek(Socket s) { return s.getPort(); }",
            "  // hsqldb FileUtil.getFileSync: a holder of it returned, which never closes it.",
            "  @Override public Object sync(Socket s) { return new Holder(s); }",
            "  static final class Holder {",
            "    private final Socket socket;",
            "    Holder(Socket socket) { this.socket = socket; }",
            "    int port() { return socket.getPort(); }",
            "  }",
            "  @Override public void close() throws IOException { socket.close(); }",
            "}")
        .addSourceLines(
            "Operator.java",
            "import java.io.IOException;",
            "import java.net.Socket;",
            "class Operator {",
            "  void open(OperatedConnection conn, String host) throws IOException {",
            "    Socket sock = new Socket(host, 80);",
            "    conn.opening(sock, host);",
            "  }",
            "  void synced(OperatedConnection conn, String host) throws IOException {",
            "    // BUG: Diagnostic contains: `sock` is not closed if `conn.sync(...)` throws",
            "    Socket sock = new Socket(host, 80);",
            "    Object sync = conn.sync(sock);",
            "    sock.close();",
            "  }",
            "  int peek(OperatedConnection conn, String host) throws IOException {",
            "    // BUG: Diagnostic contains: `sock` is not closed on any path",
            "    Socket sock = new Socket(host, 80);",
            "    return conn.peek(sock);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A library class built with no arguments, by a constructor that declares no checked exception
   * and whose body is not here, is no leak path (httpclient ProxyClient named `new
   * BasicHttpContext()`): the finding names the call that can fail, or there is none.
   */
  @Test
  public void identification_plainLibraryConstructionIsNoLeakPath() {
    helper
        .addSourceLines(
            "Plain.java",
            "import java.io.*;",
            "import java.util.Properties;",
            "class Plain {",
            "  Properties read(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `p.load(...)` throws",
            "    InputStream in = new FileInputStream(f);",
            "    Properties p = new Properties();",
            "    p.load(in);",
            "    in.close();",
            "    return p;",
            "  }",
            "  Object format(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    Object format = new java.text.SimpleDateFormat();",
            "    in.close();",
            "    return format;",
            "  }",
            "  Object withArguments(File f, String pattern) throws IOException {",
            "    // BUG: Diagnostic contains: if `new java.text.SimpleDateFormat(...)` throws",
            "    InputStream in = new FileInputStream(f);",
            "    Object format = new java.text.SimpleDateFormat(pattern);",
            "    in.close();",
            "    return format;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * spring-jdbc JdbcTemplate.execute(action, closeResources): a close under a boolean parameter is
   * the caller's choice of owner, once other code has the resource (with false, the stream the
   * action returns closes the statement). A resource no other code saw has no other owner.
   */
  @Test
  public void identification_closeUnderABooleanParameterIsTheCallersChoice() {
    helper
        .addSourceLines(
            "Template.java",
            "import java.io.*;",
            "import java.sql.*;",
            "class Template {",
            "  interface Action<T> {",
            "    T run(Statement s) throws SQLException;",
            "  }",
            "  <T> T execute(Connection con, Action<T> action, boolean closeResources)",
            "      throws SQLException {",
            "    Statement stmt = null;",
            "    try {",
            "      stmt = con.createStatement();",
            "      return action.run(stmt);",
            "    } finally {",
            "      if (closeResources) {",
            "        if (stmt != null) {",
            "          stmt.close();",
            "        }",
            "      }",
            "    }",
            "  }",
            "  int readFirst(File f, boolean close) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed",
            "    InputStream in = new FileInputStream(f);",
            "    int n = in.read();",
            "    if (close) {",
            "      in.close();",
            "    }",
            "    return n;",
            "  }",
            "  <T> T flagAssigned(Connection con, Action<T> action, boolean close)",
            "      throws SQLException {",
            "    close = close || action == null;",
            "    // BUG: Diagnostic contains: `stmt` is not closed",
            "    Statement stmt = con.createStatement();",
            "    T result = action.run(stmt);",
            "    if (close) {",
            "      stmt.close();",
            "    }",
            "    return result;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_setterOfACloseableHolderHandsTheResourceToIt() {
    helper
        .addSourceLines(
            "Holders.java",
            "import java.io.*;",
            "import java.util.*;",
            "class Holders {",
            "  static class Holder implements Closeable {",
            "    private InputStream in;",
            "    void setInput(InputStream in) { this.in = in; }",
            "    int read() throws IOException { return in.read(); }",
            "    @Override public void close() throws IOException { if (in != null) in.close(); }",
            "    // Comparing `this`, or locking on it, hands it nowhere.",
            "    @Override public boolean equals(Object o) { return this == o; }",
            "    @Override public int hashCode() { synchronized (this) { return 1; } }",
            "    Class<?> kind() { return in == null ? int.class : in.getClass(); }",
            "  }",
            "  static class Escapes implements Closeable {",
            "    private InputStream in;",
            "    void setInput(InputStream in) { this.in = in; }",
            "    void start(List<Runnable> tasks) {",
            "      tasks.add(() -> { try { in.read(); } catch (IOException e) { } });",
            "    }",
            "    @Override public void close() throws IOException { in.close(); }",
            "  }",
            "  int neverClosed(File f) throws IOException {",
            "    Holder h = new Holder();",
            "    // BUG: Diagnostic contains: is not closed on any path (`setInput(...)` hands it to"
                + " `h`, whose close() would close it, and `h` is not closed)",
            "    h.setInput(new FileInputStream(f));",
            "    return h.read();",
            "  }",
            "  int closedOnTheNormalPathOnly(File f) throws IOException {",
            "    Holder h = new Holder();",
            "    // BUG: Diagnostic contains: is not closed if `h.read()` throws",
            "    h.setInput(new FileInputStream(f));",
            "    int n = h.read();",
            "    h.close();",
            "    return n;",
            "  }",
            "  int closedInFinally(File f) throws IOException {",
            "    Holder h = new Holder();",
            "    try {",
            "      h.setInput(new FileInputStream(f));",
            "      return h.read();",
            "    } finally {",
            "      h.close();",
            "    }",
            "  }",
            "  int closedByTryWithResources(File f) throws IOException {",
            "    try (Holder h = new Holder()) {",
            "      h.setInput(new FileInputStream(f));",
            "      return h.read();",
            "    }",
            "  }",
            "  Holder returned(File f) throws IOException {",
            "    Holder h = new Holder();",
            "    h.setInput(new FileInputStream(f));",
            "    return h;",
            "  }",
            "  void letsItselfOut(File f, List<Runnable> tasks) throws IOException {",
            "    Escapes e = new Escapes();",
            "    e.setInput(new FileInputStream(f));",
            "    e.start(tasks);",
            "  }",
            "}")
        .doTest();
  }

  /** The fix scopes the resource around the holder's use, as for any other local resource. */
  @Test
  public void replacement_setterThatKeepsWithoutClosing() {
    refactoring
        .addInputLines(
            "Setters.java",
            "import java.io.*;",
            "class Setters {",
            "  static class Parser {",
            "    private InputStream in;",
            "    void setInput(InputStream in) { this.in = in; }",
            "    int next() throws IOException { return in.read(); }",
            "  }",
            "  int leaked(File f) throws IOException {",
            "    Parser p = new Parser();",
            "    InputStream in = new FileInputStream(f);",
            "    p.setInput(in);",
            "    return p.next();",
            "  }",
            "}")
        .addOutputLines(
            "Setters.java",
            "import java.io.*;",
            "class Setters {",
            "  static class Parser {",
            "    private InputStream in;",
            "    void setInput(InputStream in) { this.in = in; }",
            "    int next() throws IOException { return in.read(); }",
            "  }",
            "  int leaked(File f) throws IOException {",
            "    Parser p = new Parser();",
            "    try (InputStream in = new FileInputStream(f)) {",
            "      p.setInput(in);",
            "      return p.next();",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * A holder declared outside the block that opens the resource is read after it: no
   * try-with-resources there can cover its reads, so none is offered, and the finding says why.
   */
  @Test
  public void identification_setterHolderThatOutlivesTheBlock_noFix() {
    helper
        .addSourceLines(
            "Setters.java",
            "import java.io.*;",
            "class Setters {",
            "  static class Parser {",
            "    private InputStream in;",
            "    void setInput(InputStream in) { this.in = in; }",
            "    int next() throws IOException { return in == null ? -1 : in.read(); }",
            "  }",
            "  int outlives(File f, boolean b) throws IOException {",
            "    Parser p = new Parser();",
            "    if (b) {",
            "      // BUG: Diagnostic contains: no automatic fix: it is kept by `p`, which outlives"
                + " the block",
            "      InputStream in = new FileInputStream(f);",
            "      p.setInput(in);",
            "    }",
            "    return p.next();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_holdersThatCanReleaseOrOutliveTheCallOwnWhatTheyAreGiven() {
    helper
        .addSourceLines(
            "Owners.java",
            "import java.io.*;",
            "import java.net.Socket;",
            "import java.util.*;",
            "class Owners {",
            "  static final class Exposes {",
            "    private final InputStream in;",
            "    Exposes(InputStream in) { this.in = in; }",
            "    InputStream stream() { return in; }",
            "  }",
            "  static final class ClosesLater {",
            "    private InputStream in;",
            "    ClosesLater(InputStream in) { this.in = in; }",
            "    void done() throws IOException { in.close(); }",
            "  }",
            "  static class Inherited {",
            "    protected final InputStream in;",
            "    Inherited(InputStream in) { this.in = in; }",
            "  }",
            "  static final class HandsOn {",
            "    private final InputStream in;",
            "    HandsOn(InputStream in) { this.in = in; }",
            "    void finish() { quietly(in); }",
            "  }",
            "  static final class Views {",
            "    private final Socket socket;",
            "    Views(Socket socket) { this.socket = socket; }",
            "    InputStream input() throws IOException { return socket.getInputStream(); }",
            "  }",
            "  static final class Task implements Runnable {",
            "    private final Socket socket;",
            "    Task(Socket socket) { this.socket = socket; }",
            "    @Override public void run() {}",
            "  }",
            "  static final class Registered {",
            "    private final InputStream in;",
            "    Registered(InputStream in, List<Object> registry) { this.in = in; registry.add(this); }",
            "  }",
            "  record Pair(InputStream in, int size) {}",
            "  static void quietly(Closeable c) {",
            "    try { c.close(); } catch (IOException e) { }",
            "  }",
            "  InputStream exposes(File f) throws IOException {",
            "    return new Exposes(new FileInputStream(f)).stream();",
            "  }",
            "  void closesLater(File f) throws IOException {",
            "    new ClosesLater(new FileInputStream(f)).done();",
            "  }",
            "  int inherited(File f) throws IOException {",
            "    return new Inherited(new FileInputStream(f)).in.read();",
            "  }",
            "  void handsOn(File f) throws IOException {",
            "    new HandsOn(new FileInputStream(f)).finish();",
            "  }",
            "  InputStream views(String host) throws IOException {",
            "    return new Views(new Socket(host, 80)).input();",
            "  }",
            "  void task(String host) throws IOException {",
            "    new Thread(new Task(new Socket(host, 80))).start();",
            "  }",
            "  void registered(File f, List<Object> registry) throws IOException {",
            "    new Registered(new FileInputStream(f), registry);",
            "  }",
            "  int record(File f) throws IOException {",
            "    return new Pair(new FileInputStream(f), 1).size();",
            "  }",
            "  // dbunit XmlDataSet: `super(new XmlProducer(new InputSource(in)))`, the producer keeping",
            "  // the source: the data set returned takes the stream with it.",
            "  static final class Producer {",
            "    private final org.xml.sax.InputSource source;",
            "    Producer(org.xml.sax.InputSource source) { this.source = source; }",
            "  }",
            "  static class Base {",
            "    private final Producer producer;",
            "    Base(Producer producer) { this.producer = producer; }",
            "  }",
            "  static final class DataSet extends Base {",
            "    DataSet(InputStream in) { super(new Producer(new org.xml.sax.InputSource(in))); }",
            "  }",
            "  Base load(java.net.URL url) throws IOException {",
            "    InputStream in = url.openStream();",
            "    Base data = new DataSet(in);",
            "    return data;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void options_notOwningMethods() {
    String[] source = {
      "import java.io.*;",
      "import java.net.URL;",
      "class Shared {",
      "  int read(URL url) throws IOException {",
      "    %s",
      "    InputStream in = url.openStream();",
      "    return in.read();",
      "  }",
      "}"
    };
    String joined = String.join("\n", source);
    helper
        .addSourceLines(
            "Shared.java",
            joined.formatted("// BUG: Diagnostic contains: `in` is not closed"))
        .doTest();
    CompilationTestHelper.newInstance(UnclosedResource.class, getClass())
        .setArgs("-XepOpt:UnclosedResource:NotOwningMethods=java.net.URL#openStream")
        .addSourceLines("Shared.java", joined.formatted(""))
        .expectNoDiagnostics()
        .doTest();
  }

  @Test
  public void identification_knownClosersAndLocalHelpers() {
    helper
        .addSourceLines(
            "com/google/common/io/Closeables.java",
            "package com.google.common.io;",
            "public final class Closeables {",
            "  public static void close(java.io.Closeable c, boolean swallow) throws java.io.IOException {}",
            "  public static void closeQuietly(java.io.InputStream in) {}",
            "}")
        .addSourceLines(
            "org/apache/commons/io/IOUtils.java",
            "package org.apache.commons.io;",
            "public final class IOUtils {",
            "  public static void closeQuietly(java.io.Closeable... c) {}",
            "}")
        .addSourceLines(
            "Closers.java",
            "import java.io.*;",
            "import com.google.common.io.Closeables;",
            "import org.apache.commons.io.IOUtils;",
            "class Closers {",
            "  void guava(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      in.read();",
            "    } finally {",
            "      Closeables.closeQuietly(in);",
            "    }",
            "  }",
            "  void guavaClose(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      in.read();",
            "    } finally {",
            "      Closeables.close(in, true);",
            "    }",
            "  }",
            "  void commons(File f, File g) throws IOException {",
            "    InputStream in = null;",
            "    OutputStream out = null;",
            "    try {",
            "      in = new FileInputStream(f);",
            "      out = new FileOutputStream(g);",
            "      out.write(in.read());",
            "    } finally {",
            "      IOUtils.closeQuietly(in, out);",
            "    }",
            "  }",
            "  void helper(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      in.read();",
            "    } finally {",
            "      closeSilently(in);",
            "    }",
            "  }",
            "  void helperThatDoesNotClose(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      in.read();",
            "    } finally {",
            "      log(in);",
            "    }",
            "  }",
            "  void helperThatClosesOnlySometimes(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      in.read();",
            "    } finally {",
            "      closeIfBig(in);",
            "    }",
            "  }",
            "  private static void closeSilently(Closeable c) {",
            "    if (c != null) {",
            "      try {",
            "        c.close();",
            "      } catch (IOException ignored) {",
            "      }",
            "    }",
            "  }",
            "  private static void log(Closeable c) {",
            "    System.out.println(c);",
            "  }",
            "  private static void closeIfBig(InputStream c) throws IOException {",
            "    if (c.available() > 10) {",
            "      c.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_handOffs() {
    helper
        .addSourceLines(
            "org/checkerframework/checker/mustcall/qual/Owning.java",
            "package org.checkerframework.checker.mustcall.qual;",
            "public @interface Owning {}")
        .addSourceLines(
            "HandOffs.java",
            "import java.io.*;",
            "import java.util.*;",
            "import org.checkerframework.checker.mustcall.qual.Owning;",
            "class HandOffs {",
            "  // BUG: Diagnostic contains: Field `field` holds a `FileInputStream` opened by `HandOffs`",
            "  private InputStream field;",
            "  private final List<Closeable> open = new ArrayList<>();",
            "  private final Map<String, InputStream> byName = new HashMap<>();",
            "  InputStream returned(File f) throws IOException {",
            "    return new FileInputStream(f);",
            "  }",
            "  InputStream returnedWrapped(File f) throws IOException {",
            "    return new BufferedInputStream(new FileInputStream(f));",
            "  }",
            "  void field(File f) throws IOException {",
            "    field = new FileInputStream(f);",
            "  }",
            "  void array(File f, InputStream[] slots) throws IOException {",
            "    slots[0] = new FileInputStream(f);",
            "  }",
            "  void collection(File f) throws IOException {",
            "    open.add(new FileInputStream(f));",
            "    byName.put(\"f\", new FileInputStream(f));",
            "  }",
            "  void owningParameter(File f) throws IOException {",
            "    adopt(new FileInputStream(f));",
            "  }",
            "  void borrowingParameter(File f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    InputStream in = new FileInputStream(f);",
            "    peek(in);",
            "  }",
            "  Runnable capturedByLambda(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    return () -> {",
            "      try (in) {",
            "        in.read();",
            "      } catch (IOException e) {",
            "        throw new UncheckedIOException(e);",
            "      }",
            "    };",
            "  }",
            "  Object capturedByAnonymousClass(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    return new Object() {",
            "      @Override public String toString() { return in.toString(); }",
            "    };",
            "  }",
            "  String wrappedThenWrapperClosed(File f) throws IOException {",
            "    BufferedReader r = new BufferedReader(new FileReader(f));",
            "    try {",
            "      return r.readLine();",
            "    } finally {",
            "      r.close();",
            "    }",
            "  }",
            "  void adopt(@Owning InputStream in) {",
            "    field = in;",
            "  }",
            "  void peek(InputStream in) {}",
            "}")
        .doTest();
  }

  @Test
  public void identification_reassignmentAndNull() {
    helper
        .addSourceLines(
            "Reassign.java",
            "import java.io.*;",
            "class Reassign {",
            "  void reassigned(File a, File b) throws IOException {",
            "    // BUG: Diagnostic contains: overwritten",
            "    InputStream in = new FileInputStream(a);",
            "    in = new FileInputStream(b);",
            "    in.close();",
            "  }",
            "  void nullOnOnePath(File f, boolean open) throws IOException {",
            "    InputStream in = open ? new FileInputStream(f) : null;",
            "    if (in != null) {",
            "      in.close();",
            "    }",
            "  }",
            "  int parse(InputStream in) throws IOException { return in.read(); }",
            "  void closedInCatchAndAfter(File f) throws IOException {",
            "    // A RuntimeException from parse() skips both closes.",
            "    // BUG: Diagnostic contains: `in` is not closed if `parse(...)` throws",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      parse(in);",
            "    } catch (IOException e) {",
            "      in.close();",
            "      throw e;",
            "    }",
            "    in.close();",
            "  }",
            "  void jdkCallClosedInCatchAndAfter(File f) throws IOException {",
            "    // A JDK method that declares IOException fails by it: the unchecked exceptions it",
            "    // documents are programming errors (log4j RollingRandomAccessFileManager: raf.seek).",
            "    RandomAccessFile raf = new RandomAccessFile(f, \"rw\");",
            "    try {",
            "      raf.seek(raf.length());",
            "    } catch (IOException e) {",
            "      raf.close();",
            "      throw e;",
            "    }",
            "    raf.close();",
            "  }",
            "}")
        .doTest();
  }

  // ---- false-positive traps of other tools ------------------------------------------------------

  @Test
  public void identification_otherToolsFalsePositiveTraps() {
    helper
        .addSourceLines(
            "Traps.java",
            "import java.io.*;",
            "import java.nio.file.*;",
            "class Traps implements Closeable {",
            "  private final InputStream in;",
            "  private final Writer out;",
            "  /**",
            "   * Resource stored in a field in a constructor: the object owns it, once the constructor",
            "   * completes. Opening `out` may fail first: that leak is reported (see",
            "   * UnclosedResourceConstructorFieldsTest).",
            "   */",
            "  Traps(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `new FileWriter(...)` throws: the"
                + " constructor fails",
            "    this.in = new FileInputStream(f);",
            "    this.out = new BufferedWriter(new FileWriter(f));",
            "  }",
            "  /** Resource returned from a factory method: the caller owns it. */",
            "  static BufferedReader open(Path p) throws IOException {",
            "    return Files.newBufferedReader(p);",
            "  }",
            "  static InputStream openVariable(File f) throws IOException {",
            "    InputStream s = new FileInputStream(f);",
            "    return s;",
            "  }",
            "  /** Closed in finally with a null check. */",
            "  static void nullChecked(File f) throws IOException {",
            "    FileInputStream s = null;",
            "    try {",
            "      s = new FileInputStream(f);",
            "      s.read();",
            "    } finally {",
            "      if (s != null) s.close();",
            "    }",
            "  }",
            "  /** Closed via the wrapper only. */",
            "  static void closedViaWrapper(File f) throws IOException {",
            "    Writer w = new OutputStreamWriter(new FileOutputStream(f));",
            "    try {",
            "      w.write(1);",
            "    } finally {",
            "      w.close();",
            "    }",
            "  }",
            "  /** A wrapper local that aliases the stream, closed in finally. */",
            "  static int viaLocalWrapper(File f) throws IOException {",
            "    FileInputStream raw = new FileInputStream(f);",
            "    DataInputStream data = new DataInputStream(raw);",
            "    try {",
            "      return data.readInt();",
            "    } finally {",
            "      data.close();",
            "    }",
            "  }",
            "  /**",
            "   * Not a trap after all: when `in.close()` throws, `out` stays open, and nothing will",
            "   * close it again (see UnclosedResourceCloseChainTest).",
            "   */",
            "  @Override public void close() throws IOException {",
            "    in.close();",
            "    // BUG: Diagnostic contains: Field `out` is not closed if `in.close()` throws",
            "    out.close();",
            "  }",
            "}")
        .doTest();
  }

  // ---- options --------------------------------------------------------------------------------

  @Test
  public void options_extraAndIgnoredTypes() {
    helper
        .setArgs(
            "-XepOpt:UnclosedResource:ExtraTypes=com.acme.Lease",
            "-XepOpt:UnclosedResource:IgnoredTypes=java.io.FileReader",
            "-XepOpt:UnclosedResource:ClosingMethods=com.acme.Leases#giveBack")
        .addSourceLines(
            "com/acme/Lease.java",
            "package com.acme;",
            "public class Lease implements AutoCloseable {",
            "  public static Lease take() { return new Lease(); }",
            "  public Lease getParent() { return null; }",
            "  public void use() {}",
            "  @Override public void close() {}",
            "}")
        .addSourceLines(
            "com/acme/Leases.java",
            "package com.acme;",
            "public class Leases {",
            "  public static void giveBack(Lease l) {}",
            "}")
        .addSourceLines(
            "Use.java",
            "import com.acme.*;",
            "import java.io.*;",
            "class Use {",
            "  void extra() {",
            "    // BUG: Diagnostic contains: `l` is not closed",
            "    Lease l = Lease.take();",
            "    l.use();",
            "    // BUG: Diagnostic contains: `n` is not closed",
            "    Lease n = new Lease();",
            "    n.use();",
            "  }",
            "  void getterIsNotAnAcquisition(Lease l) {",
            "    Lease p = l.getParent();",
            "    p.use();",
            "  }",
            "  void closingMethod() {",
            "    Lease l = Lease.take();",
            "    try {",
            "      l.use();",
            "    } finally {",
            "      Leases.giveBack(l);",
            "    }",
            "  }",
            "  void ignored(File f) throws IOException {",
            "    FileReader r = new FileReader(f);",
            "    r.read();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void options_owningMethods_handOffDischarges() {
    String lease =
        """
        package com.acme;
        public class Lease implements AutoCloseable {
          public void use() {}
          @Override public void close() {}
        }
        """;
    String registry =
        """
        package com.acme;
        public class Registry {
          public void adopt(String name, Lease lease) {}
        }
        """;
    String use =
        """
        import com.acme.*;
        import java.io.*;
        class Use {
          void handOff(Registry registry, File f) throws IOException {
            %s
            FileInputStream in = new FileInputStream(f);
            in.read();
            registry.adopt("in", null);
            %s
            Lease lease = new Lease();
            registry.adopt("lease", lease);
          }
        }
        """;
    // Without the option, adopt() only borrows its argument: the lease is never closed.
    helper
        .setArgs("-XepOpt:UnclosedResource:ExtraTypes=com.acme.Lease")
        .addSourceLines("com/acme/Lease.java", lease)
        .addSourceLines("com/acme/Registry.java", registry)
        .addSourceLines(
            "Use.java",
            use.formatted(
                "// BUG: Diagnostic contains: `in` is not closed",
                "// BUG: Diagnostic contains: `lease` is not closed"))
        .doTest();
    // With it, adopt() takes ownership; `in`, never handed off, is still reported.
    CompilationTestHelper.newInstance(UnclosedResource.class, getClass())
        .setArgs(
            "-XepOpt:UnclosedResource:ExtraTypes=com.acme.Lease",
            "-XepOpt:UnclosedResource:OwningMethods=com.acme.Registry#adopt")
        .addSourceLines("com/acme/Lease.java", lease)
        .addSourceLines("com/acme/Registry.java", registry)
        .addSourceLines(
            "Use.java", use.formatted("// BUG: Diagnostic contains: `in` is not closed", ""))
        .doTest();
  }

  @Test
  public void options_extraFactories_resultMustBeClosed() {
    String pool =
        """
        package com.acme;
        import java.io.Closeable;
        public class Pool {
          public Connection lease() { return new Connection(); }
          public Connection peek() { return new Connection(); }
          public static class Connection implements Closeable {
            public void send() {}
            @Override public void close() {}
          }
        }
        """;
    String use =
        """
        import com.acme.Pool;
        class Use {
          void leased(Pool pool) {
            %s
            Pool.Connection c = pool.lease();
            c.send();
          }
          void closed(Pool pool) {
            try (Pool.Connection c = pool.lease()) {
              c.send();
            }
          }
          void peeked(Pool pool) {
            Pool.Connection c = pool.peek();
            c.send();
          }
        }
        """;
    // A Closeable that is not an OS resource is not tracked by default.
    helper
        .addSourceLines("com/acme/Pool.java", pool)
        .addSourceLines("Use.java", use.formatted(""))
        .doTest();
    CompilationTestHelper.newInstance(UnclosedResource.class, getClass())
        .setArgs("-XepOpt:UnclosedResource:ExtraFactories=com.acme.Pool#lease")
        .addSourceLines("com/acme/Pool.java", pool)
        .addSourceLines("Use.java", use.formatted("// BUG: Diagnostic contains: `c` is not closed"))
        .doTest();
  }

  @Test
  public void options_owningMethodsAndFactories_malformedOrUnknown_failNamingTheFlag() {
    InvalidCommandLineOptionException e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnclosedResource(flags("UnclosedResource:OwningMethods", "com.acme.Registry")));
    assertThat(e).hasMessageThat().contains("-XepOpt:UnclosedResource:OwningMethods: malformed value 'com.acme.Registry'");
    assertThat(e).hasMessageThat().contains("Type#methodName, e.g. com.acme.io.Registry#adopt");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnclosedResource(flags("UnclosedResource:ExtraFactories", "com.acme.Pool#lease()")));
    assertThat(e).hasMessageThat().contains("-XepOpt:UnclosedResource:ExtraFactories: malformed value");
    assertThat(e).hasMessageThat().contains("Type#methodName");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnclosedResource(flags("UnclosedResource:OwningMethod", "com.acme.Registry#adopt")));
    assertThat(e).hasMessageThat().contains("unknown LeakGuard option -XepOpt:UnclosedResource:OwningMethod;");
    assertThat(e).hasMessageThat().contains("-XepOpt:UnclosedResource:OwningMethods");
    assertThat(e).hasMessageThat().contains("-XepOpt:UnclosedResource:ExtraFactories");
  }

  @Test
  public void options_unknownRateLimitRaceOption_fails() {
    // RateLimitRace has no options: any RateLimitRace:* flag is a typo, caught by every LeakGuard
    // check that reads the options.
    InvalidCommandLineOptionException e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnclosedResource(flags("RateLimitRace:Interval", "10")));
    assertThat(e).hasMessageThat().contains("unknown LeakGuard option -XepOpt:RateLimitRace:Interval");
  }

  @Test
  public void options_unresolvedTypeIsReportedOnce() {
    helper
        .setArgs("-XepOpt:UnclosedResource:ExtraTypes=com.acme.DoesNotExist")
        .addSourceLines(
            "A.java",
            "// BUG: Diagnostic contains: com.acme.DoesNotExist",
            "class A {}")
        .addSourceLines("B.java", "class B {}")
        .doTest();
  }

  @Test
  public void options_malformedValue_failsNamingTheOption() {
    InvalidCommandLineOptionException e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnclosedResource(flags("UnclosedResource:ExtraTypes", "com.acme.Lease,,x")));
    assertThat(e).hasMessageThat().contains("-XepOpt:UnclosedResource:ExtraTypes");
    assertThat(e).hasMessageThat().contains("fully qualified type names");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnclosedResource(flags("UnclosedResource:IgnoredTypes", "java.io.File Reader")));
    assertThat(e).hasMessageThat().contains("-XepOpt:UnclosedResource:IgnoredTypes");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnclosedResource(flags("UnclosedResource:ClosingMethods", "com.acme.Leases.giveBack")));
    assertThat(e).hasMessageThat().contains("-XepOpt:UnclosedResource:ClosingMethods");
    assertThat(e).hasMessageThat().contains("Type#methodName");
  }

  @Test
  public void options_unknownLeakGuardOption_failsListingTheOptions() {
    InvalidCommandLineOptionException e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnclosedResource(flags("UnclosedResource:ExtraType", "com.acme.Lease")));
    assertThat(e).hasMessageThat().contains("unknown LeakGuard option -XepOpt:UnclosedResource:ExtraType");
    assertThat(e).hasMessageThat().contains("-XepOpt:UnclosedResource:ExtraTypes");
  }

  @Test
  public void options_otherPluginsFlagsAreIgnored() {
    new UnclosedResource(flags("NullAway:AnnotatedPackages", "com.acme"));
  }

  @Test
  public void options_badValueThroughErrorProne_failsTheCompilation() {
    // Error Prone surfaces an exception from a check's constructor as a failed compilation whose
    // cause chain carries the option's message.
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                helper
                    .setArgs("-XepOpt:UnclosedResource:ClosingMethods=nope")
                    .addSourceLines("A.java", "class A {}")
                    .doTest());
    assertThat(causes(e))
        .contains("-XepOpt:UnclosedResource:ClosingMethods: malformed value 'nope'");
  }

  @Test
  public void options_everyOptionIsDocumented() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(root.resolve("docs/options.md"))) {
      root = root.getParent();
      assertThat(root).isNotNull();
    }
    String optionsPage = Files.readString(root.resolve("docs/options.md"), UTF_8);
    for (String key : LeakGuardOptions.KNOWN_OPTIONS.keySet()) {
      assertThat(optionsPage).contains("`-XepOpt:" + key + "`");
      String check = key.substring(0, key.indexOf(':'));
      String checkPage = Files.readString(root.resolve("docs/bugpattern/" + check + ".md"), UTF_8);
      assertThat(checkPage).contains("-XepOpt:" + key);
    }
  }

  private static ErrorProneFlags flags(String key, String value) {
    return ErrorProneFlags.fromMap(ImmutableMap.of(key, value));
  }

  private static String causes(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append('\n');
    }
    return all.toString();
  }

  // ---- replacement ----------------------------------------------------------------------------

  /** Applies the fix, compiles the output, and asserts the check is silent on it. */
  private void assertFix(String[] input, String[] output) {
    refactoring.addInputLines("Test.java", input).addOutputLines("Test.java", output).doTest();
    helper.addSourceLines("Test.java", output).doTest();
  }

  /** A static initializer's stream gets try-with-resources; its catch takes close()'s exception. */
  @Test
  public void replacement_staticInitializer() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.util.Properties;",
          "class Test {",
          "  static final Properties PROPS = new Properties();",
          "  static {",
          "    try {",
          "      InputStream in = new FileInputStream(\"settings.properties\");",
          "      PROPS.load(in);",
          "    } catch (IOException e) {",
          "      throw new ExceptionInInitializerError(e);",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.util.Properties;",
          "class Test {",
          "  static final Properties PROPS = new Properties();",
          "  static {",
          "    try {",
          "      try (InputStream in = new FileInputStream(\"settings.properties\")) {",
          "        PROPS.load(in);",
          "      }",
          "    } catch (IOException e) {",
          "      throw new ExceptionInInitializerError(e);",
          "    }",
          "  }",
          "}",
        });
  }

  /** Issue #13's shape: a hoisted declaration wrapped after {@code =}. */
  @Test
  public void replacement_hoistedDeclarationWrappedAfterEquals() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  int read(File f) throws IOException {",
          "    InputStream in = new FileInputStream(f);",
          "    int n =",
          "        in.read();",
          "    in.close();",
          "    return n;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  int read(File f) throws IOException {",
          "    int n;",
          "    try (InputStream in = new FileInputStream(f)) {",
          "      n = in.read();",
          "    }",
          "    return n;",
          "  }",
          "}",
        });
  }

  /**
   * zookeeper SnapshotComparer.getSnapshot: a reader a call builds on the stream ({@code ia =
   * BinaryInputArchive.getArchive(snapIS)}, here {@code createXMLStreamReader(in)}) reads it later.
   * The try stays open over its uses; the fix used to end it before them and hand the reader a
   * closed stream (it compiled, and broke the program).
   */
  @Test
  public void replacement_readerBuiltOnTheResourceKeepsTheTryOpen_zookeeperSnapshotComparer() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.util.*;",
          "import javax.xml.stream.*;",
          "class Test {",
          "  static void deserialize(List<String> into, XMLStreamReader r) {}",
          "  static List<String> load(File file) throws Exception {",
          "    List<String> tree = new ArrayList<>();",
          "    InputStream in = new FileInputStream(file);",
          "    long beginning = System.nanoTime();",
          "    XMLStreamReader ia = XMLInputFactory.newInstance().createXMLStreamReader(in);",
          "    deserialize(tree, ia);",
          "    long end = System.nanoTime();",
          "    System.out.println(end - beginning);",
          "    return tree;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.util.*;",
          "import javax.xml.stream.*;",
          "class Test {",
          "  static void deserialize(List<String> into, XMLStreamReader r) {}",
          "  static List<String> load(File file) throws Exception {",
          "    List<String> tree = new ArrayList<>();",
          "    long beginning;",
          "    try (InputStream in = new FileInputStream(file)) {",
          "      beginning = System.nanoTime();",
          "      XMLStreamReader ia = XMLInputFactory.newInstance().createXMLStreamReader(in);",
          "      deserialize(tree, ia);",
          "    }",
          "    long end = System.nanoTime();",
          "    System.out.println(end - beginning);",
          "    return tree;",
          "  }",
          "}",
        });
  }

  /**
   * jetty-util URLResourceFactory: a constructor that hands the stream to {@code super(...)} (an
   * {@code AtomicReference} holder) keeps it; the stream is the holder's now. A constructor that
   * only reads it still borrows.
   */
  @Test
  public void identification_constructorHandingItsArgumentToSuperKeepsIt_jettyUrlResource() {
    helper
        .addSourceLines(
            "Holders.java",
            "import java.io.*;",
            "import java.util.concurrent.atomic.AtomicReference;",
            "class Holder extends AtomicReference<InputStream> {",
            "  Holder(InputStream in) { super(in); }",
            "}",
            "class Peeker {",
            "  final int first;",
            "  Peeker(InputStream in) throws IOException { first = in.read(); }",
            "}")
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.URLConnection;",
            "class Test {",
            "  Holder held;",
            "  void keep(URLConnection connection) throws IOException {",
            "    held = new Holder(connection.getInputStream());",
            "  }",
            "  int peek(File f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    return new Peeker(new FileInputStream(f)).first;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void replacement_declarationMovesIntoTry_closeDropped_commentsKept() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  int read(File f) throws IOException {",
          "    // open it",
          "    FileInputStream in = new FileInputStream(f);",
          "    int b = in.read(); // first byte",
          "    in.close();",
          "    return b;",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  int read(File f) throws IOException {",
          "    // open it",
          "    int b;",
          "    try (FileInputStream in = new FileInputStream(f)) {",
          "      b = in.read(); // first byte",
          "    }",
          "    return b;",
          "  }",
          "}"
        });
  }

  @Test
  public void replacement_resourceHeldByAHolderThatNeverClosesIt() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static final class Tokenizer {",
          "    private final Reader reader;",
          "    Tokenizer(Reader reader) { this.reader = reader; }",
          "    int next() throws IOException { return reader.read(); }",
          "  }",
          "  int first(File f) throws IOException {",
          "    Tokenizer t = new Tokenizer(new FileReader(f));",
          "    return t.next();",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static final class Tokenizer {",
          "    private final Reader reader;",
          "    Tokenizer(Reader reader) { this.reader = reader; }",
          "    int next() throws IOException { return reader.read(); }",
          "  }",
          "  int first(File f) throws IOException {",
          "    try (FileReader fileReader = new FileReader(f)) {",
          "      Tokenizer t = new Tokenizer(fileReader);",
          "      return t.next();",
          "    }",
          "  }",
          "}"
        });
  }

  @Test
  public void replacement_statementOpenedEachPassClosedEachPass() {
    assertFix(
        new String[] {
          "import java.sql.*;",
          "import java.util.List;",
          "class Test {",
          "  void perRow(Connection c, List<String> names) throws SQLException {",
          "    for (String n : names) {",
          "      PreparedStatement ps = c.prepareStatement(\"insert into t values (?)\");",
          "      ps.setString(1, n);",
          "      ps.executeUpdate();",
          "    }",
          "  }",
          "}"
        },
        new String[] {
          "import java.sql.*;",
          "import java.util.List;",
          "class Test {",
          "  void perRow(Connection c, List<String> names) throws SQLException {",
          "    for (String n : names) {",
          "      try (PreparedStatement ps = c.prepareStatement(\"insert into t values (?)\")) {",
          "        ps.setString(1, n);",
          "        ps.executeUpdate();",
          "      }",
          "    }",
          "  }",
          "}"
        });
  }

  @Test
  public void replacement_httpResponseClosedWithTryWithResources() {
    refactoring
        .addInputLines(
            "okhttp3/Response.java",
            "package okhttp3;",
            "public abstract class Response implements java.io.Closeable {",
            "  public abstract int code();",
            "}")
        .expectUnchanged()
        .addInputLines(
            "okhttp3/Call.java",
            "package okhttp3;",
            "public interface Call { Response execute() throws java.io.IOException; }")
        .expectUnchanged()
        .addInputLines(
            "Test.java",
            "import java.io.IOException;",
            "class Test {",
            "  int status(okhttp3.Call call) throws IOException {",
            "    okhttp3.Response response = call.execute();",
            "    if (response.code() != 200) {",
            "      throw new IOException(\"HTTP \" + response.code());",
            "    }",
            "    return response.code();",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.io.IOException;",
            "class Test {",
            "  int status(okhttp3.Call call) throws IOException {",
            "    try (okhttp3.Response response = call.execute()) {",
            "      if (response.code() != 200) {",
            "        throw new IOException(\"HTTP \" + response.code());",
            "      }",
            "      return response.code();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void replacement_varKept_blockCoversLaterUses() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  void copy(File f, OutputStream out) throws IOException {",
          "    var in = new FileInputStream(f);",
          "    byte[] buf = new byte[8];",
          "    int n;",
          "    while ((n = in.read(buf)) > 0) {",
          "      out.write(buf, 0, n);",
          "    }",
          "    System.out.println(\"done\");",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  void copy(File f, OutputStream out) throws IOException {",
          "    try (var in = new FileInputStream(f)) {",
          "      byte[] buf = new byte[8];",
          "      int n;",
          "      while ((n = in.read(buf)) > 0) {",
          "        out.write(buf, 0, n);",
          "      }",
          "    }",
          "    System.out.println(\"done\");",
          "  }",
          "}"
        });
  }

  @Test
  public void replacement_declarationThatCannotMoveBeforeTheTry_extendsIt() {
    // An array initializer cannot become an assignment, and hoisting `count` would hide the field
    // the earlier statement assigns: both stay declared inside, and the try covers their uses. A
    // declaration without initializer that does move leaves no blank line behind.
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  private int count;",
          "  int arrayInitializer(File f) throws IOException {",
          "    FileReader in = new FileReader(f);",
          "    int[] codes = {in.read(), in.read()};",
          "    return codes[0] + codes[1];",
          "  }",
          "  int shadowsField(File f) throws IOException {",
          "    FileReader in = new FileReader(f);",
          "    count = in.read();",
          "    int count = this.count + in.read();",
          "    return count;",
          "  }",
          "  int noInitializer(File f) throws IOException {",
          "    FileReader in = new FileReader(f);",
          "    int c;",
          "    c = in.read();",
          "    return c;",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  private int count;",
          "  int arrayInitializer(File f) throws IOException {",
          "    try (FileReader in = new FileReader(f)) {",
          "      int[] codes = {in.read(), in.read()};",
          "      return codes[0] + codes[1];",
          "    }",
          "  }",
          "  int shadowsField(File f) throws IOException {",
          "    try (FileReader in = new FileReader(f)) {",
          "      count = in.read();",
          "      int count = this.count + in.read();",
          "      return count;",
          "    }",
          "  }",
          "  int noInitializer(File f) throws IOException {",
          "    int c;",
          "    try (FileReader in = new FileReader(f)) {",
          "      c = in.read();",
          "    }",
          "    return c;",
          "  }",
          "}"
        });
  }

  @Test
  public void replacement_unstoredExpressionGetsAVariable() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.nio.file.*;",
          "class Test {",
          "  long count(Path p) throws IOException {",
          "    long n = Files.lines(p).count();",
          "    return n + 1;",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.IOException;",
          "import java.nio.file.*;",
          "import java.util.stream.Stream;",
          "class Test {",
          "  long count(Path p) throws IOException {",
          "    try (Stream<String> lines = Files.lines(p)) {",
          "      long n = lines.count();",
          "      return n + 1;",
          "    }",
          "  }",
          "}"
        });
  }

  @Test
  public void replacement_decoratorChain_andAdjacentResourcesShareOneTry() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  void copy(File a, File b) throws IOException {",
          "    BufferedReader r = new BufferedReader(new FileReader(a));",
          "    FileWriter w = new FileWriter(b);",
          "    w.write(r.readLine());",
          "    w.close();",
          "    r.close();",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  void copy(File a, File b) throws IOException {",
          "    try (BufferedReader r = new BufferedReader(new FileReader(a));",
          "        FileWriter w = new FileWriter(b)) {",
          "      w.write(r.readLine());",
          "    }",
          "  }",
          "}"
        });
  }

  @Test
  public void replacement_forEachOverDirectoryStream() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.nio.file.*;",
          "class Test {",
          "  void list(Path dir) throws IOException {",
          "    for (Path child : Files.newDirectoryStream(dir)) {",
          "      System.out.println(child);",
          "    }",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.IOException;",
          "import java.nio.file.*;",
          "class Test {",
          "  void list(Path dir) throws IOException {",
          "    try (DirectoryStream<Path> directoryStream = Files.newDirectoryStream(dir)) {",
          "      for (Path child : directoryStream) {",
          "        System.out.println(child);",
          "      }",
          "    }",
          "  }",
          "}"
        });
  }

  @Test
  public void replacement_expressionStatementAlone() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  void touch(File f) throws IOException {",
          "    new FileOutputStream(f);",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  void touch(File f) throws IOException {",
          "    try (FileOutputStream fileOutputStream = new FileOutputStream(f)) {}",
          "  }",
          "}"
        });
  }

  @Test
  public void noFix_whenNoRewriteIsSafe() {
    helper
        .addSourceLines(
            "NoFix.java",
            "import java.io.*;",
            "import java.sql.*;",
            "class NoFix {",
            "  InputStream kept;",
            "  void storedConditionally(File f, boolean keep) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix: it is stored in `kept` on some paths",
            "    InputStream in = new FileInputStream(f);",
            "    if (keep) {",
            "      kept = in;",
            "    }",
            "  }",
            "  InputStream returnedOnSomePaths(File f, boolean keep) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix: it is returned on some paths",
            "    InputStream in = new FileInputStream(f);",
            "    if (keep) {",
            "      return in;",
            "    }",
            "    return null;",
            "  }",
            "  void acrossIterations(File[] files) throws IOException {",
            "    InputStream in = null;",
            "    for (File f : files) {",
            "      // BUG: Diagnostic contains: lives across loop iterations",
            "      in = new FileInputStream(f);",
            "      in.read();",
            "    }",
            "    if (in != null) {",
            "      in.close();",
            "    }",
            "  }",
            "  void reassigned(File a, File b) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix: `in` is reassigned",
            "    InputStream in = new FileInputStream(a);",
            "    if (in.read() < 0) {",
            "      in.close();",
            "    }",
            "    in = new FileInputStream(b);",
            "    in.close();",
            "  }",
            "  static class Res implements AutoCloseable {",
            "    @com.google.errorprone.annotations.MustBeClosed static Res open() { return new Res(); }",
            "    @Override public void close() throws Exception {}",
            "    void use() {}",
            "  }",
            "  void closeThrowsUnhandled() {",
            "    // BUG: Diagnostic contains: throws `Exception`, which the enclosing code neither",
            "    Res r = Res.open();",
            "    r.use();",
            "  }",
            "  void closeThrowsHandled() throws Exception {",
            "    // BUG: Diagnostic contains: Did you mean 'try (Res r = Res.open()) {'",
            "    Res r = Res.open();",
            "    r.use();",
            "  }",
            "}")
        .doTest();
  }

  // ---- never crash ----------------------------------------------------------------------------

  @Test
  public void java21Shapes_noCrash() {
    helper
        .addSourceLines(
            "Shapes.java",
            "import java.io.*;",
            "import java.nio.file.*;",
            "import java.util.function.*;",
            "class Shapes {",
            "  sealed interface Shape permits Circle, Square {}",
            "  record Circle(double r) implements Shape {}",
            "  record Square(double s) implements Shape {}",
            "  record Holder(InputStream in) implements Closeable {",
            "    @Override public void close() throws IOException { in.close(); }",
            "  }",
            "  static String text = \"\"\"",
            "      a text block",
            "      \"\"\";",
            "  double area(Shape s) {",
            "    return switch (s) {",
            "      case Circle c when c.r() > 0 -> Math.PI * c.r() * c.r();",
            "      case Circle c -> 0;",
            "      case Square q -> q.s() * q.s();",
            "    };",
            "  }",
            "  int switchYield(File f, int k) throws IOException {",
            "    return switch (k) {",
            "      case 1 -> {",
            "        try (InputStream in = new FileInputStream(f)) {",
            "          yield in.read();",
            "        }",
            "      }",
            "      default -> 0;",
            "    };",
            "  }",
            "  Holder record(File f) throws IOException {",
            "    return new Holder(new FileInputStream(f));",
            "  }",
            "  void labeled(File[] fs) throws IOException {",
            "    outer:",
            "    for (File f : fs) {",
            "      try (InputStream in = new FileInputStream(f)) {",
            "        while (true) {",
            "          if (in.read() < 0) break outer;",
            "          if (in.available() == 0) continue outer;",
            "        }",
            "      } finally {",
            "        try {",
            "          System.out.println();",
            "        } finally {",
            "          System.out.flush();",
            "        }",
            "      }",
            "    }",
            "  }",
            "  void local(File f) throws IOException {",
            "    class Local {",
            "      int read() throws IOException {",
            "        try (var in = new FileInputStream(f)) { return in.read(); }",
            "      }",
            "    }",
            "    new Local().read();",
            "    Supplier<Object> s = () -> new Object() { public String toString() { return text; } };",
            "    Runnable r = () -> {",
            "      try {",
            "        // BUG: Diagnostic contains: is not closed",
            "        InputStream in = new FileInputStream(f);",
            "        in.read();",
            "      } catch (IOException e) {",
            "        throw new UncheckedIOException(e);",
            "      }",
            "    };",
            "    // BUG: Diagnostic contains: no automatic fix: it is opened inside an expression lambda",
            "    Callable<Long> c = () -> Files.lines(f.toPath()).count();",
            "    if (s.get() instanceof String str && !str.isEmpty()) r.run();",
            "  }",
            "  interface Callable<T> { T call() throws Exception; }",
            "}")
        .doTest();
  }

  // ---- false alarms seen in real code (docs/benchmark.md, triage) --------------------------

  @Test
  public void negatives_falseAlarmsFromRealCode() {
    helper
        .addSourceLines(
            "Io.java",
            "final class Io {",
            "  static void close(AutoCloseable c) {",
            "    try { if (c != null) c.close(); } catch (Exception ignored) { }",
            "  }",
            "}")
        .addSourceLines(
            "RealCode.java",
            "import java.io.*;",
            "import java.net.*;",
            "import java.nio.channels.FileChannel;",
            "import java.nio.file.*;",
            "import java.util.logging.Logger;",
            "class RealCode {",
            "  // commons-compress TarFile, commons-io BufferedFileChannelInputStream: this(...) owns it",
            "  static class ChannelInput extends InputStream {",
            "    private final FileChannel channel;",
            "    ChannelInput(Path path) throws IOException {",
            "      this(FileChannel.open(path), 8192);",
            "    }",
            "    ChannelInput(FileChannel channel, int size) {",
            "      this.channel = channel;",
            "    }",
            "    @Override public int read() { return -1; }",
            "    @Override public void close() throws IOException { channel.close(); }",
            "  }",
            "  // zookeeper AtomicFileOutputStream: super(...) owns it",
            "  static class AtomicOut extends FilterOutputStream {",
            "    AtomicOut(File f) throws IOException {",
            "      super(new FileOutputStream(f));",
            "    }",
            "  }",
            "  // log4j FileManager: logging and accessors between opening and handing off",
            "  private static final Logger LOG = Logger.getLogger(\"RealCode\");",
            "  private InputStream kept;",
            "  void logged(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    LOG.fine(\"opened \" + f.getName());",
            "    kept = in;",
            "  }",
            "  // log4j AbstractDriverManagerConnectionSource: the identity it logs is computed first",
            "  InputStream loggedIdentity(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    LOG.fine(in.getClass().getName() + \"@\" + Integer.toHexString(in.hashCode()));",
            "    return in;",
            "  }",
            "  // log4j MemoryMappedFileManager, zookeeper NIOServerCnxnFactory: own closers in catch",
            "  static void closeSilently(Closeable c) {",
            "    try { c.close(); } catch (Exception ignored) { }",
            "  }",
            "  static boolean isClosed(Closeable c) { return false; }",
            "  RandomAccessFile map(File f) throws IOException {",
            "    RandomAccessFile raf = new RandomAccessFile(f, \"rw\");",
            "    try {",
            "      raf.setLength(1024);",
            "      return raf;",
            "    } catch (IOException | RuntimeException e) {",
            "      closeSilently(raf);",
            "      throw e;",
            "    }",
            "  }",
            "  // jetty FileSystemPool: the project's own closer, in another file, by its name",
            "  InputStream openChecked(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    try {",
            "      in.mark(1);",
            "      return in;",
            "    } catch (RuntimeException e) {",
            "      Io.close(in);",
            "      throw e;",
            "    }",
            "  }",
            "  // jetty FileSystemPool: a method of this class keeps what it is given",
            "  private final java.util.Map<String, Closeable> pool = new java.util.HashMap<>();",
            "  private void retain(String key, Closeable resource) {",
            "    pool.put(key, resource);",
            "  }",
            "  void register(String key, File f) throws IOException {",
            "    FileInputStream in = new FileInputStream(f);",
            "    retain(key, in);",
            "  }",
            "  // commons-io FileUtils.lineIterator: a static factory's closeable result owns it",
            "  static final class Lines implements Closeable {",
            "    static Lines of(InputStream in) { return new Lines(); }",
            "    @Override public void close() { }",
            "  }",
            "  Lines lines(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    return Lines.of(in);",
            "  }",
            "  // commons-compress SevenZFile: conversions between opening and storing",
            "  private java.nio.channels.SeekableByteChannel channel;",
            "  private String name;",
            "  void open(Path path) throws IOException {",
            "    java.nio.channels.SeekableByteChannel opened = Files.newByteChannel(path);",
            "    name = path.toAbsolutePath().toString();",
            "    channel = opened;",
            "  }",
            "  // hsqldb Server: a method of this class starts a handler that owns the socket",
            "  static final class Handler extends Thread {",
            "    private final Socket socket;",
            "    Handler(Socket socket) { this.socket = socket; }",
            "  }",
            "  private void handleConnection(Socket socket) {",
            "    new Handler(socket).start();",
            "  }",
            "  void serve(SocketAddress address) throws IOException {",
            "    Socket socket = new Socket();",
            "    handleConnection(socket);",
            "  }",
            "  // zookeeper Leader: an error flag decides the close in finally",
            "  Socket connect(SocketAddress address) throws IOException {",
            "    Socket socket = null;",
            "    boolean error = false;",
            "    try {",
            "      socket = new Socket();",
            "      socket.connect(address, 1000);",
            "      return socket;",
            "    } catch (IOException | RuntimeException e) {",
            "      error = true;",
            "      throw e;",
            "    } finally {",
            "      if (error && socket != null) {",
            "        socket.close();",
            "      }",
            "    }",
            "  }",
            "  void notACloser(File f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    FileInputStream in = new FileInputStream(f);",
            "    if (isClosed(in)) {",
            "      return;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void returnedOnAnotherPath_closedOnlyOnFailure() {
    // commons-io LockableFileWriter: the stream is wrapped and returned; only a failing charset
    // lookup leaks it. Try-with-resources would return a closed writer; the fix closes the stream
    // only when the code before the hand-off throws (UnclosedResourceCloseOnFailureTest).
    helper
        .addSourceLines(
            "Returned.java",
            "import java.io.*;",
            "import java.nio.charset.Charset;",
            "class Returned {",
            "  Writer open(File f, String charset) throws IOException {",
            "    // BUG: Diagnostic contains: close it if the code that prepares it throws",
            "    OutputStream out = new FileOutputStream(f);",
            "    return new OutputStreamWriter(out, Charset.forName(charset));",
            "  }",
            "}")
        .doTest();
    refactoring
        .addInputLines(
            "Returned.java",
            "import java.io.*;",
            "import java.nio.charset.Charset;",
            "class Returned {",
            "  Writer open(File f, String charset) throws IOException {",
            "    OutputStream out = new FileOutputStream(f);",
            "    return new OutputStreamWriter(out, Charset.forName(charset));",
            "  }",
            "}")
        .addOutputLines(
            "Returned.java",
            "import java.io.*;",
            "import java.nio.charset.Charset;",
            "class Returned {",
            "  Writer open(File f, String charset) throws IOException {",
            "    OutputStream out = new FileOutputStream(f);",
            "    try {",
            "      return new OutputStreamWriter(out, Charset.forName(charset));",
            "    } catch (Throwable e) {",
            "      try {",
            "        out.close();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void resultSetReturnedThroughALocal_closedOnCompletion() {
    // hsqldb JDBCDatabaseMetaData.execute, h2 ScriptCommand.getLobStream: closing the statement
    // here would hand the caller a closed result set; the result set closes it instead.
    // `executeQuery` never returns null, so no test of it is needed.
    String source =
        """
        import java.sql.*;
        class Metadata {
          ResultSet execute(Connection connection, String sql) throws SQLException {
            Statement st = connection.createStatement();
            ResultSet r = st.executeQuery(sql);
            return r;
          }
          int count(Connection connection, String sql) throws SQLException {
            Statement st = connection.createStatement();
            ResultSet r = st.executeQuery(sql);
            return r.next() ? r.getInt(1) : 0;
          }
        }
        """;
    helper
        .addSourceLines(
            "Metadata.java",
            "import java.sql.*;",
            "class Metadata {",
            "  ResultSet execute(Connection connection, String sql) throws SQLException {",
            "    // BUG: Diagnostic contains: let the returned result set close it",
            "    Statement st = connection.createStatement();",
            "    ResultSet r = st.executeQuery(sql);",
            "    return r;",
            "  }",
            "  int count(Connection connection, String sql) throws SQLException {",
            "    // BUG: Diagnostic contains: Did you mean",
            "    Statement st = connection.createStatement();",
            "    ResultSet r = st.executeQuery(sql);",
            "    return r.next() ? r.getInt(1) : 0;",
            "  }",
            "}")
        .doTest();
    refactoring
        .addInputLines("Metadata.java", source)
        .addOutputLines(
            "Metadata.java",
            """
            import java.sql.*;
            class Metadata {
              ResultSet execute(Connection connection, String sql) throws SQLException {
                Statement st = connection.createStatement();
                ResultSet r;
                try {
                  r = st.executeQuery(sql);
                } catch (Throwable e) {
                  try {
                    st.close();
                  } catch (Throwable suppressed) {
                    e.addSuppressed(suppressed);
                  }
                  throw e;
                }
                st.closeOnCompletion();
                return r;
              }
              int count(Connection connection, String sql) throws SQLException {
                try (Statement st = connection.createStatement()) {
                  ResultSet r = st.executeQuery(sql);
                  return r.next() ? r.getInt(1) : 0;
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void replacement_streamOfTheResourceKeepsTheTryOpenOverItsUses() {
    // A socket's stream reads a closed socket once the socket's try has ended.
    refactoring
        .addInputLines(
            "Client.java",
            """
            import java.io.*;
            import java.net.*;
            class Client {
              int firstByte(SocketAddress address) throws IOException {
                Socket socket = new Socket();
                socket.connect(address);
                InputStream in = socket.getInputStream();
                return in.read();
              }
            }
            """)
        .addOutputLines(
            "Client.java",
            """
            import java.io.*;
            import java.net.*;
            class Client {
              int firstByte(SocketAddress address) throws IOException {
                try (Socket socket = new Socket()) {
                  socket.connect(address);
                  InputStream in = socket.getInputStream();
                  return in.read();
                }
              }
            }
            """)
        .doTest();
  }

  /**
   * Initializer blocks run like method bodies: a class that loads its settings in {@code static {
   * … }} opens its stream there. The Checker Framework's InstanceInitializer test.
   */
  @Test
  public void initializerBlocks() {
    helper
        .addSourceLines(
            "Settings.java",
            """
            import java.io.*;
            import java.net.Socket;
            import java.util.Properties;
            class Settings {
              static final Properties PROPS = new Properties();
              static {
                try {
                  // BUG: Diagnostic contains: `in` is not closed
                  InputStream in = new FileInputStream("settings.properties");
                  PROPS.load(in);
                } catch (IOException e) {
                  throw new ExceptionInInitializerError(e);
                }
              }
              static {
                try (InputStream in = new FileInputStream("defaults.properties")) {
                  PROPS.load(in);
                } catch (IOException e) {
                  throw new ExceptionInInitializerError(e);
                }
              }
              {
                try {
                  // BUG: Diagnostic contains: `probe` is not closed on any path
                  Socket probe = new Socket("localhost", 5);
                } catch (IOException e) {
                }
              }
            }
            """)
        .doTest();
  }

  /**
   * spring-jdbc SqlRowSetResultSetExtractor: a {@code CachedRowSet} is disconnected, in-memory
   * data once populated; it holds no connection of its own. A connected {@code JdbcRowSet} still
   * is a resource.
   */
  @Test
  public void cachedRowSet_isNotAResource() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.sql.*;
            import javax.sql.rowset.*;
            class Test {
              Object copy(ResultSet rs) throws SQLException {
                CachedRowSet rowSet = RowSetProvider.newFactory().createCachedRowSet();
                rowSet.populate(rs);
                return rowSet.size();
              }
              int count(String url) throws SQLException {
                // BUG: Diagnostic contains: `rowSet` is not closed
                JdbcRowSet rowSet = RowSetProvider.newFactory().createJdbcRowSet();
                rowSet.setUrl(url);
                rowSet.setCommand("select count(*) from t");
                rowSet.execute();
                return rowSet.getInt(1);
              }
            }
            """)
        .doTest();
  }

  /**
   * h2 CipherFactory, log4j SslSocketManager: {@code socket.connect(address)} closes the socket
   * when the connection cannot be established, so a socket whose only failing call is its connect
   * leaks nothing; a call after it still is a leak path.
   */
  @Test
  public void socketConnect_closesTheSocketWhenItFails() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.io.IOException;
            import java.net.Socket;
            import java.net.SocketAddress;
            import javax.net.SocketFactory;
            class Test {
              Socket connect(SocketFactory f, SocketAddress address, int timeout) throws IOException {
                Socket socket = f.createSocket();
                socket.connect(address, timeout);
                return socket;
              }
              Socket connectThenConfigure(SocketAddress address, int timeout) throws IOException {
                // BUG: Diagnostic contains: `socket` is not closed if `socket.setSoTimeout(...)` throws
                Socket socket = new Socket();
                socket.connect(address);
                socket.setSoTimeout(timeout);
                return socket;
              }
            }
            """)
        .doTest();
  }

  /**
   * hsqldb HsqlSocketFactorySecure and log4j TcpSocketManager: the call between opening a socket
   * and keeping it is the project's own {@code Error.printSystemOut(message)} (a {@code println}
   * behind a flag) or {@code Closer.closeSilently(c)} (all of it inside {@code catch (Exception)}).
   * Their bodies cannot throw, so they are no leak path; a body that can still is.
   */
  @Test
  public void ownMethodsThatCannotThrow_areNoLeakPath() {
    helper
        .addSourceLines(
            "Support.java",
            """
            final class Support {
              static boolean TRACESYSTEMOUT;
              static void printSystemOut(String message) {
                if (TRACESYSTEMOUT) {
                  System.out.println(message);
                }
              }
              static boolean closeSilently(AutoCloseable closeable) {
                try {
                  closeable.close();
                  return true;
                } catch (final Exception ignored) {
                  return false;
                }
              }
              static void printTo(java.io.PrintStream out, String message) {
                out.println(message.substring(message.indexOf(':') + 1));
              }
            }
            """)
        .addSourceLines(
            "Sockets.java",
            """
            import java.io.IOException;
            import java.net.ServerSocket;
            import java.net.Socket;
            class Sockets {
              ServerSocket server;
              Socket client;
              java.io.OutputStream out;
              protected java.io.OutputStream getOutputStream() { return out; }
              void open(int port, AutoCloseable previous) throws IOException {
                ServerSocket ss = new ServerSocket(port);
                Support.printSystemOut("[" + this + "]: listening on " + port / 2);
                Support.closeSilently(previous);
                Support.closeSilently(getOutputStream());
                server = ss;
              }
              void connect(String host, int port) throws IOException {
                // BUG: Diagnostic contains: `socket` is not closed if `Support.printTo(...)` throws
                Socket socket = new Socket(host, port);
                Support.printTo(System.err, "connected");
                client = socket;
              }
            }
            """)
        .doTest();
  }

  /**
   * jetty IOResources.asContentSource: {@code new ByteBufferPool.Sized(pool, direct, size)} runs
   * between opening the stream and handing it on, and its constructor only checks for null and
   * stores fields: no leak path. Beside it, constructions that can fail: a constructor that
   * parses, a field initializer that parses, and a superclass whose constructor is not in the
   * compilation.
   */
  @Test
  public void ownConstructorsThatCannotThrow_areNoLeakPath() {
    helper
        .addSourceLines(
            "Sized.java",
            """
            import java.util.Objects;
            class Sized {
              final Object pool;
              final boolean direct;
              final int size;
              Sized(Object pool, boolean direct, int size) {
                this.pool = Objects.requireNonNullElse(pool, "default");
                this.direct = direct;
                this.size = size;
              }
              Sized(Object pool) {
                this(pool, false, 4096);
              }
            }
            """)
        .addSourceLines(
            "Parsed.java",
            """
            class Parsed {
              final int size;
              Parsed(String size) {
                this.size = Integer.parseInt(size);
              }
            }
            """)
        .addSourceLines(
            "Configured.java",
            """
            class Configured {
              private final int size = Integer.parseInt(System.getProperty("size", "1"));
              private final Object pool;
              Configured(Object pool) {
                this.pool = pool;
              }
            }
            """)
        .addSourceLines(
            "Worker.java",
            """
            class Worker extends Thread {
              final Object pool;
              Worker(Object pool) {
                this.pool = pool;
              }
            }
            """)
        .addSourceLines(
            "Sources.java",
            """
            import java.io.*;
            class Sources {
              Object[] sized(File f, Object pool) throws IOException {
                InputStream in = new FileInputStream(f);
                Sized sized = new Sized(pool);
                return new Object[] {in, sized};
              }
              Object[] parsed(File f, String size) throws IOException {
                // BUG: Diagnostic contains: `in` is not closed if `new Parsed(...)` throws
                InputStream in = new FileInputStream(f);
                Parsed parsed = new Parsed(size);
                return new Object[] {in, parsed};
              }
              Object[] configured(File f, Object pool) throws IOException {
                // BUG: Diagnostic contains: `in` is not closed if `new Configured(...)` throws
                InputStream in = new FileInputStream(f);
                Configured configured = new Configured(pool);
                return new Object[] {in, configured};
              }
              Object[] worker(File f, Object pool) throws IOException {
                // BUG: Diagnostic contains: `in` is not closed if `new Worker(...)` throws
                InputStream in = new FileInputStream(f);
                Worker worker = new Worker(pool);
                return new Object[] {in, worker};
              }
            }
            """)
        .doTest();
  }

  /**
   * Loops in project methods that cannot throw: h2's {@code CipherFactory.disableSSL(protocols)}
   * (a for-each over an array into a {@code new HashSet<>()}, then {@code toArray}) and hsqldb's
   * {@code HsqlSocketFactorySecure.dump(title, suites)} (a counted loop over an array, printing
   * each element), each called on a socket just opened; log4j's {@code
   * Closer.closeSilently(getOutputStream())}, whose argument is a call of its own. Beside them,
   * loops that can fail: an index past the array's end, a list read by index, a collection whose
   * iterator is the caller's.
   */
  @Test
  public void ownMethodsWithLoopsThatCannotThrow_areNoLeakPath() {
    helper
        .addSourceLines(
            "Protocols.java",
            """
            import java.util.HashSet;
            import java.util.List;
            final class Protocols {
              static String[] disableSSL(String[] enabled) {
                HashSet<String> set = new HashSet<>();
                for (String x : enabled) {
                  if (!x.startsWith("SSL")) {
                    set.add(x);
                  }
                }
                return set.toArray(new String[0]);
              }
              static void dump(String title, String[] suites) {
                System.out.println(title);
                for (int i = 0; i < suites.length; i++) {
                  System.out.println(String.valueOf(suites[i]));
                }
              }
              static void dumpPastTheEnd(String[] suites) {
                for (int i = 0; i <= suites.length; i++) {
                  System.out.println(suites[i]);
                }
              }
              static String[] firstOfEach(List<String> names) {
                HashSet<String> set = new HashSet<>();
                for (String name : names) {
                  set.add(name);
                }
                return set.toArray(new String[0]);
              }
              static int count(String[] suites) {
                java.util.ArrayList<String> list = new java.util.ArrayList<>();
                for (String suite : suites) {
                  list.add(suite);
                }
                return list.get(0).length();
              }
            }
            """)
        .addSourceLines(
            "Secure.java",
            """
            import java.io.IOException;
            import java.net.ServerSocket;
            import java.util.List;
            import javax.net.ssl.SSLServerSocket;
            import javax.net.ssl.SSLServerSocketFactory;
            class Secure {
              ServerSocket restricted(SSLServerSocketFactory f, int port) throws IOException {
                SSLServerSocket socket = (SSLServerSocket) f.createServerSocket(port);
                socket.setEnabledProtocols(Protocols.disableSSL(socket.getEnabledProtocols()));
                return socket;
              }
              ServerSocket dumped(SSLServerSocketFactory f, int port) throws IOException {
                SSLServerSocket socket = (SSLServerSocket) f.createServerSocket(port);
                Protocols.dump("enabled", socket.getEnabledCipherSuites());
                return socket;
              }
              ServerSocket pastTheEnd(SSLServerSocketFactory f, int port) throws IOException {
                // BUG: Diagnostic contains: `socket` is not closed if `Protocols.dumpPastTheEnd(...)`
                SSLServerSocket socket = (SSLServerSocket) f.createServerSocket(port);
                Protocols.dumpPastTheEnd(socket.getEnabledCipherSuites());
                return socket;
              }
              ServerSocket callersList(SSLServerSocketFactory f, int port, List<String> names)
                  throws IOException {
                // BUG: Diagnostic contains: `socket` is not closed if `Protocols.firstOfEach(...)`
                SSLServerSocket socket = (SSLServerSocket) f.createServerSocket(port);
                socket.setEnabledProtocols(Protocols.firstOfEach(names));
                return socket;
              }
              ServerSocket byIndex(SSLServerSocketFactory f, int port) throws IOException {
                // BUG: Diagnostic contains: `socket` is not closed if `Protocols.count(...)`
                SSLServerSocket socket = (SSLServerSocket) f.createServerSocket(port);
                int size = Protocols.count(socket.getEnabledCipherSuites());
                socket.setEnabledCipherSuites(new String[size]);
                return socket;
              }
            }
            """)
        .doTest();
  }

  /**
   * h2 FilePathDisk: a stream is traced by the project's own {@code IOUtils.trace(...)} (a {@code
   * println} behind a flag) before it is returned. A void method named for logging that declares
   * no exception is a log line, not a leak path; one that declares an exception, or is named for
   * something else, still is.
   */
  @Test
  public void h2FilePathDisk_ownTraceCallIsNotALeakPath() {
    helper
        .addSourceLines(
            "IOUtils.java",
            """
            class IOUtils {
              static boolean traceIo;
              static void trace(String method, String fileName, Object o) {
                if (traceIo) {
                  System.out.println("IOUtils." + method + ' ' + fileName + ' ' + o);
                }
              }
              static void debugOpened(Object o) {}
              static void logTo(java.io.Writer log, Object o) throws java.io.IOException {
                log.write(String.valueOf(o));
              }
              static int id;
              static void register(Object o) { id = Integer.parseInt(System.getProperty("id")); }
              static void count(Object o) {}
              static String trace(Object o) { return String.valueOf(o); }
            }
            """)
        .addSourceLines(
            "FilePathDisk.java",
            """
            import java.io.*;
            import java.nio.file.*;
            class FilePathDisk {
              OutputStream newOutputStream(Path file) throws IOException {
                OutputStream out = Files.newOutputStream(file);
                IOUtils.trace("openFileOutputStream", file.toString(), out);
                return out;
              }
              InputStream newInputStream(Path file) throws IOException {
                InputStream in = Files.newInputStream(file);
                IOUtils.debugOpened(in);
                return in;
              }
              InputStream loggedToAWriter(Path file, Writer log) throws IOException {
                // BUG: Diagnostic contains: not closed if `IOUtils.logTo(...)` throws
                InputStream in = Files.newInputStream(file);
                IOUtils.logTo(log, in);
                return in;
              }
              InputStream registered(Path file) throws IOException {
                // BUG: Diagnostic contains: not closed if `IOUtils.register(...)` throws
                InputStream in = Files.newInputStream(file);
                IOUtils.register(in);
                return in;
              }
              InputStream counted(Path file) throws IOException {
                InputStream in = Files.newInputStream(file);
                IOUtils.count(in); // an empty static method cannot throw
                return in;
              }
              InputStream tracedIntoAValue(Path file) throws IOException {
                // BUG: Diagnostic contains: not closed if `IOUtils.trace(...)` throws
                InputStream in = Files.newInputStream(file);
                String traced = IOUtils.trace(in);
                return in;
              }
            }
            """)
        .doTest();
  }

  /**
   * h2 TableLink: a prepared statement is cached, and when it fails the catch force-closes the
   * link's connection, which closes every statement made from it (JDBC closes a statement with its
   * connection). Closing something else, or nothing, still leaks it.
   */
  @Test
  public void h2TableLink_statementClosedWithItsConnection() {
    helper
        .addSourceLines(
            "TableLink.java",
            """
            import java.sql.*;
            import java.util.*;
            import javax.sql.DataSource;
            class TableLink {
              static class LinkConnection {
                private final Connection conn;
                LinkConnection(Connection conn) { this.conn = conn; }
                Connection getConnection() { return conn; }
                void close(boolean force) {
                  try { conn.close(); } catch (SQLException ignored) { }
                }
              }
              private LinkConnection conn;
              private final Map<String, PreparedStatement> preparedMap = new HashMap<>();
              private int fetchSize;
              void connect() {}
              PreparedStatement execute(String sql, boolean reusePrepared) {
                for (int retry = 0; ; retry++) {
                  try {
                    synchronized (conn) {
                      PreparedStatement prep = preparedMap.remove(sql);
                      if (prep == null) {
                        // BUG: Diagnostic contains: `prep` is not closed if `prep.setFetchSize(...)`
                        prep = conn.getConnection().prepareStatement(sql);
                        if (fetchSize != 0) {
                          prep.setFetchSize(fetchSize);
                        }
                      }
                      prep.execute();
                      if (reusePrepared) {
                        preparedMap.put(sql, prep);
                        return null;
                      }
                      return prep;
                    }
                  } catch (SQLException e) {
                    if (retry >= 2) {
                      throw new IllegalStateException(e);
                    }
                    conn.close(true);
                    connect();
                  }
                }
              }
              PreparedStatement executeClosingFirst(String sql, boolean reusePrepared) {
                for (int retry = 0; ; retry++) {
                  try {
                    synchronized (conn) {
                      PreparedStatement prep = preparedMap.remove(sql);
                      if (prep == null) {
                        prep = conn.getConnection().prepareStatement(sql);
                        if (fetchSize != 0) {
                          prep.setFetchSize(fetchSize);
                        }
                      }
                      prep.execute();
                      if (reusePrepared) {
                        preparedMap.put(sql, prep);
                        return null;
                      }
                      return prep;
                    }
                  } catch (SQLException e) {
                    conn.close(true);
                    if (retry >= 2) {
                      throw new IllegalStateException(e);
                    }
                    connect();
                  }
                }
              }
              PreparedStatement closesSomethingElse(Connection c, String sql, LinkConnection other) {
                try {
                  // BUG: Diagnostic contains: `prep` is not closed
                  PreparedStatement prep = c.prepareStatement(sql);
                  prep.execute();
                  return prep;
                } catch (SQLException e) {
                  other.close(true);
                  return null;
                }
              }
              PreparedStatement closesNothing(String sql) {
                try {
                  // BUG: Diagnostic contains: `prep` is not closed
                  PreparedStatement prep = conn.getConnection().prepareStatement(sql);
                  prep.execute();
                  return prep;
                } catch (SQLException e) {
                  connect();
                  return null;
                }
              }
              boolean closedWithItsConnection(DataSource ds) throws SQLException {
                try (Connection c = ds.getConnection()) {
                  Statement s = c.createStatement();
                  return s.execute("select 1");
                }
              }
              boolean closedWithAnExistingVariable(Connection c) throws SQLException {
                try (c) {
                  return c.prepareStatement("select 1").execute();
                }
              }
              // Shapes with no receiver to compare: a statement made on an implicit `this`, and an
              // unqualified close(), which closes this connection, not another one.
              abstract static class OwnConnection implements Connection {
                boolean selfStatement() throws SQLException {
                  // BUG: Diagnostic contains: `s` is not closed on any path
                  Statement s = createStatement();
                  return s.execute("select 1");
                }
                boolean closesItselfNotTheOther(Connection other) throws SQLException {
                  // BUG: Diagnostic contains: `s` is not closed on any path
                  Statement s = other.createStatement();
                  boolean any = s.execute("select 1");
                  close();
                  return any;
                }
              }
            }
            """)
        .doTest();
  }

  /**
   * What the finding on hsqldb JDBCDatabaseMetaData advises: a statement whose result set is
   * returned is handed to that result set by {@code closeOnCompletion()}. Without it, or with the
   * result set kept and the statement dropped, it still leaks.
   */
  @Test
  public void statementClosedOnCompletionGoesWithItsResultSet() {
    helper
        .addSourceLines(
            "MetaData.java",
            """
            import java.sql.*;
            class MetaData {
              ResultSet execute(Connection connection, String sql) throws SQLException {
                Statement st = connection.createStatement();
                st.closeOnCompletion();
                return st.executeQuery(sql);
              }
              ResultSet executeWithoutHandOff(Connection connection, String sql) throws SQLException {
                // BUG: Diagnostic contains: let the returned result set close it
                Statement st = connection.createStatement();
                return st.executeQuery(sql);
              }
              boolean handedOffTooLate(Connection connection, String sql) throws SQLException {
                // BUG: Diagnostic contains: `st` is not closed if `st.execute(...)` throws
                Statement st = connection.createStatement();
                boolean any = st.execute(sql);
                st.closeOnCompletion();
                return any;
              }
            }
            """)
        .doTest();
  }

  /**
   * activemq's NIOTransportFactory: a server channel opened, its socket adaptor bound, and the
   * adaptor returned. Closing the adaptor closes the channel, so returning it hands the channel
   * on, and the channel is closed only when binding fails. Calling a method on the adaptor
   * ({@code ch.socket().bind(…)}) does not hand anything on.
   */
  @Test
  public void replacement_channelHandedOnThroughItsSocketAdaptor_closedOnFailure() {
    refactoring
        .addInputLines(
            "Factory.java",
            "import java.io.IOException;",
            "import java.net.InetSocketAddress;",
            "import java.net.ServerSocket;",
            "import java.nio.channels.ServerSocketChannel;",
            "class Factory {",
            "  ServerSocket createServerSocket(int port) throws IOException {",
            "    ServerSocketChannel channel = ServerSocketChannel.open();",
            "    channel.socket().bind(new InetSocketAddress(port));",
            "    return channel.socket();",
            "  }",
            "}")
        .addOutputLines(
            "Factory.java",
            "import java.io.IOException;",
            "import java.net.InetSocketAddress;",
            "import java.net.ServerSocket;",
            "import java.nio.channels.ServerSocketChannel;",
            "class Factory {",
            "  ServerSocket createServerSocket(int port) throws IOException {",
            "    ServerSocketChannel channel = ServerSocketChannel.open();",
            "    try {",
            "      channel.socket().bind(new InetSocketAddress(port));",
            "      return channel.socket();",
            "    } catch (Throwable e) {",
            "      try {",
            "        channel.close();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * undertow's MCMPAdvertiseTask and FileErrorPageHandler: the channel is opened in a {@code try}
   * (again in its {@code catch}, or the {@code catch} leaves) into a variable declared with no
   * value, then configured after that statement. Java's definite assignment makes the variable
   * hold the channel wherever the code after the {@code try} names it, so the close on failure
   * wraps that code.
   */
  @Test
  public void replacement_openedInATryIntoAVariableDeclaredWithoutValue_closedOnFailure() {
    refactoring
        .addInputLines(
            "Advertise.java",
            "import java.io.IOException;",
            "import java.net.StandardSocketOptions;",
            "import java.nio.channels.DatagramChannel;",
            "import java.util.List;",
            "class Advertise {",
            "  static void advertise(int ttl, List<DatagramChannel> open) throws IOException {",
            "    DatagramChannel channel;",
            "    try {",
            "      channel = DatagramChannel.open();",
            "    } catch (IOException e) {",
            "      channel = DatagramChannel.open();",
            "    }",
            "    channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl);",
            "    open.add(channel);",
            "  }",
            "  static void serve(int ttl, List<DatagramChannel> open) {",
            "    final DatagramChannel channel;",
            "    try {",
            "      channel = DatagramChannel.open();",
            "    } catch (IOException e) {",
            "      return;",
            "    }",
            "    try {",
            "      channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl);",
            "    } catch (IOException e) {",
            "      throw new RuntimeException(e);",
            "    }",
            "    open.add(channel);",
            "  }",
            "}")
        .addOutputLines(
            "Advertise.java",
            "import java.io.IOException;",
            "import java.net.StandardSocketOptions;",
            "import java.nio.channels.DatagramChannel;",
            "import java.util.List;",
            "class Advertise {",
            "  static void advertise(int ttl, List<DatagramChannel> open) throws IOException {",
            "    DatagramChannel channel;",
            "    try {",
            "      channel = DatagramChannel.open();",
            "    } catch (IOException e) {",
            "      channel = DatagramChannel.open();",
            "    }",
            "    try {",
            "      channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl);",
            "      open.add(channel);",
            "    } catch (Throwable e2) {",
            "      if (channel != null) {",
            "        try {",
            "          channel.close();",
            "        } catch (Throwable suppressed) {",
            "          e2.addSuppressed(suppressed);",
            "        }",
            "      }",
            "      throw e2;",
            "    }",
            "  }",
            "  static void serve(int ttl, List<DatagramChannel> open) {",
            "    final DatagramChannel channel;",
            "    try {",
            "      channel = DatagramChannel.open();",
            "    } catch (IOException e) {",
            "      return;",
            "    }",
            "    try {",
            "      try {",
            "        channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl);",
            "      } catch (IOException e) {",
            "        throw new RuntimeException(e);",
            "      }",
            "      open.add(channel);",
            "    } catch (Throwable e2) {",
            "      if (channel != null) {",
            "        try {",
            "          channel.close();",
            "        } catch (Throwable suppressed) {",
            "          e2.addSuppressed(suppressed);",
            "        }",
            "      }",
            "      throw e2;",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * h2's ScriptCommand.getLobStream: the statement is prepared, given its parameters and its
   * result set returned. The fix hands it to that result set ({@code closeOnCompletion()}) and
   * closes it if setting a parameter or the query fails; the output is checked again and is clean.
   */
  @Test
  public void replacement_statementWhoseResultSetIsReturned_closedOnCompletion() {
    refactoring
        .addInputLines(
            "Lob.java",
            "import java.sql.*;",
            "class Lob {",
            "  static ResultSet stream(Connection conn, String column, int id) throws SQLException {",
            "    PreparedStatement prep = conn.prepareStatement(\"SELECT \" + column",
            "        + \" FROM LOB WHERE ID=?\");",
            "    prep.setInt(1, id);",
            "    return prep.executeQuery();",
            "  }",
            "  static ResultSet direct(Connection conn, String sql) throws SQLException {",
            "    Statement e = conn.createStatement();",
            "    return (e.executeQuery(sql));",
            "  }",
            "}")
        .addOutputLines(
            "Lob.java",
            "import java.sql.*;",
            "class Lob {",
            "  static ResultSet stream(Connection conn, String column, int id) throws SQLException {",
            "    PreparedStatement prep = conn.prepareStatement(\"SELECT \" + column",
            "        + \" FROM LOB WHERE ID=?\");",
            "    prep.closeOnCompletion();",
            "    try {",
            "      prep.setInt(1, id);",
            "      return prep.executeQuery();",
            "    } catch (Throwable e) {",
            "      try {",
            "        prep.close();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "  }",
            "  static ResultSet direct(Connection conn, String sql) throws SQLException {",
            "    Statement e = conn.createStatement();",
            "    e.closeOnCompletion();",
            "    try {",
            "      return (e.executeQuery(sql));",
            "    } catch (Throwable e2) {",
            "      try {",
            "        e.close();",
            "      } catch (Throwable suppressed) {",
            "        e2.addSuppressed(suppressed);",
            "      }",
            "      throw e2;",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    helper
        .addSourceLines(
            "Lob.java",
            "import java.sql.*;",
            "class Lob {",
            "  static ResultSet stream(Connection conn, int id) throws SQLException {",
            "    PreparedStatement prep = conn.prepareStatement(\"SELECT 1\");",
            "    prep.closeOnCompletion();",
            "    try {",
            "      prep.setInt(1, id);",
            "      return prep.executeQuery();",
            "    } catch (Throwable e) {",
            "      try {",
            "        prep.close();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * h2's RunScript.execute: a loop runs each statement of a script, closes the result set before
   * and keeps the last one, which it returns (or null). {@code closeOnCompletion()} can only come
   * just before the return: earlier, closing the result set before would close the statement with
   * it. With nothing to return, nothing would close the statement, so the fix closes it there; a
   * failure in the loop closes it and rethrows. The output compiles and is clean.
   */
  @Test
  public void replacement_lastResultSetOfALoopReturned_closedOnCompletionAtTheReturn() {
    refactoring
        .addInputLines(
            "Run.java",
            "import java.sql.*;",
            "class Run {",
            "  static ResultSet last(Connection conn, String[] sqls) throws SQLException {",
            "    // the statement cannot be closed: a result set of it is returned",
            "    Statement stat = conn.createStatement();",
            "    ResultSet rs = null;",
            "    int i = 0;",
            "    while (true) {",
            "      if (i >= sqls.length) {",
            "        break;",
            "      }",
            "      String sql = sqls[i++];",
            "      if (sql.isBlank()) {",
            "        continue;",
            "      }",
            "      if (stat.execute(sql)) {",
            "        if (rs != null) {",
            "          rs.close();",
            "          rs = null;",
            "        }",
            "        rs = stat.getResultSet();",
            "      }",
            "    }",
            "    return rs;",
            "  }",
            "}")
        .addOutputLines(
            "Run.java",
            "import java.sql.*;",
            "class Run {",
            "  static ResultSet last(Connection conn, String[] sqls) throws SQLException {",
            "    // the statement cannot be closed: a result set of it is returned",
            "    Statement stat = conn.createStatement();",
            "    ResultSet rs;",
            "    try {",
            "      rs = null;",
            "      int i = 0;",
            "      while (true) {",
            "        if (i >= sqls.length) {",
            "          break;",
            "        }",
            "        String sql = sqls[i++];",
            "        if (sql.isBlank()) {",
            "          continue;",
            "        }",
            "        if (stat.execute(sql)) {",
            "          if (rs != null) {",
            "            rs.close();",
            "            rs = null;",
            "          }",
            "          rs = stat.getResultSet();",
            "        }",
            "      }",
            "    } catch (Throwable e) {",
            "      try {",
            "        stat.close();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "    if (rs == null) {",
            "      stat.close();",
            "    } else {",
            "      stat.closeOnCompletion();",
            "    }",
            "    return rs;",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    helper
        .addSourceLines(
            "Run.java",
            "import java.sql.*;",
            "class Run {",
            "  static ResultSet last(Connection conn, String[] sqls) throws SQLException {",
            "    Statement stat = conn.createStatement();",
            "    ResultSet rs;",
            "    try {",
            "      rs = null;",
            "      for (String sql : sqls) {",
            "        if (stat.execute(sql)) {",
            "          if (rs != null) {",
            "            rs.close();",
            "          }",
            "          rs = stat.getResultSet();",
            "        }",
            "      }",
            "    } catch (Throwable e) {",
            "      try {",
            "        stat.close();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "    if (rs == null) {",
            "      stat.close();",
            "    } else {",
            "      stat.closeOnCompletion();",
            "    }",
            "    return rs;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Where the returned result set is not the one the statement made last, or the statement is
   * used another way before, {@code closeOnCompletion()} could close it too early or too late: the
   * local returned may hold another statement's result set, or be kept by other code; a helper may
   * keep the statement; a {@code return} or a {@code break} out of the code before the return
   * leaves it open. No fix, and the reason stays.
   */
  @Test
  public void identification_resultSetReturnedFromOtherShapes_noFix() {
    helper
        .addSourceLines(
            "Run.java",
            "import java.sql.*;",
            "import java.util.List;",
            "class Run {",
            "  interface Audit { void record(Statement st); }",
            "  static ResultSet otherStatements(Connection conn, Statement other, String[] sqls)",
            "      throws SQLException {",
            "    // BUG: Diagnostic contains: the method returns a result set of this statement",
            "    Statement stat = conn.createStatement();",
            "    ResultSet rs = null;",
            "    for (String sql : sqls) {",
            "      if (stat.execute(sql)) {",
            "        rs = stat.getResultSet();",
            "      } else {",
            "        rs = other.getResultSet();",
            "      }",
            "    }",
            "    return rs;",
            "  }",
            "  static ResultSet keptToo(Connection conn, String[] sqls, List<ResultSet> all)",
            "      throws SQLException {",
            "    // BUG: Diagnostic contains: the method returns a result set of this statement",
            "    Statement stat = conn.createStatement();",
            "    ResultSet rs = null;",
            "    for (String sql : sqls) {",
            "      if (stat.execute(sql)) {",
            "        rs = stat.getResultSet();",
            "        all.add(rs);",
            "      }",
            "    }",
            "    return rs;",
            "  }",
            "  static ResultSet leavesTheLoop(Connection conn, String[] sqls) throws SQLException {",
            "    // BUG: Diagnostic contains: the method returns a result set of this statement",
            "    Statement stat = conn.createStatement();",
            "    ResultSet rs = null;",
            "    for (String sql : sqls) {",
            "      if (sql.isEmpty()) {",
            "        return null;",
            "      }",
            "      if (stat.execute(sql)) {",
            "        rs = stat.getResultSet();",
            "      }",
            "    }",
            "    return rs;",
            "  }",
            "  static ResultSet breaksOut(Connection conn, String[] sqls, boolean skip)",
            "      throws SQLException {",
            "    ResultSet rs = null;",
            "    outer:",
            "    {",
            "      // BUG: Diagnostic contains: the method returns a result set of this statement",
            "      Statement stat = conn.createStatement();",
            "      for (String sql : sqls) {",
            "        if (skip) {",
            "          break outer;",
            "        }",
            "        rs = stat.executeQuery(sql);",
            "      }",
            "      return rs;",
            "    }",
            "    return rs;",
            "  }",
            "  static ResultSet audited(Connection conn, Audit audit) throws SQLException {",
            "    // BUG: Diagnostic contains: the method returns a result set of this statement",
            "    Statement stat = conn.createStatement();",
            "    audit.record(stat);",
            "    return stat.executeQuery(\"x\");",
            "  }",
            "  static ResultSet early(Connection conn, boolean skip) throws SQLException {",
            "    // BUG: Diagnostic contains: the method returns a result set of this statement",
            "    PreparedStatement prep = conn.prepareStatement(\"x\");",
            "    if (skip) {",
            "      return null;",
            "    }",
            "    return prep.executeQuery();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * hsqldb JDBCDatabaseMetaData.execute(): the driver marks the result set it returns to close its
   * statement ({@code ((JDBCResultSet) r).autoClose = true}), its own form of {@code
   * closeOnCompletion()}. Another flag, or the flag cleared, leaves the statement leaking.
   */
  @Test
  public void hsqldbMetaData_resultSetMarkedToCloseItsStatement() {
    helper
        .addSourceLines(
            "DriverResultSet.java",
            """
            abstract class DriverResultSet implements java.sql.ResultSet {
              boolean autoClose;
              boolean fetched;
            }
            """)
        .addSourceLines(
            "MetaData.java",
            """
            import java.sql.*;
            class MetaData {
              private Connection connection;
              ResultSet execute(String sql) throws SQLException {
                Statement st = connection.createStatement();
                ResultSet r = st.executeQuery(sql);
                ((DriverResultSet) r).autoClose = true;
                return r;
              }
              ResultSet otherFlag(String sql) throws SQLException {
                // BUG: Diagnostic contains: `st` is not closed on any path
                Statement st = connection.createStatement();
                ResultSet r = st.executeQuery(sql);
                ((DriverResultSet) r).fetched = true;
                return r;
              }
              ResultSet flagCleared(String sql) throws SQLException {
                // BUG: Diagnostic contains: `st` is not closed on any path
                Statement st = connection.createStatement();
                ResultSet r = st.executeQuery(sql);
                ((DriverResultSet) r).autoClose = false;
                return r;
              }
            }
            """)
        .doTest();
  }
  /**
   * dbunit XmlProducer.resolveEntity: {@code return new InputSource(in)} hands the stream on with
   * the holder that keeps it; the SAX parser that asked for it reads and closes it. Not reported.
   * Beside it: the same holder handed to a parser that only borrows it, and the stream never
   * closed, is reported; and an object that reads the stream in its constructor and keeps none
   * of it (FullXmlDataFileLoader's data set) takes nothing with it when returned: no fix, and the
   * message names the object it is returned in.
   */
  @Test
  public void identification_returnedInsideAHolderThatKeepsIt_handsItOn() {
    helper
        .addSourceLines(
            "Cached.java",
            "import java.io.*;",
            "class Cached {",
            "  private final byte[] data;",
            "  Cached(InputStream in) throws IOException {",
            "    data = in.readAllBytes();",
            "  }",
            "}")
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.URL;",
            "import org.xml.sax.InputSource;",
            "class Test {",
            "  InputSource resolveEntity(String publicId, String systemId) {",
            "    InputStream in = getClass().getClassLoader().getResourceAsStream(\"dataset.dtd\");",
            "    return (new InputSource(in));",
            "  }",
            "  InputSource kept;",
            "  void keep(File f) throws IOException {",
            "    kept = new InputSource(new FileInputStream(f));",
            "  }",
            "  void parsed(File f, javax.xml.parsers.SAXParser parser) throws Exception {",
            "    // BUG: Diagnostic contains: `in` is not closed",
            "    InputStream in = new FileInputStream(f);",
            "    InputSource source = new InputSource(in);",
            "    parser.parse(source, new org.xml.sax.helpers.DefaultHandler());",
            "  }",
            "  Object load(URL url) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix: it is returned inside `new"
                + " Cached(...)`, which may still read it",
            "    InputStream in = url.openStream();",
            "    Object ds = new Cached(in);",
            "    return ds;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A resource declared together with another variable ({@code T a = open(), b = null;}): a try
   * header declares one resource per declaration, and the rewrite used to drop the other
   * variable's declaration. No fix, and the finding says why.
   */
  @Test
  public void identification_declaredTogetherWithAnotherVariable_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  int read(File f) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is declared together with other variables",
            "    InputStream in = new FileInputStream(f), other = null;",
            "    return in.read() + (other == null ? 0 : 1);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * commons-net FTPSClient: a socket configured after it is accepted, then returned by a
   * conditional that may choose another value. The leak is that normal return, which closing on
   * failure does not reach: no fix, where one was offered on every fix pass.
   */
  @Test
  public void identification_returnedByAConditionalOnSomePaths_noCloseOnFailureFix() {
    helper
        .addSourceLines(
            "Data.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Data {",
            "  Proxy proxy;",
            "  Socket open(javax.net.ServerSocketFactory factory, boolean active) throws IOException {",
            "    final Socket socket;",
            "    Socket sslSocket = null;",
            "    if (active) {",
            "      try (ServerSocket server = factory.createServerSocket(0)) {",
            "        // BUG: Diagnostic contains: chooses it on some paths only); no automatic fix",
            "        socket = server.accept();",
            "        socket.setSoTimeout(10);",
            "      }",
            "    } else {",
            "      // BUG: Diagnostic contains: chooses it on some paths only); no automatic fix",
            "      socket = new Socket();",
            "      socket.connect(new InetSocketAddress(\"localhost\", 21));",
            "    }",
            "    if (!socket.isConnected()) {",
            "      socket.close();",
            "      throw new IOException(\"not connected\");",
            "    }",
            "    return proxy != null ? sslSocket : socket;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_conditionalChoosesAnOpenResourceOnSomePathsOnly() {
    // The Checker Framework's TernaryExpressions and SwitchExpressions: closing or handing on
    // what a conditional chose leaves the resource it did not choose open.
    helper
        .addSourceLines(
            "Choose.java",
            "import java.io.*;",
            "class Choose {",
            "  static void own(InputStream in) throws IOException { in.close(); }",
            "  static InputStream open(File f) throws IOException { return new FileInputStream(f); }",
            "  void closesTheChosenOne(boolean b, File f) throws IOException {",
            "    // BUG: Diagnostic contains: `x` is not closed on a path that leaves the method without"
                + " releasing it (`b ? … : …` chooses it on some paths only)",
            "    InputStream x = new FileInputStream(f);",
            "    InputStream chosen = b ? open(f) : x;",
            "    chosen.close();",
            "  }",
            "  void handsOnTheChosenOne(boolean b, File f) throws IOException {",
            "    // BUG: Diagnostic contains: `x` is not closed on a path",
            "    InputStream x = new FileInputStream(f);",
            "    own(b ? x : null);",
            "  }",
            "  void switchChoosesIt(int mode, File f) throws IOException {",
            "    // BUG: Diagnostic contains: (`switch (mode)` chooses it on some paths only)",
            "    InputStream x = new FileInputStream(f);",
            "    InputStream chosen = switch (mode) {",
            "      case 3 -> open(f);",
            "      default -> x;",
            "    };",
            "    chosen.close();",
            "  }",
            "  void sameOnBothArms(boolean b, File f) throws IOException {",
            "    InputStream y = new FileInputStream(f);",
            "    InputStream chosen = b ? y : y;",
            "    chosen.close();",
            "  }",
            "  void eachArmMakesItsOwn(boolean b, File f) throws IOException {",
            "    InputStream chosen = b ? open(f) : new FileInputStream(f);",
            "    chosen.close();",
            "  }",
            "  void theOtherIsClosedToo(boolean b, File f, File g) throws IOException {",
            "    InputStream x = new FileInputStream(f);",
            "    try {",
            "      InputStream chosen = b ? open(g) : x;",
            "      try {",
            "        chosen.read();",
            "      } finally {",
            "        chosen.close();",
            "      }",
            "    } finally {",
            "      x.close();",
            "    }",
            "  }",
            "  void handedOnEitherWay(boolean b, File f) throws IOException {",
            "    InputStream x = new FileInputStream(f);",
            "    own(b ? x : new BufferedInputStream(x));",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_openedInTheArgumentsOfSuperOrThis() {
    // commons-io ChecksumInputStream, commons-compress SevenZFile: no statement can precede the
    // delegation, so the message says why there is no fix, and what to do instead.
    helper
        .addSourceLines(
            "Checked.java",
            "import java.io.*;",
            "import java.util.Objects;",
            "class Checked extends FilterInputStream {",
            "  Checked(File f, Object checksum) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix: it is opened in the arguments of"
                + " `super(...)`, which must come first in the constructor",
            "    super(wrap(new FileInputStream(f), Objects.requireNonNull(checksum)));",
            "  }",
            "  Checked(String name, Object checksum) throws IOException {",
            "    // BUG: Diagnostic contains: it is opened in the arguments of `this(...)`",
            "    this(new FileInputStream(name), Objects.requireNonNull(checksum), 0);",
            "  }",
            "  Checked(InputStream in, Object checksum, int unused) {",
            "    super(in);",
            "  }",
            "  static InputStream wrap(InputStream in, Object checksum) {",
            "    return new BufferedInputStream(in);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_holderThatDelegatesToAnotherConstructor() {
    // A holder whose constructor hands the resource to this(…), which keeps it in a private field
    // nothing closes, holds it the same way. A superclass's constructor still owns it.
    helper
        .addSourceLines(
            "Holders.java",
            "import java.io.*;",
            "import java.nio.charset.*;",
            "class Tokenizer {",
            "  private final Reader in;",
            "  private final Charset cs;",
            "  Tokenizer(Reader in) {",
            "    this(in, StandardCharsets.UTF_8);",
            "  }",
            "  Tokenizer(Reader in, Charset cs) {",
            "    this.in = in;",
            "    this.cs = cs;",
            "  }",
            "  int next() throws IOException { return in.read(); }",
            "}",
            "class Base {",
            "  private final InputStream data;",
            "  Base(InputStream data) { this.data = data; }",
            "  int read() throws IOException { return data.read(); }",
            "}",
            "class Derived extends Base {",
            "  Derived(InputStream data) { super(data); }",
            "}",
            "class Closing implements Closeable {",
            "  private final InputStream data;",
            "  Closing(InputStream data) { this(data, 0); }",
            "  Closing(InputStream data, int skip) { this.data = data; }",
            "  public void close() throws IOException { data.close(); }",
            "}",
            "class Use {",
            "  int delegatesToThis(File f) throws IOException {",
            "    // BUG: Diagnostic contains: (`new Tokenizer(...)` keeps it, but no code of `Tokenizer`"
                + " closes it)",
            "    Tokenizer t = new Tokenizer(new FileReader(f));",
            "    return t.next();",
            "  }",
            "  int delegatesToSuper(File f) throws IOException {",
            "    Derived d = new Derived(new FileInputStream(f));",
            "    return d.read();",
            "  }",
            "  int closedHere(File f) throws IOException {",
            "    try (Reader r = new FileReader(f)) {",
            "      return new Tokenizer(r).next();",
            "    }",
            "  }",
            "  Closing ownedByACloseable(File f) throws IOException {",
            "    return new Closing(new FileInputStream(f));",
            "  }",
            "}")
        .doTest();
  }

  /**
   * zookeeper {@code NIOServerCnxnFactory.doAccept} once its close-on-failure fix is applied: the
   * {@code catch (IOException e)} counts a metric and logs before {@code fastClose(sc)}. An
   * unchecked failure of that clean-up is a double fault, as in a {@code finally}, and no leak
   * path; it used to come back as a second finding ("when the method throws at line …") after the
   * first fix. A checked failure there still counts, and so does a stream the clause opens itself.
   */
  @Test
  public void uncheckedFailureOfCleanUpInACatchIsADoubleFault() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.nio.channels.*;",
            "import java.util.Queue;",
            "import java.util.concurrent.LinkedBlockingQueue;",
            "class Test {",
            "  ServerSocketChannel acceptSocket;",
            "  final Queue<SocketChannel> accepted = new LinkedBlockingQueue<>();",
            "  int rejected;",
            "  boolean limitReached() { return accepted.size() > 10; }",
            "  void count() { rejected++; }",
            "  void rateLimitLog(String message) { System.err.println(message); }",
            "  void audit(String message) throws IOException {}",
            "  void checkReadable(File f) {",
            "    if (!f.canRead()) throw new IllegalStateException(f + \" is not readable\");",
            "  }",
            "  void fastClose(SocketChannel sc) {",
            "    try { if (sc != null) sc.close(); } catch (IOException e) {}",
            "  }",
            "  boolean doAccept() {",
            "    SocketChannel sc = null;",
            "    try {",
            "      sc = acceptSocket.accept();",
            "      try {",
            "        if (limitReached()) {",
            "          throw new IOException(\"too many connections\");",
            "        }",
            "        sc.configureBlocking(false);",
            "        if (!accepted.offer(sc)) {",
            "          throw new IOException(\"queue full\");",
            "        }",
            "      } catch (RuntimeException | Error e2) {",
            "        try { sc.close(); } catch (Throwable suppressed) { e2.addSuppressed(suppressed); }",
            "        throw e2;",
            "      }",
            "      return true;",
            "    } catch (IOException e) {",
            "      count();",
            "      rateLimitLog(\"Error accepting new connection: \" + e.getMessage());",
            "      fastClose(sc);",
            "      return false;",
            "    }",
            "  }",
            "  boolean checkedCleanUpFails() {",
            "    SocketChannel sc = null;",
            "    try {",
            "      // BUG: Diagnostic contains: `sc` is not closed when the method returns at line",
            "      sc = acceptSocket.accept();",
            "      sc.configureBlocking(false);",
            "      accepted.add(sc);",
            "      return true;",
            "    } catch (IOException e) {",
            "      try {",
            "        audit(\"rejected\");",
            "        fastClose(sc);",
            "      } catch (IOException auditFailed) {",
            "      }",
            "      return false;",
            "    }",
            "  }",
            "  String fallback(File primary, File secondary) throws IOException {",
            "    try (InputStream in = new FileInputStream(primary)) {",
            "      return new String(in.readAllBytes());",
            "    } catch (FileNotFoundException e) {",
            "      // BUG: Diagnostic contains: `in` is not closed if `checkReadable(...)` throws",
            "      InputStream in = new FileInputStream(secondary);",
            "      checkReadable(secondary);",
            "      try {",
            "        return new String(in.readAllBytes());",
            "      } finally {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * jetty {@code ManagedSelector.handleSelectFailure}: a new selector is opened, the old one's keys
   * are moved to it, the old one is closed with a library's quiet closer, and the new one is
   * stored. {@code old.keys()} fails only for a closed selector, which code handed one to work
   * with does not see; a library's static {@code closeQuietly}/{@code close} that declares
   * nothing swallows the close's failure. Neither is a leak path. A call that declares its
   * failure ({@code old.selectNow()}, Guava's {@code Closeables.close(c, swallow)}) still is.
   */
  @Test
  public void selectorKeysAndQuietLibraryClosersDoNotFail() {
    helper
        .addSourceLines(
            "Test.java",
            "import com.google.common.io.Closeables;",
            "import java.io.*;",
            "import java.nio.channels.*;",
            "class Test {",
            "  private Selector selector;",
            "  void recover(Selector old, InputStream log) throws IOException {",
            "    Selector fresh = Selector.open();",
            "    for (SelectionKey oldKey : old.keys()) {",
            "      SelectableChannel channel = oldKey.channel();",
            "      try {",
            "        channel.register(fresh, oldKey.interestOps(), oldKey.attachment());",
            "        oldKey.cancel();",
            "      } catch (Throwable t) {",
            "        Closeables.closeQuietly(log);",
            "      }",
            "    }",
            "    Closeables.closeQuietly(log);",
            "    selector = fresh;",
            "  }",
            "  void recoverAfterSelecting(Selector old) throws IOException {",
            "    // BUG: Diagnostic contains: `fresh` is not closed if `old.selectNow()` throws",
            "    Selector fresh = Selector.open();",
            "    old.selectNow();",
            "    selector = fresh;",
            "  }",
            "  void recoverClosingLoudly(Selector old, InputStream log) throws IOException {",
            "    // BUG: Diagnostic contains: `fresh` is not closed if `Closeables.close(...)` throws",
            "    Selector fresh = Selector.open();",
            "    Closeables.close(log, false);",
            "    selector = fresh;",
            "  }",
            "}")
        .doTest();
  }
}
