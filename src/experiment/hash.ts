// A content hash for experiments, so `dbsim merge` can refuse partial results of
// different experiments. Not cryptographic: it guards against mistakes, not
// against someone forging a partial result.

/**
 * JSON text with object keys sorted at every level: the same value always
 * gives the same text, whatever order its keys were written in.
 *
 * @remarks Since 0.2.0
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, unknown>;
    const parts = keys
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * A 64-bit FNV-1a hash (Fowler, Noll & Vo; offset basis and prime from
 * draft-eastlake-fnv) of the UTF-16 code units of `text`, as 16 hex digits.
 * BigInt arithmetic per character: slow for megabytes, fine for an experiment
 * file of kilobytes.
 *
 * @remarks Since 0.2.0
 */
export function fnv1a64(text: string): string {
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, "0");
}
