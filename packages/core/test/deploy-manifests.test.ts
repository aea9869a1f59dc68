import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { healthDefaults } from "@romeways/core";
import { describe, expect, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { lifecycleDefaults } from "../src/lifecycle.js";

interface Probe {
  httpGet: { path: string; port: number | string };
  periodSeconds: number;
  timeoutSeconds: number;
}
interface Container {
  env: { name: string; value: string }[];
  ports: { name: string; containerPort: number }[];
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle?: { preStop?: unknown };
}
interface Deployment {
  kind: string;
  metadata: { name: string };
  spec: { template: { spec: { terminationGracePeriodSeconds: number; containers: Container[] } } };
}
interface ScaledObject {
  kind: string;
  spec: {
    scaleTargetRef: { name: string };
    minReplicaCount: number;
    triggers: { type: string; metadata: Record<string, string> }[];
  };
}

/** The first document of a manifest under deploy/, parsed without errors. */
function manifest<T>(path: string): T {
  const url = new URL(`../../../deploy/${path}`, import.meta.url);
  const [document, ...more] = parseAllDocuments(readFileSync(fileURLToPath(url), "utf8"));
  if (document === undefined || more.length > 0) throw new Error(`${path}: one document expected`);
  expect(document.errors).toEqual([]);
  return document.toJS() as T;
}

const deployment = manifest<Deployment>("kubernetes/deployment.yaml");
const scaledObject = manifest<ScaledObject>("keda/scaledobject.yaml");
const pod = deployment.spec.template.spec;
const container = pod.containers[0] as Container;
const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));

/** The probe's port as a number: a named port resolves through the container's ports. */
function portOf(probe: Probe): number {
  const { port } = probe.httpGet;
  if (typeof port === "number") return port;
  const named = container.ports.find((p) => p.name === port);
  if (named === undefined) throw new Error(`no container port named ${port}`);
  return named.containerPort;
}

describe("the deploy/ manifests match the code's defaults", () => {
  test("the Deployment's probes hit the health endpoint's default port and paths", () => {
    expect(deployment.kind).toBe("Deployment");
    expect(portOf(container.livenessProbe)).toBe(healthDefaults.port);
    expect(portOf(container.readinessProbe)).toBe(healthDefaults.port);
    expect(portOf(container.startupProbe)).toBe(healthDefaults.port);
    expect(container.livenessProbe.httpGet.path).toBe(healthDefaults.livenessPath);
    expect(container.startupProbe.httpGet.path).toBe(healthDefaults.livenessPath);
    expect(container.readinessProbe.httpGet.path).toBe(healthDefaults.readinessPath);
  });

  test("probe timeouts leave the parent time to ask its workers", () => {
    for (const probe of [
      container.livenessProbe,
      container.readinessProbe,
      container.startupProbe,
    ]) {
      expect(probe.timeoutSeconds * 1000).toBeGreaterThan(healthDefaults.workerReplyTimeoutMs);
    }
  });

  test("terminationGracePeriodSeconds is above shutdownTimeoutMs and the workers' exit grace", () => {
    const { shutdownTimeoutMs, workerExitGraceMs, stopMarginMs } = lifecycleDefaults;
    const drainMs = shutdownTimeoutMs + Math.max(workerExitGraceMs, stopMarginMs);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs);
    // No preStop hook: its time would count against the grace period (see deploy/README.md).
    expect(container.lifecycle?.preStop).toBeUndefined();
  });

  test("the KEDA ScaledObject scales this Deployment on its consumer group's lag", () => {
    expect(scaledObject.kind).toBe("ScaledObject");
    expect(scaledObject.spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    const trigger = scaledObject.spec.triggers[0];
    if (trigger === undefined) throw new Error("no trigger");
    expect(trigger.type).toBe("kafka");
    expect(trigger.metadata.consumerGroup).toBe(env.KAFKA_GROUP_ID);
    expect(trigger.metadata.topic).toBe(env.KAFKA_TOPIC);
    expect(trigger.metadata.bootstrapServers).toBe(env.KAFKA_BROKERS);
    expect(Number(trigger.metadata.lagThreshold)).toBeGreaterThan(0);
    expect(scaledObject.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
  });
});
