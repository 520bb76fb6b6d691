package dev.leakguard.trees;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.tools.javac.code.Symbol.TypeSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import com.sun.tools.javac.util.Context;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Type tests by class name, for types the checks know only by name (JDK and library types). */
public final class TypeNames {

  /**
   * Answers already given in this compilation, by class name and then by the tested type's class.
   * The checks ask the same few names about nearly every call and {@code new} of every method;
   * kept in javac's {@link Context}, never in static state, as javac may run several compilations
   * in one JVM.
   */
  private static final Context.Key<Map<String, Answers>> ANSWERS = new Context.Key<>();

  /**
   * The answers about one class name, and the class's erased type, looked up once: a lookup by
   * name cost as much as the subtype test itself.
   */
  private static final class Answers {
    final Map<TypeSymbol, Boolean> byClass = new IdentityHashMap<>();
    boolean resolved;
    @Nullable Type erasedTarget;

    @Nullable Type target(String className, VisitorState state) {
      if (!resolved) {
        Type target = state.getTypeFromString(className);
        erasedTarget = target == null ? null : state.getTypes().erasure(target);
        resolved = true;
      }
      return erasedTarget;
    }
  }

  private TypeNames() {}

  /** The classes every array type extends or implements (JLS 4.10.3). */
  private static final ImmutableSet<String> ARRAY_SUPERTYPES =
      ImmutableSet.of("java.lang.Object", "java.lang.Cloneable", "java.io.Serializable");

  /**
   * Whether {@code type} is {@code className} or a subtype of it, generics erased; false when
   * either is unknown (a class not on the compile classpath).
   */
  public static boolean isSubtype(@Nullable Type type, String className, VisitorState state) {
    if (type == null || type.isPrimitiveOrVoid()) {
      return false; // never a subtype of a class
    }
    if (type.hasTag(TypeTag.ARRAY)) {
      // `s.getBytes()`, `list.toArray()`: an array is a subtype of these three classes only.
      return ARRAY_SUPERTYPES.contains(className);
    }
    // Erasure keeps a class type's symbol, and the erased test depends on nothing else: the
    // answer for one class holds for all its parameterizations. Other types are not remembered.
    Type erased = type.hasTag(TypeTag.CLASS) ? type : state.getTypes().erasure(type);
    Answers answers = answers(state).computeIfAbsent(className, k -> new Answers());
    Map<TypeSymbol, Boolean> known = erased.hasTag(TypeTag.CLASS) ? answers.byClass : null;
    Boolean answer = known == null ? null : known.get(erased.tsym);
    if (answer != null) {
      return answer;
    }
    Type target = answers.target(className, state);
    if (target == null) {
      // Not on the classpath (Android's TypedArray in a server project): the checks run once
      // every class of the compilation is entered, so it will not be found later either.
      if (known != null) {
        known.put(erased.tsym, false);
      }
      return false;
    }
    boolean subtype = ASTHelpers.isSubtype(state.getTypes().erasure(type), target, state);
    if (known != null) {
      known.put(erased.tsym, subtype);
    }
    return subtype;
  }

  /**
   * A test of a type against a few class names at once ({@link #isSubtype} of any of them), for
   * the tests asked of nearly every call's type: one lookup per call instead of one per name. Its
   * answers are kept per class in javac's {@link Context}, like {@link #isSubtype}'s.
   */
  public static final class AnyOf {
    private final ImmutableSet<String> classNames;
    private final Context.Key<Map<TypeSymbol, Boolean>> answersKey = new Context.Key<>();

    private AnyOf(ImmutableSet<String> classNames) {
      this.classNames = classNames;
    }

    /** Whether {@code type} is one of the classes or a subtype of one, generics erased. */
    public boolean test(@Nullable Type type, VisitorState state) {
      if (type == null || type.isPrimitiveOrVoid()) {
        return false;
      }
      if (!type.hasTag(TypeTag.CLASS)) {
        return testEach(type, state); // arrays, type variables: not remembered
      }
      Map<TypeSymbol, Boolean> known = state.context.get(answersKey);
      if (known == null) {
        known = new IdentityHashMap<>();
        state.context.put(answersKey, known);
      }
      Boolean answer = known.get(type.tsym);
      if (answer == null) {
        answer = testEach(type, state);
        known.put(type.tsym, answer);
      }
      return answer;
    }

    private boolean testEach(Type type, VisitorState state) {
      for (String className : classNames) {
        if (isSubtype(type, className, state)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The test of a type against any of {@code classNames}; make it once, in a constant. */
  public static AnyOf anyOf(String... classNames) {
    return new AnyOf(ImmutableSet.copyOf(classNames));
  }

  /**
   * The primitive a boxed type stands for, or the type itself: {@code Types.unboxedTypeOrType},
   * which tests a type against each of the nine box classes, without those tests for a primitive
   * (none of them is its supertype).
   */
  public static Type unboxedOrSelf(Type type, VisitorState state) {
    if (type.isPrimitive()
        || (type.getTag() == TypeTag.CLASS && !BOXES.contains(type.tsym.getQualifiedName().toString()))) {
      // The boxes are final: no other class unboxes, and javac's own test looks each box up as a
      // supertype, which is slow on deep hierarchies and asked for every local read.
      return type;
    }
    return state.getTypes().unboxedTypeOrType(type);
  }

  private static final ImmutableSet<String> BOXES =
      ImmutableSet.of(
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Character",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double");

  private static Map<String, Answers> answers(VisitorState state) {
    Map<String, Answers> answers = state.context.get(ANSWERS);
    if (answers == null) {
      answers = new HashMap<>();
      state.context.put(ANSWERS, answers);
    }
    return answers;
  }
}
