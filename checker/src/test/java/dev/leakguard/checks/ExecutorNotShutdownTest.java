package dev.leakguard.checks;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.Assert.assertThrows;

import com.google.common.collect.ImmutableMap;
import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.InvalidCommandLineOptionException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class ExecutorNotShutdownTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(ExecutorNotShutdown.class, getClass());

  // ---------------------------------------------------------------------------------------------
  // identification: locals

  /**
   * The JDK's pools start their first thread with their first task: one dropped before it holds
   * nothing (jgroups' {@code createThreadPool}: {@code new ThreadPoolExecutor(…)}, then parsing the
   * rejection policy fails; h2's {@code CreateCluster.startWriter}: {@code new PipedWriter(…)}
   * fails before the pool's {@code submit}). Configuring it is no use; a first task that is not
   * accepted starts none either. A pool that has run a task still leaks on a later failure, and
   * a project's subclass, whose constructor may start threads, is owed from the start.
   */
  @Test
  public void poolsOweNothingBeforeTheirFirstTask() {
    helper
        .addSourceLines(
            "Lazy.java",
            "import java.util.concurrent.*;",
            "class Lazy {",
            "  static RejectedExecutionHandler parse(String policy) {",
            "    if (policy.isEmpty()) {",
            "      throw new IllegalArgumentException(policy);",
            "    }",
            "    return new ThreadPoolExecutor.AbortPolicy();",
            "  }",
            "  static ExecutorService configured(String policy) {",
            "    ThreadPoolExecutor pool =",
            "        new ThreadPoolExecutor(0, 4, 1, TimeUnit.SECONDS, new SynchronousQueue<>());",
            "    pool.setRejectedExecutionHandler(parse(policy));",
            "    return pool;",
            "  }",
            "  static Future<?> firstTask(Callable<?> prepare, Runnable task) throws Exception {",
            "    ExecutorService pool = Executors.newFixedThreadPool(1);",
            "    prepare.call();",
            "    Future<?> future = pool.submit(task);",
            "    pool.shutdown();",
            "    return future;",
            "  }",
            "  static Future<?> secondTask(Runnable first, Runnable second) {",
            "    // BUG: Diagnostic contains: `pool` is not shut down if `pool.submit(...)` throws",
            "    ExecutorService pool = Executors.newFixedThreadPool(1);",
            "    pool.submit(first);",
            "    Future<?> future = pool.submit(second);",
            "    pool.shutdown();",
            "    return future;",
            "  }",
            "  static class Prestarted extends ThreadPoolExecutor {",
            "    Prestarted() {",
            "      super(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());",
            "      prestartAllCoreThreads();",
            "    }",
            "  }",
            "  static ExecutorService subclass(String policy) {",
            "    // BUG: Diagnostic contains: `pool` is not shut down if `parse(...)` throws",
            "    Prestarted pool = new Prestarted();",
            "    pool.setRejectedExecutionHandler(parse(policy));",
            "    return pool;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void everyFactoryAndConstructor_neverShutDown() {
    helper
        .addSourceLines(
            "Pools.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "import java.util.concurrent.*;",
            "class Pools {",
            "  void all(Runnable r, ThreadFactory f) {",
            "    // BUG: Diagnostic contains: Executor `fixed` is not shut down on any path",
            "    ExecutorService fixed = Executors.newFixedThreadPool(2);",
            "    fixed.execute(r);",
            "    // BUG: Diagnostic contains: `cached` is not shut down",
            "    ExecutorService cached = Executors.newCachedThreadPool();",
            "    cached.execute(r);",
            "    // BUG: Diagnostic contains: `single` is not shut down",
            "    ExecutorService single = Executors.newSingleThreadExecutor();",
            "    single.execute(r);",
            "    // BUG: Diagnostic contains: `scheduled` is not shut down",
            "    ScheduledExecutorService scheduled = Executors.newScheduledThreadPool(1);",
            "    scheduled.execute(r);",
            "    // BUG: Diagnostic contains: `singleScheduled` is not shut down",
            "    ScheduledExecutorService singleScheduled = Executors.newSingleThreadScheduledExecutor();",
            "    singleScheduled.execute(r);",
            "    // BUG: Diagnostic contains: `stealing` is not shut down",
            "    ExecutorService stealing = Executors.newWorkStealingPool();",
            "    stealing.execute(r);",
            "    // BUG: Diagnostic contains: `virtual` is not shut down",
            "    ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();",
            "    virtual.execute(r);",
            "    // BUG: Diagnostic contains: `perTask` is not shut down",
            "    ExecutorService perTask = Executors.newThreadPerTaskExecutor(f);",
            "    perTask.execute(r);",
            "    // BUG: Diagnostic contains: `tpe` is not shut down",
            "    ThreadPoolExecutor tpe = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,"
                + " new LinkedBlockingQueue<>());",
            "    tpe.execute(r);",
            "    // BUG: Diagnostic contains: `stpe` is not shut down",
            "    ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1);",
            "    stpe.execute(r);",
            "    // BUG: Diagnostic contains: Fork-join pool `fj` is not shut down",
            "    ForkJoinPool fj = new ForkJoinPool(2);",
            "    fj.execute(r);",
            "    // BUG: Diagnostic contains: Timer `timer` is not cancelled on any path",
            "    Timer timer = new Timer();",
            "    timer.schedule(new TimerTask() { public void run() {} }, 10);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * mina's {@code ExecutorFilter}: each convenience constructor makes a pool and gives it to a
   * private {@code init(…)} that stores it in a field, which {@code destroy()} shuts down. The
   * object owns the pool, as after {@code this.executor = pool}. A helper whose field nothing
   * shuts down leaves the leak where the pool is made; another object's method that stores the
   * pool only borrows it (the registry test above).
   */
  @Test
  public void poolGivenToAnInitOfItsOwnClass() {
    helper
        .addSourceLines(
            "ExecutorFilter.java",
            "import java.util.concurrent.*;",
            "class ExecutorFilter {",
            "  private Executor executor;",
            "  private boolean manageable;",
            "  ExecutorFilter() {",
            "    Executor newExecutor = new ThreadPoolExecutor(0, 16, 30, TimeUnit.SECONDS,"
                + " new LinkedBlockingQueue<>());",
            "    init(newExecutor, true);",
            "  }",
            "  ExecutorFilter(int threads) {",
            "    Executor newExecutor = Executors.newFixedThreadPool(threads);",
            "    this.init(newExecutor, true, \"events\");",
            "  }",
            "  private void init(Executor executor, boolean manageable, String... events) {",
            "    if (executor == null) {",
            "      throw new IllegalArgumentException(\"executor\");",
            "    }",
            "    this.executor = executor;",
            "    this.manageable = manageable;",
            "  }",
            "  void destroy() {",
            "    if (manageable) {",
            "      ((ExecutorService) executor).shutdown();",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "NeverShutDown.java",
            "import java.util.concurrent.*;",
            "class NeverShutDown {",
            "  private ExecutorService executor;",
            "  NeverShutDown() {",
            "    // BUG: Diagnostic contains: `newExecutor` is not shut down on any path",
            "    ExecutorService newExecutor = Executors.newFixedThreadPool(2);",
            "    init(newExecutor);",
            "  }",
            "  private void init(ExecutorService executor) {",
            "    this.executor = executor;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * zookeeper's {@code Shell.runCommand}: the timer is cancelled in a {@code finally}, but only
   * while its task has not run; the message says so, whichever path it names.
   */
  @Test
  public void timerCancelledUnderACondition() {
    helper
        .addSourceLines(
            "Shell.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "import java.util.concurrent.atomic.AtomicBoolean;",
            "class Shell {",
            "  private final AtomicBoolean timedOut = new AtomicBoolean();",
            "  void run(long interval, Thread worker) throws InterruptedException {",
            "    Timer timer = null;",
            "    if (interval > 0) {",
            "      // BUG: Diagnostic contains: and `timer.cancel()` does not run when `timedOut.get()`",
            "      timer = new Timer();",
            "      timer.schedule(new TimerTask() { public void run() { timedOut.set(true); } },"
                + " interval);",
            "    }",
            "    try {",
            "      worker.join();",
            "    } finally {",
            "      if ((timer != null) && !timedOut.get()) {",
            "        timer.cancel();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void inlinePoolUsedOnce() {
    helper
        .addSourceLines(
            "Inline.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "import java.util.concurrent.*;",
            "class Inline {",
            "  Future<?> submit(Runnable r) {",
            "    // BUG: Diagnostic contains: keep it in a variable",
            "    return Executors.newSingleThreadExecutor().submit(r);",
            "  }",
            "  void later(TimerTask task) {",
            "    // BUG: Diagnostic contains: is not cancelled",
            "    new Timer().schedule(task, 1000);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void shutdownSkippedWhenACallThrows() {
    helper
        .addSourceLines(
            "Throws.java",
            "import java.util.concurrent.*;",
            "class Throws {",
            "  String run(Callable<String> task) throws Exception {",
            "    // BUG: Diagnostic contains: `pool` is not shut down if `pool.submit(task).get()`",
            "    ExecutorService pool = Executors.newFixedThreadPool(4);",
            "    String result = pool.submit(task).get();",
            "    pool.shutdown();",
            "    return result;",
            "  }",
            "  void early(boolean skip, Runnable r) {",
            "    // No task ran on the early return: the pool has no thread to leak.",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    if (skip) {",
            "      return;",
            "    }",
            "    pool.execute(r);",
            "    pool.shutdown();",
            "  }",
            "  void late(boolean skip, Runnable r) {",
            "    // BUG: Diagnostic contains: `pool` is not shut down",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    pool.execute(r);",
            "    if (skip) {",
            "      return;",
            "    }",
            "    pool.shutdown();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void awaitTerminationAloneDoesNotShutDown() {
    helper
        .addSourceLines(
            "Await.java",
            "import java.util.concurrent.*;",
            "class Await {",
            "  void run(Runnable r) throws InterruptedException {",
            "    // BUG: Diagnostic contains: `pool` is not shut down",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      pool.awaitTermination(1, TimeUnit.SECONDS);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void asyncCallsOnlyBorrowThePool() {
    helper
        .addSourceLines(
            "Borrow.java",
            "import java.util.List;",
            "import java.util.concurrent.*;",
            "import java.util.function.Supplier;",
            "class Borrow {",
            "  CompletableFuture<String> async(Supplier<String> s) {",
            "    // BUG: Diagnostic contains: `pool` is not shut down",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    return CompletableFuture.supplyAsync(s, pool);",
            "  }",
            "  void invoke(List<Callable<String>> tasks) throws Exception {",
            "    // BUG: Diagnostic contains: `pool` is not shut down",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    pool.invokeAll(tasks);",
            "  }",
            "  void completion(Callable<String> task) {",
            "    // BUG: Diagnostic contains: `pool` is not shut down",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    new ExecutorCompletionService<String>(pool).submit(task);",
            "  }",
            "  void helper(Runnable r) {",
            "    // BUG: Diagnostic contains: `pool` is not shut down",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    runOn(pool, r);",
            "  }",
            "  private static void runOn(Executor executor, Runnable r) {",
            "    executor.execute(r);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void leaksInLambdasAndReassignment() {
    helper
        .addSourceLines(
            "Lambdas.java",
            "import java.util.concurrent.*;",
            "class Lambdas {",
            "  Runnable task(Runnable r) {",
            "    return () -> {",
            "      // BUG: Diagnostic contains: `pool` is not shut down",
            "      ExecutorService pool = Executors.newSingleThreadExecutor();",
            "      pool.execute(r);",
            "    };",
            "  }",
            "  void twice(Runnable r) {",
            "    // BUG: Diagnostic contains: overwritten",
            "    ExecutorService pool = Executors.newSingleThreadExecutor();",
            "    pool.execute(r);",
            "    pool = Executors.newSingleThreadExecutor();",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "  void anonymousSubclass(Runnable r) {",
            "    // BUG: Diagnostic contains: `pool` is not shut down",
            "    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,"
                + " new LinkedBlockingQueue<>()) {",
            "      @Override protected void afterExecute(Runnable task, Throwable t) {}",
            "    };",
            "    pool.execute(r);",
            "  }",
            "  void wrapped(Runnable r) {",
            "    // BUG: Diagnostic contains: is not shut down",
            "    ExecutorService view = Executors.unconfigurableExecutorService(Executors.newFixedThreadPool(2));",
            "    view.execute(r);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void timerTaskCancelIsNotTimerCancel() {
    helper
        .addSourceLines(
            "Tasks.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Tasks {",
            "  void run(TimerTask task) {",
            "    // BUG: Diagnostic contains: `timer` is not cancelled",
            "    Timer timer = new Timer(\"ticker\");",
            "    timer.schedule(task, 10);",
            "    task.cancel();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void negatives_locals() {
    helper
        .addSourceLines(
            "Fine.java",
            "import java.io.Closeable;",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "import java.util.concurrent.*;",
            "import java.util.function.Supplier;",
            "class Fine {",
            "  private ExecutorService field;",
            "  private final List<ExecutorService> pools = new ArrayList<>();",
            "  void tryFinally(Runnable r) {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "  void tryFinallyNow(Runnable r) throws InterruptedException {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      pool.shutdownNow();",
            "      pool.awaitTermination(1, TimeUnit.SECONDS);",
            "    }",
            "  }",
            "  void tryWithResources(Runnable r) {",
            "    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {",
            "      pool.execute(r);",
            "    }",
            "  }",
            "  void tryWithResourcesVar(Runnable r) {",
            "    try (var pool = Executors.newFixedThreadPool(2)) {",
            "      pool.submit(r);",
            "    }",
            "  }",
            "  void forkJoinClose(Runnable r) {",
            "    try (ForkJoinPool pool = new ForkJoinPool()) {",
            "      pool.execute(r);",
            "    }",
            "  }",
            "  void nullChecked(Runnable r) {",
            "    ExecutorService pool = null;",
            "    try {",
            "      pool = Executors.newSingleThreadExecutor();",
            "      pool.execute(r);",
            "    } finally {",
            "      if (pool != null) {",
            "        pool.shutdown();",
            "      }",
            "    }",
            "  }",
            "  ExecutorService returned() {",
            "    return Executors.newFixedThreadPool(2);",
            "  }",
            "  ExecutorService returnedVar() {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    return pool;",
            "  }",
            "  void storedInField() {",
            "    field = Executors.newCachedThreadPool();",
            "  }",
            "  void stop() {",
            "    field.shutdown();",
            "    pools.forEach(ExecutorService::shutdown);",
            "  }",
            "  void registered() {",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    pools.add(pool);",
            "  }",
            "  Worker owner() {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    return new Worker(pool);",
            "  }",
            "  void commonPool(Runnable r) {",
            "    ForkJoinPool.commonPool().execute(r);",
            "    CompletableFuture.runAsync(r);",
            "  }",
            "  <T> T defaultAsyncPool(Supplier<T> s) {",
            "    return CompletableFuture.supplyAsync(s).join();",
            "  }",
            "  void notCreatedHere(ExecutorService given, Runnable r) {",
            "    given.execute(r);",
            "  }",
            "  void timerCancelled(TimerTask task) {",
            "    Timer timer = new Timer();",
            "    try {",
            "      timer.schedule(task, 10);",
            "    } finally {",
            "      timer.cancel();",
            "    }",
            "  }",
            "  void wrapperShutDown(Runnable r) {",
            "    ExecutorService view = Executors.unconfigurableExecutorService(Executors.newFixedThreadPool(2));",
            "    try {",
            "      view.execute(r);",
            "    } finally {",
            "      view.shutdown();",
            "    }",
            "  }",
            "  void helperShutsDown(Runnable r) {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      shutdownQuietly(pool);",
            "    }",
            "  }",
            "  private static void shutdownQuietly(ExecutorService pool) {",
            "    pool.shutdownNow();",
            "  }",
            "  Runnable captured() {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    return () -> pool.shutdown();",
            "  }",
            "  void lambdaHook() {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    Thread hook = new Thread(pool::shutdown);",
            "    Runtime.getRuntime().addShutdownHook(hook);",
            "  }",
            "  static final class Worker {",
            "    private final ExecutorService pool;",
            "    Worker(ExecutorService pool) {",
            "      this.pool = pool;",
            "    }",
            "    void close() {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  // ---------------------------------------------------------------------------------------------
  // identification: fields

  @Test
  public void fieldsNeverShutDown() {
    helper
        .addSourceLines(
            "Service.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "import java.util.concurrent.*;",
            "class Service {",
            "  // BUG: Diagnostic contains: Field `pool` holds an executor created by its initializer,"
                + " but no method of `Service` shuts it down; make `Service` AutoCloseable and call"
                + " `pool.shutdown()` in its close()",
            "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
            "  // BUG: Diagnostic contains: Field `worker` holds an executor created by `Service`",
            "  private final ExecutorService worker;",
            "  // BUG: Diagnostic contains: Field `lazy` holds an executor",
            "  private ScheduledExecutorService lazy;",
            "  // BUG: Diagnostic contains: no method of `Service` cancels it",
            "  private final Timer timer = new Timer();",
            "  // BUG: Diagnostic contains: add a shutdown hook or a static shutdown() method that"
                + " calls `SHARED.shutdown()`; no fix is offered: a static field lives as long as its"
                + " class",
            "  private static final ExecutorService SHARED = Executors.newCachedThreadPool();",
            "  // BUG: Diagnostic contains: declare it as an `ExecutorService` and add a close() or"
                + " shutdown() method that calls `bare.shutdown()`; no fix is offered: it is declared"
                + " as `Executor`, which has no shutdown()",
            "  private final Executor bare = Executors.newSingleThreadExecutor();",
            "  // BUG: Diagnostic contains: Field `forkJoin` holds a fork-join pool",
            "  private final ForkJoinPool forkJoin = new ForkJoinPool();",
            "  Service() {",
            "    worker = Executors.newSingleThreadExecutor();",
            "  }",
            "  void start(Runnable r) {",
            "    this.lazy = Executors.newSingleThreadScheduledExecutor();",
            "    pool.execute(r);",
            "    worker.execute(r);",
            "    SHARED.execute(r);",
            "    bare.execute(r);",
            "    forkJoin.execute(r);",
            "    timer.schedule(new TimerTask() { public void run() {} }, 10);",
            "  }",
            "  void stop() throws InterruptedException {",
            "    pool.awaitTermination(1, TimeUnit.SECONDS);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fieldsShutDownSomewhere() {
    helper
        .addSourceLines(
            "PreDestroy.java",
            "import java.lang.annotation.*;",
            "@Retention(RetentionPolicy.RUNTIME) @interface PreDestroy {}")
        .addSourceLines(
            "Lifecycles.java",
            "import java.io.Closeable;",
            "import java.util.Timer;",
            "import java.util.concurrent.*;",
            "class Closes implements AutoCloseable {",
            "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
            "  @Override public void close() { pool.shutdown(); }",
            "}",
            "class Stops {",
            "  private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(1);",
            "  private final Timer timer = new Timer();",
            "  void stop() { this.ticker.shutdownNow(); timer.cancel(); }",
            "}",
            "class Managed {",
            "  private final ExecutorService pool;",
            "  Managed() { pool = Executors.newCachedThreadPool(); }",
            "  @PreDestroy void destroy() {",
            "    ExecutorService p = pool;",
            "    if (p != null) {",
            "      p.shutdown();",
            "    }",
            "  }",
            "}",
            "class Hooked {",
            "  private static final ExecutorService POOL = Executors.newCachedThreadPool();",
            "  static {",
            "    Runtime.getRuntime().addShutdownHook(new Thread(POOL::shutdown));",
            "  }",
            "}",
            "class Outer {",
            "  private final ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  class Stopper {",
            "    void stop() { pool.shutdown(); }",
            "  }",
            "}",
            "class Injected {",
            "  private final ExecutorService pool;",
            "  private final ExecutorService common = ForkJoinPool.commonPool();",
            "  Injected(ExecutorService pool) { this.pool = pool; }",
            "}",
            "class Getter {",
            "  private final ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  ExecutorService executor() { return pool; }",
            "}",
            "class HandsOff {",
            "  private final ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  private final Owner owner = new Owner(pool);",
            "  static final class Owner {",
            "    private final ExecutorService pool;",
            "    Owner(ExecutorService pool) { this.pool = pool; }",
            "    void close() { pool.shutdown(); }",
            "  }",
            "}",
            "class DaemonTimer {",
            "  private static final Timer TIMER = new Timer(\"ticks\", true);",
            "  private static final ExecutorService DAEMONS =",
            "      Executors.newCachedThreadPool(r -> { Thread t = new Thread(r); t.setDaemon(true); return t; });",
            "}",
            "class StartStop {",
            "  private volatile ExecutorService pool;",
            "  void start() { pool = Executors.newFixedThreadPool(2); }",
            "  void stop() { pool.shutdown(); pool = null; }",
            "}",
            "class Lazy {",
            "  private ExecutorService pool;",
            "  synchronized ExecutorService pool() {",
            "    if (pool == null || pool.isShutdown()) {",
            "      pool = Executors.newFixedThreadPool(2);",
            "    }",
            "    return pool;",
            "  }",
            "}",
            "class Restart {",
            "  private ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  void restart() {",
            "    pool.shutdownNow();",
            "    pool = Executors.newFixedThreadPool(2);",
            "  }",
            "  void restartThroughStop() {",
            "    stop();",
            "    pool = Executors.newFixedThreadPool(2);",
            "  }",
            "  void stop() { pool.shutdown(); }",
            "}",
            "class Suppressed {",
            "  @SuppressWarnings(\"ExecutorNotShutdown\")",
            "  private static final ExecutorService APP_LIFETIME = Executors.newFixedThreadPool(2);",
            "}")
        .doTest();
  }

  /**
   * A static pool whose thread factory is a named class of the compilation that marks its threads
   * as daemons (undertow's ShutdownFallbackExecutor) lives as long as the JVM, as with a lambda
   * factory; a factory that does not, or marks daemons outside {@code newThread}, does not excuse it.
   */
  @Test
  public void staticPoolOfANamedDaemonFactory() {
    helper
        .addSourceLines(
            "Fallback.java",
            "import java.util.concurrent.*;",
            "final class Fallback {",
            "  private static volatile Executor EXECUTOR;",
            "  static void execute(Runnable task) {",
            "    if (EXECUTOR == null) {",
            "      synchronized (Fallback.class) {",
            "        if (EXECUTOR == null) {",
            "          EXECUTOR = new ThreadPoolExecutor(0, 1, 10, TimeUnit.MILLISECONDS,",
            "              new LinkedBlockingQueue<Runnable>(), new DaemonFactory());",
            "        }",
            "      }",
            "    }",
            "    EXECUTOR.execute(task);",
            "  }",
            "  static final class DaemonFactory implements ThreadFactory {",
            "    private final ThreadFactory delegate = Executors.defaultThreadFactory();",
            "    @Override public Thread newThread(Runnable r) {",
            "      Thread thread = delegate.newThread(r);",
            "      thread.setName(\"fallback\");",
            "      thread.setDaemon(true);",
            "      return thread;",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "UserThreads.java",
            "import java.util.concurrent.*;",
            "final class UserThreads {",
            "  // BUG: Diagnostic contains: no method of `UserThreads` shuts it down",
            "  private static final ExecutorService POOL = Executors.newFixedThreadPool(2, new Named());",
            "  // BUG: Diagnostic contains: no method of `UserThreads` shuts it down",
            "  private static final ExecutorService ELSEWHERE =",
            "      Executors.newFixedThreadPool(2, new DaemonElsewhere());",
            "  static final class Named implements ThreadFactory {",
            "    @Override public Thread newThread(Runnable r) {",
            "      Thread thread = new Thread(r, \"user\");",
            "      thread.setDaemon(false);",
            "      return thread;",
            "    }",
            "  }",
            "  static final class DaemonElsewhere implements ThreadFactory {",
            "    @Override public Thread newThread(Runnable r) { return new Thread(r); }",
            "    Thread daemon(Runnable r) { Thread t = new Thread(r); t.setDaemon(true); return t; }",
            "  }",
            "}")
        .doTest();
  }

  /** A class that shuts down all but one of its pools in its lifecycle method leaks that one. */
  @Test
  public void fieldsShutDownButOne() {
    helper
        .addSourceLines(
            "Broker.java",
            "import java.util.concurrent.*;",
            "class Broker {",
            "  private final ExecutorService send = Executors.newFixedThreadPool(2);",
            "  private final ExecutorService pull = Executors.newFixedThreadPool(2);",
            "  private final ScheduledExecutorService clean = Executors.newSingleThreadScheduledExecutor();",
            "  // BUG: Diagnostic contains: Field `query` holds an executor",
            "  private final ExecutorService query = Executors.newCachedThreadPool();",
            "  private final ExecutorService admin = Executors.newFixedThreadPool(1);",
            "  void register(Runnable r) {",
            "    send.execute(r);",
            "    query.execute(r);",
            "  }",
            "  void shutdown() {",
            "    send.shutdown();",
            "    pull.shutdown();",
            "    clean.shutdownNow();",
            "    shutdownQuietly(admin);",
            "  }",
            "  private static void shutdownQuietly(ExecutorService pool) {",
            "    pool.shutdown();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Handing pools to a registry that keeps them is a loan where the class shuts down the siblings it
   * lent the same way itself: the one it forgets leaks (RocketMQ's BrokerController).
   */
  @Test
  public void fieldsLentToARegistryShutDownButOne() {
    helper
        .addSourceLines(
            "Registry.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Registry {",
            "  private final Map<Integer, ExecutorService> executors = new HashMap<>();",
            "  void registerProcessor(int code, Runnable processor, ExecutorService executor) {",
            "    executors.put(code, executor);",
            "  }",
            "}")
        .addSourceLines(
            "Broker.java",
            "import java.util.concurrent.*;",
            "class Broker {",
            "  private final Registry registry = new Registry();",
            "  private final ExecutorService send = Executors.newFixedThreadPool(2);",
            "  private final ExecutorService pull = Executors.newFixedThreadPool(2);",
            "  // BUG: Diagnostic contains: Field `query` holds an executor",
            "  private final ExecutorService query = Executors.newFixedThreadPool(2);",
            "  void start(Runnable processor) {",
            "    registry.registerProcessor(1, processor, send);",
            "    registry.registerProcessor(2, processor, pull);",
            "    registry.registerProcessor(3, processor, query);",
            "  }",
            "  void shutdown() {",
            "    send.shutdown();",
            "    pull.shutdown();",
            "  }",
            "}")
        .addSourceLines(
            "HandsAllOver.java",
            "import java.util.concurrent.*;",
            "class HandsAllOver {",
            "  private final Registry registry = new Registry();",
            "  private final ExecutorService send = Executors.newFixedThreadPool(2);",
            "  private final ExecutorService pull = Executors.newFixedThreadPool(2);",
            "  void start(Runnable processor) {",
            "    registry.registerProcessor(1, processor, send);",
            "    registry.registerProcessor(2, processor, pull);",
            "  }",
            "}")
        .addSourceLines(
            "LentAndReturned.java",
            "import java.util.concurrent.*;",
            "class LentAndReturned {",
            "  private final Registry registry = new Registry();",
            "  private final ExecutorService send = Executors.newFixedThreadPool(2);",
            "  private final ExecutorService pull = Executors.newFixedThreadPool(2);",
            "  void start(Runnable processor) {",
            "    registry.registerProcessor(1, processor, send);",
            "    registry.registerProcessor(2, processor, pull);",
            "  }",
            "  ExecutorService pull() {",
            "    return pull;",
            "  }",
            "  void shutdown() {",
            "    send.shutdown();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fieldOverwrittenWhileRunning() {
    helper
        .addSourceLines(
            "Overwrites.java",
            "import java.util.Timer;",
            "import java.util.concurrent.*;",
            "class Overwrites {",
            "  private ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  private ExecutorService worker;",
            "  private Timer timer;",
            "  private static ExecutorService shared;",
            "  Overwrites() {",
            "    worker = Executors.newSingleThreadExecutor();",
            "    timer = new Timer();",
            "    // BUG: Diagnostic contains: Field `shared` is given a new executor while the previous"
                + " one may still be running",
            "    shared = Executors.newCachedThreadPool();",
            "  }",
            "  void resize(int n) {",
            "    // BUG: Diagnostic contains: call `pool.shutdown()` before replacing it",
            "    pool = Executors.newFixedThreadPool(n);",
            "  }",
            "  void reset() {",
            "    // BUG: Diagnostic contains: Field `worker` is given a new executor",
            "    this.worker = Executors.newSingleThreadExecutor();",
            "  }",
            "  void reschedule() {",
            "    // BUG: Diagnostic contains: call `timer.cancel()` before replacing it",
            "    timer = new Timer();",
            "  }",
            "  void close() {",
            "    pool.shutdown();",
            "    worker.shutdown();",
            "    timer.cancel();",
            "    shared.shutdown();",
            "  }",
            "}",
            "class Loops {",
            "  private ExecutorService pool;",
            "  void run(int rounds, Runnable r) {",
            "    for (int i = 0; i < rounds; i++) {",
            "      // BUG: Diagnostic contains: Field `pool` is given a new executor",
            "      pool = Executors.newSingleThreadExecutor();",
            "      pool.execute(r);",
            "    }",
            "    pool.shutdown();",
            "  }",
            "}",
            "class InitializerThenConstructor {",
            "  private ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  InitializerThenConstructor(int n) {",
            "    // BUG: Diagnostic contains: Field `pool` is given a new executor",
            "    pool = Executors.newFixedThreadPool(n);",
            "  }",
            "  void close() { pool.shutdown(); }",
            "}")
        .doTest();
  }

  // ---------------------------------------------------------------------------------------------
  // replacement

  /** Applies the fix to {@code input}, expects {@code output}, and checks the output is silent. */
  private void assertFix(String[] input, String[] output, String... javacArgs) {
    BugCheckerRefactoringTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .setArgs(javacArgs)
        .addInputLines("Test.java", input)
        .addOutputLines("Test.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    CompilationTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .setArgs(javacArgs)
        .addSourceLines("Test.java", output)
        .expectNoDiagnostics()
        .doTest();
  }
  /** Cancelled in the finally of a try that starts after code that can throw: the try moves up. */
  @Test
  public void fix_timerCancelledInATryThatStartsLate() {
    assertFix(
        new String[] {
          "import java.util.Timer;",
          "import java.util.TimerTask;",
          "class Test {",
          "  void work(TimerTask task) {}",
          "  void run(TimerTask task, String delay) {",
          "    Timer timer = new Timer();",
          "    work(task);",
          "    long ms = Long.parseLong(delay);",
          "    try {",
          "      timer.schedule(task, ms);",
          "      work(task);",
          "    } finally {",
          "      timer.cancel();",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.util.Timer;",
          "import java.util.TimerTask;",
          "class Test {",
          "  void work(TimerTask task) {}",
          "  void run(TimerTask task, String delay) {",
          "    Timer timer = new Timer();",
          "    try {",
          "      work(task);",
          "      long ms = Long.parseLong(delay);",
          "      timer.schedule(task, ms);",
          "      work(task);",
          "    } finally {",
          "      timer.cancel();",
          "    }",
          "  }",
          "}",
        });
  }


  private static String[] lines(String... lines) {
    return lines;
  }

  @Test
  public void fix_neverShutDown_tryWithResources() {
    assertFix(
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Callable<Integer> task) throws Exception {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    Future<Integer> result = pool.submit(task);",
            "    System.out.println(result.get());",
            "  }",
            "}"),
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Callable<Integer> task) throws Exception {",
            "    Future<Integer> result;",
            "    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {",
            "      result = pool.submit(task);",
            "    }",
            "    System.out.println(result.get());",
            "  }",
            "}"));
  }

  @Test
  public void fix_shutdownSkippedOnThrow_tryWithResources() {
    assertFix(
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Callable<String> task) throws Exception {",
            "    var pool = Executors.newSingleThreadExecutor();",
            "    // the work",
            "    System.out.println(pool.submit(task).get());",
            "    pool.shutdown();",
            "    System.out.println(\"done\");",
            "  }",
            "}"),
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Callable<String> task) throws Exception {",
            "    try (var pool = Executors.newSingleThreadExecutor()) {",
            "      // the work",
            "      System.out.println(pool.submit(task).get());",
            "      pool.shutdown();",
            "    }",
            "    System.out.println(\"done\");",
            "  }",
            "}"));
  }

  @Test
  public void fix_inlinePool_tryWithResources() {
    assertFix(
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Runnable r) {",
            "    Executors.newSingleThreadExecutor().execute(r);",
            "  }",
            "}"),
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Runnable r) {",
            "    try (ExecutorService executorService = Executors.newSingleThreadExecutor()) {",
            "      executorService.execute(r);",
            "    }",
            "  }",
            "}"));
  }

  @Test
  public void fix_resultUsedAfterwards_tryWithResources() {
    // The value computed from the pool is used after it: the pool is closed right after the last
    // statement that uses it, and the future is hoisted (close() waits for the task).
    assertFix(
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  int run(Callable<Integer> task) throws Exception {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    Future<Integer> result = pool.submit(task);",
            "    return result.get() + 1;",
            "  }",
            "}"),
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  int run(Callable<Integer> task) throws Exception {",
            "    Future<Integer> result;",
            "    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {",
            "      result = pool.submit(task);",
            "    }",
            "    return result.get() + 1;",
            "  }",
            "}"));
  }

  @Test
  public void fix_timer_tryFinallyCancel() {
    assertFix(
        lines(
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Test {",
            "  void run(TimerTask task) throws InterruptedException {",
            "    Timer timer = new Timer();",
            "    timer.schedule(task, 10);",
            "    Thread.sleep(100);",
            "    timer.cancel();",
            "    System.out.println(\"done\");",
            "  }",
            "}"),
        lines(
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Test {",
            "  void run(TimerTask task) throws InterruptedException {",
            "    Timer timer = new Timer();",
            "    try {",
            "      timer.schedule(task, 10);",
            "      Thread.sleep(100);",
            "    } finally {",
            "      timer.cancel();",
            "    }",
            "    System.out.println(\"done\");",
            "  }",
            "}"));
  }

  @Test
  public void fix_timerNeverCancelled_tryFinallyCancel() {
    assertFix(
        lines(
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Test {",
            "  void run(TimerTask task) {",
            "    Timer timer = new Timer();",
            "    timer.schedule(task, 10);",
            "    System.out.println(\"scheduled\");",
            "  }",
            "}"),
        lines(
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Test {",
            "  void run(TimerTask task) {",
            "    Timer timer = new Timer();",
            "    try {",
            "      timer.schedule(task, 10);",
            "    } finally {",
            "      timer.cancel();",
            "    }",
            "    System.out.println(\"scheduled\");",
            "  }",
            "}"));
  }

  @Test
  public void fix_beforeJava19_tryFinallyShutdown() {
    assertFix(
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  String run(Callable<String> task) throws Exception {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    String result = pool.submit(task).get();",
            "    pool.shutdown();",
            "    return result;",
            "  }",
            "}"),
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  String run(Callable<String> task) throws Exception {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    String result;",
            "    try {",
            "      result = pool.submit(task).get();",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "    return result;",
            "  }",
            "}"),
        "--release",
        "17");
  }

  @Test
  public void fix_beforeJava19_neverShutDown() {
    assertFix(
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Runnable r) {",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    pool.execute(r);",
            "    pool.execute(r);",
            "  }",
            "}"),
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Runnable r) {",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    try {",
            "      pool.execute(r);",
            "      pool.execute(r);",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "}"),
        "--release",
        "17");
  }

  @Test
  public void fix_secondFixShutsDownWithoutWaiting() {
    BugCheckerRefactoringTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .setFixChooser(fixes -> fixes.get(1))
        .addInputLines(
            "Test.java",
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Runnable r) {",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    pool.execute(r);",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.util.concurrent.*;",
            "class Test {",
            "  void run(Runnable r) {",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /** Issue #13: a statement wrapped after {@code =} right after the pool. */
  @Test
  public void fix_wrappedStatementAfterThePool() {
    assertFix(
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  String run() throws Exception {",
            "    ExecutorService exec = Executors.newSingleThreadExecutor();",
            "    CompletableFuture<String> f =",
            "        CompletableFuture.supplyAsync(() -> \"x\", exec);",
            "    return f.get();",
            "  }",
            "}"),
        lines(
            "import java.util.concurrent.*;",
            "class Test {",
            "  String run() throws Exception {",
            "    CompletableFuture<String> f;",
            "    try (ExecutorService exec = Executors.newSingleThreadExecutor()) {",
            "      f = CompletableFuture.supplyAsync(() -> \"x\", exec);",
            "    }",
            "    return f.get();",
            "  }",
            "}"));
  }

  /** The same shape, with the second fix (try/finally) chosen. */
  @Test
  public void fix_wrappedStatementAfterThePool_tryFinally() {
    BugCheckerRefactoringTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .setFixChooser(fixes -> fixes.get(1))
        .addInputLines(
            "Test.java",
            "import java.util.concurrent.*;",
            "class Test {",
            "  String run() throws Exception {",
            "    ExecutorService exec = Executors.newSingleThreadExecutor();",
            "    CompletableFuture<String> f =",
            "        CompletableFuture.supplyAsync(() -> \"x\", exec);",
            "    return f.get();",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.util.concurrent.*;",
            "class Test {",
            "  String run() throws Exception {",
            "    ExecutorService exec = Executors.newSingleThreadExecutor();",
            "    CompletableFuture<String> f;",
            "    try {",
            "      f = CompletableFuture.supplyAsync(() -> \"x\", exec);",
            "    } finally {",
            "      exec.shutdown();",
            "    }",
            "    return f.get();",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  @Test
  public void platformDecision() {
    assertThat(ExecutorNotShutdown.scopedForm(ExecutorSpec.Kind.EXECUTOR, true))
        .isEqualTo(ExecutorNotShutdown.ScopedForm.TRY_WITH_RESOURCES);
    assertThat(ExecutorNotShutdown.scopedForm(ExecutorSpec.Kind.FORK_JOIN_POOL, true))
        .isEqualTo(ExecutorNotShutdown.ScopedForm.TRY_WITH_RESOURCES);
    assertThat(ExecutorNotShutdown.scopedForm(ExecutorSpec.Kind.EXECUTOR, false))
        .isEqualTo(ExecutorNotShutdown.ScopedForm.TRY_FINALLY_SHUTDOWN);
    assertThat(ExecutorNotShutdown.scopedForm(ExecutorSpec.Kind.TIMER, true))
        .isEqualTo(ExecutorNotShutdown.ScopedForm.TRY_FINALLY_CANCEL);
    assertThat(ExecutorNotShutdown.scopedForm(ExecutorSpec.Kind.TIMER, false))
        .isEqualTo(ExecutorNotShutdown.ScopedForm.TRY_FINALLY_CANCEL);
  }

  @Test
  public void fix_handedOffOnSomePaths_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.util.concurrent.*;",
            "class Test {",
            "  private ExecutorService kept;",
            "  void run(boolean keep, Runnable r) {",
            "    // BUG: Diagnostic contains: no fix is offered",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    pool.execute(r);",
            "    if (keep) {",
            "      kept = pool;",
            "    }",
            "  }",
            "  void close() { kept.shutdown(); }",
            "}")
        .doTest();
  }

  @Test
  public void fix_timerAssignedToAVariableDeclaredBefore_noFix_zookeeperShell() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Test {",
            "  void run(long timeout, Runnable work) {",
            "    Timer timer = null;",
            "    if (timeout > 0) {",
            "      // BUG: Diagnostic contains: no fix is offered: it is assigned to `timer`, which is"
                + " declared elsewhere",
            "      timer = new Timer();",
            "      timer.schedule(new TimerTask() { public void run() {} }, timeout);",
            "    }",
            "    work.run();",
            "    if (timer != null) {",
            "      timer.cancel();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fix_field_shutdownInClose() {
    assertFix(
        lines(
            "import java.util.concurrent.*;",
            "class Test implements AutoCloseable {",
            "  private final ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  private ScheduledExecutorService ticker;",
            "  void start(Runnable r) {",
            "    ticker = Executors.newSingleThreadScheduledExecutor();",
            "    pool.execute(r);",
            "  }",
            "  @Override",
            "  public void close() {",
            "    System.out.println(\"closing\");",
            "  }",
            "}"),
        lines(
            "import java.util.concurrent.*;",
            "class Test implements AutoCloseable {",
            "  private final ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  private ScheduledExecutorService ticker;",
            "  void start(Runnable r) {",
            "    ticker = Executors.newSingleThreadScheduledExecutor();",
            "    pool.execute(r);",
            "  }",
            "  @Override",
            "  public void close() {",
            "    System.out.println(\"closing\");",
            "    pool.shutdown();",
            "    if (ticker != null) { ticker.shutdown(); }",
            "  }",
            "}"));
  }

  @Test
  public void fix_field_shutdownInTheMethodThatShutsDownItsSiblings() {
    assertFix(
        lines(
            "import java.util.concurrent.*;",
            "class Broker {",
            "  private final ExecutorService send = Executors.newFixedThreadPool(2);",
            "  private final ExecutorService pull = Executors.newFixedThreadPool(2);",
            "  private final ExecutorService query = Executors.newFixedThreadPool(2);",
            "  void start(Runnable r) {",
            "    send.execute(r);",
            "    query.execute(r);",
            "    Runnable later = () -> pull.shutdownNow();",
            "  }",
            "  void stop() {",
            "    send.shutdown();",
            "  }",
            "  void shutdown() {",
            "    send.shutdown();",
            "    pull.shutdownNow();",
            "    if (pull.isTerminated()) {",
            "      return;",
            "    }",
            "  }",
            "  static void stopAll(ExecutorService extra) {",
            "    extra.shutdown();",
            "  }",
            "}"),
        lines(
            "import java.util.concurrent.*;",
            "class Broker {",
            "  private final ExecutorService send = Executors.newFixedThreadPool(2);",
            "  private final ExecutorService pull = Executors.newFixedThreadPool(2);",
            "  private final ExecutorService query = Executors.newFixedThreadPool(2);",
            "  void start(Runnable r) {",
            "    send.execute(r);",
            "    query.execute(r);",
            "    Runnable later = () -> pull.shutdownNow();",
            "  }",
            "  void stop() {",
            "    send.shutdown();",
            "  }",
            "  void shutdown() {",
            "    send.shutdown();",
            "    pull.shutdownNow();",
            "    if (pull.isTerminated()) {",
            "      return;",
            "    }",
            "    query.shutdown();",
            "  }",
            "  static void stopAll(ExecutorService extra) {",
            "    extra.shutdown();",
            "  }",
            "}"));
  }

  @Test
  public void fix_field_closeHidesNameAndReturns() {
    assertFix(
        lines(
            "import java.io.Closeable;",
            "import java.util.Timer;",
            "class Test implements Closeable {",
            "  private final Timer timer = new Timer();",
            "  private boolean closed;",
            "  @Override",
            "  public void close() {",
            "    Object timer = null;",
            "    if (closed) {",
            "      return;",
            "    }",
            "    closed = true;",
            "    return;",
            "  }",
            "}"),
        lines(
            "import java.io.Closeable;",
            "import java.util.Timer;",
            "class Test implements Closeable {",
            "  private final Timer timer = new Timer();",
            "  private boolean closed;",
            "  @Override",
            "  public void close() {",
            "    Object timer = null;",
            "    if (closed) {",
            "      return;",
            "    }",
            "    closed = true;",
            "    this.timer.cancel();",
            "    return;",
            "  }",
            "}"));
  }

  /** Found by FixRobustnessTest: a shutdown appended after a trailing block that returns. */
  @Test
  public void fix_field_closeEndsInNestedBlockThatReturns() {
    assertFix(
        lines(
            "import java.io.Closeable;",
            "import java.util.Timer;",
            "class Test implements Closeable {",
            "  private final Timer timer = new Timer();",
            "  @Override",
            "  public void close() {",
            "    {",
            "      System.out.println(\"closing\");",
            "      return;",
            "    }",
            "  }",
            "}"),
        lines(
            "import java.io.Closeable;",
            "import java.util.Timer;",
            "class Test implements Closeable {",
            "  private final Timer timer = new Timer();",
            "  @Override",
            "  public void close() {",
            "    {",
            "      System.out.println(\"closing\");",
            "      timer.cancel();",
            "      return;",
            "    }",
            "  }",
            "}"));
  }

  /** Found by FixRobustnessTest: after a loop that always returns, a shutdown would not compile. */
  @Test
  public void fix_field_closeEndsInLoopThatReturns_noFix() {
    CompilationTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .addSourceLines(
            "Test.java",
            "import java.io.Closeable;",
            "import java.util.Timer;",
            "class Test implements Closeable {",
            "  // BUG: Diagnostic contains: no fix is offered: close() ends in a statement that never",
            "  private final Timer timer = new Timer();",
            "  @Override",
            "  public void close() {",
            "    do {",
            "      return;",
            "    } while (false);",
            "  }",
            "}")
        .doTest();
  }

  // ---------------------------------------------------------------------------------------------
  // options

  /** A vendor pool that is not an ExecutorService; one that has only close(). */
  private static final String[] VENDOR_POOLS = {
    "package com.vendor;",
    "public class WorkerPool {",
    "  public WorkerPool(int threads) {}",
    "  public void submit(Runnable task) {}",
    "  public void shutdown() {}",
    "  public static class Closing {",
    "    public Closing(int threads) {}",
    "    public void submit(Runnable task) {}",
    "    public void close() {}",
    "  }",
    "}"
  };

  private static final String VENDOR_TYPES =
      "-XepOpt:ExecutorNotShutdown:ExtraTypes=com.vendor.WorkerPool,com.vendor.WorkerPool$Closing";

  @Test
  public void options_extraTypes_vendorPool() {
    String use =
        String.join(
            "\n",
            "import com.vendor.WorkerPool;",
            "class Use {",
            "  void leaks(Runnable r) {",
            "    %s",
            "    WorkerPool pool = new WorkerPool(2);",
            "    pool.submit(r);",
            "  }",
            "  void leaksOnThrow(Runnable r) {",
            "    %s",
            "    WorkerPool.Closing pool = new WorkerPool.Closing(2);",
            "    pool.submit(r);",
            "    pool.close();",
            "  }",
            "  void shutDown(Runnable r) {",
            "    WorkerPool pool = new WorkerPool(2);",
            "    try {",
            "      pool.submit(r);",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "}",
            "class Service {",
            "  %s",
            "  private final WorkerPool.Closing pool = new WorkerPool.Closing(4);",
            "  void run(Runnable r) { pool.submit(r); }",
            "}");
    helper
        .addSourceLines("com/vendor/WorkerPool.java", VENDOR_POOLS)
        .addSourceLines("Use.java", use.formatted("", "", ""))
        .doTest();
    CompilationTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .setArgs(VENDOR_TYPES)
        .addSourceLines("com/vendor/WorkerPool.java", VENDOR_POOLS)
        .addSourceLines(
            "Use.java",
            use.formatted(
                "// BUG: Diagnostic contains: Executor `pool` is not shut down on any path",
                "// BUG: Diagnostic contains: Executor `pool` is not shut down if `pool.submit(...)` throws",
                "// BUG: Diagnostic contains: no method of `Service` shuts it down; make `Service`"
                    + " AutoCloseable and call `pool.close()` in its close()"))
        .doTest();
  }

  @Test
  public void options_extraTypes_fixShutsDownInFinally() {
    String[] output = {
      "import com.vendor.WorkerPool;",
      "class Use {",
      "  void run(Runnable r) {",
      "    WorkerPool pool = new WorkerPool(2);",
      "    try {",
      "      pool.submit(r);",
      "    } finally {",
      "      pool.shutdown();",
      "    }",
      "  }",
      "}"
    };
    BugCheckerRefactoringTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .setArgs(VENDOR_TYPES)
        .addInputLines("com/vendor/WorkerPool.java", VENDOR_POOLS)
        .expectUnchanged()
        .addInputLines(
            "Use.java",
            "import com.vendor.WorkerPool;",
            "class Use {",
            "  void run(Runnable r) {",
            "    WorkerPool pool = new WorkerPool(2);",
            "    pool.submit(r);",
            "  }",
            "}")
        .addOutputLines("Use.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    CompilationTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .setArgs(VENDOR_TYPES)
        .addSourceLines("com/vendor/WorkerPool.java", VENDOR_POOLS)
        .addSourceLines("Use.java", output)
        .expectNoDiagnostics()
        .doTest();
  }

  @Test
  public void options_extraFactories() {
    // An interface's method has no body to summarise, and is not a static factory the name model
    // reads: only the option makes its result owned.
    String[] pools = {
      "package com.acme;",
      "import java.util.concurrent.*;",
      "public interface Pools {",
      "  ExecutorService newBoundedPool(int n);",
      "  ExecutorService shared();",
      "}"
    };
    String use =
        String.join(
            "\n",
            "import com.acme.Pools;",
            "import java.util.concurrent.ExecutorService;",
            "class Use {",
            "  void leaks(Pools pools, Runnable r) {",
            "    %s",
            "    ExecutorService pool = pools.newBoundedPool(2);",
            "    pool.execute(r);",
            "  }",
            "  void scoped(Pools pools, Runnable r) {",
            "    try (ExecutorService pool = pools.newBoundedPool(2)) {",
            "      pool.execute(r);",
            "    }",
            "  }",
            "  void sharedIsNotOwned(Pools pools, Runnable r) {",
            "    ExecutorService pool = pools.shared();",
            "    pool.execute(r);",
            "  }",
            "}");
    helper
        .addSourceLines("com/acme/Pools.java", pools)
        .addSourceLines("Use.java", use.formatted(""))
        .doTest();
    CompilationTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .setArgs("-XepOpt:ExecutorNotShutdown:ExtraFactories=com.acme.Pools#newBoundedPool")
        .addSourceLines("com/acme/Pools.java", pools)
        .addSourceLines(
            "Use.java",
            use.formatted("// BUG: Diagnostic contains: Executor `pool` is not shut down on any path"))
        .doTest();
  }

  @Test
  public void identification_poolFromOwnFactoryIsOwned() {
    // The project's own ThreadUtils, compiled in the same run: its body says it makes a new pool.
    helper
        .addSourceLines(
            "com/acme/ThreadUtils.java",
            "package com.acme;",
            "import java.util.concurrent.*;",
            "public final class ThreadUtils {",
            "  public static ExecutorService newThreadPoolExecutor(int core, String name) {",
            "    ThreadPoolExecutor pool = new ThreadPoolExecutor(core, core, 60, TimeUnit.SECONDS,",
            "        new LinkedBlockingQueue<>());",
            "    pool.allowCoreThreadTimeOut(true);",
            "    return pool;",
            "  }",
            "  private static final ExecutorService SHARED = Executors.newCachedThreadPool();",
            "  public static ExecutorService newSharedView() { return SHARED; }",
            "}")
        .addSourceLines(
            "Use.java",
            "import com.acme.ThreadUtils;",
            "import java.util.concurrent.ExecutorService;",
            "class Use {",
            "  void leaks(Runnable r) {",
            "    // BUG: Diagnostic contains: (`newThreadPoolExecutor(...)` returns a new `ThreadPoolExecutor`)",
            "    ExecutorService pool = ThreadUtils.newThreadPoolExecutor(2, \"io\");",
            "    pool.execute(r);",
            "  }",
            "  void scoped(Runnable r) {",
            "    ExecutorService pool = ThreadUtils.newThreadPoolExecutor(2, \"io\");",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "  void sharedIsNotOwnedWhateverItsName(Runnable r) {",
            "    ExecutorService pool = ThreadUtils.newSharedView();",
            "    pool.execute(r);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void options_unresolvedTypeIsReported() {
    helper
        .setArgs("-XepOpt:ExecutorNotShutdown:ExtraFactories=com.acme.NoSuchPools#create")
        .addSourceLines(
            "A.java",
            "// BUG: Diagnostic contains: -XepOpt:ExecutorNotShutdown:ExtraFactories: com.acme.NoSuchPools",
            "class A {}")
        .doTest();
  }

  @Test
  public void options_malformedOrUnknown_failNamingTheFlag() {
    InvalidCommandLineOptionException e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new ExecutorNotShutdown(flags("ExecutorNotShutdown:ExtraTypes", "com.vendor.Worker Pool")));
    assertThat(e)
        .hasMessageThat()
        .contains("-XepOpt:ExecutorNotShutdown:ExtraTypes: malformed value 'com.vendor.Worker Pool'");
    assertThat(e).hasMessageThat().contains("fully qualified type names, e.g. com.vendor.pool.WorkerPool");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new ExecutorNotShutdown(flags("ExecutorNotShutdown:ExtraFactories", "com.acme.Pools")));
    assertThat(e)
        .hasMessageThat()
        .contains("-XepOpt:ExecutorNotShutdown:ExtraFactories: malformed value 'com.acme.Pools'");
    assertThat(e).hasMessageThat().contains("Type#methodName, e.g. com.acme.Pools#newBoundedPool");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new ExecutorNotShutdown(flags("ExecutorNotShutdown:ExtraFactory", "com.acme.Pools#create")));
    assertThat(e)
        .hasMessageThat()
        .contains("unknown LeakGuard option -XepOpt:ExecutorNotShutdown:ExtraFactory;");
    assertThat(e).hasMessageThat().contains("-XepOpt:ExecutorNotShutdown:ExtraFactories");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new ExecutorNotShutdown(flags("RateLimitRace:Interval", "10")));
    assertThat(e).hasMessageThat().contains("unknown LeakGuard option -XepOpt:RateLimitRace:Interval");
  }

  private static ErrorProneFlags flags(String key, String value) {
    return ErrorProneFlags.fromMap(ImmutableMap.of(key, value));
  }

  // ---------------------------------------------------------------------------------------------
  // robustness

  @Test
  public void java21Shapes_noCrash() {
    helper
        .addSourceLines(
            "Shapes.java",
            "import java.util.Timer;",
            "import java.util.concurrent.*;",
            "import java.util.function.Supplier;",
            "sealed interface Shape permits Circle, Square {}",
            "record Circle(double r) implements Shape {}",
            "record Square(double side) implements Shape {",
            "  Square {",
            "    ExecutorService pool = Executors.newSingleThreadExecutor();",
            "    try {",
            "      pool.execute(() -> {});",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "}",
            "record Holder(ExecutorService pool) implements AutoCloseable {",
            "  public void close() { pool.shutdown(); }",
            "}",
            "enum Mode { A, B; private final ExecutorService pool = null; }",
            "class Shapes {",
            "  static final String TEXT = \"\"\"",
            "      Executors.newFixedThreadPool(2)",
            "      \"\"\";",
            "  double area(Shape shape) {",
            "    return switch (shape) {",
            "      case Circle c when c.r() > 10 -> {",
            "        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {",
            "          yield pool.submit(() -> Math.PI * c.r() * c.r()).get();",
            "        } catch (InterruptedException | ExecutionException e) {",
            "          yield -1;",
            "        }",
            "      }",
            "      case Circle c -> Math.PI * c.r() * c.r();",
            "      case Square(double side) -> side * side;",
            "    };",
            "  }",
            "  void labeled(int[][] grid) throws Exception {",
            "    outer:",
            "    for (int[] row : grid) {",
            "      ExecutorService pool = Executors.newFixedThreadPool(2);",
            "      try {",
            "        for (int cell : row) {",
            "          if (cell < 0) break outer;",
            "          if (cell == 0) continue outer;",
            "          pool.submit(() -> cell).get();",
            "        }",
            "      } finally {",
            "        try {",
            "          pool.shutdown();",
            "        } finally {",
            "          System.out.println(\"row done\");",
            "        }",
            "      }",
            "    }",
            "  }",
            "  void existingVariableResource(Runnable r) {",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    try (pool) {",
            "      pool.execute(r);",
            "    }",
            "  }",
            "  Object pattern(Object o) {",
            "    if (o instanceof ExecutorService e && !e.isShutdown()) {",
            "      e.shutdown();",
            "    }",
            "    return o;",
            "  }",
            "  Supplier<ExecutorService> supplier() {",
            "    return Executors::newCachedThreadPool;",
            "  }",
            "  void localAndAnonymousClasses(Runnable r) {",
            "    class Local {",
            "      // BUG: Diagnostic contains: Field `pool` holds an executor",
            "      final ExecutorService pool = Executors.newFixedThreadPool(1);",
            "      void run() { pool.execute(r); }",
            "    }",
            "    new Local().run();",
            "    Runnable anonymous = new Runnable() {",
            "      public void run() {",
            "        // BUG: Diagnostic contains: `inner` is not shut down",
            "        ExecutorService inner = Executors.newSingleThreadExecutor();",
            "        inner.execute(r);",
            "      }",
            "    };",
            "    anonymous.run();",
            "  }",
            "  void expressionLambda(Runnable r) {",
            "    // BUG: Diagnostic contains: keep it in a variable",
            "    Runnable run = () -> Executors.newSingleThreadExecutor().execute(r);",
            "    run.run();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void moreNegatives() {
    helper
        .addSourceLines(
            "More.java",
            "import java.net.http.HttpClient;",
            "import java.util.Map;",
            "import java.util.concurrent.*;",
            "class More {",
            "  private final Map<String, ExecutorService> byName = new ConcurrentHashMap<>();",
            "  HttpClient client() {",
            "    ExecutorService pool = Executors.newFixedThreadPool(4);",
            "    return HttpClient.newBuilder().executor(pool).build();",
            "  }",
            "  void named(String name) {",
            "    ExecutorService pool = Executors.newSingleThreadExecutor();",
            "    byName.put(name, pool);",
            "  }",
            "  void closeAll() {",
            "    byName.values().forEach(ExecutorService::shutdown);",
            "  }",
            "  void conditionalShutdownBothBranches(boolean now, Runnable r) {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      if (now) {",
            "        pool.shutdownNow();",
            "      } else {",
            "        pool.shutdown();",
            "      }",
            "    }",
            "  }",
            "  void shutdownInCatchAndAfter(Runnable r) {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    try {",
            "      pool.execute(r);",
            "    } catch (Throwable t) {",
            "      pool.shutdownNow();",
            "      throw t;",
            "    }",
            "    pool.shutdown();",
            "  }",
            "  void hookInOneStatement() {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    Runtime.getRuntime().addShutdownHook(new Thread(pool::shutdown));",
            "  }",
            "  Thread worker(Runnable r) {",
            "    ExecutorService pool = Executors.newSingleThreadExecutor();",
            "    return new Thread(() -> {",
            "      try {",
            "        pool.execute(r);",
            "      } finally {",
            "        pool.shutdown();",
            "      }",
            "    });",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void guavaShutdownAndAwait() {
    helper
        .addSourceLines(
            "Guava.java",
            "import com.google.common.util.concurrent.ListeningExecutorService;",
            "import com.google.common.util.concurrent.MoreExecutors;",
            "import java.util.concurrent.*;",
            "class Guava {",
            "  void run(Runnable r) {",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      MoreExecutors.shutdownAndAwaitTermination(pool, 1, TimeUnit.SECONDS);",
            "    }",
            "  }",
            "  void decorated(Runnable r) {",
            "    ListeningExecutorService pool =",
            "        MoreExecutors.listeningDecorator(Executors.newFixedThreadPool(2));",
            "    try {",
            "      pool.execute(r);",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void negatives_configuredThenStored() {
    // jetty ScheduledExecutorScheduler, log4j ConfigurationScheduler: the pool is configured,
    // then stored in a field that stop() shuts down.
    helper
        .addSourceLines(
            "Scheduler.java",
            "import java.util.concurrent.*;",
            "class Scheduler {",
            "  private ScheduledThreadPoolExecutor scheduler;",
            "  void start() {",
            "    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1);",
            "    pool.setRemoveOnCancelPolicy(true);",
            "    pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);",
            "    scheduler = pool;",
            "  }",
            "  void stop() {",
            "    scheduler.shutdownNow();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void negatives_quietSetupBeforeTheFinally() {
    // zookeeper Learner.connectToLeader: a latch, an atomic holder and a lazy stream pipeline
    // stand between the pool and the try/finally that shuts it down; none of them throws.
    helper
        .addSourceLines(
            "Connector.java",
            "import java.net.Socket;",
            "import java.util.Set;",
            "import java.util.concurrent.*;",
            "import java.util.concurrent.atomic.AtomicReference;",
            "class Connector {",
            "  record Attempt(String address, AtomicReference<Socket> socket, CountDownLatch latch)",
            "      implements Runnable {",
            "    public void run() {}",
            "  }",
            "  Socket connect(Set<String> addresses) throws InterruptedException {",
            "    ExecutorService executor = Executors.newFixedThreadPool(addresses.size());",
            "    CountDownLatch latch = new CountDownLatch(addresses.size());",
            "    AtomicReference<Socket> socket = new AtomicReference<>(null);",
            "    addresses.stream().map(a -> new Attempt(a, socket, latch)).forEach(executor::submit);",
            "    try {",
            "      latch.await();",
            "    } finally {",
            "      executor.shutdown();",
            "    }",
            "    return socket.get();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void daemonTimerWithARepeatingTask_isAService() {
    // h2 ThreadDeadlockDetector: cancelling this timer in a finally would stop the detector.
    helper
        .addSourceLines(
            "Detector.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Detector {",
            "  Detector() {",
            "    Timer threadCheck = new Timer(\"ThreadDeadlockDetector\", true);",
            "    threadCheck.schedule(",
            "        new TimerTask() {",
            "          @Override",
            "          public void run() {}",
            "        },",
            "        10,",
            "        10_000);",
            "  }",
            "  void atFixedRate(TimerTask task) {",
            "    new Timer(true).scheduleAtFixedRate(task, 0, 1000);",
            "  }",
            "  void oneShot(TimerTask task) {",
            "    // BUG: Diagnostic contains: is not cancelled",
            "    Timer timer = new Timer(true);",
            "    timer.schedule(task, 10);",
            "  }",
            "  void notDaemon(TimerTask task) {",
            "    // BUG: Diagnostic contains: is not cancelled",
            "    Timer timer = new Timer(\"worker\");",
            "    timer.schedule(task, 10, 1000);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void replacement_shutDownTheOldExecutorBeforeReplacingIt() {
    BugCheckerRefactoringTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .addInputLines(
            "Pools.java",
            "import java.util.Timer;",
            "import java.util.concurrent.*;",
            "class Pools {",
            "  private ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  private Timer timer = new Timer();",
            "  void resize(int n) {",
            "    pool = Executors.newFixedThreadPool(n);",
            "  }",
            "  void reschedule() {",
            "    this.timer = new Timer();",
            "  }",
            "  void close() {",
            "    pool.shutdown();",
            "    timer.cancel();",
            "  }",
            "}")
        .addOutputLines(
            "Pools.java",
            "import java.util.Timer;",
            "import java.util.concurrent.*;",
            "class Pools {",
            "  private ExecutorService pool = Executors.newFixedThreadPool(2);",
            "  private Timer timer = new Timer();",
            "  void resize(int n) {",
            "    if (pool != null) {",
            "      pool.shutdown();",
            "    }",
            "    pool = Executors.newFixedThreadPool(n);",
            "  }",
            "  void reschedule() {",
            "    if (this.timer != null) {",
            "      this.timer.cancel();",
            "    }",
            "    this.timer = new Timer();",
            "  }",
            "  void close() {",
            "    pool.shutdown();",
            "    timer.cancel();",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /** The class as both checks' fixes leave it: the close() either adds releases both fields. */
  static final String[] POLLER_FIXED = {
    "import java.io.*;",
    "import java.util.concurrent.*;",
    "class Poller implements AutoCloseable {",
    "  private final ExecutorService pool = Executors.newSingleThreadExecutor();",
    "  private InputStream in;",
    "  void open(File f) throws IOException {",
    "    in = new FileInputStream(f);",
    "  }",
    "  void poll(Runnable r) {",
    "    pool.execute(r);",
    "  }",
    "",
    "  @Override",
    "  public void close() throws IOException {",
    "    pool.shutdown();",
    "    if (in != null) {",
    "      in.close();",
    "    }",
    "  }",
    "}"
  };

  static final String[] POLLER = {
    "import java.io.*;",
    "import java.util.concurrent.*;",
    "class Poller {",
    "  private final ExecutorService pool = Executors.newSingleThreadExecutor();",
    "  private InputStream in;",
    "  void open(File f) throws IOException {",
    "    in = new FileInputStream(f);",
    "  }",
    "  void poll(Runnable r) {",
    "    pool.execute(r);",
    "  }",
    "}"
  };

  @Test
  public void replacement_makeTheClassAutoCloseable_closingItsResourcesToo() {
    // UnclosedResourceFieldsTest gives the stream's finding the same fix: applied together, the
    // two add one close().
    BugCheckerRefactoringTestHelper.newInstance(ExecutorNotShutdown.class, getClass())
        .addInputLines("Poller.java", POLLER)
        .addOutputLines("Poller.java", POLLER_FIXED)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * A pool the method returns once it is checked, lost when the check throws: shut down in a
   * {@code catch} that rethrows, as a resource is closed on failure (issue #17, item 1). The
   * caller owns it on the normal path, so no {@code finally} may shut it down.
   */
  @Test
  public void fix_poolReturnedAfterACheckIsShutDownIfTheCheckThrows() {
    assertFix(
        new String[] {
          "import java.util.concurrent.*;",
          "class Test {",
          "  void check(ExecutorService pool) {",
          "    if (pool.isShutdown()) throw new IllegalStateException();",
          "  }",
          "  ExecutorService make() {",
          "    ExecutorService pool = Executors.newFixedThreadPool(2);",
          "    check(pool);",
          "    return pool;",
          "  }",
          "}",
        },
        new String[] {
          "import java.util.concurrent.*;",
          "class Test {",
          "  void check(ExecutorService pool) {",
          "    if (pool.isShutdown()) throw new IllegalStateException();",
          "  }",
          "  ExecutorService make() {",
          "    ExecutorService pool = Executors.newFixedThreadPool(2);",
          "    try {",
          "      check(pool);",
          "      return pool;",
          "    } catch (Throwable e) {",
          "      try {",
          "        pool.shutdown();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /** The same for a timer: its release is {@code cancel()}, which the {@code catch} calls. */
  @Test
  public void fix_timerReturnedAfterSchedulingIsCancelledIfSchedulingThrows() {
    assertFix(
        new String[] {
          "import java.util.Timer;",
          "import java.util.TimerTask;",
          "class Test {",
          "  Timer start(TimerTask task, long delay) {",
          "    Timer timer = new Timer();",
          "    timer.schedule(task, delay);",
          "    return timer;",
          "  }",
          "}",
        },
        new String[] {
          "import java.util.Timer;",
          "import java.util.TimerTask;",
          "class Test {",
          "  Timer start(TimerTask task, long delay) {",
          "    Timer timer = new Timer();",
          "    try {",
          "      timer.schedule(task, delay);",
          "      return timer;",
          "    } catch (Throwable e) {",
          "      try {",
          "        timer.cancel();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }
}
