package dev.intereststream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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
    int code = cli.execute(args);
    CommandLine.ParseResult parsed = cli.getParseResult();
    boolean submittedJob = parsed != null && parsed.subcommand() != null
        && parsed.subcommand().commandSpec().userObject() instanceof RunCommand;
    // 'run' may execute inside a Flink client that owns the JVM: never exit it on success there.
    if (code != 0 || !submittedJob) {
      System.exit(code);
    }
  }
}
