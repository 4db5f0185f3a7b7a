package io.burnrate.schemas.model;

/**
 * The result of parsing one Kubernetes watch event: exactly one of {@link #pod}, {@link #node} or
 * {@link #job} is set, or none when the event is of a kind the pipeline does not use ({@link
 * #ignoredKind} says which).
 */
public class K8sObject {
  public PodInfo pod;
  public NodeInfo node;
  public JobInfo job;
  public String ignoredKind;

  public K8sObject() {}

  public static K8sObject of(PodInfo p) {
    K8sObject o = new K8sObject();
    o.pod = p;
    return o;
  }

  public static K8sObject of(NodeInfo n) {
    K8sObject o = new K8sObject();
    o.node = n;
    return o;
  }

  public static K8sObject of(JobInfo j) {
    K8sObject o = new K8sObject();
    o.job = j;
    return o;
  }

  public static K8sObject ignored(String kind) {
    K8sObject o = new K8sObject();
    o.ignoredKind = kind;
    return o;
  }
}
