// Officer administration from the terminal. Codes are printed once and stored only as a hash.
import { officers, UnknownCommuneError } from "../broadcast/officers.ts";
import { broadcasts } from "../broadcast/store.ts";
import type { Db } from "../db/client.ts";
import { getCommune } from "../lang/communes.ts";

export const OFFICER_USAGE = `  officer:invite [--communes <code,code>]   one-time invite code (7 days); no --communes = whole province
  officer:list                              officers and their scope
  officer:revoke <officer id>               end an officer's role (their unfinished announcements stop)`;

export async function officerCommand(db: Db, command: string, args: string[], provinceCode: string): Promise<number> {
  const service = officers(db);
  switch (command) {
    case "officer:invite": {
      const at = args.indexOf("--communes");
      const communes = at >= 0 ? (args[at + 1] ?? "").split(",").map((c) => c.trim()).filter(Boolean) : [];
      if (at >= 0 && communes.length === 0) return 2;
      for (const c of communes) {
        const commune = getCommune(c);
        if (!commune || commune.provinceCode !== provinceCode) {
          console.error(`Unknown commune code in province ${provinceCode}: ${c}`);
          return 1;
        }
      }
      try {
        const { code, expiresAt } = await service.invite(communes);
        const scope = communes.length ? communes.map((c) => `${c} ${getCommune(c)?.name ?? ""}`).join(", ") : "whole province";
        console.log(`Invite code: ${code}`);
        console.log(`The officer sends "/canbo ${code}" to the bot (Telegram or Zalo). Valid until ${expiresAt.toISOString()}, once. Scope: ${scope}.`);
        return 0;
      } catch (e) {
        if (e instanceof UnknownCommuneError) {
          console.error(e.message);
          return 1;
        }
        throw e;
      }
    }
    case "officer:list": {
      const all = await service.list();
      if (all.length === 0) console.log("No officers yet. Create an invite with officer:invite.");
      for (const o of all) {
        const communes = JSON.parse(o.communes) as string[];
        const scope = communes.length ? communes.join(",") : "province";
        console.log([o.id, o.channel, o.revokedAt ? `revoked ${o.revokedAt.toISOString()}` : "active", `scope=${scope}`, `since ${o.createdAt.toISOString()}`].join("\t"));
      }
      return 0;
    }
    case "officer:revoke": {
      const id = args[0];
      if (!id) return 2;
      if (!(await service.revoke(id))) {
        console.error(`No active officer with id ${id}.`);
        return 1;
      }
      const stopped = await broadcasts(db).cancelAllOf(id);
      console.log(`Officer ${id} revoked.${stopped ? ` ${stopped} unfinished announcement(s) stopped.` : ""}`);
      return 0;
    }
    default:
      return 2;
  }
}
