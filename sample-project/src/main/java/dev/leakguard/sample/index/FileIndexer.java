package dev.leakguard.sample.index;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.leakguard.sample.DaemonThreads;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Builds a word index of text files, reading the files on a thread pool. */
public final class FileIndexer {
  private final int threads;

  public FileIndexer(int threads) {
    this.threads = threads;
  }

  /** Word to the files containing it. Unreadable files are skipped. Never shuts its pool down. */
  public Map<String, Set<Path>> index(List<Path> files) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, DaemonThreads.named("indexer"));
    List<Future<Set<String>>> words = new ArrayList<>();
    for (Path file : files) {
      words.add(pool.submit(() -> words(file)));
    }
    return merge(files, words);
  }

  /** Same as {@link #index}, with the pool shut down on every path. */
  public Map<String, Set<Path>> indexSafely(List<Path> files) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, DaemonThreads.named("indexer"));
    try {
      List<Future<Set<String>>> words = new ArrayList<>();
      for (Path file : files) {
        words.add(pool.submit(() -> words(file)));
      }
      return merge(files, words);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The distinct lower-case words of a file. The stream of lines is never closed. */
  static Set<String> words(Path file) throws IOException {
    return Files.lines(file, UTF_8)
        .flatMap(line -> Stream.of(line.split("\\W+")))
        .filter(word -> !word.isEmpty())
        .map(word -> word.toLowerCase(Locale.ROOT))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** How many lines a file has. */
  static long lineCount(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file, UTF_8)) {
      return lines.count();
    }
  }

  /** The file's first line, its title. The reader is closed only if {@code readLine} succeeds. */
  public static String title(Path file) throws IOException {
    BufferedReader reader = new BufferedReader(new FileReader(file.toFile(), UTF_8));
    String first = reader.readLine();
    reader.close();
    return first == null ? "" : first.strip();
  }

  /** Same as {@link #title}, with the reader closed on every path. */
  public static String titleSafely(Path file) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, UTF_8)) {
      String first = reader.readLine();
      return first == null ? "" : first.strip();
    }
  }

  /** SHA-256 of the file, to notice changed files. The stream leaks if reading throws. */
  public static String checksum(Path file) throws IOException, NoSuchAlgorithmException {
    FileInputStream in = new FileInputStream(file.toFile());
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[8192];
    for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
      digest.update(buffer, 0, n);
    }
    in.close();
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Same as {@link #checksum}, with the stream closed in {@code finally}. */
  public static String checksumSafely(Path file) throws IOException, NoSuchAlgorithmException {
    InputStream in = Files.newInputStream(file);
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[8192];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } finally {
      in.close();
    }
  }

  /** Opens a file for the caller, who owns the reader and closes it. */
  public static BufferedReader open(Path file) throws IOException {
    return Files.newBufferedReader(file, UTF_8);
  }

  private static Map<String, Set<Path>> merge(List<Path> files, List<Future<Set<String>>> words)
      throws InterruptedException {
    Map<String, Set<Path>> index = new TreeMap<>();
    for (int i = 0; i < files.size(); i++) {
      try {
        for (String word : words.get(i).get()) {
          index.computeIfAbsent(word, w -> new TreeSet<>()).add(files.get(i));
        }
      } catch (ExecutionException unreadable) {
        // skip this file
      }
    }
    return index;
  }
}
