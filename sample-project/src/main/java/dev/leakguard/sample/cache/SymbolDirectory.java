package dev.leakguard.sample.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** Company names by ticker symbol: read often, written rarely. */
public final class SymbolDirectory {
  private final ReadWriteLock rw = new ReentrantReadWriteLock();
  private final Map<String, String> names = new HashMap<>();

  public void register(String symbol, String companyName) {
    rw.writeLock().lock();
    try {
      names.put(symbol, companyName);
    } finally {
      rw.writeLock().unlock();
    }
  }

  /** The company's display name. The read lock stays held if the symbol is unknown (NPE). */
  public String displayName(String symbol) {
    rw.readLock().lock();
    String name = names.get(symbol).strip();
    rw.readLock().unlock();
    return name;
  }

  /** The company's name, or the symbol itself if it is unknown. */
  public String nameOrSymbol(String symbol) {
    rw.readLock().lock();
    try {
      return names.getOrDefault(symbol, symbol);
    } finally {
      rw.readLock().unlock();
    }
  }
}
