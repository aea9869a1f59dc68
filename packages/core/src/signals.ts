const shutdownSignals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Calls `onSignal` on the first SIGINT/SIGTERM; a second one exits at once. Once `onSignal`
 * settles, the signal is raised again if nobody else listens, so the process ends as it
 * would have without romeways. Returns a function that removes the listeners.
 */
export function handleShutdownSignals(
  onSignal: (signal: NodeJS.Signals) => Promise<void>,
): () => void {
  let received: NodeJS.Signals | undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (received !== undefined) {
      process.exit(128 + (signalNumbers[signal] ?? 1));
    }
    received = signal;
    void onSignal(signal).finally(() => {
      dispose();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const dispose = () => {
    for (const signal of shutdownSignals) process.off(signal, listener);
  };
  for (const signal of shutdownSignals) process.on(signal, listener);
  return dispose;
}
