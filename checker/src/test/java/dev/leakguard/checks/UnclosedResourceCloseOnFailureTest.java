package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The fix for a resource kept once the code that prepares it succeeds (returned, stored, handed on,
 * or left in a variable declared elsewhere) and leaked when that code throws: close it on failure,
 * in a {@code catch (Throwable)} that rethrows. Each replacement's output is compiled (so the
 * precise rethrow must keep the method's {@code throws} clause valid) and checked again, silent.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceCloseOnFailureTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  private void assertFix(String[] input, String[] output) {
    refactoring.addInputLines("Test.java", input).addOutputLines("Test.java", output).doTest();
    helper.addSourceLines("Test.java", output).doTest();
  }

  // ---- identification -------------------------------------------------------------------------

  @Test
  public void identification_returnedAfterConfiguring_saysWhatTheFixDoes() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "class Test {",
            "  Socket connect(SocketAddress address, int timeout) throws IOException {",
            "    // BUG: Diagnostic contains: if `sock.setSoTimeout(...)` throws; close it if the"
                + " code that prepares it throws",
            "    Socket sock = new Socket();",
            "    sock.setSoTimeout(timeout);",
            "    sock.connect(address);",
            "    return sock;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * zookeeper ObserverMaster.run: the accepted socket is configured, then handed to a handler
   * thread; when configuring throws, the {@code catch} swallows it and the loop goes on. The
   * finding names the call that lost it, not the loop's next {@code accept()}, and the socket is
   * closed when that code fails.
   */
  @Test
  public void identification_acceptLoop_namesTheCallThatLostIt() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Test {",
            "  volatile boolean running = true;",
            "  void run(ServerSocket ss) {",
            "    while (running) {",
            "      try {",
            "        // BUG: Diagnostic contains: `s` is not closed when `s.setSoTimeout(...)` throws",
            "        Socket s = ss.accept();",
            "        s.setSoTimeout(1000);",
            "        Handler h = new Handler(s, new BufferedInputStream(s.getInputStream()));",
            "        h.start();",
            "      } catch (Exception e) {",
            "        System.err.println(\"ignored: \" + e);",
            "      }",
            "    }",
            "  }",
            "  static class Handler extends Thread {",
            "    final Socket socket;",
            "    final InputStream in;",
            "    Handler(Socket socket, InputStream in) {",
            "      this.socket = socket;",
            "      this.in = in;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The same loop on a plain (not volatile) flag, as in zookeeper: a flag that ends a loop is
   * changed while the loop runs, so the socket accepted while it was true is not taken to be
   * released when the loop sees it false.
   */
  @Test
  public void identification_acceptLoopOnAPlainFlag_stillReported() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Test {",
            "  private boolean listenerRunning = true;",
            "  synchronized void stop() {",
            "    listenerRunning = false;",
            "  }",
            "  void run(ServerSocket ss) {",
            "    while (listenerRunning) {",
            "      try {",
            "        // BUG: Diagnostic contains: `s` is not closed when `s.setSoTimeout(...)` throws",
            "        Socket s = ss.accept();",
            "        s.setSoTimeout(1000);",
            "        new Thread(new Handler(s)).start();",
            "      } catch (Exception e) {",
            "        if (listenerRunning) {",
            "          System.err.println(\"ignored: \" + e);",
            "        }",
            "      }",
            "    }",
            "  }",
            "  static class Handler implements Runnable {",
            "    final Socket socket;",
            "    Handler(Socket socket) {",
            "      this.socket = socket;",
            "    }",
            "    @Override",
            "    public void run() {}",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void replacement_acceptLoop_closedWhenConfiguringFails() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.net.*;",
          "class Test {",
          "  volatile boolean running = true;",
          "  void run(ServerSocket ss) {",
          "    while (running) {",
          "      try {",
          "        Socket s = ss.accept();",
          "        s.setSoTimeout(1000);",
          "        Handler h = new Handler(s);",
          "        h.start();",
          "      } catch (Exception e) {",
          "        System.err.println(\"ignored: \" + e);",
          "      }",
          "    }",
          "  }",
          "  static class Handler extends Thread {",
          "    final Socket socket;",
          "    Handler(Socket socket) {",
          "      this.socket = socket;",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.net.*;",
          "class Test {",
          "  volatile boolean running = true;",
          "  void run(ServerSocket ss) {",
          "    while (running) {",
          "      try {",
          "        Socket s = ss.accept();",
          "        Handler h;",
          "        try {",
          "          s.setSoTimeout(1000);",
          "          h = new Handler(s);",
          "        } catch (Throwable e2) {",
          "          try {",
          "            s.close();",
          "          } catch (Throwable suppressed) {",
          "            e2.addSuppressed(suppressed);",
          "          }",
          "          throw e2;",
          "        }",
          "        h.start();",
          "      } catch (Exception e) {",
          "        System.err.println(\"ignored: \" + e);",
          "      }",
          "    }",
          "  }",
          "  static class Handler extends Thread {",
          "    final Socket socket;",
          "    Handler(Socket socket) {",
          "      this.socket = socket;",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * spring-jdbc CallableStatementCreatorFactory: the statement is configured through an interface
   * method, {@code value.setTypeValue(cs, index, type, name)}, whose body is not in the
   * compilation. Its name says it sets something, but the statement is its first argument of
   * several: the object configured, lent to the call, not the value kept. The statement stays the
   * method's own until it is returned, so it is closed on failure.
   */
  @Test
  public void replacement_configuredByASetterThatTakesItFirst_closedOnFailure() {
    assertFix(
        new String[] {
          "import java.sql.*;",
          "import java.util.*;",
          "class Test {",
          "  interface TypeValue {",
          "    void setTypeValue(PreparedStatement ps, int index, int type, String name)",
          "        throws SQLException;",
          "  }",
          "  CallableStatement create(Connection con, List<TypeValue> values)",
          "      throws SQLException {",
          "    CallableStatement cs = con.prepareCall(\"{call p}\");",
          "    int index = 1;",
          "    for (TypeValue value : values) {",
          "      value.setTypeValue(cs, index++, Types.OTHER, \"t\");",
          "    }",
          "    return cs;",
          "  }",
          "}",
        },
        new String[] {
          "import java.sql.*;",
          "import java.util.*;",
          "class Test {",
          "  interface TypeValue {",
          "    void setTypeValue(PreparedStatement ps, int index, int type, String name)",
          "        throws SQLException;",
          "  }",
          "  CallableStatement create(Connection con, List<TypeValue> values)",
          "      throws SQLException {",
          "    CallableStatement cs = con.prepareCall(\"{call p}\");",
          "    try {",
          "      int index = 1;",
          "      for (TypeValue value : values) {",
          "        value.setTypeValue(cs, index++, Types.OTHER, \"t\");",
          "      }",
          "      return cs;",
          "    } catch (Throwable e) {",
          "      try {",
          "        cs.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * zookeeper FourLetterWordMain: the SSL socket is handed to {@code sock}, declared outside the
   * nested try and read after it. A try-with-resources around {@code sslSock} (what the fix used
   * to offer) would close it before that read; the socket is closed only when the handshake fails.
   */
  @Test
  public void replacement_handedToALocalDeclaredOutsideTheBlock_closedOnFailureNotScoped() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.net.*;",
          "import javax.net.ssl.*;",
          "class Test {",
          "  String send(SSLSocketFactory factory, InetSocketAddress address) throws IOException {",
          "    Socket sock = null;",
          "    try {",
          "      {",
          "        SSLSocket sslSock = (SSLSocket) factory.createSocket();",
          "        sslSock.connect(address, 100);",
          "        sslSock.startHandshake();",
          "        sock = sslSock;",
          "      }",
          "      return String.valueOf(sock.getInputStream().read());",
          "    } finally {",
          "      if (sock != null) {",
          "        sock.close();",
          "      }",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.net.*;",
          "import javax.net.ssl.*;",
          "class Test {",
          "  String send(SSLSocketFactory factory, InetSocketAddress address) throws IOException {",
          "    Socket sock = null;",
          "    try {",
          "      {",
          "        SSLSocket sslSock = (SSLSocket) factory.createSocket();",
          "        try {",
          "          sslSock.connect(address, 100);",
          "          sslSock.startHandshake();",
          "          sock = sslSock;",
          "        } catch (Throwable e) {",
          "          try {",
          "            sslSock.close();",
          "          } catch (Throwable suppressed) {",
          "            e.addSuppressed(suppressed);",
          "          }",
          "          throw e;",
          "        }",
          "      }",
          "      return String.valueOf(sock.getInputStream().read());",
          "    } finally {",
          "      if (sock != null) {",
          "        sock.close();",
          "      }",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * hsqldb ScriptWriterBase.openFile: stored in a field, then wrapped and stored again. The field
   * owns it from the first store, so the close on failure covers the code up to there only.
   */
  @Test
  public void replacement_storedInAFieldThenWrapped_coveredUpToTheFirstStore() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  interface FileAccess {",
          "    OutputStream openAppend(String name) throws IOException;",
          "    Object getFileSync(OutputStream os) throws IOException;",
          "  }",
          "  FileAccess fileAccess;",
          "  Object outDescriptor;",
          "  OutputStream fileStreamOut;",
          "  void openFile(String outFile) {",
          "    try {",
          "      OutputStream fos = fileAccess.openAppend(outFile);",
          "      outDescriptor = fileAccess.getFileSync(fos);",
          "      fileStreamOut = fos;",
          "      fileStreamOut = new BufferedOutputStream(fos, 1 << 14);",
          "    } catch (IOException e) {",
          "      throw new UncheckedIOException(e);",
          "    }",
          "  }",
          "  void close() throws IOException {",
          "    fileStreamOut.close();",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  interface FileAccess {",
          "    OutputStream openAppend(String name) throws IOException;",
          "    Object getFileSync(OutputStream os) throws IOException;",
          "  }",
          "  FileAccess fileAccess;",
          "  Object outDescriptor;",
          "  OutputStream fileStreamOut;",
          "  void openFile(String outFile) {",
          "    try {",
          "      OutputStream fos = fileAccess.openAppend(outFile);",
          "      try {",
          "        outDescriptor = fileAccess.getFileSync(fos);",
          "        fileStreamOut = fos;",
          "      } catch (Throwable e2) {",
          "        try {",
          "          fos.close();",
          "        } catch (Throwable suppressed) {",
          "          e2.addSuppressed(suppressed);",
          "        }",
          "        throw e2;",
          "      }",
          "      fileStreamOut = new BufferedOutputStream(fos, 1 << 14);",
          "    } catch (IOException e) {",
          "      throw new UncheckedIOException(e);",
          "    }",
          "  }",
          "  void close() throws IOException {",
          "    fileStreamOut.close();",
          "  }",
          "}",
        });
  }

  /**
   * h2 NetUtils.createSocket: a failed connect is caught and retried, and the next pass overwrites
   * the open socket. Closing it on failure is the fix; a pass that ends without handing it on (the
   * second method) leaks on a normal path, which closing on failure would not cure: no fix there.
   */
  @Test
  public void replacement_lostOnTheRetryLoopsNextPass_closedOnFailure() {
    String[] unchanged = {
      "  Socket skipping(InetAddress address, int port) throws IOException {",
      "    for (int i = 0; ; i++) {",
      "      try {",
      "        // BUG: Diagnostic contains: no automatic fix",
      "        Socket socket = new Socket();",
      "        socket.connect(new InetSocketAddress(address, port), 1000);",
      "        if (socket.getInputStream().read() > 0) {",
      "          return socket;",
      "        }",
      "      } catch (IOException e) {",
      "        if (i >= 3) {",
      "          throw e;",
      "        }",
      "      }",
      "    }",
      "  }",
    };
    String[] header = {"import java.io.IOException;", "import java.net.*;", "class Test {"};
    String[] input = {
      "  Socket createSocket(InetAddress address, int port, int timeout) throws IOException {",
      "    for (int i = 0; ; i++) {",
      "      try {",
      "        Socket socket = new Socket();",
      "        socket.setSoTimeout(timeout);",
      "        socket.connect(new InetSocketAddress(address, port), 1000);",
      "        return socket;",
      "      } catch (IOException e) {",
      "        if (i >= 3) {",
      "          throw e;",
      "        }",
      "      }",
      "    }",
      "  }",
    };
    String[] output = {
      "  Socket createSocket(InetAddress address, int port, int timeout) throws IOException {",
      "    for (int i = 0; ; i++) {",
      "      try {",
      "        Socket socket = new Socket();",
      "        try {",
      "          socket.setSoTimeout(timeout);",
      "          socket.connect(new InetSocketAddress(address, port), 1000);",
      "          return socket;",
      "        } catch (Throwable e2) {",
      "          try {",
      "            socket.close();",
      "          } catch (Throwable suppressed) {",
      "            e2.addSuppressed(suppressed);",
      "          }",
      "          throw e2;",
      "        }",
      "      } catch (IOException e) {",
      "        if (i >= 3) {",
      "          throw e;",
      "        }",
      "      }",
      "    }",
      "  }",
    };
    helper
        .addSourceLines(
            "Test.java",
            concat(
                header,
                new String[] {
                  "  Socket createSocket(InetAddress address, int port, int timeout) throws IOException {",
                  "    for (int i = 0; ; i++) {",
                  "      try {",
                  "        // BUG: Diagnostic contains: (the loop's next iteration) while it is open;"
                      + " close it if the code that prepares it throws",
                  "        Socket socket = new Socket();",
                  "        socket.setSoTimeout(timeout);",
                  "        socket.connect(new InetSocketAddress(address, port), 1000);",
                  "        return socket;",
                  "      } catch (IOException e) {",
                  "        if (i >= 3) {",
                  "          throw e;",
                  "        }",
                  "      }",
                  "    }",
                  "  }",
                },
                unchanged,
                new String[] {"}"}))
        .doTest();
    refactoring
        .addInputLines("Test.java", concat(header, input, new String[] {"}"}))
        .addOutputLines("Test.java", concat(header, output, new String[] {"}"}))
        .doTest();
    CompilationTestHelper.newInstance(UnclosedResource.class, getClass())
        .addSourceLines("Test.java", concat(header, output, new String[] {"}"}))
        .doTest();
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }

  /**
   * A {@code return} that leaves before the hand-off would leave it open: no fix, and why. (Not an
   * unconnected {@code new Socket()}: returning that before any use leaves no OS socket open.)
   */
  @Test
  public void identification_earlyReturnBeforeTheHandOff_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "class Test {",
            "  Socket connect(SocketAddress address, int timeout) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix",
            "    Socket sock = new Socket(\"localhost\", 80);",
            "    if (timeout < 0) {",
            "      return null;",
            "    }",
            "    sock.connect(address);",
            "    return sock;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The variable is given another value before the hand-off: a {@code catch} closing {@code sock}
   * would close that value, not the socket that leaked. No fix.
   */
  @Test
  public void identification_reassignedBeforeTheHandOff_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "class Test {",
            "  Socket fallback;",
            "  Socket connect(SocketAddress address, boolean useFallback) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix",
            "    Socket sock = new Socket();",
            "    sock.setKeepAlive(true);",
            "    sock.connect(address);",
            "    if (useFallback) {",
            "      sock.close();",
            "      sock = fallback;",
            "    }",
            "    return sock;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The variable is given what a method returns for it: that the result still holds the file is
   * not known (only a constructor given the variable is read as wrapping it in place). No fix.
   */
  @Test
  public void identification_reassignedToWhatAMethodReturnsForIt_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  Writer output;",
            "  static OutputStream wrap(OutputStream o) {",
            "    return new BufferedOutputStream(o);",
            "  }",
            "  void open(String name, String charset) throws IOException {",
            "    // BUG: Diagnostic contains: `out` is reassigned before it is handed on",
            "    OutputStream out = new FileOutputStream(name);",
            "    out = wrap(out);",
            "    output = new OutputStreamWriter(out, charset);",
            "  }",
            "}")
        .doTest();
  }

  // ---- replacement ----------------------------------------------------------------------------

  @Test
  public void replacement_returnedAfterConfiguring_checkedExceptionsStayDeclared() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  Socket connect(SocketAddress address, int timeout) throws IOException {",
          "    Socket sock = new Socket();",
          "    sock.setSoTimeout(timeout);",
          "    sock.connect(address);",
          "    return sock;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  Socket connect(SocketAddress address, int timeout) throws IOException {",
          "    Socket sock = new Socket();",
          "    try {",
          "      sock.setSoTimeout(timeout);",
          "      sock.connect(address);",
          "      return sock;",
          "    } catch (Throwable e) {",
          "      try {",
          "        sock.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /** zookeeper QuorumCnxManager.createNewServerSocket: each branch opens a socket into the variable, then it is configured and returned; the findings at both openings carry the same fix. */
  @Test
  public void replacement_openedOneOfTwoWaysIntoAVariableDeclaredBefore_zookeeperQuorumCnxManager() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  ServerSocket create(boolean reuse, InetSocketAddress address) throws IOException {",
          "    ServerSocket socket;",
          "    if (reuse) {",
          "      socket = new ServerSocket();",
          "    } else {",
          "      socket = new ServerSocket(0);",
          "    }",
          "    socket.setReuseAddress(true);",
          "    socket.bind(address);",
          "    return socket;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  ServerSocket create(boolean reuse, InetSocketAddress address) throws IOException {",
          "    ServerSocket socket;",
          "    if (reuse) {",
          "      socket = new ServerSocket();",
          "    } else {",
          "      socket = new ServerSocket(0);",
          "    }",
          "    try {",
          "      socket.setReuseAddress(true);",
          "      socket.bind(address);",
          "      return socket;",
          "    } catch (Throwable e) {",
          "      try {",
          "        socket.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /** zookeeper ClientCnxnSocketNIO.createSock: declared on one line, opened on the next, configured, returned. */
  @Test
  public void replacement_declarationSplitFromTheOpening_zookeeperClientCnxnSocketNIO() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.nio.channels.SocketChannel;",
          "class Test {",
          "  SocketChannel createSock() throws IOException {",
          "    SocketChannel sock;",
          "    sock = SocketChannel.open();",
          "    sock.configureBlocking(false);",
          "    sock.socket().setTcpNoDelay(true);",
          "    return sock;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.IOException;",
          "import java.nio.channels.SocketChannel;",
          "class Test {",
          "  SocketChannel createSock() throws IOException {",
          "    SocketChannel sock;",
          "    sock = SocketChannel.open();",
          "    try {",
          "      sock.configureBlocking(false);",
          "      sock.socket().setTcpNoDelay(true);",
          "      return sock;",
          "    } catch (Throwable e) {",
          "      try {",
          "        sock.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /** zookeeper Leader.createServerSocket: the caller's catch logs and returns an empty Optional; the method declares no checked exception, and the rethrown IOException still reaches that catch. The name {@code e} is taken, so the new one is {@code e2}. */
  @Test
  public void replacement_failureCaughtAndTheMethodReturnsEmpty_zookeeperLeader() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "import java.util.Optional;",
          "class Test {",
          "  Optional<ServerSocket> create(InetSocketAddress address) {",
          "    ServerSocket serverSocket;",
          "    try {",
          "      serverSocket = new ServerSocket();",
          "      serverSocket.setReuseAddress(true);",
          "      serverSocket.bind(address);",
          "      return Optional.of(serverSocket);",
          "    } catch (IOException e) {",
          "      System.err.println(\"cannot bind: \" + e);",
          "    }",
          "    return Optional.empty();",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "import java.util.Optional;",
          "class Test {",
          "  Optional<ServerSocket> create(InetSocketAddress address) {",
          "    ServerSocket serverSocket;",
          "    try {",
          "      serverSocket = new ServerSocket();",
          "      try {",
          "        serverSocket.setReuseAddress(true);",
          "        serverSocket.bind(address);",
          "        return Optional.of(serverSocket);",
          "      } catch (Throwable e2) {",
          "        try {",
          "          serverSocket.close();",
          "        } catch (Throwable suppressed) {",
          "          e2.addSuppressed(suppressed);",
          "        }",
          "        throw e2;",
          "      }",
          "    } catch (IOException e) {",
          "      System.err.println(\"cannot bind: \" + e);",
          "    }",
          "    return Optional.empty();",
          "  }",
          "}",
        });
  }

  /**
   * Kept in a field once configured and connected: a failed configuration leaves nothing in the
   * field, and closes the socket. (A failed {@code connect} closes the socket itself.)
   */
  @Test
  public void replacement_storedInAFieldOnceConnected() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  private Socket socket;",
          "  void open(SocketAddress address) throws IOException {",
          "    Socket s = new Socket();",
          "    s.setTcpNoDelay(true);",
          "    s.connect(address);",
          "    socket = s;",
          "  }",
          "  void close() throws IOException {",
          "    socket.close();",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  private Socket socket;",
          "  void open(SocketAddress address) throws IOException {",
          "    Socket s = new Socket();",
          "    try {",
          "      s.setTcpNoDelay(true);",
          "      s.connect(address);",
          "      socket = s;",
          "    } catch (Throwable e) {",
          "      try {",
          "        s.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "  void close() throws IOException {",
          "    socket.close();",
          "  }",
          "}",
        });
  }

  /** h2 TcpServer.listen: an accepted socket is configured, then handed to the thread that serves it. */
  @Test
  public void replacement_handedToAHandlerThreadOnceConfigured_h2TcpServer() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  static final class Handler implements Runnable {",
          "    private final Socket socket;",
          "    Handler(Socket socket) {",
          "      this.socket = socket;",
          "    }",
          "    @Override",
          "    public void run() {",
          "      try {",
          "        socket.close();",
          "      } catch (IOException ignored) {",
          "      }",
          "    }",
          "  }",
          "  void serve(ServerSocket server, int timeout) throws IOException {",
          "    Socket s = server.accept();",
          "    s.setSoTimeout(timeout);",
          "    new Thread(new Handler(s)).start();",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  static final class Handler implements Runnable {",
          "    private final Socket socket;",
          "    Handler(Socket socket) {",
          "      this.socket = socket;",
          "    }",
          "    @Override",
          "    public void run() {",
          "      try {",
          "        socket.close();",
          "      } catch (IOException ignored) {",
          "      }",
          "    }",
          "  }",
          "  void serve(ServerSocket server, int timeout) throws IOException {",
          "    Socket s = server.accept();",
          "    try {",
          "      s.setSoTimeout(timeout);",
          "      new Thread(new Handler(s)).start();",
          "    } catch (Throwable e) {",
          "      try {",
          "        s.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * zookeeper SnapStream.getInputStream: the stream is closed on an {@code IOException} only; the
   * hand-off is a {@code try} whose block returns a wrapper of it. An unchecked exception from the
   * name test leaked it.
   */
  @Test
  public void replacement_closedOnlyOnCheckedFailure_handOffInsideATry_zookeeperSnapStream() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.util.zip.GZIPInputStream;",
          "class Test {",
          "  static boolean compressed(String name) {",
          "    return name.substring(name.lastIndexOf('.') + 1).equals(\"gz\");",
          "  }",
          "  static InputStream open(File file) throws IOException {",
          "    FileInputStream fis = new FileInputStream(file);",
          "    InputStream is;",
          "    try {",
          "      if (compressed(file.getName())) {",
          "        is = new GZIPInputStream(fis);",
          "      } else {",
          "        is = new BufferedInputStream(fis);",
          "      }",
          "      return new DataInputStream(is);",
          "    } catch (IOException e) {",
          "      fis.close();",
          "      throw e;",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.util.zip.GZIPInputStream;",
          "class Test {",
          "  static boolean compressed(String name) {",
          "    return name.substring(name.lastIndexOf('.') + 1).equals(\"gz\");",
          "  }",
          "  static InputStream open(File file) throws IOException {",
          "    FileInputStream fis = new FileInputStream(file);",
          "    try {",
          "      InputStream is;",
          "      try {",
          "        if (compressed(file.getName())) {",
          "          is = new GZIPInputStream(fis);",
          "        } else {",
          "          is = new BufferedInputStream(fis);",
          "        }",
          "        return new DataInputStream(is);",
          "      } catch (IOException e) {",
          "        fis.close();",
          "        throw e;",
          "      }",
          "    } catch (Throwable e2) {",
          "      try {",
          "        fis.close();",
          "      } catch (Throwable suppressed) {",
          "        e2.addSuppressed(suppressed);",
          "      }",
          "      throw e2;",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * log4j TcpSocketManager.createSocket: the {@code throws} clause is wrapped onto the line of the
   * body's brace, indented deeper than the body; the new lines take the file's four spaces (they
   * took two, the fallback, when the unit was measured from that line).
   */
  @Test
  public void replacement_wrappedThrowsClause_indentationFromTheClosingBrace_log4jTcpSocketManager() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "    protected Socket createSocket(final InetSocketAddress address, final int timeout)",
          "            throws IOException {",
          "        final Socket newSocket = new Socket();",
          "        newSocket.setSoTimeout(timeout);",
          "        newSocket.connect(address, timeout);",
          "        return newSocket;",
          "    }",
          "}",
        },
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "    protected Socket createSocket(final InetSocketAddress address, final int timeout)",
          "            throws IOException {",
          "        final Socket newSocket = new Socket();",
          "        try {",
          "            newSocket.setSoTimeout(timeout);",
          "            newSocket.connect(address, timeout);",
          "            return newSocket;",
          "        } catch (Throwable e) {",
          "            try {",
          "                newSocket.close();",
          "            } catch (Throwable suppressed) {",
          "                e.addSuppressed(suppressed);",
          "            }",
          "            throw e;",
          "        }",
          "    }",
          "}",
        });
  }

  /**
   * log4j RollingFileManager.RollingFileManagerFactory.createManager: opened on one arm of a
   * {@code ?:} whose other arm is null, so the close is null-checked; the region runs to the
   * return of the manager built around it, which holds the stream until then.
   */
  @Test
  public void replacement_openedOrNull_closeIsNullChecked_log4jRollingFileManager() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.nio.file.Files;",
          "class Test {",
          "  static final class Manager {",
          "    private final OutputStream os;",
          "    Manager(OutputStream os) {",
          "      this.os = os;",
          "    }",
          "    void close() throws IOException {",
          "      if (os != null) {",
          "        os.close();",
          "      }",
          "    }",
          "  }",
          "  static long initialTime(File file) throws IOException {",
          "    return Files.getLastModifiedTime(file.toPath()).toMillis();",
          "  }",
          "  Manager create(String fileName, boolean onDemand, File file) throws IOException {",
          "    final OutputStream os = onDemand ? null : new FileOutputStream(fileName);",
          "    final long time = initialTime(file);",
          "    final Manager manager = new Manager(os);",
          "    return time > 0 ? manager : null;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.nio.file.Files;",
          "class Test {",
          "  static final class Manager {",
          "    private final OutputStream os;",
          "    Manager(OutputStream os) {",
          "      this.os = os;",
          "    }",
          "    void close() throws IOException {",
          "      if (os != null) {",
          "        os.close();",
          "      }",
          "    }",
          "  }",
          "  static long initialTime(File file) throws IOException {",
          "    return Files.getLastModifiedTime(file.toPath()).toMillis();",
          "  }",
          "  Manager create(String fileName, boolean onDemand, File file) throws IOException {",
          "    final OutputStream os = onDemand ? null : new FileOutputStream(fileName);",
          "    try {",
          "      final long time = initialTime(file);",
          "      final Manager manager = new Manager(os);",
          "      return time > 0 ? manager : null;",
          "    } catch (Throwable e) {",
          "      if (os != null) {",
          "        try {",
          "          os.close();",
          "        } catch (Throwable suppressed) {",
          "          e.addSuppressed(suppressed);",
          "        }",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * h2 CipherFactory.createServerSocket: each branch opens the socket through a cast. (h2 then
   * calls its own {@code disableSSL(…)}; a call that declares its failure stands for it here, as a
   * JDK setter such as {@code setEnabledProtocols} is not a leak path.)
   */
  @Test
  public void replacement_openedThroughACastInEachBranch_h2CipherFactory() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.net.InetAddress;",
          "import javax.net.ssl.*;",
          "class Test {",
          "  static SSLServerSocket create(int port, InetAddress bindAddress) throws IOException {",
          "    SSLServerSocketFactory f = (SSLServerSocketFactory) SSLServerSocketFactory.getDefault();",
          "    SSLServerSocket secureSocket;",
          "    if (bindAddress == null) {",
          "      secureSocket = (SSLServerSocket) f.createServerSocket(port);",
          "    } else {",
          "      secureSocket = (SSLServerSocket) f.createServerSocket(port, 0, bindAddress);",
          "    }",
          "    secureSocket.setSoTimeout(1000);",
          "    return secureSocket;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.IOException;",
          "import java.net.InetAddress;",
          "import javax.net.ssl.*;",
          "class Test {",
          "  static SSLServerSocket create(int port, InetAddress bindAddress) throws IOException {",
          "    SSLServerSocketFactory f = (SSLServerSocketFactory) SSLServerSocketFactory.getDefault();",
          "    SSLServerSocket secureSocket;",
          "    if (bindAddress == null) {",
          "      secureSocket = (SSLServerSocket) f.createServerSocket(port);",
          "    } else {",
          "      secureSocket = (SSLServerSocket) f.createServerSocket(port, 0, bindAddress);",
          "    }",
          "    try {",
          "      secureSocket.setSoTimeout(1000);",
          "      return secureSocket;",
          "    } catch (Throwable e) {",
          "      try {",
          "        secureSocket.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  // ---- opened on either arm of a ?:, wrapped before the hand-off, opened in a nested statement --

  /**
   * hsqldb RCData.getConnection: each arm of a {@code ?:} opens a connection, so the variable
   * holds one either way; the close needs no null check, and the findings at both arms carry the
   * same fix.
   */
  @Test
  public void replacement_openedOnEitherArmOfAConditional_hsqldbRCData() {
    assertFix(
        new String[] {
          "import java.sql.*;",
          "class Test {",
          "  Connection connect(String url, String user, String password, Integer isolation)",
          "      throws SQLException {",
          "    Connection c = (user == null)",
          "        ? DriverManager.getConnection(url)",
          "        : DriverManager.getConnection(url, user, password);",
          "    if (isolation != null) {",
          "      c.setTransactionIsolation(isolation);",
          "    }",
          "    return c;",
          "  }",
          "}",
        },
        new String[] {
          "import java.sql.*;",
          "class Test {",
          "  Connection connect(String url, String user, String password, Integer isolation)",
          "      throws SQLException {",
          "    Connection c = (user == null)",
          "        ? DriverManager.getConnection(url)",
          "        : DriverManager.getConnection(url, user, password);",
          "    try {",
          "      if (isolation != null) {",
          "        c.setTransactionIsolation(isolation);",
          "      }",
          "      return c;",
          "    } catch (Throwable e) {",
          "      try {",
          "        c.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * One arm of the {@code ?:} is the caller's connection, which is not this method's to close: a
   * {@code catch} closing {@code c} could close it. No fix.
   */
  @Test
  public void identification_otherArmIsTheCallersConnection_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  Connection connect(Connection shared, String url) throws SQLException {",
            "    // BUG: Diagnostic contains: no automatic fix",
            "    Connection c = url == null ? shared : DriverManager.getConnection(url);",
            "    c.setAutoCommit(false);",
            "    return c;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * log4j FileManager.FileManagerFactory.createManager: the stream is last named in a null test,
   * but the manager built around it holds it until the manager is returned; the region runs to
   * that return. The enclosing {@code catch} returns null, so the leak was on that path.
   */
  @Test
  public void replacement_wrapperHoldsItUntilReturned_log4jFileManager() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static final class Manager implements AutoCloseable {",
          "    final OutputStream os;",
          "    boolean attributeViewEnabled;",
          "    Manager(OutputStream os) {",
          "      this.os = os;",
          "    }",
          "    void defineAttributeView(File file) throws IOException {}",
          "    @Override",
          "    public void close() throws IOException {",
          "      if (os != null) {",
          "        os.close();",
          "      }",
          "    }",
          "  }",
          "  Manager create(File file, boolean onDemand) {",
          "    try {",
          "      final OutputStream fos = onDemand ? null : new FileOutputStream(file);",
          "      final Manager fm = new Manager(fos);",
          "      if (fos != null && fm.attributeViewEnabled) {",
          "        fm.defineAttributeView(file);",
          "      }",
          "      return fm;",
          "    } catch (final IOException ex) {",
          "      System.err.println(ex);",
          "    }",
          "    return null;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static final class Manager implements AutoCloseable {",
          "    final OutputStream os;",
          "    boolean attributeViewEnabled;",
          "    Manager(OutputStream os) {",
          "      this.os = os;",
          "    }",
          "    void defineAttributeView(File file) throws IOException {}",
          "    @Override",
          "    public void close() throws IOException {",
          "      if (os != null) {",
          "        os.close();",
          "      }",
          "    }",
          "  }",
          "  Manager create(File file, boolean onDemand) {",
          "    try {",
          "      final OutputStream fos = onDemand ? null : new FileOutputStream(file);",
          "      try {",
          "        final Manager fm = new Manager(fos);",
          "        if (fos != null && fm.attributeViewEnabled) {",
          "          fm.defineAttributeView(file);",
          "        }",
          "        return fm;",
          "      } catch (Throwable e) {",
          "        if (fos != null) {",
          "          try {",
          "            fos.close();",
          "          } catch (Throwable suppressed) {",
          "            e.addSuppressed(suppressed);",
          "          }",
          "        }",
          "        throw e;",
          "      }",
          "    } catch (final IOException ex) {",
          "      System.err.println(ex);",
          "    }",
          "    return null;",
          "  }",
          "}",
        });
  }

  /**
   * log4j RollingRandomAccessFileManager.createManager: opened inside a {@code try} inside an
   * {@code if}, into a variable declared {@code = null} before them, then wrapped in the manager
   * the method returns. The region is the code after the {@code if}, in the declaring block, and
   * the close is null-checked (the {@code if} may not have opened it).
   */
  @Test
  public void replacement_openedInANestedTryIntoAVariableDeclaredNull_log4jRollingRandomAccessFileManager() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static final class Manager implements AutoCloseable {",
          "    final RandomAccessFile raf;",
          "    Manager(RandomAccessFile raf, String name) {",
          "      this.raf = raf;",
          "    }",
          "    boolean isAttributeViewEnabled() {",
          "      return raf != null;",
          "    }",
          "    void defineAttributeView(File file) throws IOException {}",
          "    @Override",
          "    public void close() throws IOException {",
          "      if (raf != null) {",
          "        raf.close();",
          "      }",
          "    }",
          "  }",
          "  Manager create(String name, String fileName, boolean append) throws IOException {",
          "    File file = null;",
          "    RandomAccessFile raf = null;",
          "    if (fileName != null) {",
          "      file = new File(name);",
          "      try {",
          "        raf = new RandomAccessFile(name, \"rw\");",
          "        if (append) {",
          "          raf.seek(raf.length());",
          "        } else {",
          "          raf.setLength(0);",
          "        }",
          "      } catch (final IOException ex) {",
          "        if (raf != null) {",
          "          try {",
          "            raf.close();",
          "          } catch (final IOException e) {",
          "            ex.addSuppressed(e);",
          "          }",
          "        }",
          "        return null;",
          "      }",
          "    }",
          "    final Manager rrm = new Manager(raf, name);",
          "    if (rrm.isAttributeViewEnabled()) {",
          "      rrm.defineAttributeView(file);",
          "    }",
          "    return rrm;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static final class Manager implements AutoCloseable {",
          "    final RandomAccessFile raf;",
          "    Manager(RandomAccessFile raf, String name) {",
          "      this.raf = raf;",
          "    }",
          "    boolean isAttributeViewEnabled() {",
          "      return raf != null;",
          "    }",
          "    void defineAttributeView(File file) throws IOException {}",
          "    @Override",
          "    public void close() throws IOException {",
          "      if (raf != null) {",
          "        raf.close();",
          "      }",
          "    }",
          "  }",
          "  Manager create(String name, String fileName, boolean append) throws IOException {",
          "    File file = null;",
          "    RandomAccessFile raf = null;",
          "    if (fileName != null) {",
          "      file = new File(name);",
          "      try {",
          "        raf = new RandomAccessFile(name, \"rw\");",
          "        if (append) {",
          "          raf.seek(raf.length());",
          "        } else {",
          "          raf.setLength(0);",
          "        }",
          "      } catch (final IOException ex) {",
          "        if (raf != null) {",
          "          try {",
          "            raf.close();",
          "          } catch (final IOException e) {",
          "            ex.addSuppressed(e);",
          "          }",
          "        }",
          "        return null;",
          "      }",
          "    }",
          "    try {",
          "      final Manager rrm = new Manager(raf, name);",
          "      if (rrm.isAttributeViewEnabled()) {",
          "        rrm.defineAttributeView(file);",
          "      }",
          "      return rrm;",
          "    } catch (Throwable e2) {",
          "      if (raf != null) {",
          "        try {",
          "          raf.close();",
          "        } catch (Throwable suppressed) {",
          "          e2.addSuppressed(suppressed);",
          "        }",
          "      }",
          "      throw e2;",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * commons-compress SevenZFile.Builder.get: one branch keeps the caller's channel in the
   * variable, another opens a file channel. A {@code catch} after the {@code if} closing the
   * variable could close the caller's channel. No fix.
   */
  @Test
  public void identification_anotherBranchKeepsTheCallersChannel_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.nio.channels.SeekableByteChannel;",
            "import java.nio.file.*;",
            "class Test {",
            "  static final class Archive implements AutoCloseable {",
            "    final SeekableByteChannel channel;",
            "    Archive(SeekableByteChannel channel) {",
            "      this.channel = channel;",
            "    }",
            "    @Override",
            "    public void close() throws IOException {",
            "      channel.close();",
            "    }",
            "  }",
            "  static void check(Path path) throws IOException {}",
            "  Archive open(SeekableByteChannel given, Path path) throws IOException {",
            "    SeekableByteChannel channel = null;",
            "    if (given != null) {",
            "      channel = given;",
            "    } else {",
            "      // BUG: Diagnostic contains: no automatic fix",
            "      channel = Files.newByteChannel(path);",
            "    }",
            "    check(path);",
            "    return new Archive(channel);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Opened in a loop into a variable declared before it: each iteration may leave a resource in
   * the variable, and a {@code catch} after the loop would close only the last. No fix.
   */
  @Test
  public void identification_openedInALoopIntoAVariableDeclaredBefore_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.util.List;",
            "class Test {",
            "  static void check(File file) throws IOException {}",
            "  InputStream open(List<File> files) throws IOException {",
            "    InputStream in = null;",
            "    for (File file : files) {",
            "      if (file.exists()) {",
            "        // BUG: Diagnostic contains: no automatic fix",
            "        in = new FileInputStream(file);",
            "        break;",
            "      }",
            "    }",
            "    check(files.get(0));",
            "    return in;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The {@code catch} that a failed configuration reaches returns the variable: closing it on
   * failure would hand the caller a closed socket where it got an open one. (It leaks when {@code
   * check} throws, which that {@code catch} does not catch.) No fix.
   */
  @Test
  public void identification_readAfterTheFailureIsCaught_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "class Test {",
            "  static void check(Socket s) {",
            "    if (s.isClosed()) {",
            "      throw new IllegalStateException();",
            "    }",
            "  }",
            "  Socket connect(int timeout) {",
            "    Socket sock = null;",
            "    try {",
            "      // BUG: Diagnostic contains: no automatic fix",
            "      sock = new Socket();",
            "      sock.setSoTimeout(timeout);",
            "      check(sock);",
            "    } catch (IOException e) {",
            "      return sock;",
            "    }",
            "    return sock;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The manager built around the stream may be returned early, so a region running to the
   * manager's last use would have two ways out; the fix falls back to the region that ends at the
   * manager's construction, which still covers the failing write.
   */
  @Test
  public void replacement_wrapperReturnedEarly_regionEndsAtTheWrapper() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static final class Manager {",
          "    private final OutputStream out;",
          "    Manager(OutputStream out) {",
          "      this.out = out;",
          "    }",
          "    void warmUp() {}",
          "  }",
          "  Manager create(String name, boolean fast) throws IOException {",
          "    FileOutputStream out = new FileOutputStream(name);",
          "    out.write(1);",
          "    Manager m = new Manager(out);",
          "    if (fast) {",
          "      return m;",
          "    }",
          "    m.warmUp();",
          "    return m;",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static final class Manager {",
          "    private final OutputStream out;",
          "    Manager(OutputStream out) {",
          "      this.out = out;",
          "    }",
          "    void warmUp() {}",
          "  }",
          "  Manager create(String name, boolean fast) throws IOException {",
          "    FileOutputStream out = new FileOutputStream(name);",
          "    Manager m;",
          "    try {",
          "      out.write(1);",
          "      m = new Manager(out);",
          "    } catch (Throwable e) {",
          "      try {",
          "        out.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "    if (fast) {",
          "      return m;",
          "    }",
          "    m.warmUp();",
          "    return m;",
          "  }",
          "}",
        });
  }

  /**
   * zookeeper NIOServerCnxnFactory.AcceptThread.doAccept: the {@code catch} a failed accept
   * reaches hands the channel to a fast close (linger 0, then close). Closing it first in a new
   * {@code catch (Throwable e)} would make that linger call fail on a closed socket and lose the
   * hard close; the fix catches unchecked exceptions only, which that {@code catch} never sees.
   */
  @Test
  public void identification_caughtFailureHandsItToAFastClose_zookeeperNIOServerCnxnFactory() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.net.SocketException;",
            "import java.nio.channels.*;",
            "import java.util.*;",
            "class Test {",
            "  ServerSocketChannel acceptSocket;",
            "  final Queue<SocketChannel> accepted = new ArrayDeque<>();",
            "  int connections;",
            "  boolean limitTotalNumberOfConnections() {",
            "    return connections++ > 100;",
            "  }",
            "  static void fastClose(SocketChannel sc) {",
            "    if (sc != null) {",
            "      try {",
            "        sc.socket().setSoLinger(true, 0);",
            "      } catch (SocketException e) {",
            "        System.err.println(e);",
            "      }",
            "      try {",
            "        sc.close();",
            "      } catch (IOException e) {",
            "        System.err.println(e);",
            "      }",
            "    }",
            "  }",
            "  boolean doAccept() {",
            "    boolean done = false;",
            "    SocketChannel sc = null;",
            "    try {",
            "      // BUG: Diagnostic contains: close it if the code that prepares it throws",
            "      sc = acceptSocket.accept();",
            "      done = true;",
            "      if (limitTotalNumberOfConnections()) {",
            "        throw new IOException(\"too many connections\");",
            "      }",
            "      sc.configureBlocking(false);",
            "      accepted.add(sc);",
            "    } catch (IOException e) {",
            "      fastClose(sc);",
            "    }",
            "    return done;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * commons-compress {@code SevenZFile.Builder.get}: one branch opens the channel, another gives
   * the variable the caller's own channel. A close on failure would close the caller's channel
   * too. No fix, and the message names the value.
   */
  @Test
  public void identification_otherBranchGivesAValueNotOpenedHere_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.nio.channels.SeekableByteChannel;",
            "import java.nio.file.*;",
            "class Test {",
            "  static final class Archive implements Closeable {",
            "    Archive(SeekableByteChannel channel, boolean closeOnError) throws IOException {}",
            "    @Override public void close() {}",
            "  }",
            "  Archive open(SeekableByteChannel given, Path path) throws IOException {",
            "    final SeekableByteChannel channel;",
            "    if (given != null) {",
            "      channel = given;",
            "    } else {",
            "      // BUG: Diagnostic contains: no automatic fix: it is assigned to `channel`, which"
                + " is declared elsewhere, and `channel` is also given `given`, which is not"
                + " opened here, and the close would close that too",
            "      channel = Files.newByteChannel(path);",
            "    }",
            "    return new Archive(channel, given != null);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * zookeeper's {@code Learner.createSocket}: one branch opens a plain socket, the other takes an
   * SSL socket from a factory whose source does not show it new, and the method returns either.
   * Its caller closes whatever it gets, so closing either when {@code setSoTimeout} throws is what
   * that caller would do.
   */
  @Test
  public void replacement_otherBranchCallsAFactoryAndTheMethodReturnsIt_closedOnFailure() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.net.Socket;",
          "class Test {",
          "  static final class Ssl {",
          "    Socket shared;",
          "    Socket createSslSocket() { return shared; }",
          "  }",
          "  Socket createSocket(Ssl ssl, boolean secure, int timeout) throws IOException {",
          "    Socket sock;",
          "    if (secure) {",
          "      sock = ssl.createSslSocket();",
          "    } else {",
          "      sock = new Socket();",
          "    }",
          "    sock.setSoTimeout(timeout);",
          "    return sock;",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.IOException;",
          "import java.net.Socket;",
          "class Test {",
          "  static final class Ssl {",
          "    Socket shared;",
          "    Socket createSslSocket() { return shared; }",
          "  }",
          "  Socket createSocket(Ssl ssl, boolean secure, int timeout) throws IOException {",
          "    Socket sock;",
          "    if (secure) {",
          "      sock = ssl.createSslSocket();",
          "    } else {",
          "      sock = new Socket();",
          "    }",
          "    try {",
          "      sock.setSoTimeout(timeout);",
          "      return sock;",
          "    } catch (Throwable e) {",
          "      try {",
          "        sock.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}"
        });
  }

  /**
   * Spring's {@code MySQLMaxValueIncrementer.getNextKey}: the other branch's connection comes from
   * a call ({@code DataSourceUtils.getConnection}, which may give one bound to a transaction) and
   * the method does not return the variable, so nothing says the code owns that value. No fix.
   */
  @Test
  public void identification_otherBranchCallsAndTheVariableIsNotReturned_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "import javax.sql.DataSource;",
            "class Test {",
            "  interface Transactions { Connection current(); }",
            "  Statement prepare(DataSource ds, Transactions tx, boolean fresh) throws SQLException {",
            "    Connection con;",
            "    if (fresh) {",
            "      // BUG: Diagnostic contains: and `con` is also given `tx.current()`, which is not"
                + " opened here, and the close would close that too",
            "      con = ds.getConnection();",
            "    } else {",
            "      con = tx.current();",
            "    }",
            "    con.setAutoCommit(false);",
            "    return new Holder(con).statement();",
            "  }",
            "  static final class Holder {",
            "    private final Connection con;",
            "    Holder(Connection con) { this.con = con; }",
            "    Statement statement() throws SQLException { return con.createStatement(); }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * zookeeper's {@code NIOServerCnxnFactory.doAccept}: a {@code catch (IOException e)} around the
   * code closes the channel its own way (it sets the linger first, which fails on a closed one). A new {@code catch (Throwable e)} would close it first and
   * hand that catch a closed channel; one of unchecked exceptions only closes it where the leak
   * is ({@code tooMany()} throws) and leaves every checked exception to that catch, as before.
   */
  @Test
  public void replacement_aCatchOfCheckedExceptionsReadsIt_closesOnUncheckedOnly() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.nio.channels.*;",
          "class Test {",
          "  ServerSocketChannel server;",
          "  boolean tooMany() { return false; }",
          "  final java.util.Queue<SocketChannel> queue = new java.util.ArrayDeque<>();",
          "  boolean add(SocketChannel channel) { return queue.offer(channel); }",
          "  static void fastClose(SocketChannel channel) {",
          "    if (channel != null) {",
          "      try {",
          "        channel.socket().setSoLinger(true, 0);",
          "        channel.close();",
          "      } catch (IOException ignored) {",
          "      }",
          "    }",
          "  }",
          "  boolean accept() {",
          "    boolean accepted = false;",
          "    SocketChannel sc = null;",
          "    try {",
          "      sc = server.accept();",
          "      accepted = true;",
          "      if (tooMany()) {",
          "        throw new IOException(\"too many\");",
          "      }",
          "      sc.configureBlocking(false);",
          "      if (!add(sc)) {",
          "        throw new IOException(\"queue full\");",
          "      }",
          "    } catch (IOException e) {",
          "      fastClose(sc);",
          "    }",
          "    return accepted;",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.IOException;",
          "import java.nio.channels.*;",
          "class Test {",
          "  ServerSocketChannel server;",
          "  boolean tooMany() { return false; }",
          "  final java.util.Queue<SocketChannel> queue = new java.util.ArrayDeque<>();",
          "  boolean add(SocketChannel channel) { return queue.offer(channel); }",
          "  static void fastClose(SocketChannel channel) {",
          "    if (channel != null) {",
          "      try {",
          "        channel.socket().setSoLinger(true, 0);",
          "        channel.close();",
          "      } catch (IOException ignored) {",
          "      }",
          "    }",
          "  }",
          "  boolean accept() {",
          "    boolean accepted = false;",
          "    SocketChannel sc = null;",
          "    try {",
          "      sc = server.accept();",
          "      try {",
          "        accepted = true;",
          "        if (tooMany()) {",
          "          throw new IOException(\"too many\");",
          "        }",
          "        sc.configureBlocking(false);",
          "        if (!add(sc)) {",
          "          throw new IOException(\"queue full\");",
          "        }",
          "      } catch (RuntimeException | Error e2) {",
          "        try {",
          "          sc.close();",
          "        } catch (Throwable suppressed) {",
          "          e2.addSuppressed(suppressed);",
          "        }",
          "        throw e2;",
          "      }",
          "    } catch (IOException e) {",
          "      fastClose(sc);",
          "    }",
          "    return accepted;",
          "  }",
          "}"
        });
  }

  /**
   * zookeeper's {@code QuorumCnxManager.acceptConnections}: the socket is accepted into a variable
   * declared before the loop, and the {@code catch (IOException e)} around it breaks out when
   * shutting down before its {@code closeSocket(client)}. That helper only tests its parameter for
   * null and closes it, so it reading a socket the new catch closed does nothing: close on
   * failure.
   */
  @Test
  public void replacement_aCatchOnlyClosesItThroughAHelper_closesOnFailure() {
    assertFix(
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  ServerSocket server;",
          "  volatile boolean shutdown;",
          "  final java.util.List<Socket> open = new java.util.ArrayList<>();",
          "  void handle(Socket socket) { open.add(socket); }",
          "  private static void closeSocket(Socket socket) {",
          "    if (socket == null) {",
          "      return;",
          "    }",
          "    try {",
          "      socket.close();",
          "    } catch (IOException e) {",
          "    }",
          "  }",
          "  void accept() {",
          "    Socket client = null;",
          "    while (!shutdown) {",
          "      try {",
          "        client = server.accept();",
          "        client.setTcpNoDelay(true);",
          "        handle(client);",
          "      } catch (IOException e) {",
          "        if (shutdown) {",
          "          break;",
          "        }",
          "        closeSocket(client);",
          "      }",
          "    }",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.IOException;",
          "import java.net.*;",
          "class Test {",
          "  ServerSocket server;",
          "  volatile boolean shutdown;",
          "  final java.util.List<Socket> open = new java.util.ArrayList<>();",
          "  void handle(Socket socket) { open.add(socket); }",
          "  private static void closeSocket(Socket socket) {",
          "    if (socket == null) {",
          "      return;",
          "    }",
          "    try {",
          "      socket.close();",
          "    } catch (IOException e) {",
          "    }",
          "  }",
          "  void accept() {",
          "    Socket client = null;",
          "    while (!shutdown) {",
          "      try {",
          "        client = server.accept();",
          "        try {",
          "          client.setTcpNoDelay(true);",
          "          handle(client);",
          "        } catch (Throwable e2) {",
          "          try {",
          "            client.close();",
          "          } catch (Throwable suppressed) {",
          "            e2.addSuppressed(suppressed);",
          "          }",
          "          throw e2;",
          "        }",
          "      } catch (IOException e) {",
          "        if (shutdown) {",
          "          break;",
          "        }",
          "        closeSocket(client);",
          "      }",
          "    }",
          "  }",
          "}"
        });
  }

  /**
   * The same, but the helper also writes to the socket before closing it ({@code
   * closeSocket(client)} says goodbye first): the catch would write to a closed socket. No fix.
   */
  @Test
  public void identification_aCatchHandsItToAHelperThatAlsoUsesIt_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "class Test {",
            "  ServerSocket server;",
            "  volatile boolean shutdown;",
            "  final java.util.List<Socket> open = new java.util.ArrayList<>();",
          "  void handle(Socket socket) { open.add(socket); }",
            "  private static void closeSocket(Socket socket) {",
            "    if (socket == null) {",
            "      return;",
            "    }",
            "    try {",
            "      socket.getOutputStream().write(0);",
            "      socket.close();",
            "    } catch (IOException e) {",
            "    }",
            "  }",
            "  void accept() {",
            "    Socket client = null;",
            "    while (!shutdown) {",
            "      try {",
            "        // BUG: Diagnostic contains: `client` is read after the failure is caught, where"
                + " it would be closed",
            "        client = server.accept();",
            "        client.setTcpNoDelay(true);",
            "        handle(client);",
            "      } catch (IOException e) {",
            "        if (shutdown) {",
            "          break;",
            "        }",
            "        closeSocket(client);",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The same with {@code catch (IOException | IllegalStateException e)}: it also catches an
   * unchecked exception the fix would close the channel on, and then reads a closed one. No fix.
   */
  @Test
  public void identification_aCatchOfUncheckedExceptionsReadsIt_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.nio.channels.*;",
            "class Test {",
            "  ServerSocketChannel server;",
            "  boolean tooMany() { return false; }",
            "  boolean add(SocketChannel channel) { return true; }",
            "  static void fastClose(SocketChannel channel) {",
            "    if (channel != null) {",
            "      try {",
            "        channel.socket().setSoLinger(true, 0);",
          "        channel.close();",
            "      } catch (IOException ignored) {",
            "      }",
            "    }",
            "  }",
            "  boolean accept() {",
            "    boolean accepted = false;",
            "    SocketChannel sc = null;",
            "    try {",
            "      // BUG: Diagnostic contains: `sc` is read after the failure is caught, where it"
                + " would be closed",
            "      sc = server.accept();",
            "      accepted = true;",
            "      if (tooMany()) {",
            "        throw new IOException(\"too many\");",
            "      }",
            "      sc.configureBlocking(false);",
            "      if (!add(sc)) {",
            "        throw new IOException(\"queue full\");",
            "      }",
            "    } catch (IOException | IllegalStateException e) {",
            "      fastClose(sc);",
            "    }",
            "    return accepted;",
            "  }",
            "}")
        .doTest();
  }
  /**
   * h2 Recover.readBlobMap: the statement is prepared, then captured by an Enumeration the method
   * returns. The code before the capture may fail; the region ends just before the capturing
   * statement, so the close never runs once the class may hold it.
   */
  @Test
  public void replacement_capturedByAClassAfterPreparing_closedWhenThePreparingFails() {
    assertFix(
        new String[] {
          "import java.sql.*;",
          "import java.util.function.Supplier;",
          "class Test {",
          "  static Supplier<ResultSet> reader(Connection conn, long id) throws SQLException {",
          "    final PreparedStatement prep = conn.prepareStatement(\"SELECT DATA\");",
          "    prep.setLong(1, id);",
          "    return new Supplier<ResultSet>() {",
          "      @Override",
          "      public ResultSet get() {",
          "        try {",
          "          return prep.executeQuery();",
          "        } catch (SQLException e) {",
          "          throw new RuntimeException(e);",
          "        }",
          "      }",
          "    };",
          "  }",
          "}",
        },
        new String[] {
          "import java.sql.*;",
          "import java.util.function.Supplier;",
          "class Test {",
          "  static Supplier<ResultSet> reader(Connection conn, long id) throws SQLException {",
          "    final PreparedStatement prep = conn.prepareStatement(\"SELECT DATA\");",
          "    try {",
          "      prep.setLong(1, id);",
          "    } catch (Throwable e2) {",
          "      try {",
          "        prep.close();",
          "      } catch (Throwable suppressed) {",
          "        e2.addSuppressed(suppressed);",
          "      }",
          "      throw e2;",
          "    }",
          "    return new Supplier<ResultSet>() {",
          "      @Override",
          "      public ResultSet get() {",
          "        try {",
          "          return prep.executeQuery();",
          "        } catch (SQLException e) {",
          "          throw new RuntimeException(e);",
          "        }",
          "      }",
          "    };",
          "  }",
          "}",
        });
  }

  /**
   * The lambda captures it first, and the failure comes after: the lambda may already be held
   * elsewhere (here by the list), so a close there would close what it uses. The capture is a
   * hand-off, so nothing is reported, and the fix, whose region ends before a capture, never
   * reaches such a failure.
   */
  @Test
  public void negative_capturedBeforeTheFailure() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.util.List;",
            "class Test {",
            "  static InputStream open(File f, List<Runnable> tasks) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    tasks.add(() -> System.out.println(in));",
            "    in.skip(4);",
            "    return in;",
            "  }",
            "}")
        .doTest();
  }
  /**
   * h2 PgServer.listen: the accepted socket is tested by a call that may throw, inside the
   * condition of an {@code if} whose one branch closes it and whose other hands it to a worker
   * and goes on (starting a thread may fail after the worker holds it). A {@code try} around the
   * {@code if} would close the socket the worker holds; the condition alone cannot be wrapped
   * without restructuring. No fix, and the message says why.
   */
  @Test
  public void identification_failingConditionOfAnIfThatHandsItOn_noFix() {
    helper
        .addSourceLines(
            "Worker.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Worker implements Runnable, Closeable {",
            "  private final Socket s;",
            "  Worker(Socket s) {",
            "    this.s = s;",
            "  }",
            "  public void run() {}",
            "  public void close() throws IOException {",
            "    s.close();",
            "  }",
            "}")
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.*;",
            "import java.util.*;",
            "class Test {",
            "  private final ServerSocket serverSocket;",
            "  private final List<Runnable> running = new ArrayList<>();",
            "  private volatile boolean stop;",
            "  Test(ServerSocket s) {",
            "    serverSocket = s;",
            "  }",
            "  boolean allow(Socket s) throws UnknownHostException {",
            "    return InetAddress.getByName(\"localhost\").equals(s.getInetAddress());",
            "  }",
            "  void listen() {",
            "    try {",
            "      while (!stop) {",
            "        // BUG: Diagnostic contains: no automatic fix: it is handed to `running.add(...)`"
                + " on some paths, and it is neither closed nor handed on at its last use",
            "        Socket s = serverSocket.accept();",
            "        if (!allow(s)) {",
            "          s.close();",
            "        } else {",
            "          Worker c = new Worker(s);",
            "          running.add(c);",
            "          new Thread(c).start();",
            "        }",
            "      }",
            "    } catch (Exception e) {",
            "      if (!stop) {",
            "        e.printStackTrace();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * log4j TcpSocketManager.Reconnector.connect: the socket is stored in a field inside a
   * {@code synchronized} block, after its output stream was handed to the manager there. A
   * {@code try} around the block would close the socket under a manager that holds its stream
   * when a call between the two fails. No fix, and the message says why.
   */
  @Test
  public void identification_storedInsideASynchronizedBlockAfterItsStream_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.*;",
            "class Test {",
            "  private final Object owner = new Object();",
            "  private Socket socket;",
            "  private OutputStream os;",
            "  private boolean shutdown;",
            "  OutputStream getOutputStream() {",
            "    return os;",
            "  }",
            "  void setOutputStream(OutputStream o) {",
            "    os = o;",
            "  }",
            "  Socket createSocket(InetSocketAddress a) throws IOException {",
            "    Socket s = new Socket();",
            "    try {",
            "      s.connect(a);",
            "    } catch (IOException e) {",
            "      s.close();",
            "      throw e;",
            "    }",
            "    return s;",
            "  }",
            "  static void closeSilently(Closeable c) throws IOException {",
            "    if (c != null) {",
            "      c.close();",
            "    }",
            "  }",
            "  void connect(InetSocketAddress socketAddress) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix: it is stored in `socket` on some"
                + " paths, and it is neither closed nor handed on at its last use",
            "    final Socket sock = createSocket(socketAddress);",
            "    final OutputStream newOS = sock.getOutputStream();",
            "    synchronized (owner) {",
            "      closeSilently(getOutputStream());",
            "      setOutputStream(newOS);",
            "      socket = sock;",
            "      shutdown = true;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * h2 UpdatableRow.updateRow: {@code setKey(prep, ...)} is named like a method that stores its
   * argument, but its source only sets the statement's parameters. The source decides: the
   * statement is borrowed, never closed, and scoped by try-with-resources.
   */
  @Test
  public void identification_namedLikeAStoreButBorrowsByItsSource_h2UpdatableRow() {
    helper
        .addSourceLines(
            "Util.java",
            "import java.sql.*;",
            "class Util {",
            "  static void set(PreparedStatement p, int i, Object v, Connection c)"
                + " throws SQLException {",
            "    if (v instanceof String s) {",
            "      p.setString(i, s);",
            "    } else {",
            "      p.setObject(i, v);",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "import java.util.List;",
            "class Test {",
            "  private final Connection conn;",
            "  private final List<String> key;",
            "  Test(Connection conn, List<String> key) {",
            "    this.conn = conn;",
            "    this.key = key;",
            "  }",
            "  private void setKey(PreparedStatement prep, int start, Object[] current)"
                + " throws SQLException {",
            "    for (int i = 0; i < key.size(); i++) {",
            "      Object v = current[i];",
            "      if (v == null) {",
            "        throw new IllegalStateException();",
            "      }",
            "      Util.set(prep, start + i, v, conn);",
            "    }",
            "  }",
            "  public void updateRow(Object[] current, Object[] updateRow) throws SQLException {",
            "    // BUG: Diagnostic contains: `prep` is not closed on any path; close it with"
                + " try-with-resources",
            "    PreparedStatement prep = conn.prepareStatement(\"UPDATE\");",
            "    int j = 1;",
            "    for (int i = 0; i < updateRow.length; i++) {",
            "      Object v = updateRow[i];",
            "      if (v == null) {",
            "        v = current[i];",
            "      }",
            "      Util.set(prep, j++, v, conn);",
            "    }",
            "    setKey(prep, j, current);",
            "    int count = prep.executeUpdate();",
            "    if (count != 1) {",
            "      throw new IllegalStateException();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * h2 JdbcSQLXML.setResult: two branches, each opening a writer and storing it once the result
   * around it is built. Both are closed on failure in one pass: a second pass over the patched code
   * used to find the second one, whose fix had waited for the first.
   */
  @Test
  public void replacement_twoBranchesEachClosedOnFailureInOnePass_h2JdbcSQLXML() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  private Closeable closable;",
          "  Object set(int kind, File f) throws Exception {",
          "    if (kind == 1) {",
          "      Writer writer = new FileWriter(f);",
          "      Object result = wrap(writer);",
          "      closable = writer;",
          "      return result;",
          "    } else if (kind == 2) {",
          "      Writer writer = new FileWriter(f);",
          "      Object result = wrap(writer);",
          "      closable = writer;",
          "      return result;",
          "    }",
          "    return null;",
          "  }",
          "  private static Object wrap(Writer w) throws IOException {",
          "    w.flush();",
          "    return new Object();",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  private Closeable closable;",
          "  Object set(int kind, File f) throws Exception {",
          "    if (kind == 1) {",
          "      Writer writer = new FileWriter(f);",
          "      Object result;",
          "      try {",
          "        result = wrap(writer);",
          "        closable = writer;",
          "      } catch (Throwable e) {",
          "        try {",
          "          writer.close();",
          "        } catch (Throwable suppressed) {",
          "          e.addSuppressed(suppressed);",
          "        }",
          "        throw e;",
          "      }",
          "      return result;",
          "    } else if (kind == 2) {",
          "      Writer writer = new FileWriter(f);",
          "      Object result;",
          "      try {",
          "        result = wrap(writer);",
          "        closable = writer;",
          "      } catch (Throwable e) {",
          "        try {",
          "          writer.close();",
          "        } catch (Throwable suppressed) {",
          "          e.addSuppressed(suppressed);",
          "        }",
          "        throw e;",
          "      }",
          "      return result;",
          "    }",
          "    return null;",
          "  }",
          "  private static Object wrap(Writer w) throws IOException {",
          "    w.flush();",
          "    return new Object();",
          "  }",
          "}",
        });
  }

  /**
   * h2's {@code Csv.initWrite}: the variable is wrapped in place ({@code out = new
   * BufferedOutputStream(out, size)}) before the wrapper is stored. Closing the variable on failure
   * closes the file either way, through the wrapper once its constructor returned, directly when
   * it threw.
   */
  @Test
  public void replacement_wrappedInPlaceBeforeTheStore_h2Csv() {
    refactoring
        .addInputLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  Writer output;",
            "  void open(String name, String charset) throws IOException {",
            "    OutputStream out = new FileOutputStream(name);",
            "    out = new BufferedOutputStream(out, 4096);",
            "    output = new BufferedWriter(new OutputStreamWriter(out, charset));",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  Writer output;",
            "  void open(String name, String charset) throws IOException {",
            "    OutputStream out = new FileOutputStream(name);",
            "    try {",
            "      out = new BufferedOutputStream(out, 4096);",
            "      output = new BufferedWriter(new OutputStreamWriter(out, charset));",
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
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }
}
