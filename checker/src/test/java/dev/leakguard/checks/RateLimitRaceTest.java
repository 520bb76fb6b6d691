package dev.leakguard.checks;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.Assert.assertThrows;

import com.google.common.collect.ImmutableMap;
import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.InvalidCommandLineOptionException;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public final class RateLimitRaceTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(RateLimitRace.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(RateLimitRace.class, getClass());

  // ---------------------------------------------------------------- identification: racy limiters

  @Test
  public void spacingClient() {
    helper
        .addSourceLines(
            "SpacingClient.java",
            "class SpacingClient {",
            "  private final long intervalNanos = 1_000_000L;",
            "  private long lastRequestNanos;",
            "  void acquire() throws InterruptedException {",
            "    // BUG: Diagnostic contains: check-then-act on `lastRequestNanos` in `acquire()` is"
                + " not atomic",
            "    long sinceLast = System.nanoTime() - lastRequestNanos;",
            "    if (sinceLast < intervalNanos) {",
            "      Thread.sleep((intervalNanos - sinceLast) / 1_000_000L);",
            "    }",
            "    lastRequestNanos = System.nanoTime();",
            "  }",
            "  long last() {",
            "    return lastRequestNanos;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * activemq's SimpleDiscoveryAgent: a task copies the failed event into a new object, decides on
   * its {@code connectTime} and writes it back before handing it to the listener. No other thread
   * can see that object until then (a logger and a helper that only reads its fields do not
   * publish it), so there is no race. The same object handed to the listener, or stored, before
   * the write, or an event that came from outside, is shared, and reported.
   */
  @Test
  public void objectOnlyThisThreadHasSeen() {
    helper
        .addSourceLines(
            "Discovery.java",
            "import java.util.concurrent.Executor;",
            "class Discovery {",
            "  static class Event {",
            "    long connectTime;",
            "    long reconnectDelay;",
            "    Event(Event copy) {",
            "      connectTime = copy.connectTime;",
            "      reconnectDelay = copy.reconnectDelay;",
            "    }",
            "  }",
            "  interface Listener { void onServiceAdd(Event e); }",
            "  private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Discovery.class);",
            "  private Listener listener;",
            "  private Executor runner;",
            "  private long minConnectTime = 500;",
            "  private Event last;",
            "  void wait(Event event) throws InterruptedException {",
            "    Thread.sleep(event.reconnectDelay);",
            "  }",
            "  void failed(Event failed) {",
            "    runner.execute(() -> {",
            "      Event event = new Event(failed);",
            "      if (event.connectTime + minConnectTime > System.currentTimeMillis()) {",
            "        log.debug(\"failed soon: {}\", event);",
            "        event.reconnectDelay *= 2;",
            "        try {",
            "          wait(event);",
            "        } catch (InterruptedException e) {",
            "          return;",
            "        }",
            "      }",
            "      event.connectTime = System.currentTimeMillis();",
            "      listener.onServiceAdd(event);",
            "    });",
            "  }",
            "  void publishedFirst(Event failed) {",
            "    Event event = new Event(failed);",
            "    listener.onServiceAdd(event);",
            "    // BUG: Diagnostic contains: check-then-act on `connectTime`",
            "    if (event.connectTime + minConnectTime > System.currentTimeMillis()) {",
            "      return;",
            "    }",
            "    event.connectTime = System.currentTimeMillis();",
            "  }",
            "  void storedFirst(Event failed) {",
            "    Event event = new Event(failed);",
            "    last = event;",
            "    // BUG: Diagnostic contains: check-then-act on `connectTime`",
            "    if (event.connectTime + minConnectTime > System.currentTimeMillis()) {",
            "      return;",
            "    }",
            "    event.connectTime = System.currentTimeMillis();",
            "  }",
            "  void fromOutside(Event event) {",
            "    // BUG: Diagnostic contains: check-then-act on `connectTime`",
            "    if (event.connectTime + minConnectTime > System.currentTimeMillis()) {",
            "      return;",
            "    }",
            "    event.connectTime = System.currentTimeMillis();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * An object each thread keeps for itself (undertow's ProxyConnectionPool: one {@code
   * HostThreadData} per I/O thread, looked up under {@code Thread.currentThread()} or put there
   * new; a {@code ThreadLocal}'s value) is not shared state. An inheritable thread-local's value,
   * a table keyed by something else, and a getter that may return a shared object still are.
   */
  @Test
  public void objectEachThreadKeepsForItself() {
    helper
        .addSourceLines(
            "Pool.java",
            "import java.util.Map;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "class Pool {",
            "  static final class HostData {",
            "    long nextTimeout = -1;",
            "  }",
            "  private final Map<Thread, HostData> byThread = new ConcurrentHashMap<>();",
            "  private final Map<String, HostData> byName = new ConcurrentHashMap<>();",
            "  private final ThreadLocal<HostData> local = ThreadLocal.withInitial(HostData::new);",
            "  private final InheritableThreadLocal<HostData> inherited = new InheritableThreadLocal<>();",
            "  private final HostData shared = new HostData();",
            "  private volatile boolean closed;",
            "  private HostData data() {",
            "    Thread thread = Thread.currentThread();",
            "    HostData data = byThread.get(thread);",
            "    if (data != null) {",
            "      return data;",
            "    }",
            "    data = new HostData();",
            "    HostData existing = byThread.putIfAbsent(thread, data);",
            "    if (existing != null) {",
            "      return existing;",
            "    }",
            "    return data;",
            "  }",
            "  private HostData lazy() {",
            "    HostData data = local.get();",
            "    if (data == null) {",
            "      data = new HostData();",
            "      local.set(data);",
            "    }",
            "    return data;",
            "  }",
            "  private HostData dataOrShared() {",
            "    HostData data = byThread.get(Thread.currentThread());",
            "    return data != null ? data : shared;",
            "  }",
            "  private HostData named(String name) {",
            "    return byName.computeIfAbsent(name, n -> new HostData());",
            "  }",
            "  void perThread(long ttl) {",
            "    HostData hostData = data();",
            "    if (hostData.nextTimeout <= 0) {",
            "      hostData.nextTimeout = System.currentTimeMillis() + ttl;",
            "    }",
            "  }",
            "  void threadLocal(long ttl) {",
            "    HostData hostData = local.get();",
            "    if (hostData.nextTimeout <= 0) {",
            "      hostData.nextTimeout = System.currentTimeMillis() + ttl;",
            "    }",
            "  }",
            "  void lazyThreadLocal(long ttl) {",
            "    HostData hostData = lazy();",
            "    if (hostData.nextTimeout <= 0) {",
            "      hostData.nextTimeout = System.currentTimeMillis() + ttl;",
            "    }",
            "  }",
            "  void inheritable(long ttl) {",
            "    HostData hostData = inherited.get();",
            "    // BUG: Diagnostic contains: check-then-act on `nextTimeout`",
            "    if (hostData.nextTimeout <= 0) {",
            "      hostData.nextTimeout = System.currentTimeMillis() + ttl;",
            "    }",
            "  }",
            "  void maybeShared(long ttl) {",
            "    HostData hostData = dataOrShared();",
            "    // BUG: Diagnostic contains: check-then-act on `nextTimeout`",
            "    if (hostData.nextTimeout <= 0) {",
            "      hostData.nextTimeout = System.currentTimeMillis() + ttl;",
            "    }",
            "  }",
            "  void byName(String name, long ttl) {",
            "    HostData hostData = named(name);",
            "    // BUG: Diagnostic contains: check-then-act on `nextTimeout`",
            "    if (hostData.nextTimeout <= 0) {",
            "      hostData.nextTimeout = System.currentTimeMillis() + ttl;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * logback's SMTPAppenderBase: {@code append(event)} overrides a protected template method that
   * its base class calls only from its {@code synchronized doAppend}, so its check-then-act runs
   * under the appender's monitor. A base class that also calls it outside the lock, and a
   * subclass that calls it itself outside one, leave it reported.
   */
  @Test
  public void templateMethodTheBaseClassCallsUnderItsLock() {
    helper
        .addSourceLines(
            "AppenderBase.java",
            "abstract class AppenderBase<E> {",
            "  private volatile boolean started;",
            "  public synchronized void doAppend(E event) {",
            "    if (started) {",
            "      append(event);",
            "    }",
            "  }",
            "  protected abstract void append(E event);",
            "}")
        .addSourceLines(
            "LooseBase.java",
            "abstract class LooseBase<E> {",
            "  public synchronized void doAppend(E event) { append(event); }",
            "  public void appendNow(E event) { append(event); }",
            "  protected abstract void append(E event);",
            "}")
        .addSourceLines(
            "Mailer.java",
            "class Mailer extends AppenderBase<String> {",
            "  private final java.util.concurrent.atomic.AtomicInteger errors =",
            "      new java.util.concurrent.atomic.AtomicInteger();",
            "  private long lastStatus;",
            "  private long delay = 1000;",
            "  @Override protected void append(String event) {",
            "    long now = System.currentTimeMillis();",
            "    if (lastStatus + delay < now) {",
            "      lastStatus = now;",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "LooseMailer.java",
            "class LooseMailer extends LooseBase<String> {",
            "  private final java.util.concurrent.atomic.AtomicInteger errors =",
            "      new java.util.concurrent.atomic.AtomicInteger();",
            "  private long lastStatus;",
            "  private long delay = 1000;",
            "  @Override protected void append(String event) {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: check-then-act on `lastStatus`",
            "    if (lastStatus + delay < now) {",
            "      lastStatus = now;",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "SelfCalling.java",
            "class SelfCalling extends AppenderBase<String> {",
            "  private final java.util.concurrent.atomic.AtomicInteger errors =",
            "      new java.util.concurrent.atomic.AtomicInteger();",
            "  private long lastStatus;",
            "  private long delay = 1000;",
            "  void flush() { append(\"flush\"); }",
            "  @Override protected void append(String event) {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: check-then-act on `lastStatus`",
            "    if (lastStatus + delay < now) {",
            "      lastStatus = now;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Where logback is a library jar, its base class cannot be read: the model says {@code
   * AppenderBase.append} runs under {@code doAppend}'s monitor. The stub below stands for the jar,
   * with a {@code doAppend} left unsynchronized so that only the model can cover the override; a
   * base class of another name with the same code does not.
   */
  @Test
  public void templateMethodOfALibraryBaseClassKnownToLock() {
    helper
        .addSourceLines(
            "ch/qos/logback/core/AppenderBase.java",
            "package ch.qos.logback.core;",
            "public abstract class AppenderBase<E> {",
            "  public void doAppend(E event) { append(event); }",
            "  protected abstract void append(E event);",
            "}")
        .addSourceLines(
            "OtherBase.java",
            "public abstract class OtherBase<E> {",
            "  public void doAppend(E event) { append(event); }",
            "  protected abstract void append(E event);",
            "}")
        .addSourceLines(
            "Mailer.java",
            "class Mailer extends ch.qos.logback.core.AppenderBase<String> {",
            "  private final java.util.concurrent.atomic.AtomicInteger errors =",
            "      new java.util.concurrent.atomic.AtomicInteger();",
            "  private long lastStatus;",
            "  private long delay = 1000;",
            "  @Override protected void append(String event) {",
            "    long now = System.currentTimeMillis();",
            "    if (lastStatus + delay < now) {",
            "      lastStatus = now;",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "OtherMailer.java",
            "class OtherMailer extends OtherBase<String> {",
            "  private final java.util.concurrent.atomic.AtomicInteger errors =",
            "      new java.util.concurrent.atomic.AtomicInteger();",
            "  private long lastStatus;",
            "  private long delay = 1000;",
            "  @Override protected void append(String event) {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: check-then-act on `lastStatus`",
            "    if (lastStatus + delay < now) {",
            "      lastStatus = now;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * tomcat-jdbc's {@code PooledConnection}: the class hands its lock to callers ({@code lock()}
   * takes it and returns, {@code unlock()} releases it), and the pool calls {@code validate()}
   * between the two. The check-then-act is the callers' to make atomic. A class whose methods
   * take and release a lock within themselves (directly, or through a helper in a {@code finally})
   * does not hand it over, and is still reported.
   */
  @Test
  public void classHandingItsLockToCallers() {
    helper
        .addSourceLines(
            "PooledConnection.java",
            "import java.util.concurrent.locks.ReentrantReadWriteLock;",
            "class PooledConnection {",
            "  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();",
            "  private final long validationInterval = 3000;",
            "  private volatile long lastValidated;",
            "  public void lock() {",
            "    lock.writeLock().lock();",
            "  }",
            "  public void unlock() {",
            "    lock.writeLock().unlock();",
            "  }",
            "  public boolean validate() {",
            "    long now = System.currentTimeMillis();",
            "    if (now - lastValidated < validationInterval) {",
            "      return true;",
            "    }",
            "    lastValidated = now;",
            "    return false;",
            "  }",
            "}")
        // h2's MVStore: the lock is released through a private helper in a `finally`.
        .addSourceLines(
            "Store.java",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Store {",
            "  private final ReentrantLock storeLock = new ReentrantLock();",
            "  private long lastTimeAbsolute;",
            "  private int version;",
            "  public void rollback(int to) {",
            "    storeLock.lock();",
            "    try {",
            "      version = to;",
            "    } finally {",
            "      unlockAndCheck();",
            "    }",
            "  }",
            "  private void unlockAndCheck() {",
            "    storeLock.unlock();",
            "  }",
            "  public void close() {",
            "    if (storeLock.isHeldByCurrentThread()) {",
            "      storeLock.unlock();",
            "    }",
            "  }",
            "  public long getTimeAbsolute() {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: check-then-act on `lastTimeAbsolute`",
            "    if (lastTimeAbsolute != 0 && now < lastTimeAbsolute) {",
            "      now = lastTimeAbsolute;",
            "    } else {",
            "      lastTimeAbsolute = now;",
            "    }",
            "    return now;",
            "  }",
            "}")
        .addSourceLines(
            "SelfLocking.java",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class SelfLocking {",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private final long validationInterval = 3000;",
            "  private volatile long lastValidated;",
            "  public int count() {",
            "    lock.lock();",
            "    try {",
            "      return 1;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  public boolean validate() {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: check-then-act on `lastValidated`",
            "    if (now - lastValidated < validationInterval) {",
            "      return true;",
            "    }",
            "    lastValidated = now;",
            "    return false;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void spacingClient_thisQualifiedAndMillis() {
    helper
        .addSourceLines(
            "Spacer.java",
            "class Spacer {",
            "  private long last;",
            "  void pace(long intervalMillis) throws InterruptedException {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: written at line 7",
            "    long wait = this.last + intervalMillis - now;",
            "    this.last = Math.max(now, this.last + intervalMillis);",
            "    if (wait > 0) Thread.sleep(wait);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void tokenBucket_refilledFromElapsedTime() {
    helper
        .addSourceLines(
            "TokenBucket.java",
            "class TokenBucket {",
            "  private final double capacity = 10;",
            "  private final double perNano = 1e-9;",
            "  private double tokens = 10;",
            "  private long lastRefill = System.nanoTime();",
            "  boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: check-then-act on `tokens` and `lastRefill` in"
                + " `tryAcquire()`",
            "    tokens = Math.min(capacity, tokens + (now - lastRefill) * perNano);",
            "    lastRefill = now;",
            "    if (tokens >= 1) {",
            "      tokens -= 1;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void tokenBucket_clockFieldAndTicker() {
    helper
        .addSourceLines(
            "Ticker.java", "interface Ticker {", "  long read();", "}")
        .addSourceLines(
            "Bucket.java",
            "import java.time.Clock;",
            "class Bucket {",
            "  private final Clock clock = Clock.systemUTC();",
            "  private final Ticker ticker;",
            "  private long permits;",
            "  private long refilledAt;",
            "  private long lastSeen;",
            "  Bucket(Ticker ticker) { this.ticker = ticker; }",
            "  boolean take() {",
            "    long now = clock.millis();",
            "    // BUG: Diagnostic contains: `refilledAt`",
            "    if (now - refilledAt > 1000) {",
            "      permits = 100;",
            "      refilledAt = now;",
            "    }",
            "    return permits-- > 0;",
            "  }",
            "  boolean seen() {",
            "    long t = ticker.read();",
            "    // BUG: Diagnostic contains: `lastSeen` in `seen()`",
            "    boolean fresh = t - lastSeen > 5;",
            "    lastSeen = t;",
            "    return fresh;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fixedWindowCounter() {
    helper
        .addSourceLines(
            "FixedWindow.java",
            "class FixedWindow {",
            "  private final int limit = 100;",
            "  private long windowStart;",
            "  private int count;",
            "  boolean allow() {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: check-then-act on `windowStart` and `count` in `allow()`",
            "    if (now - windowStart >= 1000) {",
            "      windowStart = now;",
            "      count = 0;",
            "    }",
            "    if (count < limit) {",
            "      count++;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void slidingWindowLog_dequeOfTimestamps() {
    helper
        .addSourceLines(
            "SlidingLog.java",
            "import java.util.ArrayDeque;",
            "import java.util.Deque;",
            "class SlidingLog {",
            "  private final Deque<Long> hits = new ArrayDeque<>();",
            "  boolean allow(int limit) {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: check-then-act on `hits` in `allow()`",
            "    while (!hits.isEmpty() && now - hits.peekFirst() > 1_000_000_000L) {",
            "      hits.pollFirst();",
            "    }",
            "    if (hits.size() < limit) {",
            "      hits.addLast(now);",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void slidingWindowCounter_twoWindows() {
    helper
        .addSourceLines(
            "SlidingCounter.java",
            "class SlidingCounter {",
            "  private final long window = 1000;",
            "  private final int limit = 50;",
            "  private long currentStart;",
            "  private int previous;",
            "  private int current;",
            "  boolean tryAcquire(long nowMillis) {",
            "    // BUG: Diagnostic contains: in `tryAcquire()` is not atomic",
            "    if (nowMillis - currentStart >= window) {",
            "      previous = nowMillis - currentStart >= 2 * window ? 0 : current;",
            "      current = 0;",
            "      currentStart = nowMillis - (nowMillis % window);",
            "    }",
            "    double weight = 1.0 - (double) (nowMillis - currentStart) / window;",
            "    if (previous * weight + current >= limit) {",
            "      return false;",
            "    }",
            "    current++;",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void debouncerAndThrottle() {
    helper
        .addSourceLines(
            "Debouncer.java",
            "import java.time.Duration;",
            "import java.time.Instant;",
            "/** Fires at most every 200 ms; shared by all request threads. */",
            "class Debouncer {",
            "  private Instant lastFired = Instant.EPOCH;",
            "  private static long lastLog;",
            "  void fire(Runnable action) {",
            "    Instant now = Instant.now();",
            "    // BUG: Diagnostic contains: check-then-act on `lastFired` in `fire()`",
            "    if (Duration.between(lastFired, now).toMillis() < 200) {",
            "      return;",
            "    }",
            "    lastFired = now;",
            "    action.run();",
            "  }",
            "  static void log(String message) {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: check-then-act on `lastLog` in `log()`",
            "    if (now - lastLog > 10_000) {",
            "      lastLog = now;",
            "      System.err.println(message);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void volatileDoesNotMakeItAtomic() {
    helper
        .addSourceLines(
            "VolatileLimiter.java",
            "class VolatileLimiter {",
            "  private volatile long nextAllowed;",
            "  boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: `volatile` on `nextAllowed` makes each access visible",
            "    if (now < nextAllowed) {",
            "      return false;",
            "    }",
            "    nextAllowed = now + 1_000_000L;",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void readOutsideLock_writeInside() {
    helper
        .addSourceLines(
            "HalfLocked.java",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class HalfLocked {",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private final Object monitor = new Object();",
            "  private long last;",
            "  private long other;",
            "  boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: the read is outside the `lock` lock region",
            "    if (now - last < 1000) {",
            "      return false;",
            "    }",
            "    lock.lock();",
            "    try {",
            "      last = now;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "    return true;",
            "  }",
            "  boolean trySync() {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: the read is outside the `synchronized (monitor)` block",
            "    if (now - other < 1000) {",
            "      return false;",
            "    }",
            "    synchronized (monitor) {",
            "      other = now;",
            "    }",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void twoSeparateCriticalSections_stillRacy() {
    helper
        .addSourceLines(
            "Split.java",
            "class Split {",
            "  private long last;",
            "  boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    long seen;",
            "    synchronized (this) {",
            "      // BUG: Diagnostic contains: check-then-act on `last`",
            "      seen = last;",
            "    }",
            "    if (now - seen < 1000) return false;",
            "    synchronized (this) {",
            "      last = now;",
            "    }",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void staticStateUnderInstanceMonitor_racy() {
    helper
        .addSourceLines(
            "Global.java",
            "class Global {",
            "  private static long last;",
            "  synchronized boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: check-then-act on `last`",
            "    if (now - last < 1000) return false;",
            "    last = now;",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void atomicGetThenSet_racy() {
    helper
        .addSourceLines(
            "AtomicGetSet.java",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "class AtomicGetSet {",
            "  private final AtomicLong last = new AtomicLong();",
            "  private final AtomicInteger permits = new AtomicInteger(10);",
            "  boolean spaced() {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: check-then-act on `last` in `spaced()`",
            "    if (now - last.get() < 1000) return false;",
            "    last.set(now);",
            "    return true;",
            "  }",
            "  boolean take() {",
            "    // BUG: Diagnostic contains: check-then-act on `permits` in `take()`",
            "    if (permits.get() <= 0) return false;",
            "    permits.decrementAndGet();",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void permitCounterWithoutTime_semaphoreLike() {
    helper
        .addSourceLines(
            "Permits.java",
            "class Permits {",
            "  private int permits = 4;",
            "  boolean tryAcquire() {",
            "    // BUG: Diagnostic contains: check-then-act on `permits` in `tryAcquire()`",
            "    if (permits > 0) {",
            "      permits--;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "  void release() {",
            "    permits++;",
            "  }",
            "}")
        .addSourceLines(
            "Available.java",
            "class Available {",
            "  private int available = 10;",
            "  boolean tryAcquire(int n) {",
            "    // BUG: Diagnostic contains: check-then-act on `available` in `tryAcquire()`",
            "    if (available >= n) {",
            "      available -= n;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "  void refill() {",
            "    available = 10;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void lambdasInnerClassesAndPerKeyBuckets() {
    helper
        .addSourceLines(
            "Shapes.java",
            "import java.util.Map;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "class Shapes {",
            "  private long last;",
            "  static final class Bucket {",
            "    long tokens;",
            "    long refilledAt;",
            "  }",
            "  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();",
            "  Runnable task() {",
            "    return () -> {",
            "      long now = System.nanoTime();",
            "      // BUG: Diagnostic contains: check-then-act on `last` in a lambda in `task()`",
            "      if (now - last < 100) return;",
            "      last = now;",
            "    };",
            "  }",
            "  Runnable inner() {",
            "    return new Runnable() {",
            "      @Override public void run() {",
            "        long now = System.nanoTime();",
            "        // BUG: Diagnostic contains: check-then-act on `last` in `run()`",
            "        if (now - Shapes.this.last < 100) return;",
            "        Shapes.this.last = now;",
            "      }",
            "    };",
            "  }",
            "  boolean take(String key) {",
            "    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket());",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: check-then-act on `refilledAt` and `tokens` in `take()`",
            "    if (now - b.refilledAt > 1000) {",
            "      b.tokens = 10;",
            "      b.refilledAt = now;",
            "    }",
            "    if (b.tokens > 0) {",
            "      b.tokens--;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void perKeyMapOfTimestamps_getThenPut() {
    helper
        .addSourceLines(
            "PerUser.java",
            "import java.util.Map;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "class PerUser {",
            "  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();",
            "  boolean allow(String user) {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: check-then-act on `lastSeen` in `allow()`",
            "    Long prev = lastSeen.get(user);",
            "    if (prev != null && now - prev < 1000) return false;",
            "    lastSeen.put(user, now);",
            "    return true;",
            "  }",
            "  boolean allowCas(String user) {",
            "    long now = System.currentTimeMillis();",
            "    Long prev = lastSeen.putIfAbsent(user, now);",
            "    if (prev == null) return true;",
            "    if (now - prev < 1000) return false;",
            "    return lastSeen.replace(user, prev, now);",
            "  }",
            "  boolean allowCompute(String user) {",
            "    long now = System.currentTimeMillis();",
            "    long[] allowed = {0};",
            "    lastSeen.compute(user, (k, v) -> {",
            "      if (v != null && now - v < 1000) return v;",
            "      allowed[0] = 1;",
            "      return now;",
            "    });",
            "    return allowed[0] == 1;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void perKeySlidingWindow_dequeTakenFromSharedMap() {
    helper
        .addSourceLines(
            "PerIp.java",
            "import java.util.ArrayDeque;",
            "import java.util.Deque;",
            "import java.util.Map;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "class PerIp {",
            "  private final Map<String, Deque<Long>> windows = new ConcurrentHashMap<>();",
            "  boolean allow(String ip, int limit) {",
            "    long now = System.currentTimeMillis();",
            "    Deque<Long> q = windows.computeIfAbsent(ip, k -> new ArrayDeque<>());",
            "    // BUG: Diagnostic contains: check-then-act on `q` in `allow()`",
            "    while (!q.isEmpty() && q.peekFirst() < now - 1000) q.pollFirst();",
            "    if (q.size() >= limit) return false;",
            "    q.addLast(now);",
            "    return true;",
            "  }",
            "  boolean allowLocked(String ip, int limit) {",
            "    long now = System.currentTimeMillis();",
            "    Deque<Long> q = windows.computeIfAbsent(ip, k -> new ArrayDeque<>());",
            "    synchronized (q) {",
            "      while (!q.isEmpty() && q.peekFirst() < now - 1000) q.pollFirst();",
            "      if (q.size() >= limit) return false;",
            "      q.addLast(now);",
            "      return true;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void leakyBucketAndLongAdderWindow() {
    helper
        .addSourceLines(
            "Leaky.java",
            "import java.util.concurrent.atomic.LongAdder;",
            "class Leaky {",
            "  private double water;",
            "  private long lastLeak;",
            "  private final LongAdder inWindow = new LongAdder();",
            "  private volatile long windowStart;",
            "  boolean offer() {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: check-then-act on `water` and `lastLeak` in `offer()`",
            "    water = Math.max(0, water - (now - lastLeak) * 1e-6);",
            "    lastLeak = now;",
            "    if (water + 1 > 10) return false;",
            "    water += 1;",
            "    return true;",
            "  }",
            "  boolean hit(long limit) {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: `windowStart`",
            "    if (now - windowStart > 1000) {",
            "      windowStart = now;",
            "      inWindow.reset();",
            "    }",
            "    if (inWindow.sum() >= limit) return false;",
            "    inWindow.increment();",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  // ------------------------------------------------------------ identification: left alone

  @Test
  public void synchronizedMethodAndBlock_ok() {
    helper
        .addSourceLines(
            "Synced.java",
            "class Synced {",
            "  private long last;",
            "  private static long globalLast;",
            "  private final Object mutex = new Object();",
            "  private long other;",
            "  synchronized boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    if (now - last < 1000) return false;",
            "    last = now;",
            "    return true;",
            "  }",
            "  static synchronized boolean global() {",
            "    long now = System.nanoTime();",
            "    if (now - globalLast < 1000) return false;",
            "    globalLast = now;",
            "    return true;",
            "  }",
            "  boolean block() {",
            "    long now = System.nanoTime();",
            "    synchronized (mutex) {",
            "      if (now - other < 1000) return false;",
            "      other = now;",
            "      return true;",
            "    }",
            "  }",
            "  boolean classBlock() {",
            "    synchronized (Synced.class) {",
            "      long now = System.nanoTime();",
            "      if (now - globalLast < 1000) return false;",
            "      globalLast = now;",
            "      return true;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void lockTryFinally_ok() {
    helper
        .addSourceLines(
            "Locked.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "import java.util.concurrent.locks.ReentrantReadWriteLock;",
            "class Locked {",
            "  private final Lock lock = new ReentrantLock();",
            "  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();",
            "  private double tokens;",
            "  private long lastRefill;",
            "  boolean tryAcquire() {",
            "    lock.lock();",
            "    try {",
            "      long now = System.nanoTime();",
            "      tokens = Math.min(10, tokens + (now - lastRefill) * 1e-9);",
            "      lastRefill = now;",
            "      if (tokens < 1) return false;",
            "      tokens -= 1;",
            "      return true;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  boolean tryLockForm() {",
            "    if (!lock.tryLock()) return false;",
            "    try {",
            "      if (tokens < 1) return false;",
            "      tokens -= 1;",
            "      return true;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  boolean ifTryLock() {",
            "    if (lock.tryLock()) {",
            "      try {",
            "        if (tokens < 1) return false;",
            "        tokens -= 1;",
            "        return true;",
            "      } finally {",
            "        lock.unlock();",
            "      }",
            "    }",
            "    return false;",
            "  }",
            "  boolean writeLock() {",
            "    rw.writeLock().lock();",
            "    try {",
            "      if (tokens < 1) return false;",
            "      tokens -= 1;",
            "      return true;",
            "    } finally {",
            "      rw.writeLock().unlock();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void readLockIsNotACriticalSection() {
    helper
        .addSourceLines(
            "ReadLocked.java",
            "import java.util.concurrent.locks.ReentrantReadWriteLock;",
            "class ReadLocked {",
            "  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();",
            "  private long last;",
            "  boolean tryAcquire() {",
            "    rw.readLock().lock();",
            "    try {",
            "      long now = System.nanoTime();",
            "      // BUG: Diagnostic contains: check-then-act on `last`",
            "      if (now - last < 1000) return false;",
            "      last = now;",
            "      return true;",
            "    } finally {",
            "      rw.readLock().unlock();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void atomicsWithCompareAndSet_ok() {
    helper
        .addSourceLines(
            "Atomics.java",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "class Atomics {",
            "  private final AtomicLong last = new AtomicLong();",
            "  private final AtomicLong next = new AtomicLong();",
            "  private final AtomicInteger tokens = new AtomicInteger(10);",
            "  private final AtomicLong windowStart = new AtomicLong();",
            "  private final AtomicInteger count = new AtomicInteger();",
            "  boolean cas() {",
            "    long now = System.nanoTime();",
            "    long prev = last.get();",
            "    if (now - prev < 1000) return false;",
            "    return last.compareAndSet(prev, now);",
            "  }",
            "  boolean loop() {",
            "    while (true) {",
            "      int current = tokens.get();",
            "      if (current <= 0) return false;",
            "      if (tokens.compareAndSet(current, current - 1)) return true;",
            "    }",
            "  }",
            "  long reserve() {",
            "    long now = System.nanoTime();",
            "    long slot = next.getAndUpdate(n -> Math.max(n, now) + 1000);",
            "    return Math.max(0, slot - now);",
            "  }",
            "  boolean accumulate() {",
            "    long now = System.nanoTime();",
            "    return next.accumulateAndGet(now, (n, t) -> t - n >= 1000 ? t : n) == now;",
            "  }",
            "  boolean window(int limit) {",
            "    long now = System.currentTimeMillis();",
            "    long start = windowStart.get();",
            "    if (now - start >= 1000 && windowStart.compareAndSet(start, now)) {",
            "      count.set(0);",
            "    }",
            "    if (count.incrementAndGet() > limit) {",
            "      count.decrementAndGet();",
            "      return false;",
            "    }",
            "    return true;",
            "  }",
            "  boolean saturated(int limit) {",
            "    return count.get() >= limit;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void writeOnlyFieldsAndLocals_ok() {
    helper
        .addSourceLines(
            "Tracker.java",
            "class Tracker {",
            "  private volatile long lastAccess;",
            "  private long hits;",
            "  void touch() {",
            "    lastAccess = System.currentTimeMillis();",
            "    hits++;",
            "  }",
            "  long lastAccess() { return lastAccess; }",
            "  boolean spacedLocally(long[] times) {",
            "    long last = 0;",
            "    for (long t : times) {",
            "      if (t - last < 10) return false;",
            "      last = t;",
            "    }",
            "    return true;",
            "  }",
            "  void pace() throws InterruptedException {",
            "    long last = System.nanoTime();",
            "    for (int i = 0; i < 3; i++) {",
            "      long now = System.nanoTime();",
            "      if (now - last < 1000) Thread.sleep(1);",
            "      last = now;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void notThreadSafeAndConfinedClasses_ok() {
    helper
        .addSourceLines(
            "NotThreadSafe.java",
            "import java.lang.annotation.*;",
            "@Retention(RetentionPolicy.CLASS) @interface NotThreadSafe {}")
        .addSourceLines(
            "Confined.java",
            "@NotThreadSafe",
            "class Confined {",
            "  private long last;",
            "  boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    if (now - last < 1000) return false;",
            "    last = now;",
            "    return true;",
            "  }",
            "  /** Owned by the event loop: confined to a single thread. */",
            "  static final class LoopThrottle {",
            "    private long last;",
            "    boolean tryAcquire() {",
            "      long now = System.nanoTime();",
            "      if (now - last < 1000) return false;",
            "      last = now;",
            "      return true;",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "Documented.java",
            "/** A throttle for one connection. This class is not thread-safe. */",
            "class Documented {",
            "  private long last;",
            "  boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    if (now - last < 1000) return false;",
            "    last = now;",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void guardedByUnderGuard_ok() {
    helper
        .addSourceLines(
            "Guarded.java",
            "import com.google.errorprone.annotations.concurrent.GuardedBy;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Guarded {",
            "  private final Object mutex = new Object();",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  @GuardedBy(\"mutex\") private long last;",
            "  @GuardedBy(\"lock\") private int tokens;",
            "  @GuardedBy(\"this\") private long windowStart;",
            "  boolean spaced() {",
            "    long now = System.nanoTime();",
            "    synchronized (mutex) {",
            "      if (now - last < 1000) return false;",
            "      last = now;",
            "      return true;",
            "    }",
            "  }",
            "  boolean take() {",
            "    lock.lock();",
            "    try {",
            "      return takeLocked();",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  @GuardedBy(\"lock\")",
            "  private boolean takeLocked() {",
            "    if (tokens <= 0) {",
            "      tokens = refill(System.nanoTime());",
            "    }",
            "    if (tokens > 0) { tokens--; return true; }",
            "    return false;",
            "  }",
            "  private int refill(long now) { return (int) (now % 10); }",
            "  synchronized void roll() {",
            "    long now = System.currentTimeMillis();",
            "    if (now - windowStart > 1000) windowStart = now;",
            "  }",
            "  boolean wrongMonitor() {",
            "    long now = System.nanoTime();",
            "    synchronized (this) {",
            "      // BUG: Diagnostic contains: check-then-act on `last` in `wrongMonitor()`",
            "      if (now - last < 1000) return false;",
            "      last = now;",
            "      return true;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void privateHelperCalledOnlyUnderLock_ok() {
    helper
        .addSourceLines(
            "Helper.java",
            "class Helper {",
            "  private double tokens;",
            "  private long lastRefill;",
            "  synchronized boolean tryAcquire() {",
            "    refill();",
            "    if (tokens < 1) return false;",
            "    tokens -= 1;",
            "    return true;",
            "  }",
            "  private void refill() {",
            "    long now = System.nanoTime();",
            "    tokens = Math.min(5, tokens + (now - lastRefill) * 1e-9);",
            "    lastRefill = now;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * jgroups' {@code CreditMap.decrement(long)} and {@code Table._add}: a protected helper "called
   * with lock held" by every caller of its class is covered as a private one is. One that a method
   * of its class (or an anonymous class in it) also calls without the lock, and one that overrides
   * a method (which code holding nothing may call through the overridden one), are still reported.
   */
  @Test
  public void protectedHelperCalledOnlyUnderLock_ok_itsTwinsAreNot() {
    helper
        .addSourceLines(
            "Credits.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Credits {",
            "  protected final Lock lock = new ReentrantLock();",
            "  private long minCredits;",
            "  private long accumulated;",
            "  public boolean decrement(int credits) {",
            "    lock.lock();",
            "    try {",
            "      return take(credits);",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  // called with the lock held",
            "  protected boolean take(long credits) {",
            "    if (minCredits - credits >= 0) {",
            "      accumulated += credits;",
            "      minCredits -= credits;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .addSourceLines(
            "Leaky.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Leaky {",
            "  protected final Lock lock = new ReentrantLock();",
            "  private long minCredits;",
            "  private long accumulated;",
            "  public boolean decrement(int credits) {",
            "    lock.lock();",
            "    try {",
            "      return take(credits);",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  public boolean tryQuickly(int credits) {",
            "    return take(credits);",
            "  }",
            "  protected boolean take(long credits) {",
            "    // BUG: Diagnostic contains: check-then-act on `minCredits`",
            "    if (minCredits - credits >= 0) {",
            "      accumulated += credits;",
            "      minCredits -= credits;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .addSourceLines(
            "Overriding.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "abstract class Base {",
            "  protected abstract boolean take(long credits);",
            "  public boolean tryQuickly(int credits) {",
            "    return take(credits);",
            "  }",
            "}",
            "class Overriding extends Base {",
            "  protected final Lock lock = new ReentrantLock();",
            "  private long minCredits;",
            "  private long accumulated;",
            "  public boolean decrement(int credits) {",
            "    lock.lock();",
            "    try {",
            "      return take(credits);",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  @Override",
            "  protected boolean take(long credits) {",
            "    // BUG: Diagnostic contains: check-then-act on `minCredits`",
            "    if (minCredits - credits >= 0) {",
            "      accumulated += credits;",
            "      minCredits -= credits;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .addSourceLines(
            "Anonymous.java",
            "import java.util.concurrent.Executor;",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Anonymous {",
            "  protected final Lock lock = new ReentrantLock();",
            "  private long minCredits;",
            "  private long accumulated;",
            "  public boolean decrement(int credits) {",
            "    lock.lock();",
            "    try {",
            "      return take(credits);",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  public void later(Executor executor, int credits) {",
            "    executor.execute(new Runnable() {",
            "      @Override",
            "      public void run() {",
            "        take(credits);",
            "      }",
            "    });",
            "  }",
            "  protected boolean take(long credits) {",
            "    // BUG: Diagnostic contains: check-then-act on `minCredits`",
            "    if (minCredits - credits >= 0) {",
            "      accumulated += credits;",
            "      minCredits -= credits;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * jgroups' {@code Table._add}, a helper its callers call with the table's lock held, hands a
   * visitor to the table's own {@code forEach}, which calls it there and then: the lambda's
   * check-then-act runs in the callers' critical section. A method that keeps the visitor for
   * later, one that a class of the compilation overrides, or a call made where no lock is held,
   * leaves the lambda reported.
   */
  @Test
  public void lambdaCalledThereAndThenByAMethodOfTheCompilation_runsUnderTheCallersLock() {
    helper
        .addSourceLines(
            "Table.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Table {",
            "  interface Visitor { boolean visit(long now); }",
            "  private final Lock lock = new ReentrantLock();",
            "  private long lastRefill;",
            "  private int permits;",
            "  private Visitor later;",
            "  public void add() {",
            "    lock.lock();",
            "    try {",
            "      refill();",
            "      refillLater();",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  private void refill() {",
            "    forEach(System.nanoTime(), now -> {",
            "      if (now - lastRefill > 1000) {",
            "        lastRefill = now;",
            "        permits = 10;",
            "      }",
            "      return true;",
            "    });",
            "  }",
            "  private void refillLater() {",
            "    keep(now -> {",
            "      // BUG: Diagnostic contains: check-then-act on `lastRefill`",
            "      if (now - lastRefill > 1000) {",
            "        lastRefill = now;",
            "        permits = 10;",
            "      }",
            "      return true;",
            "    });",
            "  }",
            "  public void addUnlocked() {",
            "    forEach(System.nanoTime(), now -> {",
            "      // BUG: Diagnostic contains: check-then-act on `lastRefill`",
            "      if (now - lastRefill > 1000) {",
            "        lastRefill = now;",
            "        permits = 10;",
            "      }",
            "      return true;",
            "    });",
            "  }",
            "  void forEach(long to, Visitor visitor) {",
            "    for (long i = 0; i < to; i++) {",
            "      if (visitor != null && !visitor.visit(System.nanoTime())) {",
            "        break;",
            "      }",
            "    }",
            "  }",
            "  void keep(Visitor visitor) {",
            "    later = visitor;",
            "  }",
            "}")
        .addSourceLines(
            "Overridden.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Overridden {",
            "  interface Visitor { boolean visit(long now); }",
            "  private final Lock lock = new ReentrantLock();",
            "  private long lastRefill;",
            "  private int permits;",
            "  public void add() {",
            "    lock.lock();",
            "    try {",
            "      refill();",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  private void refill() {",
            "    forEach(System.nanoTime(), now -> {",
            "      // BUG: Diagnostic contains: check-then-act on `lastRefill`",
            "      if (now - lastRefill > 1000) {",
            "        lastRefill = now;",
            "        permits = 10;",
            "      }",
            "      return true;",
            "    });",
            "  }",
            "  void forEach(long to, Visitor visitor) {",
            "    visitor.visit(to);",
            "  }",
            "}",
            "class Deferred extends Overridden {",
            "  private Visitor later;",
            "  @Override",
            "  void forEach(long to, Visitor visitor) {",
            "    later = visitor;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void doubleCheckedUnderLock_ok() {
    helper
        .addSourceLines(
            "DoubleChecked.java",
            "class DoubleChecked {",
            "  private volatile long last;",
            "  boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    if (now - last < 1000) return false;",
            "    synchronized (this) {",
            "      if (now - last < 1000) return false;",
            "      last = now;",
            "      return true;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void packagePrivateHelperCalledOnlyUnderMutex_ok() {
    helper
        .addSourceLines(
            "Smooth.java",
            "class Smooth {",
            "  private final Object mutex = new Object();",
            "  private long nextFreeMicros;",
            "  private double stored;",
            "  long reserve(long nowMicros) {",
            "    synchronized (mutex) {",
            "      return reserveEarliestAvailable(nowMicros);",
            "    }",
            "  }",
            "  long reserveEarliestAvailable(long nowMicros) {",
            "    resync(nowMicros);",
            "    long ret = nextFreeMicros;",
            "    nextFreeMicros = Math.max(nextFreeMicros, nowMicros) + 1000;",
            "    stored = Math.max(0, stored - 1);",
            "    return Math.max(ret - nowMicros, 0);",
            "  }",
            "  void resync(long nowMicros) {",
            "    if (nowMicros > nextFreeMicros) {",
            "      stored = Math.min(10, stored + (nowMicros - nextFreeMicros) / 1000.0);",
            "      nextFreeMicros = nowMicros;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void unrelatedCountersAreNotRateState() {
    helper
        .addSourceLines(
            "Parser.java",
            "class Parser {",
            "  private final String text;",
            "  private int pos;",
            "  private int size;",
            "  private final int[] items = new int[8];",
            "  Parser(String text) { this.text = text; }",
            "  char next() {",
            "    if (pos >= text.length()) return 0;",
            "    return text.charAt(pos++);",
            "  }",
            "  void push(int v) {",
            "    if (size < items.length) {",
            "      items[size] = v;",
            "      size++;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void suppressed() {
    helper
        .addSourceLines(
            "Quiet.java",
            "class Quiet {",
            "  private long last;",
            "  @SuppressWarnings(\"RateLimitRace\")",
            "  boolean tryAcquire() {",
            "    long now = System.nanoTime();",
            "    if (now - last < 1000) return false;",
            "    last = now;",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void java21Shapes_noCrash() {
    helper
        .setArgs("--release", "21")
        .addSourceLines(
            "Shapes21.java",
            "import java.util.List;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "import java.util.function.Supplier;",
            "class Shapes21 {",
            "  sealed interface Shape permits Circle, Square {}",
            "  record Circle(double r) implements Shape {}",
            "  record Square(double s) implements Shape {}",
            "  record Window(long start, int count) {",
            "    Window { if (count < 0) throw new IllegalArgumentException(); }",
            "  }",
            "  enum Mode { A, B }",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private long last;",
            "  private int count;",
            "  static double area(Shape shape) {",
            "    return switch (shape) {",
            "      case Circle c when c.r() > 10 -> 0;",
            "      case Circle c -> Math.PI * c.r() * c.r();",
            "      case Square(double s) -> s * s;",
            "    };",
            "  }",
            "  String text() {",
            "    return \"\"\"",
            "        hello",
            "          world",
            "        \"\"\";",
            "  }",
            "  int labeled(int[][] grid) {",
            "    int found = 0;",
            "    outer:",
            "    for (int[] row : grid) {",
            "      for (int v : row) {",
            "        if (v < 0) break outer;",
            "        if (v == 0) continue outer;",
            "        found += v;",
            "      }",
            "    }",
            "    return found;",
            "  }",
            "  boolean nestedFinally(Mode mode) {",
            "    lock.lock();",
            "    try {",
            "      try {",
            "        long now = System.nanoTime();",
            "        int step = switch (mode) {",
            "          case A -> { yield 1; }",
            "          case B -> 2;",
            "        };",
            "        if (now - last < 1000 || count > 5) return false;",
            "        last = now;",
            "        count += step;",
            "        return true;",
            "      } finally {",
            "        count = Math.max(0, count);",
            "      }",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  Supplier<Boolean> supplier() {",
            "    class Local {",
            "      long seen;",
            "      boolean check(Object o) {",
            "        long now = System.nanoTime();",
            "        if (o instanceof Window(long start, int c) && start > 0) {",
            "          // BUG: Diagnostic contains: check-then-act on `seen` in `check()`",
            "          if (now - seen < c) return false;",
            "          seen = now;",
            "        }",
            "        return true;",
            "      }",
            "    }",
            "    Local local = new Local();",
            "    return () -> local.check(new Window(1, 2));",
            "  }",
            "  void lambdas(List<Integer> xs) {",
            "    xs.forEach(x -> { if (x > 0) count++; });",
            "    Runnable r = () -> count = 0;",
            "    r.run();",
            "  }",
            "}")
        .doTest();
  }

  // -------------------------------------- identification: false alarms seen in real code

  /** Documented as shared, the debouncer above is reported; with no sign of threads it is not. */
  @Test
  public void noEvidenceOfThreads_leftAlone() {
    helper
        .addSourceLines(
            "Debouncer.java",
            "import java.time.Duration;",
            "import java.time.Instant;",
            "class Debouncer {",
            "  private Instant lastFired = Instant.EPOCH;",
            "  void fire(Runnable action) {",
            "    Instant now = Instant.now();",
            "    if (Duration.between(lastFired, now).toMillis() < 200) {",
            "      return;",
            "    }",
            "    lastFired = now;",
            "    action.run();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * log4j's TimeBasedTriggeringPolicy and PatternProcessor: only called from RollingFileManager's
   * synchronized methods (another class), and nothing in the class says it is shared.
   */
  @Test
  public void log4jTriggeringPolicy_callersHoldTheMonitor() {
    helper
        .addSourceLines(
            "PatternProcessor.java",
            "class PatternProcessor {",
            "  private long prevFileTime;",
            "  private long nextFileTime;",
            "  private long currentFileTime;",
            "  public long getNextTime(long currentMillis, int increment, boolean modulus) {",
            "    prevFileTime = nextFileTime;",
            "    long nextTime = currentMillis - currentMillis % 1000 + increment * 1000L;",
            "    if (nextTime > currentMillis) {",
            "      nextFileTime = nextTime;",
            "      currentFileTime = currentMillis;",
            "    }",
            "    return nextFileTime;",
            "  }",
            "  public void updateTime() {",
            "    if (nextFileTime != 0) {",
            "      prevFileTime = nextFileTime;",
            "      currentFileTime = 0;",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "TimeBasedTriggeringPolicy.java",
            "class TimeBasedTriggeringPolicy {",
            "  private final PatternProcessor processor = new PatternProcessor();",
            "  private long nextRolloverMillis;",
            "  public boolean isTriggeringEvent(long eventTimeMillis) {",
            "    final long nowMillis = eventTimeMillis;",
            "    if (nowMillis >= nextRolloverMillis) {",
            "      nextRolloverMillis = processor.getNextTime(nowMillis, 1, false);",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * zookeeper's ClientCnxn.SendThread: a field of a Thread subclass read and written only by its
   * run() loop and a private method it calls, in a class that is otherwise shared.
   */
  @Test
  public void zookeeperSendThread_confinedToItsRunLoop() {
    helper
        .addSourceLines(
            "ClientCnxn.java",
            "class ClientCnxn {",
            "  private volatile boolean closing;",
            "  private final int minPingRwTimeout = 100;",
            "  private final int maxPingRwTimeout = 60000;",
            "  class SendThread extends Thread {",
            "    private int pingRwTimeout = minPingRwTimeout;",
            "    private long lastPingSentNs;",
            "    private volatile boolean alive = true;",
            "    @Override public void run() {",
            "      long lastPingRwServer = System.currentTimeMillis();",
            "      while (alive) {",
            "        int to = 1000;",
            "        long now = System.currentTimeMillis();",
            "        int idlePingRwServer = (int) (now - lastPingRwServer);",
            "        if (idlePingRwServer >= pingRwTimeout) {",
            "          lastPingRwServer = now;",
            "          idlePingRwServer = 0;",
            "          pingRwTimeout = Math.min(2 * pingRwTimeout, maxPingRwTimeout);",
            "          pingRwServer();",
            "        }",
            "        to = Math.min(to, pingRwTimeout - idlePingRwServer);",
            "        sendPing();",
            "      }",
            "    }",
            "    private void sendPing() {",
            "      lastPingSentNs = System.nanoTime();",
            "    }",
            "    private void pingRwServer() {",
            "      if (closing) {",
            "        pingRwTimeout = minPingRwTimeout;",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** The same field, also written by a method other threads call, is not confined. */
  @Test
  public void threadFieldTouchedOutsideRun_reported() {
    helper
        .addSourceLines(
            "Heartbeat.java",
            "class Heartbeat {",
            "  private volatile boolean closing;",
            "  class Sender extends Thread {",
            "    private long lastPing;",
            "    @Override public void run() {",
            "      while (!closing) {",
            "        long now = System.currentTimeMillis();",
            "        // BUG: Diagnostic contains: check-then-act on `lastPing` in `run()`",
            "        if (now - lastPing >= 1000) {",
            "          lastPing = now;",
            "        }",
            "      }",
            "    }",
            "    public void pingNow() {",
            "      lastPing = 0;",
            "    }",
            "  }",
            "  final Runnable task = new Runnable() {",
            "    private long last;",
            "    @Override public void run() {",
            "      long now = System.nanoTime();",
            "      if (now - last > 1000) {",
            "        last = now;",
            "      }",
            "    }",
            "  };",
            "}")
        .doTest();
  }

  /**
   * zookeeper's QuorumCnxManager.SendWorker: the last message sent per peer is kept in a
   * ConcurrentHashMap; it is a buffer, not a time, even though it was polled with a timeout.
   */
  @Test
  public void zookeeperSendWorker_messagesAreNotTimes() {
    helper
        .addSourceLines(
            "QuorumCnxManager.java",
            "import java.nio.ByteBuffer;",
            "import java.util.concurrent.ArrayBlockingQueue;",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "import java.util.concurrent.TimeUnit;",
            "class QuorumCnxManager {",
            "  final ConcurrentHashMap<Long, ByteBuffer> lastMessageSent = new ConcurrentHashMap<>();",
            "  final ConcurrentHashMap<Long, BlockingQueue<ByteBuffer>> queueSendMap =",
            "      new ConcurrentHashMap<>();",
            "  volatile boolean shutdown;",
            "  private ByteBuffer pollSendQueue(BlockingQueue<ByteBuffer> queue, long timeout,"
                + " TimeUnit unit) throws InterruptedException {",
            "    return queue.poll(timeout, unit);",
            "  }",
            "  class SendWorker extends Thread {",
            "    final Long sid;",
            "    volatile boolean running = true;",
            "    SendWorker(Long sid) { this.sid = sid; }",
            "    synchronized void send(ByteBuffer b) {}",
            "    @Override public void run() {",
            "      BlockingQueue<ByteBuffer> bq = queueSendMap.get(sid);",
            "      if (bq == null || bq.isEmpty()) {",
            "        ByteBuffer b = lastMessageSent.get(sid);",
            "        if (b != null) {",
            "          send(b);",
            "        }",
            "      }",
            "      while (running && !shutdown) {",
            "        try {",
            "          ByteBuffer b = pollSendQueue(bq, 1000, TimeUnit.MILLISECONDS);",
            "          if (b != null) {",
            "            lastMessageSent.put(sid, b);",
            "            send(b);",
            "          }",
            "        } catch (InterruptedException e) {",
            "          return;",
            "        }",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * log4j's WrappedFileWatcher and HttpWatcher: "has the file changed?" on the watcher thread. A
   * change test that stores the value it compared with is not a limit, and a value handed to a
   * connection is not decided on.
   */
  @Test
  public void log4jWatchers_changeDetectorsAreNotLimits() {
    helper
        .addSourceLines(
            "WrappedFileWatcher.java",
            "import java.io.File;",
            "class WrappedFileWatcher {",
            "  private final File file;",
            "  private volatile long lastModifiedMillis;",
            "  WrappedFileWatcher(File file, long lastModifiedMillis) {",
            "    this.file = file;",
            "    this.lastModifiedMillis = lastModifiedMillis;",
            "  }",
            "  public long getLastModified() { return lastModifiedMillis; }",
            "  public boolean isModified() {",
            "    final long lastModified = file.lastModified();",
            "    if (lastModifiedMillis != lastModified) {",
            "      lastModifiedMillis = lastModified;",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .addSourceLines(
            "HttpWatcher.java",
            "import java.io.IOException;",
            "import java.net.HttpURLConnection;",
            "import java.net.URL;",
            "class HttpWatcher {",
            "  private URL url;",
            "  private volatile long lastModifiedMillis;",
            "  HttpWatcher(long lastModifiedMillis) { this.lastModifiedMillis = lastModifiedMillis; }",
            "  public boolean isModified() {",
            "    try {",
            "      HttpURLConnection connection = createConnection(url, lastModifiedMillis);",
            "      connection.connect();",
            "      int code = connection.getResponseCode();",
            "      switch (code) {",
            "        case 304: return false;",
            "        case 200:",
            "          lastModifiedMillis = connection.getLastModified();",
            "          return true;",
            "        default: return false;",
            "      }",
            "    } catch (IOException e) {",
            "      return false;",
            "    }",
            "  }",
            "  static HttpURLConnection createConnection(URL url, long lastModifiedMillis)"
                + " throws IOException {",
            "    HttpURLConnection c = (HttpURLConnection) url.openConnection();",
            "    c.setIfModifiedSince(lastModifiedMillis);",
            "    return c;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * commons-io's ThrottledInputStream: streams, readers, writers, iterators and builders are
   * single-threaded by contract, however much they sleep.
   */
  @Test
  public void singleThreadedByContract_streamsIteratorsBuilders() {
    helper
        .addSourceLines(
            "ThrottledInputStream.java",
            "import java.io.FilterInputStream;",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.io.InterruptedIOException;",
            "import java.time.Duration;",
            "import java.time.temporal.ChronoUnit;",
            "import java.util.concurrent.TimeUnit;",
            "public final class ThrottledInputStream extends FilterInputStream {",
            "  private final double maxBytesPerSecond;",
            "  private final long startTime = System.currentTimeMillis();",
            "  private Duration totalSleepDuration = Duration.ZERO;",
            "  private long count;",
            "  ThrottledInputStream(InputStream in, double max) {",
            "    super(in);",
            "    this.maxBytesPerSecond = max;",
            "  }",
            "  @Override public int read() throws IOException {",
            "    throttle();",
            "    count++;",
            "    return super.read();",
            "  }",
            "  private void throttle() throws InterruptedIOException {",
            "    long elapsed = System.currentTimeMillis() - startTime;",
            "    long sleepMillis = (long) (count / maxBytesPerSecond * 1000 - elapsed);",
            "    if (sleepMillis > 0) {",
            "      totalSleepDuration = totalSleepDuration.plus(sleepMillis, ChronoUnit.MILLIS);",
            "      try {",
            "        TimeUnit.MILLISECONDS.sleep(sleepMillis);",
            "      } catch (InterruptedException e) {",
            "        throw new InterruptedIOException();",
            "      }",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "Shapes.java",
            "import java.util.Iterator;",
            "class Shapes {",
            "  static final class Paced implements Iterator<Long> {",
            "    private long last;",
            "    public boolean hasNext() { return true; }",
            "    public Long next() {",
            "      long now = System.nanoTime();",
            "      if (now - last < 1000) return null;",
            "      last = now;",
            "      return now;",
            "    }",
            "  }",
            "  static final class RequestBuilder {",
            "    private long lastCall;",
            "    public boolean tryAcquire() {",
            "      long now = System.nanoTime();",
            "      if (now - lastCall < 1000) return false;",
            "      lastCall = now;",
            "      return true;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** Jetty's RateStatistic: `try (AutoLock l = _lock.lock()) { … }` is a held region. */
  @Test
  public void jettyAutoLock_isACriticalSection() {
    helper
        .addSourceLines(
            "AutoLock.java",
            "import java.util.concurrent.locks.ReentrantLock;",
            "public class AutoLock implements AutoCloseable {",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  public AutoLock lock() { lock.lock(); return this; }",
            "  @Override public void close() { lock.unlock(); }",
            "}")
        .addSourceLines(
            "RateStatistic.java",
            "import java.util.ArrayDeque;",
            "import java.util.Deque;",
            "public class RateStatistic {",
            "  private final AutoLock _lock = new AutoLock();",
            "  private final Deque<Long> _samples = new ArrayDeque<>();",
            "  private final long _nanoPeriod = 1_000_000_000L;",
            "  private long _max;",
            "  private long _count;",
            "  private long _lastSample;",
            "  private void update() {",
            "    update(System.nanoTime());",
            "  }",
            "  private void update(long now) {",
            "    Long head = _samples.peekFirst();",
            "    while (head != null && now - head > _nanoPeriod) {",
            "      _samples.removeFirst();",
            "      head = _samples.peekFirst();",
            "    }",
            "  }",
            "  public int record() {",
            "    long now = System.nanoTime();",
            "    try (AutoLock l = _lock.lock()) {",
            "      _count++;",
            "      _samples.add(now);",
            "      update(now);",
            "      int rate = _samples.size();",
            "      if (rate > _max)",
            "        _max = rate;",
            "      return rate;",
            "    }",
            "  }",
            "  public int getRate() {",
            "    try (AutoLock l = _lock.lock()) {",
            "      update();",
            "      return _samples.size();",
            "    }",
            "  }",
            "  public boolean sampleOutsideTheLock() {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: the read is outside the `_lock` lock region",
            "    if (now - _lastSample < 1000) return false;",
            "    try (AutoLock l = _lock.lock()) {",
            "      _lastSample = now;",
            "    }",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * zookeeper's FastLeaderElection (an AtomicLong election epoch compared with other nodes'),
   * QuorumPeer (a round-robin index compared with a list's size) and ExpiryQueue (a
   * ConcurrentHashMap updated only when the expiry changed): counters held against neither a clock
   * nor a permit budget, and write-if-changed updates, are not rate limits.
   */
  @Test
  public void zookeeperEpochsIndexesAndExpiryQueues_notRateState() {
    helper
        .addSourceLines(
            "FastLeaderElection.java",
            "import java.util.List;",
            "import java.util.concurrent.LinkedBlockingQueue;",
            "import java.util.concurrent.TimeUnit;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "class FastLeaderElection {",
            "  static final class Notification { long electionEpoch; long leader; }",
            "  static final class ToSend { ToSend(long leader, long epoch) {} }",
            "  final AtomicLong logicalclock = new AtomicLong();",
            "  final LinkedBlockingQueue<ToSend> sendqueue = new LinkedBlockingQueue<>();",
            "  final LinkedBlockingQueue<Notification> recvqueue = new LinkedBlockingQueue<>();",
            "  private long lastElectionStart;",
            "  private int nextObserverMaster;",
            "  private List<String> observerMasters = List.of();",
            "  void sendNotifications(long leader) {",
            "    ToSend notmsg = new ToSend(leader, logicalclock.get());",
            "    sendqueue.offer(notmsg);",
            "  }",
            "  void lookForLeader() throws InterruptedException {",
            "    lastElectionStart = System.currentTimeMillis();",
            "    logicalclock.incrementAndGet();",
            "    int notTimeout = 200;",
            "    while (true) {",
            "      Notification n = recvqueue.poll(notTimeout, TimeUnit.MILLISECONDS);",
            "      if (n == null) continue;",
            "      if (n.electionEpoch > logicalclock.get()) {",
            "        logicalclock.set(n.electionEpoch);",
            "        sendNotifications(n.leader);",
            "      } else if (n.electionEpoch < logicalclock.get()) {",
            "        break;",
            "      }",
            "    }",
            "  }",
            "  void received(Notification n, long electionEpoch) {",
            "    if (logicalclock.get() != electionEpoch) {",
            "      logicalclock.set(electionEpoch);",
            "    }",
            "  }",
            "  synchronized String nextObserverMaster() {",
            "    return observerMasters.get(nextObserverMaster++);",
            "  }",
            "  String roundRobin() {",
            "    if (nextObserverMaster >= observerMasters.size()) {",
            "      nextObserverMaster = 0;",
            "    }",
            "    return observerMasters.get(nextObserverMaster++);",
            "  }",
            "}")
        .addSourceLines(
            "ExpiryQueue.java",
            "import java.util.Collections;",
            "import java.util.Set;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "class ExpiryQueue<E> {",
            "  private final ConcurrentHashMap<E, Long> elemMap = new ConcurrentHashMap<>();",
            "  private final ConcurrentHashMap<Long, Set<E>> expiryMap = new ConcurrentHashMap<>();",
            "  private final AtomicLong nextExpirationTime = new AtomicLong();",
            "  private final int expirationInterval = 1000;",
            "  private long roundToNextInterval(long time) {",
            "    return (time / expirationInterval + 1) * expirationInterval;",
            "  }",
            "  public Long update(E elem, int timeout) {",
            "    Long prevExpiryTime = elemMap.get(elem);",
            "    long now = System.currentTimeMillis();",
            "    Long newExpiryTime = roundToNextInterval(now + timeout);",
            "    if (newExpiryTime.equals(prevExpiryTime)) {",
            "      return null;",
            "    }",
            "    Set<E> set = expiryMap.get(newExpiryTime);",
            "    if (set == null) {",
            "      set = Collections.newSetFromMap(new ConcurrentHashMap<E, Boolean>());",
            "      Set<E> existingSet = expiryMap.putIfAbsent(newExpiryTime, set);",
            "      if (existingSet != null) {",
            "        set = existingSet;",
            "      }",
            "    }",
            "    set.add(elem);",
            "    prevExpiryTime = elemMap.put(elem, newExpiryTime);",
            "    if (prevExpiryTime != null && !newExpiryTime.equals(prevExpiryTime)) {",
            "      Set<E> prevSet = expiryMap.get(prevExpiryTime);",
            "      if (prevSet != null) {",
            "        prevSet.remove(elem);",
            "      }",
            "    }",
            "    return newExpiryTime;",
            "  }",
            "  public Set<E> poll() {",
            "    long now = System.currentTimeMillis();",
            "    long expirationTime = nextExpirationTime.get();",
            "    if (now < expirationTime) {",
            "      return Collections.emptySet();",
            "    }",
            "    Set<E> set = null;",
            "    if (nextExpirationTime.compareAndSet(expirationTime, expirationTime + 1000)) {",
            "      set = expiryMap.remove(expirationTime);",
            "    }",
            "    return set == null ? Collections.emptySet() : set;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * log4j's FixedDateFormat: a double-checked refresh whose lock only recomputes values from the
   * input; a thread that also passes the stale test recomputes the same values.
   */
  @Test
  public void log4jFixedDateFormat_doubleCheckedRefresh() {
    helper
        .addSourceLines(
            "FixedDateFormat.java",
            "import java.util.Calendar;",
            "import java.util.TimeZone;",
            "class FixedDateFormat {",
            "  private final TimeZone timeZone = TimeZone.getDefault();",
            "  private volatile long midnightToday;",
            "  private volatile long midnightTomorrow;",
            "  private char[] cachedDate;",
            "  public long millisSinceMidnight(final long currentTime) {",
            "    if (currentTime >= midnightTomorrow || currentTime < midnightToday) {",
            "      updateMidnightMillis(currentTime);",
            "    }",
            "    return currentTime - midnightToday;",
            "  }",
            "  private void updateMidnightMillis(final long now) {",
            "    if (now >= midnightTomorrow || now < midnightToday) {",
            "      synchronized (this) {",
            "        updateCachedDate(now);",
            "        midnightToday = calcMidnightMillis(now, 0);",
            "        midnightTomorrow = calcMidnightMillis(now, 1);",
            "      }",
            "    }",
            "  }",
            "  private long calcMidnightMillis(final long time, final int addDays) {",
            "    final Calendar cal = Calendar.getInstance(timeZone);",
            "    cal.setTimeInMillis(time);",
            "    cal.set(Calendar.HOUR_OF_DAY, 0);",
            "    cal.add(Calendar.DATE, addDays);",
            "    return cal.getTimeInMillis();",
            "  }",
            "  private void updateCachedDate(final long now) {",
            "    cachedDate = Long.toString(now).toCharArray();",
            "  }",
            "}")
        .doTest();
  }

  /** h2 Chunk.accountForRemovedPage: an assertion checks an invariant; it decides nothing. */
  @Test
  public void h2Chunk_assertionIsNotACheck() {
    helper
        .addSourceLines(
            "Chunk.java",
            "class Chunk {",
            "  private volatile long unusedAtVersion;",
            "  private int pageCount;",
            "  private int pageCountLive;",
            "  private long lastUsed;",
            "  synchronized void touch() { lastUsed = System.nanoTime(); }",
            "  boolean accountForRemovedPage(int pageNo, long now) {",
            "    assert pageNo >= 0 && pageNo < pageCount && now >= lastUsed : pageNo;",
            "    pageCountLive--;",
            "    lastUsed = now;",
            "    return pageCountLive == 0;",
            "  }",
            "  void sameWithoutTheAssertion(long now) {",
            "    // BUG: Diagnostic contains: check-then-act on `lastUsed`",
            "    if (now >= lastUsed) {",
            "      lastUsed = now;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** h2 MVStore.storeNow: a method that asserts its caller holds the lock runs inside it. */
  @Test
  public void h2MVStore_assertedLockIsACriticalSection() {
    helper
        .addSourceLines(
            "Store.java",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Store {",
            "  private final ReentrantLock storeLock = new ReentrantLock();",
            "  private volatile long lastStoreTime;",
            "  private final Object monitor = new Object();",
            "  private long lastFlush;",
            "  void storeNow(long now) {",
            "    if (now - lastStoreTime < 1000) {",
            "      return;",
            "    }",
            "    assert storeLock.isHeldByCurrentThread();",
            "    lastStoreTime = now;",
            "  }",
            "  void flush(long now) {",
            "    assert Thread.holdsLock(monitor);",
            "    if (now - lastFlush > 1000) {",
            "      lastFlush = now;",
            "    }",
            "  }",
            "  void notAsserted(long now) {",
            "    // BUG: Diagnostic contains: check-then-act on `lastStoreTime`",
            "    if (now - lastStoreTime < 1000) {",
            "      return;",
            "    }",
            "    lastStoreTime = now;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * h2 FileStore: header and chunk bookkeeping done while a store opens. Copying a timestamp into
   * a map decides nothing; a value the method has just stored is its own, not shared state; and
   * "set it if it is still unset" stores the same kind of value whichever thread wins. A chunk made
   * from a time is not a time: the chunk map is a cache, not a clock ({@code C extends Chunk}).
   */
  @Test
  public void h2FileStore_bookkeepingIsNotACheck() {
    helper
        .addSourceLines(
            "FileStore.java",
            "import java.util.HashMap;",
            "import java.util.Map;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class FileStore<C extends FileStore.Chunk> {",
            "  static class Chunk { int id; long unused; long unusedAtVersion; }",
            "  private final ReentrantLock saveChunkLock = new ReentrantLock();",
            "  private final Map<String, Object> storeHeader = new HashMap<>();",
            "  private final ConcurrentHashMap<Integer, C> chunks = new ConcurrentHashMap<>();",
            "  private long creationTime;",
            "  private long lastSaved;",
            "  private int saved;",
            "  protected final void initializeCommonHeaderAttributes(long time) {",
            "    creationTime = time;",
            "    storeHeader.put(\"created\", creationTime);",
            "  }",
            "  protected final void processCommonHeaderAttributes(long stored) {",
            "    creationTime = stored;",
            "    long now = System.currentTimeMillis();",
            "    if (now < creationTime) {",
            "      creationTime = now;",
            "      storeHeader.put(\"created\", creationTime);",
            "    }",
            "  }",
            "  long getCreationTime() { return creationTime; }",
            "  void markDead(Iterable<C> candidates) {",
            "    for (C c : candidates) {",
            "      if (c.unused == 0) {",
            "        c.unused = getCreationTime();",
            "      }",
            "      if (c.unusedAtVersion == 0) {",
            "        c.unusedAtVersion = 1;",
            "      }",
            "    }",
            "  }",
            "  C newChunk(long time) { return null; }",
            "  void commit() {",
            "    long time = System.currentTimeMillis() - creationTime;",
            "    C c = newChunk(time);",
            "    chunks.put(c.id, c);",
            "  }",
            "  C getChunk(int id, C created) {",
            "    C c = chunks.get(id);",
            "    if (c == null) {",
            "      c = created;",
            "      chunks.put(c.id, c);",
            "    }",
            "    return c;",
            "  }",
            "  void save(C c, long now) {",
            "    saveChunkLock.lock();",
            "    try {",
            "      chunks.put(c.id, c);",
            "      c.unused = now;",
            "    } finally {",
            "      saveChunkLock.unlock();",
            "    }",
            "  }",
            "  void saveIfDue() {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: check-then-act on `lastSaved`",
            "    if (now - lastSaved > 1000) {",
            "      lastSaved = now;",
            "    }",
            "  }",
            "  boolean takeSlot() {",
            "    // BUG: Diagnostic contains: check-then-act on `saved`",
            "    if (saved == 0) {",
            "      return false;",
            "    }",
            "    saved--;",
            "    return true;",
            "  }",
            "  void refill(long now) {",
            "    // BUG: Diagnostic contains: check-then-act on `lastSaved`",
            "    saved += (int) ((now - lastSaved) / 1000);",
            "    lastSaved = now;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * h2 Profiler: the run loop stores its own start time and later computes the elapsed time from
   * it; it never decides on a value another thread left.
   */
  @Test
  public void h2Profiler_ownStartTimeIsNotShared() {
    helper
        .addSourceLines(
            "Profiler.java",
            "class Profiler implements Runnable {",
            "  private volatile boolean stop;",
            "  private long start;",
            "  private long time;",
            "  private int threadDumps;",
            "  void startCollecting() { new Thread(this, \"Profiler\").start(); }",
            "  @Override public void run() {",
            "    start = System.nanoTime();",
            "    while (!stop) {",
            "      threadDumps++;",
            "    }",
            "    time = System.nanoTime() - start;",
            "  }",
            "  void sample(String... args) {",
            "    start = System.nanoTime();",
            "    long last = 0;",
            "    for (String arg : args) {",
            "      long t = System.nanoTime();",
            "      if (t - last > 5_000_000_000L) {",
            "        time = System.nanoTime() - start;",
            "        last = t;",
            "      }",
            "      threadDumps++;",
            "    }",
            "  }",
            "  void lap() {",
            "    // BUG: Diagnostic contains: check-then-act on `start`",
            "    if (System.nanoTime() - start > 1000) {",
            "      start = System.nanoTime();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * hikaricp HikariConfig.validateNumerics: settings given by setters ({@code
   * setKeepaliveTime(long keepaliveTimeMs)}, {@code setMaxLifetime(long maxLifetimeMs)}) are
   * lengths of time, not readings of a clock; correcting them is not a limit. Beside it, a point
   * in time given as a parameter ({@code long nowMillis}) still is.
   */
  @Test
  public void hikariConfig_settingsNamedForTimeAreNotClockReadings() {
    helper
        .addSourceLines(
            "Config.java",
            "class Config {",
            "  private volatile long connectionTimeout;",
            "  private long keepaliveTime;",
            "  private long maxLifetime;",
            "  private long lastCall;",
            "  public void setKeepaliveTime(long keepaliveTimeMs) {",
            "    this.keepaliveTime = keepaliveTimeMs;",
            "  }",
            "  public void setMaxLifetime(long maxLifetimeMs) {",
            "    this.maxLifetime = maxLifetimeMs;",
            "  }",
            "  void validate() {",
            "    if (keepaliveTime != 0 && keepaliveTime < 30_000) {",
            "      keepaliveTime = 0L;",
            "    }",
            "    if (keepaliveTime != 0 && maxLifetime != 0 && keepaliveTime >= maxLifetime) {",
            "      keepaliveTime = 0L;",
            "    }",
            "  }",
            "  boolean allow(long nowMillis) {",
            "    // BUG: Diagnostic contains: check-then-act on `lastCall`",
            "    if (nowMillis - lastCall < 1000) {",
            "      return false;",
            "    }",
            "    lastCall = nowMillis;",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * hsqldb RowStoreAVL: a row count kept in a class whose only timestamp is set and returned, never
   * compared; a count is rate-limit state only beside a clock the class decides on.
   */
  @Test
  public void hsqldbRowStore_countBesideAnUncomparedTimestamp() {
    helper
        .addSourceLines(
            "RowStore.java",
            "import java.util.concurrent.atomic.AtomicLong;",
            "import java.util.concurrent.locks.ReentrantReadWriteLock;",
            "class RowStore {",
            "  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();",
            "  final AtomicLong elementCount = new AtomicLong();",
            "  private long baseElementCount;",
            "  private long timestamp;",
            "  public long getTimestamp() { return timestamp; }",
            "  public void setTimestamp(long timestamp) { this.timestamp = timestamp; }",
            "  void add() {",
            "    lock.writeLock().lock();",
            "    try {",
            "      long count = elementCount.incrementAndGet();",
            "      if (count > 16 * 1024 && count > baseElementCount * 2) {",
            "        baseElementCount = count;",
            "      }",
            "    } finally {",
            "      lock.writeLock().unlock();",
            "    }",
            "  }",
            "  public long elementCount(long size) {",
            "    if (elementCount.get() < 0) {",
            "      elementCount.set(size);",
            "    }",
            "    return elementCount.get();",
            "  }",
            "}")
        .addSourceLines(
            "WindowCounter.java",
            "class WindowCounter {",
            "  private volatile boolean closed;",
            "  private long windowStart;",
            "  private int count;",
            "  boolean tryAcquire(long now) {",
            "    // BUG: Diagnostic contains: check-then-act on `windowStart` and `count`",
            "    if (now - windowStart >= 1000) {",
            "      windowStart = now;",
            "      count = 0;",
            "    }",
            "    if (count >= 10) {",
            "      return false;",
            "    }",
            "    count++;",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  /** Not a refresh: the decision leaves the method, or the update reads what it replaces. */
  @Test
  public void doubleCheckedShapesThatAreStillRaces() {
    helper
        .addSourceLines(
            "Gates.java",
            "class Gates {",
            "  private volatile long nextAllowed;",
            "  private volatile long budgetStart;",
            "  private int used;",
            "  boolean tryAcquire(long now) {",
            "    // BUG: Diagnostic contains: the read is outside the `synchronized (this)` block",
            "    if (now >= nextAllowed) {",
            "      synchronized (this) {",
            "        nextAllowed = now + 1000;",
            "      }",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "  void roll(long now) {",
            "    // BUG: Diagnostic contains: check-then-act on `budgetStart`",
            "    if (now - budgetStart > 1000) {",
            "      synchronized (this) {",
            "        budgetStart = budgetStart + 1000;",
            "        used = 0;",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  // ---------------------------------------------------------------- replacement (fixes)

  private static final String[] GATE_INPUT = {
    "class Gate {",
    "  private long lastRequestNanos;",
    "  public boolean tryAcquire() {",
    "    long sinceLast = System.nanoTime() - lastRequestNanos;",
    "    if (sinceLast < 1_000_000L) {",
    "      return false;",
    "    }",
    "    lastRequestNanos = System.nanoTime();",
    "    return true;",
    "  }",
    "}",
  };

  private static final String[] GATE_OUTPUT = {
    "class Gate {",
    "  private long lastRequestNanos;",
    "  public synchronized boolean tryAcquire() {",
    "    long sinceLast = System.nanoTime() - lastRequestNanos;",
    "    if (sinceLast < 1_000_000L) {",
    "      return false;",
    "    }",
    "    lastRequestNanos = System.nanoTime();",
    "    return true;",
    "  }",
    "}",
  };

  @Test
  public void fix_addsSynchronizedToMethod() {
    refactoring
        .addInputLines("Gate.java", GATE_INPUT)
        .addOutputLines("Gate.java", GATE_OUTPUT)
        .doTest();
    helper.addSourceLines("Gate.java", GATE_OUTPUT).doTest();
  }

  private static final String[] SLEEPING_SPACER = {
    "class SpacingClient {",
    "  private long lastRequestNanos;",
    "  public void acquire() throws InterruptedException {",
    "    long sinceLast = System.nanoTime() - lastRequestNanos;",
    "    if (sinceLast < 1_000_000L) {",
    "      Thread.sleep(1);",
    "    }",
    "    lastRequestNanos = System.nanoTime();",
    "  }",
    "}",
  };

  /** A monitor held across the sleep would queue every caller behind the sleeper: no fix. */
  @Test
  public void fix_notOfferedAroundASleep() {
    refactoring
        .addInputLines("SpacingClient.java", SLEEPING_SPACER)
        .expectUnchanged()
        .doTest();
    helper
        .addSourceLines(
            "SpacingClient.java",
            "class SpacingClient {",
            "  private long lastRequestNanos;",
            "  public void acquire() throws InterruptedException {",
            "    // BUG: Diagnostic contains: no fix is offered: the check-then-act calls"
                + " `Thread.sleep(...)`, and a lock held across it",
            "    long sinceLast = System.nanoTime() - lastRequestNanos;",
            "    if (sinceLast < 1_000_000L) {",
            "      Thread.sleep(1);",
            "    }",
            "    lastRequestNanos = System.nanoTime();",
            "  }",
            "}")
        .doTest();
  }

  private static final String[] SPACING_LIMITER_FIXED = {
    "import java.util.concurrent.TimeUnit;",
    "class SpacingLimiter {",
    "  private final long intervalNanos = 1_000_000L;",
    "  private long lastRequestNanos;",
    "  public void acquire() throws InterruptedException {",
    "    long delay;",
    "    synchronized (this) {",
    "      long now = System.nanoTime();",
    "      long slot = Math.max(now, lastRequestNanos + intervalNanos);",
    "      lastRequestNanos = slot;",
    "      delay = slot - now;",
    "    }",
    "    if (delay > 0) {",
    "      TimeUnit.NANOSECONDS.sleep(delay);",
    "    }",
    "  }",
    "}",
  };

  /**
   * A spacing limiter that sleeps inside its check-then-act: each caller reserves the next slot
   * under the lock and sleeps outside it (issue #17).
   */
  @Test
  public void fix_reserveThenWait_spacingLimiter() {
    refactoring
        .addInputLines(
            "SpacingLimiter.java",
            "import java.util.concurrent.TimeUnit;",
            "class SpacingLimiter {",
            "  private final long intervalNanos = 1_000_000L;",
            "  private long lastRequestNanos;",
            "  public void acquire() throws InterruptedException {",
            "    long sinceLast = System.nanoTime() - lastRequestNanos;",
            "    if (sinceLast < intervalNanos) {",
            "      TimeUnit.NANOSECONDS.sleep(intervalNanos - sinceLast);",
            "    }",
            "    lastRequestNanos = System.nanoTime();",
            "  }",
            "}")
        .addOutputLines("SpacingLimiter.java", SPACING_LIMITER_FIXED)
        .doTest();
    helper
        .addSourceLines(
            "SpacingLimiter.java",
            "import java.util.concurrent.TimeUnit;",
            "class SpacingLimiter {",
            "  private final long intervalNanos = 1_000_000L;",
            "  private long lastRequestNanos;",
            "  public void acquire() throws InterruptedException {",
            "    // BUG: Diagnostic contains: reserve the next slot in a `synchronized (this)` block"
                + " and sleep outside it",
            "    long sinceLast = System.nanoTime() - lastRequestNanos;",
            "    if (sinceLast < intervalNanos) {",
            "      TimeUnit.NANOSECONDS.sleep(intervalNanos - sinceLast);",
            "    }",
            "    lastRequestNanos = System.nanoTime();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fix_reserveThenWait_rewrittenLimiterIsNotReported() {
    helper.addSourceLines("SpacingLimiter.java", SPACING_LIMITER_FIXED).doTest();
  }

  /**
   * The class's own {@code Lock} guards the reservation; the clock read before the check is the
   * reservation's "now"; the sleep's arithmetic around the remaining time is kept.
   */
  @Test
  public void fix_reserveThenWait_classLockAndClockReadBefore() {
    refactoring
        .addInputLines(
            "Pacer.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Pacer {",
            "  private final Lock lock = new ReentrantLock();",
            "  private long last;",
            "  public void pace(long intervalMillis) throws InterruptedException {",
            "    long now = System.currentTimeMillis();",
            "    long elapsed = now - last;",
            "    if (intervalMillis > elapsed) Thread.sleep((intervalMillis - elapsed) / 2);",
            "    last = now;",
            "  }",
            "}")
        .addOutputLines(
            "Pacer.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Pacer {",
            "  private final Lock lock = new ReentrantLock();",
            "  private long last;",
            "  public void pace(long intervalMillis) throws InterruptedException {",
            "    long now = System.currentTimeMillis();",
            "    long delay;",
            "    lock.lock();",
            "    try {",
            "      long slot = Math.max(now, last + intervalMillis);",
            "      last = slot;",
            "      delay = slot - now;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "    if (delay > 0) {",
            "      Thread.sleep(delay / 2);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Not the spacing shape: the sleep does not wait out the rest of the interval, or the limiter
   * does more than record the time. No rewrite; the refusal says how to do it by hand.
   */
  @Test
  public void fix_reserveThenWait_onlyForTheSpacingShape() {
    helper
        .addSourceLines(
            "Spacers.java",
            "class Spacers {",
            "  private final long interval = 1_000L;",
            "  private long last;",
            "  private long count;",
            "  public void sleepsAFixedTime() throws InterruptedException {",
            "    // BUG: Diagnostic contains: no fix is offered: the check-then-act calls",
            "    long since = System.currentTimeMillis() - last;",
            "    if (since < interval) {",
            "      Thread.sleep(interval);",
            "    }",
            "    last = System.currentTimeMillis();",
            "  }",
            "  public void countsToo() throws InterruptedException {",
            "    // BUG: Diagnostic contains: no fix is offered: the check-then-act calls",
            "    long since = System.currentTimeMillis() - last;",
            "    if (since < interval) {",
            "      Thread.sleep(interval - since);",
            "      count++;",
            "    }",
            "    last = System.currentTimeMillis();",
            "  }",
            "}")
        .doTest();
  }

  private static final String[] BLOCKING_INPUT = {
    "import java.io.IOException;",
    "import java.io.OutputStream;",
    "import java.util.concurrent.BlockingQueue;",
    "import java.util.concurrent.atomic.AtomicLong;",
    "class Blocking {",
    "  private final AtomicLong sent = new AtomicLong();",
    "  private long lastFlush;",
    "  private long lastTake;",
    "  private volatile boolean running = true;",
    "  private long lastBeat;",
    "  void flush(OutputStream out) throws IOException {",
    "    long now = System.nanoTime();",
    "    if (now - lastFlush > 1000) {",
    "      out.flush();",
    "      lastFlush = now;",
    "    }",
    "  }",
    "  String next(BlockingQueue<String> queue) throws InterruptedException {",
    "    long now = System.nanoTime();",
    "    if (now - lastTake < 1000) return null;",
    "    String s = queue.take();",
    "    lastTake = now;",
    "    return s;",
    "  }",
    "  void beat() {",
    "    long now = System.nanoTime();",
    "    if (now - lastBeat > 1000) {",
    "      while (running) {",
    "        sent.incrementAndGet();",
    "      }",
    "      lastBeat = now;",
    "    }",
    "  }",
    "}",
  };

  /** I/O, a queue's take() and a loop that waits for a flag: no lock around any of them. */
  @Test
  public void fix_notOfferedAroundIoQueuesAndThreadLoops() {
    refactoring.addInputLines("Blocking.java", BLOCKING_INPUT).expectUnchanged().doTest();
    helper
        .addSourceLines(
            "Blocking.java",
            "import java.io.IOException;",
            "import java.io.OutputStream;",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "class Blocking {",
            "  private final AtomicLong sent = new AtomicLong();",
            "  private long lastFlush;",
            "  private long lastTake;",
            "  private volatile boolean running = true;",
            "  private long lastBeat;",
            "  void flush(OutputStream out) throws IOException {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: the check-then-act calls `out.flush()`",
            "    if (now - lastFlush > 1000) {",
            "      out.flush();",
            "      lastFlush = now;",
            "    }",
            "  }",
            "  String next(BlockingQueue<String> queue) throws InterruptedException {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: the check-then-act calls `queue.take()`",
            "    if (now - lastTake < 1000) return null;",
            "    String s = queue.take();",
            "    lastTake = now;",
            "    return s;",
            "  }",
            "  void beat() {",
            "    long now = System.nanoTime();",
            "    // BUG: Diagnostic contains: the check-then-act runs a loop until `running` changes",
            "    if (now - lastBeat > 1000) {",
            "      while (running) {",
            "        sent.incrementAndGet();",
            "      }",
            "      lastBeat = now;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  private static final String[] THREAD_INPUT = {
    "class Pinger extends Thread {",
    "  private volatile boolean closing;",
    "  private long lastPing;",
    "  @Override public void run() {",
    "    while (!closing) {",
    "      ping();",
    "    }",
    "  }",
    "  /** Also called by the application's threads. */",
    "  public boolean ping() {",
    "    long now = System.currentTimeMillis();",
    "    if (now - lastPing < 1000) {",
    "      return false;",
    "    }",
    "    lastPing = now;",
    "    return true;",
    "  }",
    "}",
  };

  /** A Thread's monitor is what join() waits on: never `synchronized` on it. */
  @Test
  public void fix_neverSynchronizesOnAThread() {
    refactoring.addInputLines("Pinger.java", THREAD_INPUT).expectUnchanged().doTest();
    helper
        .addSourceLines(
            "Pinger.java",
            "class Pinger extends Thread {",
            "  private volatile boolean closing;",
            "  private long lastPing;",
            "  @Override public void run() {",
            "    while (!closing) {",
            "      ping();",
            "    }",
            "  }",
            "  public boolean ping() {",
            "    long now = System.currentTimeMillis();",
            "    // BUG: Diagnostic contains: `Pinger` is a `Thread`, and `synchronized` on it would"
                + " hold the monitor that `join()` waits on",
            "    if (now - lastPing < 1000) {",
            "      return false;",
            "    }",
            "    lastPing = now;",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  private static final String[] LOCKED_INPUT = {
    "import java.util.concurrent.locks.ReentrantLock;",
    "class FixedWindow {",
    "  private final ReentrantLock lock = new ReentrantLock();",
    "  private long windowStart;",
    "  private int count;",
    "  boolean allow(int limit) {",
    "    long now = System.currentTimeMillis();",
    "    if (now - windowStart >= 1000) {",
    "      windowStart = now;",
    "      count = 0;",
    "    }",
    "    boolean ok = count < limit;",
    "    if (ok) {",
    "      count++;",
    "    }",
    "    log(now);",
    "    return ok;",
    "  }",
    "  void log(long t) {}",
    "}",
  };

  private static final String[] LOCKED_OUTPUT = {
    "import java.util.concurrent.locks.ReentrantLock;",
    "class FixedWindow {",
    "  private final ReentrantLock lock = new ReentrantLock();",
    "  private long windowStart;",
    "  private int count;",
    "  boolean allow(int limit) {",
    "    long now = System.currentTimeMillis();",
    "    boolean ok;",
    "    lock.lock();",
    "    try {",
    "      if (now - windowStart >= 1000) {",
    "        windowStart = now;",
    "        count = 0;",
    "      }",
    "      ok = count < limit;",
    "      if (ok) {",
    "        count++;",
    "      }",
    "    } finally {",
    "      lock.unlock();",
    "    }",
    "    log(now);",
    "    return ok;",
    "  }",
    "  void log(long t) {}",
    "}",
  };

  /** Issue #13's shape: the hoisted declaration of the locked region wrapped after {@code =}. */
  @Test
  public void fix_usesTheClassLock_hoistedDeclarationWrappedAfterEquals() {
    String[] input = LOCKED_INPUT.clone();
    String[] output = LOCKED_OUTPUT.clone();
    int wrapped = java.util.Arrays.asList(input).indexOf("    boolean ok = count < limit;");
    input[wrapped] = "    boolean ok =\n        count < limit;";
    refactoring
        .addInputLines("FixedWindow.java", input)
        .addOutputLines("FixedWindow.java", output)
        .doTest();
  }

  @Test
  public void fix_usesTheClassLock() {
    refactoring
        .addInputLines("FixedWindow.java", LOCKED_INPUT)
        .addOutputLines("FixedWindow.java", LOCKED_OUTPUT)
        .doTest();
    helper.addSourceLines("FixedWindow.java", LOCKED_OUTPUT).doTest();
  }

  private static final String[] STATIC_INPUT = {
    "class Throttle {",
    "  private static long lastLog;",
    "  static void log(String message) {",
    "    long now = System.currentTimeMillis();",
    "    if (now - lastLog > 10_000) {",
    "      lastLog = now;",
    "      System.err.println(message);",
    "    }",
    "  }",
    "  boolean fromInstance() {",
    "    long now = System.currentTimeMillis();",
    "    if (now - lastLog > 10_000) {",
    "      lastLog = now;",
    "      return true;",
    "    }",
    "    return false;",
    "  }",
    "}",
  };

  private static final String[] STATIC_OUTPUT = {
    "class Throttle {",
    "  private static long lastLog;",
    "  static synchronized void log(String message) {",
    "    long now = System.currentTimeMillis();",
    "    if (now - lastLog > 10_000) {",
    "      lastLog = now;",
    "      System.err.println(message);",
    "    }",
    "  }",
    "  boolean fromInstance() {",
    "    long now = System.currentTimeMillis();",
    "    synchronized (Throttle.class) {",
    "      if (now - lastLog > 10_000) {",
    "        lastLog = now;",
    "        return true;",
    "      }",
    "    }",
    "    return false;",
    "  }",
    "}",
  };

  @Test
  public void fix_staticState() {
    refactoring
        .addInputLines("Throttle.java", STATIC_INPUT)
        .addOutputLines("Throttle.java", STATIC_OUTPUT)
        .doTest();
    helper.addSourceLines("Throttle.java", STATIC_OUTPUT).doTest();
  }

  private static final String[] LAMBDA_INPUT = {
    "/** Thread-safe: its tasks run on a shared pool. */",
    "class Ticker {",
    "  private long last;",
    "  Runnable task(Runnable action) {",
    "    return () -> {",
    "      long now = System.nanoTime();",
    "      if (now - last < 100) {",
    "        return;",
    "      }",
    "      last = now;",
    "      action.run();",
    "    };",
    "  }",
    "}",
  };

  private static final String[] LAMBDA_OUTPUT = {
    "/** Thread-safe: its tasks run on a shared pool. */",
    "class Ticker {",
    "  private long last;",
    "  Runnable task(Runnable action) {",
    "    return () -> {",
    "      long now = System.nanoTime();",
    "      synchronized (this) {",
    "        if (now - last < 100) {",
    "          return;",
    "        }",
    "        last = now;",
    "      }",
    "      action.run();",
    "    };",
    "  }",
    "}",
  };

  @Test
  public void fix_lambdaGetsASynchronizedBlock() {
    refactoring
        .addInputLines("Ticker.java", LAMBDA_INPUT)
        .addOutputLines("Ticker.java", LAMBDA_OUTPUT)
        .doTest();
    helper.addSourceLines("Ticker.java", LAMBDA_OUTPUT).doTest();
  }

  private static final String[] VOLATILE_INPUT = {
    "class Gate {",
    "  private volatile long nextAllowed;",
    "  boolean tryAcquire() {",
    "    long now = System.nanoTime();",
    "    if (now < nextAllowed) {",
    "      return false;",
    "    }",
    "    nextAllowed = now + 1000;",
    "    return true;",
    "  }",
    "}",
  };

  private static final String[] VOLATILE_OUTPUT = {
    "class Gate {",
    "  private volatile long nextAllowed;",
    "  synchronized boolean tryAcquire() {",
    "    long now = System.nanoTime();",
    "    if (now < nextAllowed) {",
    "      return false;",
    "    }",
    "    nextAllowed = now + 1000;",
    "    return true;",
    "  }",
    "}",
  };

  @Test
  public void fix_volatileField() {
    refactoring
        .addInputLines("Gate.java", VOLATILE_INPUT)
        .addOutputLines("Gate.java", VOLATILE_OUTPUT)
        .doTest();
    helper.addSourceLines("Gate.java", VOLATILE_OUTPUT).doTest();
  }

  private static final String[] HALF_LOCKED_INPUT = {
    "import java.util.concurrent.locks.ReentrantLock;",
    "class HalfLocked {",
    "  private final ReentrantLock lock = new ReentrantLock();",
    "  private long last;",
    "  boolean tryAcquire() {",
    "    long now = System.nanoTime();",
    "    if (now - last < 1000) {",
    "      return false;",
    "    }",
    "    lock.lock();",
    "    try {",
    "      last = now;",
    "    } finally {",
    "      lock.unlock();",
    "    }",
    "    return true;",
    "  }",
    "}",
  };

  @Test
  public void fix_readOutsideLock_reSilent() {
    String[] output =
        refactorAndRecheck(
            "HalfLocked.java", HALF_LOCKED_INPUT);
    // Whatever form the fix takes, the output compiles (the helper compiles it) and is silent.
    helper.addSourceLines("HalfLocked.java", output).doTest();
  }

  /** Runs the fix and returns its output (the expected output of the test is the output itself). */
  private String[] refactorAndRecheck(String name, String[] input) {
    String[] expected = {
      "import java.util.concurrent.locks.ReentrantLock;",
      "class HalfLocked {",
      "  private final ReentrantLock lock = new ReentrantLock();",
      "  private long last;",
      "  boolean tryAcquire() {",
      "    long now = System.nanoTime();",
      "    lock.lock();",
      "    try {",
      "      if (now - last < 1000) {",
      "        return false;",
      "      }",
      "      lock.lock();",
      "      try {",
      "        last = now;",
      "      } finally {",
      "        lock.unlock();",
      "      }",
      "    } finally {",
      "      lock.unlock();",
      "    }",
      "    return true;",
      "  }",
      "}",
    };
    refactoring.addInputLines(name, input).addOutputLines(name, expected).doTest();
    return expected;
  }

  @Test
  public void options_unknownRateLimitRaceOptionFailsEvenWhenItIsTheOnlyCheck() {
    InvalidCommandLineOptionException e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () ->
                new RateLimitRace(
                    ErrorProneFlags.fromMap(ImmutableMap.of("RateLimitRace:Interval", "10"))));
    assertThat(e).hasMessageThat().contains("unknown LeakGuard option -XepOpt:RateLimitRace:Interval");
  }

  // ------------------------------------------------- real code: hikaricp 6.3.0, jetty-client 12.0.16

  /**
   * hikaricp HikariConfig.validateNumerics: a configured duration clamped against a constant bound
   * (no clock read, and the act writes a constant) is configuration, not a rate limiter.
   */
  @Test
  public void configuredDurationClampedToConstant_hikariConfig() {
    helper
        .addSourceLines(
            "PoolConfig.java",
            "import static java.util.concurrent.TimeUnit.SECONDS;",
            "class PoolConfig {",
            "  private static final long MAX_LIFETIME = SECONDS.toMillis(1800);",
            "  private volatile long maxLifetime = MAX_LIFETIME;",
            "  private volatile long keepaliveTime;",
            "  private long lastTouchedNanos;",
            "  void setKeepaliveTime(long keepaliveTimeMs) {",
            "    this.keepaliveTime = keepaliveTimeMs;",
            "  }",
            "  void touch() {",
            "    lastTouchedNanos = System.nanoTime();",
            "  }",
            "  void validateNumerics() {",
            "    if (maxLifetime != 0 && maxLifetime < SECONDS.toMillis(30)) {",
            "      maxLifetime = MAX_LIFETIME;",
            "    }",
            "    if (keepaliveTime != 0 && keepaliveTime < SECONDS.toMillis(30)) {",
            "      keepaliveTime = 0L;",
            "    }",
            "  }",
            "  boolean idle(long idleNanos) {",
            "    // BUG: Diagnostic contains: check-then-act on `lastTouchedNanos`",
            "    if (System.nanoTime() - lastTouchedNanos > idleNanos) {",
            "      lastTouchedNanos = System.nanoTime();",
            "      return true;",
            "    }",
            "    return false;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * jetty-client HttpConnection.send: the check and its act ({@code ++guard}) are one step in one
   * lock region; the later region's {@code --guard} and timestamp are further steps, each atomic.
   */
  @Test
  public void checkAndActInOneRegion_laterRegionSteps_jettyHttpConnection() {
    helper
        .addSourceLines(
            "Connection.java",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Connection {",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private int idleTimeoutGuard;",
            "  private long idleTimeoutNanoTime = System.nanoTime();",
            "  boolean send(Runnable work) {",
            "    boolean send;",
            "    lock.lock();",
            "    try {",
            "      send = idleTimeoutGuard >= 0;",
            "      if (send) {",
            "        ++idleTimeoutGuard;",
            "      }",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "    if (send) {",
            "      work.run();",
            "      lock.lock();",
            "      try {",
            "        --idleTimeoutGuard;",
            "        idleTimeoutNanoTime = System.nanoTime();",
            "      } finally {",
            "        lock.unlock();",
            "      }",
            "    }",
            "    return send;",
            "  }",
            "  boolean onIdleExpired(long idleTimeoutNanos) {",
            "    lock.lock();",
            "    try {",
            "      if (idleTimeoutGuard == 0",
            "          && System.nanoTime() - idleTimeoutNanoTime >= idleTimeoutNanos) {",
            "        idleTimeoutGuard = -1;",
            "        return true;",
            "      }",
            "      return false;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  boolean sendUnlocked(Runnable work) {",
            "    // BUG: Diagnostic contains: check-then-act on `idleTimeoutGuard`",
            "    boolean send = idleTimeoutGuard >= 0;",
            "    if (send) {",
            "      lock.lock();",
            "      try {",
            "        ++idleTimeoutGuard;",
            "      } finally {",
            "        lock.unlock();",
            "      }",
            "    }",
            "    return send;",
            "  }",
            "}")
        .doTest();
  }

}
