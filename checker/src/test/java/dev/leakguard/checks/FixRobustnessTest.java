package dev.leakguard.checks;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.errorprone.bugpatterns.BugChecker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Every positive input of each check's own tests, reshaped by {@link SourceVariants} (wrapped
 * statements, comments, the code moved into a lambda, a loop, a {@code switch} arm or a nested
 * block, text blocks, {@code var}), must survive the full round trip a user's build makes: the
 * check runs without throwing, its fixes apply (as {@code -XepPatchChecks} applies them), the
 * patched file compiles, and a second run finds nothing it could fix (a finding the fix uncovers,
 * such as a pool field overwritten in a loop once it is shut down, may remain, without a fix). Issue #13 (a
 * fix that crashed javac on a statement wrapped after {@code =}) is the kind of bug this finds
 * before a user does. Inputs come from the test classes' source, so new tests feed it too.
 */
@RunWith(JUnit4.class)
public class FixRobustnessTest {

  /** Sources per javac run: enough to amortise javac's start, few enough to keep memory small. */
  private static final int BATCH = 100;

  /**
   * Fewest variants that must compile and be checked per check: the suite must not pass because
   * the inputs went missing or stopped compiling.
   */
  private static final int MIN_VARIANTS = 60;

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");

  @Test
  public void unreleasedLock() {
    roundTrip("UnreleasedLock", UnreleasedLock::new);
  }

  @Test
  public void unclosedResource() {
    roundTrip("UnclosedResource", UnclosedResource::new);
  }

  @Test
  public void executorNotShutdown() {
    roundTrip("ExecutorNotShutdown", ExecutorNotShutdown::new);
  }

  @Test
  public void rateLimitRace() {
    roundTrip("RateLimitRace", RateLimitRace::new);
  }

  @Test
  public void transactionLeak() {
    roundTrip("TransactionLeak", TransactionLeak::new);
  }

  @Test
  public void threadLocalLeak() {
    roundTrip("ThreadLocalLeak", ThreadLocalLeak::new);
  }

