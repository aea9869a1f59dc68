import type { StandardSchemaV1 } from "@standard-schema/spec";
import { RomewaysError } from "./romeways-error.js";

const brand = Symbol.for("romeways.error.invalid-payload");

/**
 * A message whose payload did not decode (`decode`, JSON by default) or did not pass the
 * queue's `schema`. Such a message is never resent: it is dead-lettered with reason `invalid`
 * (the issues in a header) or failed. A handler may throw one too, for a payload its own
 * checks reject: the outcome is the same.
 */
export class InvalidPayloadError extends RomewaysError {
  readonly [brand] = true;
  /** What is wrong, as the schema reported it (one issue for a payload that did not decode). */
  readonly issues: readonly StandardSchemaV1.Issue[];

  constructor(issues: readonly StandardSchemaV1.Issue[], options?: ErrorOptions) {
    super("ROMEWAYS_INVALID_PAYLOAD", `invalid payload: ${describeIssues(issues)}`, options);
    this.name = "InvalidPayloadError";
    this.issues = issues;
  }

  /** Also false for a thrown Proxy whose `has` trap throws. */
  static override isInstance(value: unknown): value is InvalidPayloadError {
    try {
      return typeof value === "object" && value !== null && brand in value;
    } catch {
      return false;
    }
  }
}

/** `issues` as one line: `qty: Expected number; name: Required`, at most five of them. */
export function describeIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  const shown = issues.slice(0, 5).map((issue) => {
    const path = issuePath(issue);
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  });
  if (issues.length > 5) shown.push(`and ${issues.length - 5} more`);
  return shown.join("; ") || "rejected by the schema";
}

/** An issue's path as `items.0.qty`; "" for the payload itself. */
export function issuePath(issue: StandardSchemaV1.Issue): string {
  return (issue.path ?? [])
    .map((segment) => String(typeof segment === "object" ? segment.key : segment))
    .join(".");
}
