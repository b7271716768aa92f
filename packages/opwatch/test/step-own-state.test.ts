// A wait's own poll state always passes the foreign-state check, however its ref spells a numeric id
// ("1e3" for 1000); another operation's state is still refused before any request.
import { ecl } from "@opwatch/ecl";
import { describe, expect, it } from "vitest";
import {
  createWatcher,
  type OperationRef,
  type PollState,
  type ProviderModule,
  register,
  ValidationError,
} from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { BASE, fixtures, stubFetch, TOKEN } from "./support/provider-kit.js";

const viaJson = (state: PollState): PollState => JSON.parse(JSON.stringify(state));

/** ECL's description, its operation id an integer: a custom provider with a numeric path parameter. */
const endpoint = ecl.description.endpoints.getOperation as (typeof ecl.description.endpoints)[string];
const numbered = {
  name: "numbered",
  description: {
    ...ecl.description,
    name: "numbered",
    displayName: "Numbered",
    endpoints: { getOperation: { ...endpoint, pathParams: [{ name: "operation_id", type: "integer" }] } },
  },
} as unknown as ProviderModule<object>;
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
