package dev.leakguard.report;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public final class JsonTest {
  @Test
  public void escapesWhatJsonMust() {
    assertThat(Json.write(Map.of("k", List.of("a\"b\\c\nd\u0001", 3, true))))
        .isEqualTo("{\n  \"k\": [\n    \"a\\\"b\\\\c\\nd\\u0001\",\n    3,\n    true\n  ]\n}\n");
  }

  @Test
  public void emptyContainers() {
    assertThat(Json.write(List.of(List.of(), Map.of()))).isEqualTo("[\n  [],\n  {}\n]\n");
  }
}
