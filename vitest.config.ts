import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One process runs the files one after another and keeps the libraries it loaded (Prisma, fastify,
    // grammY, zod…): loading them again for each of 130 files took a fifth of the suite's time. Each
    // file still builds its own app, database and fakes. A file that replaces a module (vi.mock)
    // imports what uses it after vi.resetModules(), since an earlier file may have loaded it already.
    isolate: false,
    globalSetup: ["test/support/global-setup.ts"],
    env: { TZ: "Asia/Ho_Chi_Minh" },
  },
});
