// The built-in workload profiles, shipped inside the package as data:
// read-heavy (the read-heavy scenario's workload), catalog-reads (reads that
// saturate one node) and connection-storm (a connection per request).
import catalogReads from "./builtins/catalog-reads.json";
import connectionStorm from "./builtins/connection-storm.json";
import readHeavy from "./builtins/read-heavy.json";
import type { ProfileInput } from "./profile.js";

/**
 * The built-in workload profiles by name.
 *
 * @remarks Since 0.2.0
 */
export const BUILTIN_PROFILES: Readonly<Record<string, ProfileInput>> = Object.freeze({
  "read-heavy": readHeavy as ProfileInput,
  "catalog-reads": catalogReads as ProfileInput,
  "connection-storm": connectionStorm as ProfileInput,
});

/**
 * A built-in profile by name, or undefined.
 *
 * @remarks Since 0.2.0
 */
export function builtinProfile(name: string): ProfileInput | undefined {
  return Object.hasOwn(BUILTIN_PROFILES, name) ? BUILTIN_PROFILES[name] : undefined;
}
