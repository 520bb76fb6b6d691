package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The fixes for a resource whose variable try-with-resources cannot own: one declared elsewhere
 * ({@code stat = conn.createStatement();}) is closed in a {@code finally} after the rest of its
 * block, and one overwritten while open ({@code prep = conn.prepareStatement(b);}) is closed just
 * before the assignment. Each replacement's output is compiled and checked again.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceReassignedTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  // ---- identification -------------------------------------------------------------------------

  @Test
  public void identification_overwrittenWhileOpen_saysWhatTheFixDoes() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void drop(Connection conn, int id) throws SQLException {",
            "    // BUG: Diagnostic contains: overwritten at line 8 while it is open; close it in a"
                + " finally block before the variable is overwritten",
            "    PreparedStatement prep = conn.prepareStatement(\"a\");",
            "    prep.setInt(1, id);",
            "    // BUG: Diagnostic contains: close it in a finally block",
            "    prep = conn.prepareStatement(\"b\");",
            "    prep.execute();",
            "    prep.close();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_declaredElsewhere_saysWhatTheFixDoes() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void run(Connection conn, String sql) throws SQLException {",
            "    Statement stat = null;",
            "    // BUG: Diagnostic contains: close it in a finally block",
            "    stat = conn.createStatement();",
            "    stat.execute(sql);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A result set of the old statement is read after the overwrite: closing the statement there
   * would close the result set under it. No fix, and why.
   */
  @Test
  public void identification_viewReadAfterTheOverwrite_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  boolean drop(Connection conn) throws SQLException {",
            "    // BUG: Diagnostic contains: no automatic fix: `prep` is reassigned, so one"
                + " variable holds several resources, and `rs`, obtained from it, is used after"
                + " the point where it would be closed",
            "    PreparedStatement prep = conn.prepareStatement(\"a\");",
            "    ResultSet rs = prep.executeQuery();",
            "    // BUG: Diagnostic contains: close it in a finally block",
            "    prep = conn.prepareStatement(\"b\");",
            "    prep.execute();",
            "    prep.close();",
            "    return rs.next();",
            "  }",
            "}")
        .doTest();
  }

  /** Closed on one path before the overwrite: a second close is not the fix. */
  @Test
  public void identification_closedOnSomePathsBeforeTheOverwrite_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void drop(Connection conn, boolean done) throws SQLException {",
            "    // BUG: Diagnostic contains: no automatic fix: `prep` is reassigned, so one"
                + " variable holds several resources, and it is closed on some paths",
            "    PreparedStatement prep = conn.prepareStatement(\"a\");",
            "    if (done) {",
            "      prep.close();",
            "    }",
            "    // BUG: Diagnostic contains: close it in a finally block",
            "    prep = conn.prepareStatement(\"b\");",
            "    prep.execute();",
            "    prep.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Given another resource inside an {@code if}: a finally for the first would close the second
   * on one path, and one for the second would end with the branch while the code after it still
   * uses it. No fix for either.
   */
  @Test
  public void identification_reassignedInANestedStatement_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void drop(Connection conn, boolean both) throws SQLException {",
            "    // BUG: Diagnostic contains: no automatic fix: `prep` is reassigned, so one"
                + " variable holds several resources, and `prep` is assigned again before it"
                + " would be closed",
            "    PreparedStatement prep = conn.prepareStatement(\"a\");",
            "    prep.execute();",
            "    if (both) {",
            "      // BUG: Diagnostic contains: no automatic fix: it is assigned to `prep`, which is"
                + " declared elsewhere, and nothing follows the acquisition in its block",
            "      prep = conn.prepareStatement(\"b\");",
            "    }",
            "    prep.execute();",
            "    prep.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A {@code finally} around the code reads the variable: if the second acquisition fails, it
   * would see the first statement closed where it saw it open. No fix.
   */
  @Test
  public void identification_overwriteFailureReachesAFinallyThatReadsIt_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void drop(Connection conn) throws SQLException {",
            "    PreparedStatement prep = null;",
            "    try {",
            "      // BUG: Diagnostic contains: reads `prep`, which would then be closed",
            "      prep = conn.prepareStatement(\"a\");",
            "      // BUG: Diagnostic contains: `prep` is read after the point where it would be closed",
            "      prep = conn.prepareStatement(\"b\");",
            "      prep.execute();",
            "    } finally {",
            "      System.out.println(prep);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** The variable is read after the block that opens it: a finally there would close it early. */
  @Test
  public void identification_readAfterTheBlock_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  int run(Connection conn, boolean write) throws SQLException {",
            "    Statement stat = null;",
            "    if (write) {",
            "      // BUG: Diagnostic contains: no automatic fix: it is assigned to `stat`, which is"
                + " declared elsewhere, and `stat` is read after the point where it would be"
                + " closed",
            "      stat = conn.createStatement();",
            "      stat.execute(\"x\");",
            "    }",
            "    return stat == null ? 0 : stat.getUpdateCount();",
            "  }",
            "}")
        .doTest();
  }

  /** In a loop, the variable is read before the acquisition: the next iteration reads it closed. */
  @Test
  public void identification_readOnTheNextIterationBeforeTheAcquisition_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "import java.util.List;",
            "class Test {",
            "  void run(Connection conn, List<String> sqls) throws SQLException {",
            "    Statement stat = null;",
            "    for (String sql : sqls) {",
            "      if (stat != null) {",
            "        stat.getWarnings();",
            "      }",
            "      // BUG: Diagnostic contains: no automatic fix",
            "      stat = conn.createStatement();",
            "      stat.execute(sql);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** The close the fix adds throws a checked exception the method neither throws nor catches. */
  @Test
  public void identification_closeThrowsUnhandled_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  void run(File f) throws FileNotFoundException {",
            "    RandomAccessFile raf = null;",
            "    // BUG: Diagnostic contains: no automatic fix: it is assigned to `raf`, which is"
                + " declared elsewhere, and `close()` of `RandomAccessFile` throws `IOException`",
            "    raf = new RandomAccessFile(f, \"r\");",
            "    raf.getChannel();",
            "  }",
            "}")
        .doTest();
  }

  // ---- replacement ----------------------------------------------------------------------------

  /**
   * h2's {@code FullText.dropIndex}: one variable holds three statements in turn, none closed.
   * The code between two assignments gets a finally that closes the first statement, the code
   * after the last one a finally of its own; a declaration used after its region is hoisted.
   */
  @Test
  public void replacement_overwrittenWhileOpen_closesBeforeTheOverwrite() {
    refactoring
        .addInputLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void drop(Connection conn, int id) throws SQLException {",
            "    PreparedStatement prep = conn.prepareStatement(\"a\");",
            "    prep.setInt(1, id);",
            "    ResultSet rs = prep.executeQuery();",
            "    int n = rs.next() ? rs.getInt(1) : 0;",
            "    prep = conn.prepareStatement(\"b\");",
            "    prep.setInt(1, n);",
            "    prep.execute();",
            "    prep = conn.prepareStatement(\"c\");",
            "    while (prep.executeUpdate() > 0) {}",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void drop(Connection conn, int id) throws SQLException {",
            "    PreparedStatement prep = conn.prepareStatement(\"a\");",
            "    int n;",
            "    try {",
            "      prep.setInt(1, id);",
            "      ResultSet rs = prep.executeQuery();",
            "      n = rs.next() ? rs.getInt(1) : 0;",
            "    } finally {",
            "      prep.close();",
            "    }",
            "    prep = conn.prepareStatement(\"b\");",
            "    try {",
            "      prep.setInt(1, n);",
            "      prep.execute();",
            "    } finally {",
            "      prep.close();",
            "    }",
            "    prep = conn.prepareStatement(\"c\");",
            "    try {",
            "      while (prep.executeUpdate() > 0) {}",
            "    } finally {",
            "      prep.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** Closed before each overwrite, on the normal path only: each close moves into a finally. */
  @Test
  public void replacement_closedBeforeEachOverwrite_closesInFinally() {
    refactoring
        .addInputLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void drop(Connection conn, int id) throws SQLException {",
            "    PreparedStatement prep = conn.prepareStatement(\"a\");",
            "    prep.setInt(1, id);",
            "    ResultSet rs = prep.executeQuery();",
            "    if (!rs.next()) {",
            "      return;",
            "    }",
            "    int n = rs.getInt(1);",
            "    prep.close();",
            "    prep = conn.prepareStatement(\"b\");",
            "    prep.setInt(1, n);",
            "    prep.execute();",
            "    prep.close();",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void drop(Connection conn, int id) throws SQLException {",
            "    PreparedStatement prep = conn.prepareStatement(\"a\");",
            "    int n;",
            "    try {",
            "      prep.setInt(1, id);",
            "      ResultSet rs = prep.executeQuery();",
            "      if (!rs.next()) {",
            "        return;",
            "      }",
            "      n = rs.getInt(1);",
            "    } finally {",
            "      prep.close();",
            "    }",
            "    prep = conn.prepareStatement(\"b\");",
            "    try {",
            "      prep.setInt(1, n);",
            "      prep.execute();",
            "    } finally {",
            "      prep.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void replacement_declaredElsewhere_closesInFinally() {
    refactoring
        .addInputLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void run(Connection conn, String sql) throws SQLException {",
            "    Statement stat = null;",
            "    stat = conn.createStatement();",
            "    stat.execute(sql); // the work",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void run(Connection conn, String sql) throws SQLException {",
            "    Statement stat = null;",
            "    stat = conn.createStatement();",
            "    try {",
            "      stat.execute(sql); // the work",
            "    } finally {",
            "      stat.close();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** Declared before a loop, opened in each iteration: each iteration closes its own. */
  @Test
  public void replacement_openedInEachIteration_closesAtTheEndOfTheIteration() {
    refactoring
        .addInputLines(
            "Test.java",
            "import java.sql.*;",
            "import java.util.List;",
            "class Test {",
            "  void run(Connection conn, List<String> sqls) throws SQLException {",
            "    Statement stat;",
            "    for (String sql : sqls) {",
            "      stat = conn.createStatement();",
            "      stat.execute(sql);",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.sql.*;",
            "import java.util.List;",
            "class Test {",
            "  void run(Connection conn, List<String> sqls) throws SQLException {",
            "    Statement stat;",
            "    for (String sql : sqls) {",
            "      stat = conn.createStatement();",
            "      try {",
            "        stat.execute(sql);",
            "      } finally {",
            "        stat.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }
  /**
   * A resource from a call that may return null ({@code getResourceAsStream}), which the code tests
   * for null or never calls a method on: the added close is null-checked, as try-with-resources
   * would do.
   */
  @Test
  public void replacement_mayBeNull_closeIsNullChecked() {
    refactoring
        .addInputLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  void finallyGuarded(ClassLoader loader) throws IOException {",
            "    InputStream in = null;",
            "    in = loader.getResourceAsStream(\"a\");",
            "    if (in != null) {",
            "      in.read();",
            "    }",
            "  }",
            "  void overwriteGuarded(ClassLoader loader) throws IOException {",
            "    InputStream in = loader.getResourceAsStream(\"a\");",
            "    if (in != null) {",
            "      in.read();",
            "    }",
            "    in = loader.getResourceAsStream(\"b\");",
            "    System.out.println(in);",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  void finallyGuarded(ClassLoader loader) throws IOException {",
            "    InputStream in = null;",
            "    in = loader.getResourceAsStream(\"a\");",
            "    try {",
            "      if (in != null) {",
            "        in.read();",
            "      }",
            "    } finally {",
            "      if (in != null) {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "  void overwriteGuarded(ClassLoader loader) throws IOException {",
            "    InputStream in = loader.getResourceAsStream(\"a\");",
            "    try {",
            "      if (in != null) {",
            "        in.read();",
            "      }",
            "    } finally {",
            "      if (in != null) {",
            "        in.close();",
            "      }",
            "    }",
            "    in = loader.getResourceAsStream(\"b\");",
            "    try {",
            "      System.out.println(in);",
            "    } finally {",
            "      if (in != null) {",
            "        in.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }
}
