package dev.leakguard.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A file of accepted findings, one {@link Fingerprint} a line, sorted, so that re-recording it
 * after fixing some findings shows as removed lines in review.
 */
final class Baseline {
  private Baseline() {}

  static Set<Fingerprint> read(Path file) throws IOException {
    Set<Fingerprint> fingerprints = new HashSet<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Fingerprint fingerprint = Fingerprint.parse(line);
      if (fingerprint == null) {
        throw new IOException(
            file + ":" + (i + 1) + ": not a baseline line (expected 6 tab-separated fields:"
                + " check, file, class, member, code, occurrence); re-record it with"
                + " writeBaseline=" + file.getFileName());
      }
      fingerprints.add(fingerprint);
    }
    return fingerprints;
  }

  static void write(Path file, Collection<Fingerprint> fingerprints) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(Fingerprint.HEADER);
    for (Fingerprint fingerprint : new TreeSet<>(fingerprints)) {
      lines.add(fingerprint.toLine());
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
