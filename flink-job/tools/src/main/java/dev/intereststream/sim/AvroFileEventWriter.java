package dev.intereststream.sim;

import dev.intereststream.schemas.ClickEvent;
import java.io.File;
import java.io.IOException;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes events to an Avro object container file: self-describing (the schema is in the header),
 * compressed, readable by any Avro tool and by the replay that builds training data.
 */
public final class AvroFileEventWriter implements EventWriter {

  private final DataFileWriter<ClickEvent> writer;

  public AvroFileEventWriter(File file) throws IOException {
    writer = new DataFileWriter<>(new SpecificDatumWriter<>(ClickEvent.class));
    writer.setCodec(CodecFactory.deflateCodec(1));
    writer.create(ClickEvent.getClassSchema(), file);
  }

  @Override
  public void write(ClickEvent event, byte[] encoded) throws IOException {
    writer.append(event);
  }

  @Override
  public void writeRaw(byte[] key, byte[] value) {
    throw new UnsupportedOperationException("an Avro file holds valid events only");
  }

  @Override
  public boolean acceptsRaw() {
    return false;
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
