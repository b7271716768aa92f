// The step: one public call that reads once and returns the status and what to do next,
// with plain-JSON poll state (etag, attempt, pacing) that any queue can carry across processes. Every provider.
import type { PollEndpointDescription } from "@opwatch/core";
import { describedProvider } from "@opwatch/core/described";
import { description as eclDescription } from "@opwatch/ecl";
import { describe, expect, it } from "vitest";
import {
  AbortError,
  AuthError,
  createWatcher,
  NotFoundError,
  type OperationRef,
  type OperationStatus,
  type PollState,
  type ProviderModule,
  register,
  ServerError,
  type StepOutcome,
  TimeoutError,
  ValidationError,
} from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { BASE, createdAt, fixtures, providerWatcher, type Sent, stubFetch, TOKEN } from "./support/provider-kit.js";

/** Through JSON, as a queue would store it. */
const viaJson = (state: PollState): PollState => JSON.parse(JSON.stringify(state));

describe.each(fixtures)("$name: step", (fixture) => {
  it("a queue-driven wait: each step in a fresh watcher, the state only as JSON, to the same end as wait()", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const script = fixture.progression.map((step) => createdAt(fixture, step, start));
    const sent: Sent[] = [];
    let outcome: StepOutcome | undefined;
    let state: PollState | undefined;
    const seen: OperationStatus[] = [];
    for (let i = 0; i < 20; i++) {
      // Another process: its own watcher, the ref and the state from JSON.
      const proc = providerWatcher(fixture, clock, () => script[Math.min(sent.length, script.length - 1)] as never);
      const ref = JSON.parse(JSON.stringify(proc.watcher.ref(proc.url)));
      const before = proc.sent.length;
      outcome = await proc.watcher.step(ref, state && viaJson(state), { random: () => 0.5 });
      sent.push(...proc.sent.slice(before));
      state = outcome.state;
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      if (outcome.kind !== "pending") break;
      if (outcome.changed && outcome.status) seen.push(outcome.status);
      expect(outcome.delayMs).toBeGreaterThanOrEqual(1_000);
      await clock.advance(outcome.delayMs);
    }
    expect(outcome).toMatchObject({ kind: "done", status: { state: "succeeded", done: true } });
    if (outcome?.kind === "done") seen.push(outcome.status);
    expect(seen.map((s) => s.state)).toEqual(fixture.states);
    expect(sent).toHaveLength(fixture.progression.length);
    expect(state).toMatchObject({ v: 1, attempt: fixture.progression.length, failures: 0 });
    // The last status rides along as JSON: dates as ISO strings.
    expect(clock.timers).toBe(0);
  });

  it("the pending status is the last one seen, rebuilt with Date fields after a JSON round trip", async () => {
    const clock = new FakeClock();
    const running = createdAt(fixture, fixture.running, clock.now() - 5_000);
    const { watcher, url } = providerWatcher(fixture, clock, (_r, index) =>
      index === 1 ? fixture.serverError : running,
    );
    const first = await watcher.step(url);
    expect(first).toMatchObject({ kind: "pending", changed: true, reason: "pacing" });
    expect(typeof (first.state.last as { createdAt?: unknown }).createdAt).toBe("string");
    const second = await watcher.step(url, viaJson(first.state));
    expect(second).toMatchObject({ kind: "pending", changed: false, reason: "backoff", state: { failures: 1 } });
    if (second.kind !== "pending") return;
    expect(second.status?.state).toBe("running");
    expect(second.status?.createdAt).toEqual(new Date(clock.now() - 5_000));
  });

  it("transient failures count across steps, and the budget ends the wait as an error outcome", async () => {
    const clock = new FakeClock();
    const { watcher, sent, url } = providerWatcher(fixture, clock, () => fixture.serverError);
    let outcome = await watcher.step(url, undefined, { maxConsecutiveFailures: 3 });
    expect(outcome).toMatchObject({ kind: "pending", status: undefined, changed: false, reason: "backoff" });
    for (let i = 0; i < 2; i++)
      outcome = await watcher.step(url, viaJson(outcome.state), { maxConsecutiveFailures: 3 });
    expect(outcome.kind).toBe("error");
    if (outcome.kind !== "error") return;
    expect(outcome.error).toBeInstanceOf(ServerError);
    expect(outcome.error.message).toMatch(/gave up after 3 failures in a row/);
    expect(sent).toHaveLength(3);
  });

  it("fails fast as an error outcome on 401 and 404; never rejects for the provider's answers", async () => {
    const clock = new FakeClock();
    const notFound = { ...fixture.unauthorized, status: 404 };
    for (const [answer, kind] of [
      [fixture.unauthorized, AuthError],
      [notFound, NotFoundError],
    ] as const) {
      const { watcher, sent, url } = providerWatcher(fixture, clock, () => answer);
      const outcome = await watcher.step(url);
      expect(outcome.kind).toBe("error");
      if (outcome.kind === "error") expect(outcome.error).toBeInstanceOf(kind);
      expect(sent).toHaveLength(1);
    }
  });

  it("a failed operation is a done outcome, not an error", async () => {
    const clock = new FakeClock();
    const { watcher, url } = providerWatcher(fixture, clock, () => fixture.failed);
    const outcome = await watcher.step(url);
    expect(outcome).toMatchObject({ kind: "done", status: { state: "failed", done: true, error: fixture.failure } });
  });

  it("rejects on the caller's signal: before any request, and mid-request, leaving no timer", async () => {
    const clock = new FakeClock();
    const { watcher, sent, url } = providerWatcher(
      fixture,
      clock,
      (request) =>
        new Promise((_, reject) =>
          request.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
        ),
    );
    await expect(watcher.step(url, undefined, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(sent).toHaveLength(0);
    const controller = new AbortController();
    const pending = watcher.step(url, undefined, { signal: controller.signal, maxWaitMs: 5_000 });
    await clock.advance(10);
    expect(sent).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(clock.timers).toBe(0);
  });
});

describe("step state: edited, foreign, old", () => {
  const bentleyFixture = fixtures.find((f) => f.name === "bentley") as (typeof fixtures)[number];
  const sourcecraftFixture = fixtures.find((f) => f.name === "sourcecraft") as (typeof fixtures)[number];

  it("an older or broken state is refused with ValidationError before any request", async () => {
    const clock = new FakeClock();
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, () => bentleyFixture.running);
    const { state } = await watcher.step(url);
    const broken: unknown[] = [
      { ...state, v: 0 },
      { ...state, v: "1" },
      (({ v: _, ...rest }) => rest)(state),
      { ...state, deadline: "tomorrow" },
      { ...state, startedAt: null },
      { ...state, etag: 42 },
      { ...state, pacing: { at: "x", progress: 0.5 } },
      [],
      // Counts that no step could have written.
      { ...state, attempt: -1 },
      { ...state, failures: -3 },
      { ...state, failures: 1.5 },
      { ...state, pacing: { at: state.startedAt, progress: 7 } },
      { ...state, pacing: { at: state.startedAt, progress: "0.5" } },
    ];
    for (const bad of broken) {
      await expect(watcher.step(url, bad as PollState)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(sent).toHaveLength(1);
  });

  it("edits a queue may make are honoured: the etag sent as If-None-Match, a deadline moved earlier", async () => {
    const clock = new FakeClock();
    const running = createdAt(bentleyFixture, bentleyFixture.running, clock.now());
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, () => running);
    const first = await watcher.step(url);
    expect(first.state.etag).toBe('"s"');
    await watcher.step(url, { ...viaJson(first.state), etag: '"edited"' });
    expect(sent[1]?.headers.get("if-none-match")).toBe('"edited"');
    const { etag: _, ...noEtag } = viaJson(first.state);
    await watcher.step(url, noEtag);
    expect(sent[2]?.headers.get("if-none-match")).toBeNull();
    const ended = await watcher.step(url, { ...viaJson(first.state), deadline: clock.now() - 1 });
    expect(ended.kind).toBe("error");
    if (ended.kind === "error") expect(ended.error).toBeInstanceOf(TimeoutError);
    expect(sent).toHaveLength(3);
  });

  it("with a state, the state's deadline holds, not a new maxWaitMs", async () => {
    const clock = new FakeClock();
    const { watcher, url } = providerWatcher(bentleyFixture, clock, () => bentleyFixture.running);
    const first = await watcher.step(url, undefined, { maxWaitMs: 60_000 });
    const second = await watcher.step(url, viaJson(first.state), { maxWaitMs: 1 });
    expect(second.state.deadline).toBe(first.state.deadline);
    expect(second.kind).toBe("pending");
  });

  it("a state from another provider's operation is refused before any request", async () => {
    const clock = new FakeClock();
    const other = providerWatcher(sourcecraftFixture, clock, () => sourcecraftFixture.running);
    const foreign = (await other.watcher.step(other.url)).state;
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, () => bentleyFixture.running);
    await expect(watcher.step(url, viaJson(foreign))).rejects.toBeInstanceOf(ValidationError);
    expect(sent).toHaveLength(0);
  });

  it("a state from another operation of the same provider is refused: its ETag must not be sent", async () => {
    const clock = new FakeClock();
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, () => bentleyFixture.running);
    const mine = (await watcher.step(url)).state;
    const elsewhere = url.replace(/operations\/[^/]+$/, "operations/0e0e0e0e-0000-4000-8000-000000000000");
    await expect(watcher.step(elsewhere, viaJson(mine))).rejects.toBeInstanceOf(ValidationError);
    expect(sent).toHaveLength(1);
  });
});

