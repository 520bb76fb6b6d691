package dev.leakguard.trees;

import com.google.errorprone.VisitorState;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.util.Context;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;
import javax.tools.JavaFileObject;

/**
 * The subclasses of a class that this compilation compiles from source: what a fix of the class
 * must not break, and code that may release what the class keeps in a field its subclasses can
 * reach.
 */
public final class Subclasses {

  private Subclasses() {}

  /**
   * The classes compiled from source in this compilation that extend {@code type} (not {@code
   * type} itself); empty for a final class. A subclass on the class path is not recompiled, so no
   * fix here can break its compilation, and its body cannot be read. Throws what javac throws for a
   * class it cannot answer for (a {@code CompletionFailure}): callers decide what that means for
   * them.
   */
  public static List<ClassSymbol> known(ClassSymbol type, VisitorState state) {
    List<ClassSymbol> found = new ArrayList<>();
    if (type.getModifiers().contains(Modifier.FINAL)) {
      return found;
    }
    for (ClassSymbol candidate : sourceClasses(state)) {
      if (candidate != type && candidate.isSubClass(type, state.getTypes())) {
        found.add(candidate);
      }
    }
    return found;
  }

  /** The known subclasses of {@code type} whose source is compiled here, as paths to their trees. */
  public static List<TreePath> inSource(ClassSymbol type, VisitorState state) {
    List<TreePath> paths = new ArrayList<>();
    JavacTrees trees = JavacTrees.instance(state.context);
    for (ClassSymbol subclass : known(type, state)) {
      TreePath path = trees.getPath(subclass);
      if (path != null) {
        paths.add(path);
      }
    }
    return paths;
  }

  private static final Context.Key<SourceClasses> SOURCE_CLASSES = new Context.Key<>();

  /** The classes entered from source, listed once per compilation. */
  private record SourceClasses(List<ClassSymbol> classes) {}

  /**
   * The classes javac entered from this compilation's sources, listed on the first question and
   * kept in javac's {@link Context} (never in static state: javac may run several compilations in
   * one JVM). Under Error Prone's compile policy javac enters and attributes every source before
   * any check runs, so the list is complete by the first question; walking javac's whole class
   * table (the JDK's and the class path's classes too) for each question cost more than the
   * questions did (3% of LeakGuard's time on the bench).
   */
  private static List<ClassSymbol> sourceClasses(VisitorState state) {
    SourceClasses known = state.context.get(SOURCE_CLASSES);
    if (known == null) {
      List<ClassSymbol> classes = new ArrayList<>();
      for (ClassSymbol candidate : state.getSymtab().getAllClasses()) {
        if (isFromSource(candidate)) {
          classes.add(candidate);
        }
      }
      known = new SourceClasses(classes);
      state.context.put(SOURCE_CLASSES, known);
    }
    return known.classes();
  }

  /**
   * Whether javac entered {@code candidate} from a source file: a class read from a class file has
   * that file as its {@code classfile} (its {@code sourcefile} only names the source it was made
   * from). Read without completing anything: a class not yet completed was never needed here.
   * (JDK 21 and later also mark such classes {@code Flags.FROM_SOURCE}; the JDK 17 that the oldest
   * supported Error Prone runs on does not have that flag.)
   */
  public static boolean isFromSource(ClassSymbol candidate) {
    return candidate.completer == Symbol.Completer.NULL_COMPLETER
        && candidate.sourcefile != null
        && candidate.sourcefile.getKind() == JavaFileObject.Kind.SOURCE
        && (candidate.classfile == null
            || candidate.classfile.getKind() == JavaFileObject.Kind.SOURCE);
  }
}
