// fast-check is an optional peer dependency that only dbsim/testing needs. A
// static import would fail while the module graph links, before any code of
// ours runs, with a bare "Cannot find package 'fast-check'"; loading it here
// lets the error say what is missing and how to install it. Top-level await is
// ESM only: the CommonJS build swaps this file for fast-check.cjs.ts
// (scripts/fast-check-loader.mjs).
import type FastCheck from "fast-check";
import { missingFastCheck } from "./missing-peer.js";

let loaded: { default: typeof FastCheck };
try {
  loaded = await import("fast-check");
} catch (error) {
  throw missingFastCheck(error);
}

/** fast-check's default export, loaded at startup. @internal */
export const fc: typeof FastCheck = loaded.default;
