package io.burnrate.jobs.allocation;

import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.K8sObject;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Routes Kubernetes state to the node it concerns: Node updates, and Pod updates of pods bound to a
 * node. Pods not yet scheduled hold no GPU and are counted, as are kinds the pipeline does not use
 * (Events, Jobs: pods carry their owner).
 */
public final class K8sToNodeEvents extends RichFlatMapFunction<K8sObject, NodeEvent> {
  private static final long serialVersionUID = 1L;
  private transient Counter unscheduled;
  private transient Counter otherKinds;

  @Override
  public void open(OpenContext ctx) {
    unscheduled = getRuntimeContext().getMetricGroup().counter("unscheduledPodEvents");
    otherKinds = getRuntimeContext().getMetricGroup().counter("otherKindEvents");
  }

  @Override
  public void flatMap(K8sObject o, Collector<NodeEvent> out) {
    NodeEvent e = new NodeEvent();
    e.sourceTopic = Topics.K8S_EVENTS;
    if (o.node != null) {
      e.node = o.node;
      out.collect(e);
    } else if (o.pod != null) {
      if (o.pod.nodeName == null) {
        unscheduled.inc();
        return;
      }
      e.pod = o.pod;
      out.collect(e);
    } else {
      otherKinds.inc();
    }
  }
}
