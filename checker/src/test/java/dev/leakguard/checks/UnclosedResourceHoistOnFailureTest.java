package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import dev.leakguard.fix.HoistOnFailureFix;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The fix for a resource opened in the middle of a statement that hands the result on (a wrapper's
 * argument, returned or stored) and leaked when the rest of the statement throws: open it in a
 * variable of its own just before the statement, and close it in a {@code catch (Throwable)} that
 * rethrows. Each replacement's output is compiled and checked again, silent.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceHoistOnFailureTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  private void assertFix(String[] input, String[] output) {
    refactoring.addInputLines("Test.java", input).addOutputLines("Test.java", output).doTest();
    helper.addSourceLines("Test.java", output).doTest();
  }

  // ---- identification -------------------------------------------------------------------------

  @Test
  public void identification_laterArgumentThrows_saysWhatTheFixDoes() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.nio.charset.Charset;",
            "class Test {",
            "  static Charset toCharset(String name) {",
            "    return Charset.forName(name);",
            "  }",
            "  Writer open(File f, String cs) throws IOException {",
            "    // BUG: Diagnostic contains: is not closed if `toCharset(...)` throws; open it in a"
                + " variable of its own and close it if the rest of the statement throws",
            "    return new OutputStreamWriter(new FileOutputStream(f), toCharset(cs));",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Shapes the fix leaves alone, each still reported: something with an effect is evaluated before
   * the opening (moving it first would reorder them), the statement opens a second resource, the
   * opening is on one arm of a {@code ?:}, it is the argument of {@code super(…)} (nothing may
   * precede it), and it spans several lines.
   */
  @Test
  public void identification_shapesThatCannotBeReordered_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.nio.charset.Charset;",
            "class Test {",
            "  static Charset toCharset(String name) {",
            "    return Charset.forName(name);",
            "  }",
            "  static int compute() {",
            "    return Integer.parseInt(\"1\");",
            "  }",
            "  static class Pair implements Closeable {",
            "    Pair(InputStream a, InputStream b) {}",
            "    Pair(int n, InputStream a, Charset c) {}",
            "    public void close() {}",
            "  }",
            "  Pair earlierCall(File f, String cs) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix",
            "    return new Pair(compute(), new FileInputStream(f), toCharset(cs));",
            "  }",
            "  Pair two(File f, File g) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix",
            "    return new Pair(new FileInputStream(f), new FileInputStream(g));",
            "  }",
            "  Writer conditional(File f, String cs, boolean b) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix",
            "    return b ? new OutputStreamWriter(new FileOutputStream(f), toCharset(cs)) : null;",
            "  }",
            "  static class Sub extends OutputStreamWriter {",
            "    Sub(File f, String cs) throws IOException {",
            "      // BUG: Diagnostic contains: no automatic fix",
            "      super(new FileOutputStream(f), toCharset(cs));",
            "    }",
            "  }",
            "  Writer multiLine(File f, String cs) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix",
            "    return new OutputStreamWriter(new FileOutputStream(",
            "        f), toCharset(cs));",
            "  }",
            "}")
        .doTest();
  }

  /**
   * commons-io's XmlStreamReader.Builder.get: each arm of a {@code ?:} wraps the same opening,
   * {@code getInputStream()}, and the condition only compares a field. Opened once before the
   * statement, it serves whichever arm runs, and both findings carry that one fix.
   */
  @Test
  public void replacement_sameOpeningInBothArmsOfAConditional() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.nio.charset.Charset;",
          "class Test {",
          "  private String contentType;",
          "  private File file;",
          "  InputStream getInputStream() throws IOException {",
          "    return new FileInputStream(file);",
          "  }",
          "  Reader get(String cs) throws IOException {",
          "    return contentType == null",
          "        ? new InputStreamReader(getInputStream(), cs)",
          "        : new InputStreamReader(getInputStream(), Charset.forName(contentType));",
          "  }",
          "}"
        },
        new String[] {
          "import java.io.*;",
          "import java.nio.charset.Charset;",
          "class Test {",
          "  private String contentType;",
          "  private File file;",
          "  InputStream getInputStream() throws IOException {",
          "    return new FileInputStream(file);",
          "  }",
          "  Reader get(String cs) throws IOException {",
          "    InputStream inputStream = getInputStream();",
          "    try {",
          "      return contentType == null",
          "          ? new InputStreamReader(inputStream, cs)",
          "          : new InputStreamReader(inputStream, Charset.forName(contentType));",
          "    } catch (Throwable e) {",
          "      try {",
          "        inputStream.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}"
        });
  }

  /**
   * The arms open different things, or the condition calls a method (which the opening would then
   * run before): opening first would change what the statement does. No fix.
   */
  @Test
  public void identification_conditionalArmsThatDoNotOpenAlike_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "class Test {",
            "  private String contentType;",
            "  private File file;",
            "  InputStream getInputStream() throws IOException {",
            "    return new FileInputStream(file);",
            "  }",
            "  boolean plain() {",
            "    return contentType == null;",
            "  }",
            "  Reader different(String cs) throws IOException {",
            "    return contentType == null",
            "        // BUG: Diagnostic contains: no automatic fix: it is opened conditionally",
            "        ? new InputStreamReader(getInputStream(), cs)",
            "        // BUG: Diagnostic contains: no automatic fix: it is opened conditionally",
            "        : new InputStreamReader(new FileInputStream(file), contentType);",
            "  }",
            "  Reader conditionCalls(String cs) throws IOException {",
            "    return plain()",
            "        // BUG: Diagnostic contains: no automatic fix",
            "        ? new InputStreamReader(getInputStream(), cs)",
            "        // BUG: Diagnostic contains: no automatic fix",
            "        : new InputStreamReader(getInputStream(), contentType);",
            "  }",
            "}")
        .doTest();
  }

  /** Once the statement has been rewritten, nothing is left to report or to fix. */
  @Test
  public void identification_alreadyHoisted_silent() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.nio.charset.Charset;",
            "class Test {",
            "  static Charset toCharset(String name) {",
            "    return Charset.forName(name);",
            "  }",
            "  Writer open(File f, String cs) throws IOException {",
            "    FileOutputStream out = new FileOutputStream(f);",
            "    try {",
            "      return new OutputStreamWriter(out, toCharset(cs));",
            "    } catch (Throwable e) {",
            "      try {",
            "        out.close();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  // ---- replacement ----------------------------------------------------------------------------

  /**
   * commons-io LockableFileWriter.initWriter: the stream leaks when the charset lookup after it
   * throws; the statement is already inside a try whose catch cleans up and rethrows.
   */
  @Test
  public void replacement_returnedWrapperWithALaterFailingArgument() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.nio.charset.Charset;",
          "class Test {",
          "  static Charset toCharset(String name) {",
          "    return Charset.forName(name);",
          "  }",
          "  Writer initWriter(File file, String charset, boolean append) throws IOException {",
          "    try {",
          "      return new OutputStreamWriter(new FileOutputStream(file, append), toCharset(charset));",
          "    } catch (IOException | RuntimeException ex) {",
          "      file.delete();",
          "      throw ex;",
          "    }",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.nio.charset.Charset;",
          "class Test {",
          "  static Charset toCharset(String name) {",
          "    return Charset.forName(name);",
          "  }",
          "  Writer initWriter(File file, String charset, boolean append) throws IOException {",
          "    try {",
          "      FileOutputStream fileOutputStream = new FileOutputStream(file, append);",
          "      try {",
          "        return new OutputStreamWriter(fileOutputStream, toCharset(charset));",
          "      } catch (Throwable e) {",
          "        try {",
          "          fileOutputStream.close();",
          "        } catch (Throwable suppressed) {",
          "          e.addSuppressed(suppressed);",
          "        }",
          "        throw e;",
          "      }",
          "    } catch (IOException | RuntimeException ex) {",
          "      file.delete();",
          "      throw ex;",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * hsqldb TarFileInputStream: a wrapper whose constructor reads the stream (GZIP's header), in an
   * old-style {@code case}, stored in a field. The declaration goes right after the label.
   */
  @Test
  public void replacement_failingWrapperStoredInAFieldInACase() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "import java.util.zip.GZIPInputStream;",
          "class Test implements Closeable {",
          "  private InputStream readStream;",
          "  Test(File sourceFile, int compression) throws IOException {",
          "    switch (compression) {",
          "      case 0:",
          "        readStream = new FileInputStream(sourceFile);",
          "        break;",
          "      case 1:",
          "        readStream = new GZIPInputStream(new FileInputStream(sourceFile), 512);",
          "        break;",
          "      default:",
          "        throw new IllegalArgumentException();",
          "    }",
          "  }",
          "  @Override",
          "  public void close() throws IOException {",
          "    readStream.close();",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "import java.util.zip.GZIPInputStream;",
          "class Test implements Closeable {",
          "  private InputStream readStream;",
          "  Test(File sourceFile, int compression) throws IOException {",
          "    switch (compression) {",
          "      case 0:",
          "        readStream = new FileInputStream(sourceFile);",
          "        break;",
          "      case 1:",
          "        FileInputStream fileInputStream = new FileInputStream(sourceFile);",
          "        try {",
          "          readStream = new GZIPInputStream(fileInputStream, 512);",
          "        } catch (Throwable e) {",
          "          try {",
          "            fileInputStream.close();",
          "          } catch (Throwable suppressed) {",
          "            e.addSuppressed(suppressed);",
          "          }",
          "          throw e;",
          "        }",
          "        break;",
          "      default:",
          "        throw new IllegalArgumentException();",
          "    }",
          "  }",
          "  @Override",
          "  public void close() throws IOException {",
          "    readStream.close();",
          "  }",
          "}",
        });
  }

  /**
   * commons-io ReadAheadInputStream.Builder.get: the stream a method returns, as the first argument
   * of a constructor whose later argument may throw; the local takes the call's declared type, and
   * a name no other local of the method uses.
   */
  @Test
  public void replacement_methodResultAsFirstArgument_declaredWithItsTypeAndAFreshName() {
    assertFix(
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static class Reader extends FilterInputStream {",
          "    Reader(InputStream in, int size) {",
          "      super(in);",
          "    }",
          "  }",
          "  private final File file;",
          "  Test(File file) {",
          "    this.file = file;",
          "  }",
          "  InputStream getInputStream() throws IOException {",
          "    return new FileInputStream(file);",
          "  }",
          "  int size(String inputStream) {",
          "    return Integer.parseInt(inputStream);",
          "  }",
          "  Reader get(String inputStream) throws IOException {",
          "    return new Reader(getInputStream(), size(inputStream));",
          "  }",
          "}",
        },
        new String[] {
          "import java.io.*;",
          "class Test {",
          "  static class Reader extends FilterInputStream {",
          "    Reader(InputStream in, int size) {",
          "      super(in);",
          "    }",
          "  }",
          "  private final File file;",
          "  Test(File file) {",
          "    this.file = file;",
          "  }",
          "  InputStream getInputStream() throws IOException {",
          "    return new FileInputStream(file);",
          "  }",
          "  int size(String inputStream) {",
          "    return Integer.parseInt(inputStream);",
          "  }",
          "  Reader get(String inputStream) throws IOException {",
          "    InputStream inputStream2 = getInputStream();",
          "    try {",
          "      return new Reader(inputStream2, size(inputStream));",
          "    } catch (Throwable e) {",
          "      try {",
          "        inputStream2.close();",
          "      } catch (Throwable suppressed) {",
          "        e.addSuppressed(suppressed);",
          "      }",
          "      throw e;",
          "    }",
          "  }",
          "}",
        });
  }

  /**
   * log4j's {@code ResolverUtil}: a local declared with a wrapper around an opening, and handed to
   * a closing helper in a later {@code finally}, so try-with-resources cannot own it. The opening
   * moves into a variable of its own; the local, used after the statement, is declared before the
   * {@code try} (its {@code final} dropped, its annotation kept) and assigned in it.
   */
  @Test
  public void replacement_wrapperDeclaredInALocalTheCodeAfterUses() {
    refactoring
        .addInputLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.URL;",
            "import java.util.jar.JarInputStream;",
            "class Test {",
            "  void load(JarInputStream in) throws IOException {}",
            "  static void close(Closeable c, URL from) {",
            "    try {",
            "      c.close();",
            "    } catch (IOException e) {",
            "    }",
            "  }",
            "  void scan(URL url) throws IOException {",
            "    @SuppressWarnings(\"resource\")",
            "    final JarInputStream stream = new JarInputStream(url.openStream());",
            "    try {",
            "      load(stream);",
            "    } finally {",
            "      close(stream, url);",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.URL;",
            "import java.util.jar.JarInputStream;",
            "class Test {",
            "  void load(JarInputStream in) throws IOException {}",
            "  static void close(Closeable c, URL from) {",
            "    try {",
            "      c.close();",
            "    } catch (IOException e) {",
            "    }",
            "  }",
            "  void scan(URL url) throws IOException {",
            "    @SuppressWarnings(\"resource\") JarInputStream stream;",
            "    InputStream inputStream = url.openStream();",
            "    try {",
            "      stream = new JarInputStream(inputStream);",
            "    } catch (Throwable e) {",
            "      try {",
            "        inputStream.close();",
            "      } catch (Throwable suppressed) {",
            "        e.addSuppressed(suppressed);",
            "      }",
            "      throw e;",
            "    }",
            "    try {",
            "      load(stream);",
            "    } finally {",
            "      close(stream, url);",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * A declaration that declares another variable too cannot be split: the finding stays, with
   * no fix.
   */
  @Test
  public void identification_wrapperDeclaredWithAnotherVariable_noFix() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.*;",
            "import java.net.URL;",
            "import java.util.jar.JarInputStream;",
            "class Test {",
            "  static void close(Closeable c) {",
            "    try {",
            "      c.close();",
            "    } catch (IOException e) {",
            "    }",
            "  }",
            "  int scan(URL url) throws IOException {",
            "    // BUG: Diagnostic contains: no automatic fix",
            "    JarInputStream stream = new JarInputStream(url.openStream()), other = null;",
            "    try {",
            "      return stream.read() + (other == null ? 0 : 1);",
            "    } finally {",
            "      close(stream);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The opening's own failure is the leak: the socket a loop's previous pass opened, still held
   * only by {@code previous}, is lost when the next {@code new Socket(...)} throws. Moving that
   * opening into a variable of its own would close nothing that leaked, so this fix is not
   * offered (it used to be, and a second fix pass then found the same leak again).
   */
  @Test
  public void identification_theOpeningsOwnFailureLosesThePreviousOne_noHoist() {
    helper
        .addSourceLines(
            "Test.java",
            "import java.io.IOException;",
            "import java.net.Proxy;",
            "import java.net.Socket;",
            "class Test {",
            "  void rotate(int n) throws IOException {",
            "    Socket previous = null;",
            "    Socket c = null;",
            "    for (int i = 0; i < n; i++) {",
            "      previous = c;",
            "      // BUG: Diagnostic matches: noHoist",
            "      c = new Socket(\"localhost\", 80);",
            "      if (previous != null) previous.close();",
            "    }",
            "    if (c != null) c.close();",
            "  }",
            "}")
        .expectErrorMessage(
            "noHoist",
            message ->
                message.contains("is not closed if `new Socket(...)` throws")
                    && !message.contains(HoistOnFailureFix.WHAT_IT_DOES))
        .doTest();
  }
}
