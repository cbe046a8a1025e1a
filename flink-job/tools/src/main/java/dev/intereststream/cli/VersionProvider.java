package dev.intereststream.cli;

import picocli.CommandLine;

/** Version from the jar manifest, or "development" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = InterestStreamCli.class.getPackage().getImplementationVersion();
    return new String[] {"interest-stream " + (v == null ? "development" : v)};
  }
}
