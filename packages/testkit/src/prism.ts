import { type ChildProcess, spawn } from "node:child_process";
import { createServer as createHttpServer, request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

export interface PrismServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Everything Prism printed, for assertions and for failure messages. */
  readonly output: () => string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** A free TCP port on loopback (the OS picks it; we release it for Prism to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Starts `prism mock --errors` on `spec`, on 127.0.0.1 and a free port, and resolves once it listens (within
 * 55 s by default, under the packages' 60 s hook timeout: Prism starts slowly on a loaded 2-core machine).
 * `--errors` makes Prism answer 4xx/5xx on any request or response that violates the spec. With `route`, a
 * loopback proxy in front of Prism rewrites each request's path (and query) first: Prism routes a path
 * parameter as one segment, so a multi-segment value reaches it with its slashes encoded.
 */
export async function startPrism(
  spec: string,
  { timeoutMs = 55_000, route }: { timeoutMs?: number; route?: ((path: string) => string) | undefined } = {},
): Promise<PrismServer> {
  const bin = join(dirname(require.resolve("@stoplight/prism-cli/package.json")), "dist", "index.js");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const prism = await launch(bin, spec, port, timeoutMs);
      return route ? await routed(prism, port, route) : prism;
    } catch (error) {
      // Another process may have taken the port between freePort() and Prism's bind.
      if (attempt >= 3 || !String(error).includes("EADDRINUSE")) throw error;
    }
  }
}

/** A loopback proxy to Prism on `port` that rewrites each request's path with `route`. */
async function routed(prism: PrismServer, port: number, route: (path: string) => string): Promise<PrismServer> {
  const proxy = createHttpServer((req, res) => {
    const forward = httpRequest(
      { host: "127.0.0.1", port, method: req.method, path: route(req.url ?? "/"), headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    url,
    output: prism.output,
    async stop() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await prism.stop();
    },
  };
}

function launch(bin: string, spec: string, port: number, timeoutMs: number): Promise<PrismServer> {
  const child = spawn(process.execPath, [bin, "mock", "--errors", "-h", "127.0.0.1", "-p", String(port), spec], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = `http://127.0.0.1:${port}`;
  const server: PrismServer = { url, output: () => output, stop: () => stop(child) };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(child);
      reject(new Error(`Prism did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Prism is listening")) {
        clearTimeout(timer);
        resolve(server);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code} before listening:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
