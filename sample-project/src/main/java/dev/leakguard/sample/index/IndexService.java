package dev.leakguard.sample.index;

import dev.leakguard.sample.DaemonThreads;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Long-lived: indexes files as they arrive. It owns its pool and shuts it down in {@link #close}. */
public final class IndexService implements AutoCloseable {
  private final ExecutorService pool =
      Executors.newSingleThreadExecutor(DaemonThreads.named("index-service"));

  /** The title of {@code file}, read in the background. */
  public Future<String> title(Path file) {
    return pool.submit(() -> FileIndexer.titleSafely(file));
  }

  @Override
  public void close() {
    pool.shutdown();
  }
}
