package dev.leakguard.sample.quotes;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A non-blocking spacing limiter: a slot is taken with one compare-and-set. */
public final class AtomicSpacingLimiter {
  private final long intervalNanos;
  private final AtomicLong lastRequestNanos;

  public AtomicSpacingLimiter(Duration interval) {
    this.intervalNanos = interval.toNanos();
    this.lastRequestNanos = new AtomicLong(System.nanoTime() - intervalNanos);
  }

  /** Takes the next slot if the interval has passed since the last one. */
  public boolean tryAcquire() {
    while (true) {
      long now = System.nanoTime();
      long last = lastRequestNanos.get();
      if (now - last < intervalNanos) {
        return false;
      }
      if (lastRequestNanos.compareAndSet(last, now)) {
        return true;
      }
    }
  }
}
