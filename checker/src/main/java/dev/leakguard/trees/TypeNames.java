package dev.leakguard.trees;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.tools.javac.code.Type;
import org.jspecify.annotations.Nullable;

/** Type tests by class name, for types the checks know only by name (JDK and library types). */
public final class TypeNames {

  private TypeNames() {}

  /**
   * Whether {@code type} is {@code className} or a subtype of it, generics erased; false when
   * either is unknown (a class not on the compile classpath).
   */
  public static boolean isSubtype(@Nullable Type type, String className, VisitorState state) {
    if (type == null) {
      return false;
    }
    Type target = state.getTypeFromString(className);
    return target != null
        && ASTHelpers.isSubtype(
            state.getTypes().erasure(type), state.getTypes().erasure(target), state);
  }
}
