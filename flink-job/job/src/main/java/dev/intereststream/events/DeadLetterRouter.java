package dev.intereststream.events;

import dev.intereststream.schemas.DeadLetter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Splits decoded records: valid clicks to the main output, dead letters to {@link #DEAD_LETTERS}. */
public final class DeadLetterRouter extends ProcessFunction<DecodedRecord, Click> {

  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  @Override
  public void processElement(DecodedRecord record, Context ctx, Collector<Click> out) {
    if (record.click != null) {
      out.collect(record.click);
    } else {
      ctx.output(DEAD_LETTERS, record.deadLetter);
    }
  }
}
