// Imports run one way and never in a circle. From the top down:
//   app (composition) → edges (channels, HTTP, web, broadcast delivery, admin) → flows → engine → core
//   (domain, dashboard figures, broadcast records) → db → base (lang, i18n, config, log)
// The flows import the engine's flow API (flow.ts, turn.ts); the engine gets the flows only as the
// registry the app hands it, so it never imports them. Core tells people things through a port
// (core/notify.ts NotifyPort) that the app wires to the engine, so core never imports the engine.
//
// The scanner is TypeScript's own pre-processor (ts.preProcessFile: every import, export-from and dynamic
// import of a file, comments ignored), TypeScript being already a dev dependency; type-only imports
// count too, as they do for `npx madge --circular`, because a type from above is a dependency on above.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SCANNED = ["src", "flows"];
/** Prisma's generated client: not ours, and cyclic by construction. */
const SKIPPED = ["src/generated/"];

/** From the bottom up: a file may import from its own layer or any layer below, never above. */
const LAYERS: Array<{ name: string; paths: string[] }> = [
  { name: "base", paths: ["src/lang/", "src/i18n/", "src/config.ts", "src/api-keys.ts", "src/log.ts", "src/timezone.ts", "src/links.ts"] },
  { name: "db", paths: ["src/db/", "src/generated/"] },
  {
    name: "core",
    paths: ["src/core/", "src/carriers/port.ts", "src/carriers/areas.ts", "src/carriers/text.ts", "src/dashboard/", "src/broadcast/store.ts", "src/broadcast/officers.ts", "src/broadcast/bucket.ts", "src/broadcast/announcement.ts", "src/broadcast/replies.ts"],
  },
  { name: "engine", paths: ["src/engine/"] },
  { name: "flows", paths: ["flows/"] },
  { name: "edges", paths: ["src/channels/", "src/carriers/", "src/http/", "src/web/", "src/broadcast/service.ts", "src/broadcast/options.ts", "src/broadcast/report.ts", "src/broadcast/senders.ts", "src/broadcast/alerts.ts", "src/broadcast/reminders.ts", "src/broadcast/personal.ts", "src/admin/", "src/tools/"] },
  { name: "app", paths: ["src/app.ts", "src/app-channels.ts", "src/main.ts"] },
];

function layerOf(file: string): number {
  return LAYERS.findIndex((l) => l.paths.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir), { recursive: true, encoding: "utf8" })
    .map((f) => `${dir}/${f.split("\\").join("/")}`)
    .filter((f) => f.endsWith(".ts") && !SKIPPED.some((s) => f.startsWith(s)));
}

/** file → the project files it imports (repository-relative paths); packages and node: are left out. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SCANNED.flatMap(sourceFiles)) {
    const text = readFileSync(resolve(ROOT, file), "utf8");
    const targets = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((i) => i.fileName)
      .filter((spec) => spec.startsWith("."))
      .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)).split("\\").join("/"));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle reachable in the graph, each as the path that closes it (a → b → … → a). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

describe("import layering (src, flows)", () => {
  const graph = importGraph();

  it("sees the imports (the scanner is not blind)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("src/app.ts")).toContain("src/engine/engine.ts");
    expect(graph.get("src/core/households.ts")).toContain("src/core/notify.ts");
  });

  it("every import points at a file that exists", () => {
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !SKIPPED.some((s) => t.startsWith(s)) && !existsSync(resolve(ROOT, t))).map((t) => `${file} → ${t}`));
    expect(missing).toEqual([]);
  });

  it("every file belongs to a layer", () => {
    expect([...graph.keys()].filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it("no file imports from a layer above its own", () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((t) => layerOf(t) > layerOf(file))
        .map((t) => `${file} (${LAYERS[layerOf(file)].name}) → ${t} (${LAYERS[layerOf(t)].name})`),
    );
    expect(upward).toEqual([]);
  });

  it("no import cycle", () => {
    expect(cycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });
});
