package dev.leakguard.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code AutoCloseable} handles that hold a lock ({@code try (LockResource r = locks.lockShared())
 * {…}}): closing one unlocks. Such a handle dropped, or closed only on the normal path, leaves the
 * lock held, so {@link UnreleasedLock} tracks it and {@link UnclosedResource} leaves it alone: one
 * finding, under the check whose message fits.
 *
 * <p>A handle says it holds a lock by its type's name or a supertype's ({@code LockResource},
 * {@code AutoLock}, {@code CloseableLock}), or by a {@code close()} whose source (in this
 * compilation) unlocks a {@code Lock}, a {@code StampedLock} or releases a {@code Semaphore}.
 */
final class LockHandles {

  private static final String AUTO_CLOSEABLE = "java.lang.AutoCloseable";

  /**
   * "Lock" as a word of a camel-case name ({@code AutoLock}, {@code LockResource}, {@code
   * LockingScope}), not as letters inside another word ({@code BlockLZ4CompressorInputStream},
   * {@code Clock}: commons-compress FramedLZ4CompressorInputStream).
   */
  private static final Pattern LOCK_WORD = Pattern.compile("Lock(?:ing|er)?(?![a-z])");

  private static final Pattern GETTER = Pattern.compile("(get|is)[A-Z]");

  /** Whether {@code expression}, a call or {@code new}, evaluates to a fresh lock handle. */
  static boolean createsHandle(ExpressionTree expression, VisitorState state) {
    if (!(expression instanceof MethodInvocationTree) && !(expression instanceof NewClassTree)) {
      return false;
    }
    // The type first: it is remembered per class, and nearly every call's is no handle.
    return isHandle(ASTHelpers.getType(expression), state)
        && !(expression instanceof MethodInvocationTree call
            // a getter hands out a handle someone else holds
            && GETTER.matcher(ASTHelpers.getSymbol(call).getSimpleName()).lookingAt());
  }

  /**
   * Whether values of {@code type} are lock handles. Asked of nearly every call's type by the
   * resource and lock specs, so the answer is kept per class for the compilation (in its javac
   * {@link Context}, never in static state).
   */
  static boolean isHandle(@Nullable Type type, VisitorState state) {
    if (type == null || !(type.tsym instanceof ClassSymbol cls)) {
      return false;
    }
    Map<ClassSymbol, Boolean> known = state.context.get(KNOWN);
    if (known == null) {
      known = new HashMap<>();
      state.context.put(KNOWN, known);
    }
    Boolean handle = known.get(cls);
    if (handle == null) {
      // The JDK's own classes are not handles; the name is read once per class, not per call.
      handle =
          !cls.getQualifiedName().toString().startsWith("java.")
              && computeIsHandle(type, cls, state);
      known.put(cls, handle);
    }
    return handle;
  }

  private static final Context.Key<Map<ClassSymbol, Boolean>> KNOWN = new Context.Key<>();

  private static boolean computeIsHandle(Type type, ClassSymbol cls, VisitorState state) {
    if (!ASTHelpers.isSubtype(type, state.getTypeFromString(AUTO_CLOSEABLE), state)) {
      return false;
    }
    for (Type supertype : state.getTypes().closure(type)) {
      if (LOCK_WORD.matcher(supertype.tsym.getSimpleName()).find()
          && !supertype.tsym.getQualifiedName().toString().startsWith("java.")) {
        return true;
      }
    }
    return closeUnlocks(cls, state);
  }

  /** Whether {@code close()} of the handle's class, where its source is compiled here, unlocks. */
  private static boolean closeUnlocks(ClassSymbol cls, VisitorState state) {
    for (Symbol member : cls.getEnclosedElements()) {
      if (member instanceof MethodSymbol close
          && close.getSimpleName().contentEquals("close")
          && close.getParameters().isEmpty()
          && JavacTrees.instance(state.context).getTree(close) != null) {
        MethodTree tree = JavacTrees.instance(state.context).getTree(close);
        List<ExpressionTree> released = new ArrayList<>();
        List<ExpressionTree> taken = new ArrayList<>();
        new TreeScanner<Void, Void>() {
          @Override
          public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
            ExpressionTree lock = ASTHelpers.getReceiver(call);
            if (lock != null && LockSpec.isLockRelease(call, state)) {
              released.add(lock);
            } else if (lock != null && LockSpec.mayAcquire(LockSpec.methodName(call))) {
              taken.add(lock);
            }
            return super.visitMethodInvocation(call, null);
          }
        }.scan(tree, null);
        // A close() that takes a lock for its own work and gives it back (commons-dbcp2's
        // PoolableConnection: `lock.lock(); try { … } finally { lock.unlock(); }`) holds nothing
        // for its caller: only a release of a lock it did not take there says it is a handle.
        return released.stream()
            .anyMatch(lock -> taken.stream().noneMatch(other -> LockSpec.sameLock(lock, other)));
      }
    }
    return false;
  }

  /** Whether {@code call} is {@code close()} on a lock handle. */
  static boolean closes(MethodInvocationTree call, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return receiver != null
        && call.getArguments().isEmpty()
        && LockSpec.methodName(call).equals("close")
        && isHandle(ASTHelpers.getType(receiver), state);
  }

  private LockHandles() {}
}
