import type { ConnectorPromise } from "./conformance.js";
import { acknowledgementPromises } from "./conformance-acknowledgement.js";
import { bytesPromises } from "./conformance-bytes.js";
import { corePromises } from "./conformance-core.js";
import { deliveryPromises } from "./conformance-delivery.js";
import { waitingPromises } from "./conformance-waiting.js";
import { workerPromises } from "./conformance-workers.js";

/** Every promise of the connector contract (DESIGN.md section 4), one test each, by area. */
export const connectorPromises: ConnectorPromise[] = [
  ...deliveryPromises,
  ...acknowledgementPromises,
  ...waitingPromises,
  ...bytesPromises,
  ...corePromises,
  ...workerPromises,
];
