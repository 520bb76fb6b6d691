package dev.leakguard.sample.quotes;

/** The remote price API. It allows each client one request per interval. */
public interface QuoteService {
  /** The latest price of {@code symbol}, in cents. */
  long latestPriceCents(String symbol);
}
