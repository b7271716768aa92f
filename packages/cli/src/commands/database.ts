// DATABASE_URL on the command line: checked before @opwatch/durable loads, and opened before a durable
// command runs, so a database that cannot be used is said in the CLI's words (the variable to fix, and
// what to check in it) rather than as the Postgres client's bare `connect ECONNREFUSED 127.0.0.1:1`.
import type { DurableWatcher } from "@opwatch/durable";
import { UsageError } from "../exit-codes.js";
import type { Durable } from "./load-durable.js";

const EXAMPLE = "postgres://user:password@host:5432/db";

/** The database of DATABASE_URL could not be opened; the message says what to check. */
export class DatabaseError extends Error {
  override name = "DatabaseError";
}

/** DATABASE_URL, checked to be a Postgres URL; a UsageError naming the variable when it is not set or not one. */
export function checkDatabaseUrl(value: string | undefined, command: string): string {
  if (!value) throw new UsageError(`set DATABASE_URL to a Postgres connection string (${EXAMPLE})`, command);
  const scheme = URL.canParse(value) ? new URL(value).protocol : undefined;
  if (scheme !== "postgres:" && scheme !== "postgresql:" && scheme !== "socket:") {
    // Not echoed: the value may hold a password.
    throw new UsageError(
      `DATABASE_URL is not a Postgres URL${scheme ? ` (it starts with ${scheme})` : ""}: set it to one such as ${EXAMPLE}`,
      command,
    );
  }
  return value;
}

/** What to check, by the Postgres client's error code (a system error's, or the server's SQLSTATE). */
function advice(code: string | undefined): string {
  switch (code) {
    case "28P01":
    case "28000":
      return "check the user and password in DATABASE_URL";
    case "3D000":
      return "check the database name at the end of DATABASE_URL (createdb makes one)";
    case "42501":
      return "the user of DATABASE_URL needs the right to create the opwatch schema (CREATE on the database); run once as one that has it";
    default:
      return `check that DATABASE_URL (${EXAMPLE}) names a running Postgres this machine can reach`;
  }
}

/** `message` without the connection string or its password. */
function redacted(message: string, connectionString: string): string {
  let out = message.split(connectionString).join("$DATABASE_URL");
  try {
    const password = decodeURIComponent(new URL(connectionString).password);
    if (password) out = out.split(password).join("***");
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}

/**
 * A durable watcher on DATABASE_URL, connected (and its schema in place) before the command runs; a
 * DatabaseError saying what to check in DATABASE_URL when that fails. The caller stops it.
 */
export async function openDatabase(
  durable: Durable,
  watcher: Parameters<Durable["createDurableWatcher"]>[0]["watcher"],
  connectionString: string,
): Promise<DurableWatcher> {
  const database = durable.createDurableWatcher({ watcher, connectionString });
  try {
    await database.start();
    return database;
  } catch (error) {
    await database.stop().catch(() => {});
    const code = (error as { code?: unknown } | undefined)?.code;
    const said = redacted(error instanceof Error ? error.message : String(error), connectionString) || "no answer";
    throw new DatabaseError(
      `could not open the database of DATABASE_URL (${said}); ${advice(typeof code === "string" ? code : undefined)}`,
    );
  }
}
