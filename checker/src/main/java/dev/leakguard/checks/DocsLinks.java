package dev.leakguard.checks;

/** Where each check's documentation page lives; every check's BugPattern link points here. */
final class DocsLinks {
  /** The docs pages, one per check, as published from {@code docs/bugpattern/} in the repository. */
  static final String BUGPATTERN_BASE = "https://github.com/leakguard/leakguard/blob/main/docs/bugpattern/";

  private DocsLinks() {}
}
