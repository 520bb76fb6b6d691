package dev.leakguard.e2e;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.leakguard.e2e.JavacRunner.Result;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Every check on Java 21 shapes, through the real plugin path: an exception out of a check fails
 * the user's build, so the only acceptable outcome is a clean compile.
 */
@RunWith(JUnit4.class)
public final class Java21ShapesIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void noCheckThrowsOnJava21Shapes() throws Exception {
    Result result =
        JavacRunner.in(tmp.getRoot().toPath())
            .javacOptions("--release", "21")
            .source(
                "shapes/Shapes.java",
                "package shapes;",
                "",
                "import java.io.*;",
                "import java.nio.file.*;",
                "import java.util.*;",
                "import java.util.concurrent.*;",
                "import java.util.concurrent.locks.*;",
                "import java.util.function.*;",
                "",
                "sealed interface Shape permits Circle, Square {}",
                "record Circle(double r) implements Shape {}",
                "record Square(double side) implements Shape {",
                "  Square {",
                "    if (side < 0) throw new IllegalArgumentException(\"side\");",
                "  }",
                "}",
                "",
                "class Shapes {",
                "  private final Lock lock = new ReentrantLock();",
                "  private long last;",
                "  private int tokens;",
                "",
                "  double area(Shape s) {",
                "    return switch (s) {",
                "      case Circle c when c.r() == 0 -> 0;",
                "      case Circle c -> Math.PI * c.r() * c.r();",
                "      case Square(double side) -> side * side;",
                "    };",
                "  }",
                "",
                "  String describe(Object o) throws IOException {",
                "    lock.lock();",
                "    try {",
                "      outer:",
                "      for (int i = 0; i < 3; i++) {",
                "        try {",
                "          try (var in = new ByteArrayInputStream(new byte[] {1})) {",
                "            if (o instanceof String str && !str.isEmpty()) break outer;",
                "            if (in.read() < 0) continue outer;",
                "          } finally {",
                "            tokens++;",
                "          }",
                "        } finally {",
                "          last = System.nanoTime();",
                "        }",
                "      }",
                "      return \"\"\"",
                "          text block %s",
                "          \"\"\".formatted(o);",
                "    } finally {",
                "      lock.unlock();",
                "    }",
                "  }",
                "",
                "  int firstByte(Path p) throws IOException {",
                "    InputStream in = Files.newInputStream(p);",
                "    try (in) {",
                "      return in.read();",
                "    }",
                "  }",
                "",
                "  Runnable task(Path p) {",
                "    Supplier<Integer> size = () -> {",
                "      lock.lock();",
                "      try {",
                "        return tokens;",
                "      } finally {",
                "        lock.unlock();",
                "      }",
                "    };",
                "    class Local implements Runnable {",
                "      @Override public void run() {",
                "        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {",
                "          pool.submit(() -> size.get());",
                "        }",
                "      }",
                "    }",
                "    return new Runnable() {",
                "      @Override public void run() {",
                "        new Local().run();",
                "        Consumer<Path> c = q -> {",
                "          try (var lines = Files.lines(q)) {",
                "            lines.forEach(System.out::println);",
                "          } catch (IOException e) {",
                "            throw new UncheckedIOException(e);",
                "          }",
                "        };",
                "        c.accept(p);",
                "      }",
                "    };",
                "  }",
                "",
                "  synchronized boolean take() {",
                "    long now = System.nanoTime();",
                "    if (now - last < 10 && tokens <= 0) return false;",
                "    tokens = switch (tokens) { case 0 -> 5; default -> { yield tokens - 1; } };",
                "    last = now;",
                "    return true;",
                "  }",
                "}")
            .compile();

    assertThat(result.output()).doesNotContain("An unhandled exception was thrown by the Error Prone");
    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    assertWithMessage(result.output()).that(result.findings()).isEmpty();
  }
}
