export { ConfigError, type ConfigErrorContext } from "./config-error.js";
export { ResendError } from "./resend-error.js";
export { RomewaysError } from "./romeways-error.js";
export { ThrownValueError, toError } from "./thrown-value-error.js";
