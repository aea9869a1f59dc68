// The SIGKILL no-loss kit: a consumer program's side (noLossConsumer) and the test's side
// (startConsumerProcess, runKillAndRestart, the handled log), for any connector.
export {
  type NoLossConsumer,
  type NoLossMessage,
  noLossConsumer,
  noLossEnv,
} from "./consumer-app.js";
export {
  type ConsumerProcess,
  type ConsumerProcessOptions,
  type ProcessExit,
  startConsumerProcess,
} from "./consumer-process.js";
export {
  countHandled,
  type HandledCounts,
  type HandledRecord,
  handledFile,
  readHandled,
  recordHandled,
  repeatedIds,
} from "./handled-log.js";
export {
  type KillAndRestartOptions,
  type KillAndRestartResult,
  runKillAndRestart,
  waitForHandled,
} from "./kill-and-restart.js";
