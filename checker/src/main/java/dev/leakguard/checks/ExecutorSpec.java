package dev.leakguard.checks;

import com.google.common.collect.ImmutableList;
import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.method.MethodMatchers.constructor;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.predicates.TypePredicates;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.config.LeakGuardOptions;
import dev.leakguard.flow.FieldLifecycle.OwnedField;
import dev.leakguard.flow.FieldReleases;
import dev.leakguard.flow.ObligationSpec;
import dev.leakguard.flow.OwnershipSummaries;
import dev.leakguard.flow.OwnershipSummaries.ReturnSummary;
import dev.leakguard.trees.TypeNames;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ExecutorNotShutdown} spec: thread pools and timers are acquired by the JDK factories
 * and constructors that start threads, released by {@code shutdown()}, {@code shutdownNow()},
 * {@code close()} (a {@code Timer}: {@code cancel()}), and handed off when stored, registered or
 * given to a constructor that keeps them.
 *
 * <p>Passing a pool as the {@code Executor} of an asynchronous call ({@code
 * CompletableFuture.supplyAsync(task, pool)}, {@code future.addListener(r, pool)}) only lends it:
 * the callee submits work and forgets the pool, so its lifetime stays the caller's. Passing it to a
 * constructor, a setter, a builder or a registry hands the pool to an object that outlives the call
 * and keeps using it, so the caller no longer owes the shutdown. {@code awaitTermination} alone
 * never shuts anything down.
 *
 * <p>A gRPC {@code ManagedChannel} is one too: its builder's {@code build()} starts the channel's
 * name resolution, transports and timers on shared pools, which only {@code shutdown()} or {@code
 * shutdownNow()} give back (gRPC logs "was not shutdown properly" for each one collected open). A
 * stub made on it ({@code FooGrpc.newBlockingStub(channel)}) borrows it.
 *
 * <p>So is a gRPC {@code Server} once {@code start()} returns: it listens on its port and serves on
 * its pools until {@code shutdown()} or {@code shutdownNow()} (a test that fails before its last
 * line leaves the port bound for the next one). Only a started server owes it: gRPC's {@code
 * shutdown()} of a server never started, or whose {@code start()} failed, releases nothing. Built
 * and started in one expression it is an acquisition; built into a variable, it owes nothing
 * until its {@code start()} returns. A no-argument {@code awaitTermination()} returns only once
 * the server has terminated, so it ends the obligation too (the {@code main} that blocks on its
 * server).
 *
 * <p>So is a Netty event loop group ({@code new NioEventLoopGroup()}, any {@code
 * EventExecutorGroup}): its threads are not daemons either, and Netty releases it with {@code
 * shutdownGracefully()}, the form its own examples put in a {@code finally}.
 *
 * <p>The {@code ExtraTypes} option adds executor-like types of a project or vendor: {@code new T(…)}
 * acquires one, and its {@code shutdown()}, {@code shutdownNow()} or {@code close()} releases it.
 * The {@code ExtraFactories} option adds methods that return a new executor.
 */
final class ExecutorSpec implements ObligationSpec {
  private static final Matcher<ExpressionTree> POOL_CONFIGURATION =
      instanceMethod()
          .onDescendantOfAny(
              "java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.ForkJoinPool")
          .namedAnyOf(
              "setCorePoolSize",
              "setMaximumPoolSize",
              "setKeepAliveTime",
              "setThreadFactory",
              "setRejectedExecutionHandler",
              "allowCoreThreadTimeOut",
              "prestartCoreThread",
              "prestartAllCoreThreads",
              "setRemoveOnCancelPolicy",
              "setContinueExistingPeriodicTasksAfterShutdownPolicy",
              "setExecuteExistingDelayedTasksAfterShutdownPolicy");


  static final String EXECUTOR_SERVICE = "java.util.concurrent.ExecutorService";
  static final String TIMER = "java.util.Timer";
  static final String GRPC_CHANNEL = "io.grpc.ManagedChannel";
  static final String GRPC_SERVER = "io.grpc.Server";
  static final String NETTY_EXECUTOR_GROUP = "io.netty.util.concurrent.EventExecutorGroup";
  private static final String EXECUTOR = "java.util.concurrent.Executor";
  private static final String EXECUTORS = "java.util.concurrent.Executors";
  private static final String MORE_EXECUTORS = "com.google.common.util.concurrent.MoreExecutors";

