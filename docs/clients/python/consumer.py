#!/usr/bin/python3
"""Reads interest-stream's interest-scores topic from Python and prints each update as a JSON line.

Needs Debian's python3-avro and python3-confluent-kafka (librdkafka). read_committed: the job
writes in Kafka transactions, so an update becomes visible once, after the checkpoint that commits it.
"""

import argparse
import datetime
import json
import sys
import time
import uuid

from confluent_kafka import Consumer

from single_object import DEFAULT_SCHEMAS, SingleObjectCodec

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def plain(value):
    """JSON-ready copy of a decoded record: python3-avro returns timestamp-millis fields as datetimes."""
    if isinstance(value, datetime.datetime):
        return (value - EPOCH) // datetime.timedelta(milliseconds=1)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="interest-scores")
    parser.add_argument("--group", default="python-consumer-" + uuid.uuid4().hex[:8])
    parser.add_argument("--max-records", type=int, default=0, help="stop after this many (0: no limit)")
    parser.add_argument("--idle-timeout", type=float, default=10.0, help="stop after this many seconds without a record")
    parser.add_argument("--schemas", default=DEFAULT_SCHEMAS, help="folder of the standalone schemas")
    args = parser.parse_args()

    codec = SingleObjectCodec("InterestUpdate", args.schemas)
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": args.group,
        "isolation.level": "read_committed",
        "auto.offset.reset": "earliest",
    })
    consumer.subscribe([args.topic])
    read = undecodable = 0
    last = time.monotonic()
    try:
        while time.monotonic() - last < args.idle_timeout and (args.max_records == 0 or read < args.max_records):
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                print(f"consumer: {msg.error()}", file=sys.stderr)
                continue
            last = time.monotonic()
            read += 1
            try:
                update = codec.decode(msg.value())
            except ValueError as e:
                undecodable += 1
                print(f"consumer: partition {msg.partition()} offset {msg.offset()}: {e}", file=sys.stderr)
                continue
            print(json.dumps({"key": msg.key().decode("utf-8"), "partition": msg.partition(),
                              "offset": msg.offset(), "update": plain(update)}), flush=True)
    finally:
        consumer.close()
    print(f"consumer: read {read} records, {undecodable} undecodable", file=sys.stderr)
    return 1 if undecodable else 0


if __name__ == "__main__":
    sys.exit(main())
