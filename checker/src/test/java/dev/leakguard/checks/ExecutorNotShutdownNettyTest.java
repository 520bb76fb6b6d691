package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link ExecutorNotShutdown} on Netty event loop groups: {@code new NioEventLoopGroup()} starts
 * non-daemon threads that only {@code shutdownGracefully()} stops; a bootstrap or a pipeline given
 * the group borrows it. Netty is not on the test class path: the classes below are its API as far
 * as the tests need it (a group is an executor service, as Netty's are).
 */
@RunWith(JUnit4.class)
public class ExecutorNotShutdownNettyTest {

  private static final String[] EVENT_EXECUTOR_GROUP = {
    "package io.netty.util.concurrent;",
    "import java.util.concurrent.ScheduledExecutorService;",
    "import java.util.concurrent.TimeUnit;",
    "public interface EventExecutorGroup extends ScheduledExecutorService {",
    "  java.util.concurrent.Future<?> shutdownGracefully();",
    "  java.util.concurrent.Future<?> shutdownGracefully(long quiet, long timeout, TimeUnit unit);",
    "}",
  };

  private static final String[] EVENT_LOOP_GROUP = {
    "package io.netty.channel;",
    "public interface EventLoopGroup extends io.netty.util.concurrent.EventExecutorGroup {}",
  };

  private static final String[] NIO_EVENT_LOOP_GROUP = {
    "package io.netty.channel.nio;",
    "import java.util.concurrent.Future;",
    "import java.util.concurrent.ScheduledThreadPoolExecutor;",
    "import java.util.concurrent.TimeUnit;",
    "public class NioEventLoopGroup extends ScheduledThreadPoolExecutor",
    "    implements io.netty.channel.EventLoopGroup {",
    "  public NioEventLoopGroup() { super(1); }",
    "  public NioEventLoopGroup(int threads) { super(threads); }",
    "  public Future<?> shutdownGracefully() { shutdown(); return null; }",
    "  public Future<?> shutdownGracefully(long quiet, long timeout, TimeUnit unit) {",
    "    return shutdownGracefully();",
    "  }",
    "}",
  };

  private static final String[] BOOTSTRAP = {
    "package io.netty.bootstrap;",
    "import io.netty.channel.EventLoopGroup;",
    "public class Bootstrap extends AbstractBootstrap<Bootstrap> {",
    "  public void connect(String host, int port) throws InterruptedException {",
    "    if (host.isEmpty()) throw new InterruptedException();",
    "  }",
    "}",
  };

  private static final String[] ABSTRACT_BOOTSTRAP = {
    "package io.netty.bootstrap;",
    "import io.netty.channel.EventLoopGroup;",
    "public abstract class AbstractBootstrap<B extends AbstractBootstrap<B>> {",
    "  private EventLoopGroup group;",
    "  @SuppressWarnings(\"unchecked\")",
    "  public B group(EventLoopGroup group) { this.group = group; return (B) this; }",
    "}",
  };

  /** A refactoring helper that compiles Netty's API beside the input, unchanged. */
  private BugCheckerRefactoringTestHelper refactoring() {
    return BugCheckerRefactoringTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .addInputLines("io/netty/util/concurrent/EventExecutorGroup.java", EVENT_EXECUTOR_GROUP)
        .expectUnchanged()
        .addInputLines("io/netty/channel/EventLoopGroup.java", EVENT_LOOP_GROUP)
        .expectUnchanged()
        .addInputLines("io/netty/channel/nio/NioEventLoopGroup.java", NIO_EVENT_LOOP_GROUP)
        .expectUnchanged()
        .addInputLines("io/netty/bootstrap/AbstractBootstrap.java", ABSTRACT_BOOTSTRAP)
        .expectUnchanged()
        .addInputLines("io/netty/bootstrap/Bootstrap.java", BOOTSTRAP)
        .expectUnchanged();
  }

  private CompilationTestHelper helper() {
    return CompilationTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .addSourceLines("io/netty/util/concurrent/EventExecutorGroup.java", EVENT_EXECUTOR_GROUP)
        .addSourceLines("io/netty/channel/EventLoopGroup.java", EVENT_LOOP_GROUP)
        .addSourceLines("io/netty/channel/nio/NioEventLoopGroup.java", NIO_EVENT_LOOP_GROUP)
        .addSourceLines("io/netty/bootstrap/AbstractBootstrap.java", ABSTRACT_BOOTSTRAP)
        .addSourceLines("io/netty/bootstrap/Bootstrap.java", BOOTSTRAP);
  }

  @Test
  public void eventLoopGroups() {
    helper()
        .addSourceLines(
            "demo/Client.java",
            "package demo;",
            "import io.netty.bootstrap.Bootstrap;",
            "import io.netty.channel.EventLoopGroup;",
            "import io.netty.channel.nio.NioEventLoopGroup;",
            "import java.util.concurrent.TimeUnit;",
            "class Client {",
            "  void shutDownOnTheHappyPathOnly(String host) throws InterruptedException {",
            "    // BUG: Diagnostic contains: Event loop group `group` is not shut down if"
                + " `b.group(group).connect(...)` throws; call `shutdownGracefully()` in a finally"
                + " block",
            "    EventLoopGroup group = new NioEventLoopGroup();",
            "    Bootstrap b = new Bootstrap();",
            "    b.group(group).connect(host, 80);",
            "    group.shutdownGracefully();",
            "  }",
            "  void shutDownInFinally(String host) throws InterruptedException {",
            "    EventLoopGroup group = new NioEventLoopGroup();",
            "    try {",
            "      new Bootstrap().group(group).connect(host, 80);",
            "    } finally {",
            "      group.shutdownGracefully(0, 5, TimeUnit.SECONDS);",
            "    }",
            "  }",
            "  void groupPerCall(String host) throws InterruptedException {",
            "    // BUG: Diagnostic contains: Event loop group `group` is not shut down on any path",
            "    NioEventLoopGroup group = new NioEventLoopGroup(2);",
            "    new Bootstrap().group(group).connect(host, 80);",
            "  }",
            "}")
        .addSourceLines(
            "demo/Holder.java",
            "package demo;",
            "import io.netty.bootstrap.Bootstrap;",
            "import io.netty.channel.EventLoopGroup;",
            "import io.netty.channel.nio.NioEventLoopGroup;",
            "class Holder {",
            "  // BUG: Diagnostic contains: Field `group` holds an event loop group created by its"
                + " initializer, but no method of `Holder` shuts it down; make `Holder`"
                + " AutoCloseable and call `group.shutdownGracefully()` in its close()",
            "  private final EventLoopGroup group = new NioEventLoopGroup();",
            "  void connect(String host) throws InterruptedException {",
            "    new Bootstrap().group(group).connect(host, 80);",
            "  }",
            "}")
        .addSourceLines(
            "demo/Stopping.java",
            "package demo;",
            "import io.netty.channel.EventLoopGroup;",
            "import io.netty.channel.nio.NioEventLoopGroup;",
            "class Stopping {",
            "  private final EventLoopGroup group = new NioEventLoopGroup();",
            "  void stop() { group.shutdownGracefully(); }",
            "}")
        .doTest();
  }

  @Test
  public void fix_shutsTheGroupDownGracefullyInAFinallyBlock() {
    refactoring()
        .addInputLines(
            "demo/Client.java",
            "package demo;",
            "import io.netty.bootstrap.Bootstrap;",
            "import io.netty.channel.EventLoopGroup;",
            "import io.netty.channel.nio.NioEventLoopGroup;",
            "class Client {",
            "  void run(String host) throws InterruptedException {",
            "    EventLoopGroup group = new NioEventLoopGroup();",
            "    new Bootstrap().group(group).connect(host, 80);",
            "    group.shutdownGracefully();",
            "  }",
            "}")
        .addOutputLines(
            "demo/Client.java",
            "package demo;",
            "import io.netty.bootstrap.Bootstrap;",
            "import io.netty.channel.EventLoopGroup;",
            "import io.netty.channel.nio.NioEventLoopGroup;",
            "class Client {",
            "  void run(String host) throws InterruptedException {",
            "    EventLoopGroup group = new NioEventLoopGroup();",
            "    try {",
            "      new Bootstrap().group(group).connect(host, 80);",
            "    } finally {",
            "      group.shutdownGracefully();",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * zookeeper {@code NettyServerCnxnFactory}: the boss group is made, then the worker group,
   * then both go to a bootstrap the object keeps (its {@code shutdown()} reads them back from the
   * bootstrap). When making the worker group or the bootstrap fails, the boss group's event loops
   * are lost: the fix shuts it down gracefully and rethrows, up to the store of the bootstrap that
   * holds it. The worker group is handed on in the statement after it, and is not reported.
   */
  @Test
  public void fix_groupHandedToAKeptBootstrapIsShutDownIfTheNextOneFails() {
    refactoring()
        .addInputLines(
            "demo/Factory.java",
            "package demo;",
            "import io.netty.bootstrap.Bootstrap;",
            "import io.netty.channel.EventLoopGroup;",
            "import io.netty.channel.nio.NioEventLoopGroup;",
            "class Factory {",
            "  private final Bootstrap bootstrap;",
            "  Factory(int threads) {",
            "    EventLoopGroup boss = new NioEventLoopGroup(1);",
            "    EventLoopGroup worker = new NioEventLoopGroup(threads);",
            "    Bootstrap b = new Bootstrap().group(boss).group(worker);",
            "    this.bootstrap = b;",
            "  }",
            "}")
        .addOutputLines(
            "demo/Factory.java",
            "package demo;",
            "import io.netty.bootstrap.Bootstrap;",
            "import io.netty.channel.EventLoopGroup;",
            "import io.netty.channel.nio.NioEventLoopGroup;",
            "class Factory {",
            "  private final Bootstrap bootstrap;",
            "  Factory(int threads) {",
            "    EventLoopGroup boss = new NioEventLoopGroup(1);",
            "    Bootstrap b;",
            "    try {",
            "      EventLoopGroup worker = new NioEventLoopGroup(threads);",
            "      b = new Bootstrap().group(boss).group(worker);",
            "    } catch (Throwable e) {",
            "      try {",
            "        boss.shutdownGracefully();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "    this.bootstrap = b;",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * The false alarm of the first cut, from zookeeper {@code NettyServerCnxnFactory}: a bootstrap
   * the object keeps (here through a configuring helper into a field) keeps the group it was given,
   * and the object shuts it down through {@code bootstrap.config()}. Only a bootstrap that stays in
   * the method borrows the group (the positive beside it).
   */
  @Test
  public void groupGoesWithABootstrapTheObjectKeeps() {
    helper()
        .addSourceLines(
            "demo/Factory.java",
            "package demo;",
            "import io.netty.bootstrap.Bootstrap;",
            "import io.netty.channel.EventLoopGroup;",
            "import io.netty.channel.nio.NioEventLoopGroup;",
            "class Factory {",
            "  private Bootstrap bootstrap;",
            "  private Bootstrap configure(Bootstrap b) { return b; }",
            "  void keptThroughAHelper() {",
            "    EventLoopGroup group = new NioEventLoopGroup();",
            "    Bootstrap b = new Bootstrap().group(group);",
            "    this.bootstrap = configure(b);",
            "  }",
            "  Bootstrap returned() {",
            "    EventLoopGroup group = new NioEventLoopGroup();",
            "    return new Bootstrap().group(group);",
            "  }",
            "  void keptInALambda(java.util.function.Consumer<Runnable> later) {",
            "    EventLoopGroup group = new NioEventLoopGroup();",
            "    Bootstrap b = new Bootstrap().group(group);",
            "    later.accept(() -> this.bootstrap = b);",
            "  }",
            "  void staysHere(String host) throws InterruptedException {",
            "    // BUG: Diagnostic contains: Event loop group `group` is not shut down on any path",
            "    EventLoopGroup group = new NioEventLoopGroup();",
            "    Bootstrap b = ((Bootstrap) new Bootstrap().group(group));",
            "    b.connect(host, 80);",
            "  }",
            "}")
        .doTest();
  }
}
