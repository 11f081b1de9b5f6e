// The docs stand alone: every relative link in the README and docs/ leads to a
// file that exists here and ships in the npm package (the registry shows the
// README; its links must work in the tarball too), and no project file cites
// the developers' private notes, which users never see.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

function relativeLinks(page: string): string[] {
  const text = readFileSync(join(root, page), "utf8");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => (m[1] as string).split("#")[0] as string)
    .filter((target) => target !== "" && !/^[a-z]+:/i.test(target));
}

function packedFiles(): Set<string> {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    encoding: "utf8",
  });
  const [{ files }] = JSON.parse(out.slice(out.indexOf("["))) as [{ files: { path: string }[] }];
  return new Set(files.map((f) => f.path));
}

describe("links in the README and docs/", () => {
  const packed = packedFiles();
  for (const page of pages) {
    it(`${page}: every relative link exists and ships in the package`, () => {
      expect(packed.has(page), `${page} is not in the package`).toBe(true);
      for (const target of relativeLinks(page)) {
        const path = normalize(join(dirname(page), target));
        expect(existsSync(join(root, path)), `${page} → ${target}`).toBe(true);
        const isDir = statSync(join(root, path)).isDirectory();
        const shipped = isDir
          ? [...packed].some((f) => f.startsWith(`${path}/`))
          : packed.has(path);
        expect(shipped, `${page} → ${target}: ${path} is not in the package`).toBe(true);
      }
    });
  }
});

describe("project files cite public sources only", () => {
  // Built from parts so this file does not match itself.
  const privateNotes = new RegExp(
    ["\\.\\./shared", "\\b(DESIGN|REFERENCE|STYLE|TOOLCHAIN)\\.md"].join("|"),
  );
  const scanned = ["README.md", "docs", "examples", "src", "test", "bench"];
  const files: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== "api") walk(join(path, entry));
    } else if (/\.(md|ts|mjs|json)$/.test(path)) files.push(path);
  };
  for (const entry of scanned) walk(join(root, entry));

  it("no README, doc, example, source, test or bench file cites the private notes", () => {
    const hits = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${relative(root, file)}:${i + 1}` }))
        .filter(({ line }) => privateNotes.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });
});
