package dev.leakguard.e2e;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.leakguard.e2e.JavacRunner.Diagnostic;
import dev.leakguard.e2e.JavacRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** TransactionLeak through real javac, found only through the packaged jar's service registration. */
@RunWith(JUnit4.class)
public final class TransactionLeakIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** Two leaks (lines 15 and 26) and the scoped twin (line 34). */
  private static final String[] ACCOUNTS = {
    "package demo;",
    "",
    "import java.sql.Connection;",
    "import java.sql.DriverManager;",
    "import java.sql.PreparedStatement;",
    "import java.sql.SQLException;",
    "",
    "public class Accounts {",
    "  private final String url;",
    "",
    "  public Accounts(String url) { this.url = url; }",
    "",
    "  public void transfer(long from, long to, long cents) throws SQLException {",
    "    try (Connection conn = DriverManager.getConnection(url)) {",
    "      conn.setAutoCommit(false);",
    "      move(conn, from, -cents);",
    "      move(conn, to, cents);",
    "      conn.commit();",
    "    }",
    "  }",
    "",
    "  public void close(Connection conn, long id) throws SQLException {",
    "    if (id < 0) {",
    "      throw new IllegalArgumentException(\"no account \" + id);",
    "    }",
    "    conn.setAutoCommit(false);",
    "    move(conn, id, 0);",
    "    conn.commit();",
    "  }",
    "",
    "  public void transferSafely(long from, long to, long cents) throws SQLException {",
    "    try (Connection conn = DriverManager.getConnection(url)) {",
    "      conn.setAutoCommit(false);",
    "      try {",
    "        move(conn, from, -cents);",
    "        move(conn, to, cents);",
    "        conn.commit();",
    "      } catch (SQLException | RuntimeException e) {",
    "        conn.rollback();",
    "        throw e;",
    "      }",
    "    }",
    "  }",
    "",
    "  private static void move(Connection conn, long id, long cents) throws SQLException {",
    "    try (PreparedStatement update =",
    "        conn.prepareStatement(\"update account set cents = cents + ? where id = ?\")) {",
    "      update.setLong(1, cents);",
    "      update.setLong(2, id);",
    "      update.executeUpdate();",
    "    }",
    "  }",
    "}",
  };

  private JavacRunner accounts() throws Exception {
    return JavacRunner.in(tmp.getRoot().toPath()).source("demo/Accounts.java", ACCOUNTS);
  }

  @Test
  public void reportsEachLeakAtItsBeginWithThePathThatLeaksIt() throws Exception {
    Result result = accounts().compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    List<Diagnostic> findings = result.findings("TransactionLeak");
    assertWithMessage(result.output()).that(findings).hasSize(2);
    assertFinding(findings.get(0), 15, "`conn` leaves its transaction open if `move(...)` throws");
    assertThat(findings.get(0).message()).doesNotContain("did not open");
    assertFinding(findings.get(1), 26, "`conn` leaves its transaction open if `move(...)` throws");
    assertThat(findings.get(1).message())
        .contains("`conn`, which this method did not open, is left with auto-commit off");
    for (Diagnostic finding : findings) {
      assertThat(finding.link()).endsWith("/docs/bugpattern/TransactionLeak.md");
    }
  }

  @Test
  public void offSilencesTheCheck() throws Exception {
    Result result = accounts().errorProneFlags("-Xep:TransactionLeak:OFF").compile();

    assertWithMessage(result.output()).that(result.exitCode()).isEqualTo(0);
    assertThat(result.findings("TransactionLeak")).isEmpty();
  }

  @Test
  public void errorSeverityFailsTheBuild() throws Exception {
    Result result = accounts().errorProneFlags("-Xep:TransactionLeak:ERROR").compile();

    assertThat(result.exitCode()).isNotEqualTo(0);
    assertWithMessage(result.output()).that(result.findings("TransactionLeak")).hasSize(2);
    assertThat(result.findings("TransactionLeak").get(0).kind()).isEqualTo("error");
  }

  @Test
  public void patchInPlaceRollsBackOnFailureCompilesAndIsSilent() throws Exception {
    JavacRunner patch =
        accounts().errorProneFlags("-XepPatchChecks:TransactionLeak", "-XepPatchLocation:IN_PLACE");
    Result patched = patch.compile();
    assertWithMessage(patched.output()).that(patched.exitCode()).isEqualTo(0);

    Path file = patch.sourcePath("demo/Accounts.java");
    String text = Files.readString(file, UTF_8);
    assertThat(text)
        .contains(
            String.join(
                "\n",
                "      conn.setAutoCommit(false);",
                "      try {",
                "        move(conn, from, -cents);",
                "        move(conn, to, cents);",
                "        conn.commit();",
                "      } catch (SQLException | RuntimeException e) {",
                "        conn.rollback();",
                "        throw e;",
                "      }",
                "    }",
                "  }"));
    assertThat(text)
        .contains(
            String.join(
                "\n",
                "    conn.setAutoCommit(false);",
                "    try {",
                "      move(conn, id, 0);",
                "      conn.commit();",
                "    } catch (SQLException | RuntimeException e) {",
                "      conn.rollback();",
                "      throw e;",
                "    } finally {",
                "      conn.setAutoCommit(true);",
                "    }",
                "  }"));

    Result again = JavacRunner.in(tmp.newFolder("again").toPath()).existingSource(file).compile();
    assertWithMessage(again.output()).that(again.exitCode()).isEqualTo(0);
    assertWithMessage(text + "\n" + again.output()).that(again.findings("TransactionLeak")).isEmpty();
  }

  private static void assertFinding(Diagnostic d, int line, String messageFragment) {
    assertWithMessage("%s", d).that(d.file().getFileName().toString()).isEqualTo("Accounts.java");
    assertWithMessage("%s", d).that(d.line()).isEqualTo(line);
    assertWithMessage("%s", d).that(d.kind()).isEqualTo("warning");
    assertWithMessage("%s", d).that(d.check()).isEqualTo("TransactionLeak");
    assertWithMessage("%s", d).that(d.message()).contains(messageFragment);
  }
}
