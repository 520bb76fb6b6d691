package dev.leakguard.flow;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.TypeSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.TargetType;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import com.sun.tools.javac.code.Types;
import com.sun.tools.javac.util.Context;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * The Checker Framework's must-call contract, as code written for its Resource Leak Checker
 * states it: which methods a value must have called on it ({@code @MustCall}, {@code
 * @InheritableMustCall}), which calls call them for it ({@code @EnsuresCalledMethods}), which
 * values are already done ({@code @CalledMethods}), and who owns what ({@code @Owning}, {@code
 * @NotOwning}, {@code @MustCallAlias}).
 *
 * <p>Annotations are matched by name: the plugin takes no dependency on checker-qual, and code
 * that does not use it pays one annotation scan per type it asks about. Specs consult this; the
 * engine tracks what it answers (an obligation's must-call methods, owned parameters).
 */
public final class MustCallContract {

  private static final String MUST_CALL_PACKAGE = "org.checkerframework.checker.mustcall.qual.";
  private static final String CALLED_METHODS_PACKAGE =
      "org.checkerframework.checker.calledmethods.qual.";
  private static final String MUST_CALL = MUST_CALL_PACKAGE + "MustCall";
  private static final String INHERITABLE_MUST_CALL = MUST_CALL_PACKAGE + "InheritableMustCall";
  private static final String OWNING = MUST_CALL_PACKAGE + "Owning";
  private static final String NOT_OWNING = MUST_CALL_PACKAGE + "NotOwning";
  private static final String MUST_CALL_ALIAS = MUST_CALL_PACKAGE + "MustCallAlias";
  private static final String CALLED_METHODS = CALLED_METHODS_PACKAGE + "CalledMethods";
  private static final String ENSURES_CALLED_METHODS =
      CALLED_METHODS_PACKAGE + "EnsuresCalledMethods";
  private static final String ENSURES_CALLED_METHODS_ON_EXCEPTION =
      CALLED_METHODS_PACKAGE + "EnsuresCalledMethodsOnException";

  private static final String CREATES_MUST_CALL_FOR = MUST_CALL_PACKAGE + "CreatesMustCallFor";
  private static final String CREATES_MUST_CALL_FOR_LIST = CREATES_MUST_CALL_FOR + ".List";

  private static final String THIS = "org.checkerframework.common.returnsreceiver.qual.This";

  /** The method whose call {@code ImmutableSet.of("close")} stands for: an ordinary resource. */
  public static final String CLOSE = "close";

  private static final Context.Key<Map<TypeSymbol, Optional<ImmutableSet<String>>>> DECLARED =
      new Context.Key<>();

  private static final Context.Key<Map<MethodSymbol, ImmutableList<String>>> CREATED =
      new Context.Key<>();

  private MustCallContract() {}

  /**
   * The targets to which a call of {@code method} gives a new obligation ({@code
   * @CreatesMustCallFor}, repeatable): {@code "this"} (the default), {@code "#1"} for the first
   * argument, or a field expression. Inherited as the Checker Framework inherits it: an override
   * has its supermethods' annotations of a kind (single or repeated) it does not carry itself.
   * Remembered per method for the rest of the compilation; the supermethods are looked up only for
   * a method of a class with a must-call contract or a closeable one, the classes whose methods
   * reset their own obligation: most calls are of neither.
   */
  public static ImmutableList<String> createdFor(MethodSymbol method, VisitorState state) {
    Map<MethodSymbol, ImmutableList<String>> known = state.context.get(CREATED);
    if (known == null) {
      known = new IdentityHashMap<>();
      state.context.put(CREATED, known);
    }
    ImmutableList<String> created = known.get(method);
    if (created == null) {
      created = computeCreatedFor(method, state);
      known.put(method, created);
    }
    return created;
  }

  private static ImmutableList<String> computeCreatedFor(MethodSymbol method, VisitorState state) {
    List<String> targets = new ArrayList<>();
    Set<String> kinds = new HashSet<>();
    addCreated(method, kinds, targets);
    if (method.isStatic()
        || method.isConstructor()
        || method.getModifiers().contains(Modifier.PRIVATE)
        || !(method.owner instanceof TypeSymbol owner)
        || (declaredByClass(owner, state) == null && !isCloseable(owner.type, state))) {
      return ImmutableList.copyOf(targets);
    }
    for (MethodSymbol overridden : ASTHelpers.findSuperMethods(method, state.getTypes())) {
      // The nearest supermethod's annotation of a kind is inherited; an own one hides it.
      Set<String> found = new HashSet<>();
      List<String> inherited = new ArrayList<>();
      for (AnnotationMirror annotation : overridden.getAnnotationMirrors()) {
        String kind = annotation.getAnnotationType().toString();
        if (!kinds.contains(kind)) {
          addCreated(annotation, found, inherited);
        }
      }
      kinds.addAll(found);
      targets.addAll(inherited);
    }
    return ImmutableList.copyOf(targets);
  }

  private static void addCreated(MethodSymbol method, Set<String> kinds, List<String> targets) {
    for (AnnotationMirror annotation : method.getAnnotationMirrors()) {
      addCreated(annotation, kinds, targets);
    }
  }

  /** The targets of one {@code @CreatesMustCallFor} (or its container); its kind into kinds. */
  private static void addCreated(
      AnnotationMirror annotation, Set<String> kinds, List<String> targets) {
    String name = annotation.getAnnotationType().toString();
    if (name.equals(CREATES_MUST_CALL_FOR)) {
      kinds.add(name);
      addTargets(annotation, targets);
    } else if (name.equals(CREATES_MUST_CALL_FOR_LIST)) {
      kinds.add(name);
      for (Object repeated : elementValues(annotation, "value")) {
        if (repeated instanceof AnnotationMirror one) {
          addTargets(one, targets);
        }
      }
    }
  }

  private static void addTargets(AnnotationMirror annotation, List<String> targets) {
    ImmutableSet<String> values = strings(elementValues(annotation, "value"));
    // javac keeps only the values written: `@CreatesMustCallFor` alone means "this".
    targets.addAll(values.isEmpty() ? ImmutableSet.of("this") : values);
  }

  /**
   * What one {@code @EnsuresCalledMethods} (or {@code …OnException}) promises: after the call,
   * {@code methods} have been called on {@code target} ({@code "#1"}, {@code "this"}, {@code
   * "this.field"}).
   */
  public record Ensured(String target, ImmutableSet<String> methods, boolean onException) {
    /** The argument index {@code "#n"} names, or -1 for any other target. */
    public int argumentIndex() {
      if (target.length() < 2 || target.charAt(0) != '#') {
        return -1;
      }
      try {
        return Integer.parseInt(target.substring(1)) - 1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    public boolean namesReceiver() {
      return target.equals("this");
    }
  }

  /**
   * What a {@code new} or a call owes by the contract: the must-call methods of its result, empty
   * when the contract says nothing is owed, null when no annotation speaks of it (then the spec's
   * own model decides). A {@code @NotOwning} method's result owes nothing; an {@code @Owning}
   * method's result is the caller's ({@code close()} for a closeable with no must-call
   * annotation); a {@code @MustCall} on the result type wins over the class's; what a {@code
   * @CalledMethods} on the result type says was called is not owed.
   *
   * @param explicitOnly answer only from the method's own annotations, not from the result's class
   */
  public static @Nullable ImmutableSet<String> owedBy(
      MethodSymbol method, @Nullable Type type, boolean explicitOnly, VisitorState state) {
    if (isNotOwning(method)) {
      return ImmutableSet.of();
    }
    // Read once: asked about nearly every call.
    List<? extends AnnotationMirror> onResult = returnTypeAnnotations(method);
    if (type != null
        && method.getReturnType() != null
        && method.getReturnType().hasTag(TypeTag.TYPEVAR)
        && !type.getAnnotationMirrors().isEmpty()) {
      // A type variable's result carries the annotations of its type argument: `apply(x)` on a
      // `Function<…, @MustCall Foo>` returns a Foo that owes nothing.
      onResult = type.getAnnotationMirrors();
    }
    ImmutableSet<String> owed = valuesOf(onResult, MUST_CALL);
    if (owed == null && !explicitOnly) {
      owed = mustCallOf(type, state);
    }
    if (owed == null && isOwning(method) && isCloseable(type, state)) {
      owed = ImmutableSet.of(CLOSE);
    }
    ImmutableSet<String> called = valuesOf(onResult, CALLED_METHODS);
    if (owed == null) {
      return called == null || called.isEmpty() || explicitOnly ? null : ImmutableSet.of();
    }
    return called == null ? owed : ImmutableSet.copyOf(Sets.difference(owed, called));
  }

  /**
   * The methods an {@code @Owning} parameter obliges its method to call, or null when it is not
   * owning or owes nothing: its type's must-call methods ({@code close()} for a closeable with no
   * must-call annotation), less what {@code @CalledMethods} on it says was called.
   */
  public static @Nullable ImmutableSet<String> owedByParameter(
      VarSymbol parameter, VisitorState state) {
    if (!isOwning(parameter)) {
      return null;
    }
    ImmutableSet<String> owed = mustCallOf(parameter.asType(), state);
    if (owed == null && isCloseable(parameter.asType(), state)) {
      owed = ImmutableSet.of(CLOSE);
    }
    if (owed == null) {
      return null;
    }
    Set<String> left = Sets.difference(owed, calledOnParameter(parameter));
    return left.isEmpty() ? null : ImmutableSet.copyOf(left);
  }

  /** How a call discharges by the contract: the operand, and the methods it counts as calling. */
  public record Release(ObligationSpec.Operand operand, ImmutableSet<String> methods) {}

  /**
   * The release {@code call} performs by the contract, or null: {@code foo.a()} where {@code a}
   * is a must-call method of {@code foo}'s type releases the receiver; a callee's {@code
   * @EnsuresCalledMethods(value = "#1", methods = …)} releases its first argument ({@code
   * "this"}: the receiver).
   */
  public static @Nullable Release releaseBy(MethodInvocationTree call, VisitorState state) {
    MethodSymbol method = ASTHelpers.getSymbol(call);
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    for (Ensured ensured : ensured(method)) {
      int index = ensured.argumentIndex();
      if (index >= 0 && index < call.getArguments().size()) {
        return new Release(ObligationSpec.Operand.argument(index), ensured.methods());
      }
      if (ensured.namesReceiver() && receiver != null) {
        return new Release(ObligationSpec.Operand.RECEIVER, ensured.methods());
      }
    }
    if (receiver == null) {
      return null;
    }
    String name = method.getSimpleName().toString();
    ImmutableSet<String> mustCall = mustCallOf(ASTHelpers.getType(receiver), state);
    return mustCall != null && mustCall.contains(name)
        ? new Release(ObligationSpec.Operand.RECEIVER, ImmutableSet.of(name))
        : null;
  }

  private static boolean isCloseable(@Nullable Type type, VisitorState state) {
    return type != null
        && !type.isPrimitiveOrVoid()
        && ASTHelpers.isSubtype(type, state.getSymtab().autoCloseableType, state);
  }

  /**
   * The methods a value of {@code type} must have called on it: the type use's own {@code
   * @MustCall}, else its class's (or, failing that, its supertypes') {@code @MustCall} or {@code
   * @InheritableMustCall}. Empty when an annotation says nothing is owed ({@code @MustCall({})});
   * null when no annotation says anything, so that the caller's own model decides.
   */
  public static @Nullable ImmutableSet<String> mustCallOf(@Nullable Type type, VisitorState state) {
    if (type == null || type.isPrimitiveOrVoid()) {
      return null;
    }
    ImmutableSet<String> onUse = valuesOf(type.getAnnotationMirrors(), MUST_CALL);
    if (onUse != null) {
      return onUse;
    }
    if (type.hasTag(com.sun.tools.javac.code.TypeTag.TYPEVAR)) {
      return mustCallOf(type.getUpperBound(), state);
    }
    return declaredByClass(type.tsym, state);
  }

  /** {@link #declared} of one class, remembered for the rest of the compilation. */
  private static @Nullable ImmutableSet<String> declaredByClass(
      @Nullable TypeSymbol symbol, VisitorState state) {
    if (symbol == null) {
      return null;
    }
    // Asked for the result type of nearly every call, each time walking all its supertypes'
    // annotations; kept in javac's Context, never in static state (javac may run several
    // compilations in one JVM).
    Map<TypeSymbol, Optional<ImmutableSet<String>>> known = state.context.get(DECLARED);
    if (known == null) {
      known = new IdentityHashMap<>();
      state.context.put(DECLARED, known);
    }
    Optional<ImmutableSet<String>> declared = known.get(symbol);
    if (declared == null) {
      declared = Optional.ofNullable(declared(symbol, state.getTypes(), new HashSet<>()));
      known.put(symbol, declared);
    }
    return declared.orElse(null);
  }

  /** The must-call methods a class declares, or inherits from its nearest annotated supertypes. */
  private static @Nullable ImmutableSet<String> declared(
      @Nullable TypeSymbol symbol, Types types, Set<TypeSymbol> seen) {
    if (symbol == null || !seen.add(symbol)) {
      return null;
    }
    List<? extends AnnotationMirror> annotations = symbol.getAnnotationMirrors();
    ImmutableSet<String> own = valuesOf(annotations, MUST_CALL);
    if (own == null) {
      own = valuesOf(annotations, INHERITABLE_MUST_CALL);
    }
    if (own != null) {
      return own;
    }
    Set<String> inherited = null;
    List<Type> supertypes = new ArrayList<>(types.interfaces(symbol.type));
    supertypes.add(types.supertype(symbol.type));
    for (Type supertype : supertypes) {
      if (supertype == null || supertype.tsym == null) {
        continue;
      }
      ImmutableSet<String> fromSuper = declared(supertype.tsym, types, seen);
      if (fromSuper != null) {
        if (inherited == null) {
          inherited = new LinkedHashSet<>();
        }
        inherited.addAll(fromSuper);
      }
    }
    return inherited == null ? null : ImmutableSet.copyOf(inherited);
  }

  /**
   * What the result of {@code method} owes by its own annotations, or null when they say nothing:
   * a {@code @MustCall({…})} on its return type (or, for a constructor, on the constructor).
   */
  public static @Nullable ImmutableSet<String> mustCallOfResult(MethodSymbol method) {
    return valuesOf(returnTypeAnnotations(method), MUST_CALL);
  }

  /** The methods {@code @CalledMethods} on {@code method}'s return type says were called. */
  public static ImmutableSet<String> calledOnResult(MethodSymbol method) {
    ImmutableSet<String> called = valuesOf(returnTypeAnnotations(method), CALLED_METHODS);
    return called == null ? ImmutableSet.of() : called;
  }

  /** The methods {@code @CalledMethods} on a parameter's type says were called. */
  public static ImmutableSet<String> calledOnParameter(VarSymbol parameter) {
    ImmutableSet<String> called = valuesOf(parameter.asType().getAnnotationMirrors(), CALLED_METHODS);
    return called == null ? ImmutableSet.of() : called;
  }

  /** The must-call methods a parameter's type use says ({@code @MustCall({"a"}) T p}), or null. */
  public static @Nullable ImmutableSet<String> mustCallOfParameter(
      VarSymbol parameter, VisitorState state) {
    return mustCallOf(parameter.asType(), state);
  }

  /** {@code @Owning} on a method (its result is the caller's) or a parameter (the callee's). */
  public static boolean isOwning(Symbol symbol) {
    return hasAnnotation(symbol.getAnnotationMirrors(), OWNING);
  }

  /** {@code @NotOwning} on a method (its result stays its own) or a parameter. */
  public static boolean isNotOwning(Symbol symbol) {
    return hasAnnotation(symbol.getAnnotationMirrors(), NOT_OWNING);
  }

  /**
   * Whether the result of {@code method} is the same resource as its argument {@code index}
   * ({@code @MustCallAlias} on both the parameter and the constructor or method): releasing
   * either releases both.
   */
  public static boolean aliasesParameter(MethodSymbol method, int index) {
    List<VarSymbol> parameters = method.getParameters();
    if (index < 0 || index >= parameters.size()) {
      return false;
    }
    // The parameter first: it is seldom annotated, and the result's annotations cost a list.
    return (hasAnnotation(parameters.get(index).getAnnotationMirrors(), MUST_CALL_ALIAS)
            || hasAnnotation(parameters.get(index).asType().getAnnotationMirrors(), MUST_CALL_ALIAS))
        && (method.getKind() == ElementKind.CONSTRUCTOR
            || hasAnnotation(method.getAnnotationMirrors(), MUST_CALL_ALIAS)
            || hasAnnotation(returnTypeAnnotations(method), MUST_CALL_ALIAS));
  }

  /**
   * Whether the result of {@code method} is one of its arguments by another name ({@code
   * @MustCallAlias} on a parameter and on the constructor or method): then it is no new
   * obligation, only the argument's.
   */
  public static boolean aliasesAnyParameter(MethodSymbol method) {
    for (int i = 0; i < method.getParameters().size(); i++) {
      if (aliasesParameter(method, i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code method} returns its receiver: {@code @This} on its return type, or {@code
   * @MustCallAlias} on both the method and its receiver parameter.
   */
  public static boolean returnsReceiver(MethodSymbol method) {
    if (hasAnnotation(returnTypeAnnotations(method), THIS)) {
      return true;
    }
    if (!hasAnnotation(method.getAnnotationMirrors(), MUST_CALL_ALIAS)
        && !hasAnnotation(returnTypeAnnotations(method), MUST_CALL_ALIAS)) {
      return false;
    }
    for (Attribute.TypeCompound attribute : method.getRawTypeAttributes()) {
      if (attribute.position != null
          && attribute.position.type == TargetType.METHOD_RECEIVER
          && attribute.getAnnotationType().toString().equals(MUST_CALL_ALIAS)) {
        return true;
      }
    }
    return false;
  }

  /** What {@code method}'s {@code @EnsuresCalledMethods} and {@code …OnException} promise. */
  public static ImmutableList<Ensured> ensured(MethodSymbol method) {
    ImmutableList.Builder<Ensured> ensured = ImmutableList.builder();
    for (AnnotationMirror annotation : method.getAnnotationMirrors()) {
      String name = annotation.getAnnotationType().toString();
      if (name.equals(ENSURES_CALLED_METHODS) || name.equals(ENSURES_CALLED_METHODS_ON_EXCEPTION)) {
        addEnsured(annotation, name.equals(ENSURES_CALLED_METHODS_ON_EXCEPTION), ensured);
      } else if (name.equals(ENSURES_CALLED_METHODS + ".List")
          || name.equals(ENSURES_CALLED_METHODS_ON_EXCEPTION + ".List")) {
        boolean onException = name.startsWith(ENSURES_CALLED_METHODS_ON_EXCEPTION);
        for (Object repeated : elementValues(annotation, "value")) {
          if (repeated instanceof AnnotationMirror one) {
            addEnsured(one, onException, ensured);
          }
        }
      }
    }
    return ensured.build();
  }

  private static void addEnsured(
      AnnotationMirror annotation, boolean onException, ImmutableList.Builder<Ensured> ensured) {
    ImmutableSet<String> methods = strings(elementValues(annotation, "methods"));
    for (String target : strings(elementValues(annotation, "value"))) {
      ensured.add(new Ensured(target, methods, onException));
    }
  }

  /**
   * The type annotations javac keeps for a method's return type: on the method symbol, for
   * source and class files alike ({@code @MustCall({}) Socket make()}, and a constructor's own
   * {@code public @MustCall({}) Foo()}).
   */
  private static List<? extends AnnotationMirror> returnTypeAnnotations(MethodSymbol method) {
    List<AnnotationMirror> annotations = new ArrayList<>(method.getReturnType().getAnnotationMirrors());
    // A copy of the annotation declared for methods rather than type uses lands on the method.
    annotations.addAll(method.getAnnotationMirrors());
    for (Attribute.TypeCompound attribute : method.getRawTypeAttributes()) {
      if (attribute.position != null
          && attribute.position.type == TargetType.METHOD_RETURN
          && attribute.position.location.isEmpty()) {
        annotations.add(attribute);
      }
    }
    return annotations;
  }

  /** The string values of the first annotation named {@code name}, or null when there is none. */
  private static @Nullable ImmutableSet<String> valuesOf(
      List<? extends AnnotationMirror> annotations, String name) {
    for (AnnotationMirror annotation : annotations) {
      if (annotation.getAnnotationType().toString().equals(name)) {
        return strings(elementValues(annotation, "value"));
      }
    }
    return null;
  }

  private static boolean hasAnnotation(List<? extends AnnotationMirror> annotations, String name) {
    for (AnnotationMirror annotation : annotations) {
      if (annotation.getAnnotationType().toString().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** An element's value as a list: javac keeps {@code "a"} for a {@code String[]} as {@code {"a"}}. */
  private static List<Object> elementValues(AnnotationMirror annotation, String element) {
    List<Object> values = new ArrayList<>();
    for (var entry : annotation.getElementValues().entrySet()) {
      if (!entry.getKey().getSimpleName().contentEquals(element)) {
        continue;
      }
      Object value = entry.getValue().getValue();
      if (value instanceof List<?> list) {
        for (Object item : list) {
          values.add(item instanceof AnnotationValue annotationValue ? annotationValue.getValue() : item);
        }
      } else {
        values.add(value);
      }
    }
    return values;
  }

  private static ImmutableSet<String> strings(List<Object> values) {
    ImmutableSet.Builder<String> strings = ImmutableSet.builder();
    for (Object value : values) {
      if (value instanceof String string) {
        strings.add(string);
      }
    }
    return strings.build();
  }
}
