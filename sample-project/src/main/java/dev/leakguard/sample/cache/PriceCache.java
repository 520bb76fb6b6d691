package dev.leakguard.sample.cache;

import java.util.LinkedHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** A small least-recently-used cache of prices, shared by the client's threads. */
public final class PriceCache {
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final int capacity;
  private long hits;
  private long misses;

  public PriceCache(int capacity) {
    this.capacity = capacity;
  }

  /** The cached price, or null. */
  public Long get(String symbol) {
    lock.lock();
    try {
      Long price = entries.get(symbol);
      if (price == null) {
        misses++;
      } else {
        hits++;
      }
      return price;
    } finally {
      lock.unlock();
    }
  }

  /** Caches a price. The lock stays held if {@code entries.put} or the eviction throws. */
  public void put(String symbol, long priceCents) {
    lock.lock();
    entries.put(symbol, priceCents);
    evictOverflow();
    lock.unlock();
  }

  /** Caches a price unless a cheaper one is cached. Returns with the lock held when it keeps the old one. */
  public boolean putIfCheaper(String symbol, long priceCents) {
    lock.lock();
    Long old = entries.get(symbol);
    if (old != null && old <= priceCents) {
      return false;
    }
    entries.put(symbol, priceCents);
    lock.unlock();
    return true;
  }

  /** Caches a price if no other thread holds the lock right now. */
  public boolean offer(String symbol, long priceCents) {
    if (lock.tryLock()) {
      try {
        entries.put(symbol, priceCents);
        evictOverflow();
        return true;
      } finally {
        lock.unlock();
      }
    }
    return false;
  }

  /** Hit and miss counts, e.g. "hits=3 misses=2". */
  public String stats() {
    lock.lock();
    try {
      return "hits=" + hits + " misses=" + misses;
    } finally {
      lock.unlock();
    }
  }

  private void evictOverflow() {
    var oldestFirst = entries.keySet().iterator();
    while (entries.size() > capacity) {
      oldestFirst.next();
      oldestFirst.remove();
    }
  }
}
