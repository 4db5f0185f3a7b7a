package io.burnrate.jobs.alerting;

import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import java.util.TreeMap;

/** The {@code resolved} counterparts of open alerts and actions: same fingerprint and start. */
public final class Resolutions {
  private Resolutions() {}

  public static Alert alert(Alert firing, long endsAt, String why) {
    Alert r = new Alert();
    r.fingerprint = firing.fingerprint;
    r.status = Alert.RESOLVED;
    r.alertname = firing.alertname;
    r.severity = firing.severity;
    r.labels = new TreeMap<>(firing.labels);
    r.summary = firing.summary + " (resolved: " + why + ")";
    r.description = firing.description;
    r.startsAt = firing.startsAt;
    r.endsAt = endsAt;
    r.id = Ids.id(r.fingerprint, r.startsAt, r.status);
    r.observed = firing.observed;
    r.expectedLow = firing.expectedLow;
    r.expectedHigh = firing.expectedHigh;
    r.score = firing.score;
    r.threshold = firing.threshold;
    r.windowStart = firing.windowStart;
    r.windowEnd = firing.windowEnd;
    r.costBasis = firing.costBasis;
    return r;
  }

  public static Action action(Action open, long resolvedAt, String why) {
    Action c = new Action();
    c.fingerprint = open.fingerprint;
    c.status = Action.RESOLVED;
    c.kind = open.kind;
    c.operation = open.operation;
    c.targetKind = open.targetKind;
    c.cluster = open.cluster;
    c.namespace = open.namespace;
    c.workload = open.workload;
    c.node = open.node;
    c.team = open.team;
    c.budgetId = open.budgetId;
    c.scope = open.scope;
    c.reason = open.reason + " (resolved: " + why + ")";
    c.evidence = open.evidence;
    c.estimatedMonthlySavings = open.estimatedMonthlySavings;
    c.currency = open.currency;
    c.confidence = open.confidence;
    c.openedAt = open.openedAt;
    c.resolvedAt = resolvedAt;
    c.id = Ids.id(c.fingerprint, c.openedAt, c.status);
    c.windowStart = open.windowStart;
    c.windowEnd = open.windowEnd;
    return c;
  }
}
