package dev.leakguard.sample.orders;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Stock of each item per warehouse, in an embedded H2 database (in-process, in memory: the JDBC
 * URL is all it takes). Callers lend it a connection, as a pool would, and get it back afterwards.
 */
public final class OrderStore {
  private final String url;

  public OrderStore(String url) {
    this.url = url;
  }

  /** A new connection to the store; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  /** Creates the stock table with a few rows. */
  public void createSchema() throws SQLException {
    try (Connection conn = connect(); Statement ddl = conn.createStatement()) {
      ddl.execute("create table stock(warehouse varchar(20), item varchar(20), qty int,"
          + " primary key (warehouse, item))");
      ddl.execute("insert into stock values ('north', 'anvil', 40), ('south', 'anvil', 5)");
    }
  }

  /**
   * Moves {@code qty} of {@code item} between warehouses. Leaks the transaction: when the credit
   * fails (an unknown warehouse), the debit stays uncommitted and its row stays locked, on a
   * connection that goes back to its owner with auto-commit off.
   */
  public void transfer(Connection conn, String item, String from, String to, int qty)
      throws SQLException {
    conn.setAutoCommit(false);
    change(conn, item, from, -qty);
    change(conn, item, to, qty);
    conn.commit();
  }

  /** The same transfer, scoped: rolled back when it fails, auto-commit restored either way. */
  public void transferSafely(Connection conn, String item, String from, String to, int qty)
      throws SQLException {
    conn.setAutoCommit(false);
    try {
      change(conn, item, from, -qty);
      change(conn, item, to, qty);
      conn.commit();
    } catch (SQLException | RuntimeException e) {
      conn.rollback();
      throw e;
    } finally {
      conn.setAutoCommit(true);
    }
  }

  private static void change(Connection conn, String item, String warehouse, int delta)
      throws SQLException {
    try (PreparedStatement update = conn.prepareStatement(
        "update stock set qty = qty + ? where warehouse = ? and item = ?")) {
      update.setInt(1, delta);
      update.setString(2, warehouse);
      update.setString(3, item);
      if (update.executeUpdate() != 1) {
        throw new SQLException("no " + item + " stock in warehouse " + warehouse);
      }
    }
  }
}
