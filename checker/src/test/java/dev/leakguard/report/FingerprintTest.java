package dev.leakguard.report;

import static com.google.common.truth.Truth.assertThat;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public final class FingerprintTest {
  private static final Fingerprint LOCK =
      new Fingerprint(
          "UnreleasedLock", "src/a/B.java", "a.B", "put(String, byte[])", "lock.lock()", 1);

  @Test
  public void baselineLineRoundTrips() {
    assertThat(LOCK.toLine())
        .isEqualTo("UnreleasedLock\tsrc/a/B.java\ta.B\tput(String, byte[])\tlock.lock()\t1");
    assertThat(Fingerprint.parse(LOCK.toLine())).isEqualTo(LOCK);
  }

  @Test
  public void malformedLinesAreNotFingerprints() {
    assertThat(Fingerprint.parse("UnreleasedLock\tsrc/a/B.java")).isNull();
    assertThat(Fingerprint.parse("a\tb\tc\td\te\tnot-a-number")).isNull();
  }

  @Test
  public void whitespaceInTheFlaggedCodeDoesNotMatter() {
    assertThat(Fingerprint.normalize("new  FileInputStream(\n        file)"))
        .isEqualTo("new FileInputStream( file)");
  }

  @Test
  public void hashIsStableAndDiffersPerOccurrence() {
    Fingerprint next =
        new Fingerprint(LOCK.check(), LOCK.file(), LOCK.owner(), LOCK.member(), LOCK.code(), 2);
    assertThat(LOCK.hash()).isEqualTo(Fingerprint.parse(LOCK.toLine()).hash());
    assertThat(LOCK.hash()).isNotEqualTo(next.hash());
  }
}
