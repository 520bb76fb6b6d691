package dev.leakguard.checks;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The text a fix writes, as {@code -XepPatchChecks} leaves it: patched files are not reformatted,
 * so a statement a fix adds must take the indentation of the code around it. (The refactoring
 * helper's tests format both sides before comparing and cannot see this.)
 */
@RunWith(JUnit4.class)
public class FixLayoutTest {

  /** commons-io DemuxInputStream: the remove() went in at column 0 of a four-space file. */
  @Test
  public void removeAddedToCloseTakesTheIndentationOfTheStatementBeforeIt() throws Exception {
    String patched =
        patch(
            ThreadLocalLeak::new,
            """
            package demux; import java.io.IOException;
            import java.io.InputStream;
            class Demux extends InputStream {
                private final ThreadLocal<InputStream> local = new ThreadLocal<>();
                void bind(InputStream in) {
                    local.set(in);
                }
                @Override
                public int read() throws IOException {
                    return local.get().read();
                }
                @Override
                public void close() throws IOException {
                    local.get().close();
                }
            }
            """);
    assertWithMessage(patched)
        .that(patched)
        .contains(
            """
                public void close() throws IOException {
                    local.get().close();
                    local.remove();
                }
            """);
  }

  /** A guarded release spans lines: each nested line one unit (here four spaces) deeper. */
  @Test
  public void guardedReleaseIsIndentedLineByLine() throws Exception {
    String patched =
        patch(
            ExecutorNotShutdown::new,
            """
            package pool; import java.util.concurrent.*;
            class Service {
                private ExecutorService workers;
                private ExecutorService timers;
                void start() {
                    workers = Executors.newFixedThreadPool(2);
                    timers = Executors.newSingleThreadExecutor();
                }
                void stop() {
                    if (workers != null) {
                        workers.shutdown();
                    }
                }
            }
            """);
    assertWithMessage(patched)
        .that(patched)
        .contains(
            """
                void stop() {
                    if (workers != null) {
                        workers.shutdown();
                    }
                    if (timers != null) {
                        timers.shutdown();
                    }
                }
            """);
  }

  private static String patch(
      java.util.function.Supplier<com.google.errorprone.bugpatterns.BugChecker> check,
      String source) throws java.io.IOException {
    String pkg = source.substring("package ".length(), source.indexOf(';'));
    try (FixRoundTrip javac = new FixRoundTrip(check)) {
      FixRoundTrip.Result result = javac.run(Map.of(pkg, source)).get(pkg);
      assertWithMessage(result.errors() + result.crash()).that(result.compiled()).isTrue();
      assertWithMessage("findings of %s", source).that(result.withFix()).isGreaterThan(0L);
      return result.patched();
    }
  }
}