  /** The {@code Executors} factories that start a new pool (never the common pool). */
  private static final Matcher<ExpressionTree> EXECUTORS_FACTORY =
      staticMethod()
          .onClass(EXECUTORS)
          .namedAnyOf(
              "newFixedThreadPool",
              "newCachedThreadPool",
              "newSingleThreadExecutor",
              "newScheduledThreadPool",
              "newSingleThreadScheduledExecutor",
              "newWorkStealingPool",
              "newVirtualThreadPerTaskExecutor",
              "newThreadPerTaskExecutor");

  /**
   * {@code ManagedChannelBuilder.forTarget(t).usePlaintext().build()}, and the same of every
   * transport's builder ({@code NettyChannelBuilder}, {@code InProcessChannelBuilder}).
   */
  private static final Matcher<ExpressionTree> CHANNEL_BUILD =
      instanceMethod()
          .onDescendantOf("io.grpc.ManagedChannelBuilder")
          .named("build")
          .withNoParameters();

  /**
   * {@code ServerBuilder.forPort(p).addService(s).build().start()}: the server a builder has just
   * built, started. Not {@code server.start()} on a variable, whose value was made elsewhere.
   */
  private static final Matcher<ExpressionTree> SERVER_START =
      instanceMethod().onDescendantOf(GRPC_SERVER).named("start").withNoParameters();

  private static final Matcher<ExpressionTree> SERVER_BUILD =
      instanceMethod().onDescendantOf("io.grpc.ServerBuilder").named("build").withNoParameters();

  /** The JDK's pool classes, whose constructors start no thread: the first task does. */
  private static final ImmutableSet<String> LAZY_POOLS =
      ImmutableSet.of(
          "java.util.concurrent.ThreadPoolExecutor",
          "java.util.concurrent.ScheduledThreadPoolExecutor",
          "java.util.concurrent.ForkJoinPool");

  /** Calls that configure a pool or read its state, and start no thread. */
  private static final Pattern CONFIGURES_OR_READS =
      Pattern.compile("(set|get|is)[A-Z].*|allowCoreThreadTimeOut|toString|hashCode|equals");

  /** A pool whose first task is not accepted ({@code execute} throws) started no thread for it. */
  @Override
  public boolean receiverOwesOnceReturned(MethodInvocationTree call, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return receiver != null && isSubtype(ASTHelpers.getType(receiver), EXECUTOR_SERVICE, state);
  }

  /**
   * A pool that has not run a task yet (acquired {@link Condition#WHEN_USED}) is put to use by any
   * call on it but one that configures it or reads its state ({@code
   * pool.setRejectedExecutionHandler(h)}, {@code pool.getPoolSize()}).
   */
  @Override
  public boolean usesDormant(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = methodSymbol(call);
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return method == null
        || receiver == null
        || !isSubtype(ASTHelpers.getType(receiver), EXECUTOR_SERVICE, state)
        || !CONFIGURES_OR_READS.matcher(method.getSimpleName().toString()).matches();
  }

  /** {@code new ThreadPoolExecutor(...)}, its subclasses and {@code new ForkJoinPool(...)}. */
  private static final Matcher<ExpressionTree> POOL_CONSTRUCTOR =
      constructor()
          .forClass(
              TypePredicates.isDescendantOfAny(
                  ImmutableList.of(
                      "java.util.concurrent.ThreadPoolExecutor",
                      "java.util.concurrent.ForkJoinPool")));

  /** {@code new NioEventLoopGroup()}, {@code new DefaultEventExecutorGroup(n)}. */
  private static final Matcher<ExpressionTree> EVENT_LOOP_GROUP_CONSTRUCTOR =
      constructor().forClass(TypePredicates.isDescendantOf(NETTY_EXECUTOR_GROUP));

  private static final Matcher<ExpressionTree> TIMER_CONSTRUCTOR =
      constructor().forClass(TypePredicates.isDescendantOf(TIMER));

  private static final Matcher<ExpressionTree> PERIODIC_SCHEDULE =
      anyOf(
          instanceMethod().onDescendantOf(TIMER).named("scheduleAtFixedRate"),
          instanceMethod()
              .onDescendantOf(TIMER)
              .named("schedule")
              .withParameters("java.util.TimerTask", "long", "long"),
          instanceMethod()
              .onDescendantOf(TIMER)
              .named("schedule")
              .withParameters("java.util.TimerTask", "java.util.Date", "long"));

