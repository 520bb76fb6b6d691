package dev.leakguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code bench/projects.txt}: a published project compiled from its sources jar.
 *
 * <pre>
 * name  groupId:artifactId:version  [release=N] [encoding=E] [exclude=glob,glob] [extra=g:a:v,g:a:v] [quick]
 * </pre>
 *
 * @param name short name, used for the work directory and the findings file
 * @param coordinates the Maven coordinates whose {@code -sources} jar and POM are used
 * @param release the {@code --release} the sources are compiled with
 * @param encoding the sources' encoding (default UTF-8)
 * @param excludes globs (relative to the sources root) of files left out, each with its reason in
 *     the list file
 * @param extras artifacts added to the compile classpath that the published POM does not declare
 * @param quick whether this is the project of the quick (CI) variant
 * @param line the line as written
 */
record Project(
    String name,
    String coordinates,
    String release,
    String encoding,
    List<String> excludes,
    List<String> extras,
    boolean quick,
    String line) {

  String groupId() {
    return coordinates.split(":")[0];
  }

  String artifactId() {
    return coordinates.split(":")[1];
  }

  String version() {
    return coordinates.split(":")[2];
  }

  static List<Project> readAll(Path file) throws IOException {
    List<Project> projects = new ArrayList<>();
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split("\\s+");
      if (words.length < 2 || words[1].split(":").length != 3) {
        throw new IllegalArgumentException("bad line in " + file + ": " + raw);
      }
      String release = "17";
      String encoding = "UTF-8";
      List<String> excludes = new ArrayList<>();
      List<String> extras = new ArrayList<>();
      boolean quick = false;
      for (int i = 2; i < words.length; i++) {
        String w = words[i];
        if (w.equals("quick")) {
          quick = true;
        } else if (w.startsWith("release=")) {
          release = w.substring("release=".length());
        } else if (w.startsWith("encoding=")) {
          encoding = w.substring("encoding=".length());
        } else if (w.startsWith("exclude=")) {
          excludes.addAll(List.of(w.substring("exclude=".length()).split(",")));
        } else if (w.startsWith("extra=")) {
          extras.addAll(List.of(w.substring("extra=".length()).split(",")));
        } else {
          throw new IllegalArgumentException("unknown option '" + w + "' in " + file + ": " + raw);
        }
      }
      projects.add(
          new Project(
              words[0],
              words[1],
              release,
              encoding,
              List.copyOf(excludes),
              List.copyOf(extras),
              quick,
              line));
    }
    return projects;
  }
}
