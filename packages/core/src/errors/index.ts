export {
  ConfigError,
  type ConfigErrorContext,
  type ConfigFailure,
  configFailure,
} from "./config-error.js";
export { HandlerTimeoutError } from "./handler-timeout-error.js";
export { InvalidPayloadError } from "./invalid-payload-error.js";
export { ResendError, type ResendErrorOptions } from "./resend-error.js";
export { RomewaysError } from "./romeways-error.js";
export { errorFields, ThrownValueError, toError } from "./thrown-value-error.js";
