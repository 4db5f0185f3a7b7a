package io.burnrate.jobs.budgets;

import io.burnrate.connectors.kafka.DeadLetters;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.jobs.parse.ParseFunction;
import io.burnrate.schemas.model.Budget;
import io.burnrate.schemas.model.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Reads records of the compacted {@code burnrate.config.budgets} topic: a value defines (or
 * redefines) the budget of the record key, a null value (tombstone) deletes it. A definition that
 * does not validate, or whose id differs from its key, goes to {@link #DLQ} with the field at
 * fault; the budget it meant to change keeps its previous definition.
 */
public final class BudgetConfigParse extends ProcessFunction<RawRecord, BudgetControl> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DLQ = new OutputTag<>("budget-dead-letters") {};

  /** A budget definition is a few hundred bytes; anything near this is not one. */
  static final int MAX_DEFINITION_BYTES = 64 * 1024;

  private final String defaultZone;
  private transient io.burnrate.jobs.parse.DeadLetterCounters deadLetters;
  private final int maxPayloadBytes;
  private transient BudgetParser parser;
  private transient LongCounter inputRecords;

  private final io.burnrate.schemas.parse.Plausibility bounds;

  public BudgetConfigParse(String defaultZone, int maxPayloadBytes) {
    this(defaultZone, maxPayloadBytes, io.burnrate.schemas.parse.Plausibility.DEFAULTS);
  }

  /**
   * @param bounds the smallest and largest budget amount ({@code bounds.min-budget}, {@code
   *     bounds.max-budget}); outside them a definition is {@code out_of_range}
   */
  public BudgetConfigParse(
      String defaultZone, int maxPayloadBytes, io.burnrate.schemas.parse.Plausibility bounds) {
    this.defaultZone = defaultZone;
    this.maxPayloadBytes = maxPayloadBytes;
    this.bounds = bounds;
  }

  @Override
  public void open(OpenContext ctx) {
    parser = new BudgetParser(defaultZone);
    deadLetters =
        new io.burnrate.jobs.parse.DeadLetterCounters(getRuntimeContext().getMetricGroup());
    inputRecords = null;
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<BudgetControl> out) {
    if (inputRecords == null) { // counted like every other input topic (ParseFunction)
      inputRecords = new LongCounter();
      getRuntimeContext().addAccumulator(ParseFunction.INPUT_RECORDS + "." + r.topic, inputRecords);
    }
    inputRecords.add(1L);
    String key = r.key == null ? null : new String(r.key, StandardCharsets.UTF_8);
    if (r.value == null || r.value.length == 0) {
      if (key == null || key.isBlank()) {
        dead(r, DeadLetter.Reasons.MISSING_FIELD, "tombstone without a key", ctx);
        return;
      }
      out.collect(BudgetControl.delete(key, BudgetControl.FROM_TOPIC, null));
      return;
    }
    if (r.value.length > MAX_DEFINITION_BYTES) {
      dead(
          r,
          DeadLetter.Reasons.TOO_LARGE,
          "budget definition of " + r.value.length + " bytes exceeds " + MAX_DEFINITION_BYTES,
          ctx);
      return;
    }
    Budget b;
    try {
      b = parser.parse(r.value, "budget");
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      String reason =
          msg.contains("not JSON")
              ? DeadLetter.Reasons.INVALID_JSON
              : DeadLetter.Reasons.INVALID_VALUE;
      dead(r, reason, msg, ctx);
      return;
    } catch (RuntimeException e) {
      // a parser bug must not stop the job: keep the record and say what happened
      dead(r, DeadLetter.Reasons.INVALID_VALUE, "unexpected parser error: " + e, ctx);
      return;
    }
    try {
      bounds.checkBudget("budget.amount", b.amount);
    } catch (io.burnrate.schemas.parse.ParseException e) {
      dead(r, e.reason(), e.detail(), ctx);
      return;
    }
    if (key != null && !key.isBlank() && !key.equals(b.id)) {
      dead(
          r,
          DeadLetter.Reasons.INVALID_VALUE,
          "budget.id '" + b.id + "' differs from the record key '" + key + "'",
          ctx);
      return;
    }
    out.collect(BudgetControl.define(b, BudgetControl.FROM_TOPIC));
  }

  /** To the DLQ, counted by reason (the same metric as every other input). */
  private void dead(RawRecord r, String reason, String detail, Context ctx) {
    ctx.output(DLQ, DeadLetters.of(r, reason, detail, maxPayloadBytes));
    deadLetters.inc(reason);
  }
}
