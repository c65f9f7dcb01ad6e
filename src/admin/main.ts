// `npm run admin -- <command>`: administration from the terminal (same database as the bot).
//   catalog:import <file.json|file.csv>   add or update produce in the catalog
//   officer:invite [--communes <codes>]   a one-time code for an extension officer (see src/admin/officers.ts)
//   officer:list | officer:revoke <id>
import "../timezone.ts";
import { loadConfig } from "../config.ts";
import { createDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { importCatalog } from "./catalog-import.ts";
import { OFFICER_USAGE, officerCommand } from "./officers.ts";

const USAGE = `Usage: npm run admin -- <command>
  catalog:import <file.json|file.csv>   add or update produce in the catalog
${OFFICER_USAGE}`;

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  const config = loadConfig();
  switch (command) {
    case "catalog:import": {
      if (!args[0]) {
        console.error(USAGE);
        return 2;
      }
      await migrate(config.DATABASE_URL);
      const db = createDb(config.DATABASE_URL);
      try {
        const { created, updated } = await importCatalog(db, args[0]);
        console.log(`Catalog imported from ${args[0]}: ${created} new, ${updated} updated.`);
      } finally {
        await db.$disconnect();
      }
      return 0;
    }
    case "officer:invite":
    case "officer:list":
    case "officer:revoke": {
      await migrate(config.DATABASE_URL);
      const db = createDb(config.DATABASE_URL);
      try {
        const code = await officerCommand(db, command, args, config.PROVINCE_CODE);
        if (code === 2) console.error(USAGE);
        return code;
      } finally {
        await db.$disconnect();
      }
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
