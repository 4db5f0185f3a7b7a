package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.schemas.Samples;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import io.burnrate.schemas.model.GpuSample;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GpuSampleParserTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SCRAPE = "samples/dcgm/datadog-integrations-core-dcgm-metrics.txt";
  private static final String T0 = "2025-03-01T10:00:00Z";
  private static final long T0_MS = Instant.parse(T0).toEpochMilli();

  private final GpuSampleParser parser = new GpuSampleParser("test-cluster");

  private GpuSample parse(String json) throws ParseException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String reason(String json) {
    GpuSampleParser p = new GpuSampleParser("c");
    try {
      p.parse(json.getBytes(StandardCharsets.UTF_8));
    } catch (ParseException e) {
      return e.reason();
    }
    throw new AssertionError("expected a ParseException for " + json);
  }

  /** A minimal valid record with {@code extra} fields spliced in (no leading comma). */
  private static String record(String extra) {
    return "{\"timestamp\":\"" + T0 + "\",\"Hostname\":\"n1\",\"gpu\":0," + extra + "}";
  }

  // ---------------------------------------------------------------- the real scrape

  private static final Pattern SERIES =
      Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)\\{(.*)\\}\\s+(\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /**
   * The Prometheus scrape as one JSON record per GPU: series grouped by their (Hostname, gpu, UUID)
   * labels, all labels kept, one field per metric. Comments ({@code # HELP}, {@code # TYPE}) are
   * skipped, and so are the dummy series the {@code # NOTE} comments mark: the metric a NOTE names
   * (copy-pasted from another) and the series without labels.
   */
  static Map<List<String>, ObjectNode> scrapeRecords() {
    Map<List<String>, ObjectNode> records = new LinkedHashMap<>();
    Set<String> noted = new HashSet<>();
    for (String line : Samples.lines(SCRAPE)) {
      if (line.startsWith("# NOTE ")) {
        String first = line.substring("# NOTE ".length()).split(" ")[0];
        if (first.startsWith("DCGM_FI_")) {
          noted.add(first);
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SERIES.matcher(line.trim());
      if (!m.matches()) {
        assertThat(line).as("a series without labels").doesNotContain("{");
        continue; // no labels: the dummy lines
      }
      if (noted.contains(m.group(1))) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
      }
      List<String> key = List.of(labels.get("Hostname"), labels.get("gpu"), labels.get("UUID"));
      ObjectNode rec =
          records.computeIfAbsent(
              key,
              k -> {
                ObjectNode o = MAPPER.createObjectNode();
                o.put("timestamp", T0);
                labels.forEach(o::put);
                return o;
              });
      rec.put(m.group(1), Double.parseDouble(m.group(3)));
    }
    return records;
  }

  @Test
  void scrapeGroupsIntoThreeGpus() {
    assertThat(scrapeRecords().keySet())
        .containsExactly(
            List.of("424773df46e0", "0", "GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e"),
            List.of("551bdf382151", "0", "GPU-9ef1b6d0-3643-5dd7-b823-c0ec20dcf2d5"),
            List.of("ip-11111", "0", "GPU-abc"));
  }

  @Test
  void everyScrapedGpuParses() throws Exception {
    for (ObjectNode rec : scrapeRecords().values()) {
      GpuSample s = parser.parse(MAPPER.writeValueAsBytes(rec));
      assertThat(s.timestamp).isEqualTo(T0_MS);
      assertThat(s.cluster).isEqualTo("test-cluster");
      assertThat(s.gpu).isZero();
    }
  }

  @Test
  void teslaT4WithUtilisationMemoryPowerAndEnergy() throws Exception {
    ObjectNode rec =
        scrapeRecords()
            .get(List.of("424773df46e0", "0", "GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e"));
    GpuSample s = parser.parse(MAPPER.writeValueAsBytes(rec));
    assertThat(s.hostname).isEqualTo("424773df46e0");
    assertThat(s.uuid).isEqualTo("GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e");
    assertThat(s.modelName).isEqualTo("Tesla T4");
    assertThat(s.gpuUtil).isEqualTo(0.0);
    assertThat(s.smActive).isNaN();
    assertThat(s.utilisation()).isEqualTo(0.0);
    assertThat(s.fbUsed).isEqualTo(0.0);
    assertThat(s.fbFree).isEqualTo(15109.0);
    assertThat(s.powerUsage).isCloseTo(8.969, within(1e-9));
    assertThat(s.gpuTemp).isEqualTo(25.0);
    assertThat(s.memCopyUtil).isEqualTo(0.0);
    assertThat(s.totalEnergy).isEqualTo(128996013.0);
    assertThat(s.tensorActive).isNaN();
    assertThat(s.hasPod()).isFalse();
    assertThat(s.pod).isNull();
    assertThat(s.namespace).isNull();
    assertThat(s.container).isNull();
  }

  @Test
  void gpuWithoutUtilisationStillParsesWithNaNUtilisation() throws Exception {
    // the second T4 reports clocks, power limit and memory totals, but no utilisation
    ObjectNode rec =
        scrapeRecords()
            .get(List.of("551bdf382151", "0", "GPU-9ef1b6d0-3643-5dd7-b823-c0ec20dcf2d5"));
    assertThat(rec.has("DCGM_FI_DEV_FB_RESERVED")).as("NOTE: copy-pasted dummy").isFalse();
    GpuSample s = parser.parse(MAPPER.writeValueAsBytes(rec));
    assertThat(s.hostname).isEqualTo("551bdf382151");
    assertThat(s.modelName).isEqualTo("Tesla T4");
    assertThat(s.gpuUtil).isNaN();
    assertThat(s.utilisation()).isNaN();
    assertThat(s.fbUsed).isNaN();
  }

  @Test
  void a10gLineWithPodLabelsYieldsThePod() throws Exception {
    ObjectNode rec = scrapeRecords().get(List.of("ip-11111", "0", "GPU-abc"));
    GpuSample s = parser.parse(MAPPER.writeValueAsBytes(rec));
    assertThat(s.hostname).isEqualTo("ip-11111");
    assertThat(s.modelName).isEqualTo("NVIDIA A10G");
    assertThat(s.uuid).isEqualTo("GPU-abc");
    assertThat(s.hasPod()).isTrue();
    assertThat(s.pod).isEqualTo("ray-1111111");
    assertThat(s.namespace).isEqualTo("ray-llm");
    assertThat(s.container).isEqualTo("ray-worker");
    assertThat(s.utilisation()).isNaN(); // only DCGM_FI_PROF_DRAM_ACTIVE was scraped
  }

  // ---------------------------------------------------------------- leniency

  @Test
  void lowerCaseHostnameSince2026() throws Exception {
    GpuSample s =
        parse(
            "{\"timestamp\":\""
                + T0
                + "\",\"hostname\":\"gpu-node-07\",\"gpu\":3,\"DCGM_FI_DEV_GPU_UTIL\":87}");
    assertThat(s.hostname).isEqualTo("gpu-node-07");
    assertThat(s.gpu).isEqualTo(3);
    assertThat(s.utilisation()).isCloseTo(0.87, within(1e-12));
  }

  @Test
  void podNameAndPodNamespaceAliases() throws Exception {
    GpuSample s =
        parse(
            record(
                "\"pod_name\":\"train-0\",\"pod_namespace\":\"team-a\","
                    + "\"container_name\":\"trainer\",\"DCGM_FI_DEV_GPU_UTIL\":50"));
    assertThat(s.pod).isEqualTo("train-0");
    assertThat(s.namespace).isEqualTo("team-a");
    assertThat(s.container).isEqualTo("trainer");
  }

  @Test
  void emptyPodLabelsMeanNoPod() throws Exception {
    GpuSample s =
        parse(
            record(
                "\"namespace\":\"\",\"pod\":\"\",\"container\":\"\",\"DCGM_FI_DEV_GPU_UTIL\":0"));
    assertThat(s.hasPod()).isFalse();
    assertThat(s.pod).isNull();
    assertThat(s.namespace).isNull();
    assertThat(s.container).isNull();
  }

  @Test
  void namespaceWithoutPodIsDropped() throws Exception {
    GpuSample s = parse(record("\"namespace\":\"team-a\",\"DCGM_FI_DEV_GPU_UTIL\":0"));
    assertThat(s.namespace).isNull();
  }

  @Test
  void numbersAsStrings() throws Exception {
    GpuSample s =
        parse(
            "{\"timestamp\":\"1740823200\",\"Hostname\":\"n1\",\"gpu\":\"2\","
                + "\"DCGM_FI_DEV_GPU_UTIL\":\" 8.7e1 \",\"DCGM_FI_DEV_FB_USED\":\"40536\","
                + "\"DCGM_FI_DEV_POWER_USAGE\":\"312.5\"}");
    assertThat(s.timestamp).isEqualTo(T0_MS);
    assertThat(s.gpu).isEqualTo(2);
    assertThat(s.gpuUtil).isEqualTo(87.0);
    assertThat(s.fbUsed).isEqualTo(40536.0);
    assertThat(s.powerUsage).isEqualTo(312.5);
  }

  @Test
  void unknownFieldsAreIgnored() throws Exception {
    GpuSample s =
        parse(
            record(
                "\"DCGM_FI_DEV_GPU_UTIL\":10,\"DCGM_FI_DEV_SM_CLOCK\":1410,\"device\":\"nvidia0\","
                    + "\"GPU_I_PROFILE\":\"1g.10gb\",\"extra\":{\"nested\":[1,2,{\"x\":null}]},"
                    + "\"list\":[\"a\"],\"flag\":true"));
    assertThat(s.gpuUtil).isEqualTo(10.0);
  }

  @Test
  void nullMeansMissing() throws Exception {
    GpuSample s =
        parse(
            record(
                "\"DCGM_FI_DEV_GPU_UTIL\":10,\"DCGM_FI_DEV_FB_USED\":null,\"pod\":null,"
                    + "\"UUID\":null"));
    assertThat(s.fbUsed).isNaN();
    assertThat(s.pod).isNull();
    assertThat(s.uuid).isNull();
  }

  @Test
  void smActivePreferredOverGpuUtil() throws Exception {
    GpuSample s = parse(record("\"DCGM_FI_DEV_GPU_UTIL\":100,\"DCGM_FI_PROF_SM_ACTIVE\":0.42"));
    assertThat(s.gpuUtil).isEqualTo(100.0);
    assertThat(s.smActive).isEqualTo(0.42);
    assertThat(s.utilisation()).isEqualTo(0.42);
  }

  @Test
  void gpuUtilIsAPercentUtilisationARatio() throws Exception {
    GpuSample s = parse(record("\"DCGM_FI_DEV_GPU_UTIL\":35"));
    assertThat(s.utilisation()).isCloseTo(0.35, within(1e-12));
  }

  @Test
  void nestedLabelsAndFields() throws Exception {
    GpuSample s =
        parse(
            "{\"timestamp\":\""
                + T0
                + "\",\"labels\":{\"Hostname\":\"n2\",\"gpu\":\"1\",\"pod\":\"p\","
                + "\"namespace\":\"ns\"},\"fields\":{\"DCGM_FI_PROF_SM_ACTIVE\":0.5}}");
    assertThat(s.hostname).isEqualTo("n2");
    assertThat(s.gpu).isEqualTo(1);
    assertThat(s.pod).isEqualTo("p");
    assertThat(s.namespace).isEqualTo("ns");
    assertThat(s.utilisation()).isEqualTo(0.5);
  }

  @Test
  void uuidWithoutGpuIndex() throws Exception {
    GpuSample s =
        parse(
            "{\"timestamp\":\""
                + T0
                + "\",\"Hostname\":\"n1\",\"UUID\":\"GPU-1\",\"DCGM_FI_DEV_GPU_UTIL\":1}");
    assertThat(s.gpu).isEqualTo(-1);
    assertThat(s.uuid).isEqualTo("GPU-1");
  }

  @Test
  void clusterFromRecordElseDefault() throws Exception {
    assertThat(parse(record("\"cluster\":\"eu-1\",\"DCGM_FI_DEV_GPU_UTIL\":1")).cluster)
        .isEqualTo("eu-1");
    assertThat(parse(record("\"cluster\":\"\",\"DCGM_FI_DEV_GPU_UTIL\":1")).cluster)
        .isEqualTo("test-cluster");
  }

  /** Whatever the key order, exported_pod (the workload) beats pod (the exporter's own pod). */
  @Test
  void exportedLabelsWinRegardlessOfOrder() throws Exception {
    String a =
        record(
            "\"pod\":\"dcgm-exporter-x2v\",\"namespace\":\"gpu-operator\","
                + "\"exported_pod\":\"train-0\",\"exported_namespace\":\"team-a\","
                + "\"DCGM_FI_DEV_GPU_UTIL\":1");
    String b =
        record(
            "\"exported_pod\":\"train-0\",\"exported_namespace\":\"team-a\","
                + "\"pod\":\"dcgm-exporter-x2v\",\"namespace\":\"gpu-operator\","
                + "\"DCGM_FI_DEV_GPU_UTIL\":1");
    for (String json : List.of(a, b)) {
      GpuSample s = parse(json);
      assertThat(s.pod).isEqualTo("train-0");
      assertThat(s.namespace).isEqualTo("team-a");
    }
  }

  @Test
  void plainLabelsBeatNameAliasesAndHostnameBeatsNode() throws Exception {
    GpuSample s =
        parse(
            "{\"timestamp\":\""
                + T0
                + "\",\"Hostname\":\"ip-10-0-3-17\",\"node\":\"other\",\"gpu\":0,"
                + "\"pod\":\"a\",\"pod_name\":\"b\",\"DCGM_FI_DEV_GPU_UTIL\":1}");
    assertThat(s.pod).isEqualTo("a");
    assertThat(s.hostname).isEqualTo("ip-10-0-3-17");
    GpuSample t =
        parse(
            "{\"timestamp\":\""
                + T0
                + "\",\"node\":\"other\",\"gpu\":0,\"pod_name\":\"b\",\"pod\":\"a\","
                + "\"hostname\":\"ip-10-0-3-17\",\"DCGM_FI_DEV_GPU_UTIL\":1}");
    assertThat(t.pod).isEqualTo("a");
    assertThat(t.hostname).isEqualTo("ip-10-0-3-17");
  }

  // ---------------------------------------------------------------- timestamps

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"2025-03-01T10:00:00Z\"          | 2025-03-01T10:00:00Z",
        "\"2025-03-01T10:00:00.250Z\"      | 2025-03-01T10:00:00.250Z",
        "\"2025-03-01T11:30:00+01:30\"     | 2025-03-01T10:00:00Z",
        "\"2025-03-01T05:00:00-05:00\"     | 2025-03-01T10:00:00Z",
        "\"2025-03-01 10:00:00\"           | 2025-03-01T10:00:00Z",
        "\"2025-03-01 10:00:00Z\"          | 2025-03-01T10:00:00Z",
        "\"2025-03-01T10:00:00\"           | 2025-03-01T10:00:00Z",
        "1740823200                        | 2025-03-01T10:00:00Z",
        "1740823200.5                      | 2025-03-01T10:00:00.500Z",
        "1740823200000                     | 2025-03-01T10:00:00Z",
        "\"1740823200000\"                 | 2025-03-01T10:00:00Z",
        "1740823200000000                  | 2025-03-01T10:00:00Z",
        "1740823200000000000               | 2025-03-01T10:00:00Z",
      })
  void timestamps(String json, String expected) throws Exception {
    GpuSample s =
        parse(
            "{\"timestamp\":"
                + json.trim()
                + ",\"Hostname\":\"n1\",\"gpu\":0,\"DCGM_FI_DEV_GPU_UTIL\":1}");
    assertThat(Instant.ofEpochMilli(s.timestamp)).isEqualTo(Instant.parse(expected.trim()));
  }

  @Test
  void timestampAliases() throws Exception {
    for (String alias : List.of("ts", "time", "@timestamp")) {
      GpuSample s =
          parse(
              "{\""
                  + alias
                  + "\":\""
                  + T0
                  + "\",\"Hostname\":\"n1\",\"gpu\":0,\"DCGM_FI_DEV_GPU_UTIL\":1}");
      assertThat(s.timestamp).isEqualTo(T0_MS);
    }
  }

  // ---------------------------------------------------------------- rejections

  @Nested
  class Rejections {
    @Test
    void nonNumericUtil() {
      assertThat(reason(record("\"DCGM_FI_DEV_GPU_UTIL\":\"high\"")))
          .isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void utilAbove100() {
      assertThat(reason(record("\"DCGM_FI_DEV_GPU_UTIL\":150"))).isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void smActiveAboveOneIsNotARatio() {
      assertThat(reason(record("\"DCGM_FI_PROF_SM_ACTIVE\":42"))).isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void negativeFramebuffer() {
      assertThat(reason(record("\"DCGM_FI_DEV_GPU_UTIL\":1,\"DCGM_FI_DEV_FB_USED\":-5")))
          .isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void missingTimestamp() {
      assertThat(reason("{\"Hostname\":\"n1\",\"gpu\":0,\"DCGM_FI_DEV_GPU_UTIL\":1}"))
          .isEqualTo(Reasons.MISSING_FIELD);
    }

    @Test
    void missingHostname() {
      assertThat(reason("{\"timestamp\":1740823200,\"gpu\":0,\"DCGM_FI_DEV_GPU_UTIL\":1}"))
          .isEqualTo(Reasons.MISSING_FIELD);
    }

    @Test
    void missingGpuAndUuid() {
      assertThat(reason("{\"timestamp\":1740823200,\"Hostname\":\"n\",\"DCGM_FI_DEV_GPU_UTIL\":1}"))
          .isEqualTo(Reasons.MISSING_FIELD);
    }

    @Test
    void noDcgmFieldAtAll() {
      assertThat(reason("{\"timestamp\":1740823200,\"Hostname\":\"n\",\"gpu\":0,\"pod\":\"p\"}"))
          .isEqualTo(Reasons.MISSING_FIELD);
    }

    @Test
    void truncatedJson() {
      assertThat(reason("{\"timestamp\":1740823200,\"Hostname\":\"n1\",\"gpu\":0,\"DCGM_FI_DEV"))
          .isEqualTo(Reasons.INVALID_JSON);
    }

    @Test
    void jsonArray() {
      assertThat(reason("[" + record("\"DCGM_FI_DEV_GPU_UTIL\":1") + "]"))
          .isEqualTo(Reasons.INVALID_JSON);
    }

    @Test
    void notJsonAtAll() {
      assertThat(reason("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} 1")).isEqualTo(Reasons.INVALID_JSON);
    }

    @Test
    void trailingContent() {
      assertThat(reason(record("\"DCGM_FI_DEV_GPU_UTIL\":1") + " {}"))
          .isEqualTo(Reasons.INVALID_JSON);
    }

    @Test
    void nanString() {
      assertThat(reason(record("\"DCGM_FI_DEV_GPU_UTIL\":\"NaN\"")))
          .isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void bareNaNToken() {
      assertThat(reason(record("\"DCGM_FI_DEV_GPU_UTIL\":NaN"))).isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void infinity() {
      assertThat(reason(record("\"DCGM_FI_DEV_POWER_USAGE\":\"Infinity\"")))
          .isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void javaNumberSuffixesAreNotNumbers() {
      assertThat(reason(record("\"DCGM_FI_DEV_GPU_UTIL\":\"87f\"")))
          .isEqualTo(Reasons.INVALID_VALUE);
      assertThat(reason(record("\"DCGM_FI_DEV_GPU_UTIL\":\"0x1p3\"")))
          .isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void negativeGpuIndex() {
      assertThat(
              reason(
                  "{\"timestamp\":1740823200,\"Hostname\":\"n\",\"gpu\":-1,"
                      + "\"DCGM_FI_DEV_GPU_UTIL\":1}"))
          .isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void fractionalGpuIndex() {
      assertThat(
              reason(
                  "{\"timestamp\":1740823200,\"Hostname\":\"n\",\"gpu\":\"0.5\","
                      + "\"DCGM_FI_DEV_GPU_UTIL\":1}"))
          .isEqualTo(Reasons.INVALID_VALUE);
    }

    @Test
    void badTimestamps() {
      for (String ts :
          List.of(
              "\"yesterday\"", "\"2025-13-01T00:00:00Z\"", "-5", "\"\"", "true", "\"3/1/25\"")) {
        assertThat(
                reason(
                    "{\"timestamp\":"
                        + ts
                        + ",\"Hostname\":\"n\",\"gpu\":0,\"DCGM_FI_DEV_GPU_UTIL\":1}"))
            .as(ts)
            .isEqualTo(Reasons.INVALID_VALUE);
      }
    }

    @Test
    void emptyAndBlankPayloads() {
      assertThat(reason("")).isEqualTo(Reasons.EMPTY);
      assertThat(reason(" \n")).isEqualTo(Reasons.EMPTY);
      assertThatThrownBy(() -> parser.parse(null))
          .isInstanceOfSatisfying(
              ParseException.class, e -> assertThat(e.reason()).isEqualTo(Reasons.EMPTY));
    }

    @Test
    void detailNamesTheFieldAndValue() {
      assertThatThrownBy(() -> parse(record("\"DCGM_FI_DEV_GPU_UTIL\":150")))
          .isInstanceOf(ParseException.class)
          .hasMessageContaining("DCGM_FI_DEV_GPU_UTIL")
          .hasMessageContaining("150");
    }
  }
}
