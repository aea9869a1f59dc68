// One build setup for every package: ESM + CJS + .d.ts for Node 20.
export { default } from "../../tsup.config.base";
