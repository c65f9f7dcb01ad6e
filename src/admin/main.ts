// `npm run admin -- <command>`: administration from the terminal (same database as the bot).
//   catalog:import <file.json|file.csv>   add or update produce in the catalog
//   officer:invite [--communes <codes>]   a one-time code for an extension officer (see src/admin/officers.ts)
//   officer:list | officer:revoke <id>
//   communes:households <file.csv>        households per commune, the dashboard's denominator (see src/admin/commune-households.ts)
//   db:backup <file>                      a consistent copy of the SQLite database, while the bot runs (see src/admin/backup.ts)
//   tallies:verify [--fix]                recount the dashboard's kept figures from the rows (see src/dashboard/tallies.ts)
import "../timezone.ts";
import { isPostgresUrl, loadConfig } from "../config.ts";
import { createDb } from "../db/client.ts";
import { fixTallies, formatTallyReport, verifyTallies } from "../dashboard/tallies.ts";
import { migrate } from "../db/migrate.ts";
import { BackupError, backupSqlite } from "./backup.ts";
import { importCatalog } from "./catalog-import.ts";
import { COMMUNE_HOUSEHOLDS_USAGE, CommuneHouseholdsFileError, importCommuneHouseholds } from "./commune-households.ts";
import { OFFICER_USAGE, officerCommand } from "./officers.ts";

const USAGE = `Usage: npm run admin -- <command>
  catalog:import <file.json|file.csv>   add or update produce in the catalog
${OFFICER_USAGE}
${COMMUNE_HOUSEHOLDS_USAGE}
  db:backup <file>                      a consistent copy of the SQLite database, also while the bot runs
  tallies:verify [--fix]                recount the dashboard's kept figures from the rows and compare (exit 1 on
                                        any difference); --fix rewrites them from the rows (exit 0 once they agree)`;

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
    case "tallies:verify": {
      const fix = args.includes("--fix");
      if (args.some((a) => a !== "--fix")) {
        console.error(USAGE);
        return 2;
      }
      await migrate(config.DATABASE_URL);
      const db = createDb(config.DATABASE_URL);
      try {
        const postgres = isPostgresUrl(config.DATABASE_URL);
        const reports = await verifyTallies(db, postgres);
        console.log(formatTallyReport(reports));
        const differences = reports.reduce((sum, r) => sum + r.differences.length, 0);
        if (!differences) return 0;
        if (!fix) {
          console.log(`Differences found. \`npm run admin -- tallies:verify --fix\` rewrites the kept figures from the rows.`);
          return 1;
        }
        for (const { check, written } of await fixTallies(db, reports, postgres)) console.log(`${check.name}: rewritten from the rows (${written} row(s)).`);
        const after = await verifyTallies(db, postgres);
        const left = after.reduce((sum, r) => sum + r.differences.length, 0);
        console.log(left ? `Still different after the fix:\n${formatTallyReport(after)}` : "All kept figures now equal the recount.");
        return left ? 1 : 0;
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
