import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import the packages' sources; child-process tests run the built dist instead.
const alias = {
  "@romeways/core": src("core"),
  "@romeways/connector-memory": src("connector-memory"),
  "@romeways/connector-kafka": src("connector-kafka"),
  "@romeways/testing": src("testing"),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["packages/{core,connector-memory,testing}/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
