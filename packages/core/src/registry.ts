import type { ConnectorClass, ConnectorConfig } from "./connector.js";
import { ConfigError } from "./errors/index.js";
import type { QueueConfig } from "./queue-config.js";

/**
 * Connector packages augment this map so that a registered name checks its configs:
 *
 * ```ts
 * declare module "@romeways/core" {
 *   interface ConnectorTypeMap {
 *     memory: { connectorConfig: MemoryConnectorConfig; queueConfig: MemoryQueueConfig };
 *   }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in connector packages
export interface ConnectorTypeMap {}

/** A registered connector name, or any string when no connector package is imported. */
export type ConnectorName = keyof ConnectorTypeMap extends never ? string : keyof ConnectorTypeMap;

type AnyConnectorClass = ConnectorClass<ConnectorConfig, QueueConfig>;

// One registry per process, even when core is loaded twice (ESM and CJS copies).
const registryKey = Symbol.for("romeways.registry");
const globalStore = globalThis as { [registryKey]?: Map<string, AnyConnectorClass> };
const registry: Map<string, AnyConnectorClass> = globalStore[registryKey] ?? new Map();
globalStore[registryKey] = registry;

/** Makes `name` usable as `connectorRegister({ connector: name })`. Called by connector packages on import. */
export function registerConnector<C extends ConnectorConfig, Q extends QueueConfig>(
  name: string,
  connector: ConnectorClass<C, Q>,
): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new ConfigError("a connector must be registered under a non-empty name");
  }
  if (typeof connector !== "function") {
    throw new ConfigError(`registerConnector("${name}") needs a connector class`);
  }
  registry.set(name, connector as unknown as AnyConnectorClass);
}

/** The class registered under `name`, or undefined. */
export function getRegisteredConnector(name: string): AnyConnectorClass | undefined {
  return registry.get(name);
}

/** Names registered so far, for error messages. */
export function registeredConnectorNames(): string[] {
  return [...registry.keys()];
}
