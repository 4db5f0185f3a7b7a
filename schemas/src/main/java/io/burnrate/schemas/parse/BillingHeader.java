package io.burnrate.schemas.parse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The columns of a billing file (or of one JSON row), resolved once: lookup keys are lower case
 * without blanks or a byte-order mark; legacy CUR names ({@code lineItem/UsageStartDate}) become
 * their CUR 2.0 names ({@code line_item_usage_start_date}); tag columns that legacy exports flatten
 * ({@code resourceTags/user:team}, {@code resource_tags_user_team}) are gathered into the tags.
 * Rows are then plain value arrays in header order, so that a file of a million rows builds no map
 * per row.
 */
public final class BillingHeader {
  private final List<String> names;
  private final BillingFormat format;
  private final Map<String, Integer> index = new HashMap<>();
  private final List<Integer> tagColumns = new ArrayList<>();
  private final List<String> tagKeys = new ArrayList<>();

  public BillingHeader(List<String> names, BillingFormat format) {
    this.names = List.copyOf(names);
    this.format = format;
    for (int i = 0; i < names.size(); i++) {
      String raw = names.get(i) == null ? "" : names.get(i);
      String k = FocusRowParser.columnKey(raw);
      String tag = flatTagKey(raw, k);
      if (tag != null) {
        tagColumns.add(i);
        tagKeys.add(tag);
        continue;
      }
      if (format == BillingFormat.CUR_LEGACY && k.indexOf('/') > 0) {
        k = legacyCurKey(raw.trim().replace("\uFEFF", ""));
      }
      index.putIfAbsent(k, i);
    }
  }

  /** Column names as the file has them. */
  public List<String> names() {
    return Collections.unmodifiableList(names);
  }

  public BillingFormat format() {
    return format;
  }

  public int size() {
    return names.size();
  }

  /** The index of a column by its lookup key (lower case), or -1. */
  int indexOf(String lowerCaseKey) {
    Integer i = index.get(lowerCaseKey);
    return i == null ? -1 : i;
  }

  boolean hasFlatTags() {
    return !tagColumns.isEmpty();
  }

  /** Non-empty values of flattened tag columns, by tag key. */
  void flatTags(Object[] values, Map<String, String> into) {
    for (int t = 0; t < tagColumns.size(); t++) {
      int i = tagColumns.get(t);
      Object v = i < values.length ? values[i] : null;
      if (v != null) {
        String s = v.toString().trim();
        if (!Values.isNullish(s)) {
          into.put(tagKeys.get(t), s);
        }
      }
    }
  }

  /** The tag key of a flattened tag column, or null for any other column. */
  private String flatTagKey(String raw, String key) {
    if (format == null || !format.isCur()) {
      return null;
    }
    String r = raw.trim().replace("\uFEFF", "");
    if (key.startsWith("resourcetags/")) {
      return r.substring("resourceTags/".length());
    }
    if (key.startsWith("resource_tags_")) {
      return r.substring("resource_tags_".length());
    }
    return null;
  }

  /**
   * {@code lineItem/UsageStartDate -> line_item_usage_start_date}: both halves from camel case to
   * snake case, as AWS derived the CUR 2.0 names ({@code reservation/ReservationARN ->
   * reservation_reservation_a_r_n}).
   */
  static String legacyCurKey(String name) {
    int slash = name.indexOf('/');
    return snake(name.substring(0, slash)) + "_" + snake(name.substring(slash + 1));
  }

  private static String snake(String camel) {
    StringBuilder sb = new StringBuilder(camel.length() + 8);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
          sb.append('_');
        }
        sb.append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }
}
