// Guards the direction of imports (LAYER_IMPORTS below): each layer imports only
// the layers below it; the kernel imports nothing of ours and no package but
// seedrandom, and the rest of src/ reaches it only through its index (so its
// internals stay internal); models never import each other; only the CLI and Node adapters
// touch Node built-ins or packages other than zod and seedrandom (and fast-check
// for dbsim/testing), so the library runs in browsers.
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { posix } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/** A source file: its path from the repository root (posix separators) and its text. */
interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** An import that breaks a rule. */
interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

const SOURCE_EXTENSION = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;
const KERNEL = "src/kernel/";
/** The one kernel file the rest of src/ may import (any source extension). */
const KERNEL_INDEX = /^src\/kernel\/index\.(?:[cm]?ts|[cm]?js)$/;
const MODELS = "src/models/";
const NODE_ALLOWED = ["src/cli/", "src/node/"];
const KERNEL_PACKAGES = new Set(["seedrandom"]);
const NODE_BUILTINS = new Set(builtinModules);

/**
 * The layers under src/ and the layers each may import directly; what those may
 * import is allowed too (the closure below). `index` is the public barrel
 * (src/index.ts); `playground` may use the public API only.
 */
const LAYER_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  kernel: [],
  latency: ["kernel"],
  metrics: ["kernel"],
  placement: [],
  models: ["kernel", "metrics", "placement"],
  consistency: ["metrics"],
  scenario: ["kernel", "latency", "metrics", "placement", "models", "consistency"],
  experiment: ["scenario"],
  advisor: ["experiment", "scenario"],
  calibrate: ["experiment"],
  index: ["scenario", "experiment", "advisor"],
  testing: ["scenario"],
  node: ["experiment", "scenario"],
  cli: ["node", "advisor", "experiment", "calibrate", "scenario", "index", "testing"],
  playground: ["index"],
};

/** Packages the browser-safe layers may import (the CLI and Node adapters may import any). */
const LAYER_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  kernel: ["seedrandom"],
  latency: ["zod"],
  scenario: ["zod"],
  experiment: ["zod"],
  advisor: ["zod"],
  calibrate: ["ml-levenberg-marquardt"],
  testing: ["fast-check", "zod"],
};

/**
 * Every layer `layer` may import: its own, and the closure of LAYER_IMPORTS —
 * except the playground, which may use the public barrel and nothing behind it.
 */
function reachableLayers(layer: string): Set<string> {
  if (layer === "playground") return new Set(["playground", "index"]);
  const seen = new Set<string>([layer]);
  const stack = [...(LAYER_IMPORTS[layer] ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(LAYER_IMPORTS[next] ?? []));
  }
  return seen;
}

/** The layer a path under src/ belongs to (`src/index.ts` is `index`), or undefined outside src/. */
function layerOf(path: string): string | undefined {
  if (!path.startsWith("src/")) return undefined;
  const rest = path.slice("src/".length).split("/");
  if (rest.length === 1) return rest[0] === "index.ts" ? "index" : "root";
  return rest[0];
}

/**
 * Every module specifier a file imports: `import … from`, `import "x"`,
 * `export … from` (including `export * as x from`), `import type`, dynamic
 * `import()`, `import x = require()`, `require()` and `import("x")` types.
 * Walks TypeScript's syntax tree, so comments and strings that merely contain
 * the word `import` are not mistaken for imports.
 */
