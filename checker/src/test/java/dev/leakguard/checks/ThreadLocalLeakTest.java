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

/**
 * {@link ThreadLocalLeak}: {@code identification} tests (what is reported, what is not, side by
 * side) and {@code replacement} tests (each fix shape; every fixed output is compiled and checked
 * again, and must be silent).
 */
@RunWith(JUnit4.class)
public class ThreadLocalLeakTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(ThreadLocalLeak.class, getClass());

  /** Applies the fix to {@code input}, expects {@code output}, and checks the output is silent. */
  private void assertFix(String input, String output) {
    BugCheckerRefactoringTestHelper.newInstance(ThreadLocalLeak.class, getClass())
        .addInputLines("Test.java", input)
        .addOutputLines("Test.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    CompilationTestHelper.newInstance(ThreadLocalLeak.class, getClass())
        .addSourceLines("Test.java", output)
        .expectNoDiagnostics()
        .doTest();
  }

  // ---------------------------------------------------------------- identification: one method

  @Test
  public void removeOnlyOnTheNormalPath_reported_removeInFinally_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              private static final ThreadLocal<String> USER = new ThreadLocal<>();
              void handle(String request) {}
              void leaks(String user, String request) {
                // BUG: Diagnostic contains: `USER` stays set if `handle(...)` throws, and the thread carries the value into its next task
                USER.set(user);
                handle(request);
                USER.remove();
              }
              void scoped(String user, String request) {
                USER.set(user);
                try {
                  handle(request);
                } finally {
                  USER.remove();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void earlyReturn_reported_instanceFieldAndInheritable() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              private final InheritableThreadLocal<Integer> tenant = new InheritableThreadLocal<>();
              boolean valid(int id) { return id > 0; }
              int leaks(int id) {
                // BUG: Diagnostic contains: `tenant` stays set when the method returns at line
                tenant.set(id);
                if (!valid(id)) {
                  return -1;
                }
                tenant.remove();
                return id;
              }
              int scoped(int id) {
                tenant.set(id);
                try {
                  if (!valid(id)) {
                    return -1;
                  }
                  return id;
                } finally {
                  tenant.remove();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void restoreIdiom_silent_restoreOnlyOnTheNormalPath_reported() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              private static final ThreadLocal<String> SCOPE = new ThreadLocal<>();
              void work() {}
              void scoped(String scope) {
                String previous = SCOPE.get();
                SCOPE.set(scope);
                try {
                  work();
                } finally {
                  SCOPE.set(previous);
                }
              }
              void restoresOrRemoves(String scope) {
                String previous = SCOPE.get();
                SCOPE.set(scope);
                try {
                  work();
                } finally {
                  if (previous == null) {
                    SCOPE.remove();
                  } else {
                    SCOPE.set(previous);
                  }
                }
              }
              void leaks(String scope) {
                String previous = SCOPE.get();
                // BUG: Diagnostic contains: `SCOPE` stays set if `work()` throws
                SCOPE.set(scope);
                work();
                SCOPE.set(previous);
              }
            }
            """)
        .doTest();
  }

  @Test
  public void pairedMethodsOfTheClass_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              private static final ThreadLocal<Long> STARTED = new ThreadLocal<>();
              void before() {
                STARTED.set(System.nanoTime());
              }
              long after() {
                long started = STARTED.get();
                STARTED.remove();
                return System.nanoTime() - started;
              }
            }
            """)
        .doTest();
  }

  @Test
  public void withInitialCacheOnlyRead_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.text.SimpleDateFormat;
            import java.util.Date;
            class Test {
              private static final ThreadLocal<SimpleDateFormat> FORMAT =
                  ThreadLocal.withInitial(() -> new SimpleDateFormat("yyyy-MM-dd"));
              String format(Date date) {
                return FORMAT.get().format(date);
              }
            }
            """)
        .doTest();
  }

  @Test
  public void parameterOrNonPrivateField_leftToItsOwner_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              static final ThreadLocal<String> SHARED = new ThreadLocal<>();
              void set(String value) {
                SHARED.set(value);
              }
              void into(ThreadLocal<String> context, String value) {
                context.set(value);
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- set(null)

  @Test
  public void setNull_reported_remove_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              static final ThreadLocal<String> USER = new ThreadLocal<>();
              void clear() {
                // BUG: Diagnostic contains: `set(null)` clears the value but keeps this thread's entry
                USER.set(null);
              }
              void clearQualified() {
                // BUG: Diagnostic contains: use `Test.USER.remove()`
                Test.USER.set(null);
              }
              void clearProperly() {
                USER.remove();
              }
            }
            """)
        .doTest();
  }

  @Test
  public void setNull_inAThreadLocalSubclass_reported() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test extends ThreadLocal<String> {
              void reset() {
                // BUG: Diagnostic contains: use `remove()`
                set(null);
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- identification: one field

  @Test
  public void privateFieldSetAndNeverRemoved_reportedAtTheField() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              // BUG: Diagnostic contains: `SESSION` is set (line 6) and never removed
              private static final ThreadLocal<Object> SESSION = new ThreadLocal<>();
              Object current() { return SESSION.get(); }
              void login(Object session) {
                SESSION.set(session);
              }
            }
            """)
        .addSourceLines(
            "Removed.java",
            """
            class Removed {
              private static final ThreadLocal<Object> SESSION = new ThreadLocal<>();
              void login(Object session) {
                SESSION.set(session);
              }
              void logout() {
                SESSION.remove();
              }
            }
            """)
        .addSourceLines(
            "NeverSet.java",
            """
            class NeverSet {
              private static final ThreadLocal<StringBuilder> BUFFER =
                  ThreadLocal.withInitial(StringBuilder::new);
              String render(Object o) {
                StringBuilder b = BUFFER.get();
                b.setLength(0);
                return b.append(o).toString();
              }
            }
            """)
        .doTest();
  }

  /**
   * log4j-core's per-thread buffers and formatters (JsonUtils, DatePatternConverter,
   * ThreadNameCachingStrategy, ReusableLogEventFactory): a cache filled with a new object, or
   * filled only when the thread has none yet, keeps the thread's own scratch space, not context;
   * the same field set from a parameter still is context.
   */
  @Test
  public void privateFieldFilledAsACache_silent() {
    helper
        .addSourceLines(
            "Caches.java",
            """
            class Caches {
              private static final ThreadLocal<char[]> QBUF = new ThreadLocal<>();
              private static final ThreadLocal<String> NAME = new ThreadLocal<>();
              private static final ThreadLocal<StringBuilder> BUILDER = new ThreadLocal<>();
              static char[] qbuf() {
                char[] buf = QBUF.get();
                if (buf == null) {
                  buf = new char[6];
                  buf[0] = 'x';
                  QBUF.set(buf);
                }
                return buf;
              }
              static String name() {
                String result = NAME.get();
                if (result == null) {
                  result = Thread.currentThread().getName();
                  NAME.set(result);
                }
                return result;
              }
              static StringBuilder builder() {
                StringBuilder b = BUILDER.get();
                if (b == null || b.capacity() > 1024) {
                  BUILDER.set(new StringBuilder());
                }
                return BUILDER.get();
              }
            }
            """)
        .addSourceLines(
            "Context.java",
            """
            class Context {
              // BUG: Diagnostic contains: `USER` is set (line 7) and never removed
              private static final ThreadLocal<String> USER = new ThreadLocal<>();
              static String user() { return USER.get(); }
              static void become(String user) {
                if (user != null) {
                  USER.set(user);
                }
              }
            }
            """)
        .doTest();
  }

  /**
   * log4j AsyncLoggerConfig and jetty ClassLoadingObjectInputStream: the class puts a fixed value
   * back ({@code Boolean.FALSE}, a sentinel) when its work ends, so the value the work set is not
   * kept; a class that never resets is still reported.
   */
  @Test
  public void privateFieldResetToAConstant_silent() {
    helper
        .addSourceLines(
            "Guard.java",
            """
            class Guard {
              private static final ThreadLocal<Boolean> ENTERED =
                  ThreadLocal.withInitial(() -> Boolean.FALSE);
              void log(Runnable r) {
                if (ENTERED.get()) {
                  return;
                }
                ENTERED.set(Boolean.TRUE);
                try {
                  r.run();
                } finally {
                  ENTERED.set(Boolean.FALSE);
                }
              }
            }
            """)
        .addSourceLines(
            "Loading.java",
            """
            class Loading {
              static final ClassLoader UNSET = new ClassLoader() {};
              private final ThreadLocal<ClassLoader> loader = ThreadLocal.withInitial(() -> UNSET);
              Object read(ClassLoader l, java.util.function.Supplier<Object> reader) {
                loader.set(l);
                try {
                  return reader.get();
                } finally {
                  loader.set(UNSET);
                }
              }
            }
            """)
        .addSourceLines(
            "Kept.java",
            """
            class Kept {
              // BUG: Diagnostic contains: `LOADER` is set (line 4) and never removed
              private static final ThreadLocal<ClassLoader> LOADER = new ThreadLocal<>();
              static void use(ClassLoader l) { LOADER.set(l); }
            }
            """)
        .doTest();
  }

  @Test
  public void privateFieldClearedOnlyWithSetNull_reportedAtTheFieldAndAtTheSetNull() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              // BUG: Diagnostic contains: `set(null)` (line 9) clears the value but keeps the thread's entry
              private static final ThreadLocal<Object> SESSION = new ThreadLocal<>();
              void login(Object session) {
                SESSION.set(session);
              }
              void logout() {
                // BUG: Diagnostic contains: use `SESSION.remove()`
                SESSION.set(null);
              }
            }
            """)
        .doTest();
  }

  @Test
  public void anonymousSubclassThatSetsItself_reportedAtTheField_itsOwnHelperField_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              // BUG: Diagnostic contains: `BUFFER` is set
              private static ThreadLocal<char[]> BUFFER = new ThreadLocal<char[]>() {
                private final ThreadLocal<String> helper = new ThreadLocal<>();
                @Override
                protected char[] initialValue() {
                  return new char[1024];
                }
                void grow() {
                  helper.set("1");
                  set(new char[2048]);
                }
              };
            }
            """)
        .doTest();
  }

  @Test
  public void fieldHandedToAnotherObject_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.List;
            class Test {
              private static final ThreadLocal<Object> CONTEXT = new ThreadLocal<>();
              static void register(List<ThreadLocal<?>> cleared) {
                cleared.add(CONTEXT);
              }
              void enter(Object value) {
                CONTEXT.set(value);
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- identification: tasks

  @Test
  public void taskOnAPool_setAndNeverRemoved_reported_removedInFinally_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.Callable;
            import java.util.concurrent.ExecutorService;
            class Test {
              static final ThreadLocal<String> REQUEST = new ThreadLocal<>();
              void handle(String id) {}
              void submitLeaking(ExecutorService pool, String id) {
                pool.execute(() -> {
                  // BUG: Diagnostic contains: `REQUEST` stays set when this task ends, and the task runs on a pooled thread
                  REQUEST.set(id);
                  handle(id);
                });
              }
              void submitAnonymous(ExecutorService pool, String id) {
                pool.submit(new Callable<String>() {
                  @Override
                  public String call() {
                    // BUG: Diagnostic contains: stays set when this task ends
                    REQUEST.set(id);
                    handle(id);
                    return id;
                  }
                });
              }
              void submitScoped(ExecutorService pool, String id) {
                pool.execute(() -> {
                  REQUEST.set(id);
                  try {
                    handle(id);
                  } finally {
                    REQUEST.remove();
                  }
                });
              }
              void ownThread(String id) {
                new Thread(() -> {
                  REQUEST.set(id);
                  handle(id);
                }).start();
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- identification: logging context

  @Test
  public void mdcPut_removeOnlyOnTheNormalPath_reported_removeInFinally_clear_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import org.slf4j.MDC;
            class Test {
              private static final String REQUEST_ID = "requestId";
              void handle(String request) {}
              void leaks(String id, String request) {
                // BUG: Diagnostic contains: stays set if `handle(...)` throws, and the thread carries the value into its next task; remove it in a finally block (or `try (MDC.MDCCloseable c = MDC.putCloseable(…)) { … }`
                MDC.put("requestId", id);
                handle(request);
                MDC.remove(REQUEST_ID);
              }
              void scoped(String id, String request) {
                MDC.put(REQUEST_ID, id);
                try {
                  handle(request);
                } finally {
                  MDC.remove("requestId");
                }
              }
              void cleared(String id, String request) {
                MDC.put("user", id);
                try {
                  handle(request);
                } finally {
                  MDC.clear();
                }
              }
              void otherKeyRemoved_leftToItsPair(String id, String request) {
                MDC.put("user", id);
                try {
                  handle(request);
                } finally {
                  MDC.remove("requestId");
                }
              }
              void onlyPuts(String id) {
                MDC.put("tenant", id);
              }
              void closeable(String id, String request) {
                try (MDC.MDCCloseable c = MDC.putCloseable("requestId", id)) {
                  handle(request);
                }
              }
              void closeableDropped(String id, String request) {
                // BUG: Diagnostic contains: `MDC.putCloseable("requestId", id)` is never closed, so its entry stays on the thread
                MDC.putCloseable("requestId", id);
                handle(request);
              }
            }
            """)
        .doTest();
  }

  @Test
  public void log4jThreadContext_putAndPush_reported_scoped_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import org.apache.logging.log4j.CloseableThreadContext;
            import org.apache.logging.log4j.ThreadContext;
            class Test {
              void handle(String request) {}
              void leaks(String id, String request) {
                // BUG: Diagnostic contains: stays set if `handle(...)` throws
                ThreadContext.put("id", id);
                handle(request);
                ThreadContext.remove("id");
              }
              void pushLeaks(String request) {
                // BUG: Diagnostic contains: stays set if `handle(...)` throws
                ThreadContext.push(request);
                handle(request);
                ThreadContext.pop();
              }
              void severalPutsBeforeTheTry(String id, String request) {
                ThreadContext.put("id", id);
                ThreadContext.put("request", request);
                ThreadContext.push(request);
                try {
                  handle(request);
                } finally {
                  ThreadContext.pop();
                  ThreadContext.clearMap();
                }
              }
              void closeable(String id, String request) {
                try (CloseableThreadContext.Instance c =
                    CloseableThreadContext.put("id", id).put("request", request)) {
                  handle(request);
                }
              }
              void closeableNeverClosed(String id, String request) {
                // BUG: Diagnostic contains: try-with-resources
                CloseableThreadContext.Instance c = CloseableThreadContext.push(id);
                handle(request);
              }
            }
            """)
        .doTest();
  }

  @Test
  public void mdcPutInATaskOnAPool_reported() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.concurrent.ExecutorService;
            import org.slf4j.MDC;
            class Test {
              void handle(String id) {}
              void submit(ExecutorService pool, String id) {
                pool.submit(() -> {
                  // BUG: Diagnostic contains: stays set when this task ends
                  MDC.put("requestId", id);
                  handle(id);
                });
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- options

  @Test
  public void options_extraContextType() {
    helper
        .setArgs("-XepOpt:ThreadLocalLeak:ExtraContextTypes=com.acme.RequestScope#enter/exit")
        .addSourceLines(
            "com/acme/RequestScope.java",
            """
            package com.acme;
            public class RequestScope {
              public void enter(String user) {}
              public void exit() {}
            }
            """)
        .addSourceLines(
            "Test.java",
            """
            import com.acme.RequestScope;
            class Test {
              void work() {}
              void leaks(RequestScope scope) {
                // BUG: Diagnostic contains: `scope` stays set if `work()` throws
                scope.enter("u");
                work();
                scope.exit();
              }
              void scoped(RequestScope scope) {
                scope.enter("u");
                try {
                  work();
                } finally {
                  scope.exit();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void options_unresolvedType_reportedOnce() {
    CompilationTestHelper.newInstance(ThreadLocalLeak.class, getClass())
        .setArgs("-XepOpt:ThreadLocalLeak:ExtraContextTypes=com.acme.NoSuchScope#enter/exit")
        .addSourceLines(
            "Test.java",
            "// BUG: Diagnostic contains: -XepOpt:ThreadLocalLeak:ExtraContextTypes: com.acme.NoSuchScope",
            "class Test {}")
        .doTest();
  }

  @Test
  public void options_malformed_failNamingTheFlag() {
    InvalidCommandLineOptionException e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () ->
                new ThreadLocalLeak(
                    flags("ThreadLocalLeak:ExtraContextTypes", "com.acme.Scope#enter")));
    assertThat(e)
        .hasMessageThat()
        .contains("-XepOpt:ThreadLocalLeak:ExtraContextTypes: malformed value 'com.acme.Scope#enter'");
    assertThat(e).hasMessageThat().contains("e.g. com.acme.web.RequestScope#enter/exit");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new ThreadLocalLeak(flags("ThreadLocalLeak:ExtraTypes", "com.acme.Scope")));
    assertThat(e).hasMessageThat().contains("unknown LeakGuard option -XepOpt:ThreadLocalLeak:ExtraTypes;");
  }

  private static ErrorProneFlags flags(String key, String value) {
    return ErrorProneFlags.fromMap(ImmutableMap.of(key, value));
  }

  // ---------------------------------------------------------------- replacement

  @Test
  public void fix_removeMovedIntoFinally() {
    assertFix(
        """
        class Test {
          private static final ThreadLocal<String> USER = new ThreadLocal<>();
          void handle(String request) {}
          void leaks(String user, String request) {
            USER.set(user);
            handle(request);
            USER.remove();
          }
        }
        """,
        """
        class Test {
          private static final ThreadLocal<String> USER = new ThreadLocal<>();
          void handle(String request) {}
          void leaks(String user, String request) {
            USER.set(user);
            try {
              handle(request);
            } finally {
              USER.remove();
            }
          }
        }
        """);
  }

  /** Removed in the finally of a try that starts after code that can throw: the try moves up. */
  @Test
  public void fix_tryStartsLate() {
    assertFix(
        """
        class Test {
          private static final ThreadLocal<String> USER = new ThreadLocal<>();
          void handle(String request) {}
          void leaks(String user, String request) {
            USER.set(user);
            handle("start");
            try {
              handle(request);
            } finally {
              USER.remove();
            }
          }
        }
        """,
        """
        class Test {
          private static final ThreadLocal<String> USER = new ThreadLocal<>();
          void handle(String request) {}
          void leaks(String user, String request) {
            USER.set(user);
            try {
              handle("start");
              handle(request);
            } finally {
              USER.remove();
            }
          }
        }
        """);
  }

  @Test
  public void fix_restoreMovedIntoFinally() {
    assertFix(
        """
        class Test {
          private static final ThreadLocal<String> SCOPE = new ThreadLocal<>();
          void work() {}
          void leaks(String scope) {
            String previous = SCOPE.get();
            SCOPE.set(scope);
            work();
            SCOPE.set(previous);
          }
        }
        """,
        """
        class Test {
          private static final ThreadLocal<String> SCOPE = new ThreadLocal<>();
          void work() {}
          void leaks(String scope) {
            String previous = SCOPE.get();
            SCOPE.set(scope);
            try {
              work();
            } finally {
              SCOPE.set(previous);
            }
          }
        }
        """);
  }

  @Test
  public void fix_setNullAtTheEnd_becomesRemoveInFinally() {
    assertFix(
        """
        class Test {
          private final ThreadLocal<String> user = new ThreadLocal<>();
          void handle() {}
          void leaks(String name) {
            user.set(name);
            handle();
            user.set(null);
          }
        }
        """,
        """
        class Test {
          private final ThreadLocal<String> user = new ThreadLocal<>();
          void handle() {}
          void leaks(String name) {
            user.set(name);
            try {
              handle();
            } finally {
              user.remove();
            }
          }
        }
        """);
  }

  @Test
  public void fix_fieldClearedOnlyWithSetNull_itsSetNullsBecomeRemove_jettyDecoratedObjectFactory() {
    // The field's finding and the set(null)'s own share the one edit; after it, neither is left.
    assertFix(
        """
        class Test {
          private static final ThreadLocal<Object> INFO = new ThreadLocal<>();
          private final ThreadLocal<Object> guard = new ThreadLocal<>();
          static void associate(Object info) {
            INFO.set(info);
          }
          static void disassociate() {
            INFO.set(null);
          }
          void once(Runnable r) {
            try {
              guard.set(this);
              r.run();
            } finally {
              guard.set(null);
            }
          }
        }
        """,
        """
        class Test {
          private static final ThreadLocal<Object> INFO = new ThreadLocal<>();
          private final ThreadLocal<Object> guard = new ThreadLocal<>();
          static void associate(Object info) {
            INFO.set(info);
          }
          static void disassociate() {
            INFO.remove();
          }
          void once(Runnable r) {
            try {
              guard.set(this);
              r.run();
            } finally {
              guard.remove();
            }
          }
        }
        """);
  }

  @Test
  public void setNullOfAThreadLocalWithAnInitialValue_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              // BUG: Diagnostic contains: `DEPTH` is set (line 6) and never removed
              private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);
              static void enter() {
                // A remove() here would make the next get() return 0, not null.
                DEPTH.set(DEPTH.get() + 1);
              }
              static void reset() {
                // BUG: Diagnostic contains: no fix is offered: the thread-local has an initial value
                DEPTH.set(null);
              }
            }
            """)
        .addSourceLines(
            "Levels.java",
            """
            class Levels {
              static final ThreadLocal<Integer> LEVEL = ThreadLocal.withInitial(() -> 0);
            }
            """)
        .addSourceLines(
            "Other.java",
            """
            class Other {
              static void resetElsewhere() {
                // BUG: Diagnostic contains: no fix is offered: the thread-local has an initial value
                Levels.LEVEL.set(null);
              }
            }
            """)
        .doTest();
  }

  @Test
  public void fix_setNull_becomesRemove() {
    assertFix(
        """
        class Test {
          static final ThreadLocal<String> USER = new ThreadLocal<>();
          void clear() {
            USER.set(null);
          }
        }
        """,
        """
        class Test {
          static final ThreadLocal<String> USER = new ThreadLocal<>();
          void clear() {
            USER.remove();
          }
        }
        """);
  }

  /**
   * commons-io DemuxInputStream: a stream bound per thread, closed in close() and never removed.
   * The class's own close() is where it releases what it holds: the remove() goes there.
   */
  @Test
  public void fix_fieldNeverRemoved_removeAddedToClose() {
    assertFix(
        """
        import java.io.IOException;
        import java.io.InputStream;
        class Demux extends InputStream {
          private final InheritableThreadLocal<InputStream> local = new InheritableThreadLocal<>();
          InputStream bind(InputStream in) {
            InputStream old = local.get();
            local.set(in);
            return old;
          }
          @Override
          public int read() throws IOException {
            InputStream in = local.get();
            return in == null ? -1 : in.read();
          }
          @Override
          public void close() throws IOException {
            InputStream in = local.get();
            if (in != null) {
              in.close();
            }
          }
        }
        """,
        """
        import java.io.IOException;
        import java.io.InputStream;
        class Demux extends InputStream {
          private final InheritableThreadLocal<InputStream> local = new InheritableThreadLocal<>();
          InputStream bind(InputStream in) {
            InputStream old = local.get();
            local.set(in);
            return old;
          }
          @Override
          public int read() throws IOException {
            InputStream in = local.get();
            return in == null ? -1 : in.read();
          }
          @Override
          public void close() throws IOException {
            InputStream in = local.get();
            if (in != null) {
              in.close();
            }
            local.remove();
          }
        }
        """);
  }

  /** Without a close() of its own, the class has no place that marks the end of the work. */
  @Test
  public void fieldNeverRemoved_noClose_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            """
            class Test {
              // BUG: Diagnostic contains: no fix is offered: remove it where the work that set it ends
              private ThreadLocal<Object> session = new ThreadLocal<>();
              void login(Object s) {
                session.set(s);
              }
            }
            """)
        .doTest();
  }

  @Test
  public void fix_mdcRemoveMovedIntoFinally() {
    assertFix(
        """
        import org.slf4j.MDC;
        class Test {
          void handle(String request) {}
          void leaks(String id, String request) {
            MDC.put("requestId", id);
            handle(request);
            MDC.remove("requestId");
          }
        }
        """,
        """
        import org.slf4j.MDC;
        class Test {
          void handle(String request) {}
          void leaks(String id, String request) {
            MDC.put("requestId", id);
            try {
              handle(request);
            } finally {
              MDC.remove("requestId");
            }
          }
        }
        """);
  }

  @Test
  public void fix_threadContextTaskGetsRemoveInFinally() {
    assertFix(
        """
        import java.util.concurrent.Executor;
        import org.apache.logging.log4j.ThreadContext;
        class Test {
          void handle(String id) {}
          void submit(Executor pool, String id) {
            pool.execute(() -> {
              ThreadContext.put("id", id);
              handle(id);
            });
          }
        }
        """,
        """
        import java.util.concurrent.Executor;
        import org.apache.logging.log4j.ThreadContext;
        class Test {
          void handle(String id) {}
          void submit(Executor pool, String id) {
            pool.execute(() -> {
              ThreadContext.put("id", id);
              try {
                handle(id);
              } finally {
                ThreadContext.remove("id");
              }
            });
          }
        }
        """);
  }

  @Test
  public void fix_taskGetsRemoveInFinally() {
    assertFix(
        """
        import java.util.concurrent.Executor;
        class Test {
          static final ThreadLocal<String> REQUEST = new ThreadLocal<>();
          void handle(String id) {}
          void submit(Executor pool, String id) {
            pool.execute(() -> {
              REQUEST.set(id);
              handle(id);
            });
          }
        }
        """,
        """
        import java.util.concurrent.Executor;
        class Test {
          static final ThreadLocal<String> REQUEST = new ThreadLocal<>();
          void handle(String id) {}
          void submit(Executor pool, String id) {
            pool.execute(() -> {
              REQUEST.set(id);
              try {
                handle(id);
              } finally {
                REQUEST.remove();
              }
            });
          }
        }
        """);
  }
}
