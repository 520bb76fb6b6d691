package dev.leakguard.sample.orders;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Shows what a leaked transaction does to the next caller: a failed transfer on a lent connection,
 * then an update of the same row on a second connection whose lock timeout is short.
 */
public final class TransferDemo {
  private TransferDemo() {}

  /** An interface for the two forms of the transfer. */
  private interface Transfer {
    void run(Connection conn) throws SQLException;
  }

  public static void run() throws SQLException {
    OrderStore store = new OrderStore("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1");
    try {
      store.createSchema();
    } catch (SQLException e) {
      System.out.println("order store: no H2 driver on the class path (" + e.getMessage() + ")");
      return;
    }
    show(store, "transfer", c -> store.transfer(c, "anvil", "north", "mars", 10));
    show(store, "transferSafely", c -> store.transferSafely(c, "anvil", "north", "mars", 10));
  }

  private static void show(OrderStore store, String name, Transfer transfer) throws SQLException {
    try (Connection lent = store.connect(); Connection next = store.connect()) {
      try {
        transfer.run(lent);
      } catch (SQLException e) {
        System.out.printf("order store: %s failed: %s%n", name, e.getMessage());
      }
      // The lent connection is back with its owner, still open, as in a pool.
      System.out.printf("  the lent connection came back with autoCommit=%b%n", lent.getAutoCommit());
      try (Statement update = next.createStatement()) {
        update.execute("set lock_timeout 200");
        update.executeUpdate(
            "update stock set qty = qty + 1 where warehouse = 'north' and item = 'anvil'");
        System.out.println("  the next caller's update of the north/anvil row went through");
      } catch (SQLException e) {
        System.out.printf("  the next caller's update of the north/anvil row timed out: it is"
            + " still locked by the leaked transaction (%s)%n", firstLine(e.getMessage()));
      }
      if (!lent.getAutoCommit()) {
        lent.rollback(); // the demo's own clean-up before the next run
      }
    }
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
