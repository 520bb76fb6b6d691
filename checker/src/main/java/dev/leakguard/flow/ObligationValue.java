package dev.leakguard.flow;

import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;
import org.checkerframework.errorprone.dataflow.analysis.AbstractValue;

/** The obligations an expression's value may refer to. */
record ObligationValue(ImmutableSet<Obligation> obligations) implements AbstractValue<ObligationValue> {

  static ObligationValue of(Iterable<Obligation> obligations) {
    return new ObligationValue(ImmutableSet.copyOf(obligations));
  }

  @Override
  public ObligationValue leastUpperBound(ObligationValue other) {
    return new ObligationValue(Sets.union(obligations, other.obligations).immutableCopy());
  }
}
