package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link UnclosedResource} on code written for the Checker Framework's Resource Leak Checker: the
 * must-call contract ({@code @MustCall}, {@code @InheritableMustCall}, {@code
 * @EnsuresCalledMethods}, {@code @CalledMethods}, {@code @Owning}, {@code @NotOwning}, {@code
 * @MustCallAlias}) read from the real checker-qual annotations, with LeakGuard's path-sensitive
 * analysis. Positives beside their negatives; the {@code replacement} tests pin which fixes a
 * must-call type gets.
 */
@RunWith(JUnit4.class)
public class MustCallContractTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  private static final String[] FOO = {
    "package lib;",
    "import org.checkerframework.checker.mustcall.qual.InheritableMustCall;",
    "@InheritableMustCall(\"a\")",
    "public class Foo {",
    "  public void a() {}",
    "  public void use() {}",
    "}"
  };

  @Test
  public void identification_customMustCallMethod() {
    helper
        .addSourceLines("lib/Foo.java", FOO)
        .addSourceLines(
            "Users.java",
            "import lib.Foo;",
            "import org.checkerframework.checker.calledmethods.qual.CalledMethods;",
            "import org.checkerframework.checker.mustcall.qual.InheritableMustCall;",
            "import org.checkerframework.checker.mustcall.qual.MustCall;",
            "import org.checkerframework.checker.mustcall.qual.NotOwning;",
            "class Users {",
            "  @InheritableMustCall({})",
            "  static class Done extends Foo {}",
            "  static class Sub extends Foo {}",
            "  private Foo kept = new Foo();",
            "  void neverA() {",
            "    // BUG: Diagnostic contains: `foo` is not released by `a()` on any path",
            "    Foo foo = new Foo();",
            "    foo.use();",
            "  }",
            "  void released() {",
            "    Foo foo = new Foo();",
            "    foo.a();",
            "  }",
            "  void releasedInFinally() {",
            "    Foo foo = new Foo();",
            "    try {",
            "      foo.use();",
            "    } finally {",
            "      foo.a();",
            "    }",
            "  }",
            "  void exceptionalPath() {",
            "    // BUG: Diagnostic contains: `foo` is not released by `a()` if `foo.use()` throws",
            "    Foo foo = new Foo();",
            "    foo.use();",
            "    foo.a();",
            "  }",
            "  void subclassInherits() {",
            "    // BUG: Diagnostic contains: is not released by `a()`",
            "    Foo foo = new Sub();",
            "  }",
            "  void subclassOwesNothing() {",
            "    Foo foo = new Done();",
            "  }",
            "  Foo make() {",
            "    return new Foo();",
            "  }",
            "  void fromFactory() {",
            "    // BUG: Diagnostic contains: is not released by `a()`",
            "    Foo foo = make();",
            "  }",
            "  @CalledMethods(\"a\") Foo makeDone() {",
            "    Foo foo = new Foo();",
            "    foo.a();",
            "    return foo;",
            "  }",
            "  @MustCall({}) Foo makeNothingOwed() {",
            "    Foo foo = new Foo();",
            "    foo.a();",
            "    return foo;",
            "  }",
            "  @NotOwning Foo kept() {",
            "    return kept;",
            "  }",
            "  void nothingOwedByTheResult() {",
            "    Foo done = makeDone();",
            "    Foo nothing = makeNothingOwed();",
            "    Foo borrowed = kept();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A method returning a type variable returns what its type argument says: {@code apply} on a
   * {@code Function<…, @MustCall Foo>} owes nothing (the Checker Framework's {@code RLLambda}),
   * and {@code get} on a {@code Map<String, @MustCall("hashCode") String>} owes {@code hashCode()}
   * ({@code IndexMode}).
   */
  @Test
  public void identification_typeArgumentAnnotationsOfATypeVariableResult() {
    helper
        .addSourceLines("lib/Foo.java", FOO)
        .addSourceLines(
            "Users.java",
            "import java.util.Map;",
            "import java.util.function.Function;",
            "import lib.Foo;",
            "import org.checkerframework.checker.mustcall.qual.MustCall;",
            "class Users {",
            "  void applied(Function<Foo, @MustCall Foo> done, Foo f) {",
            "    done.apply(f);",
            "  }",
            "  void owed(Map<String, @MustCall(\"hashCode\") String> options) {",
            "    // BUG: Diagnostic contains: is not released by `hashCode()`",
            "    String option = options.get(\"is_literal\");",
            "  }",
            "  void plain(Map<String, String> options) {",
            "    String option = options.get(\"is_literal\");",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A {@code @MustCallAlias} wrapper with a must-call method of its own: calling either its {@code
   * b()} or the wrapped {@code a()} releases the one obligation (the Checker Framework's {@code
   * MustCallAliasDifferentMethodNames}); calling neither leaks it.
   */
  @Test
  public void identification_aliasWrapperReleasedByItsOwnMustCallMethod() {
    helper
        .addSourceLines(
            "Aliases.java",
            "import org.checkerframework.checker.calledmethods.qual.EnsuresCalledMethods;",
            "import org.checkerframework.checker.mustcall.qual.InheritableMustCall;",
            "import org.checkerframework.checker.mustcall.qual.MustCallAlias;",
            "import org.checkerframework.checker.mustcall.qual.Owning;",
            "class Aliases {",
            "  @InheritableMustCall(\"a\")",
            "  static class Foo {",
            "    void a() {}",
            "  }",
            "  @InheritableMustCall(\"b\")",
            "  static class FooField {",
            "    private final @Owning Foo foo;",
            "    @MustCallAlias FooField(@MustCallAlias Foo f) {",
            "      this.foo = f;",
            "    }",
            "    @EnsuresCalledMethods(value = \"this.foo\", methods = \"a\")",
            "    void b() {",
            "      foo.a();",
            "    }",
            "  }",
            "  void byWrapper() {",
            "    Foo f = new Foo();",
            "    FooField wrapper = new FooField(f);",
            "    wrapper.b();",
            "  }",
            "  void byWrapped() {",
            "    Foo f = new Foo();",
            "    FooField wrapper = new FooField(f);",
            "    f.a();",
            "  }",
            "  void byNeither() {",
            "    // BUG: Diagnostic contains: is not released by `a()`",
            "    Foo f = new Foo();",
            "    FooField wrapper = new FooField(f);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_unannotatedTypesAreNotResources() {
    helper
        .addSourceLines(
            "Plain.java",
            "class Plain {",
            "  static class Foo {",
            "    void a() {}",
            "  }",
            "  Foo make() {",
            "    return new Foo();",
            "  }",
            "  void neverA() {",
            "    Foo foo = new Foo();",
            "    Foo other = make();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_everyMustCallMethod() {
    helper
        .addSourceLines(
            "Two.java",
            "import org.checkerframework.checker.mustcall.qual.InheritableMustCall;",
            "class Two {",
            "  @InheritableMustCall({\"a\", \"b\"})",
            "  static class AB {",
            "    void a() {}",
            "    void b() {}",
            "  }",
            "  void both() {",
            "    AB ab = new AB();",
            "    ab.a();",
            "    ab.b();",
            "  }",
            "  void onlyB() {",
            "    // BUG: Diagnostic contains: `ab` is not released by `a()` and `b()`",
            "    AB ab = new AB();",
            "    ab.b();",
            "  }",
            "  void aOnOneBranch(boolean c) {",
            "    // BUG: Diagnostic contains: is not released by `a()` and `b()`",
            "    AB ab = new AB();",
            "    if (c) {",
            "      ab.a();",
            "    }",
            "    ab.b();",
            "  }",
            "  void aOnBothBranches(boolean c) {",
            "    AB ab = new AB();",
            "    if (c) {",
            "      ab.a();",
            "    } else {",
            "      ab.a();",
            "    }",
            "    ab.b();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_closeableWithAnotherMustCallMethod() {
    helper
        .addSourceLines(
            "More.java",
            "import org.checkerframework.checker.mustcall.qual.InheritableMustCall;",
            "@InheritableMustCall({\"close\", \"flush\"})",
            "class More implements AutoCloseable {",
            "  void flush() {}",
            "  @Override public void close() {}",
            "  static void closedOnly() {",
            "    // BUG: Diagnostic contains: `m` is not released by `close()` and `flush()`",
            "    try (More m = new More()) {",
            "    }",
            "  }",
            "  static void both() {",
            "    try (More m = new More()) {",
            "      m.flush();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_ensuresCalledMethods() {
    helper
        .addSourceLines("lib/Foo.java", FOO)
        .addSourceLines(
            "Helpers.java",
            "import java.io.*;",
            "import java.net.Socket;",
            "import lib.Foo;",
            "import org.checkerframework.checker.calledmethods.qual.EnsuresCalledMethods;",
            "class Helpers {",
            "  @EnsuresCalledMethods(value = \"#1\", methods = \"a\")",
            "  void finish(Foo foo) {",
            "    foo.a();",
            "  }",
            "  @EnsuresCalledMethods(value = \"#2\", methods = \"close\")",
            "  void shut(String why, Socket s) {",
            "    try {",
            "      s.close();",
            "    } catch (IOException e) {",
            "    }",
            "  }",
            "  void finished() {",
            "    Foo foo = new Foo();",
            "    finish(foo);",
            "  }",
            "  void shutSocket(String host) throws IOException {",
            "    Socket s = new Socket(host, 80);",
            "    shut(\"done\", s);",
            "  }",
            "  void notFinished() {",
            "    // BUG: Diagnostic contains: is not released by `a()`",
            "    Foo foo = new Foo();",
            "    foo.use();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_owningParameters() {
    helper
        .addSourceLines("lib/Foo.java", FOO)
        .addSourceLines(
            "Owners.java",
            "import java.io.*;",
            "import lib.Foo;",
            "import org.checkerframework.checker.calledmethods.qual.CalledMethods;",
            "import org.checkerframework.checker.mustcall.qual.Owning;",
            "class Owners {",
            "  private Foo field;",
            "  // BUG: Diagnostic contains: `foo` is not released by `a()` on any path",
            "  void dropped(@Owning Foo foo) {",
            "    foo.use();",
            "  }",
            "  void released(@Owning Foo foo) {",
            "    try {",
            "      foo.use();",
            "    } finally {",
            "      foo.a();",
            "    }",
            "  }",
            "  void handedOn(@Owning Foo foo) {",
            "    released(foo);",
            "  }",
            "  void stored(@Owning Foo foo) {",
            "    field = foo;",
            "  }",
            "  Foo returned(@Owning Foo foo) {",
            "    return foo;",
            "  }",
            "  void alreadyDone(@Owning @CalledMethods(\"a\") Foo foo) {}",
            "  void borrowed(Foo foo) {",
            "    foo.use();",
            "  }",
            "  // A method that throws has not taken the parameter over: its caller still holds it.",
            "  int stream(@Owning InputStream in) throws IOException {",
            "    int b = in.read();",
            "    in.close();",
            "    return b;",
            "  }",
            "  // BUG: Diagnostic contains: `in` is not closed when the method returns at line",
            "  int droppedOnOneBranch(@Owning InputStream in, boolean skip) throws IOException {",
            "    if (skip) {",
            "      return -1;",
            "    }",
            "    in.close();",
            "    return 0;",
            "  }",
            "  // Reading from it is no hand-off.",
            "  // BUG: Diagnostic contains: `in` is not closed on any path",
            "  int read(@Owning InputStream in) throws IOException {",
            "    return in.read();",
            "  }",
            "  int streamClosed(@Owning InputStream in) throws IOException {",
            "    try (in) {",
            "      return in.read();",
            "    }",
            "  }",
            "  void callerHandsItOver() {",
            "    released(new Foo());",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_notOwningMethods() {
    helper
        .addSourceLines("lib/Foo.java", FOO)
        .addSourceLines(
            "Views.java",
            "import lib.Foo;",
            "import org.checkerframework.checker.mustcall.qual.NotOwning;",
            "import org.checkerframework.checker.mustcall.qual.Owning;",
            "class Views {",
            "  private final Foo foo = new Foo();",
            "  @NotOwning Foo view() {",
            "    return foo;",
            "  }",
            "  @NotOwning Foo fresh() {",
            "    // BUG: Diagnostic contains: is not released by `a()`",
            "    return new Foo();",
            "  }",
            "  @Owning Foo owned() {",
            "    return new Foo();",
            "  }",
            "  void caller() {",
            "    view().use();",
            "    // BUG: Diagnostic contains: is not released by `a()`",
            "    Foo mine = owned();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_mustCallAlias() {
    helper
        .addSourceLines(
            "Wrapper.java",
            "import java.io.*;",
            "import org.checkerframework.checker.mustcall.qual.MustCallAlias;",
            "class Wrapper implements Closeable {",
            "  private final InputStream in;",
            "  @MustCallAlias Wrapper(@MustCallAlias InputStream in) {",
            "    this.in = in;",
            "  }",
            "  static @MustCallAlias InputStream same(@MustCallAlias InputStream in) {",
            "    return in;",
            "  }",
            "  @Override public void close() throws IOException {",
            "    in.close();",
            "  }",
            "  static void wrapperClosed(File f) throws IOException {",
            "    try (Wrapper w = new Wrapper(new FileInputStream(f))) {",
            "    }",
            "  }",
            "  static void aliasClosed(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    InputStream alias = same(in);",
            "    alias.close();",
            "  }",
            "  static void neither(File f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    InputStream in = new FileInputStream(f);",
            "    Wrapper w = new Wrapper(in);",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Two engine paths that are not leaks, seen first on must-call code but general: the implicit
   * NullPointerException of storing into a local's field ({@code holder.name = …}), which the
   * dataflow library never shows the transfer function, and {@code new Empty()} of a class whose
   * construction runs no code.
   */
  @Test
  public void identification_pathsThatOnlyImplicitExceptionsTake() {
    helper
        .addSourceLines(
            "Quiet.java",
            "import java.io.*;",
            "class Quiet {",
            "  static class Holder {",
            "    Object name;",
            "  }",
            "  static class Empty {}",
            "  static class Busy {",
            "    final int size;",
            "    Busy() {",
            "      size = Integer.parseInt(System.getProperty(\"busy.size\", \"1\"));",
            "    }",
            "  }",
            "  static int fieldOfALocal(File f, Holder holder) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    holder.name = \"x\";",
            "    in.close();",
            "    return 0;",
            "  }",
            "  static Object emptyConstruction(File f) throws IOException {",
            "    InputStream in = new FileInputStream(f);",
            "    Object marker = new Empty();",
            "    in.close();",
            "    return marker;",
            "  }",
            "  static Object busyConstruction(File f) throws IOException {",
            "    // BUG: Diagnostic contains: if `new Busy()` throws",
            "    InputStream in = new FileInputStream(f);",
            "    Object marker = new Busy();",
            "    in.close();",
            "    return marker;",
            "  }",
            "}")
        .doTest();
  }

  private static final String[] RESETTABLE = {
    "package lib;",
    "import org.checkerframework.checker.mustcall.qual.CreatesMustCallFor;",
    "import org.checkerframework.checker.mustcall.qual.InheritableMustCall;",
    "import org.checkerframework.checker.mustcall.qual.MustCall;",
    "@InheritableMustCall(\"a\")",
    "public class Resettable {",
    "  public void a() {}",
    "  public void use() {}",
    "  @CreatesMustCallFor",
    "  public void reset() {}",
    "  @CreatesMustCallFor(\"#1\")",
    "  public void resetOther(Resettable other) {}",
    "  @CreatesMustCallFor(\"this\")",
    "  @CreatesMustCallFor(\"#1\")",
    "  public void resetBoth(Resettable other) {}",
    "  public static @MustCall({}) Resettable makeNoMC() {",
    "    return null;",
    "  }",
    "}"
  };

  /**
   * {@code @CreatesMustCallFor}: after the call, a local variable's value owes its must-call
   * methods again, reported where the variable got the value, and only the caller's own values:
   * a parameter's or a field's belong to their owner.
   */
  @Test
  public void identification_createsMustCallFor() {
    helper
        .addSourceLines("lib/Resettable.java", RESETTABLE)
        .addSourceLines(
            "Resets.java",
            "import lib.Resettable;",
            "class Resets {",
            "  static class Sub extends Resettable {",
            "    @Override public void reset() {}",
            "  }",
            "  static class Narrower extends Resettable {",
            "    Resettable other;",
            "    // Its own annotation hides the one it overrides, as in the Checker Framework.",
            "    @Override",
            "    @org.checkerframework.checker.mustcall.qual.CreatesMustCallFor(\"this.other\")",
            "    public void reset() {}",
            "  }",
            "  private Resettable kept;",
            "  void resetAfterRelease() {",
            "    // BUG: Diagnostic contains: `r` is not released by `a()` after `r.reset()` (line 18)"
                + " gives it a new obligation",
            "    Resettable r = new Resettable();",
            "    r.a();",
            "    r.reset();",
            "  }",
            "  void resetThenReleasedAgain() {",
            "    Resettable r = new Resettable();",
            "    r.a();",
            "    r.reset();",
            "    r.a();",
            "  }",
            "  void resetWhileOpenThenReleased() {",
            "    Resettable r = new Resettable();",
            "    r.reset();",
            "    r.a();",
            "  }",
            "  void resetOnABranchThenReleased(boolean c) {",
            "    Resettable r = new Resettable();",
            "    if (c) {",
            "      r.reset();",
            "    }",
            "    r.a();",
            "  }",
            "  void resetOnABranchAfterRelease(boolean c) {",
            "    // BUG: Diagnostic contains: after `r.reset()`",
            "    Resettable r = new Resettable();",
            "    r.a();",
            "    if (c) {",
            "      r.reset();",
            "    }",
            "  }",
            "  void resetWhileOpenNeverReleased() {",
            "    // BUG: Diagnostic contains: `r` is not released by `a()`",
            "    Resettable r = new Resettable();",
            "    r.reset();",
            "  }",
            "  void valueThatOwedNothing() {",
            "    // BUG: Diagnostic contains: after `r.reset()`",
            "    Resettable r = Resettable.makeNoMC();",
            "    r.reset();",
            "  }",
            "  void valueThatOwedNothingNeverReset() {",
            "    Resettable r = Resettable.makeNoMC();",
            "    r.use();",
            "  }",
            "  void argument() {",
            "    // BUG: Diagnostic contains: `r` is not released by `a()` after `s.resetOther(r)`",
            "    Resettable r = Resettable.makeNoMC();",
            "    Resettable s = Resettable.makeNoMC();",
            "    s.resetOther(r);",
            "  }",
            "  void receiverAndArgument() {",
            "    Resettable x = new Resettable();",
            "    x.a();",
            "    // BUG: Diagnostic contains: `y` is not released by `a()` after `x.resetBoth(y)`",
            "    Resettable y = new Resettable();",
            "    y.a();",
            "    x.resetBoth(y);",
            "    x.a();",
            "  }",
            "  void throughAnAlias() {",
            "    Resettable a = Resettable.makeNoMC();",
            "    // BUG: Diagnostic contains: `b` is not released by `a()` after `b.reset()`",
            "    Resettable b = a;",
            "    b.reset();",
            "  }",
            "  void releasedThroughTheOtherAlias() {",
            "    Resettable a = Resettable.makeNoMC();",
            "    Resettable b = a;",
            "    b.reset();",
            "    a.a();",
            "  }",
            "  void inheritedByAnOverride() {",
            "    // BUG: Diagnostic contains: after `r.reset()`",
            "    Sub r = new Sub();",
            "    r.a();",
            "    r.reset();",
            "  }",
            "  void ownAnnotationHidesTheInheritedOne() {",
            "    Narrower r = new Narrower();",
            "    r.a();",
            "    r.reset();",
            "  }",
            "  void parameterIsTheCallersToRelease(Resettable p) {",
            "    p.reset();",
            "  }",
            "  void localCopyOfAParameter(Resettable p) {",
            "    Resettable q = p;",
            "    q.reset();",
            "  }",
            "  void fieldIsTheClasssToRelease() {",
            "    kept.reset();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A socket a method declares to owe nothing ({@code @MustCall({})}, an unconnected socket its
   * caller connects: ZooKeeper's {@code createSocket()}) owes {@code close()} once connected or
   * bound; one from a getter, a parameter or a field stays its owner's.
   */
  @Test
  public void identification_connectingASocketThatOwedNothing() {
    helper
        .addSourceLines(
            "Sockets.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "import java.nio.channels.SocketChannel;",
            "import org.checkerframework.checker.mustcall.qual.MustCall;",
            "class Sockets {",
            "  private Socket kept;",
            "  static @MustCall({}) Socket createSocket() throws IOException {",
            "    return new Socket();",
            "  }",
            "  void connected(SocketAddress endpoint) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed after `s.connect(endpoint)` (line 13)"
                + " opens its socket",
            "    Socket s = createSocket();",
            "    s.connect(endpoint);",
            "  }",
            "  void connectedAndClosed(SocketAddress endpoint) throws IOException {",
            "    try (Socket s = createSocket()) {",
            "      s.connect(endpoint);",
            "    }",
            "  }",
            "  void neverConnected() throws IOException {",
            "    Socket s = createSocket();",
            "    s.setKeepAlive(true);",
            "  }",
            "  void bound(SocketAddress endpoint) throws IOException {",
            "    // BUG: Diagnostic contains: after `s.bind(endpoint)`",
            "    Socket s = createSocket();",
            "    s.bind(endpoint);",
            "  }",
            "  void fromAGetter(SocketChannel channel, SocketAddress endpoint) throws IOException {",
            "    Socket s = channel.socket();",
            "    s.connect(endpoint);",
            "  }",
            "  void parameter(Socket s, SocketAddress endpoint) throws IOException {",
            "    s.connect(endpoint);",
            "  }",
            "  void field(SocketAddress endpoint) throws IOException {",
            "    kept.connect(endpoint);",
            "  }",
            "}")
        .doTest();
  }

  /** A socket connected after a {@code @MustCall({})} factory made it: scoped where declared. */
  @Test
  public void replacement_socketThatOwedNothingGetsTryWithResourcesOnceConnected() {
    refactoring
        .addInputLines(
            "Sockets.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "import org.checkerframework.checker.mustcall.qual.MustCall;",
            "class Sockets {",
            "  static @MustCall({}) Socket createSocket() {",
            "    return new Socket();",
            "  }",
            "  void connected(SocketAddress endpoint) throws IOException {",
            "    Socket s = createSocket();",
            "    s.connect(endpoint);",
            "  }",
            "}")
        .addOutputLines(
            "Sockets.java",
            "import java.io.IOException;",
            "import java.net.*;",
            "import org.checkerframework.checker.mustcall.qual.MustCall;",
            "class Sockets {",
            "  static @MustCall({}) Socket createSocket() {",
            "    return new Socket();",
            "  }",
            "  void connected(SocketAddress endpoint) throws IOException {",
            "    try (Socket s = createSocket()) {",
            "      s.connect(endpoint);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A type whose must-call method is not {@code close()} cannot go in try-with-resources (it may
   * not even be {@code AutoCloseable}): no fix, and the message says what to write instead.
   */
  @Test
  public void replacement_customMustCallMethodIsCalledInFinally() {
    refactoring
        .addInputLines("lib/Foo.java", FOO)
        .expectUnchanged()
        .addInputLines(
            "User.java",
            "import lib.Foo;",
            "class User {",
            "  void neverA() {",
            "    Foo foo = new Foo();",
            "    foo.use();",
            "  }",
            "}")
        .addOutputLines(
            "User.java",
            "import lib.Foo;",
            "class User {",
            "  void neverA() {",
            "    Foo foo = new Foo();",
            "    try {",
            "      foo.use();",
            "    } finally {",
            "      foo.a();",
            "    }",
            "  }",
            "}")
        .doTest();
    helper
        .addSourceLines("lib/Foo.java", FOO)
        .addSourceLines(
            "User.java",
            "import lib.Foo;",
            "class User {",
            "  void neverA() {",
            "    // BUG: Diagnostic contains: is not released by `a()` on any path; call `a()` in a finally block",
            "    Foo foo = new Foo();",
            "    foo.use();",
            "  }",
            "  void handedOn(java.util.List<Foo> all) {",
            "    // BUG: Diagnostic contains: no automatic fix: its type must have `a()` called,"
                + " which try-with-resources does not do; call it in a finally block",
            "    Foo foo = new Foo();",
            "    foo.use();",
            "    all.add(foo);",
            "  }",
            "}")
        .doTest();
  }

  /** A must-call type whose only must-call method is {@code close()} is an ordinary resource. */
  @Test
  public void replacement_mustCallCloseGetsTryWithResources() {
    String[] handle = {
      "package lib;",
      "import org.checkerframework.checker.mustcall.qual.MustCall;",
      "@MustCall(\"close\")",
      "public class Handle implements AutoCloseable {",
      "  public int read() { return 0; }",
      "  @Override public void close() {}",
      "}"
    };
    refactoring
        .addInputLines("lib/Handle.java", handle)
        .expectUnchanged()
        .addInputLines(
            "User.java",
            "import lib.Handle;",
            "class User {",
            "  int read() {",
            "    Handle h = new Handle();",
            "    int n = h.read();",
            "    h.close();",
            "    return n;",
            "  }",
            "}")
        .addOutputLines(
            "User.java",
            "import lib.Handle;",
            "class User {",
            "  int read() {",
            "    int n;",
            "    try (Handle h = new Handle()) {",
            "      n = h.read();",
            "    }",
            "    return n;",
            "  }",
            "}")
        .doTest();
  }

  /** An owned parameter has no expression to wrap: no fix, and the message says why. */
  @Test
  public void replacement_owningParameterGetsNoFix() {
    refactoring
        .addInputLines(
            "Owner.java",
            "import java.io.*;",
            "import org.checkerframework.checker.mustcall.qual.Owning;",
            "class Owner {",
            "  int read(@Owning InputStream in) throws IOException {",
            "    return in.read();",
            "  }",
            "}")
        .expectUnchanged()
        .doTest();
  }

  @Test
  public void identification_owningParameterTakesItOnlyIfTheCalleeReturns() {
    // The Checker Framework's OwnershipWithExceptions: when the callee throws the exception it
    // declares, the argument is still the caller's.
    helper
        .addSourceLines(
            "Transfers.java",
            "import java.io.*;",
            "import java.net.Socket;",
            "import org.checkerframework.checker.mustcall.qual.Owning;",
            "abstract class Transfers {",
            "  abstract @Owning Closeable alloc();",
            "  abstract void transfer(@Owning Closeable resource) throws IOException;",
            "  abstract void keep(@Owning Closeable resource);",
            "  void noHandling() throws IOException {",
            "    // BUG: Diagnostic contains: `resource` is not closed if `transfer(...)` throws",
            "    Closeable resource = alloc();",
            "    transfer(resource);",
            "  }",
            "  // BUG: Diagnostic contains: `zzz` is not closed when `transfer(...)` throws and the"
                + " exception is caught",
            "  void ignoresTheFailure(@Owning Closeable zzz) {",
            "    try {",
            "      transfer(zzz);",
            "    } catch (IOException ignored) {",
            "    }",
            "  }",
            "  void propagates(@Owning Closeable resource) throws IOException {",
            "    transfer(resource);",
            "  }",
            "  boolean closesOnFailure(@Owning Closeable resource) {",
            "    try {",
            "      transfer(resource);",
            "      return true;",
            "    } catch (Exception e) {",
            "      try {",
            "        resource.close();",
            "      } catch (Exception other) {",
            "      }",
            "      return false;",
            "    }",
            "  }",
            "  // Declaring no exception, it takes the argument on every path.",
            "  void declaresNone() {",
            "    keep(alloc());",
            "  }",
            "  void socket(String host, int port) throws IOException {",
            "    // BUG: Diagnostic contains: `s` is not closed if `closeSocket(...)` throws",
            "    Socket s = new Socket(host, port);",
            "    closeSocket(s);",
            "  }",
            "  void closeSocket(@Owning Socket t) throws IOException {",
            "    throw new IOException();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_owningConstructorParameterTakesItOnlyIfBuilt() {
    // The Checker Framework's OwningAndEnsuresCalledMethodsOnException, with a stream for the
    // resource: a constructor that fails as it declares has not taken its @Owning argument,
    // unless it promises to close it then.
    helper
        .addSourceLines(
            "Holder.java",
            "import java.io.*;",
            "import org.checkerframework.checker.calledmethods.qual.EnsuresCalledMethodsOnException;",
            "import org.checkerframework.checker.mustcall.qual.Owning;",
            "class Holder implements Closeable {",
            "  private final @Owning InputStream in;",
            "  @EnsuresCalledMethodsOnException(value = \"#1\", methods = \"close\")",
            "  Holder(@Owning InputStream in) throws IOException {",
            "    this.in = in;",
            "    try {",
            "      check(in);",
            "    } catch (IOException e) {",
            "      in.close();",
            "      throw e;",
            "    }",
            "  }",
            "  Holder(@Owning InputStream in, int weaker) throws IOException {",
            "    this.in = in;",
            "    check(in);",
            "  }",
            "  Holder(File f) throws IOException {",
            "    this(new FileInputStream(f));",
            "  }",
            "  Holder(File f, int weaker) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed if `this(...)` throws",
            "    this(new FileInputStream(f), weaker);",
            "  }",
            "  static void check(InputStream in) throws IOException {",
            "    if (in.available() < 0) throw new IOException();",
            "  }",
            "  static Holder good(File f) throws IOException {",
            "    return new Holder(new FileInputStream(f));",
            "  }",
            "  static Holder weak(File f) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed if `new Holder(...)` throws",
            "    return new Holder(new FileInputStream(f), 0);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    in.close();",
            "  }",
            "}")
        .doTest();
  }
}
