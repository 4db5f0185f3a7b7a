package io.burnrate.schemas.model;

import java.util.HashMap;
import java.util.Map;

/** What the pipeline derives from one watch event of a {@code batch/v1/Job}. */
public class JobInfo {
  public String eventType;
  public long timestamp;
  public String cluster;
  public String namespace;
  public String name;
  public String uid;

  /** {@code status.startTime}, or -1. */
  public long startTime = -1;

  /**
   * {@code status.completionTime} on success, else the {@code Failed} condition's {@code
   * lastTransitionTime}; -1 while active.
   */
  public long endTime = -1;

  /** Complete, Failed or Active. */
  public String state;

  public Map<String, String> labels = new HashMap<>();

  public JobInfo() {}
}
