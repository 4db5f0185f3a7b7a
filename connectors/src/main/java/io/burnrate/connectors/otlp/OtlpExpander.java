package io.burnrate.connectors.otlp;

import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.connectors.kafka.RecordExpander;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.parse.OtlpGpuMetrics;
import io.burnrate.schemas.parse.OtlpWorkloadMetrics;
import io.burnrate.schemas.parse.ParseException;
import java.util.List;
import org.apache.flink.util.Collector;

/**
 * The telemetry topics accept, record by record, Burnrate's JSON and OTLP metrics requests as the
 * OpenTelemetry Collector's kafka exporter writes them ({@code otlp_proto} or {@code otlp_json}).
 * An OTLP request becomes one record per GPU (or MIG instance) and scrape ({@link OtlpGpuMetrics})
 * or per pod and time ({@link OtlpWorkloadMetrics}), with the Kafka coordinates of the request; a
 * JSON record passes as it is.
 */
public final class OtlpExpander implements RecordExpander {
  private static final long serialVersionUID = 1L;

  /** What the topic carries. */
  public enum Kind {
    /** dcgm-exporter's metrics, {@code burnrate.telemetry.gpu}. */
    GPU,
    /** inference servers' and training loops' counters, {@code burnrate.telemetry.workload}. */
    WORKLOAD
  }

  private final Kind kind;

  public OtlpExpander(Kind kind) {
    this.kind = kind;
  }

  @Override
  public void expand(RawRecord r, Collector<RawRecord> out) {
    if (!OtlpGpuMetrics.isOtlp(r.value)) {
      out.collect(r);
      return;
    }
    List<byte[]> records;
    try {
      records =
          kind == Kind.GPU ? OtlpGpuMetrics.records(r.value) : OtlpWorkloadMetrics.records(r.value);
    } catch (ParseException e) {
      r.rejectReason = e.reason();
      r.rejectDetail = e.detail();
      out.collect(r);
      return;
    } catch (RuntimeException e) {
      r.rejectReason = DeadLetter.Reasons.INVALID_JSON;
      r.rejectDetail = "OTLP metrics request that cannot be decoded: " + e;
      out.collect(r);
      return;
    }
    if (records.isEmpty()) {
      r.rejectReason = DeadLetter.Reasons.MISSING_FIELD;
      r.rejectDetail =
          kind == Kind.GPU
              ? "OTLP metrics request without a DCGM_FI_* data point: not dcgm-exporter metrics"
              : "OTLP metrics request without a progress metric (samples_total, tokens_total,"
                  + " requests_total, step, loss, vllm:*_tokens_total, ...) of a pod";
      out.collect(r);
      return;
    }
    for (int i = 0; i < records.size(); i++) {
      RawRecord c = new RawRecord();
      c.topic = r.topic;
      c.partition = r.partition;
      c.offset = r.offset;
      c.timestamp = r.timestamp;
      c.key = r.key;
      c.clusterHeader = r.clusterHeader;
      c.value = records.get(i);
      c.continuation = i > 0;
      out.collect(c);
    }
  }
}
