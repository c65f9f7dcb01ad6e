// "Which commune?" in two steps: the household types a name (any accents, old district names too),
// then taps its commune among at most 6 matches. Lạng Sơn's 65 post-2025 units by default.
import {
  choice,
  column,
  next,
  retry,
  say,
  textStep,
  type FlowContext,
  type Step,
  type StepResult,
} from "../../src/engine/flow.ts";
import { getProvince, searchCommunes } from "../../src/lang/communes.ts";

const MAX_QUERY = 80;

interface Found {
  codes: string[];
  names: string[];
  district?: string;
}

function search(ctx: FlowContext, query: string): StepResult | null {
  const hits = query.length > MAX_QUERY ? [] : searchCommunes(ctx.provinceCode, query, 6);
  if (hits.length === 0) return null;
  const via = hits.find((h) => h.via?.kind === "old_district")?.via?.name;
  const found: Found = { codes: hits.map((h) => h.commune.code), names: hits.map((h) => h.commune.name), district: via };
  ctx.data.communeMatches = found;
  return next(stepNames.pick);
}

const stepNames = { ask: "commune", pick: "communePick" };

/** Two steps, to be placed in a flow under the names "commune" and "communePick". */
export function communeSteps(
  then: (code: string, ctx: FlowContext) => StepResult | Promise<StepResult>,
): Record<string, Step> {
  const notFound = (ctx: FlowContext, query: string) =>
    retry(
      say(
        ctx.t("register:commune.notFound", {
          query: query.slice(0, 40),
          province: getProvince(ctx.provinceCode)?.name ?? "",
        }),
      ),
    );

  const found = (text: string, ctx: FlowContext) => text.trim().length <= MAX_QUERY && searchCommunes(ctx.provinceCode, text.trim(), 1).length > 0;
  const ask = textStep({
    fits: found,
    ask: ({ t }) => say(t("register:askCommune")),
    on: (text, ctx) => search(ctx, text.trim()) ?? notFound(ctx, text.trim()),
  });

  const pick: Step = {
    accepts: ["choice", "text"],
    fits: found,
    ask: (ctx) => {
      const found = ctx.data.communeMatches as Found;
      const question = found.district
        ? ctx.t("register:commune.pickFromDistrict", { district: found.district })
        : ctx.t("register:commune.pick");
      return say(question, {
        choices: [
          // One commune found: "ok", "dung roi" take it, "ko" searches again.
          ...column(...found.codes.map((code, i) => choice(code, found.names[i], ...(found.codes.length === 1 ? (["yes"] as const) : [])))),
          [choice("again", ctx.t("register:commune.searchAgain"), "no")],
        ],
      });
    },
    answer: (input, ctx) => {
      // Typing another name here is a new search, not an error.
      if (input.kind === "text") return search(ctx, input.text.trim()) ?? notFound(ctx, input.text.trim());
      if (input.kind !== "choice") return retry();
      if (input.id === "again") return next(stepNames.ask, say(ctx.t("register:commune.typeAgain")));
      return then(input.id, ctx);
    },
  };
  return { [stepNames.ask]: ask, [stepNames.pick]: pick };
}
