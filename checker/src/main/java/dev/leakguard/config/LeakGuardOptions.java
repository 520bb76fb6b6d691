package dev.leakguard.config;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.InvalidCommandLineOptionException;
import com.google.errorprone.VisitorState;
import com.sun.tools.javac.code.Symbol.CompletionFailure;
import com.sun.tools.javac.model.JavacElements;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

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
 * <p>To add an option: add its key and description to {@link #KNOWN_OPTIONS}, an example to
 * {@code EXAMPLES}, a field here, and a row to {@code docs/options.md}.
 */
public final class LeakGuardOptions {

  /** LeakGuard's checks; a flag {@code <one of these>:<anything>} is validated here. */
  public static final ImmutableSet<String> CHECK_NAMES =
      ImmutableSet.of(
          "UnclosedResource",
          "UnreleasedLock",
          "ExecutorNotShutdown",
          "RateLimitRace",
          "TransactionLeak",
          "ThreadLocalLeak");

  public static final String UNCLOSED_RESOURCE_EXTRA_TYPES = "UnclosedResource:ExtraTypes";
  public static final String UNCLOSED_RESOURCE_IGNORED_TYPES = "UnclosedResource:IgnoredTypes";
  public static final String UNCLOSED_RESOURCE_CLOSING_METHODS = "UnclosedResource:ClosingMethods";
  public static final String UNCLOSED_RESOURCE_OWNING_METHODS = "UnclosedResource:OwningMethods";
  public static final String UNCLOSED_RESOURCE_EXTRA_FACTORIES = "UnclosedResource:ExtraFactories";
  public static final String UNCLOSED_RESOURCE_NOT_OWNING_METHODS = "UnclosedResource:NotOwningMethods";
  public static final String UNRELEASED_LOCK_EXTRA_LOCK_TYPES = "UnreleasedLock:ExtraLockTypes";
  public static final String UNRELEASED_LOCK_EXTRA_PERMIT_TYPES = "UnreleasedLock:ExtraPermitTypes";
  public static final String EXECUTOR_EXTRA_TYPES = "ExecutorNotShutdown:ExtraTypes";
  public static final String EXECUTOR_EXTRA_FACTORIES = "ExecutorNotShutdown:ExtraFactories";
  public static final String TRANSACTION_EXTRA_TYPES = "TransactionLeak:ExtraTransactionTypes";
  public static final String THREAD_LOCAL_EXTRA_CONTEXT_TYPES = "ThreadLocalLeak:ExtraContextTypes";

  private static final String TYPE_LIST = "a comma-separated list of fully qualified type names";
  private static final String METHOD_LIST =
      "a comma-separated list of methods written as fully.qualified.Type#methodName";
  private static final String TRANSACTION_LIST =
      "a comma-separated list of transaction types, each written as"
          + " fully.qualified.Type#begin/commit/rollback (its three method names)";
  private static final String CONTEXT_LIST =
      "a comma-separated list of context types, each written as fully.qualified.Type#set/clear"
          + " (the instance methods that set and clear its value)";

  /** Every known option and the shape of value it takes, as error messages state it. */
  public static final ImmutableMap<String, String> KNOWN_OPTIONS =
      ImmutableMap.<String, String>builder()
          .put(UNCLOSED_RESOURCE_EXTRA_TYPES, TYPE_LIST)
          .put(UNCLOSED_RESOURCE_IGNORED_TYPES, TYPE_LIST)
          .put(UNCLOSED_RESOURCE_CLOSING_METHODS, METHOD_LIST)
          .put(UNCLOSED_RESOURCE_OWNING_METHODS, METHOD_LIST)
          .put(UNCLOSED_RESOURCE_EXTRA_FACTORIES, METHOD_LIST)
          .put(UNCLOSED_RESOURCE_NOT_OWNING_METHODS, METHOD_LIST)
          .put(UNRELEASED_LOCK_EXTRA_LOCK_TYPES, TYPE_LIST)
          .put(UNRELEASED_LOCK_EXTRA_PERMIT_TYPES, TYPE_LIST)
          .put(EXECUTOR_EXTRA_TYPES, TYPE_LIST)
          .put(EXECUTOR_EXTRA_FACTORIES, METHOD_LIST)
          .put(TRANSACTION_EXTRA_TYPES, TRANSACTION_LIST)
          .put(THREAD_LOCAL_EXTRA_CONTEXT_TYPES, CONTEXT_LIST)
          .buildOrThrow();

  /** A well-formed value of each option, quoted in the message for a malformed one. */
  private static final ImmutableMap<String, String> EXAMPLES =
      ImmutableMap.<String, String>builder()
          .put(UNCLOSED_RESOURCE_EXTRA_TYPES, "com.acme.io.Channel,com.acme.Pool$Lease")
          .put(UNCLOSED_RESOURCE_IGNORED_TYPES, "com.acme.io.InMemoryChannel")
          .put(UNCLOSED_RESOURCE_CLOSING_METHODS, "com.acme.io.Streams#closeSilently")
          .put(UNCLOSED_RESOURCE_OWNING_METHODS, "com.acme.io.Registry#adopt")
          .put(UNCLOSED_RESOURCE_EXTRA_FACTORIES, "com.acme.pool.Pool#lease")
          .put(UNCLOSED_RESOURCE_NOT_OWNING_METHODS, "com.acme.io.Streams#openShared")
          .put(UNRELEASED_LOCK_EXTRA_LOCK_TYPES, "com.acme.sync.Mutex")
          .put(UNRELEASED_LOCK_EXTRA_PERMIT_TYPES, "com.acme.sync.Permits")
          .put(EXECUTOR_EXTRA_TYPES, "com.vendor.pool.WorkerPool")
          .put(EXECUTOR_EXTRA_FACTORIES, "com.acme.Pools#newBoundedPool")
          .put(TRANSACTION_EXTRA_TYPES, "com.acme.db.UnitOfWork#start/complete/abort")
          .put(THREAD_LOCAL_EXTRA_CONTEXT_TYPES, "com.acme.web.RequestScope#enter/exit")
          .buildOrThrow();

  private static final String IDENTIFIER = "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*";
  private static final Pattern TYPE_NAME = Pattern.compile(IDENTIFIER + "(?:\\." + IDENTIFIER + ")*");
  private static final Pattern METHOD_NAME = Pattern.compile("(" + TYPE_NAME + ")#(" + IDENTIFIER + ")");
  private static final Pattern TRANSACTION_TYPE =
      Pattern.compile(
          "(" + TYPE_NAME + ")#(" + IDENTIFIER + ")/(" + IDENTIFIER + ")/(" + IDENTIFIER + ")");
  private static final Pattern CONTEXT_TYPE =
      Pattern.compile("(" + TYPE_NAME + ")#(" + IDENTIFIER + ")/(" + IDENTIFIER + ")");

  private static final LeakGuardOptions DEFAULTS = new LeakGuardOptions(ErrorProneFlags.empty());

  private final ImmutableList<String> resourceExtraTypes;
  private final ImmutableList<String> resourceIgnoredTypes;
  private final ImmutableList<MethodName> resourceClosingMethods;
  private final ImmutableList<MethodName> resourceOwningMethods;
  private final ImmutableList<MethodName> resourceExtraFactories;
  private final ImmutableList<MethodName> resourceNotOwningMethods;
  private final ImmutableList<String> extraLockTypes;
  private final ImmutableList<String> extraPermitTypes;
  private final ImmutableList<String> executorExtraTypes;
  private final ImmutableList<MethodName> executorExtraFactories;
  private final ImmutableList<TransactionType> extraTransactionTypes;
  private final ImmutableList<ContextType> extraContextTypes;

  /** A method named by an option: {@code com.acme.Pool#release}. */
  public record MethodName(String owner, String method) {
    @Override
    public String toString() {
      return owner + "#" + method;
    }
  }

  /**
   * A project's own transaction type named by {@code TransactionLeak:ExtraTransactionTypes}: {@code
   * begin()} on it opens a transaction that {@code commit()} or {@code rollback()} must end.
   */
  public record TransactionType(String type, String begin, String commit, String rollback) {
    @Override
    public String toString() {
      return type + "#" + begin + "/" + commit + "/" + rollback;
    }
  }

  /**
   * A project's own per-thread context holder named by {@code ThreadLocalLeak:ExtraContextTypes}:
   * {@code set(…)} on it puts a value that {@code clear()} on the same object must take out again.
   */
  public record ContextType(String type, String set, String clear) {
    @Override
    public String toString() {
      return type + "#" + set + "/" + clear;
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
    resourceOwningMethods = methodList(flags, UNCLOSED_RESOURCE_OWNING_METHODS);
    resourceExtraFactories = methodList(flags, UNCLOSED_RESOURCE_EXTRA_FACTORIES);
    resourceNotOwningMethods = methodList(flags, UNCLOSED_RESOURCE_NOT_OWNING_METHODS);
    extraLockTypes = typeList(flags, UNRELEASED_LOCK_EXTRA_LOCK_TYPES);
    extraPermitTypes = typeList(flags, UNRELEASED_LOCK_EXTRA_PERMIT_TYPES);
    executorExtraTypes = typeList(flags, EXECUTOR_EXTRA_TYPES);
    executorExtraFactories = methodList(flags, EXECUTOR_EXTRA_FACTORIES);
    extraTransactionTypes = transactionList(flags, TRANSACTION_EXTRA_TYPES);
    extraContextTypes = contextList(flags, THREAD_LOCAL_EXTRA_CONTEXT_TYPES);
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

  /**
   * {@code -XepOpt:UnclosedResource:OwningMethods}: methods that take ownership of the resources
   * passed to them (the caller no longer owes the close).
   */
  public ImmutableList<MethodName> resourceOwningMethods() {
    return resourceOwningMethods;
  }

  /** {@code -XepOpt:UnclosedResource:ExtraFactories}: methods whose result must be closed. */
  public ImmutableList<MethodName> resourceExtraFactories() {
    return resourceExtraFactories;
  }

  /**
   * {@code -XepOpt:UnclosedResource:NotOwningMethods}: methods that neither hand their caller a
   * resource to close (a getter or view the name model or a summary takes for a factory) nor take
   * over the resources passed to them (a reader that only borrows them).
   */
  public ImmutableList<MethodName> resourceNotOwningMethods() {
    return resourceNotOwningMethods;
  }

  /**
   * {@code -XepOpt:UnreleasedLock:ExtraLockTypes}: types, not implementing {@code Lock}, whose
   * {@code lock()}/{@code lockInterruptibly()}/{@code tryLock(..)} acquire and {@code unlock()}
   * releases.
   */
  public ImmutableList<String> extraLockTypes() {
    return extraLockTypes;
  }

  /**
   * {@code -XepOpt:UnreleasedLock:ExtraPermitTypes}: semaphore-like types whose {@code acquire()}
   * /{@code tryAcquire(..)} acquire and {@code release()} releases.
   */
  public ImmutableList<String> extraPermitTypes() {
    return extraPermitTypes;
  }

  /**
   * {@code -XepOpt:ExecutorNotShutdown:ExtraTypes}: executor-like types that {@code new} creates
   * and {@code shutdown()}/{@code shutdownNow()}/{@code close()} release.
   */
  public ImmutableList<String> executorExtraTypes() {
    return executorExtraTypes;
  }

  /** {@code -XepOpt:ExecutorNotShutdown:ExtraFactories}: methods returning a new executor. */
  public ImmutableList<MethodName> executorExtraFactories() {
    return executorExtraFactories;
  }

  /**
   * {@code -XepOpt:TransactionLeak:ExtraTransactionTypes}: a project's transaction types and the
   * methods that begin, commit and roll back one.
   */
  public ImmutableList<TransactionType> extraTransactionTypes() {
    return extraTransactionTypes;
  }

  /**
   * {@code -XepOpt:ThreadLocalLeak:ExtraContextTypes}: a project's per-thread context holders and
   * the methods that set and clear their value.
   */
  public ImmutableList<ContextType> extraContextTypes() {
    return extraContextTypes;
  }

  /**
   * The type names that {@code check}'s options name, by option key (types of type-list options,
   * owners of method options), for reporting those that do not resolve in a compilation.
   */
  public ImmutableMap<String, ImmutableList<String>> typeNamesOf(String check) {
    ImmutableMap.Builder<String, ImmutableList<String>> names = ImmutableMap.builder();
    switch (check) {
      case "UnclosedResource" -> {
        names.put(UNCLOSED_RESOURCE_EXTRA_TYPES, resourceExtraTypes);
        names.put(UNCLOSED_RESOURCE_IGNORED_TYPES, resourceIgnoredTypes);
        names.put(UNCLOSED_RESOURCE_CLOSING_METHODS, owners(resourceClosingMethods));
        names.put(UNCLOSED_RESOURCE_OWNING_METHODS, owners(resourceOwningMethods));
        names.put(UNCLOSED_RESOURCE_EXTRA_FACTORIES, owners(resourceExtraFactories));
        names.put(UNCLOSED_RESOURCE_NOT_OWNING_METHODS, owners(resourceNotOwningMethods));
      }
      case "UnreleasedLock" -> {
        names.put(UNRELEASED_LOCK_EXTRA_LOCK_TYPES, extraLockTypes);
        names.put(UNRELEASED_LOCK_EXTRA_PERMIT_TYPES, extraPermitTypes);
      }
      case "ExecutorNotShutdown" -> {
        names.put(EXECUTOR_EXTRA_TYPES, executorExtraTypes);
        names.put(EXECUTOR_EXTRA_FACTORIES, owners(executorExtraFactories));
      }
      case "TransactionLeak" ->
          names.put(
              TRANSACTION_EXTRA_TYPES,
              extraTransactionTypes.stream()
                  .map(TransactionType::type)
                  .distinct()
                  .collect(ImmutableList.toImmutableList()));
      case "ThreadLocalLeak" ->
          names.put(
              THREAD_LOCAL_EXTRA_CONTEXT_TYPES,
              extraContextTypes.stream()
                  .map(ContextType::type)
                  .distinct()
                  .collect(ImmutableList.toImmutableList()));
      default -> {}
    }
    return names.buildOrThrow();
  }

  /**
   * The message a check reports, once per compilation, when its options name types that do not
   * resolve on this compilation's classpath (such entries have no effect); null when all resolve.
   */
  public @Nullable String unresolvedTypesMessage(String check, VisitorState state) {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, ImmutableList<String>> option : typeNamesOf(check).entrySet()) {
      List<String> names = option.getValue().stream().filter(n -> !resolves(n, state)).toList();
      if (!names.isEmpty()) {
        missing.add("-XepOpt:" + option.getKey() + ": " + String.join(", ", names));
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    return "LeakGuard options name types that are not on this compilation's classpath, so they"
        + " have no effect: "
        + String.join("; ", missing)
        + " (use fully qualified names, nested classes as Outer.Inner or Outer$Inner)";
  }

  private static boolean resolves(String name, VisitorState state) {
    if (state.getTypeFromString(name) != null) {
      return true;
    }
    try {
      // Unlike getTypeFromString, this loads a class no source file has mentioned yet.
      return JavacElements.instance(state.context).getTypeElement(name) != null;
    } catch (CompletionFailure e) {
      return false;
    }
  }

  private static ImmutableList<String> owners(ImmutableList<MethodName> methods) {
    return methods.stream().map(MethodName::owner).distinct().collect(ImmutableList.toImmutableList());
  }

  private static ImmutableList<String> typeList(ErrorProneFlags flags, String key) {
    ImmutableList.Builder<String> names = ImmutableList.builder();
    for (String entry : entries(flags, key)) {
      if (!TYPE_NAME.matcher(entry).matches()) {
        throw malformed(key, entry, TYPE_LIST + ", e.g. " + EXAMPLES.get(key));
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
        throw malformed(key, entry, METHOD_LIST + ", e.g. " + EXAMPLES.get(key));
      }
      names.add(new MethodName(matcher.group(1).replace('$', '.'), matcher.group(2)));
    }
    return names.build();
  }

  private static ImmutableList<TransactionType> transactionList(ErrorProneFlags flags, String key) {
    ImmutableList.Builder<TransactionType> types = ImmutableList.builder();
    for (String entry : entries(flags, key)) {
      var matcher = TRANSACTION_TYPE.matcher(entry);
      if (!matcher.matches()) {
        throw malformed(key, entry, TRANSACTION_LIST + ", e.g. " + EXAMPLES.get(key));
      }
      types.add(
          new TransactionType(
              matcher.group(1).replace('$', '.'),
              matcher.group(2),
              matcher.group(3),
              matcher.group(4)));
    }
    return types.build();
  }

  private static ImmutableList<ContextType> contextList(ErrorProneFlags flags, String key) {
    ImmutableList.Builder<ContextType> types = ImmutableList.builder();
    for (String entry : entries(flags, key)) {
      var matcher = CONTEXT_TYPE.matcher(entry);
      if (!matcher.matches()) {
        throw malformed(key, entry, CONTEXT_LIST + ", e.g. " + EXAMPLES.get(key));
      }
      types.add(
          new ContextType(matcher.group(1).replace('$', '.'), matcher.group(2), matcher.group(3)));
    }
    return types.build();
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
