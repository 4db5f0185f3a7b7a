package io.burnrate.jobs.pipeline;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Configuration streams (prices, budgets) are state, not events: they must not hold back the event
 * time of the operators they are connected to. Their watermark is the end of time, so a two-input
 * operator's event time is that of its data input alone; what a configuration record means in time
 * is in its own fields (a price's {@code valid_from}).
 */
public final class ConfigStreams {
  private ConfigStreams() {}

  public static <T> WatermarkStrategy<T> outsideEventTime() {
    return WatermarkStrategy.<T>forGenerator(ctx -> new EndOfTime<>())
        .withTimestampAssigner((e, t) -> Long.MIN_VALUE);
  }

  private static final class EndOfTime<T> implements WatermarkGenerator<T> {
    private boolean emitted;

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
      if (!emitted) {
        output.emitWatermark(new Watermark(Long.MAX_VALUE));
        emitted = true;
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      output.emitWatermark(new Watermark(Long.MAX_VALUE));
      emitted = true;
    }
  }
}
