package dev.leakguard.checks;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.Assert.assertThrows;

import com.google.common.collect.ImmutableMap;
import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.InvalidCommandLineOptionException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link TransactionLeak}: {@code identification} tests (what is reported, what is not, side by
 * side) and {@code replacement} tests (each fix shape; every fixed output is compiled and checked
 * again, and must be silent). JPA and Spring come from their API jars on the test classpath;
 * Hibernate's two types are declared here, since the check knows them by name only.
 */
@RunWith(JUnit4.class)
public class TransactionLeakTest {

  private static final String[] HIBERNATE_SESSION = {
    "package org.hibernate;",
    "public interface Session extends SharedSessionContract {",
    "  Object save(Object entity);",
    "}",
  };
  private static final String[] HIBERNATE_CONTRACT = {
    "package org.hibernate;",
    "public interface SharedSessionContract {",
    "  Transaction beginTransaction();",
    "  Transaction getTransaction();",
    "}",
  };
  private static final String[] HIBERNATE_TRANSACTION = {
    "package org.hibernate;",
    "public interface Transaction {",
    "  void commit();",
    "  void rollback();",
    "  boolean isActive();",
    "}",
  };

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(TransactionLeak.class, getClass())
          .addSourceLines("org/hibernate/Session.java", HIBERNATE_SESSION)
          .addSourceLines("org/hibernate/SharedSessionContract.java", HIBERNATE_CONTRACT)
          .addSourceLines("org/hibernate/Transaction.java", HIBERNATE_TRANSACTION);

