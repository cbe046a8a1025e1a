package dev.intereststream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The job jar's program arguments: {@code -D key=value} pairs, checked like the tool jar's {@code -D}. */
class JobArgumentsTest {

  @Test
  void readsSeparateAndAttachedDashDPairsIncludingFlinksOwnKeys() {
    Configuration c = JobArguments.parse(new String[] {"-D", "topics.click-events=clicks",
        "-Dkafka.bootstrap-servers=broker:9092", "-D", "state.backend.type=rocksdb", "-D", "scoring.top-k=7"});
    assertThat(c.get(InterestStreamOptions.INPUT_TOPIC)).isEqualTo("clicks");
    assertThat(c.get(InterestStreamOptions.BOOTSTRAP_SERVERS)).isEqualTo("broker:9092");
    assertThat(c.toMap()).containsEntry("state.backend.type", "rocksdb");
    assertThat(c.get(InterestStreamOptions.TOP_K)).isEqualTo(7);
  }

  @Test
  void aValueMayContainAnEqualsSign() {
    Configuration c = JobArguments.parse(new String[] {"-D", "kafka.group-id=a=b"});
    assertThat(c.get(InterestStreamOptions.CONSUMER_GROUP)).isEqualTo("a=b");
  }

  @Test
  void refusesAnUnknownKeyOfTheJobsOwnNamespacesListingTheKnownOnes() {
    assertThatThrownBy(() -> JobArguments.parse(new String[] {"-D", "topics.click-event=x"}))
        .hasMessageContaining("unknown option -D topics.click-event").hasMessageContaining("topics.click-events");
  }

  @Test
  void refusesAKeyGivenTwice() {
    assertThatThrownBy(() -> JobArguments.parse(new String[] {"-Dtopics.click-events=a", "-D", "topics.click-events=b"}))
        .hasMessageContaining("-D topics.click-events is given twice");
  }

  @Test
  void refusesAPairWithoutEqualsATrailingDashDAndAnyOtherArgument() {
    assertThatThrownBy(() -> JobArguments.parse(new String[] {"-D", "topics.click-events"}))
        .hasMessageContaining("expected key=value");
    assertThatThrownBy(() -> JobArguments.parse(new String[] {"-D"}))
        .hasMessageContaining("unexpected argument '-D'");
    assertThatThrownBy(() -> JobArguments.parse(new String[] {"run", "--bootstrap-servers", "b:9092"}))
        .hasMessageContaining("unexpected argument 'run'").hasMessageContaining("-D key=value");
  }
}
