// deploy/grafana-dashboard.json queries only metrics the app registers (src/http/metrics.ts), so a
// renamed metric cannot leave an empty panel behind; and every metric the app defines itself is on it.
import { readFileSync } from "node:fs";
import Fastify from "fastify";
import type { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetrics, registerMetrics } from "../src/http/metrics.ts";

interface Panel {
  title?: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}
const dashboard = JSON.parse(readFileSync(new URL("../deploy/grafana-dashboard.json", import.meta.url), "utf8")) as { panels: Panel[] };
const panels = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
const exprs = panels(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title ?? "", expr: t.expr })));

/** The registry as the app builds it (the database is only read at scrape time, and nothing scrapes here). */
function appRegistry(): Registry {
  const metrics = createMetrics({} as never);
  registerMetrics(Fastify(), metrics, "unused-token-0123456789");
  return metrics.registry;
}

/** The registered metric a series name belongs to: a histogram's _bucket, _sum and _count are its own. */
function metricOf(registry: Registry, series: string): string | undefined {
  if (registry.getSingleMetric(series)) return series;
  const base = series.replace(/_(bucket|sum|count)$/, "");
  const m = registry.getSingleMetric(base) as { type?: string } | undefined;
  return m?.type === "histogram" ? base : undefined;
}

describe("deploy/grafana-dashboard.json", () => {
  const registry = appRegistry();
  const used = exprs.flatMap(({ panel, expr }) => [...expr.matchAll(/\bchoso_[a-z0-9_]+/g)].map((m) => ({ panel, series: m[0] })));

  it("queries only metric names the app registers", () => {
    expect(exprs.length).toBeGreaterThan(10);
    const unknown = used.filter((u) => !metricOf(registry, u.series));
    expect(unknown).toEqual([]);
  });

  it("shows every metric the app defines itself (not only the process defaults)", () => {
    const own = registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name).filter((n) => !/^choso_(process|nodejs)_/.test(n));
    const shown = new Set(used.map((u) => metricOf(registry, u.series)));
    expect(own.filter((n) => !shown.has(n))).toEqual([]);
    expect(own).toContain("choso_http_request_duration_seconds");
  });
});
