package dev.leakguard.race;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.leakguard.trees.TypeNames;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * One access to a field that can hold shared rate-limit state: a plain field read or written, an
 * atomic's {@code get()} or {@code set(...)}, a collection's {@code size()} or {@code add(...)}, an
 * array element. {@link #of} recognises the access from the field's tree; it never throws.
 *
 * @param tree the expression that performs the access: the field reference for plain reads, the
 *     assignment / increment for plain writes, the method invocation for atomics and collections,
 *     the array access for arrays
 * @param field the field, or a local holding a collection or atomic taken from a shared map field
 *     ({@code Deque<Long> q = perKey.computeIfAbsent(key, …)})
 * @param receiver whose field it is: {@link #SELF} for {@code x} / {@code this.x} / {@code
 *     Outer.this.x}, {@link #STATIC} for static fields, the receiver's symbol for {@code b.x}, or a
 *     fresh object when the receiver is some other expression (never equal to another access's)
 * @param kind what the access does
 * @param cell how the field holds its state
 * @param value the value written ({@code now} in {@code last = now} or {@code last.set(now)}), or
 *     null
 * @param compound whether a write also reads the old value as part of one expression ({@code x++},
 *     {@code x += n}, {@code incrementAndGet()})
 */
public record RateStateAccess(
    ExpressionTree tree,
    VarSymbol field,
    Object receiver,
    Kind kind,
    Cell cell,
    @Nullable ExpressionTree value,
    boolean compound) {

  /** The receiver of an access to the enclosing instance's own field. */
  public static final String SELF = "this";

  /** The receiver of an access to a static field. */
  public static final String STATIC = "static";

  /** What an access does to the state. */
  public enum Kind {
    /** Reads the current value and nothing else. */
    READ,
    /** Replaces or updates the value without checking that it is still the one decided on. */
    WRITE,
    /**
     * An atomic update that checks or recomputes the value in the same step: {@code
     * compareAndSet}, {@code updateAndGet}, {@code accumulateAndGet}, {@code Map.compute}.
     */
    ATOMIC_UPDATE
  }

  /** How a field holds its state. */
  public enum Cell {
    /** A mutable (non-final) field holding the value itself. */
    PLAIN,
    /** An {@code AtomicLong}, {@code AtomicInteger}, {@code AtomicReference}, {@code LongAdder}… */
    ATOMIC,
    /** A collection or map field, e.g. a deque of request timestamps. */
    COLLECTION,
    /** An array field whose elements are the state, e.g. per-slot counters of a sliding window. */
    ARRAY
  }

  private static final ImmutableSet<String> ATOMIC_READS =
      ImmutableSet.of(
          "get", "getPlain", "getOpaque", "getAcquire", "intValue", "longValue", "doubleValue",
          "floatValue", "sum", "longValueExact");

  private static final ImmutableSet<String> ATOMIC_UPDATES =
      ImmutableSet.of(
          "compareAndSet", "weakCompareAndSet", "weakCompareAndSetPlain",
          "weakCompareAndSetVolatile", "weakCompareAndSetAcquire", "weakCompareAndSetRelease",
          "compareAndExchange", "compareAndExchangeAcquire", "compareAndExchangeRelease",
          "updateAndGet", "getAndUpdate", "accumulateAndGet", "getAndAccumulate", "accumulate");

  private static final ImmutableSet<String> ATOMIC_WRITES =
      ImmutableSet.of(
          "set", "lazySet", "setPlain", "setOpaque", "setRelease", "getAndSet", "incrementAndGet",
          "decrementAndGet", "getAndIncrement", "getAndDecrement", "addAndGet", "getAndAdd",
          "increment", "decrement", "add", "reset", "sumThenReset");

  private static final ImmutableSet<String> ATOMIC_STEPS =
      ImmutableSet.of(
          "incrementAndGet", "decrementAndGet", "getAndIncrement", "getAndDecrement", "addAndGet",
          "getAndAdd", "increment", "decrement", "add");

  private static final ImmutableSet<String> COLLECTION_READS =
      ImmutableSet.of(
          "size", "isEmpty", "peek", "peekFirst", "peekLast", "getFirst", "getLast", "element",
          "first", "last", "get", "getOrDefault", "containsKey", "contains", "floor", "ceiling",
          "lower", "higher", "headSet", "tailSet", "subSet", "headMap", "tailMap", "stream",
          "iterator", "firstKey", "lastKey", "firstEntry", "lastEntry");

  private static final ImmutableSet<String> COLLECTION_WRITES =
      ImmutableSet.of(
          "add", "addFirst", "addLast", "offer", "offerFirst", "offerLast", "push", "poll",
          "pollFirst", "pollLast", "pop", "remove", "removeFirst", "removeLast", "removeIf", "clear",
          "put", "set", "addAll", "removeAll", "retainAll", "replaceAll", "pollFirstEntry",
          "pollLastEntry", "replace");

  private static final ImmutableSet<String> COLLECTION_STORES =
      ImmutableSet.of(
          "add", "addFirst", "addLast", "offer", "offerFirst", "offerLast", "push", "put", "set",
          "replace");

  private static final ImmutableSet<String> COLLECTION_UPDATES =
      ImmutableSet.of("compute", "computeIfAbsent", "computeIfPresent", "merge", "putIfAbsent");

  /** Whether this access is a write that steps a counter ({@code n++}, {@code n -= k}, {@code incrementAndGet()}). */
  public boolean isStep() {
    return kind == Kind.WRITE && compound;
  }

  /**
   * The access that the field reference at the end of {@code path} performs, or null when it is
   * not a field, the field cannot hold mutable state, or the access neither reads nor writes it
   * (an atomic passed along as a reference).
   */
  public static @Nullable RateStateAccess of(
      TreePath path, VisitorState state, Set<VarSymbol> sharedLocals) {
    Tree leaf = path.getLeaf();
    if (!(leaf instanceof IdentifierTree) && !(leaf instanceof MemberSelectTree)) {
      return null;
    }
    Symbol symbol = ASTHelpers.getSymbol(leaf);
    if (!(symbol instanceof VarSymbol field)) {
      return null;
    }
    boolean sharedLocal = field.getKind() != ElementKind.FIELD && sharedLocals.contains(field);
    if (field.getKind() != ElementKind.FIELD && !sharedLocal) {
      return null;
    }
    Cell cell = cellOf(field, state);
    if (cell == null || (sharedLocal && cell != Cell.COLLECTION && cell != Cell.ATOMIC)) {
      return null;
    }
    Object receiver = sharedLocal ? field : receiverOf((ExpressionTree) leaf, field);
    ExpressionTree ref = (ExpressionTree) leaf;
    TreePath parentPath = path.getParentPath();
    if (parentPath == null) {
      return null;
    }
    Tree parent = parentPath.getLeaf();
    return switch (cell) {
      case PLAIN -> plainAccess(ref, parent, field, receiver);
      case ATOMIC, COLLECTION -> callAccess(ref, parentPath, field, receiver, cell);
      case ARRAY -> arrayAccess(ref, parentPath, field, receiver);
    };
  }

  private static @Nullable RateStateAccess plainAccess(
      ExpressionTree ref, Tree parent, VarSymbol field, Object receiver) {
    if (parent instanceof AssignmentTree assignment && assignment.getVariable() == ref) {
      return new RateStateAccess(
          assignment, field, receiver, Kind.WRITE, Cell.PLAIN, assignment.getExpression(), false);
    }
    if (parent instanceof CompoundAssignmentTree compound && compound.getVariable() == ref) {
      return new RateStateAccess(
          compound, field, receiver, Kind.WRITE, Cell.PLAIN, compound.getExpression(), true);
    }
    if (parent instanceof UnaryTree unary && isIncrementOrDecrement(unary)) {
      return new RateStateAccess(unary, field, receiver, Kind.WRITE, Cell.PLAIN, null, true);
    }
    return new RateStateAccess(ref, field, receiver, Kind.READ, Cell.PLAIN, null, false);
  }

  private static @Nullable RateStateAccess callAccess(
      ExpressionTree ref, TreePath parentPath, VarSymbol field, Object receiver, Cell cell) {
    if (!(parentPath.getLeaf() instanceof MemberSelectTree select)
        || select.getExpression() != ref
        || parentPath.getParentPath() == null
        || !(parentPath.getParentPath().getLeaf() instanceof MethodInvocationTree call)
        || call.getMethodSelect() != select) {
      return null;
    }
    String name = select.getIdentifier().toString();
    ExpressionTree firstArg = call.getArguments().isEmpty() ? null : call.getArguments().get(0);
    ExpressionTree lastArg =
        call.getArguments().isEmpty() ? null : call.getArguments().get(call.getArguments().size() - 1);
    if (cell == Cell.ATOMIC) {
      if (ATOMIC_READS.contains(name) && call.getArguments().isEmpty()) {
        return new RateStateAccess(call, field, receiver, Kind.READ, cell, null, false);
      }
      if (ATOMIC_UPDATES.contains(name)) {
        return new RateStateAccess(call, field, receiver, Kind.ATOMIC_UPDATE, cell, lastArg, true);
      }
      if (ATOMIC_WRITES.contains(name)) {
        return new RateStateAccess(
            call, field, receiver, Kind.WRITE, cell, firstArg, ATOMIC_STEPS.contains(name));
      }
      return null;
    }
    if (COLLECTION_UPDATES.contains(name)
        || (name.equals("replace") && call.getArguments().size() == 3)
        || (name.equals("remove") && call.getArguments().size() == 2 && isConcurrentMap(field))) {
      return new RateStateAccess(call, field, receiver, Kind.ATOMIC_UPDATE, cell, lastArg, false);
    }
    if (COLLECTION_WRITES.contains(name)) {
      // Only what is stored is a value; `remove(key)` and `poll()` store nothing.
      ExpressionTree stored = COLLECTION_STORES.contains(name) ? lastArg : null;
      if (name.startsWith("offer") && call.getArguments().size() == 3) {
        stored = firstArg; // offer(e, timeout, unit)
      }
      return new RateStateAccess(call, field, receiver, Kind.WRITE, cell, stored, false);
    }
    if (COLLECTION_READS.contains(name)) {
      return new RateStateAccess(call, field, receiver, Kind.READ, cell, null, false);
    }
    return null;
  }

  private static @Nullable RateStateAccess arrayAccess(
      ExpressionTree ref, TreePath parentPath, VarSymbol field, Object receiver) {
    if (!(parentPath.getLeaf() instanceof ArrayAccessTree element)
        || element.getExpression() != ref
        || parentPath.getParentPath() == null) {
      return null;
    }
    Tree grand = parentPath.getParentPath().getLeaf();
    if (grand instanceof AssignmentTree assignment && assignment.getVariable() == element) {
      return new RateStateAccess(
          assignment, field, receiver, Kind.WRITE, Cell.ARRAY, assignment.getExpression(), false);
    }
    if (grand instanceof CompoundAssignmentTree compound && compound.getVariable() == element) {
      return new RateStateAccess(
          compound, field, receiver, Kind.WRITE, Cell.ARRAY, compound.getExpression(), true);
    }
    if (grand instanceof UnaryTree unary && isIncrementOrDecrement(unary)) {
      return new RateStateAccess(unary, field, receiver, Kind.WRITE, Cell.ARRAY, null, true);
    }
    return new RateStateAccess(element, field, receiver, Kind.READ, Cell.ARRAY, null, false);
  }

  private static boolean isConcurrentMap(VarSymbol field) {
    String name = field.type == null || field.type.tsym == null ? "" : field.type.tsym.getQualifiedName().toString();
    return name.startsWith("java.util.concurrent.");
  }

  static boolean isIncrementOrDecrement(UnaryTree unary) {
    return switch (unary.getKind()) {
      case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> true;
      default -> false;
    };
  }

  /** How {@code field} holds state, or null when it cannot hold mutable state. */
  static @Nullable Cell cellOf(VarSymbol field, VisitorState state) {
    Type type = field.type;
    if (type == null) {
      return null;
    }
    String name = type.tsym == null ? "" : type.tsym.getQualifiedName().toString();
    if (name.startsWith("java.util.concurrent.atomic.") && !name.endsWith("FieldUpdater")) {
      return Cell.ATOMIC;
    }
    if (isSubtypeOf(type, "java.util.Collection", state) || isSubtypeOf(type, "java.util.Map", state)) {
      return Cell.COLLECTION;
    }
    if (type.getKind() == javax.lang.model.type.TypeKind.ARRAY) {
      Type component = state.getTypes().elemtype(type);
      return component != null && isNumeric(component, state) ? Cell.ARRAY : null;
    }
    if (field.getModifiers().contains(Modifier.FINAL)) {
      return null;
    }
    if (isNumeric(type, state) || name.startsWith("java.time.")) {
      return Cell.PLAIN;
    }
    return null;
  }

  /** Whether {@code type} is a primitive or boxed number. */
  static boolean isNumeric(Type type, VisitorState state) {
    Type unboxed = TypeNames.unboxedOrSelf(type, state);
    return switch (unboxed.getKind()) {
      case INT, LONG, SHORT, BYTE, DOUBLE, FLOAT, CHAR -> true;
      default -> false;
    };
  }

  /**
   * Whether a type variable could stand for a number or a time: one bounded only by {@code Object}
   * or interfaces ({@code T}, {@code T extends Comparable<T>}), or by a numeric or {@code java.time}
   * class. {@code C extends Chunk<C>} cannot (h2 FileStore's chunk map is not a clock).
   */
  static boolean isOpenTypeVariable(Type type, VisitorState state) {
    if (type.getKind() != javax.lang.model.type.TypeKind.TYPEVAR) {
      return false;
    }
    Type bound = state.getTypes().erasure(type);
    if (bound.tsym == null
        || bound.tsym.isInterface()
        || bound.tsym.getQualifiedName().contentEquals("java.lang.Object")
        || isNumeric(bound, state)
        || bound.tsym.getQualifiedName().toString().equals("java.lang.Number")) {
      return true;
    }
    return bound.tsym.getQualifiedName().toString().startsWith("java.time.");
  }

  private static boolean isSubtypeOf(Type type, String name, VisitorState state) {
    return TypeNames.isSubtype(type, name, state);
  }

  private static Object receiverOf(ExpressionTree ref, VarSymbol field) {
    if (ASTHelpers.isStatic(field)) {
      return STATIC;
    }
    if (ref instanceof IdentifierTree) {
      return SELF;
    }
    ExpressionTree receiver = ASTHelpers.stripParentheses(((MemberSelectTree) ref).getExpression());
    if (receiver instanceof IdentifierTree id
        && (id.getName().contentEquals("this") || id.getName().contentEquals("super"))) {
      return SELF;
    }
    if (receiver instanceof MemberSelectTree select
        && (select.getIdentifier().contentEquals("this") || select.getIdentifier().contentEquals("super"))) {
      return SELF;
    }
    Symbol symbol = ASTHelpers.getSymbol(receiver);
    if (symbol instanceof VarSymbol) {
      return symbol;
    }
    return new Object();
  }
}
