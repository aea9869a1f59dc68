import { type QueueConfig, registerConnector } from "@romeways/core";
import { FolderConnector, type FolderConnectorConfig } from "./folder-connector.js";

export { QueueFolder } from "./queue-folder.js";
export { FolderConnector, type FolderConnectorConfig };

// Lets `connectorRegister({ connector: "folder", config })` check the config's fields.
declare module "@romeways/core" {
  interface ConnectorTypeMap {
    folder: { connectorConfig: FolderConnectorConfig; queueConfig: QueueConfig };
  }
}

registerConnector("folder", FolderConnector);
