// Readiness probe: a tiny Kafka protocol client (ApiVersions v0 + Metadata v4..v8), so the
// script needs no npm package.
import * as net from "node:net";
import { NODE_ID } from "./server-config.mjs";

let correlation = 0;

/** Sends one request (header v1, non-flexible), resolves with the response body. */
function kafkaRequest(host, port, apiKey, apiVersion, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const correlationId = ++correlation & 0x7fffffff;
    const clientId = Buffer.from("romeways-kafka-probe");
    const header = Buffer.alloc(10 + clientId.length);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(correlationId, 4);
    header.writeInt16BE(clientId.length, 8);
    clientId.copy(header, 10);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length, 0);

    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (err, value) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once("error", (err) => finish(err));
    socket.once("close", () => finish(new Error("connection closed before a full response")));
    socket.once("connect", () => socket.write(Buffer.concat([size, header, body])));
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const length = received.readInt32BE(0);
      if (received.length < 4 + length) return;
      const gotCorrelation = received.readInt32BE(4);
      if (gotCorrelation !== correlationId) {
        finish(new Error(`correlation id ${gotCorrelation}, expected ${correlationId}`));
      } else {
        finish(null, received.subarray(8, 4 + length));
      }
    });
  });
}

class Reader {
  constructor(buffer) {
    this.buffer = buffer;
    this.offset = 0;
  }
  take(size) {
    const at = this.offset;
    this.offset += size;
    return at;
  }
  int16() {
    return this.buffer.readInt16BE(this.take(2));
  }
  int32() {
    return this.buffer.readInt32BE(this.take(4));
  }
  string() {
    const length = this.int16();
    if (length < 0) return null;
    const value = this.buffer.toString("utf8", this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

/**
 * Asks the broker at host:port for ApiVersions and Metadata; resolves with
 * `{ ready, metadataVersion, brokers }`, where ready means the broker lists itself.
 */
export async function probeBroker(host, port, timeoutMs = 5000) {
  const versions = new Reader(await kafkaRequest(host, port, 18, 0, Buffer.alloc(0), timeoutMs));
  const errorCode = versions.int16();
  if (errorCode !== 0) throw new Error(`ApiVersions error code ${errorCode}`);
  let metadataRange = null;
  for (let i = versions.int32(); i > 0; i--) {
    const key = versions.int16();
    const min = versions.int16();
    const max = versions.int16();
    if (key === 3) metadataRange = { min, max };
  }
  if (!metadataRange) throw new Error("the broker does not offer the Metadata API");
  // v4..v8 share the non-flexible layout encoded below; Kafka 4 accepts v4 and up (KIP-896).
  const version = Math.max(4, metadataRange.min);
  if (version > 8 || version > metadataRange.max) {
    throw new Error(
      `Metadata versions ${metadataRange.min}..${metadataRange.max} do not include 4..8`,
    );
  }
  const request = Buffer.alloc(version >= 8 ? 7 : 5);
  request.writeInt32BE(0, 0); // topics: empty array (no topics, only brokers)
  request.writeInt8(0, 4); // allow_auto_topic_creation
  if (version >= 8) {
    request.writeInt8(0, 5); // include_cluster_authorized_operations
    request.writeInt8(0, 6); // include_topic_authorized_operations
  }
  const metadata = new Reader(await kafkaRequest(host, port, 3, version, request, timeoutMs));
  metadata.int32(); // throttle_time_ms
  const brokers = [];
  for (let i = metadata.int32(); i > 0; i--) {
    const nodeId = metadata.int32();
    const brokerHost = metadata.string();
    const brokerPort = metadata.int32();
    metadata.string(); // rack
    brokers.push({ nodeId, host: brokerHost, port: brokerPort });
  }
  const ready = brokers.some((broker) => broker.nodeId === NODE_ID && broker.port === port);
  return { ready, metadataVersion: version, brokers };
}

/**
 * Warms up what the first client would otherwise wait for (and see logged as
 * retriable errors): FindCoordinator v0 creates and loads __consumer_offsets,
 * InitProducerId v0 without a transactional id gets the first producer-id block
 * from the controller. Resolves with the first error seen, or null when both work.
 */
export async function warmUpBroker(host, port, timeoutMs = 5000) {
  const key = Buffer.from("romeways-kafka-probe");
  const findCoordinator = Buffer.alloc(2 + key.length);
  findCoordinator.writeInt16BE(key.length, 0);
  key.copy(findCoordinator, 2);
  const coordinator = new Reader(await kafkaRequest(host, port, 10, 0, findCoordinator, timeoutMs));
  const coordinatorError = coordinator.int16();
  if (coordinatorError !== 0) return `FindCoordinator error code ${coordinatorError}`;

  const initProducerId = Buffer.alloc(6);
  initProducerId.writeInt16BE(-1, 0); // transactional_id: null (idempotent producer)
  initProducerId.writeInt32BE(60_000, 2); // transaction_timeout_ms
  const producer = new Reader(await kafkaRequest(host, port, 22, 0, initProducerId, timeoutMs));
  producer.int32(); // throttle_time_ms
  const producerError = producer.int16();
  if (producerError !== 0) return `InitProducerId error code ${producerError}`;
  return null;
}
