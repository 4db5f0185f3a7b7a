package io.burnrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./burnrate backtest}: one-line errors naming the option, never a lost input or output. */
class BacktestCommandTest {
  @TempDir Path tmp;
  Path input;
  String inputText;

  @BeforeEach
  void series() throws Exception {
    StringBuilder csv = new StringBuilder("timestamp,value\n");
    for (int i = 0; i < 300; i++) {
      csv.append(1_767_600_000L + 60L * i).append(',').append(10 + (i % 7)).append('\n');
    }
    inputText = csv.toString();
    input = Files.writeString(tmp.resolve("series.csv"), inputText);
  }

  private static void assertOneLineError(CliRun.Result r, String option) {
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("burnrate backtest: ").contains(option).doesNotContain("\tat ");
  }

  @Test
  void theInputAsOutputIsRefusedAndTheInputKept() throws Exception {
    CliRun.Result same =
        CliRun.run("backtest", "--input", input.toString(), "--output", input.toString());
    assertOneLineError(same, "--output");
    Path viaDots = tmp.resolve("sub/../series.csv");
    Files.createDirectories(tmp.resolve("sub"));
    assertOneLineError(
        CliRun.run("backtest", "--input", input.toString(), "--output", viaDots.toString()),
        "--output");
    assertThat(Files.readString(input)).isEqualTo(inputText);
  }

  @Test
  void badOptionsGetOneLineNamingTheOption() {
    Path out = tmp.resolve("out.csv");
    for (List<String> bad :
        List.of(
            List.of("--threshold", "1.5"),
            List.of("--threshold", "0"),
            List.of("--warmup", "-5"),
            List.of("--zone", "Mars/Olympus"))) {
      String[] args = {
        "backtest", "--input", input.toString(), "--output", out.toString(), bad.get(0), bad.get(1)
      };
      assertOneLineError(CliRun.run(args), bad.get(0));
    }
    assertOneLineError(
        CliRun.run("backtest", "--input", tmp.toString(), "--output", out.toString()), "--input");
    assertOneLineError(
        CliRun.run(
            "backtest",
            "--input",
            input.toString(),
            "--output",
            tmp.resolve("no/x.csv").toString()),
        "--output");
    assertThat(out).doesNotExist();
  }

  @Test
  void aMalformedInputLeavesNoPartialOutputAndThePreviousOutputAsItWas() throws Exception {
    Path out = tmp.resolve("out.csv");
    assertThat(
            CliRun.run("backtest", "--input", input.toString(), "--output", out.toString()).code())
        .isZero();
    String previous = Files.readString(out);
    assertThat(previous.lines().count()).isEqualTo(301);
    Path broken = Files.writeString(tmp.resolve("broken.csv"), "host,metric,reading\na,b,1\n");
    CliRun.Result r =
        CliRun.run("backtest", "--input", broken.toString(), "--output", out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(Files.readString(out)).isEqualTo(previous);
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
    }
  }

  @Test
  void theCommandEvaluatesANabShapedCheckout(@TempDir Path nab) throws Exception {
    Files.createDirectories(nab.resolve("labels"));
    Files.createDirectories(nab.resolve("data/realTest"));
    StringBuilder csv = new StringBuilder("timestamp,value\n");
    for (int i = 0; i < 2000; i++) {
      double v = 50 + 10 * Math.sin(i / 12.0) + (i >= 1500 && i < 1520 ? 400 : 0);
      csv.append(
          String.format(
              "2015-01-%02d %02d:%02d:00,%s%n", 1 + i / 288, (i % 288) / 12, (i % 12) * 5, v));
    }
    Files.writeString(nab.resolve("data/realTest/one.csv"), csv.toString());
    Files.writeString(
        nab.resolve("labels/combined_windows.json"),
        "{\"realTest/one.csv\": [[\"2015-01-06 04:00:00.000000\", \"2015-01-06 07:55:00.000000\"]]}");
    CliRun.Result r =
        CliRun.run(
            "backtest", "--nab", nab.toString(), "--output-dir", nab.resolve("out").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("standard").contains("1 of 1 windows detected");
    assertThat(nab.resolve("out/realTest/burnrate_one.csv")).exists();
  }
}
