package dev.intereststream.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The interest-stream command line: one runnable jar for the local demo, the production job (also
 * submittable with {@code flink run}), the simulator and a topic reader.
 */
@Command(
    name = "interest-stream",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Real-time per-user interest prediction on Apache Flink and Kafka.",
    subcommands = {DemoCommand.class, RunCommand.class, SimulateCommand.class, TailCommand.class,
        ExportTrainingDataCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class InterestStreamCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: demo, run, simulate or tail");
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new InterestStreamCli());
    cli.setExecutionExceptionHandler(InterestStreamCli::report);
    int code = cli.execute(args);
    CommandLine.ParseResult parsed = cli.getParseResult();
    boolean submittedJob = parsed != null && parsed.subcommand() != null
        && parsed.subcommand().commandSpec().userObject() instanceof RunCommand;
    // 'run' may execute inside a Flink client that owns the JVM: never exit it on success there.
    if (code != 0 || !submittedJob) {
      System.exit(code);
    }
  }

  /**
   * Reports a failed command as one line of causes, the way an operator needs it ("model X does not
   * match ...: sequence_length is 20 in the model, 50 in the job"). Expected failures (bad settings,
   * unreachable Kafka, unusable model) print no stack trace unless INTEREST_STREAM_DEBUG is set.
   */
  static int report(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
    java.util.List<String> messages = new java.util.ArrayList<>();
    boolean expected = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      expected |= t instanceof IllegalArgumentException || t instanceof IllegalStateException
          || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException;
      String m = t.getMessage();
      if (m != null && messages.stream().noneMatch(x -> x.contains(m))) {
        messages.add(m);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    commandLine.getErr().println("error: " + (messages.isEmpty() ? e.toString() : String.join(": ", messages)));
    if (!expected || System.getenv("INTEREST_STREAM_DEBUG") != null) {
      e.printStackTrace(commandLine.getErr());
    }
    return 1;
  }
}
