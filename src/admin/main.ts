// `npm run admin -- <command>`: administration from the terminal (same database as the bot).
//   catalog:import <file.json|file.csv>   add or update produce in the catalog
//   officer:invite [--communes <codes>]   a one-time code for an extension officer (see src/admin/officers.ts)
//   officer:list | officer:revoke <id>
//   communes:households <file.csv>        households per commune, the dashboard's denominator (see src/admin/commune-households.ts)
//   db:backup <file>                      a consistent copy of the SQLite database, while the bot runs (see src/admin/backup.ts)
import "../timezone.ts";
import { loadConfig } from "../config.ts";
import { createDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { BackupError, backupSqlite } from "./backup.ts";
import { importCatalog } from "./catalog-import.ts";
import { COMMUNE_HOUSEHOLDS_USAGE, CommuneHouseholdsFileError, importCommuneHouseholds } from "./commune-households.ts";
import { OFFICER_USAGE, officerCommand } from "./officers.ts";

const USAGE = `Usage: npm run admin -- <command>
  catalog:import <file.json|file.csv>   add or update produce in the catalog
${OFFICER_USAGE}
${COMMUNE_HOUSEHOLDS_USAGE}
  db:backup <file>                      a consistent copy of the SQLite database, also while the bot runs`;

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
    case "communes:households": {
      if (!args[0]) {
        console.error(USAGE);
        return 2;
      }
      await migrate(config.DATABASE_URL);
      const db = createDb(config.DATABASE_URL);
      try {
        const { set, withoutTotal, communes } = await importCommuneHouseholds(db, args[0], config.PROVINCE_CODE);
        console.log(
          `Commune households imported from ${args[0]}: ${set} commune(s) set. ${communes - withoutTotal} of ${communes} communes of province ${config.PROVINCE_CODE} now have a total${withoutTotal ? ` (${withoutTotal} without: no percentage on the dashboard)` : ""}.`,
        );
        return 0;
      } catch (e) {
        if (e instanceof CommuneHouseholdsFileError) {
          console.error(e.message);
          return 1;
        }
        throw e;
      } finally {
        await db.$disconnect();
      }
    }
    case "db:backup": {
      if (!args[0]) {
        console.error(USAGE);
        return 2;
      }
      try {
        const { file, bytes, counts } = await backupSqlite(config.DATABASE_URL, args[0]);
        console.log(`Backed up to ${file} (${(bytes / 1048576).toFixed(1)} MB; checked): ${counts.households} households, ${counts.listings} listings, ${counts.orders} orders.`);
        return 0;
      } catch (e) {
        if (e instanceof BackupError) {
          console.error(e.message);
          return 1;
        }
        throw e;
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
