package dev.leakguard.sample.quotes;

import java.util.concurrent.atomic.AtomicInteger;

/** An in-process stand-in for the remote API: deterministic prices, a little latency, a call count. */
public final class SimulatedQuoteService implements QuoteService {
  private final AtomicInteger calls = new AtomicInteger();

  @Override
  public long latestPriceCents(String symbol) {
    calls.incrementAndGet();
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 1_000L + Math.floorMod(symbol.hashCode(), 9_000);
  }

  /** How many requests reached the service. */
  public int calls() {
    return calls.get();
  }
}
