#!/usr/bin/python3
"""Writes demo click events to interest-stream's click-events topic from Python.

Needs Debian's python3-avro and python3-confluent-kafka (librdkafka). Each event is keyed by the
decimal user id, like the Java producers, and partitioned with murmur2 like the Java client.
"""

import argparse
import datetime
import random
import sys
import uuid

from confluent_kafka import Producer

from single_object import DEFAULT_SCHEMAS, SingleObjectCodec

SCENARIOS = ["ECOMMERCE", "SOCIAL", "NEWS"]
ACTIONS = ["IMPRESSION"] * 5 + ["CLICK"] * 3 + ["LIKE", "SHARE", "ADD_TO_CART", "PURCHASE"]
UTC = datetime.timezone.utc


def demo_events(users, count, rng):
    """count events of users 1..users, in event-time order, ending about now."""
    now = datetime.datetime.now(UTC)
    for i in range(count):
        category = rng.randint(1, 20)
        action = rng.choice(ACTIONS)
        yield {
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "user_id": rng.randint(1, users),
            "item_id": category * 1000 + rng.randint(1, 50),
            "category_id": category,
            "scenario": rng.choice(SCENARIOS),
            "action": action,
            "dwell_ms": rng.randint(500, 60_000) if action != "IMPRESSION" and rng.random() < 0.5 else None,
            # python3-avro wants a datetime for timestamp-millis, not epoch milliseconds.
            "event_time": now - datetime.timedelta(milliseconds=50 * (count - i)),
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="click-events")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--schemas", default=DEFAULT_SCHEMAS, help="folder of the standalone schemas")
    args = parser.parse_args()

    codec = SingleObjectCodec("ClickEvent", args.schemas)
    producer = Producer({
        "bootstrap.servers": args.bootstrap_servers,
        # librdkafka's default (consistent_random, CRC32) puts most keys in another partition than the
        # Java client does: a user written from both would be split and lose its order.
        "partitioner": "murmur2_random",
        "enable.idempotence": True,
        "acks": "all",
    })
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(err)

    for event in demo_events(args.users, args.events, random.Random(args.seed)):
        producer.produce(args.topic, key=str(event["user_id"]).encode("utf-8"), value=codec.encode(event),
                         on_delivery=delivered)
        producer.poll(0)
    left = producer.flush(30)
    if left or failures:
        print(f"producer: {left} events undelivered, {len(failures)} failed: {failures[:3]}", file=sys.stderr)
        return 1
    print(f"producer: wrote {args.events} events of {args.users} users to {args.topic} "
          f"(ClickEvent {codec.fingerprint})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
