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

  /** A generated service class: its stubs call through the channel they are given. */
  private static final String[] GREETER_GRPC = {
    "package demo;",
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

  /** A refactoring helper that compiles gRPC's API beside the input, unchanged. */
  private BugCheckerRefactoringTestHelper refactoring() {
    return BugCheckerRefactoringTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .addInputLines("io/grpc/Channel.java", CHANNEL)
        .expectUnchanged()
        .addInputLines("io/grpc/ManagedChannel.java", MANAGED_CHANNEL)
        .expectUnchanged()
        .addInputLines("io/grpc/ManagedChannelBuilder.java", MANAGED_CHANNEL_BUILDER)
        .expectUnchanged()
        .addInputLines("demo/GreeterGrpc.java", GREETER_GRPC)
        .expectUnchanged();
  }

  private CompilationTestHelper helper() {
    return CompilationTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .addSourceLines("io/grpc/Channel.java", CHANNEL)
        .addSourceLines("io/grpc/ManagedChannel.java", MANAGED_CHANNEL)
        .addSourceLines("io/grpc/ManagedChannelBuilder.java", MANAGED_CHANNEL_BUILDER)
        .addSourceLines("demo/GreeterGrpc.java", GREETER_GRPC);
  }

  @Test
  public void channelsNotShutDown() {
    helper()
        .addSourceLines(
            "demo/Client.java",
            "package demo;",
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
}
