export { attributeNames } from "./messaging-attributes.js";
export {
  instrumentationScope,
  type OpenTelemetryOptions,
  openTelemetry,
} from "./open-telemetry.js";
export { parseTraceparent, W3CTraceContextPropagator } from "./trace-context.js";
