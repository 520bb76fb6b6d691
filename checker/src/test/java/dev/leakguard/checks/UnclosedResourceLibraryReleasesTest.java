package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link UnclosedResource} on library objects that are not released by {@code close()} or hold no
 * OS handle, yet must be released: {@code Deflater}/{@code Inflater} ({@code end()}), Android's
 * {@code TypedArray} ({@code recycle()}), and the ends of an in-process pipe.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceLibraryReleasesTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  /** Android's classes as far as the tests need them (the real ones are not on the classpath). */
  private CompilationTestHelper withAndroid() {
    return helper
        .addSourceLines(
            "android/content/res/TypedArray.java",
            "package android.content.res;",
            "public class TypedArray {",
            "  public int getInt(int index, int defValue) { return defValue; }",
            "  public void recycle() {}",
            "}")
        .addSourceLines(
            "android/content/res/Resources.java",
            "package android.content.res;",
            "public class Resources {",
            "  public TypedArray obtainTypedArray(int id) { return new TypedArray(); }",
            "  public final class Theme {",
            "    public TypedArray obtainStyledAttributes(int[] attrs) { return new TypedArray(); }",
            "  }",
            "}")
        .addSourceLines(
            "android/content/Context.java",
            "package android.content;",
            "import android.content.res.TypedArray;",
            "public abstract class Context {",
            "  public final TypedArray obtainStyledAttributes(int[] attrs) { return new TypedArray(); }",
            "}");
  }

  /** JDK 25 made {@code Deflater} and {@code Inflater} {@code AutoCloseable}: close() ends them. */
  private static final boolean ZLIB_CLOSEABLE =
      AutoCloseable.class.isAssignableFrom(java.util.zip.Deflater.class);

  private static String notEnded(String variable) {
    return "`" + variable + "` is not released by `end()`";
  }

  @Test
  public void identification_deflaterAndInflaterMustBeEnded() {
    helper
        .expectErrorMessage("DROPPED", m -> m.contains(notEnded("deflater") + " on any path"))
        .expectErrorMessage(
            "ON_SUCCESS",
            // `setInput` only validates its argument (a JDK setter of the resource): `inflate`,
            // which throws DataFormatException, is the first call that can fail.
            m -> m.contains(notEnded("inflater") + " if `inflater.inflate(...)` throws"))
        .expectErrorMessage("RESET", m -> m.contains(notEnded("d")))
        .addSourceLines(
            "Zip.java",
            "import java.util.zip.*;",
            "class Zip {",
            "  int dropped(byte[] data) {",
            "    // BUG: Diagnostic matches: DROPPED",
            "    Deflater deflater = new Deflater(Deflater.BEST_SPEED);",
            "    deflater.setInput(data);",
            "    deflater.finish();",
            "    return deflater.deflate(new byte[data.length]);",
            "  }",
            "  int endedOnlyOnSuccess(byte[] data) throws DataFormatException {",
            "    // BUG: Diagnostic matches: ON_SUCCESS",
            "    Inflater inflater = new Inflater();",
            "    inflater.setInput(data);",
            "    int n = inflater.inflate(new byte[64]);",
            "    inflater.end();",
            "    return n;",
            "  }",
            "  int endedInFinally(byte[] data) throws DataFormatException {",
            "    Inflater inflater = new Inflater(true);",
            "    try {",
            "      inflater.setInput(data);",
            "      return inflater.inflate(new byte[64]);",
            "    } finally {",
            "      inflater.end();",
            "    }",
            "  }",
            "  Deflater returned() {",
            "    return new Deflater();",
            "  }",
            "  void handedToAStreamThatEndsIt(java.io.OutputStream out) throws java.io.IOException {",
            "    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {",
            "      z.write(1);",
            "    }",
            "  }",
            "  void resetIsNotARelease() {",
            "    // BUG: Diagnostic matches: RESET",
            "    Deflater d = new Deflater();",
            "    d.reset();",
            "  }",
            "  int endedByClose(byte[] data) throws DataFormatException {",
            "    Inflater inflater = new Inflater();",
            "    try {",
            "      inflater.setInput(data);",
            "      return inflater.inflate(new byte[64]);",
            "    } finally {",
            "      inflater.end();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_typedArrayMustBeRecycled() {
    withAndroid()
        .addSourceLines(
            "Styled.java",
            "import android.content.Context;",
            "import android.content.res.Resources;",
            "import android.content.res.TypedArray;",
            "class Styled {",
            "  int leaked(Context context, int[] attrs) {",
            "    // BUG: Diagnostic contains: `array` is not released by `recycle()`",
            "    TypedArray array = context.obtainStyledAttributes(attrs);",
            "    return array.getInt(0, 1);",
            "  }",
            "  int fromTheme(Resources.Theme theme, int[] attrs) {",
            "    // BUG: Diagnostic contains: `a` is not released by `recycle()`",
            "    TypedArray a = theme.obtainStyledAttributes(attrs);",
            "    return a.getInt(0, 1);",
            "  }",
            "  int recycled(Resources resources) {",
            "    TypedArray a = resources.obtainTypedArray(7);",
            "    try {",
            "      return a.getInt(0, 1);",
            "    } finally {",
            "      a.recycle();",
            "    }",
            "  }",
            "  TypedArray handedToTheCaller(Context context, int[] attrs) {",
            "    return context.obtainStyledAttributes(attrs);",
            "  }",
            "  int anotherMethodReturningOneIsNotAFactory(Holder holder) {",
            "    return holder.attributes().getInt(0, 1);",
            "  }",
            "  interface Holder {",
            "    TypedArray attributes();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_pipeEnds() {
    helper
        .addSourceLines(
            "Pipes.java",
            "import java.io.*;",
            "import java.util.concurrent.ExecutorService;",
            "class Pipes {",
            "  int readOnce(PipedOutputStream source) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `in.read()` throws",
            "    PipedInputStream in = new PipedInputStream(source);",
            "    int b = in.read();",
            "    in.close();",
            "    return b;",
            "  }",
            "  void writerNeverClosed(PipedReader reader) throws IOException {",
            "    // BUG: Diagnostic contains: `writer` is not closed",
            "    PipedWriter writer = new PipedWriter(reader);",
            "    writer.write(42);",
            "  }",
            "  int closedInTryWithResources(PipedWriter source) throws IOException {",
            "    try (PipedReader reader = new PipedReader(source)) {",
            "      return reader.read();",
            "    }",
            "  }",
            "  InputStream producedByAnotherThread(ExecutorService executor) throws IOException {",
            "    PipedOutputStream out = new PipedOutputStream();",
            "    // A rejected task leaves `in` open: reported as for any resource (but not `out`, which",
            "    // the task owns).",
            "    // BUG: Diagnostic contains: `in` is not closed if `executor.execute(...)` throws",
            "    PipedInputStream in = new PipedInputStream(out);",
            "    executor.execute(() -> {",
            "      try (out) {",
            "        out.write(1);",
            "      } catch (IOException e) {",
            "        throw new UncheckedIOException(e);",
            "      }",
            "    });",
            "    return in;",
            "  }",
            "  private Closeable closable;",
            "  // h2 JdbcSQLXML: a StreamResult only stores its writer, and cannot fail.",
            "  javax.xml.transform.Result result(PipedReader reader) throws IOException {",
            "    PipedWriter writer = new PipedWriter(reader);",
            "    javax.xml.transform.stream.StreamResult result =",
            "        new javax.xml.transform.stream.StreamResult(writer);",
            "    closable = writer;",
            "    return result;",
            "  }",
            "  void unconnectedEndHoldsNothing() throws IOException {",
            "    PipedWriter writer = new PipedWriter();",
            "    writer.toString();",
            "  }",
            "  void connectedLater(PipedReader reader) throws IOException {",
            "    // BUG: Diagnostic contains: `writer` is not closed if `writer.write(...)` throws",
            "    PipedWriter writer = new PipedWriter();",
            "    writer.connect(reader);",
            "    writer.write(42);",
            "    writer.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * ant's Redirector with its LeadPipeInputStream: an unconnected pipe end given its owner by a
   * setter of its own class that only stores it, then wrapped in a reader whose charset may not
   * exist. The setter uses nothing of the pipe, so the end holds nothing until the partner is made
   * around it. A method of the subclass that reads, or connects, puts it to use.
   */
  @Test
  public void identification_unconnectedPipeGivenAPlainSetterOfItsClass() {
    helper
        .addSourceLines(
            "Redirect.java",
            "import java.io.*;",
            "class Redirect {",
            "  static class Lead extends PipedInputStream {",
            "    private Object owner;",
            "    Lead() {",
            "      super();",
            "    }",
            "    void setOwner(Object owner) {",
            "      this.owner = owner;",
            "    }",
            "    void prime(PipedOutputStream out) throws IOException {",
            "      connect(out);",
            "    }",
            "  }",
            "  OutputStream output(Object task, String charset) throws IOException {",
            "    Lead sink = new Lead();",
            "    sink.setOwner(task);",
            "    Reader reader = new InputStreamReader(sink, charset);",
            "    reader.hashCode();",
            "    return new PipedOutputStream(sink);",
            "  }",
            "  OutputStream primed(PipedOutputStream out, String charset) throws IOException {",
            "    // BUG: Diagnostic contains: `sink` is not closed",
            "    Lead sink = new Lead();",
            "    sink.prime(out);",
            "    Reader reader = new InputStreamReader(sink, charset);",
            "    return new PipedOutputStream();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * jsch's {@code Channel.getInputStream()}: a pipe end of the project's own subclass, made by a
   * constructor that only reaches the unconnected {@code PipedInputStream()} (through {@code
   * this(…)} and {@code super()}), holds nothing until connected, as the JDK's own does; so does a
   * socket subclass's that only reaches {@code Socket()}. A subclass constructor that connects it,
   * or does more than set fields, still makes a resource.
   */
  @Test
  public void identification_unconnectedPipeOfAProjectSubclass() {
    helper
        .addSourceLines(
            "Channel.java",
            "import java.io.*;",
            "class Channel {",
            "  static class Buffered extends PipedInputStream {",
            "    private int maxSize;",
            "    Buffered(int size) throws IOException {",
            "      super();",
            "      buffer = new byte[size];",
            "    }",
            "    Buffered(int size, int maxSize) throws IOException {",
            "      this(size);",
            "      this.maxSize = maxSize;",
            "    }",
            "    Buffered(PipedOutputStream out) throws IOException {",
            "      super(out);",
            "    }",
            "    Buffered(int size, PipedOutputStream out) throws IOException {",
            "      this(size);",
            "      connect(out);",
            "    }",
            "  }",
            "  static class Passive extends PipedOutputStream {",
            "    Passive(PipedInputStream in) throws IOException {",
            "      super(in);",
            "    }",
            "  }",
            "  interface Io {",
            "    void setOutputStream(OutputStream out);",
            "  }",
            "  private Io io;",
            "  InputStream getInputStream(int max) throws IOException {",
            "    PipedInputStream in = new Buffered(32 * 1024, max);",
            "    io.setOutputStream(new Passive(in));",
            "    return in;",
            "  }",
            "  static class Tuned extends java.net.Socket {",
            "    Tuned() {",
            "      super();",
            "    }",
            "  }",
            "  void unconnectedSocketOfASubclass() {",
            "    java.net.Socket socket = new Tuned();",
            "    socket.toString();",
            "  }",
            "  void usedSocketOfASubclass(java.net.SocketAddress to) throws IOException {",
            "    // BUG: Diagnostic contains: `socket` is not closed",
            "    java.net.Socket socket = new Tuned();",
            "    socket.connect(to);",
            "  }",
            "  InputStream connectedBySuper(PipedOutputStream out) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `in.read()` throws",
            "    PipedInputStream in = new Buffered(out);",
            "    in.read();",
            "    return in;",
            "  }",
            "  InputStream connectedInTheBody(PipedOutputStream out) throws IOException {",
            "    // BUG: Diagnostic contains: `in` is not closed if `in.read()` throws",
            "    PipedInputStream in = new Buffered(16, out);",
            "    in.read();",
            "    return in;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * hsqldb TarReader: a pipe used as a buffer within one thread, whose writing end is closed in a
   * {@code finally}. Closing either end of a pipe ends it for both (the reader reads to the end of
   * what was written; the writer fails at its next write instead of waiting), so the reading end
   * left open when {@code readBlocks} throws blocks no one. Closed only on success, neither end is
   * closed when a write throws.
   */
  @Test
  public void identification_closingOneEndOfAPipeReleasesBoth() {
    helper
        .addSourceLines(
            "Buffer.java",
            "import java.io.*;",
            "class Buffer {",
            "  static class TarMalformatException extends Exception {}",
            "  byte[] readBlocks(int n) throws IOException, TarMalformatException {",
            "    return new byte[n];",
            "  }",
            "  InputStream buffered(int blocks) throws IOException, TarMalformatException {",
            "    PipedInputStream inPipe = null;",
            "    PipedOutputStream outPipe = new PipedOutputStream();",
            "    try {",
            "      inPipe = new PipedInputStream(outPipe);",
            "      while (blocks-- > 0) {",
            "        outPipe.write(readBlocks(512));",
            "      }",
            "      outPipe.flush();",
            "    } catch (IOException ioe) {",
            "      if (inPipe != null) {",
            "        inPipe.close();",
            "      }",
            "      throw ioe;",
            "    } finally {",
            "      outPipe.close();",
            "    }",
            "    return inPipe;",
            "  }",
            "  int connectedThenClosedFromTheOtherEnd() throws IOException {",
            "    PipedWriter writer = new PipedWriter();",
            "    PipedReader reader = new PipedReader();",
            "    try {",
            "      reader.connect(writer);",
            "      writer.write(1);",
            "      return reader.read();",
            "    } finally {",
            "      writer.close();",
            "    }",
            "  }",
            "  InputStream closedOnlyOnSuccess(byte[] data) throws IOException {",
            "    // BUG: Diagnostic contains: `outPipe` is not closed if `outPipe.write(...)` throws",
            "    PipedOutputStream outPipe = new PipedOutputStream();",
            "    // BUG: Diagnostic contains: `inPipe` is not closed if `outPipe.write(...)` throws",
            "    PipedInputStream inPipe = new PipedInputStream(outPipe, data.length);",
            "    outPipe.write(data);",
            "    outPipe.close();",
            "    return inPipe;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fix_deflaterEndedInFinally() {
    // end() on every JDK: try-with-resources would not compile before JDK 25.
    refactoring
        .addInputLines(
            "Zip.java",
            "import java.util.zip.Deflater;",
            "class Zip {",
            "  int compress(byte[] data, byte[] out) {",
            "    Deflater deflater = new Deflater();",
            "    deflater.setInput(data);",
            "    deflater.finish();",
            "    return deflater.deflate(out);",
            "  }",
            "}")
        .addOutputLines(
            "Zip.java",
            "import java.util.zip.Deflater;",
            "class Zip {",
            "  int compress(byte[] data, byte[] out) {",
            "    Deflater deflater = new Deflater();",
            "    try {",
            "      deflater.setInput(data);",
            "      deflater.finish();",
            "      return deflater.deflate(out);",
            "    } finally {",
            "      deflater.end();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** From JDK 25 a Deflater is AutoCloseable, and its close() ends it. */
  @Test
  public void negative_deflaterInTryWithResourcesFromJdk25() {
    if (!ZLIB_CLOSEABLE) {
      return; // does not compile before JDK 25
    }
    helper
        .addSourceLines(
            "Zip.java",
            "import java.util.zip.Deflater;",
            "class Zip {",
            "  int compress(byte[] data, byte[] out) {",
            "    try (Deflater deflater = new Deflater()) {",
            "      deflater.setInput(data);",
            "      return deflater.deflate(out);",
            "    }",
            "  }",
            "  void closed() {",
            "    Deflater deflater = new Deflater();",
            "    deflater.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * {@code DeflaterOutputStream.close()} ends only the deflater it made itself: one given to it is
   * the caller's to end (hsqldb FileArchiver). The report names the deflater, not the stream.
   */
  @Test
  public void identification_deflaterGivenToAStreamIsNotEndedByIt() {
    helper
        .addSourceLines(
            "Archiver.java",
            "import java.io.*;",
            "import java.util.zip.*;",
            "class Archiver {",
            "  void copy(InputStream in, OutputStream target) throws IOException {",
            "    OutputStream out;",
            "    // BUG: Diagnostic contains: `new Deflater(Deflater.BEST_SPEED)` is not released by `end()`",
            "    out = new DeflaterOutputStream(target, new Deflater(Deflater.BEST_SPEED), 512);",
            "    try {",
            "      in.transferTo(out);",
            "    } finally {",
            "      out.close();",
            "    }",
            "  }",
            "  void own(InputStream in, OutputStream target) throws IOException {",
            "    try (OutputStream out = new DeflaterOutputStream(target)) {",
            "      in.transferTo(out);",
            "    }",
            "  }",
            "  // commons-compress Coders: the stream that ends it is built with nothing that can fail",
            "  // (a SequenceInputStream only stores its streams).",
            "  InputStream endedByTheStream(InputStream in) {",
            "    Inflater inflater = new Inflater(true);",
            "    return new InflaterInputStream(",
            "        new SequenceInputStream(in, new ByteArrayInputStream(new byte[1])), inflater) {",
            "      @Override",
            "      public void close() throws IOException {",
            "        super.close();",
            "        inflater.end();",
            "      }",
            "    };",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A deflater or inflater given to a codec stream as it is made: the stream becomes a subclass
   * whose close() ends it (hsqldb's FileArchiver), and the stream's own scope then releases both.
   */
  @Test
  public void fix_codecGivenToAStreamEndedInItsClose() {
    String[] output = {
      "import java.io.*;",
      "import java.util.zip.*;",
      "class Archiver {",
      "  void copy(InputStream in, OutputStream target) throws IOException {",
      "    try (OutputStream out =",
      "        new DeflaterOutputStream(target, new Deflater(Deflater.BEST_SPEED), 512) {",
      "          @Override",
      "          public void close() throws IOException {",
      "            try {",
      "              super.close();",
      "            } finally {",
      "              def.end();",
      "            }",
      "          }",
      "        }) {",
      "      in.transferTo(out);",
      "    }",
      "  }",
      "  int read(InputStream in, int mode) throws IOException {",
      "    InputStream z = in;",
      "    switch (mode) {",
      "      case 1:",
      "        z = new InflaterInputStream(in, new Inflater()) {",
      "          @Override",
      "          public void close() throws IOException {",
      "            try {",
      "              super.close();",
      "            } finally {",
      "              inf.end();",
      "            }",
      "          }",
      "        };",
      "        break;",
      "      default:",
      "        break;",
      "    }",
      "    try {",
      "      return z.read();",
      "    } finally {",
      "      z.close();",
      "    }",
      "  }",
      "}",
    };
    refactoring
        .addInputLines(
            "Archiver.java",
            "import java.io.*;",
            "import java.util.zip.*;",
            "class Archiver {",
            "  void copy(InputStream in, OutputStream target) throws IOException {",
            "    try (OutputStream out =",
            "        new DeflaterOutputStream(target, new Deflater(Deflater.BEST_SPEED), 512)) {",
            "      in.transferTo(out);",
            "    }",
            "  }",
            "  int read(InputStream in, int mode) throws IOException {",
            "    InputStream z = in;",
            "    switch (mode) {",
            "      case 1:",
            "        z = new InflaterInputStream(in, new Inflater());",
            "        break;",
            "      default:",
            "        break;",
            "    }",
            "    try {",
            "      return z.read();",
            "    } finally {",
            "      z.close();",
            "    }",
            "  }",
            "}")
        .addOutputLines("Archiver.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    CompilationTestHelper.newInstance(UnclosedResource.class, getClass())
        .addSourceLines("Archiver.java", output)
        .expectNoDiagnostics()
        .doTest();
  }

  /**
   * A project's codec stream whose {@code close()} is final cannot be subclassed around it: the
   * finding stays, without the fix (which would not compile).
   */
  @Test
  public void identification_codecStreamWithAFinalClose_noSubclassFix() {
    helper
        .addSourceLines(
            "Sealed.java",
            "import java.io.*;",
            "import java.util.zip.*;",
            "class Sealed extends DeflaterOutputStream {",
            "  Sealed(OutputStream out, Deflater def) {",
            "    super(out, def);",
            "  }",
            "  @Override",
            "  public final void close() throws IOException {",
            "    super.close();",
            "  }",
            "}")
        .addSourceLines(
            "Archiver.java",
            "import java.io.*;",
            "import java.util.zip.*;",
            "class Archiver {",
            "  void copy(InputStream in, OutputStream target) throws IOException {",
            "    // BUG: Diagnostic matches: noSubclass",
            "    try (OutputStream out = new Sealed(target, new Deflater())) {",
            "      in.transferTo(out);",
            "    }",
            "  }",
            "}")
        .expectErrorMessage(
            "noSubclass",
            message ->
                message.contains("`new Deflater()` is not released by `end()`")
                    && message.contains("no automatic fix"))
        .doTest();
  }

  /** A stream subclass whose close() does not end the codec, or a codec the stream does not keep. */
  @Test
  public void identification_codecStreamSubclassThatDoesNotEndIt() {
    helper
        .addSourceLines(
            "Archiver.java",
            "import java.io.*;",
            "import java.util.zip.*;",
            "class Archiver {",
            "  void copy(InputStream in, OutputStream target) throws IOException {",
            "    // BUG: Diagnostic contains: `new Deflater()` is not released by `end()`",
            "    try (OutputStream out = new DeflaterOutputStream(target, new Deflater()) {",
            "          @Override",
            "          public void close() throws IOException {",
            "            super.close();",
            "          }",
            "        }) {",
            "      in.transferTo(out);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_deflaterMessageSaysWhatTheFixDoes() {
    helper
        .addSourceLines(
            "Zip.java",
            "import java.util.zip.Deflater;",
            "class Zip {",
            "  int compress(byte[] data, byte[] out) {",
            "    // BUG: Diagnostic contains: is not released by `end()` on any path; call `end()` in a"
                + " finally block",
            "    Deflater deflater = new Deflater();",
            "    deflater.setInput(data);",
            "    return deflater.deflate(out);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fix_deflaterFieldEndedInANewClose() {
    helper
        .addSourceLines(
            "Compressor.java",
            "import java.util.zip.Deflater;",
            "class Compressor {",
            "  // BUG: Diagnostic contains: make `Compressor` AutoCloseable and call `end()` on it in"
                + " its close()",
            "  private final Deflater deflater = new Deflater();",
            "  int compress(byte[] data, byte[] out) {",
            "    deflater.reset();",
            "    deflater.setInput(data);",
            "    deflater.finish();",
            "    return deflater.deflate(out);",
            "  }",
            "}")
        .addSourceLines(
            "Ended.java",
            "import java.util.zip.Inflater;",
            "class Ended {",
            "  private final Inflater inflater = new Inflater();",
            "  void stop() {",
            "    inflater.end();",
            "  }",
            "}")
        .doTest();
    refactoring
        .addInputLines(
            "Compressor.java",
            "import java.util.zip.Deflater;",
            "class Compressor {",
            "  private final Deflater deflater = new Deflater();",
            "  int compress(byte[] data, byte[] out) {",
            "    deflater.setInput(data);",
            "    return deflater.deflate(out);",
            "  }",
            "}")
        .addOutputLines(
            "Compressor.java",
            "import java.util.zip.Deflater;",
            "class Compressor implements AutoCloseable {",
            "  private final Deflater deflater = new Deflater();",
            "  int compress(byte[] data, byte[] out) {",
            "    deflater.setInput(data);",
            "    return deflater.deflate(out);",
            "  }",
            "  @Override",
            "  public void close() {",
            "    deflater.end();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fix_pipeInTryWithResources() {
    refactoring
        .addInputLines(
            "Pipes.java",
            "import java.io.*;",
            "class Pipes {",
            "  int readOnce(PipedOutputStream source) throws IOException {",
            "    PipedInputStream in = new PipedInputStream(source);",
            "    int b = in.read();",
            "    in.close();",
            "    return b;",
            "  }",
            "}")
        .addOutputLines(
            "Pipes.java",
            "import java.io.*;",
            "class Pipes {",
            "  int readOnce(PipedOutputStream source) throws IOException {",
            "    int b;",
            "    try (PipedInputStream in = new PipedInputStream(source)) {",
            "      b = in.read();",
            "    }",
            "    return b;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void identification_resourceHeldByAnOptional() {
    helper
        .addSourceLines(
            "Optionals.java",
            "import java.io.*;",
            "import java.util.Optional;",
            "class Optionals {",
            "  void dropped(boolean b) throws IOException {",
            "    Optional<FileInputStream> stream;",
            "    if (b) {",
            "      // BUG: Diagnostic contains: is not closed",
            "      stream = Optional.of(new FileInputStream(\"file.txt\"));",
            "    }",
            "  }",
            "  void neverUsed() throws IOException {",
            "    // BUG: Diagnostic contains: is not closed",
            "    Optional<FileInputStream> stream = Optional.ofNullable(new FileInputStream(\"f\"));",
            "  }",
            "  void closedThroughGet() throws IOException {",
            "    Optional<FileInputStream> stream = Optional.of(new FileInputStream(\"f\"));",
            "    stream.get().close();",
            "  }",
            "  int closedThroughTheValue() throws IOException {",
            "    Optional<InputStream> stream = Optional.of(new FileInputStream(\"f\"));",
            "    if (stream.isPresent()) {",
            "      try (InputStream in = stream.orElseThrow()) {",
            "        return in.read();",
            "      }",
            "    }",
            "    return -1;",
            "  }",
            "  void closedByAFunction() throws IOException {",
            "    Optional<FileInputStream> stream = Optional.of(new FileInputStream(\"f\"));",
            "    stream.ifPresent(Optionals::closeQuietly);",
            "  }",
            "  Optional<InputStream> returned(File f) throws IOException {",
            "    return Optional.of(new FileInputStream(f));",
            "  }",
            "  static void closeQuietly(Closeable c) {",
            "    try {",
            "      c.close();",
            "    } catch (IOException ignored) {",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void fix_resourceHeldByAnOptionalIsScopedInside() {
    refactoring
        .addInputLines(
            "Optionals.java",
            "import java.io.*;",
            "import java.util.Optional;",
            "class Optionals {",
            "  int read(File f) throws IOException {",
            "    Optional<FileInputStream> stream = Optional.of(new FileInputStream(f));",
            "    return stream.get().read();",
            "  }",
            "}")
        .expectUnchanged()
        .doTest();
  }

  @Test
  public void fix_typedArrayRecycledInFinally() {
    refactoring
        .addInputLines(
            "android/content/res/TypedArray.java",
            "package android.content.res;",
            "public class TypedArray {",
            "  public int getInt(int index, int defValue) { return defValue; }",
            "  public void recycle() {}",
            "}")
        .expectUnchanged()
        .addInputLines(
            "android/content/Context.java",
            "package android.content;",
            "import android.content.res.TypedArray;",
            "public abstract class Context {",
            "  public final TypedArray obtainStyledAttributes(int[] attrs) { return new TypedArray(); }",
            "}")
        .expectUnchanged()
        .addInputLines(
            "Styled.java",
            "import android.content.Context;",
            "import android.content.res.TypedArray;",
            "class Styled {",
            "  int size(Context context, int[] attrs) {",
            "    TypedArray a = context.obtainStyledAttributes(attrs);",
            "    int size = a.getInt(0, 1);",
            "    a.recycle();",
            "    return size;",
            "  }",
            "  int handedOn(Context context, int[] attrs) {",
            "    TypedArray a = context.obtainStyledAttributes(attrs);",
            "    keep(a);",
            "    return a.getInt(0, 1);",
            "  }",
            "  private java.util.List<TypedArray> kept = new java.util.ArrayList<>();",
            "  void keep(TypedArray a) { kept.add(a); }",
            "}")
        .addOutputLines(
            "Styled.java",
            "import android.content.Context;",
            "import android.content.res.TypedArray;",
            "class Styled {",
            "  int size(Context context, int[] attrs) {",
            "    TypedArray a = context.obtainStyledAttributes(attrs);",
            "    int size;",
            "    try {",
            "      size = a.getInt(0, 1);",
            "    } finally {",
            "      a.recycle();",
            "    }",
            "    return size;",
            "  }",
            "  int handedOn(Context context, int[] attrs) {",
            "    TypedArray a = context.obtainStyledAttributes(attrs);",
            "    keep(a);",
            "    return a.getInt(0, 1);",
            "  }",
            "  private java.util.List<TypedArray> kept = new java.util.ArrayList<>();",
            "  void keep(TypedArray a) { kept.add(a); }",
            "}")
        .doTest();
  }

  /**
   * commons-compress ZipArchiveOutputStream: the constructor makes a deflater into a field, then
   * opens the output file; when that fails the stream is never returned, and the fix ends the
   * deflater before rethrowing.
   */
  @Test
  public void fix_constructorFieldEndedOnFailure() {
    refactoring
        .addInputLines(
            "Out.java",
            "import java.io.*;",
            "import java.util.zip.Deflater;",
            "class Out implements Closeable {",
            "  private final Deflater def;",
            "  private final OutputStream out;",
            "  Out(File file, int level) throws IOException {",
            "    def = new Deflater(level, true);",
            "    out = new FileOutputStream(file);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    try {",
            "      out.close();",
            "    } finally {",
            "      def.end();",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Out.java",
            "import java.io.*;",
            "import java.util.zip.Deflater;",
            "class Out implements Closeable {",
            "  private final Deflater def;",
            "  private final OutputStream out;",
            "  Out(File file, int level) throws IOException {",
            "    def = new Deflater(level, true);",
            "    try {",
            "      out = new FileOutputStream(file);",
            "    } catch (Throwable e) {",
            "      try {",
            "        def.end();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    try {",
            "      out.close();",
            "    } finally {",
            "      def.end();",
            "    }",
            "  }",
            "}")
        .doTest();
    helper
        .addSourceLines(
            "Out.java",
            "import java.io.*;",
            "import java.util.zip.Deflater;",
            "class Out implements Closeable {",
            "  private final Deflater def;",
            "  private final OutputStream out;",
            "  Out(File file, int level) throws IOException {",
            "    // BUG: Diagnostic contains: `def` is not released by `end()` if `new FileOutputStream(...)`"
                + " throws: the constructor fails and the object that would own it is never returned;"
                + " call `end()` if the code that prepares it throws",
            "    def = new Deflater(level, true);",
            "    out = new FileOutputStream(file);",
            "  }",
            "  @Override",
            "  public void close() throws IOException {",
            "    try {",
            "      out.close();",
            "    } finally {",
            "      def.end();",
            "    }",
            "  }",
            "}")
        .doTest();
  }
}
