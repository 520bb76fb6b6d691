package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link ExecutorNotShutdown} on gRPC channels: a {@code ManagedChannel} a builder makes holds
 * transports and timers on shared pools until {@code shutdown()}; a stub made on it borrows it.
 * gRPC is not on the test class path: the classes below are its API as far as the tests need it.
 */
@RunWith(JUnit4.class)
public class ExecutorNotShutdownGrpcTest {

  private static final String[] CHANNEL = {
    "package io.grpc;",
    "public abstract class Channel {",
    "  public abstract String authority();",
    "}",
  };

  private static final String[] MANAGED_CHANNEL = {
    "package io.grpc;",
    "import java.util.concurrent.TimeUnit;",
    "public abstract class ManagedChannel extends Channel {",
    "  public abstract ManagedChannel shutdown();",
    "  public abstract ManagedChannel shutdownNow();",
    "  public abstract boolean isShutdown();",
    "  public abstract boolean awaitTermination(long timeout, TimeUnit unit)",
    "      throws InterruptedException;",
    "}",
  };

  private static final String[] MANAGED_CHANNEL_BUILDER = {
    "package io.grpc;",
    "public abstract class ManagedChannelBuilder<T extends ManagedChannelBuilder<T>> {",
    "  public static ManagedChannelBuilder<?> forAddress(String name, int port) {",
    "    throw new UnsupportedOperationException();",
    "  }",
    "  public static ManagedChannelBuilder<?> forTarget(String target) {",
    "    throw new UnsupportedOperationException();",
    "  }",
    "  public abstract T usePlaintext();",
    "  public abstract ManagedChannel build();",
    "}",
  };

  private static final String[] SERVER = {
    "package io.grpc;",
    "import java.io.IOException;",
    "import java.util.concurrent.TimeUnit;",
    "public abstract class Server {",
    "  public abstract Server start() throws IOException;",
    "  public abstract Server shutdown();",
    "  public abstract Server shutdownNow();",
    "  public abstract int getPort();",
    "  public abstract boolean awaitTermination(long timeout, TimeUnit unit)",
    "      throws InterruptedException;",
    "  public abstract void awaitTermination() throws InterruptedException;",
    "}",
  };

  private static final String[] SERVER_BUILDER = {
    "package io.grpc;",
    "public abstract class ServerBuilder<T extends ServerBuilder<T>> {",
    "  public static ServerBuilder<?> forPort(int port) {",
    "    throw new UnsupportedOperationException();",
    "  }",
    "  public abstract T addService(Object service);",
    "  public abstract Server build();",
    "}",
  };

  /**
   * A generated service class, in the package of gRPC's own example: its stubs call through the
   * channel they are given.
   */
  private static final String[] GREETER_GRPC = {
    "package io.grpc.examples.helloworld;",
    "import io.grpc.Channel;",
    "public final class GreeterGrpc {",
    "  public static GreeterBlockingStub newBlockingStub(Channel channel) {",
    "    return new GreeterBlockingStub(channel);",
    "  }",
    "  public static final class GreeterBlockingStub {",
    "    private final Channel channel;",
    "    GreeterBlockingStub(Channel channel) { this.channel = channel; }",
    "    public String sayHello(String name) {",
    "      if (name.isEmpty()) throw new IllegalArgumentException(channel.authority());",
    "      return \"hello \" + name;",
    "    }",
    "  }",
    "}",
  };

  /** The server and the channel to it, each shut down in a finally block, one inside the other. */
  private static final String[] SERVER_AND_CHANNEL_IN_FINALLY = {
    "package demo;",
    "import io.grpc.examples.helloworld.GreeterGrpc;",
    "import io.grpc.ManagedChannel;",
    "import io.grpc.ManagedChannelBuilder;",
    "import io.grpc.Server;",
    "import io.grpc.ServerBuilder;",
    "import java.io.IOException;",
    "class ServerTest {",
    "  String greet(Object service) throws IOException {",
    "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
    "    String reply;",
    "    try {",
    "      ManagedChannel channel = ManagedChannelBuilder.forTarget(\"localhost\").build();",
    "      try {",
    "        reply = GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
    "      } finally {",
    "        channel.shutdownNow();",
    "      }",
    "    } finally {",
    "      server.shutdownNow();",
    "    }",
    "    return reply;",
    "  }",
    "}",
  };

