"""Avro single-object encoding for the interest-stream topics, with python3-avro (1.11).

python3-avro encodes and decodes the body; the 10-byte header (C3 01 + CRC-64-AVRO fingerprint,
little-endian) comes from the published fingerprints.json: python3-avro 1.11.1's Parsing Canonical
Form keeps {"type":"long"} for timestamp-millis fields, so a CRC-64-AVRO computed from it is a
fingerprint the job does not know (every event framed with it is dead-lettered as UNKNOWN_SCHEMA).
"""

import io
import json
import os

import avro.io
import avro.schema

MARKER = b"\xc3\x01"
HEADER_LENGTH = 10
DEFAULT_SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "schemas", "standalone")


class SingleObjectCodec:
    """Encodes and decodes the current version of one record type, by name (ClickEvent, InterestUpdate, ...)."""

    def __init__(self, name, schemas_dir=DEFAULT_SCHEMAS):
        with open(os.path.join(schemas_dir, "fingerprints.json"), encoding="utf-8") as f:
            published = json.load(f)["schemas"]
        entry = next((s for s in published if s["name"] == name and s["current"]), None)
        if entry is None:
            raise ValueError(f"fingerprints.json publishes no current {name}")
        with open(os.path.join(schemas_dir, entry["file"]), encoding="utf-8") as f:
            self.schema = avro.schema.parse(f.read())
        self.header = bytes.fromhex(entry["header"])
        self.fingerprint = entry["fingerprint"]
        self._writer = avro.io.DatumWriter(self.schema)
        self._reader = avro.io.DatumReader(self.schema, self.schema)

    def encode(self, datum):
        """The value bytes of datum (a dict; timestamp-millis fields as timezone-aware datetimes)."""
        buffer = io.BytesIO()
        buffer.write(self.header)
        self._writer.write(datum, avro.io.BinaryEncoder(buffer))
        return buffer.getvalue()

    def decode(self, value):
        """The dict in value; raises ValueError when the header is not this schema's."""
        if value is None or len(value) < HEADER_LENGTH or value[:2] != MARKER:
            raise ValueError("not Avro single-object encoded")
        if value[:HEADER_LENGTH] != self.header:
            found = int.from_bytes(value[2:HEADER_LENGTH], "little")
            raise ValueError(f"schema fingerprint {found:016X} is not the published {self.fingerprint}")
        return self._reader.read(avro.io.BinaryDecoder(io.BytesIO(value[HEADER_LENGTH:])))
