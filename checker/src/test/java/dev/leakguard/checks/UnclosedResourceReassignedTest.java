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

  /** Applies the fix, then checks its output again: nothing is left to report or to fix. */
  private void assertFix(String[] input, String[] output) {
    refactoring.addInputLines("Test.java", input).addOutputLines("Test.java", output).doTest();
    helper.addSourceLines("Test.java", output).doTest();
  }

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
                + " declared elsewhere, and `prep` may hold another value where the code that"
                + " opens it starts",
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
            "      // BUG: Diagnostic contains: `prep` is passed to `System.out.println(...)` in the"
                + " statement that opens it",
            "      prep = conn.prepareStatement(\"b\");",
            "      prep.execute();",
            "    } finally {",
            "      System.out.println(prep);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The variable is read after the block that opens it: a finally there would close it early, so
   * the finally goes in the block that declares it (see the replacement tests below).
   */
  @Test
  public void identification_readAfterTheBlock_closesInTheDeclaringBlock() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  int run(Connection conn, boolean write) throws SQLException {",
            "    Statement stat = null;",
            "    if (write) {",
            "      // BUG: Diagnostic contains: is not closed on any path; close it in a finally block",
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

  // ---- opened in a nested statement, read after it: the finally goes in the declaring block ----

  /**
   * hsqldb's {@code WebServerConnection.processGet}: the stream is opened inside a {@code try}
   * into a variable of the enclosing block, which reads it after that {@code try} and closes it
   * at its end. The {@code try/finally} starts with the statement that holds the opening and takes
   * the block's own close; the close in the {@code catch} stays (closing a {@code Closeable} again
   * does nothing), and the added one is null-checked (the variable is null until the opening).
   */
  @Test
  public void replacement_openedInANestedTryAndReadAfterIt_closesInTheDeclaringBlock() {
    assertFix(
        new String[] {
            "import java.io.*;",
            "class Test {",
            "  String head(long n) { return \"x\" + n; }",
            "  void get(String name, OutputStream os) {",
            "    try {",
            "      String hdr;",
            "      InputStream is;",
            "      is = null;",
            "      System.out.println(name);",
            "      try {",
            "        File file = new File(name);",
            "        is = new DataInputStream(new FileInputStream(file));",
            "        hdr = head(file.length());",
            "      } catch (IOException e) {",
            "        if (is != null) {",
            "          is.close();",
            "        }",
            "        return;",
            "      }",
            "      os.write(hdr.getBytes(\"UTF-8\"));",
            "      int b;",
            "      while ((b = is.read()) != -1) {",
            "        os.write(b);",
            "      }",
            "      is.close();",
            "    } catch (Exception e) {",
            "      System.out.println(e);",
            "    }",
            "  }",
            "}"
        },
        new String[] {
            "import java.io.*;",
            "class Test {",
            "  String head(long n) { return \"x\" + n; }",
            "  void get(String name, OutputStream os) {",
            "    try {",
            "      String hdr;",
            "      InputStream is;",
            "      is = null;",
            "      System.out.println(name);",
            "      try {",
            "        try {",
            "          File file = new File(name);",
            "          is = new DataInputStream(new FileInputStream(file));",
            "          hdr = head(file.length());",
            "        } catch (IOException e) {",
            "          if (is != null) {",
            "            is.close();",
            "          }",
            "          return;",
            "        }",
            "        os.write(hdr.getBytes(\"UTF-8\"));",
            "        int b;",
            "        while ((b = is.read()) != -1) {",
            "          os.write(b);",
            "        }",
            "      } finally {",
            "        if (is != null) {",
            "          is.close();",
            "        }",
            "      }",
            "    } catch (Exception e) {",
            "      System.out.println(e);",
            "    }",
            "  }",
            "}"
        });
  }

  /**
   * Opened inside an {@code if} into a variable declared {@code = null} before it, and read after
   * the {@code if}: the {@code try} runs from the {@code if} to the end of the method's block.
   */
  @Test
  public void replacement_openedInAnIfAndReadAfterIt_closesAfterTheRead() {
    assertFix(
        new String[] {
            "import java.sql.*;",
            "class Test {",
            "  int run(Connection conn, boolean write) throws SQLException {",
            "    Statement stat = null;",
            "    if (write) {",
            "      stat = conn.createStatement();",
            "      stat.execute(\"x\");",
            "    }",
            "    return stat == null ? 0 : stat.getUpdateCount();",
            "  }",
            "}"
        },
        new String[] {
            "import java.sql.*;",
            "class Test {",
            "  int run(Connection conn, boolean write) throws SQLException {",
            "    Statement stat = null;",
            "    try {",
            "      if (write) {",
            "        stat = conn.createStatement();",
            "        stat.execute(\"x\");",
            "      }",
            "      return stat == null ? 0 : stat.getUpdateCount();",
            "    } finally {",
            "      if (stat != null) {",
            "        stat.close();",
            "      }",
            "    }",
            "  }",
            "}"
        });
  }

  /**
   * Each branch of an {@code if} opens a statement into the same variable, read after the {@code
   * if}: both findings get the same fix, which applies once.
   */
  @Test
  public void replacement_openedOnEitherBranch_oneFixForBoth() {
    assertFix(
        new String[] {
            "import java.sql.*;",
            "class Test {",
            "  boolean run(Connection conn, String sql, boolean prepared) throws SQLException {",
            "    Statement stat = null;",
            "    if (prepared) {",
            "      stat = conn.prepareStatement(sql);",
            "    } else {",
            "      stat = conn.createStatement();",
            "    }",
            "    return stat.execute(sql);",
            "  }",
            "}"
        },
        new String[] {
            "import java.sql.*;",
            "class Test {",
            "  boolean run(Connection conn, String sql, boolean prepared) throws SQLException {",
            "    Statement stat = null;",
            "    try {",
            "      if (prepared) {",
            "        stat = conn.prepareStatement(sql);",
            "      } else {",
            "        stat = conn.createStatement();",
            "      }",
            "      return stat.execute(sql);",
            "    } finally {",
            "      if (stat != null) {",
            "        stat.close();",
            "      }",
            "    }",
            "  }",
            "}"
        });
  }

  /**
   * log4j's {@code MutableThreadContextMapFilter.getConfig}: another branch gives the variable a
   * stream it did not open here (a getter's), which a {@code finally} would close too. No fix.
   */
  @Test
  public void identification_otherBranchGivesAValueNotOpenedHere_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.nio.file.*;",
            "class Test {",
            "  interface Result { InputStream getInputStream(); }",
            "  int read(Path path, Result result, boolean local) throws IOException {",
            "    InputStream in = null;",
            "    if (local) {",
            "      // BUG: Diagnostic contains: no automatic fix: it is assigned to `in`, which is"
                + " declared elsewhere, and `in` is also given `result.getInputStream()`, which"
                + " is not opened here, and the close would close that too",
            "      in = Files.newInputStream(path);",
            "    } else {",
            "      in = result.getInputStream();",
            "    }",
            "    return in.read();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A value obtained from the statement is kept in a variable of an outer block and read after the
   * declaring block ends, where the statement would be closed. No fix.
   */
  @Test
  public void identification_viewReadAfterTheDeclaringBlock_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  int run(Connection conn, boolean read) throws SQLException {",
            "    ResultSet rs = null;",
            "    if (read) {",
            "      Statement stat = null;",
            "      if (conn != null) {",
            "        // BUG: Diagnostic contains: `rs`, obtained from it, is used after the point"
                + " where it would be closed",
            "        stat = conn.createStatement();",
            "      }",
            "      rs = stat.executeQuery(\"x\");",
            "    }",
            "    return rs == null ? 0 : rs.getInt(1);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A resource whose {@code close()} is not documented to do nothing the second time (a {@code
   * Stream}; {@code Closeable} and JDBC's types are) is closed inside the statement that opens it:
   * the {@code finally} would close it again. No fix.
   */
  @Test
  public void identification_closedInTheOpeningStatementAndCloseNotIdempotent_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.nio.file.*;",
            "import java.util.stream.Stream;",
            "class Test {",
            "  long count(Path path, boolean skip) throws IOException {",
            "    Stream<String> lines = null;",
            "    if (path != null) {",
            "      // BUG: Diagnostic contains: it is closed on some paths before that point",
            "      lines = Files.lines(path);",
            "      if (skip) {",
            "        lines.close();",
            "        return 0;",
            "      }",
            "    }",
            "    return lines.count();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Declared without a value and opened as the last statement of either branch of an {@code if}
   * (h2's {@code WebApp.query}): after the {@code if} the variable holds an open statement
   * whichever branch ran, so the {@code try} starts after it and closes without a null check.
   * Both findings carry the same fix.
   */
  @Test
  public void replacement_declaredWithoutAValue_openedLastOnEveryBranch_closedAfterTheIf() {
    assertFix(
        new String[] {
          "import java.sql.*;",
          "class Test {",
          "  String run(Connection conn, String sql, boolean prepared) throws SQLException {",
          "    Statement stat;",
          "    if (prepared) {",
          "      stat = conn.prepareStatement(sql);",
          "    } else if (sql.isEmpty()) {",
          "      stat = conn.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,",
          "          ResultSet.CONCUR_UPDATABLE);",
          "    } else {",
          "      sql = sql.trim();",
          "      stat = conn.createStatement();",
          "    }",
          "    if (sql.startsWith(\"@\")) {",
          "      conn.setAutoCommit(true);",
          "      return \"on\";",
          "    }",
          "    stat.execute(sql);",
          "    return \"done\";",
          "  }",
          "}"
        },
        new String[] {
          "import java.sql.*;",
          "class Test {",
          "  String run(Connection conn, String sql, boolean prepared) throws SQLException {",
          "    Statement stat;",
          "    if (prepared) {",
          "      stat = conn.prepareStatement(sql);",
          "    } else if (sql.isEmpty()) {",
          "      stat = conn.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,",
          "          ResultSet.CONCUR_UPDATABLE);",
          "    } else {",
          "      sql = sql.trim();",
          "      stat = conn.createStatement();",
          "    }",
          "    try {",
          "      if (sql.startsWith(\"@\")) {",
          "        conn.setAutoCommit(true);",
          "        return \"on\";",
          "      }",
          "      stat.execute(sql);",
          "      return \"done\";",
          "    } finally {",
          "      stat.close();",
          "    }",
          "  }",
          "}"
        });
  }

  /**
   * Declared without a value, and a branch goes on after opening it (or leaves by a {@code throw}
   * instead of opening): a {@code try} after the {@code if} would miss a failure inside the
   * branch, and one around the {@code if} would read a variable that is not definitely assigned.
   * No fix.
   */
  @Test
  public void identification_declaredWithoutAValue_notOpenedLastOnEveryBranch_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  void run(Connection conn, String sql, boolean prepared) throws SQLException {",
            "    Statement stat;",
            "    if (prepared) {",
            "      // BUG: Diagnostic contains: `stat` has no value before the statement that opens"
                + " it, where a `finally` would read it",
            "      stat = conn.prepareStatement(sql);",
            "      conn.setAutoCommit(false);",
            "    } else {",
            "      // BUG: Diagnostic contains: `stat` has no value before the statement that opens"
                + " it, where a `finally` would read it",
            "      stat = conn.createStatement();",
            "    }",
            "    stat.execute(sql);",
            "  }",
            "",
            "  void run(Connection conn, String sql) throws SQLException {",
            "    Statement stat;",
            "    if (sql.isEmpty()) {",
            "      throw new SQLException(\"empty\");",
            "    } else {",
            "      // BUG: Diagnostic contains: `stat` has no value before the statement that opens"
                + " it, where a `finally` would read it",
            "      stat = conn.createStatement();",
            "    }",
            "    stat.execute(sql);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The {@code finally} of the statement that opens the connection passes it to a call that may
   * release it its own way (Spring's {@code DataSourceUtils.releaseConnection} keeps a connection
   * bound to a transaction open): a {@code finally} around that statement that closes the
   * connection could contradict it. No fix.
   */
  @Test
  public void identification_passedToACallInTheOpeningStatement_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "import javax.sql.DataSource;",
            "class Test {",
            "  interface Audit { void record(Connection con); }",
            "  long next(DataSource ds, Audit audit) throws SQLException {",
            "    Connection con = null;",
            "    try {",
            "      // BUG: Diagnostic contains: `con` is passed to `audit.record(...)` in the"
                + " statement that opens it, which may release it its own way",
            "      con = ds.getConnection();",
            "      con.setAutoCommit(false);",
            "    } finally {",
            "      if (con != null) {",
            "        audit.record(con);",
            "      }",
            "    }",
            "    return con.getHoldability();",
            "  }",
            "}")
        .doTest();
  }

  /** Both findings of {@link #replacement_openedOnEitherBranch_oneFixForBoth} carry the fix. */
  @Test
  public void identification_openedOnEitherBranch_bothCarryTheFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.sql.*;",
            "class Test {",
            "  boolean run(Connection conn, String sql, boolean prepared) throws SQLException {",
            "    Statement stat = null;",
            "    if (prepared) {",
            "      // BUG: Diagnostic contains: is not closed on any path; close it in a finally block",
            "      stat = conn.prepareStatement(sql);",
            "    } else {",
            "      // BUG: Diagnostic contains: is not closed on any path; close it in a finally block",
            "      stat = conn.createStatement();",
            "    }",
            "    return stat.execute(sql);",
            "  }",
            "}")
        .doTest();
  }
}
