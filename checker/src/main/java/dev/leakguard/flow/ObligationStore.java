package dev.leakguard.flow;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;
import com.sun.source.tree.Tree;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.Element;
import org.checkerframework.errorprone.dataflow.analysis.Store;
import org.checkerframework.errorprone.dataflow.cfg.visualize.CFGVisualizer;
import org.checkerframework.errorprone.dataflow.expression.JavaExpression;
import org.jspecify.annotations.Nullable;

/**
 * The facts at one program point: which obligations may still be open (with the first event of
 * the path that put them at risk), which obligations each local variable may refer to, and which
 * boolean locals this path has tested.
 *
 * <p>It is a may-analysis: after a merge an obligation is open if it is open on any incoming path,
 * and a variable refers to everything it refers to on any path. The tested booleans make it just
 * path-sensitive enough for {@code if (needsLock) lock.lock(); … if (needsLock) lock.unlock();}:
 * an obligation acquired where {@code needsLock} was true is not owed where it is false. Mutable,
 * but every transfer works on a {@link #copy()}.
 */
final class ObligationStore implements Store<ObligationStore> {

  /**
   * The event that makes an open obligation leak if the method exits now.
   *
   * @param declared for a failure, whether the code declares it: a {@code throw}, or a call whose
   *     method declares a checked exception. Of two failures that leak the same obligation, a
   *     declared one is named over one that may only throw an unchecked exception (httpclient's
   *     {@code ProxyClient}: not the argument checks of {@code new BasicHttpRequest(…)} but the
   *     {@code execute(…)} that fails with the network), whichever comes first.
   */
  record Witness(Leak.Path path, Tree tree, int position, boolean declared) {
    Witness(Leak.Path path, Tree tree, int position) {
      this(path, tree, position, path == Leak.Path.THROW_STATEMENT);
    }

    /**
     * The one of two witnesses, of paths that merge, the finding names: a declared failure over
     * an undeclared one, then the one the source shows first.
     */
    static @Nullable Witness named(@Nullable Witness a, @Nullable Witness b) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      if (a.declared != b.declared && isFailure(a.path) && isFailure(b.path)) {
        return a.declared ? a : b;
      }
      if (a.position != b.position) {
        return a.position < b.position ? a : b;
      }
      return a.path.ordinal() <= b.path.ordinal() ? a : b;
    }

