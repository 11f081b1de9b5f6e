// The README's code runs as written: each block after an `<!-- example: NAME -->`
// marker is written to a file, imported (with "dbsim" resolved to the source),
// and its printed output checked against theory or the report schema.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

function example(name: string): string {
  const re = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``);
  const m = re.exec(readme);
  if (m === null) throw new Error(`README has no example "${name}"`);
  return m[1] as string;
}

async function runExample(name: string): Promise<string[]> {
  const dir = join(root, ".tmp");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-${name}.ts`);
  writeFileSync(file, example(name));
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  });
  try {
    await import(/* @vite-ignore */ `${file}?t=${Date.now()}`);
  } finally {
    spy.mockRestore();
  }
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe("README examples", () => {
  it("the kernel's M/M/1 prints a mean wait near ρ/(μ−λ) = 9 ms", async () => {
    const out = await runExample("mm1");
    const m = /mean wait ([\d.]+) ms/.exec(out.join("\n"));
    expect(m, out.join("\n")).not.toBeNull();
    // 10^6 customers: test/validation/kernel-queueing.test.ts shows the relative
    // standard error of such a run is about 2 %; allow 3 standard errors.
    expect(Math.abs(Number(m?.[1]) / 9 - 1)).toBeLessThan(0.06);
  });

  it("the API example prints throughput, p99 and a Mermaid diagram", async () => {
    const out = (await runExample("api")).join("\n");
    const m = /completed ([\d.]+)\/s, p99 ([\d.]+) ms/.exec(out);
    expect(m, out).not.toBeNull();
    // Offered 800/s on a lightly loaded server: almost all of it completes.
    expect(Math.abs(Number(m?.[1]) / 800 - 1)).toBeLessThan(0.05);
    // Every request pays at least the 0.5 ms same-datacenter round trip.
    expect(Number(m?.[2])).toBeGreaterThan(0.5);
    expect(out).toContain("flowchart LR");
  });
});
