package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
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

  // ---------------------------------------------------------------- replacement (fixes)

  @Test
  public void fix_addsSynchronizedToMethod() {
    refactoring
        .addInputLines(
            "SpacingClient.java",
            "class SpacingClient {",
            "  private long lastRequestNanos;",
            "  public void acquire() throws InterruptedException {",
            "    long sinceLast = System.nanoTime() - lastRequestNanos;",
            "    if (sinceLast < 1_000_000L) {",
            "      Thread.sleep(1);",
            "    }",
            "    lastRequestNanos = System.nanoTime();",
            "  }",
            "}")
        .addOutputLines(
            "SpacingClient.java",
            "class SpacingClient {",
            "  private long lastRequestNanos;",
            "  public synchronized void acquire() throws InterruptedException {",
            "    long sinceLast = System.nanoTime() - lastRequestNanos;",
            "    if (sinceLast < 1_000_000L) {",
            "      Thread.sleep(1);",
            "    }",
            "    lastRequestNanos = System.nanoTime();",
            "  }",
            "}")
        .doTest();
    helper
        .addSourceLines(
            "SpacingClient.java",
            "class SpacingClient {",
            "  private long lastRequestNanos;",
            "  public synchronized void acquire() throws InterruptedException {",
            "    long sinceLast = System.nanoTime() - lastRequestNanos;",
            "    if (sinceLast < 1_000_000L) {",
            "      Thread.sleep(1);",
            "    }",
            "    lastRequestNanos = System.nanoTime();",
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
}
