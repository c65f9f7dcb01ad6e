// What an officer sees: the whole province, or their communes (named for page headings and chat).
import type { OfficerView } from "../broadcast/officers.ts";
import type { Scope } from "../broadcast/store.ts";
import { getCommune, getProvince } from "../lang/communes.ts";

type Translate = (key: string, params?: Record<string, unknown>) => string;

export function scopeOf(officer: Pick<OfficerView, "communes">, provinceCode: string): Scope {
  return { provinceCode, communes: officer.communes };
}

export function scopeLabel(t: Translate, scope: Scope): string {
  if (!scope.communes.length) return t("dashboard:scope.province", { province: getProvince(scope.provinceCode)?.name ?? scope.provinceCode });
  return t("dashboard:scope.communes", { communes: scope.communes.map((c) => getCommune(c)?.name ?? c).join(", ") });
}
