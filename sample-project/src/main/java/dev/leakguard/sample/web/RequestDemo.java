package dev.leakguard.sample.web;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BinaryOperator;

/**
 * Shows what a thread-local left set does to the next request: a request that fails on a pooled
 * thread, then an anonymous request on the same thread, which finds the first one's user.
 */
public final class RequestDemo {
  private RequestDemo() {}

  public static void run() throws InterruptedException {
    show("serve", RequestContext::serve);
    show("serveSafely", RequestContext::serveSafely);
  }

  private static void show(String name, BinaryOperator<String> serve) throws InterruptedException {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      try {
        worker.submit(() -> serve.apply("alice", " ")).get();
      } catch (ExecutionException e) {
        System.out.printf("requests: %s failed: %s%n", name, e.getCause().getMessage());
      }
      String next = worker.submit(RequestContext::currentUser).get();
      System.out.printf("  the next request on that thread runs as user %s%n", next);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } finally {
      worker.shutdown();
    }
  }
}
