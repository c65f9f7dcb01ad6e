// The SQLite and PostgreSQL schemas must describe the same models (only the header differs).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const models = (file: string) => {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("// ---- models");
  expect(start).toBeGreaterThan(0);
  return text.slice(start);
};

describe("prisma schemas", () => {
  it("have identical model sections for SQLite and PostgreSQL", () => {
    expect(models("prisma/postgres/schema.prisma")).toBe(models("prisma/schema.prisma"));
  });
});
