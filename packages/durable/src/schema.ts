// The durable tables and the two functions every step goes through (claim_steps, commit_steps), kept
// by numbered migrations: a database records the version it is at, and start() applies the missing ones
// in order, under a transaction-scoped advisory lock, so that processes starting together take turns.
import type { Pool } from "pg";
import { claimStepsSql } from "./sql-claim.js";
import { commitStepsSql } from "./sql-commit.js";
import { lastStatusSql, tablesSql } from "./sql-tables.js";

export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(schema)) {
    throw new TypeError(`schema must be a lower-case SQL identifier (letters, digits, _), got "${schema}".`);
  }
}

/** The schema version this package writes and reads. */
export const SCHEMA_VERSION = 2;

/** Advisory-lock keys (two-int form: the first is this package's, the second says what is locked). */
const PACKAGE_KEY = 0x6f707763;
const MIGRATE = 1;

export { outcomeLock } from "./schema-locks.js";

/** Migration n takes the schema from version n - 1 to n. Each is idempotent. */
export function migrations(schema: string): string[] {
  return [tablesSql(schema), lastStatusSql(schema) + claimStepsSql(schema) + commitStepsSql(schema)];
}

/** Brings the schema to {@link SCHEMA_VERSION}; refuses a database a newer release has migrated. */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [PACKAGE_KEY, MIGRATE]);
    await client.query(
      `CREATE SCHEMA IF NOT EXISTS ${schema};
       CREATE TABLE IF NOT EXISTS ${schema}.schema_version (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${schema}.schema_version`,
    );
    const at = rows[0]?.version ?? 0;
    if (at > SCHEMA_VERSION) {
      throw new Error(
        `the durable schema "${schema}" is at version ${at}, newer than this release of @opwatch/durable (${SCHEMA_VERSION}): upgrade the package on this host.`,
      );
    }
    const steps = migrations(schema);
    for (let version = at + 1; version <= SCHEMA_VERSION; version += 1) {
      await client.query(steps[version - 1] as string);
      await client.query(`INSERT INTO ${schema}.schema_version (version) VALUES ($1)`, [version]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
