package io.burnrate.tools.simulator;

/** One record the simulator produces: its topic, key, JSON value and event time. */
public record SimRecord(String topic, String key, byte[] value, long timestamp) {}
