package io.burnrate.jobs.pricing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The prices published for one (instance type, capacity type, region), ordered by valid-from. The
 * price at a time is the one with the latest valid-from at or before it. A Flink POJO, kept in
 * broadcast state by the allocation step.
 */
public class PriceHistory {
  /**
   * The broadcast state of published prices (key: {@link #key}), shared by every step that prices a
   * node-hour (allocation, on-prem scheduling).
   */
  public static final MapStateDescriptor<String, PriceHistory> PRICES =
      new MapStateDescriptor<>(
          "rate-card-updates", Types.STRING, TypeInformation.of(PriceHistory.class));

  public List<PriceUpdate> versions = new ArrayList<>();

  public PriceHistory() {}

  public static String key(String instanceType, String capacityType, String region) {
    return (instanceType == null ? "" : instanceType.toLowerCase(Locale.ROOT))
        + "|"
        + (capacityType == null ? "on-demand" : capacityType.toLowerCase(Locale.ROOT))
        + "|"
        + (region == null ? "*" : region.toLowerCase(Locale.ROOT));
  }

  /** Adds or replaces (same valid-from) a version, keeping the order. */
  public void put(PriceUpdate u) {
    versions.removeIf(v -> v.validFrom == u.validFrom);
    int i = 0;
    while (i < versions.size() && versions.get(i).validFrom < u.validFrom) {
      i++;
    }
    versions.add(i, u);
  }

  /** The price in force at {@code at}, or null when none is valid yet. */
  public PriceUpdate at(long at) {
    PriceUpdate found = null;
    for (PriceUpdate v : versions) {
      if (v.validFrom <= at) {
        found = v;
      } else {
        break;
      }
    }
    return found;
  }
}
