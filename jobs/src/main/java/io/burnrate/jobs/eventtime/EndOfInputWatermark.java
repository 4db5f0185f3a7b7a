package io.burnrate.jobs.eventtime;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Carries the end of event time past an idle source. Chained right after a source: passes records,
 * watermarks and watermark status on, and when its input ends (the end of a bounded read, or a stop
 * with drain) declares itself active and emits the end-of-time watermark.
 *
 * <p>Flink's source task emits that watermark directly on its output when it drains, and outputs
 * drop watermarks while they are idle: a source whose partitions were all silent when the job was
 * stopped with {@code --drain} (after a replay, at a quiet hour) would end without its last
 * minutes, hours and windows being settled. The end of input is exactly when the end of time is
 * right.
 */
public final class EndOfInputWatermark<T> extends AbstractStreamOperator<T>
    implements OneInputStreamOperator<T, T>, BoundedOneInput {
  private static final long serialVersionUID = 1L;

  @Override
  public void processElement(StreamRecord<T> element) {
    output.collect(element);
  }

  @Override
  public void endInput() {
    output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
    output.emitWatermark(Watermark.MAX_WATERMARK);
  }
}
