// @ts-check
// What the durable bench reads from a Postgres: its processes' CPU, and rows, WAL and bytes written.
import { readdirSync, readFileSync } from "node:fs";

/** CPU ms of the Postgres whose postmaster is `pid` and all its processes (Linux /proc; else NaN). */
export function postgresCpuMs(/** @type {number} */ postmaster) {
  try {
    const tick = 10; // USER_HZ is 100 on Linux
    let total = 0;
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${name}/stat`, "utf8");
      } catch {
        continue;
      }
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      if (Number(name) !== postmaster && ppid !== postmaster) continue;
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    }
    return total;
  } catch {
    return Number.NaN;
  }
}

/** Rows written (its statistics), the WAL insert position, and the bytes of the schema's tables. */
export async function postgresCounters(
  /** @type {{ query: (text: string, values?: unknown[]) => Promise<{ rows: any[] }> }} */ sql,
  /** @type {string} */ schema,
) {
  await sql.query("SELECT pg_stat_force_next_flush()");
  const { rows } = await sql.query(
    `SELECT (SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables
              WHERE schemaname = $1) AS rows,
            pg_current_wal_insert_lsn() - '0/0'::pg_lsn AS wal,
            (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r') AS bytes`,
    [schema],
  );
  return { rows: Number(rows[0]?.rows), wal: Number(rows[0]?.wal), bytes: Number(rows[0]?.bytes) };
}
