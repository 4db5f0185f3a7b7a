package io.burnrate.connectors.billing;

/**
 * One data row of a billing file: its 1-based number (the header not counted; Parquet rows from 1)
 * and its values in the order of the file's columns. A CSV row that does not fit its header carries
 * why in {@code malformed} (and is dead-lettered; reading goes on).
 *
 * @param number 1-based data row number, as in {@code s3://bucket/key#number}
 * @param values text (CSV) or typed values (Parquet: numbers, {@link java.time.Instant}, maps)
 * @param malformed null, or why the row is not a row of its header
 */
public record BillingRow(long number, Object[] values, String malformed) {}