  /**
   * {@code new Timer("name", true)} given a repeating task in the method that makes it (h2
   * ThreadDeadlockDetector): a daemon service meant to run for the life of the program, which
   * cannot keep the JVM alive; cancelling it in a {@code finally} would stop the task it exists for.
   */
  private static boolean isDaemonServiceTimer(NewClassTree creation, VisitorState state) {
    List<? extends ExpressionTree> arguments = creation.getArguments();
    if (arguments.isEmpty()
        || !(arguments.get(arguments.size() - 1) instanceof LiteralTree daemon)
        || !Boolean.TRUE.equals(daemon.getValue())
        || state.getPath() == null) {
      return false;
    }
    Symbol[] variable = {null};
    boolean[] periodic = {false};
    TreeScanner<Void, Void> scanner =
        new TreeScanner<Void, Void>() {
          @Override
          public Void visitVariable(VariableTree tree, Void unused) {
            if (tree.getInitializer() == creation) {
              variable[0] = ASTHelpers.getSymbol(tree);
            }
            return super.visitVariable(tree, null);
          }

          @Override
          public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
            if (PERIODIC_SCHEDULE.matches(call, state)) {
              ExpressionTree receiver = ASTHelpers.getReceiver(call);
              periodic[0] |=
                  receiver == creation
                      || (receiver != null
                          && variable[0] != null
                          && ASTHelpers.getSymbol(receiver) == variable[0]);
            }
            return super.visitMethodInvocation(call, null);
          }
        };
    scanner.scan(state.getPath().getLeaf(), null);
    return periodic[0];
  }

  /** Calls whose result owns the pool passed in: shutting the result down shuts the pool down. */
  private static final Matcher<ExpressionTree> WRAPPERS =
      anyOf(
          staticMethod()
              .onClass(EXECUTORS)
              .namedAnyOf("unconfigurableExecutorService", "unconfigurableScheduledExecutorService"),
          staticMethod().onClass(MORE_EXECUTORS).named("listeningDecorator"));

  /** Calls that take over a pool's shutdown: a JVM shutdown hook shuts it down at exit. */
  private static final Matcher<ExpressionTree> SHUTDOWN_HOOKS =
      staticMethod()
          .onClass(MORE_EXECUTORS)
          .namedAnyOf("getExitingExecutorService", "getExitingScheduledExecutorService", "addDelayedShutdownHook");

  /** Library calls that shut down their first argument. */
  private static final Matcher<ExpressionTree> SHUTDOWN_UTILITY =
      staticMethod().onClass(MORE_EXECUTORS).named("shutdownAndAwaitTermination");

  /**
   * Classes whose methods take an {@code Executor} only to run callbacks on it: the pool is
   * borrowed for the call, never owned.
   */
  private static final ImmutableSet<String> ASYNC_CALL_OWNERS =
      ImmutableSet.of(
          "java.util.concurrent.CompletableFuture",
          "java.util.concurrent.CompletionStage",
          "java.util.concurrent.ExecutorCompletionService",
          "java.util.concurrent.Executors",
          "com.google.common.util.concurrent.Futures",
          "com.google.common.util.concurrent.FluentFuture",
          "com.google.common.util.concurrent.ListenableFuture",
          "com.google.common.util.concurrent.ListenableFutureTask",
          "com.google.common.util.concurrent.ClosingFuture");

  /**
   * A Netty pipeline runs handlers on the event loop group it is given and never shuts it down:
   * {@code pipeline.addLast(group, handler)} borrows the group. A bootstrap's does too while the
   * bootstrap stays in the method ({@link NettyBootstraps}).
   */
  private static final String PIPELINE = "io.netty.channel.ChannelPipeline";

  /** Method names of collections and maps that store their argument. */
  private static final ImmutableSet<String> STORING_COLLECTION_METHODS =
      ImmutableSet.of(
          "add", "addAll", "addFirst", "addLast", "offer", "offerFirst", "offerLast", "push", "put",
          "putIfAbsent", "putAll", "set", "replace", "addElement", "insertElementAt", "setElementAt");

  /** Names of methods that keep their argument beyond the call: setters, registries, lifecycles. */
  private static final Pattern STORING_METHOD_NAME =
      Pattern.compile("(set|register|manage|add|attach|bind|own|track|adopt)([A-Z].*)?");

  /** Names of user helpers that shut down what they are given ({@code shutdownQuietly(pool)}). */
  private static final Pattern SHUTDOWN_HELPER_NAME =
      Pattern.compile(
          "(?i).*(shutdown|close|stop|terminate|dispose|destroy|cancel|kill).*");

  private static final Pattern AWAIT = Pattern.compile("(?i).*await.*");

  /** {@code -XepOpt:ExecutorNotShutdown:ExtraTypes}. */
  private final ImmutableList<String> extraTypes;

  /** {@code new T(…)} of an {@code ExtraTypes} type or a subtype. */
  private final Matcher<ExpressionTree> extraConstructor;

  /** {@code -XepOpt:ExecutorNotShutdown:ExtraFactories}. */
  private final Matcher<ExpressionTree> extraFactory;

  /** Whether the ExtraTypes or ExtraFactories option names anything. */
  private final boolean hasExtras;

  ExecutorSpec(LeakGuardOptions options) {
    this.extraTypes = options.executorExtraTypes();
    this.hasExtras = !extraTypes.isEmpty() || !options.executorExtraFactories().isEmpty();
    this.extraConstructor =
        extraTypes.isEmpty()
            ? (tree, state) -> false
            : constructor().forClass(TypePredicates.isDescendantOfAny(extraTypes));
    this.extraFactory = ResourceSpec.anyOfMethods(options.executorExtraFactories());
  }

  /** What an executor-like acquisition is, for messages and for choosing the release call. */
  enum Kind {
    EXECUTOR("executor", "executors", "shutdown"),
    FORK_JOIN_POOL("fork-join pool", "executors", "shutdown"),
    TIMER("timer", "timers", "cancel"),
    CHANNEL("gRPC channel", "channels", "shutdown"),
    SERVER("gRPC server", "servers", "shutdown"),
    EVENT_LOOP_GROUP("event loop group", "event loop groups", "shutdownGracefully");

    final String noun;
    final String plural;
    final String releaseMethod;

    Kind(String noun, String plural, String releaseMethod) {
      this.noun = noun;
      this.plural = plural;
      this.releaseMethod = releaseMethod;
    }

    /** "an executor", "a timer". */
    String withArticle() {
      return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    /** The kind of what a value of {@code type} is, as far as this spec tracks it. */
    static Kind of(@Nullable Type type, VisitorState state) {
      if (isSubtype(type, ExecutorSpec.TIMER, state)) {
        return TIMER;
      }
      if (isSubtype(type, GRPC_CHANNEL, state)) {
        return CHANNEL;
      }
      if (isSubtype(type, GRPC_SERVER, state)) {
        return SERVER;
      }
      if (isSubtype(type, NETTY_EXECUTOR_GROUP, state)) {
        return EVENT_LOOP_GROUP;
      }
      return isSubtype(type, "java.util.concurrent.ForkJoinPool", state)
          ? FORK_JOIN_POOL
          : EXECUTOR;
    }
  }

  /** The kind an acquisition string names, or null for a foreign acquisition. */
  static @Nullable Kind kindOf(Acquisition acquisition) {
    for (Kind kind : Kind.values()) {
      if (kind.noun.equals(acquisition.kind())) {
        return kind;
      }
    }
    return null;
  }

  @Override
  public @Nullable Acquisition acquisitionAt(ExpressionTree expression, VisitorState state) {
    try {
      if (!hasExtras && !mayBePool(ASTHelpers.getType(expression), state)) {
        // Asked of every call and `new`: without the Extra options, every acquisition below makes
        // an ExecutorService (the Executors factories, the pool constructors, a returned pool) or
        // a Timer, so one cached type test answers for nearly all of them.
        return null;
      }
      if (EXECUTORS_FACTORY.matches(expression, state)) {
        // The JDK's pools start their threads with the first task: one dropped before it holds
        // nothing (jgroups ThreadPool.createThreadPool, when parsing the rejection policy fails).
        return new Acquisition(Condition.WHEN_USED, null, Kind.EXECUTOR.noun);
      }
      if (CHANNEL_BUILD.matches(expression, state)
          && isSubtype(ASTHelpers.getType(expression), GRPC_CHANNEL, state)) {
        return new Acquisition(Condition.ALWAYS, null, Kind.CHANNEL.noun);
      }
      if (expression instanceof MethodInvocationTree call && startsTheServerItBuilds(call, state)) {
        return new Acquisition(Condition.ALWAYS, null, Kind.SERVER.noun);
      }
      if (expression instanceof MethodInvocationTree && extraFactory.matches(expression, state)) {
        return new Acquisition(
            Condition.ALWAYS, null, Kind.of(ASTHelpers.getType(expression), state).noun);
      }
      if (expression instanceof NewClassTree) {
        if (TIMER_CONSTRUCTOR.matches(expression, state)) {
          return isDaemonServiceTimer((NewClassTree) expression, state)
              ? null
              : new Acquisition(Condition.ALWAYS, null, Kind.TIMER.noun);
        }
        if (EVENT_LOOP_GROUP_CONSTRUCTOR.matches(expression, state)) {
          return new Acquisition(Condition.ALWAYS, null, Kind.EVENT_LOOP_GROUP.noun);
        }
        if (POOL_CONSTRUCTOR.matches(expression, state)) {
          Type pool = ASTHelpers.getType(expression);
          boolean forkJoin = isSubtype(pool, "java.util.concurrent.ForkJoinPool", state);
          // A subclass's constructor may start threads (prestartAllCoreThreads()); the JDK's own
          // classes start none before the first task.
          return new Acquisition(
              pool != null && LAZY_POOLS.contains(pool.tsym.getQualifiedName().toString())
                  ? Condition.WHEN_USED
                  : Condition.ALWAYS,
              null,
              (forkJoin ? Kind.FORK_JOIN_POOL : Kind.EXECUTOR).noun);
        }
        if (extraConstructor.matches(expression, state)) {
          return new Acquisition(Condition.ALWAYS, null, Kind.EXECUTOR.noun);
        }
      }
      if (expression instanceof MethodInvocationTree call) {
        return returnedPool(call, state);
      }
    } catch (RuntimeException e) {
      // A matcher meeting an unattributed synthetic tree: such a tree acquires nothing.
      return null;
    }
    return null;
  }

  /**
   * A server a builder builds into a field ({@code server = builder.build();}, started by another
   * method): the class keeps it, and is the one to shut it down.
   */
  @Override
  public @Nullable Acquisition storedAcquisitionAt(ExpressionTree expression, VisitorState state) {
    Acquisition acquisition = acquisitionAt(expression, state);
    return acquisition != null ? acquisition : dormantAt(expression, state);
  }

  /** {@code builder.build().start()}: the value {@code start()} returns is the server. */
  private static boolean startsTheServerItBuilds(MethodInvocationTree call, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return receiver != null
        && SERVER_START.matches(call, state)
        && SERVER_BUILD.matches(ASTHelpers.stripParentheses(receiver), state);
  }

  private static final Creation STARTS_SERVER =
      new Creation(ImmutableList.of(Operand.RECEIVER), "starts it", false);

  /**
   * {@code server.start()} on a server a builder built in this method ({@link #dormantAt}): owed
   * from then on. Not when it fails: gRPC's {@code shutdown()} of a server whose {@code start()}
   * failed releases nothing.
   */
  @Override
  public @Nullable Creation creationBy(MethodInvocationTree call, VisitorState state) {
    // Asked of every call of every method: the name first.
    return call.getArguments().isEmpty()
            && call.getMethodSelect() instanceof MemberSelectTree select
            && select.getIdentifier().contentEquals("start")
            && SERVER_START.matches(call, state)
            && !startsTheServerItBuilds(call, state)
        ? STARTS_SERVER
        : null;
  }

  @Override
  public boolean hasCreations() {
    return true;
  }

  /**
   * {@code Server server = builder.build();}: a server that owes nothing until its {@code
   * start()} returns ({@link #creationBy}). Built and started in one expression, it is an
   * acquisition ({@link #acquisitionAt}).
   */
  @Override
  public @Nullable Acquisition dormantAt(ExpressionTree expression, VisitorState state) {
    return expression instanceof MethodInvocationTree
            && SERVER_BUILD.matches(expression, state)
            && isSubtype(ASTHelpers.getType(expression), GRPC_SERVER, state)
        ? new Acquisition(Condition.WHEN_CREATED, null, Kind.SERVER.noun)
        : null;
  }

  /**
   * A pool that a call returns for its caller to shut down: a method of the compilation whose every
   * returned value is a new pool ({@link OwnershipSummaries}), or a library's static factory whose
   * name says it makes one ({@code ThreadUtils.newThreadPoolExecutor(…)}); null otherwise.
   */
  private @Nullable Acquisition returnedPool(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = methodSymbol(call);
    Type type = ASTHelpers.getType(call);
    if (method == null
        || !(isSubtype(type, EXECUTOR_SERVICE, state)
            || isSubtype(type, TIMER, state)
            || isSubtype(type, GRPC_CHANNEL, state)
            || isSubtype(type, GRPC_SERVER, state))) {
      return null;
    }
    Kind kind = Kind.of(type, state);
    String callee = method.getSimpleName() + (call.getArguments().isEmpty() ? "()" : "(...)");
    ReturnSummary summary = OwnershipSummaries.of(state).returnSummary(method, this, state);
    return switch (summary.returns()) {
      case OWNED ->
          new Acquisition(
              Condition.ALWAYS, null, kind.noun, "`" + callee + "` returns " + summary.fresh());
      case NOT_OWNED -> null;
      case NO_SOURCE ->
          method.isStatic()
                  && kind == Kind.EXECUTOR
                  && POOL_FACTORY_NAME.matcher(method.getSimpleName().toString()).matches()
                  && !isSubtype(method.owner.type, MORE_EXECUTORS, state)
                  && !method.owner.getQualifiedName().toString().startsWith("java.")
              ? new Acquisition(
                  Condition.ALWAYS,
                  null,
                  kind.noun,
                  "`" + callee + "` starts a new pool, as its name says")
              : null;
    };
  }

  /**
   * A static factory of a library's pools: {@code newThreadPoolExecutor}, {@code
   * createScheduledExecutor}. Guava's {@code MoreExecutors} (direct executors: no threads) and the
   * JDK (whose factories are listed above) are excluded.
   */
  private static final Pattern POOL_FACTORY_NAME =
      Pattern.compile("(new|create)\\w*(Executor|Pool|ExecutorService)");

  @Override
  public Operand releasedOperand(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = methodSymbol(call);
    if (method == null) {
      return Operand.NONE;
    }
    String name = method.getSimpleName().toString();
    if (isReleaseMethodOf(name, method, ASTHelpers.getReceiver(call), state)) {
      return Operand.RECEIVER;
    }
    if (SHUTDOWN_UTILITY.matches(call, state)) {
      return Operand.argument(0);
    }
    // A helper such as shutdownQuietly(pool) or closeAll(timer): its name says it releases.
    if (SHUTDOWN_HELPER_NAME.matcher(name).matches() && !AWAIT.matcher(name).matches()) {
      List<? extends ExpressionTree> arguments = call.getArguments();
      for (int i = 0; i < arguments.size(); i++) {
        if (isExecutorLike(ASTHelpers.getType(arguments.get(i)), state)) {
          return Operand.argument(i);
        }
      }
    }
    return Operand.NONE;
  }

  /**
   * Whether {@code name} called on {@code receiver} is a release: {@code shutdown}, {@code
   * shutdownNow} or {@code close} of an {@code ExecutorService}, {@code shutdown} or {@code
   * shutdownNow} of a gRPC {@code ManagedChannel} or {@code Server} (and a server's no-argument
   * {@code awaitTermination}), {@code shutdownGracefully} (any overload) of a
   * Netty {@code EventExecutorGroup}, {@code cancel} of a {@code Timer}.
   * Reads the receiver's type as well as the method's owner, so that the {@code close()} a
   * try-with-resources adds is recognised whichever symbol it was resolved to. The same three
   * names release an {@code ExtraTypes} type.
   */
  boolean isReleaseMethodOf(
      String name, MethodSymbol method, @Nullable ExpressionTree receiver, VisitorState state) {
    Type owner = method.owner == null ? null : method.owner.type;
    Type receiverType = receiver == null ? owner : ASTHelpers.getType(receiver);
    if (name.equals("shutdownGracefully")) {
      // With or without its quiet period and timeout.
      return isSubtype(receiverType, NETTY_EXECUTOR_GROUP, state)
          || isSubtype(owner, NETTY_EXECUTOR_GROUP, state);
    }
    if (!method.getParameters().isEmpty()) {
      return false;
    }
    switch (name) {
      case "shutdown", "shutdownNow", "close" -> {
        return isSubtype(receiverType, EXECUTOR_SERVICE, state)
            || isSubtype(owner, EXECUTOR_SERVICE, state)
            || (!name.equals("close")
                && (isSubtype(receiverType, GRPC_CHANNEL, state)
                    || isSubtype(owner, GRPC_CHANNEL, state)
                    || isSubtype(receiverType, GRPC_SERVER, state)
                    || isSubtype(owner, GRPC_SERVER, state)))
            || isExtraType(receiverType, state)
            || isExtraType(owner, state);
      }
      case "cancel" -> {
        return isSubtype(receiverType, TIMER, state) || isSubtype(owner, TIMER, state);
      }
      case "awaitTermination" -> {
        // Without a timeout it returns only once the server has terminated.
        return isSubtype(receiverType, GRPC_SERVER, state) || isSubtype(owner, GRPC_SERVER, state);
      }
      default -> {
        return false;
      }
    }
  }

  @Override
  public ArgumentEffect argumentEffect(ExpressionTree callOrNew, int index, VisitorState state) {
    if (WRAPPERS.matches(callOrNew, state)) {
      return ArgumentEffect.WRAPS;
    }
    if (SHUTDOWN_HOOKS.matches(callOrNew, state)) {
      return ArgumentEffect.TAKES_OWNERSHIP;
    }
    Symbol symbol = ASTHelpers.getSymbol(callOrNew);
    if (!(symbol instanceof MethodSymbol method)) {
      return ArgumentEffect.BORROWS;
    }
    Symbol owner = method.owner;
    Type ownerType = owner == null ? null : owner.type;
    if (isAsyncCallOwner(ownerType, state)) {
      // supplyAsync(task, pool), new ExecutorCompletionService<>(pool), addListener(r, pool).
      return ArgumentEffect.BORROWS;
    }
    if (isSubtype(ownerType, PIPELINE, state)
        || (isSubtype(ownerType, NettyBootstraps.ABSTRACT_BOOTSTRAP, state)
            && !NettyBootstraps.keptBeyondTheMethod(callOrNew, state))) {
      return ArgumentEffect.BORROWS;
    }
    if (callOrNew instanceof NewClassTree || method.isConstructor()) {
      // new Server(pool), this(pool), super(pool): an object that keeps the pool owns it.
      return ArgumentEffect.TAKES_OWNERSHIP;
    }
    String name = method.getSimpleName().toString();
    if (isSubtype(ownerType, "java.util.Collection", state)
        || isSubtype(ownerType, "java.util.Map", state)) {
      // pools.add(pool), byName.put(name, pool); List.of(a, b) and friends build a holder too.
      return STORING_COLLECTION_METHODS.contains(name) || method.isStatic()
          ? ArgumentEffect.TAKES_OWNERSHIP
          : ArgumentEffect.BORROWS;
    }
    if (STORING_METHOD_NAME.matcher(name).matches()) {
      // server.setExecutor(pool), closer.register(pool), lifecycle.manage(pool).
      return ArgumentEffect.TAKES_OWNERSHIP;
    }
    if (callOrNew instanceof MethodInvocationTree call
        && callsOwnClass(call, method, state)
        && storesInAFieldItShutsDown(method, index, state)) {
      // init(pool, …) of the object's own class, which stores it in a field that the class shuts
      // down (mina's ExecutorFilter: destroy()): the object owns it, as after `this.executor =
      // pool`. Another object's registerProcessor(…, pool) still lends it; so does a helper whose
      // field nothing shuts down, which leaves the leak where the pool is made.
      return ArgumentEffect.TAKES_OWNERSHIP;
    }
    Type returned = method.getReturnType();
    if (!method.isStatic()
        && returned != null
        && ownerType != null
        && state.getTypes().isSameType(state.getTypes().erasure(returned), state.getTypes().erasure(ownerType))
        && !isExecutorLike(returned, state)) {
      // A fluent builder call, HttpClient.newBuilder().executor(pool): the built object keeps it.
      return ArgumentEffect.TAKES_OWNERSHIP;
    }
    // Any other call uses the pool and returns: submitAll(pool, tasks), log.info("{}", pool).
    return ArgumentEffect.BORROWS;
  }

  /**
   * Whether {@code call} is a method of the class whose code makes it, on that object or the class
   * itself ({@code init(pool)}, {@code this.init(pool)}, a static helper of the class).
   */
  private static boolean callsOwnClass(
      MethodInvocationTree call, MethodSymbol method, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver != null
        && !(receiver instanceof IdentifierTree self && self.getName().contentEquals("this"))) {
      return false;
    }
    ClassTree enclosing = state.getPath() == null ? null : state.findEnclosing(ClassTree.class);
    ClassSymbol caller = enclosing == null ? null : ASTHelpers.getSymbol(enclosing);
    return caller != null
        && method.owner instanceof ClassSymbol owner
        && caller.isSubClass(owner, state.getTypes());
  }

  /**
   * Whether {@code method}'s source assigns its parameter {@code index} to a field of its class
   * that code of this file shuts down.
   */
  private boolean storesInAFieldItShutsDown(MethodSymbol method, int index, VisitorState state) {
    return state.getPath() != null
        && OwnershipSummaries.of(state).fieldsStoring(method, index, state).stream()
            .anyMatch(field -> FieldReleases.releasedInUnit(field, state.getPath(), this, state));
  }

  @Override
  public boolean mayThrow(MethodInvocationTree call, VisitorState state) {
    // Configuring a pool before handing it off (`setRemoveOnCancelPolicy(true)`,
    // `allowCoreThreadTimeOut(true)`) and reading it are not leak paths.
    return !ObligationSpec.isAccessor(call) && !POOL_CONFIGURATION.matches(call, state);
  }

  @Override
  public String leakVerb() {
    return "is not shut down";
  }

  /**
   * Whether {@code type} is an {@code Executor}, a {@code Timer}, a gRPC {@code ManagedChannel} or
   * {@code Server}, or an {@code ExtraTypes} type: what this spec acquires.
   */
  boolean isExecutorLike(@Nullable Type type, VisitorState state) {
    return isSubtype(type, EXECUTOR, state)
        || isSubtype(type, TIMER, state)
        || isSubtype(type, GRPC_CHANNEL, state)
        || isSubtype(type, GRPC_SERVER, state)
        || isExtraType(type, state);
  }

  /** Whether {@code type} is one of the {@code ExtraTypes} option's types or a subtype. */
  boolean isExtraType(@Nullable Type type, VisitorState state) {
    for (String extra : extraTypes) {
      if (isSubtype(type, extra, state)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The no-argument method that releases a value declared as {@code declared}: {@code kind}'s
   * ({@code shutdown()}, a timer's {@code cancel()}) for the JDK types; for an {@code ExtraTypes}
   * type the first of {@code shutdown()}, {@code close()}, {@code shutdownNow()} it has. Null when
   * the declared type has none, so no rewrite can call it.
   */
  @Nullable String releaseMethodFor(@Nullable Type declared, Kind kind, VisitorState state) {
    String standard =
        switch (kind) {
          case TIMER -> ExecutorSpec.TIMER;
          case CHANNEL -> GRPC_CHANNEL;
          case SERVER -> GRPC_SERVER;
          case EVENT_LOOP_GROUP -> NETTY_EXECUTOR_GROUP;
          default -> EXECUTOR_SERVICE;
        };
    if (isSubtype(declared, standard, state)) {
      return kind.releaseMethod;
    }
    if (declared == null || !isExtraType(declared, state)) {
      return null;
    }
    for (String name : ImmutableList.of("shutdown", "close", "shutdownNow")) {
      for (Symbol member :
          state.getTypes().membersClosure(declared, false).getSymbolsByName(state.getName(name))) {
        if (member instanceof MethodSymbol method
            && method.getParameters().isEmpty()
            && !method.isStatic()) {
          return name;
        }
      }
    }
    return null;
  }

  /** The kind of pool or timer a field keeps: its creation's, else its declared type's. */
  static Kind kindOf(OwnedField field, VisitorState state) {
    Kind kind = kindOf(field.acquisition());
    if (kind != null) {
      return kind;
    }
    Kind declared = Kind.of(field.symbol().type, state);
    return declared == Kind.FORK_JOIN_POOL ? Kind.EXECUTOR : declared;
  }

  /**
   * The method that releases what {@code field} keeps, called on the field as declared; null for
   * a pool declared as a bare {@code Executor}, which has none.
   */
  @Nullable String fieldReleaseMethod(OwnedField field, VisitorState state) {
    return releaseMethodFor(field.symbol().type, kindOf(field, state), state);
  }

  /** Whether a value of {@code type} can be a pool or timer this spec tracks. */
  private static final TypeNames.AnyOf POOL_TYPES =
      TypeNames.anyOf(EXECUTOR_SERVICE, TIMER, GRPC_CHANNEL, GRPC_SERVER);

  private static boolean mayBePool(@Nullable Type type, VisitorState state) {
    return POOL_TYPES.test(type, state);
  }

  static boolean isSubtype(@Nullable Type type, String className, VisitorState state) {
    return TypeNames.isSubtype(type, className, state);
  }

  private static boolean isAsyncCallOwner(@Nullable Type ownerType, VisitorState state) {
    for (String asyncOwner : ASYNC_CALL_OWNERS) {
      if (isSubtype(ownerType, asyncOwner, state)) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable MethodSymbol methodSymbol(MethodInvocationTree call) {
    return ASTHelpers.getSymbol(call.getMethodSelect()) instanceof MethodSymbol m ? m : null;
  }
}
