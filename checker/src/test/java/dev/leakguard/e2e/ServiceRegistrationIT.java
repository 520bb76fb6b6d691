package dev.leakguard.e2e;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableSet;
import java.io.File;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The packaged jar registers its checks the way Error Prone finds plugins: a {@code ServiceLoader}
 * over the processor path. Loaded here in a class loader that holds only that path (Error Prone's
 * jars and the LeakGuard jar), as javac's processor class loader does.
 */
@RunWith(JUnit4.class)
public final class ServiceRegistrationIT {
  private static final String SERVICES = "META-INF/services/com.google.errorprone.bugpatterns.BugChecker";

  /** Every check whose source is in this tree must be in the jar. */
  private static final ImmutableSet<String> REQUIRED = JavacRunner.checksInSourceTree();

  @Test
  public void serviceFileListsEveryCheckInTheJarAndNothingElse() throws Exception {
    try (JarFile jar = new JarFile(JavacRunner.leakGuardJar().toFile());
        URLClassLoader loader = processorClassLoader()) {
      JarEntry services = jar.getJarEntry(SERVICES);
      assertWithMessage("%s in the jar", SERVICES).that(services).isNotNull();
      Set<String> registered = new TreeSet<>();
      try (InputStream in = jar.getInputStream(services)) {
        for (String line : Splitter.on('\n').trimResults().omitEmptyStrings().split(new String(in.readAllBytes(), UTF_8))) {
          if (!line.startsWith("#")) {
            registered.add(line);
          }
        }
      }

      Class<?> bugChecker = loader.loadClass("com.google.errorprone.bugpatterns.BugChecker");
      Set<String> concreteCheckers = new TreeSet<>();
      for (JarEntry entry : jar.stream().toList()) {
        String name = entry.getName();
        if (name.startsWith("dev/leakguard/") && name.endsWith(".class")) {
          Class<?> type = loader.loadClass(name.replace('/', '.').substring(0, name.length() - ".class".length()));
          if (bugChecker.isAssignableFrom(type) && !Modifier.isAbstract(type.getModifiers())) {
            concreteCheckers.add(type.getName());
          }
        }
      }

      assertThat(registered).isEqualTo(concreteCheckers);
      Set<String> simpleNames = new TreeSet<>();
      for (String name : registered) {
        simpleNames.add(name.substring(name.lastIndexOf('.') + 1));
      }
      assertThat(REQUIRED).contains("UnreleasedLock");
      assertThat(simpleNames).containsAtLeastElementsIn(REQUIRED);
      assertThat(JavacRunner.LEAKGUARD_CHECKS).containsAtLeastElementsIn(simpleNames);
    }
  }

  @Test
  public void errorProneFindsEachCheckWithItsNameAndDocsLink() throws Exception {
    try (URLClassLoader loader = processorClassLoader()) {
      @SuppressWarnings("unchecked")
      Class<Object> bugChecker = (Class<Object>) loader.loadClass("com.google.errorprone.bugpatterns.BugChecker");
      @SuppressWarnings("unchecked")
      Class<? extends Annotation> bugPattern =
          (Class<? extends Annotation>) loader.loadClass("com.google.errorprone.BugPattern");
      List<String> names = new ArrayList<>();
      for (ServiceLoader.Provider<Object> provider : ServiceLoader.load(bugChecker, loader).stream().toList()) {
        Class<?> type = provider.type();
        assertWithMessage("%s comes from the LeakGuard jar", type)
            .that(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()))
            .isEqualTo(JavacRunner.leakGuardJar());
        Annotation pattern = type.getAnnotation(bugPattern);
        assertWithMessage("@BugPattern on %s", type).that(pattern).isNotNull();
        String name = (String) bugPattern.getMethod("name").invoke(pattern);
        name = name.isEmpty() ? type.getSimpleName() : name;
        String link = (String) bugPattern.getMethod("link").invoke(pattern);
        assertThat(link).endsWith("/docs/bugpattern/" + name + ".md");
        assertWithMessage("the docs page %s links to", name)
            .that(Files.isRegularFile(repositoryRoot().resolve("docs/bugpattern/" + name + ".md")))
            .isTrue();
        names.add(name);
      }
      assertThat(names).containsAtLeastElementsIn(REQUIRED);
    }
  }

  /** Error Prone's jars and the LeakGuard jar, over the platform class loader only. */
  private static URLClassLoader processorClassLoader() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : Splitter.on(File.pathSeparator).split(JavacRunner.processorPath())) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
  }

  static Path repositoryRoot() {
    return JavacRunner.repositoryRoot();
  }
}
