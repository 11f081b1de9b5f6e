// dbsim/testing's error when fast-check, its peer dependency, is missing. The
// packed entry is checked end to end without fast-check by scripts/pack-check.mjs;
// here, which errors are replaced and which pass through.
import { describe, expect, it } from "vitest";
import { missingFastCheck } from "../../src/testing/missing-peer.js";

function notFound(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("missingFastCheck", () => {
  it.each([
    ["ERR_MODULE_NOT_FOUND", "Cannot find package 'fast-check' imported from /x/dist/testing.js"],
    ["MODULE_NOT_FOUND", "Cannot find module 'fast-check'\nRequire stack:\n- /x/dist/testing.cjs"],
  ])("names the peer dependency and how to install it (%s), keeping the cause", (code, message) => {
    const original = notFound(code, message);
    const error = missingFastCheck(original);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("dbsim/testing needs fast-check, a peer dependency");
    expect((error as Error).message).toContain("npm install --save-dev fast-check");
    expect((error as Error).cause).toBe(original);
  });

  it("passes through other errors unchanged", () => {
    const otherModule = notFound("ERR_MODULE_NOT_FOUND", "Cannot find package 'pure-rand'");
    const broken = new SyntaxError("Unexpected token in fast-check/lib/fast-check.js");
    for (const error of [otherModule, broken, "a string", null]) {
      expect(missingFastCheck(error)).toBe(error);
    }
  });
});
