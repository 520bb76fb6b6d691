package dev.leakguard.sample;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.leakguard.sample.cache.PriceCache;
import dev.leakguard.sample.cache.SymbolDirectory;
import dev.leakguard.sample.index.FileIndexer;
import dev.leakguard.sample.index.IndexService;
import dev.leakguard.sample.orders.TransferDemo;
import dev.leakguard.sample.quotes.AtomicSpacingLimiter;
import dev.leakguard.sample.quotes.QuoteClient;
import dev.leakguard.sample.quotes.SimulatedQuoteService;
import dev.leakguard.sample.quotes.SpacingRateLimiter;
import dev.leakguard.sample.quotes.TokenBucket;
import dev.leakguard.sample.web.RequestDemo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Indexes a few research notes, prices the companies they mention, then moves stock between
 * warehouses in an embedded database, and serves two requests on a pooled thread.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Path notes = Files.createTempDirectory("leakguard-sample");
    try {
      List<Path> files = writeNotes(notes);

      FileIndexer indexer = new FileIndexer(2);
      Map<String, Set<Path>> index = indexer.index(files);
      System.out.printf("indexed %d files, %d distinct words%n", files.size(), index.size());
      for (Path file : files) {
        System.out.printf("  %s: \"%s\" sha256=%s...%n",
            file.getFileName(), FileIndexer.title(file), FileIndexer.checksum(file).substring(0, 12));
      }
      try (IndexService service = new IndexService()) {
        System.out.println("  first title, read in the background: " + service.title(files.get(0)).get());
      }

      SymbolDirectory directory = new SymbolDirectory();
      directory.register("ACME", "Acme Corporation ");
      directory.register("GLOBX", "Globex");
      directory.register("INIT", "Initech");

      PriceCache cache = new PriceCache(16);
      SimulatedQuoteService api = new SimulatedQuoteService();
      QuoteClient client = new QuoteClient(api, new SpacingRateLimiter(Duration.ofMillis(5)), cache);
      Map<String, Long> prices = client.fetchAll(List.of("ACME", "GLOBX", "INIT"));
      prices.forEach((symbol, cents) -> {
        cache.put(symbol, cents);
        System.out.printf("  %-20s %6.2f%n", directory.displayName(symbol), cents / 100.0);
      });
      System.out.printf("ACME again: %d cents (%s, %d API calls)%n",
          client.price("ACME"), cache.stats(), api.calls());

      TokenBucket burst = new TokenBucket(2, Duration.ofSeconds(1));
      AtomicSpacingLimiter spacing = new AtomicSpacingLimiter(Duration.ofSeconds(1));
      System.out.printf("bucket: %b %b %b; spacing: %b %b%n",
          burst.tryTake(), burst.tryTake(), burst.tryTake(), spacing.tryAcquire(), spacing.tryAcquire());

      TransferDemo.run();
      RequestDemo.run();
    } finally {
      for (Path file : listFiles(notes)) {
        Files.delete(file);
      }
      Files.delete(notes);
    }
  }

  private static List<Path> writeNotes(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(Files.writeString(dir.resolve("acme.txt"),
        "Acme outlook\nACME ships anvils; margins are thin but steady.\n", UTF_8));
    files.add(Files.writeString(dir.resolve("globex.txt"),
        "Globex review\nGLOBX margins grew; INIT is its main rival.\n", UTF_8));
    files.add(Files.writeString(dir.resolve("initech.txt"),
        "Initech notes\nINIT: steady, boring, profitable.\n", UTF_8));
    return files;
  }

  private static List<Path> listFiles(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.toList();
    }
  }
}
