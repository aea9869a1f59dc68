// start() joins the group within joinTimeoutMs instead of failing at the first refusal. A
// member that crashed, or one that stopped without leaving (Python romeways never leaves),
// stays registered until its session timeout ends; meanwhile the broker either holds the
// JoinGroup until it is gone (and kafkajs gives up after max(requestTimeout, rebalanceTimeout
// + 5 s)), or, when that member offers no assignor in common with ours, refuses at once.

/** Why a join attempt failed that a later attempt may get past. */
export type JoinSetback =
  /** The broker refused: the members registered now offer no assignor in common with ours. */
  | "incompatible-assignors"
  /** The broker held the join longer than one JoinGroup request (or than joinTimeoutMs). */
  | "slow-join"
  /** Anything else kafkajs would itself retry: a coordinator moving, a rebalance starting. */
  | "transient";

/** What the group runs now, for an error that has to say what to change. */
export interface GroupDescription {
  protocol: string;
  state: string;
  clientIds: string[];
}

export interface JoinAttempts<T> {
  /**
   * One try; `stop` fires when the connector is stopped and must end it. The deadline does
   * not cut a try short: kafkajs cannot drop a JoinGroup the broker holds (its disconnect
   * waits for the answer), and one that came late is still a member.
   */
  attempt(stop: AbortSignal): Promise<T>;
  /** Why the try failed, if another try may succeed; undefined: fail now. */
  setbackOf(error: unknown): JoinSetback | undefined;
  describeGroup(): Promise<GroupDescription | undefined>;
}

export interface JoinLimits {
  groupId: string;
  /** No new try starts after this; one in flight ends within kafkajs's JoinGroup timeout. */
  joinTimeoutMs: number;
  /** The assignors this consumer offers, as the error should name them. */
  offered: readonly string[];
}

const firstBackoffMs = 250;
// Short: once the lingering member is gone, a refused member should join within seconds.
const maxBackoffMs = 2_000;

/** Tries until an attempt succeeds, an error is final, `stop` fires, or joinTimeoutMs ran out. */
export async function joinWithin<T>(
  limits: JoinLimits,
  attempts: JoinAttempts<T>,
  stop: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + limits.joinTimeoutMs;
  let backoffMs = firstBackoffMs;
  for (let tries = 1; ; tries++) {
    try {
      return await attempts.attempt(stop);
    } catch (error) {
      const setback = attempts.setbackOf(error);
      if (stop.aborted || setback === undefined) throw error;
      const wait = Math.min(backoffMs, maxBackoffMs, Math.max(0, deadline - Date.now()));
      backoffMs *= 2;
      if (wait > 0) await pause(wait, stop);
      if (stop.aborted) throw error;
      if (Date.now() >= deadline) {
        const group = await attempts.describeGroup().catch(() => undefined);
        throw new Error(timedOutMessage(limits, setback, tries, group), { cause: error });
      }
    }
  }
}

function timedOutMessage(
  limits: JoinLimits,
  setback: JoinSetback,
  tries: number,
  group: GroupDescription | undefined,
): string {
  const within = `could not join group "${limits.groupId}" within joinTimeoutMs (${limits.joinTimeoutMs} ms, ${tries} tries)`;
  const members =
    group === undefined || group.clientIds.length === 0
      ? ""
      : ` (members: ${[...new Set(group.clientIds)].join(", ")})`;
  const lingering =
    "a member that crashed or stopped without leaving stays registered until its session timeout ends (Java 45 s, aiokafka 10 s, kafkajs 30 s by default)";
  if (setback === "incompatible-assignors") {
    const runs = group?.protocol
      ? `runs the assignor "${group.protocol}"`
      : "offers other assignors";
    return (
      `${within}: the group ${runs}${members} and this consumer offers ` +
      `${limits.offered.join(", ")}, none in common. Add the group's assignor to ` +
      `partitionAssigners, or stop those members; ${lingering}, so raise joinTimeoutMs above that`
    );
  }
  if (setback === "slow-join") {
    return (
      `${within}: the group was still rebalancing${members}. ${lingering}: raise joinTimeoutMs ` +
      `above that, and rebalanceTimeout too if it is longer than rebalanceTimeout + 5 s ` +
      `(kafkajs waits no longer for one JoinGroup answer)`
    );
  }
  return `${within}: the broker kept answering with retriable errors; raise joinTimeoutMs or check the broker`;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
