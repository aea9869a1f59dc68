import type { ConnectorContext } from "@romeways/core";

// Errors of the connection itself, not answers of SQS: the server cannot be reached.
const connectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

/** Whether `error` says SQS could not be reached (refused, reset, timed out), not that it refused a request. */
export function isConnectionError(error: unknown): boolean {
  const { code, name, cause } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    cause?: unknown;
  };
  if (typeof code === "string" && connectionCodes.has(code)) return true;
  if (name === "TimeoutError") return true;
  return cause !== undefined && cause !== error && isConnectionError(cause);
}

/**
 * Whether SQS can be reached, judged by the requests themselves: a connection error starts an
 * outage (`reportDisconnected`), the next request that gets an answer ends it
 * (`reportReconnected`). SQS is HTTP: there is no connection to watch between requests.
 */
export class Outage {
  private cause: string | undefined;

  constructor(private readonly context?: Partial<ConnectorContext>) {}

  get down(): boolean {
    return this.cause !== undefined;
  }

  get reason(): string | undefined {
    return this.cause;
  }

  /** `request`, with its outcome noted. An arrow: it is handed around as a function. */
  readonly track = async <T>(request: Promise<T>): Promise<T> => {
    try {
      const answer = await request;
      this.answered();
      return answer;
    } catch (error) {
      if (isConnectionError(error)) {
        this.cause = error instanceof Error ? error.message : String(error);
        this.context?.reportDisconnected?.(error);
      } else if ((error as { $metadata?: unknown })?.$metadata !== undefined) {
        // SQS answered, with an error: it is reachable.
        this.answered();
      }
      throw error;
    }
  };

  private answered(): void {
    if (this.cause === undefined) return;
    this.cause = undefined;
    this.context?.reportReconnected?.();
  }
}
