import { describe, expect, it } from "vitest";
import { expandPath, validatePathParams } from "../src/described/index.js";
import { type PathParamDescription, ValidationError } from "../src/index.js";

const check = (params: PathParamDescription[], values: Record<string, unknown>) =>
  validatePathParams("acme", params, values);

describe("validatePathParams", () => {
  const id: PathParamDescription = { name: "id", type: "integer", minimum: 1 };

  it("takes an integer parameter as a number or its decimal spelling, and gives a number", () => {
    expect(check([id], { id: 42 })).toEqual({ id: 42 });
    expect(check([id], { id: "42" })).toEqual({ id: 42 });
  });

  it.each([["abc"], ["0"], [0], [1.5], ["1.5"], [""], [" 7"], ["0x10"], [null], [true], [Number.NaN]])(
    "refuses %j for an integer with minimum 1",
    (value) => {
      expect(() => check([id], { id: value })).toThrow(ValidationError);
    },
  );

  it("checks maximum, number type and numeric enums", () => {
    expect(() => check([{ name: "n", type: "integer", maximum: 9 }], { n: 10 })).toThrow(/at most 9/);
    expect(check([{ name: "n", type: "number" }], { n: "2.5" })).toEqual({ n: 2.5 });
    expect(() => check([{ name: "n", type: "integer", enum: [1, 2] }], { n: 3 })).toThrow(/one of 1, 2/);
  });

  it("checks strings: type, length, pattern, uuid format, enum", () => {
    expect(() => check([{ name: "s" }], { s: 5 })).toThrow(/must be a string, got 5/);
    expect(() => check([{ name: "s", minLength: 3 }], { s: "ab" })).toThrow(/at least 3/);
    expect(() => check([{ name: "s", maxLength: 2 }], { s: "abc" })).toThrow(/at most 2/);
    expect(() => check([{ name: "s", pattern: "^[a-z]+$" }], { s: "A" })).toThrow(/must match/);
    expect(() => check([{ name: "s", format: "uuid" }], { s: "nope" })).toThrow(/UUID/);
    expect(() => check([{ name: "s", enum: ["a", "b"] }], { s: "c" })).toThrow(/one of a, b/);
    expect(check([{ name: "s", enum: ["a", "b"] }], { s: "b" })).toEqual({ s: "b" });
  });

  it("refuses dot segments, in one segment or in a multi-segment value", () => {
    const name: PathParamDescription = { name: "name", multiSegment: true };
    for (const bad of ["..", ".", "projects/../x", "projects/./x", "a//b", "/a", "a/", "p/o?x", "p/o#f", "p\\o"]) {
      expect(() => check([name], { name: bad })).toThrow(ValidationError);
    }
    expect(() => check([{ name: "s" }], { s: ".." })).toThrow(ValidationError);
  });
});

describe("expandPath", () => {
  it("percent-encodes a value as one segment: / ? # cannot leave it", () => {
    expect(expandPath("/ops/{id}", { id: "a/b?c#d e" })).toBe("/ops/a%2Fb%3Fc%23d%20e");
    expect(expandPath("/ops/{id}/x", { id: 42 })).toBe("/ops/42/x");
  });

  it("keeps the slashes of a multi-segment parameter and encodes each segment", () => {
    const params: PathParamDescription[] = [{ name: "name", multiSegment: true }];
    expect(expandPath("/v1/{name}", { name: "projects/p/locations/l/operations/o" }, params)).toBe(
      "/v1/projects/p/locations/l/operations/o",
    );
    expect(expandPath("/v1/{name}", { name: "projects/p?x=1/operations/o#f" }, params)).toBe(
      "/v1/projects/p%3Fx%3D1/operations/o%23f",
    );
  });
});
