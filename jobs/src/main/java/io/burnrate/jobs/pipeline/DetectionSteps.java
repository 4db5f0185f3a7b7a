package io.burnrate.jobs.pipeline;

import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.jobs.actions.ActionFunction;
import io.burnrate.jobs.budgets.BudgetCharge;
import io.burnrate.jobs.budgets.BudgetCharges;
import io.burnrate.jobs.budgets.BudgetConfigParse;
import io.burnrate.jobs.budgets.BudgetControl;
import io.burnrate.jobs.budgets.BudgetDefinitions;
import io.burnrate.jobs.budgets.BudgetFunction;
import io.burnrate.jobs.config.DetectionSettings;
import io.burnrate.jobs.eventtime.OutsideEventTime;
import io.burnrate.jobs.rules.RuleFunction;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.Budget;
import io.burnrate.schemas.model.BudgetStatus;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The detection steps over the cost windows: threshold rules, budgets and optimisation actions.
 *
 * <pre>{@code
 * DetectionSteps.Outputs d =
 *     DetectionSteps.build(outputs.costWindows(), budgetConfigRecords, settings);
 * d.alerts();       // rule and budget alerts (union with the anomaly alerts)
 * d.actions();      // optimisation actions and budget escalations
 * d.budgetStatus(); // per budget, on change
 * d.deadLetters();  // budget definitions that did not validate
 * }</pre>
 *
 * <pre>
 *  windows ─ keyBy workload ─▶ rules ──────────────────────────────────▶ alerts
 *  windows ─ keyBy workload/node ─▶ actions ───────────────────────────▶ actions
 *  windows ─ charges per scope ─ keyBy scope ─┐
 *  config.budgets + file ─ keyBy id ─ route ──┴▶ budgets ─▶ status (+ alerts, actions)
 * </pre>
 *
 * Every operator has a stable uid. The budget definitions never hold back event time (their
 * watermark is the maximum): only the cost windows drive the timers.
 */
public final class DetectionSteps {
  private DetectionSteps() {}

  /** What the detection steps produce. */
  public record Outputs(
      DataStream<Alert> alerts,
      DataStream<Action> actions,
      DataStream<BudgetStatus> budgetStatus,
      DataStream<DeadLetter> deadLetters) {}

  /**
   * @param windows the cost windows (workload and idle), with event-time timestamps and watermarks
   * @param budgetConfig records of {@code burnrate.config.budgets} (value null = tombstone)
   */
  public static Outputs build(
      DataStream<CostWindow> windows, DataStream<RawRecord> budgetConfig, DetectionSettings s) {
    // rules: per workload series
    DataStream<Alert> ruleAlerts =
        windows
            .filter(w -> CostWindow.KIND_WORKLOAD.equals(w.kind) && w.workload != null)
            .uid("rules-workload-windows")
            .name("rules: workload windows")
            .keyBy(RuleFunction::key)
            .process(
                new RuleFunction(s.rules(), s.seriesTimeout()), TypeInformation.of(Alert.class))
            .uid("detect-rules")
            .name("rules: idle, under-used, memory, throughput, hourly spend");

    // actions: per workload and per node
    DataStream<Action> found =
        windows
            .keyBy(ActionFunction::key)
            .process(
                new ActionFunction(s.rateCard(), s.sizing(), s.seriesTimeout()),
                TypeInformation.of(Action.class))
            .uid("find-actions")
            .name("actions: idle nodes, right-size, spot, GPU type, share GPU, scale to load");

    // budgets: definitions (topic wins over the bootstrap file) routed to their scope
    SingleOutputStreamOperator<BudgetControl> parsed =
        budgetConfig
            .process(
                new BudgetConfigParse(s.budgetTimeZone(), s.dlqMaxPayloadBytes(), s.bounds()),
                TypeInformation.of(BudgetControl.class))
            .uid("parse-budgets")
            .name("parse budget definitions");
    DataStream<BudgetControl> definitions = parsed;
    if (!s.bootstrapBudgets().isEmpty()) {
      List<BudgetControl> boot = new ArrayList<>();
      for (Budget b : s.bootstrapBudgets()) {
        boot.add(BudgetControl.define(b, BudgetControl.FROM_FILE));
      }
      definitions =
          parsed.union(
              windows
                  .getExecutionEnvironment()
                  .fromData(
                      TypeInformation.of(BudgetControl.class), boot.toArray(BudgetControl[]::new))
                  .uid("bootstrap-budgets")
                  .name("bootstrap budgets (file)"));
    }
    DataStream<BudgetControl> routed =
        definitions
            .transform(
                "budget definitions take no part in event time",
                TypeInformation.of(BudgetControl.class),
                new OutsideEventTime<>())
            .uid("watermarks-budgets")
            .keyBy(c -> c.budgetId)
            .process(new BudgetDefinitions(), TypeInformation.of(BudgetControl.class))
            .uid("route-budgets")
            .name("route budget definitions to scopes");
    SingleOutputStreamOperator<BudgetStatus> status =
        windows
            .flatMap(new BudgetCharges(), TypeInformation.of(BudgetCharge.class))
            .uid("budget-charges")
            .name("charge windows to budget scopes")
            .keyBy(c -> c.scopeKey)
            .connect(routed.keyBy(c -> c.scopeKey))
            .process(new BudgetFunction(s.budgetForecast()), TypeInformation.of(BudgetStatus.class))
            .uid("track-budgets")
            .name("budgets: spend, forecast, thresholds");

    return new Outputs(
        ruleAlerts.union(status.getSideOutput(BudgetFunction.ALERTS)),
        found.union(status.getSideOutput(BudgetFunction.ACTIONS)),
        status,
        parsed.getSideOutput(BudgetConfigParse.DLQ));
  }
}
