package dev.leakguard.fix;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.AppliedFix;
import com.google.errorprone.fixes.Fix;
import com.google.errorprone.fixes.Replacement;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.CompilationUnitTree;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * A compilation unit's end positions, in the form the running Error Prone's fix API takes them:
 * its own {@code ErrorProneEndPosTable} (Error Prone 2.44 and later, which no longer reads javac's
 * table) or javac's {@code EndPosTable} (2.42 and 2.43, on the JDKs that still have one). LeakGuard
 * supports both ends of that range (docs/compatibility.md), and the two types cannot both be named
 * in one source, so the calls that take the table go through reflection, here and nowhere else
 * (and the read of a finding's position, whose type changed with it).
 */
public final class EndPositions {

  private static final String ERROR_PRONE_TABLE = "com.google.errorprone.fixes.ErrorProneEndPosTable";
  private static final String JAVAC_TABLE = "com.sun.tools.javac.tree.EndPosTable";

  private final Class<?> type;
  private final Object table;

  private EndPositions(Class<?> type, Object table) {
    this.type = type;
    this.table = table;
  }

  /** The end positions of the compilation unit {@code state} is in. */
  public static EndPositions of(VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    Class<?> type = tableType();
    try {
      Object table =
          type.getName().equals(ERROR_PRONE_TABLE)
              ? type.getMethod("create", CompilationUnitTree.class).invoke(null, unit)
              : unit.getClass().getField("endPositions").get(unit);
      return new EndPositions(type, table);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the end positions of this compilation unit", e);
    }
  }

  /**
   * Where javac reports {@code description}: its position's preferred position. The field's type
   * changed with the table's (javac's {@code DiagnosticPosition} up to 2.43, Error Prone's {@code
   * ErrorPronePosition} since), and both have {@code getPreferredPosition()}, so it is read
   * reflectively too.
   */
  static int reportedAt(Description description) {
    try {
      Field field = Description.class.getField("position");
      // Through the field's declared (public) interface: the value's class may not be public.
      Method preferred = field.getType().getMethod("getPreferredPosition");
      return (int) preferred.invoke(field.get(description));
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this Error Prone's Description has no position", e);
    }
  }

  /** A table that knows no tree: for fixes built from offsets alone (tests). */
  public static EndPositions none() {
    Class<?> type = tableType();
    Object table =
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                method.getReturnType() == int.class
                    ? -1
                    : method.getName().equals("toString") ? "no end positions" : null);
    return new EndPositions(type, table);
  }

  /** {@code fix}'s edits, as Error Prone computes them. */
  @SuppressWarnings("unchecked")
  ImmutableSet<Replacement> replacements(Fix fix) {
    return (ImmutableSet<Replacement>) call(Fix.class, "getReplacements", fix);
  }

  /** What javac's diagnostic does with {@code fix}: the "Did you mean" preview. */
  void preview(CharSequence source, Fix fix) {
    call(AppliedFix.class, "apply", null, source, fix);
    call(AppliedFix.class, "applyReplacements", null, source, fix);
  }

  /**
   * Calls {@code owner.name(...)}, whose parameters are the given arguments with the table in the
   * position its type takes: {@code fix.getReplacements(table)}, {@code AppliedFix.apply(source,
   * table, fix)}. An exception of the call itself is rethrown as it is.
   */
  private Object call(Class<?> owner, String name, Object receiver, Object... arguments) {
    for (PublicMethod candidate : PUBLIC_METHODS.get(owner)) {
      Method method = candidate.method();
      Class<?>[] parameters = candidate.parameters();
      if (!method.getName().equals(name) || parameters.length != arguments.length + 1) {
        continue;
      }
      Object[] actual = new Object[parameters.length];
      int next = 0;
      boolean fits = true;
      for (int i = 0; i < parameters.length; i++) {
        if (parameters[i] == type) {
          actual[i] = table;
        } else if (next < arguments.length && parameters[i].isInstance(arguments[next])) {
          actual[i] = arguments[next++];
        } else {
          fits = false;
          break;
        }
      }
      if (!fits || next != arguments.length) {
        continue;
      }
      try {
        return method.invoke(receiver, actual);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException(e.getCause());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("this Error Prone has no " + owner.getSimpleName() + "." + name);
  }

  /** A public method and its parameter types, which {@link Method#getParameterTypes} copies. */
  private record PublicMethod(Method method, Class<?>[] parameters) {}

  /**
   * Each class's public methods with their parameter types, looked up once: {@code
   * Class.getMethods()} and {@code getParameterTypes()} copy what they return, and {@link #call}
   * runs for each fix that is previewed or compared. A {@link ClassValue} keeps the answer with the
   * class itself, so nothing outlives it.
   */
  private static final ClassValue<List<PublicMethod>> PUBLIC_METHODS =
      new ClassValue<>() {
        @Override
        protected List<PublicMethod> computeValue(Class<?> type) {
          List<PublicMethod> methods = new ArrayList<>();
          for (Method method : type.getMethods()) {
            methods.add(new PublicMethod(method, method.getParameterTypes()));
          }
          return List.copyOf(methods);
        }
      };

  private static Class<?> tableType() {
    ClassLoader loader = Fix.class.getClassLoader();
    try {
      return Class.forName(ERROR_PRONE_TABLE, false, loader);
    } catch (ClassNotFoundException newer) {
      try {
        return Class.forName(JAVAC_TABLE, false, loader);
      } catch (ClassNotFoundException older) {
        throw new IllegalStateException("no end-position table type in this Error Prone", older);
      }
    }
  }
}
