package dev.leakguard.report;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.tree.JCTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Finds the tree an Error Prone diagnostic points at and describes where it is. Error Prone reports
 * a single position, the flagged tree's preferred position (for a call, its {@code (}), so the
 * region's start and end come from the smallest tree whose preferred position that is.
 */
final class FindingLocator {
  private final SourcePositions positions;

  FindingLocator(SourcePositions positions) {
    this.positions = positions;
  }

  /**
   * Where a finding is.
   *
   * @param region its lines and columns
   * @param owner the enclosing class (see {@link Fingerprint#owner()})
   * @param member the enclosing member (see {@link Fingerprint#member()})
   * @param code the flagged source text, normalized
   */
  record Location(SourceRegion region, String owner, String member, String code) {}

  Location locate(CompilationUnitTree unit, int position) {
    Search search = new Search(unit, position);
    search.scan(new TreePath(unit), null);
    TreePath flagged = search.best != null ? search.best : search.deepestContaining;
    CharSequence source = content(unit);
    long start = position;
    long end = -1;
    String code = "";
    if (search.best != null) {
      start = positions.getStartPosition(unit, flagged.getLeaf());
      end = positions.getEndPosition(unit, flagged.getLeaf());
      if (start < 0) {
        start = position;
        end = -1;
      }
    }
    if (end > start && source != null && end <= source.length()) {
      code = Fingerprint.normalize(source.subSequence((int) start, (int) end));
    } else if (search.best != null) {
      code = Fingerprint.normalize(flagged.getLeaf().toString());
    }
    SourceRegion region = SourceRegion.of(unit.getLineMap(), start, end);
    String[] ownerAndMember = ownerAndMember(unit, flagged);
    return new Location(region, ownerAndMember[0], ownerAndMember[1], code);
  }

  private static CharSequence content(CompilationUnitTree unit) {
    try {
      return unit.getSourceFile().getCharContent(true);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The enclosing class chain and the innermost member inside it. */
  private static String[] ownerAndMember(CompilationUnitTree unit, TreePath path) {
    List<Tree> trees = new ArrayList<>();
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      trees.add(0, p.getLeaf());
    }
    StringBuilder owner =
        new StringBuilder(unit.getPackageName() == null ? "" : unit.getPackageName().toString());
    String member = "";
    Tree parent = null;
    for (Tree tree : trees) {
      if (tree instanceof ClassTree type) {
        if (!member.isEmpty()) {
          append(owner, member);
        }
        append(owner, type.getSimpleName().length() == 0 ? "{anonymous}" : type.getSimpleName().toString());
        member = "";
      } else if (tree instanceof MethodTree method) {
        StringJoiner parameters = new StringJoiner(", ", method.getName() + "(", ")");
        for (VariableTree parameter : method.getParameters()) {
          parameters.add(parameter.getType() == null ? "?" : parameter.getType().toString());
        }
        member = parameters.toString();
      } else if (parent instanceof ClassTree && tree instanceof VariableTree field) {
        member = field.getName().toString();
      } else if (parent instanceof ClassTree && tree instanceof BlockTree block) {
        member = block.isStatic() ? "{static init}" : "{init}";
      }
      parent = tree;
    }
    return new String[] {owner.toString(), member};
  }

  private static void append(StringBuilder owner, String name) {
    if (owner.length() > 0) {
      owner.append('.');
    }
    owner.append(name);
  }

  /** One pass over the file: the smallest tree at the position, and the deepest around it. */
  private final class Search extends TreePathScanner<Void, Void> {
    private final CompilationUnitTree unit;
    private final int position;
    TreePath best;
    long bestSpan = Long.MAX_VALUE;
    TreePath deepestContaining;

    Search(CompilationUnitTree unit, int position) {
      this.unit = unit;
      this.position = position;
    }

    @Override
    public Void scan(Tree tree, Void unused) {
      if (tree == null) {
        return null;
      }
      long start = positions.getStartPosition(unit, tree);
      long end = positions.getEndPosition(unit, tree);
      boolean known = start >= 0 && end >= start;
      if (known && (position < start || position > end)) {
        return null; // nothing inside can be at the position
      }
      TreePath path = new TreePath(getCurrentPath(), tree);
      if (known) {
        deepestContaining = path;
      }
      if (tree instanceof JCTree jc && jc.getPreferredPosition() == position) {
        long span = known ? end - start : Long.MAX_VALUE - 1;
        if (span <= bestSpan) {
          best = path;
          bestSpan = span;
        }
      }
      return super.scan(tree, unused);
    }
  }
}
