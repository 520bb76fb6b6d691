package dev.leakguard.config;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.InvalidCommandLineOptionException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every user option of LeakGuard, read once from Error Prone's {@code -XepOpt:} flags, validated,
 * and handed to the checks. Nothing else reads flags.
 *
 * <p>Options are named {@code -XepOpt:<CheckName>:<Option>=<value>}. A flag whose check name is one
 * of LeakGuard's checks but whose option name is not listed in {@link #KNOWN_OPTIONS} is an error,
 * as is a malformed value: both throw {@link InvalidCommandLineOptionException} naming the flag and
 * what it accepts, so a typo fails the build instead of silently doing nothing. Flags of other
 * plugins are ignored.
 *
 * <p>Type names are validated for shape here. Whether they resolve depends on the classpath of
 * each compilation, so the checks resolve them when they first run in a compilation and report a
 * name that does not resolve there (see {@code docs/options.md}).
 *
 * <p>To add an option: add its key and description to {@link #KNOWN_OPTIONS}, a field here, and a
 * row to {@code docs/options.md}.
 */
public final class LeakGuardOptions {

  /** LeakGuard's checks; a flag {@code <one of these>:<anything>} is validated here. */
  public static final ImmutableSet<String> CHECK_NAMES =
      ImmutableSet.of("UnclosedResource", "UnreleasedLock", "ExecutorNotShutdown", "RateLimitRace");

  public static final String UNCLOSED_RESOURCE_EXTRA_TYPES = "UnclosedResource:ExtraTypes";
  public static final String UNCLOSED_RESOURCE_IGNORED_TYPES = "UnclosedResource:IgnoredTypes";
  public static final String UNCLOSED_RESOURCE_CLOSING_METHODS = "UnclosedResource:ClosingMethods";

  private static final String TYPE_LIST = "a comma-separated list of fully qualified type names";
  private static final String METHOD_LIST =
      "a comma-separated list of methods written as fully.qualified.Type#methodName";

  /** Every known option and the shape of value it takes, as error messages state it. */
  public static final ImmutableMap<String, String> KNOWN_OPTIONS =
      ImmutableMap.of(
          UNCLOSED_RESOURCE_EXTRA_TYPES, TYPE_LIST,
          UNCLOSED_RESOURCE_IGNORED_TYPES, TYPE_LIST,
          UNCLOSED_RESOURCE_CLOSING_METHODS, METHOD_LIST);

  private static final String IDENTIFIER = "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*";
  private static final Pattern TYPE_NAME = Pattern.compile(IDENTIFIER + "(?:\\." + IDENTIFIER + ")*");
  private static final Pattern METHOD_NAME = Pattern.compile("(" + TYPE_NAME + ")#(" + IDENTIFIER + ")");

  private static final LeakGuardOptions DEFAULTS = new LeakGuardOptions(ErrorProneFlags.empty());

  private final ImmutableList<String> resourceExtraTypes;
  private final ImmutableList<String> resourceIgnoredTypes;
  private final ImmutableList<MethodName> resourceClosingMethods;

  /** A method named by an option: {@code com.acme.Pool#release}. */
  public record MethodName(String owner, String method) {
    @Override
    public String toString() {
      return owner + "#" + method;
    }
  }

  private LeakGuardOptions(ErrorProneFlags flags) {
    for (Map.Entry<String, String> flag : flags.getFlagsMap().entrySet()) {
      String key = flag.getKey();
      int colon = key.indexOf(':');
      if (colon > 0
          && CHECK_NAMES.contains(key.substring(0, colon))
          && !KNOWN_OPTIONS.containsKey(key)) {
        throw new InvalidCommandLineOptionException(
            "unknown LeakGuard option -XepOpt:"
                + key
                + "; the options are: "
                + String.join(", ", KNOWN_OPTIONS.keySet().stream().map(k -> "-XepOpt:" + k).toList())
                + " (see docs/options.md)");
      }
    }
    resourceExtraTypes = typeList(flags, UNCLOSED_RESOURCE_EXTRA_TYPES);
    resourceIgnoredTypes = typeList(flags, UNCLOSED_RESOURCE_IGNORED_TYPES);
    resourceClosingMethods = methodList(flags, UNCLOSED_RESOURCE_CLOSING_METHODS);
  }

  /**
   * Reads and validates LeakGuard's options.
   *
   * @throws InvalidCommandLineOptionException for an unknown LeakGuard option or a malformed value
   */
  public static LeakGuardOptions from(ErrorProneFlags flags) {
    return flags.isEmpty() ? DEFAULTS : new LeakGuardOptions(flags);
  }

  /** The options when no flag is given. */
  public static LeakGuardOptions defaults() {
    return DEFAULTS;
  }

  /** {@code -XepOpt:UnclosedResource:ExtraTypes}: more types whose instances must be closed. */
  public ImmutableList<String> resourceExtraTypes() {
    return resourceExtraTypes;
  }

  /** {@code -XepOpt:UnclosedResource:IgnoredTypes}: types never treated as resources. */
  public ImmutableList<String> resourceIgnoredTypes() {
    return resourceIgnoredTypes;
  }

  /** {@code -XepOpt:UnclosedResource:ClosingMethods}: methods that close what they are given. */
  public ImmutableList<MethodName> resourceClosingMethods() {
    return resourceClosingMethods;
  }

  private static ImmutableList<String> typeList(ErrorProneFlags flags, String key) {
    ImmutableList.Builder<String> names = ImmutableList.builder();
    for (String entry : entries(flags, key)) {
      if (!TYPE_NAME.matcher(entry).matches()) {
        throw malformed(key, entry, TYPE_LIST + ", e.g. com.acme.io.Channel,com.acme.Pool$Lease");
      }
      names.add(entry.replace('$', '.'));
    }
    return names.build();
  }

  private static ImmutableList<MethodName> methodList(ErrorProneFlags flags, String key) {
    ImmutableList.Builder<MethodName> names = ImmutableList.builder();
    for (String entry : entries(flags, key)) {
      var matcher = METHOD_NAME.matcher(entry);
      if (!matcher.matches()) {
        throw malformed(key, entry, METHOD_LIST + ", e.g. com.acme.io.Streams#closeSilently");
      }
      names.add(new MethodName(matcher.group(1).replace('$', '.'), matcher.group(2)));
    }
    return names.build();
  }

  /** The comma-separated entries of a flag, trimmed; an empty entry is malformed. */
  private static ImmutableList<String> entries(ErrorProneFlags flags, String key) {
    String value = flags.get(key).orElse(null);
    if (value == null) {
      return ImmutableList.of();
    }
    ImmutableList.Builder<String> entries = ImmutableList.builder();
    for (String entry : value.split(",", -1)) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        throw malformed(key, value, KNOWN_OPTIONS.get(key) + " with no empty entries");
      }
      entries.add(trimmed);
    }
    return entries.build();
  }

  private static InvalidCommandLineOptionException malformed(String key, String value, String allowed) {
    return new InvalidCommandLineOptionException(
        "-XepOpt:" + key + ": malformed value '" + value + "'; expected " + allowed);
  }
}
