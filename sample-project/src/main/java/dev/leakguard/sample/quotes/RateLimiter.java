package dev.leakguard.sample.quotes;

/** Decides when the client may send the next request. One instance is shared by all its threads. */
public interface RateLimiter {
  /** Waits until a request may be sent. */
  void acquire() throws InterruptedException;
}
