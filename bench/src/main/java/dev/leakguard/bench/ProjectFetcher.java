package dev.leakguard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Downloads a project through Maven and lays it out for compiling: its sources jar unpacked
 * into {@code src/}, its compile classpath in {@code classpath.txt}.
 *
 * <p>Two Maven runs. The first, on a generated POM, copies the project's POM, unpacks its
 * {@code -sources} jar and resolves the extra artifacts the list names. The second resolves the
 * compile classpath from the project's own published POM ({@code includeScope=compile}: compile,
 * provided and system scopes, optional dependencies included, as the project's own build sees
 * them). A prepared project is reused while its coordinates and extras are unchanged.
 */
final class ProjectFetcher {

  static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

  private final Path maven;
  private final Path workRoot;

  ProjectFetcher(Path maven, Path workRoot) {
    this.maven = maven;
    this.workRoot = workRoot;
  }

  /** A project ready to compile. */
  record Prepared(Project project, Path dir, Path sourceRoot, List<Path> sources, String classpath) {}

  Prepared prepare(Project p) throws IOException, InterruptedException {
    Path dir = workRoot.resolve(p.name());
    Path stamp = dir.resolve("prepared.txt");
    Path src = dir.resolve("src");
    Path classpathFile = dir.resolve("classpath.txt");
    String fetched = p.coordinates() + " extra=" + p.extras();
    if (!(Files.exists(stamp) && Files.readString(stamp).equals(fetched))) {
      Bench.deleteTree(dir);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("fetch-pom.xml"), fetchPom(p), StandardCharsets.UTF_8);
      Bench.log("  fetching " + p.coordinates() + " (sources jar, POM, classpath) through Maven");
      maven(
          dir,
          "-f",
          "fetch-pom.xml",
          DEPENDENCY_PLUGIN + ":copy@project-pom",
          DEPENDENCY_PLUGIN + ":unpack@project-sources",
          DEPENDENCY_PLUGIN + ":build-classpath@extras");
      Path projectPom = dir.resolve(p.artifactId() + "-" + p.version() + ".pom");
      maven(
          dir,
          "-f",
          projectPom.getFileName().toString(),
          DEPENDENCY_PLUGIN + ":build-classpath",
          "-DincludeScope=compile",
          "-Dmdep.outputFile=" + dir.resolve("project-classpath.txt"));
      String classpath = read(dir.resolve("project-classpath.txt"));
      String extras = read(dir.resolve("extras-classpath.txt"));
      String joined =
          Stream.of(classpath, extras).filter(s -> !s.isBlank()).reduce((a, b) -> a + ":" + b)
              .orElse("");
      Files.writeString(classpathFile, joined, StandardCharsets.UTF_8);
      Files.writeString(stamp, fetched, StandardCharsets.UTF_8);
    }
    return new Prepared(p, dir, src, javaSources(src, p.excludes()), read(classpathFile).strip());
  }

  /** The {@code .java} files to compile, sorted: no module descriptors, no multi-release copies. */
  static List<Path> javaSources(Path root, List<String> excludes) throws IOException {
    List<PathMatcher> matchers = new ArrayList<>();
    for (String glob : excludes) {
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(".java"))
          .filter(f -> !f.getFileName().toString().equals("module-info.java"))
          .filter(f -> !root.relativize(f).startsWith("META-INF"))
          .filter(f -> matchers.stream().noneMatch(m -> m.matches(root.relativize(f))))
          .sorted()
          .toList();
    }
  }

  private void maven(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(maven.toString(), "-B", "-q"));
    command.addAll(List.of(args));
    Path logFile = dir.resolve("maven.log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    if (process.waitFor() != 0) {
      throw new IOException(
          "Maven failed in " + dir + " (" + String.join(" ", args) + "); see " + logFile);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file).strip() : "";
  }

  private static String fetchPom(Project p) {
    StringBuilder deps = new StringBuilder();
    for (String extra : p.extras()) {
      String[] gav = extra.split(":");
      deps.append(
          """
              <dependency>
                <groupId>%s</groupId>
                <artifactId>%s</artifactId>
                <version>%s</version>
              </dependency>
          """
              .formatted(gav[0], gav[1], gav[2]));
    }
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Generated by bench/run for %1$s; not part of any build. -->
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>dev.leakguard.bench.fetch</groupId>
          <artifactId>%1$s</artifactId>
          <version>0</version>
          <packaging>pom</packaging>
          <dependencies>
        %5$s  </dependencies>
          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-dependency-plugin</artifactId>
                <version>3.8.1</version>
                <executions>
                  <execution>
                    <id>project-pom</id>
                    <configuration>
                      <outputDirectory>${project.basedir}</outputDirectory>
                      <artifactItems>
                        <artifactItem>
                          <groupId>%2$s</groupId><artifactId>%3$s</artifactId><version>%4$s</version>
                          <type>pom</type>
                        </artifactItem>
                      </artifactItems>
                    </configuration>
                  </execution>
                  <execution>
                    <id>project-sources</id>
                    <configuration>
                      <outputDirectory>${project.basedir}/src</outputDirectory>
                      <artifactItems>
                        <artifactItem>
                          <groupId>%2$s</groupId><artifactId>%3$s</artifactId><version>%4$s</version>
                          <classifier>sources</classifier>
                        </artifactItem>
                      </artifactItems>
                    </configuration>
                  </execution>
                  <execution>
                    <id>extras</id>
                    <configuration>
                      <outputFile>${project.basedir}/extras-classpath.txt</outputFile>
                    </configuration>
                  </execution>
                </executions>
              </plugin>
            </plugins>
          </build>
        </project>
        """
        .formatted(p.name(), p.groupId(), p.artifactId(), p.version(), deps);
  }
}
