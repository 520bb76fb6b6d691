package dev.leakguard.sample.web;

/** The user a request is served for, kept per thread so that code deep in the call can log it. */
public final class RequestContext {
  private static final ThreadLocal<String> USER = new ThreadLocal<>();

  private RequestContext() {}

  /** The user of the request this thread is serving, or null between requests. */
  public static String currentUser() {
    return USER.get();
  }

  /** Serves {@code request} as {@code user}. A bad request throws, and the user stays set. */
  public static String serve(String user, String request) {
    USER.set(user);
    String answer = handle(request);
    USER.remove();
    return answer;
  }

  /** Serves {@code request} as {@code user}; the user is cleared however the request ends. */
  public static String serveSafely(String user, String request) {
    USER.set(user);
    try {
      return handle(request);
    } finally {
      USER.remove();
    }
  }

  private static String handle(String request) {
    if (request.isBlank()) {
      throw new IllegalArgumentException("empty request");
    }
    return request + " served for " + currentUser();
  }
}
