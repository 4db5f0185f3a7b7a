package io.burnrate.tools.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import picocli.CommandLine;

/** Runs {@code ./burnrate} in the test's JVM, capturing its standard output and error. */
final class CliRun {
  private CliRun() {}

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    return capture(() -> new CommandLine(new BurnrateCli()).execute(args));
  }

  /** Runs {@code command}, capturing what it prints; the result has its exit code. */
  static synchronized Result capture(IntSupplier command) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = command.getAsInt();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String so = o.toString(StandardCharsets.UTF_8);
    String se = e.toString(StandardCharsets.UTF_8);
    out.print(so);
    err.print(se);
    return new Result(code, so, se);
  }
}
