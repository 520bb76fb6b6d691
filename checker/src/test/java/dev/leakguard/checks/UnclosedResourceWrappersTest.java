package dev.leakguard.checks;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link UnclosedResource} on decorators whose constructor can fail after it has been given the
 * resource it wraps ({@code new ObjectInputStream(new FileInputStream(f))}): the wrapper owns the
 * inner stream only once its constructor has returned. Positives beside the decorators that cannot
 * fail, and the fix that declares each layer as a resource of its own.
 */
@RunWith(JUnit4.class)
public class UnclosedResourceWrappersTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnclosedResource.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnclosedResource.class, getClass());

  @Test
  public void identification_wrapperThatReadsOrLooksUpInItsConstructor() {
    helper
        .addSourceLines(
            "Layers.java",
            "import java.io.*;",
            "import java.util.zip.*;",
            "class Layers {",
            "  Object objects(File f) throws Exception {",
            "    // BUG: Diagnostic matches: splitOnce",
            "    try (ObjectInputStream in = new ObjectInputStream(new FileInputStream(f))) {",
            "      return in.readObject();",
            "    }",
            "  }",
            "  int gzip(File f) throws IOException {",
            "    // BUG: Diagnostic contains: new GZIPInputStream(...)",
            "    try (InputStream in = new GZIPInputStream(new FileInputStream(f))) {",
            "      return in.read();",
            "    }",
            "  }",
            "  void writer(File f, String charsetName) throws IOException {",
            "    // BUG: Diagnostic contains: new OutputStreamWriter(...)",
            "    try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(f), charsetName))) {",
            "      w.write(1);",
            "    }",
            "  }",
            "  void closedInFinally(File f) throws IOException {",
            "    // BUG: Diagnostic contains: new ObjectOutputStream(...)",
            "    ObjectOutputStream out = new ObjectOutputStream(new FileOutputStream(f));",
            "    try {",
            "      out.writeInt(1);",
            "    } finally {",
            "      out.close();",
            "    }",
            "  }",
            "  void jarOutputWithManifest(File f, java.util.jar.Manifest m) throws IOException {",
            "    // BUG: Diagnostic contains: new java.util.jar.JarOutputStream(...)",
            "    try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(new FileOutputStream(f), m)) {",
            "      jar.flush();",
            "    }",
            "  }",
            "  void declaredFirst(File f) throws IOException {",
            "    // BUG: Diagnostic contains: JarInputStream(...)` throws and the exception is caught",
            "    FileInputStream fis = new FileInputStream(f);",
            "    try {",
            "      // the catch swallows the constructor's failure, and fis stays open",
            "      java.util.jar.JarInputStream jar = new java.util.jar.JarInputStream(fis);",
            "      jar.close();",
            "    } catch (IOException e) {",
            "    }",
            "  }",
            "}")
        // The fix's description gives the advice; the message says it once.
        .expectErrorMessage(
            "splitOnce",
            message ->
                message.contains(
                        "The `FileInputStream` leaks if `new ObjectInputStream(...)` throws: a wrapper"
                            + " owns what it wraps only once its constructor has returned; declare the"
                            + " wrapped resource as a resource of its own in the try header")
                    && !message.contains("before the wrapper"))
        .doTest();
  }

  @Test
  public void negatives_wrappersThatCannotFailAfterTaking() {
    helper
        .addSourceLines(
            "Quiet.java",
            "import java.io.*;",
            "import java.nio.charset.StandardCharsets;",
            "import java.util.zip.*;",
            "class Quiet {",
            "  String buffered(File f) throws IOException {",
            "    try (BufferedReader r = new BufferedReader(new FileReader(f))) {",
            "      return r.readLine();",
            "    }",
            "  }",
            "  String charsetObject(File f) throws IOException {",
            "    try (BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream(f), StandardCharsets.UTF_8))) {",
            "      return r.readLine();",
            "    }",
            "  }",
            "  String standardCharsetName(File f) throws IOException {",
            "    try (Reader r = new InputStreamReader(new FileInputStream(f), \"UTF-8\")) {",
            "      return String.valueOf(r.read());",
            "    }",
            "  }",
            "  void charsetNameOfACharset(File f) throws IOException {",
            "    try (PrintStream p = new PrintStream(new FileOutputStream(f), true, StandardCharsets.UTF_8.name())) {",
            "      p.println();",
            "    }",
            "  }",
            "  int dataAndZip(File f) throws IOException {",
            "    try (DataInputStream in = new DataInputStream(new ZipInputStream(new BufferedInputStream(new FileInputStream(f))))) {",
            "      return in.readInt();",
            "    }",
            "  }",
            "  Object layered(File f) throws Exception {",
            "    try (FileInputStream fis = new FileInputStream(f); ObjectInputStream in = new ObjectInputStream(fis)) {",
            "      return in.readObject();",
            "    }",
            "  }",
            "  void declaredFirstAndClosed(File f) throws IOException {",
            "    FileInputStream fis = new FileInputStream(f);",
            "    try {",
            "      java.util.jar.JarInputStream jar = new java.util.jar.JarInputStream(fis);",
            "      jar.close();",
            "    } finally {",
            "      fis.close();",
            "    }",
            "  }",
            "  // commons-compress Pack200Utils, unpack200 Archive: no manifest, nothing written",
            "  void jarOutputWithoutManifest(File f) throws IOException {",
            "    try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(new FileOutputStream(f))) {",
            "      jar.flush();",
            "    }",
            "  }",
            "  Object notAResource(byte[] bytes) throws Exception {",
            "    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {",
            "      return in.readObject();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * A stream built on a file's descriptor ({@code new FileInputStream(file.getFD())}) shares it:
   * closing the stream closes the file ({@code FileDescriptor.closeAll}), and its constructor opens
   * nothing and cannot fail (the Checker Framework's {@code FileDescriptorTest}). A call that
   * throws before either is closed still leaks the file.
   */
  @Test
  public void identification_streamOnAFilesDescriptorClosesTheFile() {
    helper
        .addSourceLines(
            "Descriptors.java",
            "import java.io.*;",
            "class Descriptors {",
            "  void closedThroughTheStream(File from) throws IOException {",
            "    RandomAccessFile file = new RandomAccessFile(from, \"rws\");",
            "    FileInputStream in = null;",
            "    try {",
            "      in = new FileInputStream(file.getFD());",
            "      in.close();",
            "    } catch (IOException e) {",
            "      file.close();",
            "    }",
            "  }",
            "  void writerOnAStreamsDescriptor(File to) throws IOException {",
            "    FileOutputStream out = new FileOutputStream(to);",
            "    try (Writer w = new FileWriter(out.getFD())) {",
            "      w.write(1);",
            "    }",
            "  }",
            "  void seekFirst(File from) throws IOException {",
            "    // BUG: Diagnostic contains: `file` is not closed if `file.seek(...)` throws",
            "    RandomAccessFile file = new RandomAccessFile(from, \"rws\");",
            "    file.seek(0);",
            "    FileInputStream in = new FileInputStream(file.getFD());",
            "    in.close();",
            "  }",
            "  void readBeforeTheClose(File from) throws IOException {",
            "    // BUG: Diagnostic contains: `file` is not closed if `in.read()` throws",
            "    RandomAccessFile file = new RandomAccessFile(from, \"r\");",
            "    FileInputStream in = new FileInputStream(file.getFD());",
            "    in.read();",
            "    in.close();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  public void replacement_eachLayerItsOwnResource() {
    refactoring
        .addInputLines(
            "Layers.java",
            "import java.io.*;",
            "class Layers {",
            "  Object objects(File f) throws Exception {",
            "    try (ObjectInputStream in = new ObjectInputStream(new FileInputStream(f))) {",
            "      return in.readObject();",
            "    }",
            "  }",
            "  void writer(File f, String charsetName) throws IOException {",
            "    try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(new BufferedOutputStream(new FileOutputStream(f)), charsetName))) {",
            "      w.write(1);",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Layers.java",
            "import java.io.*;",
            "class Layers {",
            "  Object objects(File f) throws Exception {",
            "    try (FileInputStream fileInputStream = new FileInputStream(f);",
            "        ObjectInputStream in = new ObjectInputStream(fileInputStream)) {",
            "      return in.readObject();",
            "    }",
            "  }",
            "  void writer(File f, String charsetName) throws IOException {",
            "    try (BufferedOutputStream bufferedOutputStream = new BufferedOutputStream(new FileOutputStream(f));",
            "        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(bufferedOutputStream, charsetName))) {",
            "      w.write(1);",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  @Test
  public void replacement_wrapperOutsideATryHeader() {
    refactoring
        .addInputLines(
            "Outside.java",
            "import java.io.*;",
            "class Outside {",
            "  void closedInFinally(File f) throws IOException {",
            "    ObjectOutputStream out = new ObjectOutputStream(new FileOutputStream(f));",
            "    try {",
            "      out.writeInt(1);",
            "    } finally {",
            "      out.close();",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Outside.java",
            "import java.io.*;",
            "class Outside {",
            "  void closedInFinally(File f) throws IOException {",
            "    try (FileOutputStream fileOutputStream = new FileOutputStream(f)) {",
            "      ObjectOutputStream out = new ObjectOutputStream(fileOutputStream);",
            "      try {",
            "        out.writeInt(1);",
            "      } finally {",
            "        out.close();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /**
   * A wrapper never closed, whose constructor can fail after taking what it wraps: the new try
   * header declares the wrapped layer as a resource of its own at once, so one pass of fixes
   * leaves nothing to report (it used to take a second pass to split the layers). A wrapper
   * that cannot fail keeps one resource.
   */
  @Test
  public void replacement_neverClosedWrapperThatCanFail_eachLayerItsOwnResourceAtOnce() {
    String[] output = {
      "import java.io.*;",
      "import java.net.URL;",
      "import java.util.jar.JarInputStream;",
      "class Never {",
      "  Object read(File f) throws Exception {",
      "    try (FileInputStream fileInputStream = new FileInputStream(f);"
          + " ObjectInputStream in = new ObjectInputStream(fileInputStream)) {",
      "      return in.readObject();",
      "    }",
      "  }",
      "  int entries(URL url) throws IOException {",
      "    try (InputStream inputStream = url.openStream();"
          + " final JarInputStream jar = new JarInputStream(inputStream)) {",
      "      return jar.getNextJarEntry() == null ? 0 : 1;",
      "    }",
      "  }",
      "  int plain(File f) throws IOException {",
      "    try (BufferedReader r = new BufferedReader(new FileReader(f))) {",
      "      return r.read();",
      "    }",
      "  }",
      "}"
    };
    refactoring
        .addInputLines(
            "Never.java",
            "import java.io.*;",
            "import java.net.URL;",
            "import java.util.jar.JarInputStream;",
            "class Never {",
            "  Object read(File f) throws Exception {",
            "    ObjectInputStream in = new ObjectInputStream(new FileInputStream(f));",
            "    return in.readObject();",
            "  }",
            "  int entries(URL url) throws IOException {",
            "    final JarInputStream jar = new JarInputStream(url.openStream());",
            "    return jar.getNextJarEntry() == null ? 0 : 1;",
            "  }",
            "  int plain(File f) throws IOException {",
            "    BufferedReader r = new BufferedReader(new FileReader(f));",
            "    return r.read();",
            "  }",
            "}")
        .addOutputLines("Never.java", output)
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
    CompilationTestHelper.newInstance(UnclosedResource.class, getClass())
        .addSourceLines("Never.java", output)
        .doTest();
  }
}
