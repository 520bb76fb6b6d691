package dev.leakguard.flow;

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
 * the path that put them at risk), and which obligations each local variable may refer to.
 *
 * <p>It is a may-analysis: after a merge an obligation is open if it is open on any incoming path,
 * and a variable refers to everything it refers to on any path. Mutable, but every transfer works
 * on a {@link #copy()}.
 */
final class ObligationStore implements Store<ObligationStore> {

  /** The event that makes an open obligation leak if the method exits now. */
  record Witness(Leak.Path path, Tree tree, int position) {
    static @Nullable Witness earlier(@Nullable Witness a, @Nullable Witness b) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      if (a.position != b.position) {
        return a.position < b.position ? a : b;
      }
      return a.path.ordinal() <= b.path.ordinal() ? a : b;
    }
  }

  /** Open obligations; the value is the risk witness, or {@link #NO_WITNESS}. */
  private final Map<Obligation, Object> open;

  private final Map<Element, Set<Obligation>> pointsTo;

  private static final Object NO_WITNESS = new Object();

  ObligationStore() {
    this(new HashMap<>(), new HashMap<>());
  }

  private ObligationStore(Map<Obligation, Object> open, Map<Element, Set<Obligation>> pointsTo) {
    this.open = open;
    this.pointsTo = pointsTo;
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

  @Nullable Witness witness(Obligation obligation) {
    Object witness = open.get(obligation);
    return witness instanceof Witness w ? w : null;
  }

  void acquire(Obligation obligation) {
    open.put(obligation, NO_WITNESS);
  }

  /** Closes the given obligations; returns those that were open. */
  Set<Obligation> discharge(Collection<Obligation> obligations) {
    Set<Obligation> closed = new HashSet<>();
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
    return closed;
  }

  void dischargeAll() {
    open.clear();
  }

  /** Marks every open obligation with the event that would leak it on this path. */
  void witnessAll(Leak.Path path, Tree tree, int position) {
    Witness witness = new Witness(path, tree, position);
    open.replaceAll((obligation, old) -> witness);
  }

  void witness(Obligation obligation, Leak.Path path, Tree tree, int position) {
    if (open.containsKey(obligation)) {
      open.put(obligation, new Witness(path, tree, position));
    }
  }

  Set<Obligation> pointsTo(Element variable) {
    Set<Obligation> targets = pointsTo.get(variable);
    return targets == null ? Set.of() : targets;
  }

  void assign(Element variable, Set<Obligation> targets) {
    if (targets.isEmpty()) {
      pointsTo.remove(variable);
    } else {
      pointsTo.put(variable, new HashSet<>(targets));
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
    return new ObligationStore(new HashMap<>(open), pointsToCopy);
  }

  @Override
  public ObligationStore leastUpperBound(ObligationStore other) {
    ObligationStore result = copy();
    other.open.forEach(
        (obligation, witness) ->
            result.open.merge(
                obligation,
                witness,
                (a, b) -> {
                  Witness earlier =
                      Witness.earlier(
                          a instanceof Witness wa ? wa : null, b instanceof Witness wb ? wb : null);
                  return earlier == null ? NO_WITNESS : earlier;
                }));
    other.pointsTo.forEach(
        (variable, targets) ->
            result.pointsTo.computeIfAbsent(variable, v -> new HashSet<>()).addAll(targets));
    return result;
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
        && pointsTo.equals(other.pointsTo);
  }

  @Override
  public int hashCode() {
    return Objects.hash(open, pointsTo);
  }

  @Override
  public String toString() {
    return "open=" + open.keySet() + " pointsTo=" + pointsTo;
  }
}
