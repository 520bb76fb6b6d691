package dev.leakguard.flow;

import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import dev.leakguard.flow.ObligationSpec.Acquisition;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One acquisition site in the analysed method. Identity is the site: a loop that acquires on every
 * iteration has one obligation, open again after each acquisition. The two flags record what the
 * fixed point saw anywhere in the method, so that a lock method that never releases (a hand-off)
 * can be told from one that releases on some paths.
 */
final class Obligation {
  /** The acquiring expression, or the declaration of a parameter owned from the method's entry. */
  final Tree site;
  final int position;
  final Acquisition acquisition;
  final @Nullable AccessKey key;
  /** What closing also releases it ({@link ObligationSpec#closedWith}); null if nothing does. */
  final @Nullable AccessKey closedWith;
  /** The first local variable the acquired value was stored in, for messages. */
  @Nullable String variableName;
  /**
   * What took it out of sight without releasing it, for messages: a holder of the compilation that
   * does not close it ("`new Parser(...)` keeps it, but no code of `Parser` closes it"), a
   * conditional that is it on some paths only; null when nothing did.
   */
  @Nullable String lostThrough;
  /**
   * A conditional expression chose it on some paths only ({@code b ? new Foo() : x}): where it
   * did not, nothing names it, and that normal path is the leak to report.
   */
  boolean chosenOnSomePaths;
  /** Some path released it with its spec's release call. */
  boolean everReleased;
  /** The release calls that released it on some path, in the order the analysis met them. */
  final Set<MethodInvocationTree> releases = new LinkedHashSet<>();
  /** Some path released it or handed it off. */
  boolean everDischarged;
  /** Some path handed it off: returned, stored, given to an owner, captured. */
  boolean everHandedOff;
  /**
   * Where a constructor first stored it in a field of the object it builds, or -1: failures after
   * that leave it with an object that is never returned.
   */
  int storedInConstructedField = -1;

  Obligation(
      Tree site,
      int position,
      Acquisition acquisition,
      @Nullable AccessKey key,
      @Nullable AccessKey closedWith) {
    this.site = site;
    this.position = position;
    this.acquisition = acquisition;
    this.key = key;
    this.closedWith = closedWith;
  }

  void releasedBy(MethodInvocationTree call) {
    everReleased = true;
    releases.add(call);
  }

  @Override
  public String toString() {
    return "Obligation@" + position;
  }
}
