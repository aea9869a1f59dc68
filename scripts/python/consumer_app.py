"""A Python romeways consumer on Kafka, as a Python team would write it, for the interop tests.

Environment:
    KAFKA_BROKERS        bootstrap servers
    TOPIC, GROUP_ID      the queue's topic and consumer group
    CLIENT_ID            default "romeways-python"
    RESEND_AT_COUNTERS   comma-separated rw_resend_times at which the handler raises
                         ResendException (default: none, every message is handled)

stdout, one JSON object a line:
    {"event": "assigned", "partitions": [0, 2]}   the consumer's partitions changed, and their
                                                  start offsets are known (aiokafka starts a new
                                                  group at the latest offset: produce after this)
    {"event": "message", "payload": <json.dumps(message.payload)>, "type": "str",
     "rw_resend_times": <json.dumps(counter)>, "action": "handled" | "resend", "client": ...}

The connector, Message and ResendException are the package's own; the subclass only reports
the assignment.
"""

import asyncio
import json
import os

from aiokafka.errors import IllegalStateError
from romeways import (
    KafkaConnectorConfig,
    KafkaQueueConfig,
    KafkaQueueConnector,
    Message,
    ResendException,
    connector_register,
    queue_consumer,
    start,
)

CONNECTOR = "kafka-python"
TOPIC = os.environ["TOPIC"]
CLIENT_ID = os.environ.get("CLIENT_ID", "romeways-python")
RESEND_AT = {int(c) for c in os.environ.get("RESEND_AT_COUNTERS", "").split(",") if c.strip()}


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


class ReportingKafkaQueueConnector(KafkaQueueConnector):
    async def on_start(self):
        await super().on_start()
        self._reporter = asyncio.create_task(self._report_assignment())

    async def _report_assignment(self):
        # aiokafka has no assignment event without replacing the connector's subscribe call.
        reported = set()
        while True:
            assignment = self._consumer.assignment()
            if assignment != reported:
                try:
                    for partition in assignment:
                        await self._consumer.position(partition)
                except IllegalStateError:  # revoked meanwhile: look again
                    continue
                emit(event="assigned", partitions=sorted(tp.partition for tp in assignment))
                reported = assignment
            await asyncio.sleep(0.05)


@queue_consumer(
    queue_name=TOPIC,
    config=KafkaQueueConfig(
        connector_name=CONNECTOR,
        frequency=0.05,  # getmany does not wait: 0 would spin
        max_chunk_size=10,
        sequential=True,
        retries=1_000,
        topic=TOPIC,
        group_id=os.environ["GROUP_ID"],
    ),
)
async def handle(message: Message):
    counter = message.rw_resend_times
    resend = counter in RESEND_AT
    emit(
        event="message",
        payload=json.dumps(message.payload),
        type=type(message.payload).__name__,
        rw_resend_times=json.dumps(counter),
        action="resend" if resend else "handled",
        client=CLIENT_ID,
    )
    if resend:
        raise ResendException(f"resend at rw_resend_times {counter}")


connector_register(
    ReportingKafkaQueueConnector,
    KafkaConnectorConfig(
        connector_name=CONNECTOR,
        bootstrap_server=os.environ["KAFKA_BROKERS"],
        client_id=CLIENT_ID,
    ),
    spawn_process=False,
)

if __name__ == "__main__":
    asyncio.run(start())