  private void roundTrip(String checkName, Supplier<BugChecker> check) {
    long started = System.nanoTime();
    // Every test class of the check: UnclosedResourceTest, UnclosedResourceFieldsTest, ...
    List<String> inputs = new ArrayList<>();
    Libraries libraries = new Libraries();
    Map<String, List<String>> companions = new HashMap<>();
    try (var files = java.nio.file.Files.list(Path.of("src/test/java/dev/leakguard/checks"))) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.startsWith(checkName) && name.endsWith("Test.java")) {
          List<String> units = TestSourceInputs.compilationUnitsIn(file);
          for (int i = 0; i < units.size(); i++) {
            List<String> needed = Companions.of(units, i);
            if (!needed.isEmpty()) {
              companions.put("input" + (inputs.size() + i), needed);
            }
          }
          inputs.addAll(units);
          libraries.addFrom(units);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<String> failures = new ArrayList<>();
    Map<String, Integer> exercised = new TreeMap<>();
    int positives = 0;
    int helpedInputs;
    try (FixRoundTrip javac = new FixRoundTrip(check)) {
      // The inputs on which the check reports something, and their variants.
      Map<String, String> originals = new LinkedHashMap<>();
      for (int i = 0; i < inputs.size(); i++) {
        originals.put("input" + i, inputs.get(i));
      }
      Map<String, FixRoundTrip.Result> first = runAll(javac, originals, libraries, Map.of());
      // An input that does not compile alone may with the helper classes its test adds beside
      // it; one that does keeps its meaning (a helper could shadow a type it imports).
      Map<String, String> needHelpers = new LinkedHashMap<>();
      originals.forEach((key, text) -> {
        if (!first.get(key).compiled() && companions.containsKey(key)) {
          needHelpers.put(key, text);
        }
      });
      Map<String, List<String>> helped = new HashMap<>();
      runAll(javac, needHelpers, libraries, companions).forEach((key, result) -> {
        if (result.compiled()) {
          first.put(key, result);
          helped.put(key, companions.get(key));
        }
      });
      helpedInputs = helped.size();
      Map<String, String> variants = new LinkedHashMap<>();
      for (Map.Entry<String, String> original : originals.entrySet()) {
        FixRoundTrip.Result result = first.get(original.getKey());
        if (!result.crash().isEmpty()) {
          failures.add(original.getKey() + " (original): the check threw\n" + result.crash());
        }
        if (result.findings().isEmpty()) {
          continue;
        }
        positives++;
        variants.put(original.getKey() + ".original", original.getValue());
        SourceVariants.of(original.getValue())
            .forEach((kind, text) -> variants.put(original.getKey() + "." + kind, text));
      }
      Map<String, FixRoundTrip.Result> checked = runAll(javac, variants, libraries, helped);
      Map<String, String> patched = new LinkedHashMap<>();
      for (Map.Entry<String, FixRoundTrip.Result> entry : checked.entrySet()) {
        FixRoundTrip.Result result = entry.getValue();
        if (!result.compiled()) {
          continue;
        }
        exercised.merge(kind(entry.getKey()), 1, Integer::sum);
        if (!result.crash().isEmpty()) {
          failures.add(entry.getKey() + ": the check or its fix threw\n" + result.crash()
              + "\n" + variants.get(entry.getKey()));
        } else if (result.withFix() > 0) {
          patched.put(entry.getKey(), result.patched());
        }
      }
      Map<String, FixRoundTrip.Result> second = runAll(javac, patched, libraries, helped);
      for (Map.Entry<String, FixRoundTrip.Result> entry : second.entrySet()) {
        String key = entry.getKey();
        FixRoundTrip.Result after = entry.getValue();
        String shown = "\n--- variant:\n" + variants.get(key) + "--- patched:\n" + patched.get(key);
        if (!after.compiled()) {
          failures.add(key + ": the patched source does not compile:\n" + after.errors() + shown);
        } else if (!after.crash().isEmpty()) {
          failures.add(key + ": the check threw on the patched source\n" + after.crash() + shown);
        } else if (after.withFix() > 0) {
          failures.add(
              key + ": the patched source is still reported: " + messages(after) + shown);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    int total = exercised.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(
        "%s: %d inputs (%d compiled with their test's helper classes), %d positive,"
            + " %d variants checked %s, %d ms%n",
        checkName, inputs.size(), helpedInputs, positives, total, exercised,
        (System.nanoTime() - started) / 1_000_000);
    assertWithMessage(failures.size() + " failures; the first:\n" + String.join("\n\n",
            failures.subList(0, Math.min(3, failures.size()))))
        .that(failures)
        .isEmpty();
    assertWithMessage("variants compiled and checked, per kind: " + exercised)
        .that(total)
        .isAtLeast(MIN_VARIANTS);
  }

  /**
   * Runs {@code sources} in batches, each source moved into a package named for its key, with the
   * library stubs beside them and its input's companions in its package.
   */
  private static Map<String, FixRoundTrip.Result> runAll(
      FixRoundTrip javac,
      Map<String, String> sources,
      Libraries libraries,
      Map<String, List<String>> companions) {
    Map<String, FixRoundTrip.Result> results = new LinkedHashMap<>();
    List<Map.Entry<String, String>> entries = new ArrayList<>(sources.entrySet());
    for (int from = 0; from < entries.size(); from += BATCH) {
      Map<String, String> batch = new LinkedHashMap<>();
      Map<String, List<String>> batchCompanions = new HashMap<>();
      Map<String, String> keys = new LinkedHashMap<>();
      for (Map.Entry<String, String> entry : entries.subList(from, Math.min(from + BATCH, entries.size()))) {
        String pkg = "lg" + entry.getKey().replaceAll("\\W", "_");
        keys.put(pkg, entry.getKey());
        batch.put(pkg, inPackage(pkg, entry.getValue(), libraries.packages()));
        // A variant's key is its input's, then the kind of variant: input7.wrapped.
        String input = entry.getKey().split("\\.", 2)[0];
        List<String> needed = companions.getOrDefault(input, List.of());
        if (!needed.isEmpty()) {
          batchCompanions.put(
              pkg,
              needed.stream().map(unit -> inPackage(pkg, unit, libraries.packages())).toList());
        }
      }
      javac
          .run(batch, libraries.sources(), batchCompanions)
          .forEach((pkg, result) -> results.put(keys.get(pkg), unpackaged(result)));
    }
    return results;
  }

  /**
   * The source in package {@code pkg}; one that was in a library's package imports that package,
   * to keep seeing its public types (a test's {@code demo.Client} and the stub beside it).
   */
  private static String inPackage(String pkg, String source, Set<String> libraryPackages) {
    Matcher declared = PACKAGE.matcher(source);
    if (!declared.find()) {
      return "package " + pkg + "; " + source;
    }
    String was = declared.group(1);
    String imported = libraryPackages.contains(was) ? " import " + was + ".*;" : "";
    return declared.replaceFirst(Matcher.quoteReplacement("package " + pkg + ";" + imported));
  }

  /**
   * The stubs of libraries' APIs that the checks' tests compile beside their inputs ({@code
   * io.grpc.ManagedChannel}, {@code org.rocksdb.RocksDB}): a unit in a package whose type another
   * unit of the same test file imports or names in full. A type two test files stub differently is
   * left out, and the inputs that need it do not compile, as before.
   */
  private static final class Libraries {
    private static final Pattern PRIMARY_TYPE =
        Pattern.compile(
            "(?m)^(?:public\\s+)?(?:\\w+\\s+)*(?:class|interface|enum|record|@interface)\\s+(\\w+)");

    private final Map<String, String> byName = new TreeMap<>();
    private final Set<String> conflicting = new HashSet<>();

    void addFrom(List<String> units) {
      // The packages whose types another unit imports or names in full...
      Set<String> libraryPackages = new HashSet<>();
      for (String unit : units) {
        String name = qualifiedName(unit);
        if (name != null) {
          String pkg = name.substring(0, name.lastIndexOf('.'));
          if (units.stream()
              .anyMatch(
                  other ->
                      other != unit
                          && (other.contains(name) || other.contains("import " + pkg + ".*;")))) {
            libraryPackages.add(pkg);
          }
        }
      }
      // ...and every unit of those packages (Netty's Bootstrap extends AbstractBootstrap there).
      for (String unit : units) {
        String name = qualifiedName(unit);
        if (name == null || !libraryPackages.contains(name.substring(0, name.lastIndexOf('.')))) {
          continue;
        }
        // The same stub, spelled once as an array constant and once as the lines given to
        // addSourceLines, may end in one newline more.
        String text = unit.strip() + "\n";
        String known = byName.putIfAbsent(name, text);
        if (known != null && !known.equals(text)) {
          conflicting.add(name);
        }
      }
    }

    /** The package and name of the unit's first type, or null for a unit in no package. */
    private static @Nullable String qualifiedName(String unit) {
      Matcher declared = PACKAGE.matcher(unit);
      Matcher type = PRIMARY_TYPE.matcher(unit);
      return declared.find() && type.find() ? declared.group(1) + "." + type.group(1) : null;
    }

    List<String> sources() {
      List<String> sources = new ArrayList<>();
      byName.forEach((name, unit) -> {
        if (!conflicting.contains(name)) {
          sources.add(unit);
        }
      });
      return sources;
    }

    Set<String> packages() {
      Set<String> packages = new HashSet<>();
      byName.keySet().stream()
          .filter(name -> !conflicting.contains(name))
          .forEach(name -> packages.add(name.substring(0, name.lastIndexOf('.'))));
      return packages;
    }
  }

  /** The patched text as it would be in the original file (the package line put back aside). */
  private static FixRoundTrip.Result unpackaged(FixRoundTrip.Result result) {
    String patched = result.patched().replaceFirst("^package \\w+; ", "");
    return new FixRoundTrip.Result(
        result.compiled(), result.errors(), result.findings(), patched, result.crash());
  }

  private static String kind(String key) {
    return key.substring(key.indexOf('.') + 1);
  }

  private static String messages(FixRoundTrip.Result result) {
    StringBuilder text = new StringBuilder();
    result.findings().forEach(d -> text.append("\n  ").append(d.getRawMessage()));
    return text.toString();
  }
}
