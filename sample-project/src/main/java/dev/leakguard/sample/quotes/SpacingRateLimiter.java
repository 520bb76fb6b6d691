package dev.leakguard.sample.quotes;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Spaces requests at least {@code interval} apart.
 *
 * <p>Racy: two threads can read the same {@code lastRequestNanos}, both decide they may go, and
 * both send. See {@link SynchronizedRateLimiter} for the same limiter made atomic.
 */
public final class SpacingRateLimiter implements RateLimiter {
  private final long intervalNanos;
  private long lastRequestNanos;

  public SpacingRateLimiter(Duration interval) {
    this.intervalNanos = interval.toNanos();
    this.lastRequestNanos = System.nanoTime() - intervalNanos;
  }

  @Override
  public void acquire() throws InterruptedException {
    long sinceLast = System.nanoTime() - lastRequestNanos;
    if (sinceLast < intervalNanos) {
      TimeUnit.NANOSECONDS.sleep(intervalNanos - sinceLast);
    }
    lastRequestNanos = System.nanoTime();
  }
}
