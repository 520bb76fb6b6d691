package dev.leakguard.trees;

import com.google.errorprone.VisitorState;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The subclasses of a class that this compilation knows: what a fix of the class must not break,
 * and code that may release what the class keeps in a field its subclasses can reach.
 */
public final class Subclasses {

  private Subclasses() {}

  /**
   * The classes javac has completed in this compilation that extend {@code type} (not {@code type}
   * itself); empty for a final class. Classes not yet completed were never needed to compile this
   * code, and are not loaded to ask them. Throws what javac throws for a class it cannot answer
   * for (a {@code CompletionFailure}): callers decide what that means for them.
   */
  public static List<ClassSymbol> known(ClassSymbol type, VisitorState state) {
    List<ClassSymbol> found = new ArrayList<>();
    if (type.getModifiers().contains(Modifier.FINAL)) {
      return found;
    }
    // A copy: asking a class for its superclass may enter new classes in javac's table.
    List<ClassSymbol> completed = new ArrayList<>();
    for (ClassSymbol candidate : state.getSymtab().getAllClasses()) {
      if (candidate != type && candidate.completer == Symbol.Completer.NULL_COMPLETER) {
        completed.add(candidate);
      }
    }
    for (ClassSymbol candidate : completed) {
      if (candidate.isSubClass(type, state.getTypes())) {
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
}
