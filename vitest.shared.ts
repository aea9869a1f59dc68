import { fileURLToPath } from "node:url";

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/** Tests import the packages' sources; child-process tests run the built dist instead. */
export const workspaceAlias = {
  "@romeways/core": src("core"),
  "@romeways/connector-memory": src("connector-memory"),
  "@romeways/connector-kafka": src("connector-kafka"),
  "@romeways/connector-redis": src("connector-redis"),
  "@romeways/connector-postgres": src("connector-postgres"),
  "@romeways/connector-nats": src("connector-nats"),
  "@romeways/connector-amqp": src("connector-amqp"),
  "@romeways/connector-sqs": src("connector-sqs"),
  "@romeways/testing": src("testing"),
  "@romeways/opentelemetry": src("opentelemetry"),
};
