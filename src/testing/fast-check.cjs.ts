// The CommonJS build's twin of fast-check.ts: a synchronous require, with the
// same clear error when the peer dependency is missing.
import type FastCheck from "fast-check";
import { missingFastCheck } from "./missing-peer.js";

function load(): typeof FastCheck {
  try {
    const mod = require("fast-check") as typeof FastCheck & { default?: typeof FastCheck };
    return mod.default ?? mod;
  } catch (error) {
    throw missingFastCheck(error);
  }
}

/** fast-check's default export, loaded at startup. @internal */
export const fc: typeof FastCheck = load();
