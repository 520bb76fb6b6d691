package dev.leakguard.sample.quotes;

import dev.leakguard.sample.DaemonThreads;
import dev.leakguard.sample.cache.PriceCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Fetches prices from the remote API under its rate limit, caching what it gets. */
public final class QuoteClient {
  private final QuoteService service;
  private final RateLimiter limiter;
  private final PriceCache cache;
  // Refreshes watched symbols in the background. No method of this class ever shuts it down.
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("quote-refresher"));

  public QuoteClient(QuoteService service, RateLimiter limiter, PriceCache cache) {
    this.service = service;
    this.limiter = limiter;
    this.cache = cache;
  }

  /** The price of {@code symbol}, from the cache or the API. */
  public long price(String symbol) throws InterruptedException {
    Long cached = cache.get(symbol);
    if (cached != null) {
      return cached;
    }
    limiter.acquire();
    long price = service.latestPriceCents(symbol);
    cache.put(symbol, price);
    return price;
  }

  /** Keeps {@code symbol} fresh in the cache. */
  public ScheduledFuture<?> watch(String symbol, long everyMillis) {
    return refresher.scheduleAtFixedRate(
        () -> {
          try {
            cache.put(symbol, fetch(symbol));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        everyMillis,
        everyMillis,
        TimeUnit.MILLISECONDS);
  }

  /** Fetches several prices in parallel. The pool is shut down only if every fetch succeeds. */
  public Map<String, Long> fetchAll(List<String> symbols)
      throws InterruptedException, ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(4, DaemonThreads.named("quote-fetch"));
    List<Future<Long>> futures = new ArrayList<>();
    for (String symbol : symbols) {
      futures.add(pool.submit(() -> fetch(symbol)));
    }
    Map<String, Long> prices = new LinkedHashMap<>();
    for (int i = 0; i < symbols.size(); i++) {
      prices.put(symbols.get(i), futures.get(i).get());
    }
    pool.shutdown();
    return prices;
  }

  /** Same as {@link #fetchAll}, with the pool shut down on every path. */
  public Map<String, Long> fetchAllSafely(List<String> symbols)
      throws InterruptedException, ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(4, DaemonThreads.named("quote-fetch"));
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (String symbol : symbols) {
        futures.add(pool.submit(() -> fetch(symbol)));
      }
      Map<String, Long> prices = new LinkedHashMap<>();
      for (int i = 0; i < symbols.size(); i++) {
        prices.put(symbols.get(i), futures.get(i).get());
      }
      return prices;
    } finally {
      pool.shutdown();
    }
  }

  private long fetch(String symbol) throws InterruptedException {
    limiter.acquire();
    return service.latestPriceCents(symbol);
  }
}
