package io.burnrate.jobs.actions;

import io.burnrate.jobs.alerting.QuietTimers;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.CostWindow;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Finds optimisation actions per workload and per node ({@link #key}), with the pure {@link
 * ActionFinder}; publishes each action when it opens and when it resolves. A workload or node
 * silent for the series timeout (ended, or a node whose GPUs are all in use again: idle windows
 * stop) resolves what is open and releases its state.
 */
public final class ActionFunction extends KeyedProcessFunction<String, CostWindow, Action> {
  private static final long serialVersionUID = 1L;

  private final ActionFinder finder;
  private final long timeoutMillis;
  private transient ValueState<ActionState> state;
  private transient Counter opened;

  public ActionFunction(RateCard rateCard, Duration seriesTimeout) {
    this(rateCard, SizingConfig.defaults(), seriesTimeout);
  }

  public ActionFunction(RateCard rateCard, SizingConfig sizing, Duration seriesTimeout) {
    this.finder = new ActionFinder(rateCard, sizing);
    this.timeoutMillis = seriesTimeout.toMillis();
  }

  /** {@code workload|cluster|workload} or {@code idle|cluster|node}. */
  public static String key(CostWindow w) {
    return CostWindow.KIND_IDLE.equals(w.kind)
        ? "idle|" + w.cluster + "|" + w.node
        : "workload|" + w.cluster + "|" + w.workload;
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("actions", ActionState.class));
    opened = getRuntimeContext().getMetricGroup().counter("actionsOpened");
  }

  @Override
  public void processElement(CostWindow w, Context ctx, Collector<Action> out) throws Exception {
    ActionState s = state.value();
    // A window after a silence longer than the timeout (in event time) ends the old series first,
    // as the quiet timer does: whichever of the two reaches this operator first, the output is the
    // same (the timer races windows that other subtasks' watermarks have not yet caught up with).
    if (s != null && QuietTimers.deadline(s.lastWindowEnd, timeoutMillis) < w.windowEnd) {
      stopped(s, out);
      s = null;
    }
    if (s == null) {
      s = new ActionState();
    }
    if (w.windowEnd <= s.lastWindowEnd) {
      return;
    }
    for (Action a : finder.step(s, w)) {
      if (Action.OPEN.equals(a.status)) {
        opened.inc();
      }
      out.collect(a);
    }
    state.update(s);
    ctx.timerService().registerEventTimeTimer(QuietTimers.deadline(w.windowEnd, timeoutMillis));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Action> out) throws Exception {
    ActionState s = state.value();
    if (s == null || timestamp < s.lastWindowEnd + timeoutMillis) {
      return;
    }
    stopped(s, out);
  }

  /** The series went quiet: its open actions resolve and its state goes. */
  private void stopped(ActionState s, Collector<Action> out) {
    for (Action a : finder.stop(s, "it stopped reporting")) {
      out.collect(a);
    }
    state.clear();
  }
}
