package io.burnrate.tools.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./burnrate}: the command line of Burnrate. */
@Command(
    name = "burnrate",
    mixinStandardHelpOptions = true,
    version = "burnrate 0.1.0",
    description = "Streaming cost analytics for GPU fleets on Apache Flink.",
    subcommands = {
      DemoCommand.class,
      SqlCommand.class,
      SimulateCommand.class,
      BenchCommand.class,
      BacktestCommand.class,
      IngestBillingCommand.class,
      ExportFocusCommand.class,
      RunCommand.class,
      PublishCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BurnrateCli implements Callable<Integer> {

  public static void main(String[] args) {
    int code =
        new CommandLine(new BurnrateCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }
}