  /** Applies the fix to {@code input}, expects {@code output}, and checks the output is silent. */
  private void assertFix(String input, String output) {
    BugCheckerRefactoringTestHelper.newInstance(TransactionLeak.class, getClass())
        .addInputLines("org/hibernate/Session.java", HIBERNATE_SESSION)
        .expectUnchanged()
        .addInputLines("org/hibernate/SharedSessionContract.java", HIBERNATE_CONTRACT)
        .expectUnchanged()
        .addInputLines("org/hibernate/Transaction.java", HIBERNATE_TRANSACTION)
        .expectUnchanged()
        .addInputLines("Test.java", input)
        .addOutputLines("Test.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    CompilationTestHelper.newInstance(TransactionLeak.class, getClass())
        .addSourceLines("org/hibernate/Session.java", HIBERNATE_SESSION)
        .addSourceLines("org/hibernate/SharedSessionContract.java", HIBERNATE_CONTRACT)
        .addSourceLines("org/hibernate/Transaction.java", HIBERNATE_TRANSACTION)
        .addSourceLines("Test.java", output)
        .expectNoDiagnostics()
        .doTest();
  }

  // ---------------------------------------------------------------- identification: JDBC

  @Test
  public void jdbc_commitOnlyOnTheNormalPath_reported_rollbackInCatch_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.sql.Connection;
            import java.sql.PreparedStatement;
            import java.sql.SQLException;
            import javax.sql.DataSource;
            class Test {
              DataSource ds;
              void leaks(long from, long to) throws SQLException {
                try (Connection conn = ds.getConnection()) {
                  // BUG: Diagnostic contains: `conn` leaves its transaction open if `conn.prepareStatement(...)` throws
                  conn.setAutoCommit(false);
                  PreparedStatement debit = conn.prepareStatement("update a set b = b - 1 where id = ?");
                  debit.setLong(1, from);
                  debit.executeUpdate();
                  conn.commit();
                }
              }
              void scoped(long from) throws SQLException {
                try (Connection conn = ds.getConnection()) {
                  conn.setAutoCommit(false);
                  try {
                    PreparedStatement debit = conn.prepareStatement("update a set b = b - 1");
                    debit.executeUpdate();
                    conn.commit();
                  } catch (SQLException | RuntimeException e) {
                    conn.rollback();
                    throw e;
                  }
                }
              }
              void catchesOnlySqlException(long from) throws SQLException {
                try (Connection conn = ds.getConnection()) {
                  conn.setAutoCommit(false);
                  try {
                    conn.createStatement().executeUpdate("delete from a");
                    conn.commit();
                  } catch (SQLException e) {
                    conn.rollback();
                    throw e;
                  }
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void jdbc_earlyReturn_reported_rollbackBeforeReturn_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.sql.Connection;
            import java.sql.SQLException;
            class Test {
              void leaks(Connection conn, int amount) throws SQLException {
                // BUG: Diagnostic contains: `conn` leaves its transaction open on a path that leaves the method
                conn.setAutoCommit(false);
                if (amount <= 0) {
                  return;
                }
                conn.commit();
              }
              void rollsBack(Connection conn, int amount) throws SQLException {
                conn.setAutoCommit(false);
                try {
                  if (amount <= 0) {
                    conn.rollback();
                    return;
                  }
                  conn.commit();
                } catch (SQLException | RuntimeException e) {
                  conn.rollback();
                  throw e;
                } finally {
                  conn.setAutoCommit(true);
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void jdbc_connectionNotOpenedHere_saysAutoCommitMustBeRestored() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.sql.Connection;
            import java.sql.SQLException;
            class Test {
              private Connection shared;
              void parameter(Connection conn) throws SQLException {
                // BUG: Diagnostic contains: `conn`, which this method did not open, is left with auto-commit off
                conn.setAutoCommit(false);
                conn.createStatement().executeUpdate("delete from a");
                conn.commit();
              }
              void field() throws SQLException {
                // BUG: Diagnostic contains: `shared`, which this method did not open
                shared.setAutoCommit(false);
                shared.createStatement().executeUpdate("delete from a");
                shared.commit();
              }
              void restoredInFinally(Connection conn) throws SQLException {
                try {
                  // BUG: Diagnostic matches: NOT_RESTORE_NOTE
                  conn.setAutoCommit(false);
                  conn.createStatement().executeUpdate("delete from a");
                  conn.commit();
                } finally {
                  conn.setAutoCommit(true);
                }
              }
            }
            """)
        .expectErrorMessage(
            "NOT_RESTORE_NOTE",
            message ->
                message.contains("`conn` leaves its transaction open")
                    && !message.contains("did not open"))
        .doTest();
  }

  /**
   * spring-jdbc MySQLMaxValueIncrementer.getNextKey: the transaction is begun under {@code if
   * (this.useNewConnection)} and committed in the {@code finally} under the same test of the same
   * field, with only getters of the object called between. A path cannot begin it and skip the
   * commit. Beside it, the tests that do not match: a volatile flag (another thread sets it), and
   * a flag that a method of the object called in between may change.
   */
  @Test
  public void jdbc_sameFieldFlagAroundBeginAndCommit_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.sql.Connection;
            import java.sql.SQLException;
            import javax.sql.DataSource;
            class Test {
              private boolean useNewConnection;
              private volatile boolean sharedFlag;
              private DataSource dataSource;
              private String name;
              String getName() {
                return name;
              }
              void reconfigure() {
                useNewConnection = !useNewConnection;
              }
              void increment() throws SQLException {
                Connection con = dataSource.getConnection();
                try {
                  if (this.useNewConnection) {
                    con.setAutoCommit(false);
                  }
                  con.createStatement().executeUpdate("update " + getName() + " set n = n + 1");
                } finally {
                  if (this.useNewConnection) {
                    con.commit();
                  }
                  con.close();
                }
              }
              void volatileFlag() throws SQLException {
                Connection con = dataSource.getConnection();
                try {
                  if (sharedFlag) {
                    // BUG: Diagnostic contains: `con` leaves its transaction open
                    con.setAutoCommit(false);
                  }
                  con.createStatement().executeUpdate("update t set n = n + 1");
                } finally {
                  if (sharedFlag) {
                    con.commit();
                  }
                  con.close();
                }
              }
              void changedBetween() throws SQLException {
                Connection con = dataSource.getConnection();
                try {
                  if (useNewConnection) {
                    // BUG: Diagnostic contains: `con` leaves its transaction open
                    con.setAutoCommit(false);
                  }
                  reconfigure();
                  con.createStatement().executeUpdate("update t set n = n + 1");
                } finally {
                  if (useNewConnection) {
                    con.commit();
                  }
                  con.close();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void jdbc_caughtAndSwallowed_reported() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.sql.Connection;
            import java.sql.SQLException;
            class Test {
              boolean swallow(Connection conn) {
                try {
                  // BUG: Diagnostic contains: `conn` leaves its transaction open when the method returns at line 12
                  conn.setAutoCommit(false);
                  conn.createStatement().executeUpdate("delete from a");
                  conn.commit();
                  return true;
                } catch (SQLException e) {
                  return false;
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void jdbc_notABegin_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.sql.Connection;
            import java.sql.SQLException;
            class Test {
              // Half of a begin()/commit() pair: the caller ends it.
              void begin(Connection conn) throws SQLException {
                conn.setAutoCommit(false);
              }
              void restore(Connection conn, boolean previous) throws SQLException {
                conn.setAutoCommit(previous);
                conn.createStatement().executeUpdate("delete from a");
                conn.commit();
              }
              void autoCommitOn(Connection conn) throws SQLException {
                conn.setAutoCommit(true);
                conn.createStatement().executeUpdate("delete from a");
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- identification: JPA, Hibernate

  @Test
  public void jpa_commitOnlyOnTheNormalPath_reported_finallyIsActive_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import jakarta.persistence.EntityManager;
            import jakarta.persistence.EntityTransaction;
            class Test {
              EntityManager em;
              void leaks(Object order) {
                EntityTransaction tx = em.getTransaction();
                // BUG: Diagnostic contains: `tx` leaves its transaction open if `em.persist(...)` throws
                tx.begin();
                em.persist(order);
                tx.commit();
              }
              void leaksThroughAccessor(Object order) {
                // BUG: Diagnostic contains: `em.getTransaction()` leaves its transaction open
                em.getTransaction().begin();
                em.persist(order);
                em.getTransaction().commit();
              }
              void scoped(Object order) {
                EntityTransaction tx = em.getTransaction();
                try {
                  tx.begin();
                  em.persist(order);
                  tx.commit();
                } finally {
                  if (tx.isActive()) {
                    tx.rollback();
                  }
                }
              }
              void rollbackInCatch(Object order) {
                em.getTransaction().begin();
                try {
                  em.persist(order);
                  em.getTransaction().commit();
                } catch (RuntimeException e) {
                  em.getTransaction().rollback();
                  throw e;
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void hibernate_beginTransaction_reported_scopedAndHandedOff_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import org.hibernate.Session;
            import org.hibernate.Transaction;
            class Test {
              Session session;
              Transaction current;
              void leaks(Object order) {
                // BUG: Diagnostic contains: `tx` leaves its transaction open if `session.save(...)` throws
                Transaction tx = session.beginTransaction();
                session.save(order);
                tx.commit();
              }
              void scoped(Object order) {
                Transaction tx = session.beginTransaction();
                try {
                  session.save(order);
                  tx.commit();
                } catch (RuntimeException e) {
                  tx.rollback();
                  throw e;
                }
              }
              Transaction returned() {
                return session.beginTransaction();
              }
              void storedInAField() {
                current = session.beginTransaction();
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- identification: Spring

  @Test
  public void spring_getTransaction_reported_rollbackThenCommit_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import org.springframework.transaction.PlatformTransactionManager;
            import org.springframework.transaction.TransactionStatus;
            import org.springframework.transaction.support.DefaultTransactionDefinition;
            class Test {
              PlatformTransactionManager tm;
              void work() {}
              void leaks() {
                // BUG: Diagnostic contains: `status` leaves its transaction open if `work()` throws
                TransactionStatus status = tm.getTransaction(new DefaultTransactionDefinition());
                work();
                tm.commit(status);
              }
              void scoped() {
                TransactionStatus status = tm.getTransaction(new DefaultTransactionDefinition());
                try {
                  work();
                } catch (RuntimeException | Error e) {
                  tm.rollback(status);
                  throw e;
                }
                tm.commit(status);
              }
              TransactionStatus handedToTheCaller() {
                return tm.getTransaction(new DefaultTransactionDefinition());
              }
            }
            """)
        .doTest();
  }

  @Test
  public void managedTransactions_silent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.sql.Connection;
            import java.sql.SQLException;
            import org.springframework.transaction.annotation.Transactional;
            import org.springframework.transaction.support.TransactionTemplate;
            class Test {
              TransactionTemplate template;
              @Transactional
              void annotatedMethod(Connection conn) throws SQLException {
                conn.setAutoCommit(false);
                conn.createStatement().executeUpdate("delete from a");
                conn.commit();
              }
              @Transactional
              static class AnnotatedClass {
                void work(Connection conn) throws SQLException {
                  conn.setAutoCommit(false);
                  conn.createStatement().executeUpdate("delete from a");
                  conn.commit();
                }
              }
              void callbackTemplate(Connection conn) {
                template.executeWithoutResult(
                    status -> {
                      try {
                        conn.createStatement().executeUpdate("delete from a");
                      } catch (SQLException e) {
                        status.setRollbackOnly();
                      }
                    });
              }
            }
            """)
        .doTest();
  }

  @Test
  public void lambdaBody_reported() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import jakarta.persistence.EntityManager;
            import java.util.function.Consumer;
            class Test {
              Consumer<EntityManager> save(Object order) {
                return em -> {
                  // BUG: Diagnostic contains: leaves its transaction open if `em.persist(...)` throws
                  em.getTransaction().begin();
                  em.persist(order);
                  em.getTransaction().commit();
                };
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- identification: no fix

  @Test
  public void jdbc_noFix_whenRollbackCannotThrowHere_orTheWorkReturns() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.sql.Connection;
            import java.sql.SQLException;
            class Test {
              /** A wrapper whose begin and commit declare nothing; its rollback() still does. */
              abstract static class QuietConnection implements Connection {
                @Override public abstract void setAutoCommit(boolean autoCommit);
                @Override public abstract void commit();
              }
              void work() {}
              void undeclared(QuietConnection conn) {
                // BUG: Diagnostic contains: no fix is offered: `rollback()` throws SQLException, which `undeclared` neither declares nor catches
                conn.setAutoCommit(false);
                work();
                conn.commit();
              }
              void returns(Connection conn, boolean skip) throws SQLException {
                // BUG: Diagnostic contains: no fix is offered: a `return`, `break` or `continue` leaves the work before `commit()`
                conn.setAutoCommit(false);
                if (skip) {
                  return;
                }
                conn.createStatement().executeUpdate("delete from a");
                conn.commit();
              }
            }
            """)
        .doTest();
  }

  // ---------------------------------------------------------------- options

  @Test
  public void options_extraTransactionType() {
    helper
        .setArgs("-XepOpt:TransactionLeak:ExtraTransactionTypes=com.acme.UnitOfWork#start/complete/abort")
        .addSourceLines(
            "com/acme/UnitOfWork.java",
            """
            package com.acme;
            public class UnitOfWork {
              public void start() {}
              public void complete() {}
              public void abort() {}
            }
            """)
        .addSourceLines(
            "Test.java",
            """
            import com.acme.UnitOfWork;
            class Test {
              void work() {}
              void leaks(UnitOfWork unit) {
                // BUG: Diagnostic contains: `unit` leaves its transaction open if `work()` throws
                unit.start();
                work();
                unit.complete();
              }
              void scoped(UnitOfWork unit) {
                unit.start();
                try {
                  work();
                  unit.complete();
                } catch (RuntimeException e) {
                  unit.abort();
                  throw e;
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  public void options_unresolvedType_reportedOnce() {
    CompilationTestHelper.newInstance(TransactionLeak.class, getClass())
        .setArgs("-XepOpt:TransactionLeak:ExtraTransactionTypes=com.acme.NoSuchTx#begin/commit/rollback")
        .addSourceLines(
            "Test.java",
            "// BUG: Diagnostic contains: -XepOpt:TransactionLeak:ExtraTransactionTypes: com.acme.NoSuchTx",
            "class Test {}")
        .doTest();
  }

  @Test
  public void options_malformed_failNamingTheFlag() {
    InvalidCommandLineOptionException e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () ->
                new TransactionLeak(
                    flags("TransactionLeak:ExtraTransactionTypes", "com.acme.Tx#begin/commit")));
    assertThat(e)
        .hasMessageThat()
        .contains("-XepOpt:TransactionLeak:ExtraTransactionTypes: malformed value 'com.acme.Tx#begin/commit'");
    assertThat(e).hasMessageThat().contains("e.g. com.acme.db.UnitOfWork#start/complete/abort");

    e =
        assertThrows(
            InvalidCommandLineOptionException.class,
            () -> new TransactionLeak(flags("TransactionLeak:ExtraTypes", "com.acme.Tx")));
    assertThat(e).hasMessageThat().contains("unknown LeakGuard option -XepOpt:TransactionLeak:ExtraTypes;");
  }

  private static ErrorProneFlags flags(String key, String value) {
    return ErrorProneFlags.fromMap(ImmutableMap.of(key, value));
  }

  // ---------------------------------------------------------------- replacement

  @Test
  public void fix_jdbc_ownConnection_catchRollbackRethrow() {
    assertFix(
        """
        import java.sql.Connection;
        import java.sql.DriverManager;
        import java.sql.SQLException;
        class Test {
          void transfer(String url) throws SQLException {
            try (Connection conn = DriverManager.getConnection(url)) {
              conn.setAutoCommit(false);
              conn.createStatement().executeUpdate("update a set b = b - 1");
              conn.createStatement().executeUpdate("update a set b = b + 1");
              conn.commit();
            }
          }
        }
        """,
        """
        import java.sql.Connection;
        import java.sql.DriverManager;
        import java.sql.SQLException;
        class Test {
          void transfer(String url) throws SQLException {
            try (Connection conn = DriverManager.getConnection(url)) {
              conn.setAutoCommit(false);
              try {
                conn.createStatement().executeUpdate("update a set b = b - 1");
                conn.createStatement().executeUpdate("update a set b = b + 1");
                conn.commit();
              } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
              }
            }
          }
        }
        """);
  }

  @Test
  public void fix_jdbc_borrowedConnection_restoresAutoCommit_importsSqlException() {
    assertFix(
        """
        import java.sql.Connection;
        class Test {
          void transfer(Connection conn) throws Exception {
            conn.setAutoCommit(false);
            conn.createStatement().executeUpdate("update a set b = b - 1");
            conn.commit(); // both or neither
          }
        }
        """,
        """
        import java.sql.Connection;
        import java.sql.SQLException;
        class Test {
          void transfer(Connection conn) throws Exception {
            conn.setAutoCommit(false);
            try {
              conn.createStatement().executeUpdate("update a set b = b - 1");
              conn.commit(); // both or neither
            } catch (SQLException | RuntimeException e) {
              conn.rollback();
              throw e;
            } finally {
              conn.setAutoCommit(true);
            }
          }
        }
        """);
  }

  @Test
  public void fix_jdbc_otherCheckedException_catchesExceptionAndRethrowsPrecisely() {
    assertFix(
        """
        import java.io.IOException;
        import java.sql.Connection;
        import java.sql.SQLException;
        class Test {
          String read() throws IOException { return ""; }
          void load(Connection e) throws SQLException, IOException {
            try (e) {
              e.setAutoCommit(false);
              e.createStatement().executeUpdate(read());
              e.commit();
            }
          }
        }
        """,
        """
        import java.io.IOException;
        import java.sql.Connection;
        import java.sql.SQLException;
        class Test {
          String read() throws IOException { return ""; }
          void load(Connection e) throws SQLException, IOException {
            try (e) {
              e.setAutoCommit(false);
              try {
                e.createStatement().executeUpdate(read());
                e.commit();
              } catch (Exception ex) {
                e.rollback();
                throw ex;
              } finally {
                e.setAutoCommit(true);
              }
            }
          }
        }
        """);
  }

  @Test
  public void fix_jpa_finallyRollsBackWhenActive_coversReturns() {
    assertFix(
        """
        import jakarta.persistence.EntityManager;
        import jakarta.persistence.EntityTransaction;
        class Test {
          EntityManager em;
          boolean save(Object order) {
            EntityTransaction tx = em.getTransaction();
            tx.begin();
            if (em.contains(order)) {
              return false;
            }
            em.persist(order);
            tx.commit();
            return true;
          }
        }
        """,
        """
        import jakarta.persistence.EntityManager;
        import jakarta.persistence.EntityTransaction;
        class Test {
          EntityManager em;
          boolean save(Object order) {
            EntityTransaction tx = em.getTransaction();
            tx.begin();
            try {
              if (em.contains(order)) {
                return false;
              }
              em.persist(order);
              tx.commit();
            } finally {
              if (tx.isActive()) tx.rollback();
            }
            return true;
          }
        }
        """);
  }

  @Test
  public void fix_jpa_throughTheEntityManager() {
    assertFix(
        """
        import jakarta.persistence.EntityManager;
        class Test {
          void save(EntityManager em, Object order) {
            em.getTransaction().begin();
            em.persist(order);
            em.getTransaction().commit();
          }
        }
        """,
        """
        import jakarta.persistence.EntityManager;
        class Test {
          void save(EntityManager em, Object order) {
            em.getTransaction().begin();
            try {
              em.persist(order);
              em.getTransaction().commit();
            } finally {
              if (em.getTransaction().isActive()) em.getTransaction().rollback();
            }
          }
        }
        """);
  }

  @Test
  public void fix_hibernate_transactionVariable() {
    assertFix(
        """
        import org.hibernate.Session;
        import org.hibernate.Transaction;
        class Test {
          void save(Session session, Object order) {
            Transaction tx = session.beginTransaction();
            session.save(order);
            tx.commit();
          }
        }
        """,
        """
        import org.hibernate.Session;
        import org.hibernate.Transaction;
        class Test {
          void save(Session session, Object order) {
            Transaction tx = session.beginTransaction();
            try {
              session.save(order);
              tx.commit();
            } finally {
              if (tx.isActive()) tx.rollback();
            }
          }
        }
        """);
  }

  @Test
  public void fix_spring_rollbackOnFailureThenCommit() {
    assertFix(
        """
        import org.springframework.transaction.PlatformTransactionManager;
        import org.springframework.transaction.TransactionStatus;
        import org.springframework.transaction.support.DefaultTransactionDefinition;
        class Test {
          void work() {}
          void run(PlatformTransactionManager tm) {
            TransactionStatus status = tm.getTransaction(new DefaultTransactionDefinition());
            work();
            tm.commit(status);
          }
        }
        """,
        """
        import org.springframework.transaction.PlatformTransactionManager;
        import org.springframework.transaction.TransactionStatus;
        import org.springframework.transaction.support.DefaultTransactionDefinition;
        class Test {
          void work() {}
          void run(PlatformTransactionManager tm) {
            TransactionStatus status = tm.getTransaction(new DefaultTransactionDefinition());
            try {
              work();
            } catch (RuntimeException | Error e) {
              tm.rollback(status);
              throw e;
            }
            tm.commit(status);
          }
        }
        """);
  }
}