function importsOf(text: string): string[] {
  const source = ts.createSourceFile("file.ts", text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined): void => {
    if (node !== undefined && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      literal(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (ts.isExternalModuleReference(node.moduleReference)) {
        literal(node.moduleReference.expression);
      }
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === "require";
      if (isDynamicImport || isRequire) literal(node.arguments[0]);
    } else if (ts.isImportTypeNode(node)) {
      if (ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isRelative(specifier: string): boolean {
  return (
    specifier.startsWith("./") ||
    specifier.startsWith("../") ||
    specifier === "." ||
    specifier === ".."
  );
}

function resolveRelative(file: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(file), specifier));
}

/** The package an import names: `@scope/name` or `name`, without a subpath. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

function isNodeBuiltin(specifier: string): boolean {
  return (
    specifier.startsWith("node:") ||
    NODE_BUILTINS.has(specifier) ||
    NODE_BUILTINS.has(packageName(specifier))
  );
}

/** The model folder a path belongs to (`src/models/<name>/…`), or undefined. */
function modelOf(path: string): string | undefined {
  if (!path.startsWith(MODELS)) return undefined;
  const rest = path.slice(MODELS.length).split("/");
  return rest.length > 1 ? rest[0] : undefined;
}

/** Checks every rule on every file and returns what breaks them. */
function checkArchitecture(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const ownModel = modelOf(file.path);
    const ownLayer = layerOf(file.path);
    for (const specifier of importsOf(file.text)) {
      const target = isRelative(specifier) ? resolveRelative(file.path, specifier) : undefined;
      const report = (rule: string): void => {
        violations.push({ file: file.path, specifier, rule });
      };

      if (file.path.startsWith(KERNEL)) {
        if (target !== undefined && !`${target}/`.startsWith(KERNEL)) {
          report("the kernel imports only from src/kernel/");
        }
        if (target === undefined && !KERNEL_PACKAGES.has(packageName(specifier))) {
          report("the kernel imports no package but seedrandom");
        }
      }

      if (
        !file.path.startsWith(KERNEL) &&
        target !== undefined &&
        target.startsWith(KERNEL) &&
        !KERNEL_INDEX.test(target)
      ) {
        report("outside the kernel, import it only through src/kernel/index.ts");
      }

      if (ownModel !== undefined && target !== undefined) {
        const targetModel = modelOf(target);
        if (targetModel !== undefined && targetModel !== ownModel) {
          report(`models never import each other (${ownModel} -> ${targetModel})`);
        }
      }

      const nodeAllowed = NODE_ALLOWED.some((dir) => file.path.startsWith(dir));
      if (!nodeAllowed && target === undefined && isNodeBuiltin(specifier)) {
        report("only src/cli/ and src/node/ import Node built-ins");
      }

      if (ownLayer !== undefined) checkLayer(ownLayer, specifier, target, nodeAllowed, report);
    }
  }
  return violations;
}

/** The layer order and the packages each layer may use. */
function checkLayer(
  ownLayer: string,
  specifier: string,
  target: string | undefined,
  nodeAllowed: boolean,
  report: (rule: string) => void,
): void {
  // The kernel has rules of its own above, with sharper messages.
  if (ownLayer === "kernel") return;
  if (!(ownLayer in LAYER_IMPORTS)) {
    report(`src/${ownLayer}/ is not a layer of the architecture`);
    return;
  }
  if (target !== undefined) {
    const targetLayer = layerOf(target);
    if (targetLayer === undefined || targetLayer === ownLayer) return;
    if (!reachableLayers(ownLayer).has(targetLayer)) {
      report(`layer order: ${ownLayer} may not import ${targetLayer}`);
    }
    return;
  }
  if (nodeAllowed || isNodeBuiltin(specifier)) return;
  const name = packageName(specifier);
  const allowed = [...reachableLayers(ownLayer)].flatMap((l) => LAYER_PACKAGES[l] ?? []);
  if (!allowed.includes(name)) report(`layer ${ownLayer} imports no package ${name}`);
}

/** Every source file under `dir` (relative to `root`), recursively, sorted. */
function readSources(root: string, dir: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (relative: string): void => {
    const entries = readdirSync(posix.join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = posix.join(relative, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE_EXTENSION.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        files.push({ path, text: readFileSync(posix.join(root, path), "utf8") });
      }
    }
  };
  walk(dir);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

const repoRoot = posix.resolve(import.meta.dirname, "..");

describe("the source tree", () => {
  const sources = readSources(repoRoot, "src");

  it("is found, so the checks below are not vacuous", () => {
    const paths = sources.map((f) => f.path);

    expect(paths).toContain("src/kernel/simulation.ts");
    expect(paths).toContain("src/kernel/index.ts");
  });

  it("follows the import rules of the architecture", () => {
    expect(checkArchitecture(sources)).toEqual([]);
  });
});

describe("the import scanner", () => {
  it("finds every form of import and export", () => {
    const text = [
      'import a from "./a.js";',
      'import * as b from "./b.js";',
      'import { c, type C } from "./c.js";',
      'import type { D } from "./d.js";',
      'import "./side-effect.js";',
      'export { e } from "./e.js";',
      'export * from "./f.js";',
      'export * as g from "./g.js";',
      "export type { H } from './h.js';",
      "import {",
      "  multi,",
      "  line,",
      '} from "./multi-line.js";',
      'const i = await import("./dynamic.js");',
      'const j = () => import( "./spaced-dynamic.js" );',
      'type K = typeof import("./import-type.js");',
      'import L = require("./import-equals.js");',
      'const m = require("./required.js");',
    ].join("\n");

    expect(importsOf(text).sort()).toEqual(
      [
        "./a.js",
        "./b.js",
        "./c.js",
        "./d.js",
        "./side-effect.js",
        "./e.js",
        "./f.js",
        "./g.js",
        "./h.js",
        "./multi-line.js",
        "./dynamic.js",
        "./spaced-dynamic.js",
        "./import-type.js",
        "./import-equals.js",
        "./required.js",
      ].sort(),
    );
  });

  it("ignores imports in comments and strings", () => {
    const text = [
      '// import x from "../models/commented.js";',
      '/* export * from "node:fs"; */',
      "const s = \"import y from 'node:path'\";",
      'const t = `export * from "node:os"`;',
      "export const importance = 1;",
    ].join("\n");

    expect(importsOf(text)).toEqual([]);
  });
});

describe("the architecture check", () => {
  const clean: SourceFile[] = [
    {
      path: "src/kernel/simulation.ts",
      text: 'import { Fifo } from "./fifo.js";\nimport seedrandom from "seedrandom";',
    },
    { path: "src/kernel/fifo.ts", text: "export class Fifo {}" },
    { path: "src/metrics/histogram.ts", text: 'import { Simulation } from "../kernel/index.js";' },
    {
      path: "src/models/cache/lru.ts",
      text: 'import { Resource } from "../../kernel/index.js";\nimport { x } from "./helpers.js";',
    },
    {
      path: "src/models/pool/pool.ts",
      text: 'import { Histogram } from "../../metrics/index.js";',
    },
    {
      path: "src/models/index.ts",
      text: 'export * from "./cache/lru.js";\nexport * from "./pool/pool.js";',
    },
    {
      path: "src/cli/main.ts",
      text: 'import { readFileSync } from "node:fs";\nimport path from "path";',
    },
    { path: "src/node/write.ts", text: 'import { writeFile } from "node:fs/promises";' },
  ];

  it("passes a tree that follows the rules", () => {
    expect(checkArchitecture(clean)).toEqual([]);
  });

  it("passes a tree without src/models/", () => {
    expect(checkArchitecture(clean.filter((f) => !f.path.startsWith("src/models/")))).toEqual([]);
  });

  it.each([
    ["import … from", 'import { Histogram } from "../metrics/index.js";'],
    ["export … from", 'export { Histogram } from "../metrics/histogram.js";'],
    ["dynamic import()", 'const m = await import("../scenario/run.js");'],
    ["import type", 'import type { Report } from "../scenario/report.js";'],
    ["a path that leaves and re-enters", 'import { x } from "../kernelish/x.js";'],
  ])("catches the kernel importing outside src/kernel/ via %s", (_form, text) => {
    const planted = [...clean, { path: "src/kernel/events.ts", text }];

    const violations = checkArchitecture(planted);

    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      file: "src/kernel/events.ts",
      rule: "the kernel imports only from src/kernel/",
    });
  });

  it.each([
    ["src/models/pool/pool.ts", 'import { Fifo } from "../../kernel/fifo.js";'],
    ["src/models/server/server.ts", 'import { MinHeap } from "../../kernel/heap.ts";'],
    [
      "src/models/proxy/proxysql.ts",
      'import type { EventHandle } from "../../kernel/simulation.js";',
    ],
    ["src/models/client/client.ts", 'export { WaitLine } from "../../kernel/wait-line.js";'],
    ["src/latency/compile.ts", 'import type { RandomStream } from "../kernel/random.js";'],
    ["src/scenario/run.ts", 'const q = await import("../kernel/queue.js");'],
  ])("catches %s importing a kernel internal instead of its index", (path, text) => {
    const planted = [...clean.filter((f) => f.path !== path), { path, text }];

    const violations = checkArchitecture(planted);

    expect(violations).toEqual([
      {
        file: path,
        specifier: text.match(/"([^"]+)"/)?.[1],
        rule: "outside the kernel, import it only through src/kernel/index.ts",
      },
    ]);
  });

  it("lets the kernel's own files import each other, and everyone its index", () => {
    const planted = [
      ...clean,
      { path: "src/kernel/wait-line.ts", text: 'import { Fifo } from "./fifo.js";' },
      {
        path: "src/models/proxy/cache.ts",
        text: 'import { LruTtlMap } from "../../kernel/index.js";',
      },
      {
        path: "src/scenario/run.ts",
        text: 'import type { Simulation } from "../kernel/index.ts";',
      },
    ];

    expect(checkArchitecture(planted)).toEqual([]);
  });

  it("catches the kernel importing a package other than seedrandom", () => {
    const planted = [
      ...clean,
      { path: "src/kernel/queue.ts", text: 'import TinyQueue from "tinyqueue";' },
      { path: "src/kernel/random.ts", text: 'import { z } from "zod";' },
    ];

    const violations = checkArchitecture(planted);

    expect(violations.map((v) => v.specifier)).toEqual(["tinyqueue", "zod"]);
    expect(violations.every((v) => v.rule === "the kernel imports no package but seedrandom")).toBe(
      true,
    );
  });

  it.each([
    ["import … from", 'import { Pool } from "../pool/pool.js";'],
    ["export … from", 'export * from "../pool/pool.js";'],
    ["dynamic import()", 'const p = import("../pool/pool.js");'],
    ["a deeper path", 'import { Lag } from "../../models/replication/lag.js";'],
  ])("catches a model importing another model via %s", (_form, text) => {
    const planted = [...clean, { path: "src/models/cache/cache-aside.ts", text }];

    const violations = checkArchitecture(planted);

    expect(violations).toHaveLength(1);
    expect(violations[0]?.file).toBe("src/models/cache/cache-aside.ts");
    expect(violations[0]?.rule).toMatch(/^models never import each other \(cache -> /);
  });

  it.each([
    ["src/kernel/simulation.ts", 'import { performance } from "node:perf_hooks";'],
    ["src/metrics/histogram.ts", 'import { readFileSync } from "fs";'],
    ["src/models/pool/pool.ts", 'import { join } from "path";'],
    ["src/scenario/load.ts", 'const fs = await import("node:fs/promises");'],
    ["src/scenario/load.ts", 'export { EventEmitter } from "events";'],
    ["src/index.ts", 'import { readFile } from "fs/promises";'],
  ])("catches %s importing a Node built-in", (path, text) => {
    const planted = [...clean.filter((f) => f.path !== path), { path, text }];

    const violations = checkArchitecture(planted);

    expect(violations.map((v) => v.rule)).toContain(
      "only src/cli/ and src/node/ import Node built-ins",
    );
  });

  it.each([
    [
      "src/models/pool/pool.ts",
      'import { resolve } from "../../latency/index.js";',
      "models",
      "latency",
    ],
    [
      "src/models/pool/pool.ts",
      'import type { Report } from "../../scenario/report.js";',
      "models",
      "scenario",
    ],
    [
      "src/consistency/checkers.ts",
      'import { Operation } from "../models/operation.js";',
      "consistency",
      "models",
    ],
    [
      "src/metrics/histogram.ts",
      'import { mean } from "../latency/mean.js";',
      "metrics",
      "latency",
    ],
    [
      "src/latency/table.ts",
      'import { Histogram } from "../metrics/index.js";',
      "latency",
      "metrics",
    ],
    ["src/scenario/run.ts", 'import { main } from "../cli/main.js";', "scenario", "cli"],
    [
      "src/scenario/run.ts",
      'import { sweep } from "../experiment/sweep.js";',
      "scenario",
      "experiment",
    ],
    [
      "src/placement/ring.ts",
      'import { Simulation } from "../kernel/index.js";',
      "placement",
      "kernel",
    ],
    ["src/experiment/sweep.ts", 'import { pool } from "../node/pool.js";', "experiment", "node"],
    [
      "src/playground/main.ts",
      'import { runScenario } from "../scenario/run.js";',
      "playground",
      "scenario",
    ],
    ["src/index.ts", 'export { main } from "./cli/main.js";', "index", "cli"],
  ])("catches %s importing against the layer order", (path, text, from, to) => {
    const planted = [...clean.filter((f) => f.path !== path), { path, text }];

    const violations = checkArchitecture(planted);

    expect(violations.map((v) => v.rule)).toEqual([`layer order: ${from} may not import ${to}`]);
  });

  it("lets a layer import what its dependencies may (the order is transitive)", () => {
    const planted = [
      ...clean,
      {
        path: "src/consistency/history.ts",
        text: 'import { Simulation } from "../kernel/index.js";',
      },
      { path: "src/cli/format.ts", text: 'import { describe } from "../latency/describe.js";' },
      {
        path: "src/scenario/run.ts",
        text: 'import { Router } from "../models/routing/router.js";',
      },
    ];

    expect(checkArchitecture(planted)).toEqual([]);
  });

  it("catches a browser-safe layer importing a package it may not", () => {
    const planted = [
      ...clean,
      { path: "src/models/pool/pool.ts", text: 'import * as z from "zod";' },
      { path: "src/scenario/run.ts", text: 'import { Command } from "commander";' },
      { path: "src/scenario/arb.ts", text: 'import fc from "fast-check";' },
      { path: "src/cli/main.ts", text: 'import { Command } from "commander";' },
    ];

    expect(checkArchitecture(planted).map((v) => v.rule)).toEqual([
      "layer models imports no package zod",
      "layer scenario imports no package commander",
      "layer scenario imports no package fast-check",
    ]);
  });

  it("catches a folder under src/ that is no layer", () => {
    const planted = [...clean, { path: "src/utils/x.ts", text: 'import { a } from "./a.js";' }];

    expect(checkArchitecture(planted).map((v) => v.rule)).toEqual([
      "src/utils/ is not a layer of the architecture",
    ]);
  });

  it("does not mistake a package whose name starts like a built-in for one", () => {
    const planted = [
      ...clean,
      {
        path: "src/scenario/schema.ts",
        text: 'import { z } from "zod";\nimport x from "path-browserify";',
      },
    ];

    expect(checkArchitecture(planted).map((v) => v.rule)).not.toContain(
      "only src/cli/ and src/node/ import Node built-ins",
    );
  });
});