describe("the README's queue-driven recipe", () => {
  it("a delay queue of jobs { ref, state } as JSON drives a wait to its end, one step per delivery", async () => {
    const clock = new FakeClock();
    const fixture = fixtures.find((f) => f.name === "bentley") as (typeof fixtures)[number];
    const start = clock.now();
    const script = fixture.progression.map((step) => createdAt(fixture, step, start));
    let reads = 0;
    const answer = () => script[Math.min(reads++, script.length - 1)] as never;
    interface WaitJob {
      ref: unknown;
      state?: PollState;
    }
    const finished: string[] = [];
    const queue = {
      add: async (job: WaitJob, options: { delayMs: number }) => {
        const stored = JSON.stringify(job); // the queue keeps JSON only
        clock.setTimeout(() => void handle(JSON.parse(stored)), options.delayMs);
      },
    };
    async function handle(job: WaitJob): Promise<void> {
      const { watcher } = providerWatcher(fixture, clock, answer); // any worker, any process
      const outcome = await watcher.step(job.ref as never, job.state, { maxWaitMs: 6 * 3_600_000 });
      if (outcome.kind === "pending") await queue.add({ ref: job.ref, state: outcome.state }, outcome);
      else if (outcome.kind === "done") finished.push(outcome.status.state);
      else finished.push(outcome.error.name);
    }
    const { watcher, url } = providerWatcher(fixture, clock, answer);
    await queue.add({ ref: watcher.ref(url) }, { delayMs: 0 });
    for (let i = 0; i < 50 && finished.length === 0; i++) await clock.advance(1_000);
    expect(finished).toEqual(["succeeded"]);
    expect(reads).toBe(script.length);
  });
});

