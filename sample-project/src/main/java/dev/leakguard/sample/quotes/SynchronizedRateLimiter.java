package dev.leakguard.sample.quotes;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Spaces requests at least {@code interval} apart; the check and the update are one step. */
public final class SynchronizedRateLimiter implements RateLimiter {
  private final long intervalNanos;
  private long lastRequestNanos;

  public SynchronizedRateLimiter(Duration interval) {
    this.intervalNanos = interval.toNanos();
    this.lastRequestNanos = System.nanoTime() - intervalNanos;
  }

  @Override
  public synchronized void acquire() throws InterruptedException {
    long sinceLast = System.nanoTime() - lastRequestNanos;
    if (sinceLast < intervalNanos) {
      TimeUnit.NANOSECONDS.sleep(intervalNanos - sinceLast);
    }
    lastRequestNanos = System.nanoTime();
  }
}
