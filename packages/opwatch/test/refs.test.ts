// Status URLs of every provider parse into refs; anything else is a clear error; refs never send a
// token to a host nobody configured.
import { bentley } from "@opwatch/bentley";
import { ecl } from "@opwatch/ecl";
import { keycard } from "@opwatch/keycard";
import { sourcecraft } from "@opwatch/sourcecraft";
import { describe, expect, it } from "vitest";
import { createWatcher, register, ValidationError } from "../src/index.js";

const neverFetch: typeof fetch = async () => {
  throw new Error("no request expected");
};
const watcher = createWatcher({
  providers: [
    register(sourcecraft, { token: "t-sourcecraft", fetch: neverFetch }),
    register(keycard, { token: "t-keycard", baseUrl: "https://catalog.keycard.example/v1", fetch: neverFetch }),
    register(bentley, { token: "t-bentley", fetch: neverFetch }),
    register(ecl, { token: "t-ecl", fetch: neverFetch }),
  ],
});

describe("watcher.ref", () => {
  it("parses SourceCraft status_url for each operation kind", () => {
    expect(watcher.ref("https://api.sourcecraft.tech/operations/secrets/id:7f1c2b9e-secret-op")).toEqual({
      provider: "sourcecraft",
      endpoint: "getSecretOperation",
      params: { operation_id: "7f1c2b9e-secret-op" },
      baseUrl: "https://api.sourcecraft.tech",
    });
    expect(watcher.ref("https://api.sourcecraft.tech/operations/merge/id:a%2Fb").params).toEqual({
      operation_id: "a/b",
    });
    expect(watcher.ref("https://api.sourcecraft.tech/operations/delete-multilink/id:x").endpoint).toBe(
      "getDeleteMultilinkOperation",
    );
  });

  it("parses Bentley's operationLocation href on either server", () => {
    for (const host of ["https://api.bentley.com", "https://dev-api.bentley.com"]) {
      expect(watcher.ref(`${host}/schedules/s-1/operations/op-2`)).toEqual({
        provider: "bentley",
        endpoint: "getScheduleOperation",
        params: { scheduleId: "s-1", operationId: "op-2" },
        baseUrl: host,
      });
    }
  });

  it("parses an ECL operation URL in any region", () => {
    const id = "75aab8db-8632-42b4-af2f-06b5820798ef";
    expect(watcher.ref(`https://virtual-network-appliance-uk1-ecl.api.ntt.com/v1.0/operations/${id}`)).toEqual({
      provider: "ecl",
      endpoint: "getOperation",
      params: { operation_id: id },
      baseUrl: "https://virtual-network-appliance-uk1-ecl.api.ntt.com",
    });
  });

  it("parses a Keycard task path on the configured host", () => {
    expect(watcher.ref("https://catalog.keycard.example/v1/zones/z1/catalog_tasks/t1")).toEqual({
      provider: "keycard",
      endpoint: "getCatalogTask",
      params: { zone_id: "z1", task_id: "t1" },
      baseUrl: "https://catalog.keycard.example/v1",
    });
  });

  it("rejects anything else with a ValidationError that says what it expected", () => {
    for (const url of [
      "https://api.sourcecraft.tech/repos/x",
      "https://evil.example/operations/secrets/id:x",
      "https://virtual-network-appliance-xx9-ecl.api.ntt.com/v1.0/operations/x",
      "not a url",
    ]) {
      expect(() => watcher.ref(url)).toThrow(ValidationError);
    }
    expect(() => watcher.ref("https://evil.example/x")).toThrow(
      /not a status URL of sourcecraft, keycard, bentley, ecl/,
    );
  });

  it("refuses a ref whose base URL is neither configured nor a server of the spec", async () => {
    const ref = {
      provider: "bentley",
      endpoint: "getScheduleOperation",
      params: { scheduleId: "s", operationId: "o" },
      baseUrl: "https://collector.evil.example",
    };
    await expect(watcher.get(ref)).rejects.toThrow(/refusing to send credentials to https:\/\/collector.evil.example/);
    await expect(watcher.wait({ ...ref, provider: "nobody" })).rejects.toThrow(/provider "nobody" is not registered/);
    await expect(watcher.wait({ ...ref, endpoint: "deleteEverything" })).rejects.toThrow(/unknown endpoint/);
  });
});

describe("registration", () => {
  it("checks client options when a provider is registered, before any request", () => {
    expect(() => register(sourcecraft, { token: "" })).toThrow(ValidationError);
    expect(() => register(ecl, { token: "t", region: "jp1.evil.test" })).toThrow(/region must match .*"jp1.evil.test"/);
    expect(() => createWatcher({ providers: [] })).toThrow(/at least one provider/);
  });

  it("rejects bad poll options before polling", async () => {
    await expect(watcher.wait("https://api.bentley.com/schedules/s/operations/o", { maxWaitMs: -1 })).rejects.toThrow(
      /maxWaitMs must be a non-negative number/,
    );
  });
});
