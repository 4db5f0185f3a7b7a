package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.schemas.model.DeadLetter.Reasons;
import io.burnrate.schemas.model.WorkloadProgress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkloadProgressParserTest {
  private static final long T0 = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();
  private final WorkloadProgressParser parser = new WorkloadProgressParser("test-cluster");

  private WorkloadProgress parse(String json) throws ParseException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private String reason(String json) {
    try {
      parse(json);
    } catch (ParseException e) {
      return e.reason();
    }
    throw new AssertionError("expected a ParseException for " + json);
  }

  private static String rec(String extra) {
    return "{\"timestamp\":\"2025-03-01T10:00:00Z\",\"namespace\":\"team-a\","
        + "\"pod\":\"train-llama-7b-x7k2p\","
        + extra
        + "}";
  }

  @Test
  void trainingCounters() throws Exception {
    WorkloadProgress w =
        parse(
            rec(
                "\"container\":\"trainer\",\"samples_total\":1280000,\"step\":5000,"
                    + "\"loss\":1.73,\"val_loss\":1.81"));
    assertThat(w.timestamp).isEqualTo(T0);
    assertThat(w.cluster).isEqualTo("test-cluster");
    assertThat(w.namespace).isEqualTo("team-a");
    assertThat(w.pod).isEqualTo("train-llama-7b-x7k2p");
    assertThat(w.podKey()).isEqualTo("team-a/train-llama-7b-x7k2p");
    assertThat(w.container).isEqualTo("trainer");
    assertThat(w.samplesTotal).isEqualTo(1280000.0);
    assertThat(w.step).isEqualTo(5000.0);
    assertThat(w.loss).isEqualTo(1.73);
    assertThat(w.valLoss).isEqualTo(1.81);
    assertThat(w.lossNonFinite).isFalse();
    assertThat(w.tokensTotal).isNaN();
    assertThat(w.requestsTotal).isNaN();
  }

  @Test
  void plannedStepsUnderAnyOfTheirNames() throws Exception {
    assertThat(parse(rec("\"step\":5000,\"total_steps\":100000")).totalSteps).isEqualTo(100000.0);
    assertThat(parse(rec("\"step\":5000,\"planned_steps\":\"2e5\"")).totalSteps).isEqualTo(2e5);
    assertThat(parse(rec("\"step\":5000,\"max_steps\":300")).totalSteps).isEqualTo(300.0);
    assertThat(parse(rec("\"step\":5000")).totalSteps).isNaN();
    assertThat(reason(rec("\"step\":5000,\"total_steps\":-1"))).isEqualTo(Reasons.INVALID_VALUE);
  }

  @Test
  void inferenceCounters() throws Exception {
    WorkloadProgress w =
        parse(rec("\"cluster\":\"eu-1\",\"tokens_total\":9.5e9,\"requests_total\":1200345"));
    assertThat(w.cluster).isEqualTo("eu-1");
    assertThat(w.tokensTotal).isEqualTo(9.5e9);
    assertThat(w.requestsTotal).isEqualTo(1200345.0);
    assertThat(w.samplesTotal).isNaN();
  }

  @Test
  void counterAsString() throws Exception {
    assertThat(parse(rec("\"samples_total\":\"1280000\"")).samplesTotal).isEqualTo(1280000.0);
    assertThat(parse(rec("\"tokens_total\":\" 1e6 \"")).tokensTotal).isEqualTo(1e6);
  }

  @Test
  void counterResetToZeroIsValid() throws Exception {
    assertThat(parse(rec("\"samples_total\":0")).samplesTotal).isZero();
  }

  @Test
  void negativeCounterRejected() {
    assertThat(reason(rec("\"samples_total\":-1"))).isEqualTo(Reasons.INVALID_VALUE);
    assertThat(reason(rec("\"tokens_total\":\"-5\""))).isEqualTo(Reasons.INVALID_VALUE);
  }

  @Test
  void nonFiniteCounterRejected() {
    assertThat(reason(rec("\"samples_total\":\"NaN\""))).isEqualTo(Reasons.INVALID_VALUE);
    assertThat(reason(rec("\"samples_total\":NaN"))).isEqualTo(Reasons.INVALID_VALUE);
    assertThat(reason(rec("\"requests_total\":Infinity"))).isEqualTo(Reasons.INVALID_VALUE);
  }

  @Test
  void nanLossStringKeptAndFlagged() throws Exception {
    WorkloadProgress w = parse(rec("\"samples_total\":100,\"loss\":\"NaN\""));
    assertThat(w.loss).isNaN();
    assertThat(w.lossNonFinite).isTrue();
    assertThat(w.samplesTotal).isEqualTo(100.0);
  }

  /** What a Python trainer's {@code json.dumps({"loss": float("nan")})} writes. */
  @Test
  void bareNaNTokenFromPythonKeptAndFlagged() throws Exception {
    WorkloadProgress w = parse(rec("\"samples_total\":100,\"loss\":NaN,\"val_loss\":-Infinity"));
    assertThat(w.loss).isNaN();
    assertThat(w.valLoss).isNaN();
    assertThat(w.lossNonFinite).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"nan", "inf", "+Inf", "-inf", "Infinity", "-Infinity", " NaN "})
  void nonFiniteLossSpellings(String spelling) throws Exception {
    WorkloadProgress w = parse(rec("\"val_loss\":\"" + spelling + "\""));
    assertThat(w.lossNonFinite).isTrue();
    assertThat(w.valLoss).isNaN();
  }

  @Test
  void nonFiniteLossAloneIsAMetric() throws Exception {
    assertThat(parse(rec("\"loss\":\"NaN\"")).lossNonFinite).isTrue();
  }

  @Test
  void lossAsNumberString() throws Exception {
    assertThat(parse(rec("\"loss\":\"0.25\"")).loss).isEqualTo(0.25);
  }

  @Test
  void garbageLossRejected() {
    assertThat(reason(rec("\"loss\":\"diverged\""))).isEqualTo(Reasons.INVALID_VALUE);
    assertThat(reason(rec("\"loss\":true"))).isEqualTo(Reasons.INVALID_VALUE);
  }

  @Test
  void nullIsMissing() throws Exception {
    WorkloadProgress w = parse(rec("\"samples_total\":10,\"loss\":null,\"tokens_total\":null"));
    assertThat(w.loss).isNaN();
    assertThat(w.lossNonFinite).isFalse();
    assertThat(w.tokensTotal).isNaN();
  }

  @Test
  void missingPodRejected() {
    assertThat(
            reason(
                "{\"timestamp\":\"2025-03-01T10:00:00Z\",\"namespace\":\"team-a\","
                    + "\"samples_total\":1}"))
        .isEqualTo(Reasons.MISSING_FIELD);
    assertThat(reason(rec("\"samples_total\":1").replace("\"train-llama-7b-x7k2p\"", "\"\"")))
        .isEqualTo(Reasons.MISSING_FIELD);
  }

  @Test
  void missingNamespaceRejected() {
    assertThat(reason("{\"timestamp\":1740823200,\"pod\":\"p\",\"samples_total\":1}"))
        .isEqualTo(Reasons.MISSING_FIELD);
  }

  @Test
  void missingTimestampRejected() {
    assertThat(reason("{\"namespace\":\"a\",\"pod\":\"p\",\"samples_total\":1}"))
        .isEqualTo(Reasons.MISSING_FIELD);
  }

  @Test
  void noMetricRejected() {
    assertThat(reason(rec("\"container\":\"trainer\",\"epoch\":3")))
        .isEqualTo(Reasons.MISSING_FIELD);
    assertThatThrownBy(() -> parse(rec("\"container\":\"trainer\"")))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("samples_total");
  }

  @Test
  void podAliasesAndNesting() throws Exception {
    WorkloadProgress w =
        parse(
            "{\"ts\":1740823200000,\"labels\":{\"pod_name\":\"p\",\"pod_namespace\":\"ns\","
                + "\"container_name\":\"c\"},\"metrics\":{\"samples_total\":5}}");
    assertThat(w.timestamp).isEqualTo(T0);
    assertThat(w.pod).isEqualTo("p");
    assertThat(w.namespace).isEqualTo("ns");
    assertThat(w.container).isEqualTo("c");
    assertThat(w.samplesTotal).isEqualTo(5.0);
  }

  @Test
  void exportedLabelsWinRegardlessOfOrder() throws Exception {
    WorkloadProgress a =
        parse(
            "{\"timestamp\":1740823200,\"pod\":\"prometheus-0\",\"exported_pod\":\"train-0\","
                + "\"exported_namespace\":\"team-a\",\"namespace\":\"monitoring\","
                + "\"samples_total\":1}");
    WorkloadProgress b =
        parse(
            "{\"timestamp\":1740823200,\"exported_pod\":\"train-0\",\"pod\":\"prometheus-0\","
                + "\"namespace\":\"monitoring\",\"exported_namespace\":\"team-a\","
                + "\"samples_total\":1}");
    for (WorkloadProgress w : new WorkloadProgress[] {a, b}) {
      assertThat(w.podKey()).isEqualTo("team-a/train-0");
    }
  }

  @Test
  void unknownFieldsIgnored() throws Exception {
    WorkloadProgress w =
        parse(rec("\"samples_total\":1,\"lr\":0.0003,\"tags\":[\"a\"],\"meta\":{\"x\":1}"));
    assertThat(w.samplesTotal).isEqualTo(1.0);
  }

  @Test
  void malformedPayloads() {
    assertThat(reason("[1,2]")).isEqualTo(Reasons.INVALID_JSON);
    assertThat(reason("{\"timestamp\":1740823200,\"pod\":")).isEqualTo(Reasons.INVALID_JSON);
    assertThat(reason("")).isEqualTo(Reasons.EMPTY);
  }
}