// A wait's own poll state always passes the foreign-state check, however its ref spells a numeric id
// ("1e3" for 1000); another operation's state is still refused before any request.
/** ECL's description, its operation id an integer: a custom provider with a numeric path parameter. */
const endpoint: PollEndpointDescription = eclDescription.endpoints.getOperation;
const numbered = describedProvider({
  ...eclDescription,
  name: "numbered",
  displayName: "Numbered",
  endpoints: { getOperation: { ...endpoint, pathParams: [{ name: "operation_id", type: "integer" }] } },
}) as unknown as ProviderModule<object>;
const eclFixture = fixtures.find((f) => f.name === "ecl") as (typeof fixtures)[number];

function numberedWatcher(clock: FakeClock) {
  const { fetch, sent } = stubFetch(clock, () => eclFixture.running);
  const providers = [register(numbered, { token: TOKEN, baseUrl: BASE, fetch })];
  return { watcher: createWatcher({ providers, clock }), sent };
}

const refTo = (id: string | number): OperationRef => ({
  provider: "numbered",
  endpoint: "getOperation",
  params: { operation_id: id },
  baseUrl: BASE,
});

describe("the foreign-state check compares canonical ids", () => {
  for (const id of ["1e3", "1000", 1000, "1000.0"]) {
    it(`a wait's own state passes at its next step (operation_id ${JSON.stringify(id)})`, async () => {
      const clock = new FakeClock();
      const { watcher, sent } = numberedWatcher(clock);
      const first = await watcher.step(refTo(id));
      expect(first.kind).toBe("pending");
      expect(sent[0]?.url).toBe(`${BASE}/v1.0/operations/1000`);
      const second = await watcher.step(refTo(id), viaJson(first.state));
      expect(second.kind).toBe("pending");
      expect(sent).toHaveLength(2);
    });
  }

  it("another operation's state is still refused before any request", async () => {
    const clock = new FakeClock();
    const { watcher, sent } = numberedWatcher(clock);
    const mine = (await watcher.step(refTo("1e3"))).state;
    for (const other of ["1001", 1001, "1e2"]) {
      await expect(watcher.step(refTo(other), viaJson(mine))).rejects.toBeInstanceOf(ValidationError);
    }
    expect(sent).toHaveLength(1);
  });
});
