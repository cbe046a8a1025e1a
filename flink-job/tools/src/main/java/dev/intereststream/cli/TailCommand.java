package dev.intereststream.cli;

import dev.intereststream.contracts.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints interest-scores (or dead letters) as JSON lines, reading committed records only. */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Print the interest-scores topic (or the dead-letter topic) as JSON lines.")
final class TailCommand implements Callable<Integer> {

  @Mixin
  KafkaConnection kafka;

  @Option(names = "--topic", description = "Topic to read (default: interest-scores, or click-events-dlq with "
      + "--dead-letters).")
  String topic;

  @Option(names = "--dead-letters", description = "Read dead letters instead of interest updates.")
  boolean deadLetters;

  @Option(names = "--from-beginning", description = "Start at the earliest offset instead of the end.")
  boolean fromBeginning;

  @Option(names = "--max-records", description = "Stop after this many records.")
  Long maxRecords;

  @Option(names = "--timeout", description = "Stop after this long without a record, e.g. 10s.",
      converter = DurationConverter.class)
  Duration timeout;

  @Override
  public Integer call() {
    Topics.Topic<? extends SpecificRecord> contract = deadLetters ? Topics.DEAD_LETTERS : Topics.INTEREST_SCORES;
    String name = topic != null ? topic : contract.nameOption().defaultValue();
    return tail(name, contract.newDecoder());
  }

  private <T extends SpecificRecord> int tail(String name, BinaryMessageDecoder<T> decoder) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "interest-stream-tail-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    long printed = 0;
    long idleSince = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(name));
      while (maxRecords == null || printed < maxRecords) {
        var records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          if (timeout != null && System.nanoTime() - idleSince > timeout.toNanos()) {
            break;
          }
          continue;
        }
        idleSince = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          try {
            System.out.println(AvroJson.toJson(decoder.decode(r.value())));
          } catch (Exception e) {
            System.err.printf("offset %d of %s-%d does not decode: %s%n", r.offset(), r.topic(), r.partition(),
                e.getMessage());
          }
          if (maxRecords != null && ++printed >= maxRecords) {
            break;
          }
        }
        System.out.flush();
      }
    }
    return 0;
  }
}
