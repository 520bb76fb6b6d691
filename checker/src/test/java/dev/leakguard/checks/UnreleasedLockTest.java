package dev.leakguard.checks;

import static com.google.common.truth.Truth.assertThat;
import static com.google.errorprone.matchers.Description.NO_MATCH;
import static org.junit.Assert.assertThrows;

import com.google.common.collect.ImmutableMap;
import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.SeverityLevel;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.InvalidCommandLineOptionException;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.ExpressionStatementTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.StatementTree;
import dev.leakguard.fix.ScopedRegion;
import dev.leakguard.fix.TryFinallyFix;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link UnreleasedLock}: {@code identification} tests (what is reported, what is not) and {@code
 * replacement} tests (each fix shape; every fixed output is compiled and checked again, and must be
 * silent).
 */
@RunWith(JUnit4.class)
public class UnreleasedLockTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnreleasedLock.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnreleasedLock.class, getClass());

  /** Applies the fix to {@code input}, expects {@code output}, and checks the output is silent. */
  private void assertFix(String input, String output) {
    refactoring.addInputLines("Test.java", input).addOutputLines("Test.java", output).doTest();
    CompilationTestHelper.newInstance(UnreleasedLock.class, getClass())
        .addSourceLines("Test.java", output)
        .expectNoDiagnostics()
        .doTest();
  }

  // ---------------------------------------------------------------- identification: positives

  /**
   * mina's {@code AbstractPollingIoAcceptor}: an atomic holder's reads, writes and
   * compare-and-sets cannot fail, so a lock held across them and released after is released on
   * every path. A function given to {@code updateAndGet} runs the caller's code, and may.
   */
  @Test
  public void atomicHoldersDoNotFail() {
    helper
        .addSourceLines(
            "Acceptor.java",
            "import java.util.concurrent.atomic.*;",
            "import java.util.concurrent.locks.*;",
            "class Acceptor {",
            "  private final Lock lock = new ReentrantLock();",
            "  private final AtomicReference<Object> ref = new AtomicReference<>();",
            "  private final AtomicLong count = new AtomicLong();",
            "  void start(Object worker) {",
            "    lock.lock();",
            "    boolean first = ref.compareAndSet(null, worker);",
            "    count.incrementAndGet();",
            "    lock.unlock();",
            "  }",
            "  void update(java.util.function.LongUnaryOperator f) {",
            "    // BUG: Diagnostic contains: if `count.updateAndGet(...)` throws",
            "    lock.lock();",
            "    count.updateAndGet(f);",
            "    lock.unlock();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * amqp-client's VariableLinkedBlockingQueue, as the JDK's LinkedBlockingQueue: both locks taken,
   * then the try. Taking a JDK lock ({@code lock()}, {@code tryLock()}) cannot fail, whether the
   * field is declared {@code ReentrantLock}, a read or write lock, or {@code Lock}; a project's
   * own lock class may, and {@code lockInterruptibly()} throws InterruptedException.
   */
  @Test
  public void takingASecondJdkLockDoesNotFail() {
    helper
        .addSourceLines(
            "Queue.java",
            "import java.util.concurrent.locks.*;",
            "class Queue {",
            "  private final ReentrantLock putLock = new ReentrantLock();",
            "  private final Lock takeLock = new ReentrantLock();",
            "  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();",
            "  private final ReentrantReadWriteLock.ReadLock readLock = rw.readLock();",
            "  private final DistributedLock remote = new DistributedLock();",
            "  private Object head;",
            "  static class DistributedLock extends ReentrantLock {",
            "    @Override public void lock() {",
            "      if (Thread.interrupted()) { throw new IllegalStateException(); }",
            "      super.lock();",
            "    }",
            "  }",
            "  Object peekBoth() {",
            "    putLock.lock();",
            "    takeLock.lock();",
            "    try {",
            "      return head;",
            "    } finally {",
            "      takeLock.unlock();",
            "      putLock.unlock();",
            "    }",
            "  }",
            "  Object peekRead() {",
            "    takeLock.lock();",
            "    boolean both = readLock.tryLock();",
            "    try {",
            "      return head;",
            "    } finally {",
            "      if (both) {",
            "        readLock.unlock();",
            "      }",
            "      takeLock.unlock();",
            "    }",
            "  }",
            "  Object peekRemote() {",
            "    // BUG: Diagnostic contains: if `remote.lock()` throws",
            "    putLock.lock();",
            "    remote.lock();",
            "    try {",
            "      return head;",
            "    } finally {",
            "      remote.unlock();",
            "      putLock.unlock();",
            "    }",
            "  }",
            "  Object peekInterruptibly() throws InterruptedException {",
            "    // BUG: Diagnostic contains: if `takeLock.lockInterruptibly()` throws",
            "    putLock.lock();",
            "    takeLock.lockInterruptibly();",
            "    try {",
            "      return head;",
            "    } finally {",
            "      takeLock.unlock();",
            "      putLock.unlock();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The flag a {@code tryLock()} set is the lock's own state, not a condition on its release: the
   * message names the failing call alone.
   */
  @Test
  public void message_flagOfTheAcquisitionIsNotAReleaseCondition() {
    helper
        .addSourceLines(
            "Flagged.java",
            "import java.util.concurrent.locks.*;",
            "class Flagged {",
            "  private final Lock lock = new ReentrantLock();",
            "  void work() {}",
            "  void run(boolean verbose) {",
            "    // BUG: Diagnostic matches: callOnly",
            "    boolean locked = lock.tryLock();",
            "    work();",
            "    if (locked) {",
            "      lock.unlock();",
            "    }",
            "  }",
            "}")
        .expectErrorMessage(
            "callOnly",
            message -> message.contains("if `work()` throws")
                && !message.contains("runs only")
                && !message.contains("does not run"))
        .doTest();
  }

  @Test
  public void releasedAfterThrowingCode_noFinally() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            import java.util.concurrent.locks.Lock;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final Lock lock = new ReentrantLock();
              private final List<String> items = new ArrayList<>();
              void add(String s) {
                // BUG: Diagnostic contains: `lock` stays held if `items.add(
                lock.lock();
                items.add(s);
                lock.unlock();
              }
              void addInterruptibly(String s) throws InterruptedException {
                // BUG: Diagnostic contains: stays held
                lock.lockInterruptibly();
                items.add(s);
                lock.unlock();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void projectMethodsThatOnlyTakeOrReleaseTheirObjectsLock_h2Session() {
    helper
        .addSourceLines(
            "Session.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Session {
              private final ReentrantLock lock = new ReentrantLock();
              public final void lock() { lock.lock(); }
              public final void unlock() { this.lock.unlock(); }
            }
            """)
        .addSourceLines(
            "Test.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final List<String> items = new ArrayList<>();
              void leaks(Session session, String s) {
                // BUG: Diagnostic contains: `session` stays held if `items.add(...)` throws
                session.lock();
                items.add(s);
                session.unlock();
              }
              void scoped(Session session, String s) {
                session.lock();
                try {
                  items.add(s);
                } finally {
                  session.unlock();
                }
              }
              void leftHeldForTheCaller(Session session) {
                session.lock();
              }
              // A method a subclass can replace, or one that does more than lock, is not known
              // to take the lock.
              static class Replaceable {
                private final ReentrantLock lock = new ReentrantLock();
                void lock() { lock.lock(); }
                void unlock() { lock.unlock(); }
              }
              static final class Counting {
                private final ReentrantLock lock = new ReentrantLock();
                private int taken;
                void lock() { lock.lock(); taken++; }
                void unlock() { lock.unlock(); }
              }
              // Called on `this` (h2's JdbcConnection), the lock is the field the method's body
              // names.
              static final class Own {
                private final ReentrantLock lock = new ReentrantLock();
                void lock() { lock.lock(); }
                void unlock() { lock.unlock(); }
                void work(Runnable r) {
                  // BUG: Diagnostic contains: `lock` stays held if `r.run()` throws
                  this.lock();
                  r.run();
                  this.unlock();
                }
                void implicit(Runnable r) {
                  // BUG: Diagnostic contains: `lock` stays held if `r.run()` throws
                  lock();
                  r.run();
                  unlock();
                }
                void scoped(Runnable r) {
                  lock();
                  try {
                    r.run();
                  } finally {
                    unlock();
                  }
                }
                void releasedDirectly(Runnable r) {
                  lock();
                  try {
                    r.run();
                  } finally {
                    lock.unlock();
                  }
                }
              }
              void replaceable(Replaceable r, Counting c, String s) {
                r.lock();
                items.add(s);
                r.unlock();
                c.lock();
                items.add(s);
                c.unlock();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void releasedOnlyInCatch() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() {}
              void f() {
                // BUG: Diagnostic contains: no fix is offered: the release is not in the same block
                lock.lock();
                try {
                  work();
                } catch (RuntimeException e) {
                  lock.unlock();
                  throw e;
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void releasedOnlyOnNormalPath_exceptionCaught() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() {}
              void log(Exception e) {}
              void f() {
                // BUG: Diagnostic contains: `lock` stays held
                lock.lock();
                try {
                  work();
                  lock.unlock();
                } catch (RuntimeException e) {
                  log(e);
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void skippedByReturn() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private int count;
              int f(Object o) {
                // BUG: Diagnostic contains: `lock` stays held
                lock.lock();
                if (o == null) {
                  return -1;
                }
                count++;
                lock.unlock();
                return count;
              }
              void g(Object o) {
                // BUG: Diagnostic contains: `lock` stays held
                lock.lock();
                if (o == null) {
                  return;
                }
                count++;
                lock.unlock();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void skippedByBreakAndContinue() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private int count;
              void f(String[] batch) {
                for (String s : batch) {
                  // BUG: Diagnostic contains: `lock` stays held
                  lock.lock();
                  if (s == null) {
                    break;
                  }
                  count++;
                  lock.unlock();
                }
              }
              void g(String[] batch) {
                for (String s : batch) {
                  // BUG: Diagnostic contains: `lock` stays held
                  lock.lock();
                  if (s == null) {
                    continue;
                  }
                  count++;
                  lock.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void skippedByThrow() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private int count;
              private final IllegalStateException failure = new IllegalStateException();
              void f(int n) {
                // BUG: Diagnostic contains: `lock` stays held
                lock.lock();
                if (n < 0) {
                  throw failure;
                }
                count += n;
                lock.unlock();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void tryLockForms() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.TimeUnit;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() {}
              void f() {
                // BUG: Diagnostic contains: `lock` stays held
                if (lock.tryLock()) {
                  work();
                  lock.unlock();
                }
              }
              void g() throws InterruptedException {
                // BUG: Diagnostic contains: `lock` stays held
                if (lock.tryLock(1, TimeUnit.SECONDS)) {
                  work();
                  lock.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void readWriteLocks() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReadWriteLock;
            import java.util.concurrent.locks.ReentrantReadWriteLock;
            class Test {
              private final ReadWriteLock rw = new ReentrantReadWriteLock();
              String read() { return ""; }
              String f() {
                // BUG: Diagnostic contains: stays held
                rw.readLock().lock();
                String s = read();
                rw.readLock().unlock();
                return s;
              }
              void g() {
                // BUG: Diagnostic contains: stays held
                rw.writeLock().lock();
                read();
                rw.writeLock().unlock();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void stampedLocks() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.StampedLock;
            class Test {
              private final StampedLock sl = new StampedLock();
              private double x;
              double compute(double d) { return d; }
              void write(double d) {
                // BUG: Diagnostic contains: stays held
                long stamp = sl.writeLock();
                x = compute(d);
                sl.unlockWrite(stamp);
              }
              double read() {
                // BUG: Diagnostic contains: stays held
                long stamp = sl.readLock();
                double r = compute(x);
                sl.unlockRead(stamp);
                return r;
              }
              void tryWrite(double d) {
                // BUG: Diagnostic contains: stays held
                long stamp = sl.tryWriteLock();
                if (stamp != 0L) {
                  x = compute(d);
                  sl.unlock(stamp);
                }
              }
              double optimistic() {
                long stamp = sl.tryOptimisticRead();
                double r = compute(x);
                return sl.validate(stamp) ? r : 0;
              }
            }
            """)
        .doTest();
  }

  @Test
  public void semaphores() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.Semaphore;
            class Test {
              private final Semaphore permits = new Semaphore(4);
              void call() {}
              void f() throws InterruptedException {
                // BUG: Diagnostic contains: `permits` stays held
                permits.acquire();
                call();
                permits.release();
              }
              void g() {
                // BUG: Diagnostic contains: `permits` stays held
                permits.acquireUninterruptibly();
                call();
                permits.release();
              }
              void h() {
                // BUG: Diagnostic contains: `permits` stays held
                if (permits.tryAcquire()) {
                  call();
                  permits.release();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void distributedLockSubtype() {
    helper
        .addSourceLines(
            "DistributedLock.java",
            """
            import java.util.concurrent.TimeUnit;
            import java.util.concurrent.locks.Condition;
            import java.util.concurrent.locks.Lock;
            /** A lock held in a coordination service, as client libraries model it. */
            abstract class DistributedLock implements Lock {
              static DistributedLock named(String name) { throw new UnsupportedOperationException(); }
            }
            """)
        .addSourceLines(
            "Test.java",
            """
            class Test {
              private final DistributedLock leader = DistributedLock.named("leader");
              void publish() {}
              void f() {
                // BUG: Diagnostic contains: `leader` stays held
                leader.lock();
                publish();
                leader.unlock();
              }
              void scoped() {
                leader.lock();
                try {
                  publish();
                } finally {
                  leader.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void blockLambda() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() {}
              Runnable task() {
                return () -> {
                  // BUG: Diagnostic contains: `lock` stays held
                  lock.lock();
                  work();
                  lock.unlock();
                };
              }
              Runnable anonymous() {
                return new Runnable() {
                  @Override
                  public void run() {
                    // BUG: Diagnostic contains: `lock` stays held
                    lock.lock();
                    work();
                    lock.unlock();
                  }
                };
              }
            }
            """)
        .doTest();
  }

  @Test
  public void noFixReasons() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private boolean dirty;
              void work() {}
              void releasedConditionally() {
                // BUG: Diagnostic contains: no fix is offered: it is also released inside the region
                lock.lock();
                if (dirty) {
                  lock.unlock();
                  work();
                }
                work();
                lock.unlock();
              }
              void releasedInOtherBlock(boolean b) {
                // BUG: Diagnostic contains: no fix is offered: the release is not in the same block
                lock.lock();
                work();
                if (b) {
                  lock.unlock();
                } else {
                  lock.unlock();
                }
              }
              void testedWithSomethingElse() {
                // BUG: Diagnostic contains: no fix is offered: the `if` that tests the acquisition
                if (lock.tryLock() && dirty) {
                  work();
                  lock.unlock();
                }
              }
              int declaredTogether() {
                // BUG: Diagnostic contains: no fix is offered: `a` is declared together
                lock.lock();
                int a = 1, b = 2;
                work();
                lock.unlock();
                return a + b;
              }
              Object anonymousVar() {
                // BUG: Diagnostic contains: no fix is offered: the type of `o` cannot be written out
                lock.lock();
                var o = new Object() { int n; };
                work();
                lock.unlock();
                return o.n;
              }
              void acquiredAgain() {
                // BUG: Diagnostic contains: no fix is offered: it is acquired again inside the region
                lock.lock();
                work();
                lock.lock();
                lock.unlock();
                lock.unlock();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void implicitExceptions_countForLocks() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.Map;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private final int[] slots = new int[8];
              private final Map<String, Integer> counts = new java.util.HashMap<>();
              private final Node head = new Node();
              private Object shared;
              private int perThread;
              static class Node { int value; Node next; }
              void divide(int budget, int threads) {
                // BUG: Diagnostic contains: `lock` stays held if `budget / threads` throws
                lock.lock();
                perThread = budget / threads;
                lock.unlock();
              }
              void remainder(int n, int m) {
                // BUG: Diagnostic contains: `n % m` throws
                lock.lock();
                perThread = n % m;
                lock.unlock();
              }
              void index(int i) {
                // BUG: Diagnostic contains: `slots[i]` throws
                lock.lock();
                slots[i] = 1;
                lock.unlock();
              }
              void unbox(Integer boxed) {
                // BUG: Diagnostic contains: unboxing `boxed` throws
                lock.lock();
                perThread = boxed;
                lock.unlock();
              }
              void cast() {
                // BUG: Diagnostic contains: `(String) shared` throws
                lock.lock();
                String s = (String) shared;
                lock.unlock();
              }
              void dereference(Node node) {
                // BUG: Diagnostic contains: `node.value` throws
                lock.lock();
                perThread = node.value;
                lock.unlock();
              }
              void fine(int budget, Node node, Object o) {
                lock.lock();
                perThread = budget / 4;
                perThread = head.value; // a final field
                perThread = this.perThread;
                if (o instanceof String) {
                  shared = (String) o;
                }
                lock.unlock();
                if (node != null) {
                  lock.lock();
                  perThread = node.value; // just tested
                  lock.unlock();
                }
                Node fresh = new Node();
                lock.lock();
                perThread = fresh.value;
                Object widened = (Object) fresh;
                lock.unlock();
              }
              void scoped(int budget, int threads) {
                lock.lock();
                try {
                  perThread = budget / threads;
                } finally {
                  lock.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void implicitExceptions_fixedIntoScopedForm() {
    assertFix(
        """
        import java.util.concurrent.locks.ReentrantLock;
        class Test {
          private final ReentrantLock lock = new ReentrantLock();
          private int perThread;
          void divide(int budget, int threads) {
            lock.lock();
            perThread = budget / threads;
            lock.unlock();
          }
        }
        """,
        """
        import java.util.concurrent.locks.ReentrantLock;
        class Test {
          private final ReentrantLock lock = new ReentrantLock();
          private int perThread;
          void divide(int budget, int threads) {
            lock.lock();
            try {
              perThread = budget / threads;
            } finally {
              lock.unlock();
            }
          }
        }
        """);
  }

  @Test
  public void reassignedWhileHeld() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.Lock;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              void f() {
                Lock lock = new ReentrantLock();
                // BUG: Diagnostic contains: the variable is overwritten at line 8
                lock.tryLock();
                lock = new ReentrantLock();
                lock.lock();
                lock.unlock();
              }
              void repeatedTryLockIsNotAThrowingPath() {
                Lock lock = new ReentrantLock();
                lock.tryLock();
                lock.tryLock();
                lock.unlock();
              }
            }
            """)
        .doTest();
  }

  private static final String[] LOCK_HANDLE_SOURCES = {
    "import com.google.errorprone.annotations.MustBeClosed;",
    "import java.util.concurrent.locks.Lock;",
    "import java.util.concurrent.locks.ReentrantReadWriteLock;",
    "class Locks {",
    "  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();",
    "  @MustBeClosed LockResource lockShared() { return new LockResource(rw.readLock()); }",
    "  Guard enter() { return new Guard(rw.writeLock()); }",
    "  Scope scope() { return new Scope(); }",
    "}",
    "class LockResource implements AutoCloseable {",
    "  private final Lock lock;",
    "  LockResource(Lock lock) { this.lock = lock; lock.lock(); }",
    "  @Override public void close() { lock.unlock(); }",
    "}",
    "class Guard implements AutoCloseable {",
    "  private final Lock held;",
    "  Guard(Lock held) { this.held = held; held.lock(); }",
    "  @Override public void close() { held.unlock(); }",
    "}",
    "class Scope implements AutoCloseable {",
    "  @Override public void close() {}",
    "}",
  };

  @Test
  public void lockHandles() {
    helper
        .addSourceLines("Locks.java", LOCK_HANDLE_SOURCES)
        .addSourceLines(
            "Test.java",
            """
            class Test {
              void work() {}
              void scoped(Locks locks) {
                try (LockResource r = locks.lockShared()) {
                  work();
                }
                try (Guard g = locks.enter()) {
                  work();
                }
              }
              void dropped(Locks locks) {
                // BUG: Diagnostic contains: open it in a try-with-resources statement
                locks.lockShared();
              }
              void closedOnlyOnTheNormalPath(Locks locks) {
                // BUG: Diagnostic contains: `g` stays held if `work()` throws
                Guard g = locks.enter();
                work();
                g.close();
              }
              void notALock(Locks locks) {
                Scope s = locks.scope();
                work();
              }
            }
            """)
        .doTest();
  }

  /**
   * jetty-util AutoLock.WithCondition: {@code return (WithCondition) super.lock();} narrows a
   * handle that {@code lock()} returns as {@code this}; the cast cannot fail, so no implicit
   * exception leaves the lock held. A cast of another value still counts.
   */
  @Test
  public void lockHandles_selfTypeCastOfSuperCall_jettyAutoLock() {
    helper
        .addSourceLines(
            "AutoLock.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class AutoLock implements AutoCloseable {
              private final ReentrantLock _lock = new ReentrantLock();
              AutoLock lock() {
                _lock.lock();
                return this;
              }
              @Override
              public void close() {
                _lock.unlock();
              }
              static class WithCondition extends AutoLock {
                @Override
                WithCondition lock() {
                  return (WithCondition) super.lock();
                }
              }
              static class Other extends AutoLock {
                AutoLock delegate = new AutoLock();
                Other lockDelegate() {
                  // BUG: Diagnostic contains: open it in a try-with-resources statement
                  return (Other) delegate.lock();
                }
              }
            }
            """)
        .doTest();
  }

  /**
   * commons-compress FramedLZ4CompressorInputStream: {@code BlockLZ4CompressorInputStream} has
   * "lock" only inside "Block"; it is a stream, not a lock handle, so UnreleasedLock stays silent
   * (UnclosedResource is the check for it).
   */
  @Test
  public void lockHandles_lockInsideAnotherWordIsNotAHandle_commonsCompressBlockStream() {
    helper
        .addSourceLines(
            "BlockLZ4InputStream.java",
            """
            import java.io.*;
            class BlockLZ4InputStream extends FilterInputStream {
              BlockLZ4InputStream(InputStream in) { super(in); }
              void prefill(byte[] data) throws IOException {}
            }
            """)
        .addSourceLines(
            "Reader.java",
            """
            import java.io.*;
            class Reader {
              InputStream current;
              void next(InputStream capped, byte[] dictionary) throws IOException {
                BlockLZ4InputStream s = new BlockLZ4InputStream(capped);
                s.prefill(dictionary);
                current = s;
              }
            }
            """)
        .doTest();
  }

  /**
   * commons-dbcp2 PoolableConnection: a close() that takes a lock for its own work and gives it
   * back in a finally holds nothing for its caller, so the connection is no lock handle (it was
   * reported as one held on every path); a close() that releases a lock it did not take is one.
   */
  @Test
  public void lockHandles_closeThatLocksForItsOwnWorkIsNotAHandle_dbcpPoolableConnection() {
    helper
        .addSourceLines(
            "PooledThing.java",
            """
            import java.util.concurrent.locks.*;
            class PooledThing implements AutoCloseable {
              private final Lock lock = new ReentrantLock();
              @Override
              public void close() {
                lock.lock();
                try {
                  giveBack();
                } finally {
                  lock.unlock();
                }
              }
              void giveBack() {}
            }
            """)
        .addSourceLines(
            "Held.java",
            """
            import java.util.concurrent.locks.*;
            class Held implements AutoCloseable {
              private final Lock lock;
              Held(Lock lock) {
                this.lock = lock;
                lock.lock();
              }
              @Override
              public void close() {
                lock.unlock();
              }
            }
            """)
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.*;
            class Test {
              Object made() {
                PooledThing thing = new PooledThing();
                return "made";
              }
              void held(Lock lock) {
                // BUG: Diagnostic contains: closing the lock handle unlocks it
                Held h = new Held(lock);
              }
            }
            """)
        .doTest();
  }

  @Test
  public void lockHandles_reportedOnceNotAsResources() {
    CompilationTestHelper.newInstance(UnclosedResource.class, getClass())
        .addSourceLines("Locks.java", LOCK_HANDLE_SOURCES)
        .addSourceLines(
            "Test.java",
            """
            class Test {
              void dropped(Locks locks) {
                locks.lockShared();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void neverReleased_nothingElseReleasesIt() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.Lock;
            import java.util.concurrent.locks.ReadWriteLock;
            import java.util.concurrent.locks.ReentrantLock;
            import java.util.concurrent.locks.ReentrantReadWriteLock;
            class Test {
              private final Lock guard = new ReentrantLock();
              private final ReadWriteLock rw = new ReentrantReadWriteLock();
              void local() {
                Lock mine = new ReentrantLock();
                // BUG: Diagnostic contains: `mine` is never released
                mine.lock();
              }
              void field() {
                // BUG: Diagnostic contains: no fix is offered
                guard.lock();
              }
              void readLock() {
                // BUG: Diagnostic contains: `rw.readLock()` is never released
                rw.readLock().lock();
              }
              void releasedOnlyWhenTheAcquisitionFails() {
                Lock other = new ReentrantLock();
                try {
                  // BUG: Diagnostic contains: `other` is never released
                  other.tryLock();
                } catch (RuntimeException e) {
                  other.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  /**
   * jgroups' {@code Locking.down(Event)}: one method takes a named lock for a LOCK event and
   * releases it for an UNLOCK event, on another case of the same switch (or arm of an if). The
   * two events are the halves of a protocol, as begin() and end() are. A release that only a
   * failure of the acquisition reaches is no such half: still reported.
   */
  @Test
  public void neverReleased_aDispatcherReleasingOnAnotherEvent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.Map;
            import java.util.concurrent.ConcurrentHashMap;
            import java.util.concurrent.locks.Lock;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              enum Kind { LOCK, UNLOCK, OTHER }
              private final Map<String, Lock> locks = new ConcurrentHashMap<>();
              private Lock getLock(String name) {
                return locks.computeIfAbsent(name, n -> new ReentrantLock());
              }
              Object down(Kind kind, String name) {
                Lock lock;
                switch (kind) {
                  case LOCK:
                    lock = getLock(name);
                    lock.lock();
                    return null;
                  case UNLOCK:
                    lock = getLock(name);
                    lock.unlock();
                    return null;
                  default:
                    return kind;
                }
              }
              Object downAsExpression(Kind kind, String name) {
                Lock lock = getLock(name);
                return switch (kind) {
                  case LOCK -> {
                    lock.lock();
                    yield null;
                  }
                  case UNLOCK -> {
                    lock.unlock();
                    yield null;
                  }
                  default -> kind;
                };
              }
              void toggle(boolean acquire, String name) {
                Lock lock = getLock(name);
                if (acquire) {
                  lock.lock();
                } else {
                  lock.unlock();
                }
              }
              void releasedOnlyWhenTheAcquisitionFails() {
                Lock other = new ReentrantLock();
                try {
                  // BUG: Diagnostic contains: `other` is never released
                  other.lock();
                } catch (RuntimeException e) {
                  other.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void neverReleased_aProtocolOrSomeoneElsesLock() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.Semaphore;
            import java.util.concurrent.locks.Lock;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final Lock paired = new ReentrantLock();
              private final Lock handedOut = new ReentrantLock();
              private final Lock lent = new ReentrantLock();
              private final Semaphore budget = new Semaphore(10);
              final Lock visible = new ReentrantLock();
              void begin() {
                paired.lock();
              }
              void end() {
                paired.unlock();
              }
              Lock handedOut() {
                handedOut.lock();
                return handedOut;
              }
              void lend() {
                lent.lock();
                Helper.unlockLater(lent);
              }
              void spend() throws InterruptedException {
                budget.acquire();
              }
              void packagePrivate() {
                visible.lock();
              }
              void forTheCaller(Lock given) {
                given.lock();
              }
              void relockForTheCaller() {
                paired.unlock();
                System.out.println("slow work without the lock");
                paired.lock();
              }
              static class Helper {
                static void unlockLater(Lock lock) {}
              }
            }
            """)
        .doTest();
  }

  /**
   * Calls of the compilation's own methods are read, not guessed (flow/QuietMethods): a body that
   * cannot throw (Sonar's {@code foo() { return Math.random() < 0.5d; }}, a {@code println} of a
   * string) is no leak path; one that divides, dereferences a field, loops or calls something
   * unknown still is, and so is an empty overridable hook, which subclasses fill in.
   */
  @Test
  public void ownMethodsThatCannotThrow() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.List;
            import java.util.concurrent.locks.Lock;
            import java.util.concurrent.locks.ReentrantLock;
            abstract class Test {
              private final Lock lock = new ReentrantLock();
              private int fooInt;
              private int budget;
              private int threads;
              private List<String> names;
              boolean foo() { return Math.random() < 0.5d; }
              private static boolean tracing;
              private static void trace(String message) {
                if (tracing) {
                  System.out.println("trace: " + message);
                }
              }
              private static boolean closeQuietly(AutoCloseable c) {
                try {
                  c.close();
                  return true;
                } catch (Exception ignored) {
                  return false;
                }
              }
              private int share() { return budget / threads; }
              private int count() { return names.size(); }
              protected void onLocked() {}
              void randomBranch() {
                lock.lock();
                if (foo()) {
                  fooInt++;
                }
                lock.unlock();
              }
              void switchPrint() {
                lock.tryLock();
                switch (fooInt) {
                  case 0:
                    System.out.println("");
                  default:
                    lock.unlock();
                }
              }
              void traced(AutoCloseable c) {
                lock.lock();
                trace("locked");
                closeQuietly(c);
                lock.unlock();
              }
              void divides() {
                // BUG: Diagnostic contains: `lock` stays held if `share()` throws
                lock.lock();
                fooInt = share();
                lock.unlock();
              }
              void dereferences() {
                // BUG: Diagnostic contains: `lock` stays held if `count()` throws
                lock.lock();
                fooInt = count();
                lock.unlock();
              }
              void hook() {
                // BUG: Diagnostic contains: `lock` stays held if `onLocked()` throws
                lock.lock();
                onLocked();
                lock.unlock();
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- identification: negatives

  @Test
  public void scopedForms() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.Semaphore;
            import java.util.concurrent.TimeUnit;
            import java.util.concurrent.locks.Lock;
            import java.util.concurrent.locks.ReentrantLock;
            import java.util.concurrent.locks.ReentrantReadWriteLock;
            import java.util.concurrent.locks.StampedLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
              private final StampedLock sl = new StampedLock();
              private final Semaphore permits = new Semaphore(2);
              void work() {}
              void plain() {
                lock.lock();
                try {
                  work();
                } finally {
                  lock.unlock();
                }
              }
              void thisQualified() {
                this.lock.lock();
                try {
                  work();
                } finally {
                  lock.unlock();
                }
              }
              boolean tryIf() {
                if (lock.tryLock()) {
                  try {
                    work();
                  } finally {
                    lock.unlock();
                  }
                  return true;
                }
                return false;
              }
              boolean tryEarlyReturn() throws InterruptedException {
                boolean ok = lock.tryLock(10, TimeUnit.MILLISECONDS);
                if (!ok) {
                  return false;
                }
                try {
                  work();
                } finally {
                  lock.unlock();
                }
                return true;
              }
              void readWrite() {
                Lock read = rw.readLock();
                read.lock();
                try {
                  work();
                } finally {
                  read.unlock();
                }
                rw.writeLock().lock();
                try {
                  work();
                } finally {
                  rw.writeLock().unlock();
                }
              }
              void stamped() {
                long stamp = sl.writeLock();
                try {
                  work();
                } finally {
                  sl.unlockWrite(stamp);
                }
                long s2 = sl.tryReadLock();
                if (s2 == 0) {
                  return;
                }
                try {
                  work();
                } finally {
                  sl.unlockRead(s2);
                }
              }
              void semaphore() throws InterruptedException {
                permits.acquire();
                try {
                  work();
                } finally {
                  permits.release();
                }
                if (!permits.tryAcquire(1, TimeUnit.SECONDS)) {
                  return;
                }
                try {
                  work();
                } finally {
                  permits.release();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void finallyDoingOtherWork() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.atomic.AtomicInteger;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private final AtomicInteger waiting = new AtomicInteger();
              private int inside;
              void work() {}
              void f() {
                lock.lock();
                try {
                  inside++;
                  work();
                } finally {
                  inside--;
                  waiting.decrementAndGet();
                  lock.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void releasedInsideATryWhoseFinallyDoesNot() {
    // The finally rethrows what the body threw: the lock taken inside leaves with it.
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() {}
              void f() {
                try {
                  // BUG: Diagnostic contains: `lock` stays held if `work()` throws
                  lock.lock();
                  work();
                  lock.unlock();
                } finally {
                  System.out.println("done");
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void fix_insideATryWhoseFinallyDoesNotRelease() {
    assertFix(
        HEADER
            + """
              void add(String s) {
                try {
                  lock.lock();
                  items.add(s);
                  lock.unlock();
                } finally {
                  check(s);
                }
              }
            }
            """,
        HEADER
            + """
              void add(String s) {
                try {
                  lock.lock();
                  try {
                    items.add(s);
                  } finally {
                    lock.unlock();
                  }
                } finally {
                  check(s);
                }
              }
            }
            """);
  }

  @Test
  public void heldCheckBeforeUnlock() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.TimeUnit;
            import java.util.concurrent.locks.ReentrantLock;
            import java.util.concurrent.locks.ReentrantReadWriteLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
              void work() {}
              void f() throws InterruptedException {
                try {
                  if (!lock.tryLock(1, TimeUnit.SECONDS)) {
                    return;
                  }
                  work();
                } finally {
                  if (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                  }
                }
              }
              void isLocked() {
                try {
                  lock.lock();
                  work();
                } finally {
                  if (lock.isLocked()) {
                    lock.unlock();
                  }
                }
              }
              void stamped(java.util.concurrent.locks.StampedLock sl) {
                long stamp = 0;
                try {
                  stamp = sl.writeLock();
                  work();
                } finally {
                  if (sl.isWriteLocked()) {
                    sl.unlockWrite(stamp);
                  }
                }
              }
              void g() {
                try {
                  rw.writeLock().lock();
                  work();
                } finally {
                  if (rw.writeLock().isHeldByCurrentThread()) {
                    rw.writeLock().unlock();
                  }
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void heldCheckOnReadWriteLockItself() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantReadWriteLock;
            class Test {
              private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
              void work() {}
              void f() {
                try {
                  rw.writeLock().lock();
                  work();
                } finally {
                  if (rw.isWriteLockedByCurrentThread()) {
                    rw.writeLock().unlock();
                  }
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void lockNullCheckedInFinally() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.Map;
            import java.util.concurrent.ConcurrentHashMap;
            import java.util.concurrent.locks.Lock;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final Map<String, Lock> locks = new ConcurrentHashMap<>();
              void work() {}
              Lock lockFor(String key) {
                return locks.computeIfAbsent(key, k -> new ReentrantLock());
              }
              void f(String key) {
                Lock lock = null;
                try {
                  lock = lockFor(key);
                  lock.lock();
                  work();
                } finally {
                  if (lock != null) {
                    lock.unlock();
                  }
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void commonScopedIdioms() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.Map;
            import java.util.concurrent.ConcurrentHashMap;
            import java.util.concurrent.TimeUnit;
            import java.util.concurrent.locks.Lock;
            import java.util.concurrent.locks.ReentrantLock;
            import java.util.concurrent.locks.ReentrantReadWriteLock;
            import java.util.concurrent.locks.StampedLock;
            class Test {
              private static final ReentrantLock GLOBAL = new ReentrantLock();
              private final ReentrantLock lock = new ReentrantLock();
              private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
              private final StampedLock sl = new StampedLock();
              private final Map<String, Lock> locks = new ConcurrentHashMap<>();
              private double x;
              private double y;
              void work() {}
              Lock getLock() {
                return lock;
              }
              void lockInsideTry() {
                try {
                  lock.lock();
                  work();
                } finally {
                  lock.unlock();
                }
              }
              void localAlias() {
                final ReentrantLock lock = this.lock;
                lock.lock();
                try {
                  work();
                } finally {
                  lock.unlock();
                }
              }
              void aliasReleases() {
                Lock w = rw.writeLock();
                w.lock();
                try {
                  work();
                } finally {
                  rw.writeLock().unlock();
                }
              }
              void spinThenScoped() throws InterruptedException {
                while (!lock.tryLock()) {
                  Thread.sleep(10);
                }
                try {
                  work();
                } finally {
                  lock.unlock();
                }
              }
              void flagInFinally() throws InterruptedException {
                boolean locked = false;
                try {
                  locked = lock.tryLock(1, TimeUnit.SECONDS);
                  if (!locked) {
                    return;
                  }
                  work();
                } finally {
                  if (locked) {
                    lock.unlock();
                  }
                }
              }
              void accessorAndStatic() {
                getLock().lock();
                try {
                  work();
                } finally {
                  getLock().unlock();
                }
                GLOBAL.lock();
                try {
                  work();
                } finally {
                  Test.GLOBAL.unlock();
                }
              }
              void mapLock(String k) {
                locks.get(k).lock();
                try {
                  work();
                } finally {
                  locks.get(k).unlock();
                }
              }
              void upgrade(double dx) {
                long stamp = sl.readLock();
                try {
                  while (x == 0.0) {
                    long ws = sl.tryConvertToWriteLock(stamp);
                    if (ws != 0L) {
                      stamp = ws;
                      x = dx;
                      break;
                    } else {
                      sl.unlockRead(stamp);
                      stamp = sl.writeLock();
                    }
                  }
                } finally {
                  sl.unlock(stamp);
                }
              }
              double optimisticThenRead() {
                long stamp = sl.tryOptimisticRead();
                double cx = x;
                double cy = y;
                if (!sl.validate(stamp)) {
                  stamp = sl.readLock();
                  try {
                    cx = x;
                    cy = y;
                  } finally {
                    sl.unlockRead(stamp);
                  }
                }
                return Math.sqrt(cx * cx + cy * cy);
              }
              void loopWithContinue(String[] batch) {
                for (String s : batch) {
                  if (!lock.tryLock()) {
                    continue;
                  }
                  try {
                    if (s == null) {
                      continue;
                    }
                    work();
                  } finally {
                    lock.unlock();
                  }
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void conditionalLockWithSameConditionInFinally() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() {}
              void f(boolean needsLock) {
                if (needsLock) {
                  lock.lock();
                }
                try {
                  work();
                } finally {
                  if (needsLock) {
                    lock.unlock();
                  }
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void helperReleasingInItsOwnFinally() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            import java.util.concurrent.locks.ReentrantLock;
            import java.util.function.Supplier;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private final List<String> items = new ArrayList<>();
              <T> T withLock(Supplier<T> action) {
                lock.lock();
                try {
                  return action.get();
                } finally {
                  lock.unlock();
                }
              }
              boolean add(String s) {
                return withLock(() -> items.add(s));
              }
            }
            """)
        .doTest();
  }

  @Test
  public void conditionAwaitLoop() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.ArrayDeque;
            import java.util.Queue;
            import java.util.concurrent.locks.Condition;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private final Condition notEmpty = lock.newCondition();
              private final Queue<String> queue = new ArrayDeque<>();
              String take() throws InterruptedException {
                lock.lock();
                try {
                  while (queue.isEmpty()) {
                    notEmpty.await();
                  }
                  return queue.remove();
                } finally {
                  lock.unlock();
                }
              }
              void put(String s) {
                lock.lock();
                try {
                  queue.add(s);
                  notEmpty.signal();
                } finally {
                  lock.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void acquireOnlyMethods() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.Semaphore;
            import java.util.concurrent.locks.ReentrantLock;
            import java.util.concurrent.locks.StampedLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private final StampedLock sl = new StampedLock();
              private final Semaphore permits = new Semaphore(1);
              private long started;
              private long stamp;
              void begin() {
                lock.lock();
                started = System.nanoTime();
              }
              void end() {
                lock.unlock();
              }
              void beginWrite() {
                stamp = sl.writeLock();
              }
              void endWrite() {
                sl.unlockWrite(stamp);
              }
              void reserve() throws InterruptedException {
                permits.acquire();
                System.nanoTime();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void suppressed() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() {}
              @SuppressWarnings("UnreleasedLock")
              void f() {
                lock.lock();
                work();
                lock.unlock();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void java21Shapes_doNotCrash() {
    helper
        .addSourceLines(
            "Shapes.java",
            """
            import java.io.StringReader;
            import java.util.List;
            import java.util.concurrent.locks.ReentrantLock;
            import java.util.function.Supplier;
            class Shapes {
              sealed interface Shape permits Circle, Square {}
              record Circle(double r) implements Shape {
                Circle {
                  if (r < 0) {
                    throw new IllegalArgumentException();
                  }
                }
              }
              record Square(double side) implements Shape {}
              enum Mode { FAST, SLOW }

              private final ReentrantLock lock = new ReentrantLock();
              private static final String HELP =
                  \"""
                  usage: shapes [--fast]
                    computes areas\\
                  \""";

              double area(Shape shape) {
                lock.lock();
                try {
                  return switch (shape) {
                    case Circle c when c.r() == 0 -> 0;
                    case Circle(double r) -> Math.PI * r * r;
                    case Square s -> {
                      double side = s.side();
                      yield side * side;
                    }
                  };
                } finally {
                  lock.unlock();
                }
              }

              int modes(Mode mode, Object o) {
                int n = switch (mode) {
                  case FAST -> 1;
                  case SLOW -> {
                    lock.lock();
                    try {
                      yield o instanceof String str && !str.isEmpty() ? str.length() : 2;
                    } finally {
                      lock.unlock();
                    }
                  }
                };
                return n;
              }

              int labeled(int[][] grid) {
                int found = 0;
                outer:
                for (int[] row : grid) {
                  for (int cell : row) {
                    lock.lock();
                    try {
                      if (cell < 0) {
                        break outer;
                      }
                      if (cell == 0) {
                        continue outer;
                      }
                      found += cell;
                    } finally {
                      lock.unlock();
                    }
                  }
                }
                return found;
              }

              int nestedFinally(StringReader reader) throws Exception {
                lock.lock();
                try {
                  try (reader) {
                    return reader.read();
                  } finally {
                    try {
                      HELP.length();
                    } finally {
                      System.nanoTime();
                    }
                  }
                } finally {
                  lock.unlock();
                }
              }

              Supplier<Runnable> nested() {
                class Local implements Runnable {
                  @Override
                  public void run() {
                    // BUG: Diagnostic contains: `lock` stays held
                    lock.lock();
                    Integer.parseInt(HELP);
                    lock.unlock();
                  }
                }
                Runnable anonymous =
                    new Runnable() {
                      @Override
                      public void run() {
                        lock.lock();
                        try {
                          new Local().run();
                        } finally {
                          lock.unlock();
                        }
                      }
                    };
                return () -> () -> {
                  // BUG: Diagnostic contains: `lock` stays held
                  lock.lock();
                  anonymous.run();
                  lock.unlock();
                };
              }

              static <T> List<T> generic(List<T> in) {
                return in.stream().map(x -> x).toList();
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- replacement

  private static final String HEADER =
      """
      import java.util.ArrayList;
      import java.util.List;
      import java.util.concurrent.locks.ReentrantLock;
      class Test {
        private final ReentrantLock lock = new ReentrantLock();
        private final List<String> items = new ArrayList<>();
        String load() { return ""; }
        void check(String s) {}
      """;

  @Test
  public void fix_plain() {
    assertFix(
        HEADER
            + """
              void add(String s) {
                lock.lock();
                items.add(s);
                lock.unlock();
              }
            }
            """,
        HEADER
            + """
              void add(String s) {
                lock.lock();
                try {
                  items.add(s);
                } finally {
                  lock.unlock();
                }
              }
            }
            """);
  }

  /** The classic slip: code between the lock() and the try that releases it. */
  @Test
  public void fix_tryStartsLate() {
    assertFix(
        HEADER
            + """
              void add(String s) {
                lock.lock();
                // validate first
                check(s);
                String t = s.trim();
                try {
                  items.add(t);
                } finally {
                  lock.unlock();
                }
              }
            }
            """,
        HEADER
            + """
              void add(String s) {
                lock.lock();
                try {
                  // validate first
                  check(s);
                  String t = s.trim();
                  items.add(t);
                } finally {
                  lock.unlock();
                }
              }
            }
            """);
  }

  /** A return before the try left the lock held; inside the try, the finally releases it. */
  @Test
  public void fix_tryStartsLate_returnBeforeTheTry() {
    assertFix(
        HEADER
            + """
              void add(String s) {
                lock.lock();
                if (s.isEmpty()) {
                  return;
                }
                try {
                  items.add(s);
                } finally {
                  lock.unlock();
                }
              }
            }
            """,
        HEADER
            + """
              void add(String s) {
                lock.lock();
                try {
                  if (s.isEmpty()) {
                    return;
                  }
                  items.add(s);
                } finally {
                  lock.unlock();
                }
              }
            }
            """);
  }

  /** Released at the end of the try and again in each catch: one finally does both. */
  @Test
  public void fix_releasedAtTheEndOfTheTryAndInEachCatch() {
    assertFix(
        """
        import java.io.IOException;
        import java.util.concurrent.locks.ReentrantLock;
        class Test {
          private final ReentrantLock lock = new ReentrantLock();
          void work() throws IOException {}
          void log(Exception e) {}
          void rethrows() throws IOException {
            lock.lock();
            try {
              work();
              lock.unlock();
            } catch (IOException e) {
              lock.unlock();
              throw e;
            }
          }
          void logsFirst() throws IOException {
            lock.lock();
            try {
              work();
              lock.unlock();
            } catch (IOException e) {
              log(e);
              lock.unlock();
              throw e;
            }
          }
        }
        """,
        """
        import java.io.IOException;
        import java.util.concurrent.locks.ReentrantLock;
        class Test {
          private final ReentrantLock lock = new ReentrantLock();
          void work() throws IOException {}
          void log(Exception e) {}
          void rethrows() throws IOException {
            lock.lock();
            try {
              work();
            } finally {
              lock.unlock();
            }
          }
          void logsFirst() throws IOException {
            lock.lock();
            try {
              work();
            } catch (IOException e) {
              log(e);
              throw e;
            } finally {
              lock.unlock();
            }
          }
        }
        """);
  }

  /** A catch that runs more code after its release: a finally would run that code under the lock. */
  @Test
  public void releasedInEachBranch_releaseNotLastInACatch_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.io.IOException;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() throws IOException {}
              void log(Exception e) {}
              void logsAfter() {
                // BUG: Diagnostic contains: no fix is offered: the release is not in the same block
                lock.lock();
                try {
                  work();
                  lock.unlock();
                } catch (IOException e) {
                  lock.unlock();
                  log(e);
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void tryStartsLate_noFixReasons() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.io.IOException;
            import java.io.StringReader;
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() {}
              void io() throws IOException {}
              void usedInFinally() {
                // BUG: Diagnostic contains: no fix is offered: `n` is declared before the `try` and used in its `catch` or `finally`
                lock.lock();
                int n = Integer.parseInt("1");
                try {
                  work();
                } finally {
                  lock.unlock();
                  System.out.println(n);
                }
              }
              int usedAfterATryThatCatches() {
                // BUG: Diagnostic contains: no fix is offered: `n` is declared before the `try` and used after it
                lock.lock();
                int n = Integer.parseInt("1");
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  lock.unlock();
                }
                return n;
              }
              void setAndReadInFinally(String s) {
                boolean parsed;
                // BUG: Diagnostic contains: no fix is offered: `parsed` is set before the `try` and read in its `catch` or `finally`
                lock.lock();
                parsed = Integer.parseInt(s) > 0;
                try {
                  work();
                } finally {
                  if (parsed) {
                    lock.unlock();
                  } else {
                    lock.unlock();
                  }
                }
              }
              void caughtThere() {
                // BUG: Diagnostic contains: no fix is offered: the `try`'s `catch (RuntimeException …)` would catch
                lock.lock();
                work();
                try {
                  work();
                } catch (RuntimeException e) {
                  System.out.println(e);
                } finally {
                  lock.unlock();
                }
              }
              void checkedCaughtThere() throws IOException {
                // BUG: Diagnostic contains: no fix is offered: the `try`'s `catch (IOException …)` would catch
                lock.lock();
                io();
                try {
                  io();
                } catch (IOException e) {
                  System.out.println(e);
                } finally {
                  lock.unlock();
                }
              }
              void tryWithResources() throws IOException {
                // BUG: Diagnostic contains: no fix is offered: the `try` declares resources
                lock.lock();
                work();
                try (StringReader r = new StringReader("")) {
                  r.read();
                } finally {
                  lock.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  /** The same shape with the try starting right after the lock, or the lock taken in it: quiet. */
  @Test
  public void tryStartsLate_negatives() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              void work() {}
              void atOnce() {
                lock.lock();
                try {
                  work();
                } finally {
                  lock.unlock();
                }
              }
              void quietCodeBefore(int[] counts) {
                lock.lock();
                int n = 1;
                try {
                  work();
                  counts[0] += n;
                } finally {
                  lock.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void fix_projectLockMethods_releaseInFinally() {
    refactoring
        .addInputLines(
            "Session.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            final class Session {
              private final ReentrantLock lock = new ReentrantLock();
              void lock() { lock.lock(); }
              void unlock() { lock.unlock(); }
            }
            """)
        .expectUnchanged()
        .addInputLines(
            "Test.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            class Test {
              private final List<String> items = new ArrayList<>();
              void add(Session session, String s) {
                session.lock();
                items.add(s);
                session.unlock();
              }
            }
            """)
        .addOutputLines(
            "Test.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            class Test {
              private final List<String> items = new ArrayList<>();
              void add(Session session, String s) {
                session.lock();
                try {
                  items.add(s);
                } finally {
                  session.unlock();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void fix_tryLockIf() {
    assertFix(
        HEADER
            + """
              boolean tryAdd(String s) {
                if (lock.tryLock()) {
                  items.add(s);
                  lock.unlock();
                  return true;
                }
                return false;
              }
            }
            """,
        HEADER
            + """
              boolean tryAdd(String s) {
                if (lock.tryLock()) {
                  try {
                    items.add(s);
                  } finally {
                    lock.unlock();
                  }
                  return true;
                }
                return false;
              }
            }
            """);
  }

  @Test
  public void fix_negatedTryLockEarlyReturn() {
    assertFix(
        HEADER
            + """
              void addIfFree(String s) {
                if (!lock.tryLock()) {
                  return;
                }
                check(s);
                items.add(s);
                lock.unlock();
              }
            }
            """,
        HEADER
            + """
              void addIfFree(String s) {
                if (!lock.tryLock()) {
                  return;
                }
                try {
                  check(s);
                  items.add(s);
                } finally {
                  lock.unlock();
                }
              }
            }
            """);
  }

  @Test
  public void fix_tryLockStoredInVariable() {
    assertFix(
        HEADER
            + """
              boolean addSoon(String s) throws InterruptedException {
                boolean acquired = lock.tryLock(5, java.util.concurrent.TimeUnit.SECONDS);
                if (!acquired) return false;
                items.add(s);
                lock.unlock();
                return true;
              }
            }
            """,
        HEADER
            + """
              boolean addSoon(String s) throws InterruptedException {
                boolean acquired = lock.tryLock(5, java.util.concurrent.TimeUnit.SECONDS);
                if (!acquired) return false;
                try {
                  items.add(s);
                } finally {
                  lock.unlock();
                }
                return true;
              }
            }
            """);
  }

  @Test
  public void fix_stampedLock() {
    String header =
        """
        import java.util.concurrent.locks.StampedLock;
        class Test {
          private final StampedLock sl = new StampedLock();
          private double x;
          double compute(double d) { return d; }
        """;
    assertFix(
        header
            + """
              void move(double d) {
                long stamp = sl.writeLock();
                x = compute(d);
                sl.unlockWrite(stamp);
              }
              void tryMove(double d) {
                long stamp = sl.tryWriteLock();
                if (stamp == 0L) {
                  return;
                }
                x = compute(d);
                sl.unlockWrite(stamp);
              }
            }
            """,
        header
            + """
              void move(double d) {
                long stamp = sl.writeLock();
                try {
                  x = compute(d);
                } finally {
                  sl.unlockWrite(stamp);
                }
              }
              void tryMove(double d) {
                long stamp = sl.tryWriteLock();
                if (stamp == 0L) {
                  return;
                }
                try {
                  x = compute(d);
                } finally {
                  sl.unlockWrite(stamp);
                }
              }
            }
            """);
  }

  @Test
  public void fix_semaphore() {
    String header =
        """
        import java.util.concurrent.Semaphore;
        class Test {
          private final Semaphore permits = new Semaphore(4);
          String download(String url) { return url; }
        """;
    assertFix(
        header
            + """
              String fetch(String url) throws InterruptedException {
                permits.acquire();
                String body = download(url);
                permits.release();
                return body;
              }
              void fetchIfFree(String url) {
                if (permits.tryAcquire()) {
                  download(url);
                  permits.release();
                }
              }
            }
            """,
        header
            + """
              String fetch(String url) throws InterruptedException {
                permits.acquire();
                String body;
                try {
                  body = download(url);
                } finally {
                  permits.release();
                }
                return body;
              }
              void fetchIfFree(String url) {
                if (permits.tryAcquire()) {
                  try {
                    download(url);
                  } finally {
                    permits.release();
                  }
                }
              }
            }
            """);
  }

  @Test
  public void fix_hoistsDeclarationUsedAfterRegion() {
    assertFix(
        HEADER
            + """
              int sizeAfterAdd(String s) {
                lock.lock();
                items.add(s);
                final int size = items.size();
                String unused = load();
                lock.unlock();
                return size;
              }
            }
            """,
        HEADER
            + """
              int sizeAfterAdd(String s) {
                lock.lock();
                int size;
                try {
                  items.add(s);
                  size = items.size();
                  String unused = load();
                } finally {
                  lock.unlock();
                }
                return size;
              }
            }
            """);
  }

  @Test
  public void fix_hoistsVar() {
    assertFix(
        HEADER
            + """
              List<String> snapshot() {
                lock.lock();
                var copy = new ArrayList<>(items);
                lock.unlock();
                Runnable r = () -> copy.clear();
                r.run();
                return copy;
              }
            }
            """,
        HEADER
            + """
              List<String> snapshot() {
                lock.lock();
                ArrayList<String> copy;
                try {
                  copy = new ArrayList<>(items);
                } finally {
                  lock.unlock();
                }
                Runnable r = () -> copy.clear();
                r.run();
                return copy;
              }
            }
            """);
  }

  @Test
  public void fix_returnInsideRegion() {
    assertFix(
        HEADER
            + """
              String firstOrLoad() {
                lock.lock();
                if (!items.isEmpty()) {
                  String first = items.get(0);
                  lock.unlock();
                  return first;
                }
                String loaded = load();
                items.add(loaded);
                lock.unlock();
                return loaded;
              }
            }
            """,
        HEADER
            + """
              String firstOrLoad() {
                lock.lock();
                String loaded;
                try {
                  if (!items.isEmpty()) {
                    String first = items.get(0);
                    return first;
                  }
                  loaded = load();
                  items.add(loaded);
                } finally {
                  lock.unlock();
                }
                return loaded;
              }
            }
            """);
  }

  @Test
  public void fix_breakInsideRegion() {
    assertFix(
        HEADER
            + """
              void addAll(String[] batch) {
                for (String s : batch) {
                  lock.lock();
                  if (s == null) {
                    lock.unlock();
                    break;
                  }
                  items.add(s);
                  lock.unlock();
                }
              }
            }
            """,
        HEADER
            + """
              void addAll(String[] batch) {
                for (String s : batch) {
                  lock.lock();
                  try {
                    if (s == null) {
                      break;
                    }
                    items.add(s);
                  } finally {
                    lock.unlock();
                  }
                }
              }
            }
            """);
  }

  @Test
  public void fix_statementsSharingALine() {
    assertFix(
        HEADER
            + """
              void add(String s) {
                lock.lock(); items.add(s); lock.unlock();
              }
            }
            """,
        HEADER
            + """
              void add(String s) {
                lock.lock();
                try {
                  items.add(s);
                } finally {
                  lock.unlock();
                }
              }
            }
            """);
  }

  @Test
  public void fix_releaseInCatchBeforeRethrow() {
    assertFix(
        HEADER
            + """
              void add(String s) {
                lock.lock();
                try {
                  items.add(s);
                } catch (RuntimeException e) {
                  lock.unlock();
                  throw e;
                }
                lock.unlock();
              }
            }
            """,
        HEADER
            + """
              void add(String s) {
                lock.lock();
                try {
                  try {
                    items.add(s);
                  } catch (RuntimeException e) {
                    throw e;
                  }
                } finally {
                  lock.unlock();
                }
              }
            }
            """);
  }

  @Test
  public void fix_keepsComments() {
    assertFix(
        HEADER
            + """
              void add(String s) {
                lock.lock(); // guards items
                // validate first
                check(s); /* may throw */
                items.add(s); // the write
                lock.unlock(); // done
              }
            }
            """,
        HEADER
            + """
              void add(String s) {
                lock.lock(); // guards items
                try {
                  // validate first
                  check(s); /* may throw */
                  items.add(s); // the write
                } finally {
                  lock.unlock(); // done
                }
              }
            }
            """);
  }

  @Test
  public void fix_readWriteLockAndTextBlock() {
    String header =
        """
        import java.util.concurrent.locks.ReentrantReadWriteLock;
        class Test {
          private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
          private String text = "";
          void publish(String s) {}
        """;
    assertFix(
        header
            + """
              void write() {
                rw.writeLock().lock();
                text = \"""
                    line one
                      line two
                    \""";
                publish(text);
                rw.writeLock().unlock();
              }
            }
            """,
        header
            + """
              void write() {
                rw.writeLock().lock();
                try {
                  text = \"""
                      line one
                        line two
                      \""";
                  publish(text);
                } finally {
                  rw.writeLock().unlock();
                }
              }
            }
            """);
  }

  @Test
  public void fix_nestedLocks() {
    String header =
        """
        import java.util.concurrent.locks.ReentrantLock;
        class Test {
          private final ReentrantLock a = new ReentrantLock();
          private final ReentrantLock b = new ReentrantLock();
          void work() {}
        """;
    assertFix(
        header
            + """
              void transfer() {
                a.lock();
                b.lock();
                work();
                b.unlock();
                a.unlock();
              }
            }
            """,
        header
            + """
              void transfer() {
                a.lock();
                try {
                  b.lock();
                  try {
                    work();
                  } finally {
                    b.unlock();
                  }
                } finally {
                  a.unlock();
                }
              }
            }
            """);
  }

  /** Issue #13: the continuation line of a hoisted declaration lies inside the hoisting edit. */
  @Test
  public void fix_hoistedDeclarationWrappedAfterEquals() {
    assertFix(
        HEADER
            + """
              int size(String s) {
                lock.lock();
                int n =
                    items.indexOf(s);
                lock.unlock();
                return n;
              }
            }
            """,
        HEADER
            + """
              int size(String s) {
                lock.lock();
                int n;
                try {
                  n = items.indexOf(s);
                } finally {
                  lock.unlock();
                }
                return n;
              }
            }
            """);
  }

  @Test
  public void fix_wrappedArgumentsAndReleaseOverTwoLines() {
    assertFix(
        HEADER
            + """
              void add(String s) {
                lock.lock();
                items.add(
                    0,
                    s);
                lock
                    .unlock();
              }
            }
            """,
        HEADER
            + """
              void add(String s) {
                lock.lock();
                try {
                  items.add(
                      0,
                      s);
                } finally {
                  lock.unlock();
                }
              }
            }
            """);
  }

  // ---------------------------------------------------------------- options

  private static final String MUTEX =
      """
      package com.acme;
      import java.util.concurrent.TimeUnit;
      public final class Mutex {
        public void lock() {}
        public void lockInterruptibly() throws InterruptedException {}
        public boolean tryLock() { return true; }
        public boolean tryLock(long time, TimeUnit unit) { return true; }
        public void unlock() {}
      }
      """;

  private static final String PERMITS =
      """
      package com.acme;
      public class Permits {
        public void acquire() throws InterruptedException {}
        public boolean tryAcquire() { return true; }
        public void release() {}
      }
      """;

  /** Uses of a home-grown Mutex; %s are the markers, empty when the option is off. */
  private static final String MUTEX_USE =
      """
      import com.acme.Mutex;
      import java.util.List;
      import java.util.concurrent.TimeUnit;
      class Use {
        private final Mutex mutex = new Mutex();
        void leaks(List<String> items, String s) {
          %s
          mutex.lock();
          items.add(s);
          mutex.unlock();
        }
        void leaksInterruptibly(List<String> items, String s) throws InterruptedException {
          %s
          mutex.lockInterruptibly();
          items.add(s);
          mutex.unlock();
        }
        void tryLockLeaks(List<String> items, String s) throws InterruptedException {
          %s
          if (mutex.tryLock(1, TimeUnit.SECONDS)) {
            items.add(s);
            mutex.unlock();
          }
        }
        void scoped(List<String> items, String s) {
          mutex.lock();
          try {
            items.add(s);
          } finally {
            mutex.unlock();
          }
        }
        void tryLockScoped(List<String> items, String s) {
          if (mutex.tryLock()) {
            try {
              items.add(s);
            } finally {
              mutex.unlock();
            }
          }
        }
      }
      """;

  @Test
  public void options_extraLockTypes_homeGrownMutex() {
    // Mutex does not implement Lock: without the option nothing is tracked.
    helper
        .addSourceLines("com/acme/Mutex.java", MUTEX)
        .addSourceLines("Use.java", MUTEX_USE.formatted("", "", ""))
        .doTest();
    CompilationTestHelper.newInstance(UnreleasedLock.class, getClass())
        .setArgs("-XepOpt:UnreleasedLock:ExtraLockTypes=com.acme.Mutex")
        .addSourceLines("com/acme/Mutex.java", MUTEX)
        .addSourceLines(
            "Use.java",
            MUTEX_USE.formatted(
                "// BUG: Diagnostic contains: `mutex` stays held if `items.add(...)` throws",
                "// BUG: Diagnostic contains: `mutex` stays held if `items.add(...)` throws",
                "// BUG: Diagnostic contains: `mutex` stays held if `items.add(...)` throws"))
        .doTest();
  }

  @Test
  public void options_extraLockTypes_fix() {
    String[] args = {"-XepOpt:UnreleasedLock:ExtraLockTypes=com.acme.Mutex"};
    BugCheckerRefactoringTestHelper.newInstance(UnreleasedLock.class, getClass())
        .setArgs(args)
        .addInputLines("com/acme/Mutex.java", MUTEX)
        .expectUnchanged()
        .addInputLines(
            "Use.java",
            """
            import com.acme.Mutex;
            class Use {
              void add(Mutex mutex, java.util.List<String> items, String s) {
                mutex.lock();
                items.add(s);
                mutex.unlock();
              }
            }
            """)
        .addOutputLines(
            "Use.java",
            """
            import com.acme.Mutex;
            class Use {
              void add(Mutex mutex, java.util.List<String> items, String s) {
                mutex.lock();
                try {
                  items.add(s);
                } finally {
                  mutex.unlock();
                }
              }
            }
            """)
        .doTest();
    CompilationTestHelper.newInstance(UnreleasedLock.class, getClass())
        .setArgs(args)
        .addSourceLines("com/acme/Mutex.java", MUTEX)
        .addSourceLines(
            "Use.java",
            """
            import com.acme.Mutex;
            class Use {
              void add(Mutex mutex, java.util.List<String> items, String s) {
                mutex.lock();
                try {
                  items.add(s);
                } finally {
                  mutex.unlock();
                }
              }
            }
            """)
        .expectNoDiagnostics()
        .doTest();
  }

  @Test
  public void options_extraPermitTypes_semaphoreLike() {
    String use =
        """
        import com.acme.Permits;
        class Use {
          void leaks(Permits permits, Runnable task) throws InterruptedException {
            %s
            permits.acquire();
            task.run();
            permits.release();
          }
          void tryAcquireLeaks(Permits permits, Runnable task) {
            %s
            if (!permits.tryAcquire()) {
              return;
            }
            task.run();
            permits.release();
          }
          void scoped(Permits permits, Runnable task) throws InterruptedException {
            permits.acquire();
            try {
              task.run();
            } finally {
              permits.release();
            }
          }
        }
        """;
    helper
        .addSourceLines("com/acme/Permits.java", PERMITS)
        .addSourceLines("Use.java", use.formatted("", ""))
        .doTest();
    CompilationTestHelper.newInstance(UnreleasedLock.class, getClass())
        .setArgs("-XepOpt:UnreleasedLock:ExtraPermitTypes=com.acme.Permits")
        .addSourceLines("com/acme/Permits.java", PERMITS)
        .addSourceLines(
            "Use.java",
            use.formatted(
                "// BUG: Diagnostic contains: `permits` stays held if `task.run()` throws",
                "// BUG: Diagnostic contains: `permits` stays held if `task.run()` throws"))
        .doTest();
  }

  @Test
  public void options_extraTypes_unresolvedNameIsReported() {
    helper
        .setArgs("-XepOpt:UnreleasedLock:ExtraLockTypes=com.acme.NoSuchMutex")
        .addSourceLines(
            "A.java",
            "// BUG: Diagnostic contains: -XepOpt:UnreleasedLock:ExtraLockTypes: com.acme.NoSuchMutex",
            "class A {}")
        .doTest();
  }

  @Test
  public void options_malformedOrUnknown_failNamingTheFlag() {
    InvalidCommandLineOptionException e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnreleasedLock(flags("UnreleasedLock:ExtraLockTypes", "com.acme.Mutex#lock")));
    assertThat(e)
        .hasMessageThat()
        .contains("-XepOpt:UnreleasedLock:ExtraLockTypes: malformed value 'com.acme.Mutex#lock'");
    assertThat(e).hasMessageThat().contains("fully qualified type names, e.g. com.acme.sync.Mutex");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnreleasedLock(flags("UnreleasedLock:ExtraPermitTypes", "com.acme.Permits,")));
    assertThat(e).hasMessageThat().contains("-XepOpt:UnreleasedLock:ExtraPermitTypes: malformed value");
    assertThat(e).hasMessageThat().contains("no empty entries");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnreleasedLock(flags("UnreleasedLock:ExtraLocks", "com.acme.Mutex")));
    assertThat(e).hasMessageThat().contains("unknown LeakGuard option -XepOpt:UnreleasedLock:ExtraLocks;");
    assertThat(e).hasMessageThat().contains("-XepOpt:UnreleasedLock:ExtraLockTypes");
    assertThat(e).hasMessageThat().contains("-XepOpt:UnreleasedLock:ExtraPermitTypes");

    // RateLimitRace has no options; its flags are validated by the other checks too.
    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new UnreleasedLock(flags("RateLimitRace:Interval", "10")));
    assertThat(e).hasMessageThat().contains("unknown LeakGuard option -XepOpt:RateLimitRace:Interval");
  }

  private static ErrorProneFlags flags(String key, String value) {
    return ErrorProneFlags.fromMap(ImmutableMap.of(key, value));
  }

  // ---------------------------------------------------------------- the shared rewrite, reused

  /** Name of the method a statement {@code name();} calls, or "". */
  private static String calledName(StatementTree statement) {
    return statement instanceof ExpressionStatementTree expression
            && expression.getExpression() instanceof MethodInvocationTree call
        ? LockSpec.methodName(call)
        : "";
  }

  /** As ExecutorNotShutdown uses it: {@code start();} owes an {@code stop();} that is missing. */
  @BugPattern(
      summary = "test: adds the missing release after start()",
      severity = SeverityLevel.WARNING)
  public static final class AddReleaseToRestOfBlock extends BugChecker
      implements ExpressionStatementTreeMatcher {
    @Override
    public Description matchExpressionStatement(ExpressionStatementTree tree, VisitorState state) {
      if (!calledName(tree).equals("start")) {
        return NO_MATCH;
      }
      ScopedRegion.Outcome outcome = ScopedRegion.restOfBlock(state.getPath(), state);
      return outcome.region() == null
          ? buildDescription(tree).setMessage(outcome.whyNot()).build()
          : describeMatch(tree, TryFinallyFix.wrap(outcome.region(), null, "stop();", state));
    }
  }

  /** As RateLimitRace uses it: {@code check();} … {@code act();} made one locked step. */
  @BugPattern(summary = "test: locks check() through act()", severity = SeverityLevel.WARNING)
  public static final class LockBetween extends BugChecker
      implements ExpressionStatementTreeMatcher {
    @Override
    public Description matchExpressionStatement(ExpressionStatementTree tree, VisitorState state) {
      if (!calledName(tree).equals("check")
          || !(state.getPath().getParentPath().getLeaf() instanceof BlockTree block)) {
        return NO_MATCH;
      }
      List<? extends StatementTree> statements = block.getStatements();
      for (StatementTree statement :
          statements.subList(statements.indexOf(tree), statements.size())) {
        if (calledName(statement).equals("act")) {
          ScopedRegion.Outcome outcome = ScopedRegion.between(state.getPath(), statement, state);
          return outcome.region() == null
              ? NO_MATCH
              : describeMatch(
                  tree,
                  TryFinallyFix.wrap(outcome.region(), "lock.lock();", "lock.unlock();", state));
        }
      }
      return NO_MATCH;
    }
  }

  @Test
  public void sharedRewrite_addsReleaseToRestOfBlock() {
    BugCheckerRefactoringTestHelper.newInstance(AddReleaseToRestOfBlock.class, getClass())
        .addInputLines(
            "Test.java",
            """
            class Test {
              void start() {}
              void stop() {}
              int work() { return 1; }
              int run() {
                start();
                // the work
                int n = work();
                work();
                return n;
              }
            }
            """)
        .addOutputLines(
            "Test.java",
            """
            class Test {
              void start() {}
              void stop() {}
              int work() { return 1; }
              int run() {
                start();
                try {
                  // the work
                  int n = work();
                  work();
                  return n;
                } finally {
                  stop();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void sharedRewrite_locksGivenStatementsAndHoists() {
    BugCheckerRefactoringTestHelper.newInstance(LockBetween.class, getClass())
        .addInputLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private long last;
              boolean check() { return true; }
              void act() {}
              long acquire(long now) {
                check();
                long waited = now - last;
                act();
                last = now;
                return waited;
              }
            }
            """)
        .addOutputLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private long last;
              boolean check() { return true; }
              void act() {}
              long acquire(long now) {
                long waited;
                lock.lock();
                try {
                  check();
                  waited = now - last;
                  act();
                } finally {
                  lock.unlock();
                }
                last = now;
                return waited;
              }
            }
            """)
        .doTest();
  }

  @Test
  public void tryAcquireMethodReturningTrueHoldingTheLock_isAHandOff() {
    // log4j LockingReliabilityStrategy: beforeLogEvent() returns true holding the read lock, and
    // its caller pairs it with afterLogEvent() in try/finally.
    helper
        .addSourceLines(
            "Strategy.java",
            "import java.util.concurrent.locks.*;",
            "class Strategy {",
            "  private final ReadWriteLock rw = new ReentrantReadWriteLock();",
            "  private volatile boolean closed;",
            "  boolean beforeLogEvent() {",
            "    rw.readLock().lock();",
            "    if (closed) {",
            "      rw.readLock().unlock();",
            "      return false;",
            "    }",
            "    return true;",
            "  }",
            "  void afterLogEvent() {",
            "    rw.readLock().unlock();",
            "  }",
            "  boolean offer(java.util.List<String> items, String item) {",
            "    // BUG: Diagnostic contains: `rw.writeLock()` stays held",
            "    rw.writeLock().lock();",
            "    if (items.size() > 10) {",
            "      return false;",
            "    }",
            "    items.add(item);",
            "    rw.writeLock().unlock();",
            "    return true;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * log4j RollingFileManager.rollover(): a semaphore permit, unlike a lock, may be released by
   * another thread; the method hands it to the asynchronous task it submits (which gets the
   * manager that owns the semaphore) and clears its own duty to release it.
   */
  @Test
  public void log4jRollingFileManager_permitHandedToASubmittedTask() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.Executor;
            import java.util.concurrent.Semaphore;
            class Test {
              private final Semaphore semaphore = new Semaphore(1);
              private final Executor asyncExecutor = Runnable::run;
              private final java.util.concurrent.locks.ReentrantLock lock =
                  new java.util.concurrent.locks.ReentrantLock();
              static final class AsyncAction implements Runnable {
                private final Test manager;
                AsyncAction(Test manager) { this.manager = manager; }
                @Override public void run() { manager.semaphore.release(); }
              }
              interface Descriptor {
                Runnable getAsynchronous();
              }
              Descriptor describe() { return null; }
              void closeOutputStream() {}
              boolean rollover() {
                boolean releaseRequired = false;
                try {
                  semaphore.acquire();
                  releaseRequired = true;
                } catch (InterruptedException e) {
                  return false;
                }
                boolean success = true;
                try {
                  Descriptor descriptor = describe();
                  if (descriptor != null) {
                    closeOutputStream();
                    if (success && descriptor.getAsynchronous() != null) {
                      asyncExecutor.execute(new AsyncAction(this));
                      releaseRequired = false;
                    }
                    return success;
                  }
                  return false;
                } finally {
                  if (releaseRequired) {
                    semaphore.release();
                  }
                }
              }
              boolean releasedByALambda(boolean prepared) throws InterruptedException {
                boolean releaseRequired = false;
                semaphore.acquire();
                releaseRequired = true;
                try {
                  if (prepared) {
                    asyncExecutor.execute(() -> semaphore.release());
                    releaseRequired = false;
                  }
                  return prepared;
                } finally {
                  if (releaseRequired) {
                    semaphore.release();
                  }
                }
              }
              boolean taskGetsSomethingElse(boolean prepared) throws InterruptedException {
                boolean releaseRequired = false;
                // BUG: Diagnostic contains: `semaphore` stays held when the method returns
                semaphore.acquire();
                releaseRequired = true;
                try {
                  if (prepared) {
                    asyncExecutor.execute(() -> System.out.println("rolled"));
                    releaseRequired = false;
                  }
                  return prepared;
                } finally {
                  if (releaseRequired) {
                    semaphore.release();
                  }
                }
              }
              boolean notATask(boolean prepared) throws InterruptedException {
                boolean releaseRequired = false;
                // BUG: Diagnostic contains: `semaphore` stays held when the method returns
                semaphore.acquire();
                releaseRequired = true;
                try {
                  if (prepared) {
                    asyncExecutor.execute(new AsyncAction(this)::toString);
                    releaseRequired = false;
                  }
                  return prepared;
                } finally {
                  if (releaseRequired) {
                    semaphore.release();
                  }
                }
              }
              boolean lockCannotBeReleasedByAnotherThread(boolean prepared) throws InterruptedException {
                boolean releaseRequired = false;
                // BUG: Diagnostic contains: `lock` stays held when the method returns
                lock.lock();
                releaseRequired = true;
                try {
                  if (prepared) {
                    asyncExecutor.execute(new AsyncAction(this));
                    releaseRequired = false;
                  }
                  return prepared;
                } finally {
                  if (releaseRequired) {
                    lock.unlock();
                  }
                }
              }
              // Other task shapes: an anonymous class, a thread given a lambda, a parameter.
              boolean anonymousTask(boolean prepared) throws InterruptedException {
                semaphore.acquire();
                if (prepared) {
                  asyncExecutor.execute(
                      new Runnable() {
                        @Override
                        public void run() {
                          semaphore.release();
                        }
                      });
                  return true;
                }
                semaphore.release();
                return false;
              }
              boolean threadOnAParameter(Semaphore permits, boolean prepared)
                  throws InterruptedException {
                permits.acquire();
                if (prepared) {
                  new Thread(() -> permits.release()).start();
                  return true;
                }
                permits.release();
                return false;
              }
              Semaphore permits() { return semaphore; }
              boolean ownerOfAnAccessorIsNotKnown(boolean prepared) throws InterruptedException {
                boolean releaseRequired = false;
                // BUG: Diagnostic contains: `permits()` stays held when the method returns
                permits().acquire();
                releaseRequired = true;
                try {
                  if (prepared) {
                    asyncExecutor.execute(new AsyncAction(this));
                    releaseRequired = false;
                  }
                  return prepared;
                } finally {
                  if (releaseRequired) {
                    permits().release();
                  }
                }
              }
            }
            """)
        .doTest();
  }

  /**
   * A project's own log method is trusted not to throw where a resource is open (h2 FilePathDisk),
   * not where a lock is held: a lock kept because it threw anyway blocks every other thread. (One
   * whose body visibly cannot throw, such as a bare {@code System.out.println(what + o)}, is
   * quiet for both: see {@link #ownMethodsThatCannotThrow}.)
   */
  @Test
  public void ownLogMethodStillThrowsWhileALockIsHeld() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.locks.ReentrantLock;
            class Test {
              private final ReentrantLock lock = new ReentrantLock();
              private int count;
              static final StringBuilder LOG = new StringBuilder();
              static void trace(String what, Object o) {
                LOG.append(what).append(o).append('\\n');
              }
              void f() {
                // BUG: Diagnostic contains: `lock` stays held if `trace(...)` throws
                lock.lock();
                count++;
                trace("count", count);
                lock.unlock();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void replacement_projectLockMethodsOnThis() {
    BugCheckerRefactoringTestHelper.newInstance(UnreleasedLock.class, getClass())
        .addInputLines(
            "Conn.java",
            "import java.util.concurrent.locks.ReentrantLock;",
            "final class Conn {",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private void lock() { lock.lock(); }",
            "  private void unlock() { lock.unlock(); }",
            "  void run(Runnable r) {",
            "    lock();",
            "    r.run();",
            "    unlock();",
            "  }",
            "}")
        .addOutputLines(
            "Conn.java",
            "import java.util.concurrent.locks.ReentrantLock;",
            "final class Conn {",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private void lock() { lock.lock(); }",
            "  private void unlock() { lock.unlock(); }",
            "  void run(Runnable r) {",
            "    lock();",
            "    try {",
            "      r.run();",
            "    } finally {",
            "      unlock();",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }
}
