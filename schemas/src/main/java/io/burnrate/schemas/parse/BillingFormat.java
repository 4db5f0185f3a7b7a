package io.burnrate.schemas.parse;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The billing formats Burnrate reads, told apart by their columns: FinOps FOCUS (PascalCase columns
 * such as {@code BilledCost}; 1.3 adds {@code ServiceProviderName}, {@code HostProviderName} and
 * the {@code Allocated*} columns), AWS CUR 2.0 (snake_case such as {@code
 * line_item_unblended_cost}) and legacy AWS CUR ({@code lineItem/UnblendedCost}, read through the
 * same CUR mapping).
 */
public enum BillingFormat {
  FOCUS_1_2("focus-1.2"),
  FOCUS_1_3("focus-1.3"),
  CUR_2_0("cur-2.0"),
  CUR_LEGACY("cur-legacy");

  /** Columns that FOCUS 1.3 added (lower case). */
  private static final Set<String> FOCUS_1_3_COLUMNS =
      Set.of(
          "serviceprovidername",
          "hostprovidername",
          "allocatedmethodid",
          "allocatedmethoddetails",
          "allocatedresourceid",
          "allocatedresourcename",
          "allocatedtags",
          "contractapplied");

  private final String id;

  BillingFormat(String id) {
    this.id = id;
  }

  /** The value of {@code x_SourceFormat}: {@code focus-1.2}, {@code cur-2.0}, ... */
  public String id() {
    return id;
  }

  public boolean isCur() {
    return this == CUR_2_0 || this == CUR_LEGACY;
  }

  /** The format of a row or file from its column names, or null when it is neither. */
  public static BillingFormat detect(Collection<String> columns) {
    Set<String> keys = new HashSet<>();
    boolean slashCur = false;
    for (String c : columns) {
      String k = FocusRowParser.columnKey(c);
      keys.add(k);
      slashCur |= k.startsWith("lineitem/");
    }
    if (keys.contains("chargeperiodstart") || keys.contains("billedcost")) {
      for (String k : FOCUS_1_3_COLUMNS) {
        if (keys.contains(k)) {
          return FOCUS_1_3;
        }
      }
      return FOCUS_1_2;
    }
    if (slashCur) {
      return CUR_LEGACY;
    }
    if (keys.contains("line_item_usage_start_date") || keys.contains("line_item_unblended_cost")) {
      return CUR_2_0;
    }
    return null;
  }

  /** A format by its id ({@code cur-2.0}), case-insensitively; null when unknown. */
  public static BillingFormat byId(String id) {
    if (id == null) {
      return null;
    }
    String v = id.trim().toLowerCase(Locale.ROOT);
    for (BillingFormat f : values()) {
      if (f.id.equals(v)) {
        return f;
      }
    }
    return null;
  }
}