    private static boolean isFailure(Leak.Path path) {
      return path == Leak.Path.CALL_THROWS
          || path == Leak.Path.THROW_STATEMENT
          || path == Leak.Path.IMPLICIT_THROW;
    }
  }

  /**
   * What is known of one open obligation on the paths reaching here where it is open: the leaking
   * event, if any, and the boolean locals whose value is known on all of them (known when it was
   * acquired, or set by a literal since, as {@code error = true} in a {@code catch}).
   */
  private record OpenFact(
      @Nullable Witness witness,
      ImmutableMap<Element, Boolean> flags,
      /** Must-call methods every path reaching here has called on it (see Acquisition#mustCall). */
      ImmutableSet<String> called,
      /**
       * The local variables that refer to it on every path reaching here where it is open: where
       * one of them is null, it is not open. A variable that refers to it on some paths only says
       * nothing ({@code oin = new ObjectInputStream(new FileInputStream(f))} failing leaves the
       * file stream open while {@code oin} is still null).
       */
      ImmutableSet<Element> holders) {
    OpenFact(@Nullable Witness witness, ImmutableMap<Element, Boolean> flags) {
      this(witness, flags, ImmutableSet.of(), ImmutableSet.of());
    }

    OpenFact merge(OpenFact other) {
      return new OpenFact(
          Witness.named(witness, other.witness),
          agreed(flags, other.flags),
          Sets.intersection(called, other.called).immutableCopy(),
          Sets.intersection(holders, other.holders).immutableCopy());
    }

    OpenFact withWitness(@Nullable Witness newWitness) {
      return new OpenFact(newWitness, flags, called, holders);
    }

    OpenFact withFlags(ImmutableMap<Element, Boolean> newFlags) {
      return new OpenFact(witness, newFlags, called, holders);
    }

    OpenFact withHolder(Element variable, boolean holds) {
      if (holders.contains(variable) == holds) {
        return this;
      }
      return new OpenFact(
          witness,
          flags,
          called,
          holds
              ? ImmutableSet.<Element>builder().addAll(holders).add(variable).build()
              : ImmutableSet.copyOf(Sets.difference(holders, Set.of(variable))));
    }
  }

  private final Map<Obligation, OpenFact> open;
  private final Map<Element, Set<Obligation>> pointsTo;
  /**
   * Obligations that closing a variable also releases without the variable owning them: a
   * socket's stream closes the socket, but handing the stream on does not hand the socket on.
   */
  private final Map<Element, Set<Obligation>> closesAlso;
  /** Boolean locals whose value every path reaching here has tested, and that value. */
  private final Map<Element, Boolean> tested;
  /**
   * Obligations made but not owed yet on some path reaching here ({@link
   * ObligationSpec.Condition#WHEN_USED}, {@link ObligationSpec.Condition#WHEN_CREATED}): never
   * used, released nor handed on since; each with the local variables that refer to it on every
   * path reaching here where it is dormant (its holders once it is owed, see OpenFact#holders).
   */
  private final Map<Obligation, ImmutableSet<Element>> dormant;
  /**
   * For a local variable last given a value that owes nothing yet ({@link
   * ObligationSpec.Condition#WHEN_CREATED}), the expression that gave it, on every path reaching
   * here: where an obligation a call gives that value through this variable is reported.
   */
  private final Map<Element, Tree> boundBy;

  ObligationStore() {
    this(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());
  }

  private ObligationStore(
      Map<Obligation, OpenFact> open,
      Map<Element, Set<Obligation>> pointsTo,
      Map<Element, Set<Obligation>> closesAlso,
      Map<Element, Boolean> tested,
      Map<Obligation, ImmutableSet<Element>> dormant,
      Map<Element, Tree> boundBy) {
    this.open = open;
    this.boundBy = boundBy;
    this.pointsTo = pointsTo;
    this.closesAlso = closesAlso;
    this.tested = tested;
    this.dormant = dormant;
  }

  /** See {@link #boundBy}; a null {@code value} forgets the variable's. */
  void bind(Element variable, @Nullable Tree value) {
    if (value == null) {
      boundBy.remove(variable);
    } else {
      boundBy.put(variable, value);
    }
  }

  @Nullable Tree boundBy(Element variable) {
    return boundBy.get(variable);
  }

  /** {@code variable} also refers to {@code obligation} (made for a value it refers to). */
  void addTarget(Element variable, Obligation obligation) {
    pointsTo.computeIfAbsent(variable, v -> new HashSet<>()).add(obligation);
  }

  boolean isDormant(Obligation obligation) {
    return dormant.containsKey(obligation);
  }

  boolean hasDormant() {
    return !dormant.isEmpty();
  }

  /** Made here, owed only once used or given an obligation. */
  void makeDormant(Obligation obligation) {
    open.remove(obligation);
    dormant.put(obligation, ImmutableSet.of());
  }

  /**
   * A call gives an open obligation a new one: the must-call methods called so far no longer
   * count. What would leak it stays as it was.
   */
  void restart(Obligation obligation) {
    OpenFact fact = open.get(obligation);
    if (fact != null && !fact.called().isEmpty()) {
      open.put(obligation, new OpenFact(fact.witness(), fact.flags(), ImmutableSet.of(), fact.holders()));
    }
  }

  boolean isOpen(Obligation obligation) {
    return open.containsKey(obligation);
  }

  boolean hasOpen() {
    return !open.isEmpty();
  }

  Set<Obligation> openObligations() {
    return open.keySet();
  }

  /**
   * Whether the variable that named this open lock has been overwritten: the lock can no longer be
   * released through that name, and the overwrite stays the event that leaks it.
   */
  boolean isDetached(Obligation obligation) {
    OpenFact fact = open.get(obligation);
    return obligation.key != null && fact != null && isDetached(fact);
  }

  private static boolean isDetached(OpenFact fact) {
    return fact.witness() != null && fact.witness().path() == Leak.Path.REASSIGNED;
  }

  /** The boolean locals whose value every path reaching here where it is open knows. */
  Set<Element> knownFlags(Obligation obligation) {
    OpenFact fact = open.get(obligation);
    return fact == null ? Set.of() : fact.flags().keySet();
  }

  @Nullable Witness witness(Obligation obligation) {
    OpenFact fact = open.get(obligation);
    return fact == null ? null : fact.witness();
  }

  void acquire(Obligation obligation) {
    // Woken from dormant: the variables that held it all along hold it now that it is owed.
    ImmutableSet<Element> holders = dormant.remove(obligation);
    open.put(
        obligation,
        new OpenFact(
            null,
            ImmutableMap.copyOf(tested),
            ImmutableSet.of(),
            holders == null ? ImmutableSet.of() : holders));
  }

  /**
   * Opens again, as {@code before} had them, the given obligations this store no longer has open:
   * what a call handed over on its normal exit only.
   */
  void reopen(Collection<Obligation> obligations, ObligationStore before) {
    for (Obligation obligation : obligations) {
      OpenFact fact = before.open.get(obligation);
      if (fact != null) {
        open.putIfAbsent(obligation, fact);
      }
    }
  }

  /** Closes the given obligations; returns those that were open. */
  Set<Obligation> discharge(Collection<Obligation> obligations) {
    Set<Obligation> closed = new HashSet<>();
    dormant.keySet().removeAll(obligations);
    for (Obligation obligation : obligations) {
      if (open.remove(obligation) != null) {
        closed.add(obligation);
      }
    }
    return closed;
  }

  /** Closes the open obligations that match; returns them. */
  Set<Obligation> dischargeIf(Predicate<Obligation> matches) {
    Set<Obligation> closed = new HashSet<>();
    for (Obligation obligation : open.keySet()) {
      if (matches.test(obligation)) {
        closed.add(obligation);
      }
    }
    open.keySet().removeAll(closed);
    dormant.keySet().removeIf(matches);
    return closed;
  }

  /**
   * Records that {@code methods} were called on an open obligation that must have all of its
   * {@code mustCall} methods called; returns whether they now all are (the caller discharges it).
   */
  boolean recordCalls(Obligation obligation, Set<String> methods, Set<String> mustCall) {
    OpenFact fact = open.get(obligation);
    if (fact == null) {
      return false;
    }
    ImmutableSet<String> called =
        ImmutableSet.<String>builder().addAll(fact.called()).addAll(methods).build();
    if (called.containsAll(mustCall)) {
      return true;
    }
    open.put(obligation, new OpenFact(fact.witness(), fact.flags(), called, fact.holders()));
    return false;
  }

  void dischargeAll() {
    open.clear();
    dormant.clear();
  }

  /**
   * Marks every open obligation with the event that would leak it on this path; with {@code
   * keepEarlier}, only those not yet marked.
   */
  void witnessAll(Leak.Path path, Tree tree, int position, boolean keepEarlier) {
    witnessAll(new Witness(path, tree, position), keepEarlier);
  }

  /** {@link #witnessAll(Leak.Path, Tree, int, boolean)} with the witness made by the caller. */
  void witnessAll(Witness witness, boolean keepEarlier) {
    int position = witness.position();
    open.replaceAll(
        (obligation, fact) ->
            (keepEarlier && fact.witness() != null)
                    || isDetached(fact)
                    || caughtBeforeTheLoopCameBack(obligation, fact, position)
                ? fact
                : fact.withWitness(witness));
  }

  /**
   * Whether this path already lost the obligation to a call that threw once it was acquired, and
   * has come back around a loop to an event before the acquisition: the call that threw first is
   * the one that leaked it ({@code s.setSoTimeout(t)} in zookeeper's accept loop, or the wrapper
   * around the acquisition, log4j's {@code new JarInputStream(url.openStream())}), not the loop's
   * next {@code ss.accept()}, which only fails on a path where it was already lost.
   */
  private static boolean caughtBeforeTheLoopCameBack(
      Obligation obligation, OpenFact fact, int position) {
    Witness earlier = fact.witness();
    return earlier != null
        && earlier.path() == Leak.Path.CALL_THROWS
        && position <= obligation.position
        && position < earlier.position();
  }

  void witness(Obligation obligation, Leak.Path path, Tree tree, int position) {
    OpenFact fact = open.get(obligation);
    if (fact != null) {
      open.put(obligation, fact.withWitness(new Witness(path, tree, position)));
    }
  }

  /**
   * This path has just seen {@code variable} be {@code value}: obligations acquired only where it
   * was the opposite are not owed here.
   */
  void assumeTested(Element variable, boolean value) {
    if (Boolean.valueOf(!value).equals(tested.get(variable))) {
      // This path already knows the opposite: no execution gets here, nothing is owed.
      open.clear();
    }
    tested.put(variable, value);
    open.values().removeIf(fact -> Boolean.valueOf(!value).equals(fact.flags().get(variable)));
  }

  /**
   * {@code variable = value;}: this path now knows it, and so does every obligation open on it
   * ({@code catch (…) { error = true; throw e; } finally { if (error) close(); }}).
   */
  void assignLiteral(Element variable, boolean value) {
    forgetTested(variable);
    tested.put(variable, value);
    open.replaceAll(
        (obligation, fact) -> {
          Map<Element, Boolean> known = new HashMap<>(fact.flags());
          known.put(variable, value);
          return fact.withFlags(ImmutableMap.copyOf(known));
        });
  }

  /**
   * {@code variable = null;} (or, with {@code isNull} false, a path that has just tested it not
   * null): a reference variable's nullness is kept as a flag of its own, {@code true} for null,
   * in the same table as the boolean flags (a variable is one or the other, never both).
   */
  void assignNull(Element variable, boolean isNull) {
    assignLiteral(variable, isNull);
  }

  /** This path has just seen whether {@code variable} is null (see {@link #assignNull}). */
  void assumeNullTested(Element variable, boolean isNull) {
    assumeTested(variable, isNull);
  }

  /** {@code variable} was assigned: what earlier tests said of it no longer holds. */
  void forgetTested(Element variable) {
    tested.remove(variable);
    open.replaceAll(
        (obligation, fact) -> {
          if (!fact.flags().containsKey(variable)) {
            return fact;
          }
          Map<Element, Boolean> rest = new HashMap<>(fact.flags());
          rest.remove(variable);
          return fact.withFlags(ImmutableMap.copyOf(rest));
        });
  }

  /** A method of the object was called: what the path knew of its fields no longer holds. */
  void forgetTestedFields() {
    Set<Element> fields = new HashSet<>();
    for (Element variable : tested.keySet()) {
      if (variable.getKind().isField()) {
        fields.add(variable);
      }
    }
    for (OpenFact fact : open.values()) {
      for (Element variable : fact.flags().keySet()) {
        if (variable.getKind().isField()) {
          fields.add(variable);
        }
      }
    }
    fields.forEach(this::forgetTested);
  }

  Set<Obligation> pointsTo(Element variable) {
    Set<Obligation> targets = pointsTo.get(variable);
    return targets == null ? Set.of() : targets;
  }

  /** Whether {@code variable} refers to the open obligation on every path reaching here. */
  boolean heldOnEveryPathBy(Obligation obligation, Element variable) {
    OpenFact fact = open.get(obligation);
    return fact != null && fact.holders().contains(variable);
  }

  void assign(Element variable, Set<Obligation> targets) {
    open.replaceAll((obligation, fact) -> fact.withHolder(variable, targets.contains(obligation)));
    dormant.replaceAll(
        (obligation, holders) ->
            targets.contains(obligation) == holders.contains(variable)
                ? holders
                : targets.contains(obligation)
                    ? ImmutableSet.<Element>builder().addAll(holders).add(variable).build()
                    : ImmutableSet.copyOf(Sets.difference(holders, Set.of(variable))));
    if (targets.isEmpty()) {
      pointsTo.remove(variable);
    } else {
      pointsTo.put(variable, new HashSet<>(targets));
    }
  }

  /** See {@link #closesAlso}. */
  Set<Obligation> closesAlso(Element variable) {
    Set<Obligation> targets = closesAlso.get(variable);
    return targets == null ? Set.of() : targets;
  }

  void assignClosesAlso(Element variable, Set<Obligation> targets) {
    if (targets.isEmpty()) {
      closesAlso.remove(variable);
    } else {
      closesAlso.put(variable, new HashSet<>(targets));
    }
  }

  /** Whether any variable other than {@code except} may still refer to the obligation. */
  boolean referencedElsewhere(Obligation obligation, Element except) {
    for (Map.Entry<Element, Set<Obligation>> entry : pointsTo.entrySet()) {
      if (!entry.getKey().equals(except) && entry.getValue().contains(obligation)) {
        return true;
      }
    }
    return false;
  }

  Set<Element> variables() {
    return pointsTo.keySet();
  }

  @Override
  public ObligationStore copy() {
    Map<Element, Set<Obligation>> pointsToCopy = new HashMap<>();
    pointsTo.forEach((variable, targets) -> pointsToCopy.put(variable, new HashSet<>(targets)));
    Map<Element, Set<Obligation>> closesAlsoCopy = new HashMap<>();
    closesAlso.forEach(
        (variable, targets) -> closesAlsoCopy.put(variable, new HashSet<>(targets)));
    return new ObligationStore(
        new HashMap<>(open), pointsToCopy, closesAlsoCopy, new HashMap<>(tested), new HashMap<>(dormant),
        new HashMap<>(boundBy));
  }

  @Override
  public ObligationStore leastUpperBound(ObligationStore other) {
    ObligationStore result = copy();
    other.open.forEach((obligation, fact) -> result.open.merge(obligation, fact, OpenFact::merge));
    other.pointsTo.forEach(
        (variable, targets) ->
            result.pointsTo.computeIfAbsent(variable, v -> new HashSet<>()).addAll(targets));
    // May-release would hide leaks: a view closes its resource only where every path made it so.
    result.closesAlso.keySet().retainAll(other.closesAlso.keySet());
    result.closesAlso.replaceAll(
        (variable, targets) -> new HashSet<>(Sets.intersection(targets, other.closesAlso.get(variable))));
    result.closesAlso.values().removeIf(Set::isEmpty);
    result.tested.entrySet().retainAll(agreed(tested, other.tested).entrySet());
    other.dormant.forEach(
        (obligation, holders) ->
            result.dormant.merge(
                obligation, holders, (a, b) -> Sets.intersection(a, b).immutableCopy()));
    result.boundBy.entrySet().retainAll(other.boundBy.entrySet());
    return result;
  }

  /** The entries two maps agree on. */
  private static ImmutableMap<Element, Boolean> agreed(
      Map<Element, Boolean> a, Map<Element, Boolean> b) {
    ImmutableMap.Builder<Element, Boolean> common = ImmutableMap.builder();
    a.forEach(
        (variable, value) -> {
          if (value.equals(b.get(variable))) {
            common.put(variable, value);
          }
        });
    return common.buildOrThrow();
  }

  @Override
  public ObligationStore widenedUpperBound(ObligationStore previous) {
    return leastUpperBound(previous);
  }

  @Override
  public boolean canAlias(JavaExpression a, JavaExpression b) {
    return true;
  }

  @Override
  public String visualize(CFGVisualizer<?, ObligationStore, ?> viz) {
    return toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ObligationStore other
        && open.equals(other.open)
        && pointsTo.equals(other.pointsTo)
        && closesAlso.equals(other.closesAlso)
        && tested.equals(other.tested)
        && dormant.equals(other.dormant)
        && boundBy.equals(other.boundBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(open, pointsTo, closesAlso, tested, dormant, boundBy);
  }

  @Override
  public String toString() {
    return "open=" + open.keySet() + " pointsTo=" + pointsTo + " tested=" + tested;
  }
}
