package dev.leakguard.checks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The other compilation units of a test file that one of its units needs to compile: the helper
 * classes a test adds beside its input ({@code addSourceLines("Header.java", …)}), in the input's
 * package. {@link FixRobustnessTest} compiles each input in a package of its own, where those
 * helpers would otherwise be missing.
 */
final class Companions {

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");

  /** A top-level type: declared at the start of a line (nested types are indented). */
  private static final Pattern TOP_LEVEL_TYPE =
      Pattern.compile(
          "(?m)^(?:@\\w+(?:\\([^)]*\\))?\\s+)*(?:(?:public|abstract|final|static|sealed|non-sealed|strictfp)\\s+)*"
              + "(?:class|interface|enum|record|@interface)\\s+(\\w+)");

  private Companions() {}

  /**
   * The units of {@code units} that the one at {@code index} needs, and those they need in turn:
   * each declares, in the same package, a type the others name and none of them declares. Of two
   * units declaring the same name (two tests' {@code Header}), the one nearest the input is taken,
   * as tests put a helper beside the input that uses it.
   */
  static List<String> of(List<String> units, int index) {
    String input = units.get(index);
    @Nullable String pkg = packageOf(input);
    Set<String> declared = new HashSet<>(typesOf(input));
    Map<Integer, String> chosen = new LinkedHashMap<>();
    Deque<String> toRead = new ArrayDeque<>(List.of(input));
    while (!toRead.isEmpty()) {
      String text = toRead.pop();
      Map<String, Integer> nearest = new LinkedHashMap<>();
      for (int j = 0; j < units.size(); j++) {
        String unit = units.get(j);
        if (j == index || chosen.containsKey(j) || !Objects.equals(packageOf(unit), pkg)) {
          continue;
        }
        List<String> types = typesOf(unit);
        if (types.isEmpty() || types.stream().anyMatch(declared::contains)) {
          continue;
        }
        for (String type : types) {
          if (mentions(text, type)) {
            Integer known = nearest.get(type);
            if (known == null || Math.abs(j - index) < Math.abs(known - index)) {
              nearest.put(type, j);
            }
          }
        }
      }
      for (int j : new HashSet<>(nearest.values())) {
        List<String> types = typesOf(units.get(j));
        if (types.stream().noneMatch(declared::contains)) {
          declared.addAll(types);
          chosen.put(j, units.get(j));
          toRead.push(units.get(j));
        }
      }
    }
    return new ArrayList<>(chosen.values());
  }

  private static @Nullable String packageOf(String unit) {
    Matcher declared = PACKAGE.matcher(unit);
    return declared.find() ? declared.group(1) : null;
  }

  private static List<String> typesOf(String unit) {
    List<String> types = new ArrayList<>();
    Matcher type = TOP_LEVEL_TYPE.matcher(unit);
    while (type.find()) {
      types.add(type.group(1));
    }
    return types;
  }

  private static boolean mentions(String text, String name) {
    return Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(text).find();
  }
}
