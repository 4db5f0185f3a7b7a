package io.burnrate.jobs.eventtime;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Takes a stream out of event time: passes its records on, drops every watermark (the end-of-input
 * one too) and declares the stream idle, so that an operator it is connected to keeps the event
 * time of its other, data input. For configuration that may include a finished bounded part (a
 * bootstrap file beside a topic), whose end-of-input watermark would otherwise push the connected
 * operator to the end of time as soon as its data input falls silent.
 */
public final class OutsideEventTime<T> extends AbstractStreamOperator<T>
    implements OneInputStreamOperator<T, T> {
  private static final long serialVersionUID = 1L;

  @Override
  public void open() throws Exception {
    super.open();
    output.emitWatermarkStatus(WatermarkStatus.IDLE);
  }

  @Override
  public void processElement(StreamRecord<T> element) {
    element.eraseTimestamp();
    output.collect(element);
  }

  @Override
  public void processWatermark(Watermark mark) {}

  @Override
  public void processWatermarkStatus(WatermarkStatus status) {}
}