  /** A refactoring helper that compiles gRPC's API beside the input, unchanged. */
  private BugCheckerRefactoringTestHelper refactoring() {
    return BugCheckerRefactoringTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .addInputLines("io/grpc/Channel.java", CHANNEL)
        .expectUnchanged()
        .addInputLines("io/grpc/ManagedChannel.java", MANAGED_CHANNEL)
        .expectUnchanged()
        .addInputLines("io/grpc/ManagedChannelBuilder.java", MANAGED_CHANNEL_BUILDER)
        .expectUnchanged()
        .addInputLines("io/grpc/examples/helloworld/GreeterGrpc.java", GREETER_GRPC)
        .expectUnchanged()
        .addInputLines("io/grpc/Server.java", SERVER)
        .expectUnchanged()
        .addInputLines("io/grpc/ServerBuilder.java", SERVER_BUILDER)
        .expectUnchanged();
  }

  private CompilationTestHelper helper() {
    return CompilationTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .addSourceLines("io/grpc/Channel.java", CHANNEL)
        .addSourceLines("io/grpc/ManagedChannel.java", MANAGED_CHANNEL)
        .addSourceLines("io/grpc/ManagedChannelBuilder.java", MANAGED_CHANNEL_BUILDER)
        .addSourceLines("io/grpc/examples/helloworld/GreeterGrpc.java", GREETER_GRPC)
        .addSourceLines("io/grpc/Server.java", SERVER)
        .addSourceLines("io/grpc/ServerBuilder.java", SERVER_BUILDER);
  }

