package io.burnrate.tools.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.jobs.anomalies.DetectorConfig;
import io.burnrate.jobs.anomalies.Timestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestTest {

  @TempDir Path dir;

  private static String series(String header, java.util.function.IntFunction<String> row, int n) {
    StringBuilder sb = new StringBuilder(header).append('\n');
    for (int i = 0; i < n; i++) {
      sb.append(row.apply(i)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void isoTimestampsExtraColumnsQuotedFieldsAndASpike() throws Exception {
    Random r = new Random(1);
    String csv =
        series(
            "host,Timestamp,\"VALUE\",note",
            i ->
                String.format(
                    Locale.ROOT,
                    "\"gpu-1, rack 4\",2024-03-01T%02d:%02d:00Z,%.3f,\"a \"\"quoted\"\" note\"",
                    i / 60,
                    i % 60,
                    i == 300 ? 500.0 : 100 + r.nextGaussian()),
            400); // within the sequence half's warm-up: the spike is the one alert
    Path in = dir.resolve("in.csv");
    Path out = dir.resolve("out.csv");
    Files.writeString(in, csv);
    Backtest.Summary s = Backtest.run(in, out, DetectorConfig.defaults());
    assertThat(s.points()).isEqualTo(400);
    assertThat(s.skipped()).isZero();
    assertThat(s.alertRuns()).isEqualTo(1);
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0))
        .isEqualTo("timestamp,value,anomaly_score,alert,expected_low,expected_high,reason");
    assertThat(lines).hasSize(401);
    String spike = lines.get(301);
    assertThat(spike).startsWith("2024-03-01T05:00:00Z,500.000,");
    String[] f = spike.split(",", 5);
    assertThat(Double.parseDouble(f[2])).isGreaterThan(0.9);
    assertThat(f[3]).isEqualTo("1");
    assertThat(f[4]).contains("\"observed 500 above expected range");
  }

  @Test
  void spaceSeparatedTimestampsEmptyValuesAndFourColumnOutput() throws Exception {
    String csv =
        series(
            "timestamp,value",
            i ->
                String.format(
                    Locale.ROOT,
                    "2024-03-01 %02d:%02d:00,%s",
                    i / 60,
                    i % 60,
                    i == 10 ? "" : i == 11 ? "NaN" : "1." + (i % 7)),
            200);
    Path in = dir.resolve("in.csv");
    Path out = dir.resolve("out.csv");
    Files.writeString(in, csv + "\n");
    Backtest.Summary s = Backtest.run(in, out, DetectorConfig.defaults(), false);
    assertThat(s.points()).isEqualTo(198);
    assertThat(s.skipped()).isEqualTo(3);
    assertThat(s.skippedByReason())
        .containsEntry("empty value", 2L)
        .containsEntry("blank line", 1L);
    assertThat(s.firstSkippedLines()).containsExactly(12L, 13L, 202L);
    assertThat(s.describe()).contains("warning: 3 rows skipped");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,alert");
    assertThat(lines.get(1)).isEqualTo("2024-03-01 00:00:00,1.0,0.0000,0");
    // one output row per input row (the blank line aside): unscored rows are kept, aligned
    assertThat(lines).hasSize(201);
    assertThat(lines.get(11)).isEqualTo("2024-03-01 00:10:00,,0.0000,0");
    assertThat(lines.get(12)).isEqualTo("2024-03-01 00:11:00,NaN,0.0000,0");
  }

  @Test
  void badRowIsReportedWithItsLine() throws Exception {
    Path in = dir.resolve("in.csv");
    Files.writeString(in, "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,abc\n");
    assertThatThrownBy(() -> Backtest.run(in, dir.resolve("o.csv"), DetectorConfig.defaults()))
        .isInstanceOf(Backtest.BacktestException.class)
        .hasMessage("line 3: value 'abc' is not a number");
    Files.writeString(in, "timestamp,value\n2024-01-01 00:00:00,1\nyesterday,2\n");
    assertThatThrownBy(() -> Backtest.run(in, dir.resolve("o.csv"), DetectorConfig.defaults()))
        .hasMessageStartingWith("line 3: unreadable timestamp 'yesterday'");
    Files.writeString(in, "when,amount,note\n2024-01-01 00:00:00,1,x\n");
    assertThatThrownBy(() -> Backtest.run(in, dir.resolve("o.csv"), DetectorConfig.defaults()))
        .hasMessageContaining("'timestamp' and a 'value' column");
  }

  @Test
  void anyTwoColumnFileWithOrWithoutAHeader() throws Exception {
    Path in = dir.resolve("in.csv");
    Path out = dir.resolve("o.csv");
    Files.writeString(in, "when,amount\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n");
    assertThat(Backtest.run(in, out, DetectorConfig.defaults()).points()).isEqualTo(2);
    Files.writeString(in, "2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n");
    assertThat(Backtest.run(in, out, DetectorConfig.defaults()).points()).isEqualTo(2);
    assertThat(Files.readAllLines(out).get(1)).startsWith("2024-01-01 00:00:00,1,");
  }

  @Test
  void epochTimestampsAndOutOfOrderRows() throws Exception {
    List<String> rows = new ArrayList<>(List.of("value,timestamp"));
    for (int i = 0; i < 150; i++) {
      long sec = 1_700_000_000L + i * 60L;
      rows.add("5," + (i == 100 ? (sec - 3600) : i % 2 == 0 ? sec : sec * 1000));
    }
    Path in = dir.resolve("in.csv");
    Files.write(in, rows);
    Backtest.Summary s = Backtest.run(in, dir.resolve("o.csv"), DetectorConfig.defaults());
    assertThat(s.points()).isEqualTo(150);
    assertThat(s.outOfOrder()).isEqualTo(1);
    assertThat(s.describe()).contains("1 rows have a timestamp older");
  }

  @Test
  void timestampForms() {
    long expected = 1_709_301_600_000L; // 2024-03-01T14:00:00Z
    for (String t :
        List.of(
            "2024-03-01T14:00:00Z",
            "2024-03-01 14:00:00",
            "2024-03-01T14:00",
            "2024-03-01T15:00:00+01:00",
            "2024-03-01T15:00:00+0100",
            "2024-03-01 14:00:00.000000",
            "2024-03-01 14:00:00 UTC",
            "1709301600",
            "1709301600000",
            "1709301600.0")) {
      assertThat(Timestamps.parseMillis(t, ZoneOffset.UTC)).as(t).isEqualTo(expected);
    }
    assertThat(Timestamps.parseMillis("2024-03-01", ZoneOffset.UTC))
        .isEqualTo(expected - 14 * 3_600_000L);
  }

  @Test
  void csvReaderHandlesQuotesAndLineBreaks() throws Exception {
    CsvRecordReader r =
        new CsvRecordReader(new java.io.StringReader("a,\"b,\"\"c\"\"\"\r\n\"multi\nline\",x\ny"));
    assertThat(r.next()).containsExactly("a", "b,\"c\"");
    assertThat(r.recordLine()).isEqualTo(1);
    assertThat(r.next()).containsExactly("multi\nline", "x");
    assertThat(r.recordLine()).isEqualTo(2);
    assertThat(r.next()).containsExactly("y");
    assertThat(r.recordLine()).isEqualTo(4);
    assertThat(r.next()).isNull();
  }
}
