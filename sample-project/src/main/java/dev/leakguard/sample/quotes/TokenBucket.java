package dev.leakguard.sample.quotes;

import java.time.Duration;

/**
 * Allows bursts of up to {@code capacity} requests, refilled at one token per {@code refillEvery}.
 *
 * <p>Racy despite {@code volatile}: the refill and the take are separate reads and writes, so two
 * threads can both take the last token.
 */
public final class TokenBucket {
  private final long capacity;
  private final long refillNanos;
  private volatile long tokens;
  private volatile long lastRefillNanos;

  public TokenBucket(long capacity, Duration refillEvery) {
    this.capacity = capacity;
    this.refillNanos = refillEvery.toNanos();
    this.tokens = capacity;
    this.lastRefillNanos = System.nanoTime();
  }

  /** Takes a token if one is left. */
  public boolean tryTake() {
    long now = System.nanoTime();
    long earned = (now - lastRefillNanos) / refillNanos;
    if (earned > 0) {
      tokens = Math.min(capacity, tokens + earned);
      lastRefillNanos += earned * refillNanos;
    }
    if (tokens > 0) {
      tokens--;
      return true;
    }
    return false;
  }
}