  @Test
  public void channelsNotShutDown() {
    helper()
        .addSourceLines(
            "demo/Client.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "class Client {",
            "  String orphan(String host, String name) {",
            "    // BUG: Diagnostic contains: gRPC channel `channel` is not shut down on any path;"
                + " call `shutdown()` in a finally block",
            "    ManagedChannel channel = ManagedChannelBuilder.forAddress(host, 443).build();",
            "    return GreeterGrpc.newBlockingStub(channel).sayHello(name);",
            "  }",
            "  String shutDownOnTheHappyPathOnly(String host, String name) {",
            "    // BUG: Diagnostic contains: gRPC channel `channel` is not shut down if"
                + " `GreeterGrpc.newBlockingStub(channel).sayHello(...)` throws",
            "    ManagedChannel channel = ManagedChannelBuilder.forTarget(host).usePlaintext().build();",
            "    String reply = GreeterGrpc.newBlockingStub(channel).sayHello(name);",
            "    channel.shutdown();",
            "    return reply;",
            "  }",
            "  String shutDownInFinally(String host, String name) {",
            "    ManagedChannel channel = ManagedChannelBuilder.forAddress(host, 443).build();",
            "    try {",
            "      return GreeterGrpc.newBlockingStub(channel).sayHello(name);",
            "    } finally {",
            "      channel.shutdownNow();",
            "    }",
            "  }",
            "  ManagedChannel returnedToTheCaller(String host) {",
            "    return ManagedChannelBuilder.forAddress(host, 443).usePlaintext().build();",
            "  }",
            "  String madeByAFactoryHere(String host, String name) {",
            "    // BUG: Diagnostic contains: (`returnedToTheCaller(...)` returns the result of `build()`)",
            "    ManagedChannel channel = returnedToTheCaller(host);",
            "    return GreeterGrpc.newBlockingStub(channel).sayHello(name);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void channelKeptInAField() {
    helper()
        .addSourceLines(
            "demo/Client.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "class Client {",
            "  // BUG: Diagnostic contains: Field `channel` holds a gRPC channel created by `Client`,"
                + " but no method of `Client` shuts it down",
            "  private final ManagedChannel channel;",
            "  private final GreeterGrpc.GreeterBlockingStub stub;",
            "  Client(String target) {",
            "    channel = ManagedChannelBuilder.forTarget(target).build();",
            "    stub = GreeterGrpc.newBlockingStub(channel);",
            "  }",
            "  String greet(String name) { return stub.sayHello(name); }",
            "}")
        .addSourceLines(
            "demo/ClosingClient.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "import java.util.concurrent.TimeUnit;",
            "class ClosingClient implements AutoCloseable {",
            "  private final ManagedChannel channel;",
            "  ClosingClient(String target) {",
            "    channel = ManagedChannelBuilder.forTarget(target).build();",
            "  }",
            "  String greet(String name) { return GreeterGrpc.newBlockingStub(channel).sayHello(name); }",
            "  @Override",
            "  public void close() throws InterruptedException {",
            "    channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fix_shutsTheChannelDownInAFinallyBlock() {
    refactoring()
        .addInputLines(
            "demo/Client.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "class Client {",
            "  String greet(String host, String name) {",
            "    ManagedChannel channel = ManagedChannelBuilder.forAddress(host, 443).build();",
            "    String reply = GreeterGrpc.newBlockingStub(channel).sayHello(name);",
            "    return reply;",
            "  }",
            "}")
        .addOutputLines(
            "demo/Client.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "class Client {",
            "  String greet(String host, String name) {",
            "    ManagedChannel channel = ManagedChannelBuilder.forAddress(host, 443).build();",
            "    String reply;",
            "    try {",
            "      reply = GreeterGrpc.newBlockingStub(channel).sayHello(name);",
            "    } finally {",
            "      channel.shutdown();",
            "    }",
            "    return reply;",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  @Test
  public void fix_fieldChannelShutDownInANewClose() {
    refactoring()
        .addInputLines(
            "demo/Client.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "class Client {",
            "  private final ManagedChannel channel;",
            "  Client(String target) {",
            "    channel = ManagedChannelBuilder.forTarget(target).build();",
            "  }",
            "  String greet(String name) { return GreeterGrpc.newBlockingStub(channel).sayHello(name); }",
            "}")
        .addOutputLines(
            "demo/Client.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "class Client implements AutoCloseable {",
            "  private final ManagedChannel channel;",
            "  Client(String target) {",
            "    channel = ManagedChannelBuilder.forTarget(target).build();",
            "  }",
            "  String greet(String name) { return GreeterGrpc.newBlockingStub(channel).sayHello(name); }",
            "",
            "  @Override",
            "  public void close() {",
            "    if (channel != null) {",
            "      channel.shutdown();",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * A server a builder builds and starts is owed {@code shutdown()} once {@code start()} returns:
   * a test that fails before its last line leaves the port bound. One whose {@code start()} fails
   * owes nothing (gRPC's {@code shutdown()} of a server never started releases nothing), and a
   * {@code main} that blocks in {@code awaitTermination()} has it terminated when that returns.
   */
  @Test
  public void serversStartedAndNotShutDown() {
    helper()
        .addSourceLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  String shutDownOnTheHappyPathOnly(Object service, ManagedChannel channel)",
            "      throws IOException {",
            "    // BUG: Diagnostic contains: gRPC server `server` is not shut down if"
                + " `GreeterGrpc.newBlockingStub(channel).sayHello(...)` throws",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    String reply = GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
            "    server.shutdownNow();",
            "    return reply;",
            "  }",
            "  int neverShutDown(Object service) throws IOException {",
            "    // BUG: Diagnostic contains: gRPC server `server` is not shut down on any path",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    return server.getPort();",
            "  }",
            "  void shutDownInFinally(Object service) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    try {",
            "      System.out.println(server.getPort());",
            "    } finally {",
            "      server.shutdown();",
            "    }",
            "  }",
            "  static void main(String[] args) throws IOException, InterruptedException {",
            "    Server server = ServerBuilder.forPort(8080).addService(new Object()).build().start();",
            "    server.awaitTermination();",
            "  }",
            "  Server startedForTheCaller(Object service) throws IOException {",
            "    return ServerBuilder.forPort(0).addService(service).build().start();",
            "  }",
            "  void builtButNeverStarted(Object service) {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build();",
            "    System.out.println(server);",
            "  }",
            "  void startedElsewhere(Server server) throws IOException {",
            "    server.start();",
            "  }",
            "  String builtThenStarted(Object service, ManagedChannel channel) throws IOException {",
            "    // BUG: Diagnostic contains: gRPC server `server` is not shut down if"
                + " `GreeterGrpc.newBlockingStub(channel).sayHello(...)` throws",
            "    Server server = ServerBuilder.forPort(0).addService(service).build();",
            "    server.start();",
            "    String reply = GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
            "    server.shutdown();",
            "    return reply;",
            "  }",
            "  void builtThenStartedAndShutDown(Object service) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build();",
            "    server.start();",
            "    server.shutdown();",
            "  }",
            "  void builtThenStartedInTry(Object service, ManagedChannel channel)"
                + " throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build();",
            "    try {",
            "      server.start();",
            "      GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
            "    } finally {",
            "      server.shutdownNow();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void serverKeptInAField() {
    helper()
        .addSourceLines(
            "demo/Leaky.java",
            "package demo;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class Leaky {",
            "  // BUG: Diagnostic contains: Field `server` holds a gRPC server created by `Leaky`,"
                + " but no method of `Leaky` shuts it down",
            "  private Server server;",
            "  void start(int port) throws IOException {",
            "    server = ServerBuilder.forPort(port).addService(new Object()).build().start();",
            "  }",
            "}")
        .addSourceLines(
            "demo/RouteGuideServer.java",
            "package demo;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "import java.util.concurrent.TimeUnit;",
            "class RouteGuideServer {",
            "  private final Server server;",
            "  RouteGuideServer(ServerBuilder<?> builder) {",
            "    server = builder.addService(new Object()).build();",
            "  }",
            "  void start() throws IOException { server.start(); }",
            "  void stop() throws InterruptedException {",
            "    server.shutdown().awaitTermination(30, TimeUnit.SECONDS);",
            "  }",
            "}")
        .addSourceLines(
            "demo/NeverStopped.java",
            "package demo;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class NeverStopped {",
            "  // BUG: Diagnostic contains: Field `server` holds a gRPC server created by"
                + " `NeverStopped`, but no method of `NeverStopped` shuts it down",
            "  private final Server server;",
            "  NeverStopped(ServerBuilder<?> builder) {",
            "    server = builder.addService(new Object()).build();",
            "  }",
            "  void start() throws IOException { server.start(); }",
            "}")
        .addSourceLines(
            "demo/HelloWorldServer.java",
            "package demo;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "import java.util.concurrent.TimeUnit;",
            "class HelloWorldServer {",
            "  private Server server;",
            "  void start(int port) throws IOException {",
            "    server = ServerBuilder.forPort(port).addService(new Object()).build().start();",
            "  }",
            "  void stop() throws InterruptedException {",
            "    if (server != null) {",
            "      server.shutdown().awaitTermination(30, TimeUnit.SECONDS);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fix_shutsTheServerDownInAFinallyBlock() {
    refactoring()
        .addInputLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  String greet(Object service, ManagedChannel channel) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    String reply = GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
            "    return reply;",
            "  }",
            "}")
        .addOutputLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  String greet(Object service, ManagedChannel channel) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    String reply;",
            "    try {",
            "      reply = GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
            "    } finally {",
            "      server.shutdown();",
            "    }",
            "    return reply;",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * The release the code already makes on its normal path moves into the {@code finally} as it is
   * written: a test's {@code shutdownNow()} cancels the calls still running, where {@code
   * shutdown()} would let them finish. The server's fix encloses the channel's, and each alone
   * would declare {@code reply} before its {@code try}: the channel's fix makes the server's edits
   * too and leaves the declaration to it, so that applied together (as here, and as {@code
   * -XepPatchChecks} applies them) they declare it once.
   */
  @Test
  public void fix_keepsTheReleaseTheCodeMakes() {
    refactoring()
        .addInputLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  String greet(Object service) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    ManagedChannel channel = ManagedChannelBuilder.forTarget(\"localhost\").build();",
            "    String reply = GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
            "    channel.shutdownNow();",
            "    server.shutdownNow();",
            "    return reply;",
            "  }",
            "}")
        .addOutputLines("demo/ServerTest.java", SERVER_AND_CHANNEL_IN_FINALLY)
        .doTest();
  }

  /** The code as the server's fix alone leaves it: the channel's fix composes with it. */
  @Test
  public void fix_innerFixOnTheNextBuild() {
    refactoring()
        .addInputLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  String greet(Object service) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    String reply;",
            "    try {",
            "      ManagedChannel channel = ManagedChannelBuilder.forTarget(\"localhost\").build();",
            "      reply = GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
            "      channel.shutdownNow();",
            "    } finally {",
            "      server.shutdownNow();",
            "    }",
            "    return reply;",
            "  }",
            "}")
        .addOutputLines("demo/ServerTest.java", SERVER_AND_CHANNEL_IN_FINALLY)
        .doTest();
  }

  @Test
  public void nestedPoolsBothGetAFix() {
    helper()
        .addSourceLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  String greet(Object service) throws IOException {",
            "    // BUG: Diagnostic contains: call `shutdown()` in a finally block.",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    // BUG: Diagnostic contains: call `shutdown()` in a finally block.",
            "    ManagedChannel channel = ManagedChannelBuilder.forTarget(\"localhost\").build();",
            "    String reply = GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
            "    channel.shutdownNow();",
            "    server.shutdownNow();",
            "    return reply;",
            "  }",
            "  String separate(Object service) throws IOException {",
            "    // BUG: Diagnostic contains: call `shutdown()` in a finally block.",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    // BUG: Diagnostic contains: call `shutdown()` in a finally block.",
            "    ManagedChannel channel = ManagedChannelBuilder.forTarget(\"localhost\").build();",
            "    GreeterGrpc.newBlockingStub(channel).sayHello(\"test\");",
            "    channel.shutdownNow();",
            "    server.shutdownNow();",
            "    return \"done\";",
            "  }",
            "}")
        .doTest();
  }

  /** A server built, then started on its own line: the {@code try} takes the start in. */
  @Test
  public void fix_builtThenStarted() {
    refactoring()
        .addInputLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  void greet(Object service, ManagedChannel channel) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build();",
            "    server.start();",
            "    System.out.println(GreeterGrpc.newBlockingStub(channel).sayHello(\"test\"));",
            "    server.shutdown();",
            "  }",
            "}")
        .addOutputLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  void greet(Object service, ManagedChannel channel) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build();",
            "    try {",
            "      server.start();",
            "      System.out.println(GreeterGrpc.newBlockingStub(channel).sayHello(\"test\"));",
            "    } finally {",
            "      server.shutdown();",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }
  /**
   * Three pools, each region inside the one before, all needed for the {@code reply} returned
   * after them: every fix makes the edits of the ones around it, and the declaration is made once.
   */
  @Test
  public void fix_threeNestedPoolsDeclareTheVariableOnce() {
    refactoring()
        .addInputLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  String greet(Object service) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    ManagedChannel first = ManagedChannelBuilder.forTarget(\"a\").build();",
            "    ManagedChannel second = ManagedChannelBuilder.forTarget(\"b\").build();",
            "    String reply = GreeterGrpc.newBlockingStub(first).sayHello(\"test\")",
            "        + GreeterGrpc.newBlockingStub(second).sayHello(\"test\");",
            "    second.shutdownNow();",
            "    first.shutdownNow();",
            "    server.shutdownNow();",
            "    return reply;",
            "  }",
            "}")
        .addOutputLines(
            "demo/ServerTest.java",
            "package demo;",
            "import io.grpc.examples.helloworld.GreeterGrpc;",
            "import io.grpc.ManagedChannel;",
            "import io.grpc.ManagedChannelBuilder;",
            "import io.grpc.Server;",
            "import io.grpc.ServerBuilder;",
            "import java.io.IOException;",
            "class ServerTest {",
            "  String greet(Object service) throws IOException {",
            "    Server server = ServerBuilder.forPort(0).addService(service).build().start();",
            "    String reply;",
            "    try {",
            "      ManagedChannel first = ManagedChannelBuilder.forTarget(\"a\").build();",
            "      try {",
            "        ManagedChannel second = ManagedChannelBuilder.forTarget(\"b\").build();",
            "        try {",
            "          reply = GreeterGrpc.newBlockingStub(first).sayHello(\"test\")",
            "              + GreeterGrpc.newBlockingStub(second).sayHello(\"test\");",
            "        } finally {",
            "          second.shutdownNow();",
            "        }",
            "      } finally {",
            "        first.shutdownNow();",
            "      }",
            "    } finally {",
            "      server.shutdownNow();",
            "    }",
            "    return reply;",
            "  }",
            "}")
        .doTest();
  }
}
