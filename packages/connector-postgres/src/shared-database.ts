import pg from "pg";
import type { PostgresSettings } from "./config.js";
import { migrateTable } from "./migrate.js";
import { NotifyListener } from "./notify-listener.js";

type Reporter = (error: unknown) => void;

/**
 * The pool and the LISTEN connection of one connector config, shared by the instances of all
 * its queues in this process (core builds one instance per queue, and one per dead-letter
 * queue): a connector with twenty queues holds one pool and one LISTEN connection, not twenty.
 * The last instance to let go ends both.
 */
export class SharedDatabase {
  readonly pool: pg.Pool;
  readonly listener: NotifyListener;
  private readonly reporters = new Set<Reporter>();
  private migrated: Promise<void> | undefined;
  private listening: Promise<void> | undefined;

  constructor(
    private readonly settings: PostgresSettings,
    private readonly forget: () => void,
  ) {
    this.pool = new pg.Pool(settings.pool);
    // An idle connection that breaks emits 'error': unhandled, it would end the process.
    this.pool.on("error", (error) => this.report(error));
    this.listener = new NotifyListener(settings.pool, settings.table.channel, (error) =>
      this.report(error),
    );
  }

  acquire(reporter: Reporter): void {
    this.reporters.add(reporter);
  }

  /** Creates the table once per process, unless `createTable` is false; a failure is tried again next time. */
  ensureTable(): Promise<void> {
    if (!this.settings.createTable) return Promise.resolve();
    this.migrated ??= migrateTable(this.pool, this.settings.table).catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  /** Starts listening once; a database that cannot LISTEN (a pooler in transaction mode) is polled. */
  listen(): Promise<void> {
    if (!this.settings.listen) return Promise.resolve();
    this.listening ??= this.listener.start().catch((error: unknown) => {
      this.report(
        new Error(
          `LISTEN failed, polling every ${this.settings.pollIntervalMs} ms until it works: ${messageOf(error)}`,
          { cause: error },
        ),
      );
    });
    return this.listening;
  }

  /** Lets go of the database; the last user closes the LISTEN connection and ends the pool. */
  async release(reporter: Reporter): Promise<void> {
    if (!this.reporters.delete(reporter) || this.reporters.size > 0) return;
    this.forget();
    await this.listener.close();
    await this.pool.end();
  }

  /** Reported once, through the instance that has used the database longest. */
  private report(error: unknown): void {
    const [first] = this.reporters;
    first?.(error);
  }
}

const databases = new WeakMap<object, SharedDatabase>();

/** The database of this connector config (the very object core hands every instance). */
export function acquireDatabase(
  connectorConfig: object,
  settings: PostgresSettings,
  reporter: Reporter,
): SharedDatabase {
  let database = databases.get(connectorConfig);
  if (database === undefined) {
    database = new SharedDatabase(settings, () => databases.delete(connectorConfig));
    databases.set(connectorConfig, database);
  }
  database.acquire(reporter);
  return database;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
