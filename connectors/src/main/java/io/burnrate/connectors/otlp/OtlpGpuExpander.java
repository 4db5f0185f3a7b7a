package io.burnrate.connectors.otlp;

import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.connectors.kafka.RecordExpander;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.parse.OtlpGpuMetrics;
import io.burnrate.schemas.parse.ParseException;
import java.util.List;
import org.apache.flink.util.Collector;

/**
 * The GPU telemetry topic accepts, record by record, Burnrate's JSON and OTLP metrics requests as
 * the OpenTelemetry Collector's kafka exporter writes them ({@code otlp_proto} or {@code
 * otlp_json}, see {@link OtlpGpuMetrics}). An OTLP request becomes one telemetry record per GPU (or
 * MIG instance) and scrape, with the Kafka coordinates of the request; a JSON record passes as it
 * is.
 */
public final class OtlpGpuExpander implements RecordExpander {
  private static final long serialVersionUID = 1L;

  @Override
  public void expand(RawRecord r, Collector<RawRecord> out) {
    if (!OtlpGpuMetrics.isOtlp(r.value)) {
      out.collect(r);
      return;
    }
    List<byte[]> records;
    try {
      records = OtlpGpuMetrics.records(r.value);
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
          "OTLP metrics request without a DCGM_FI_* data point: not dcgm-exporter metrics";
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
