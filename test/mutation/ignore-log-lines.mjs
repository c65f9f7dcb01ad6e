// @ts-check
// Stryker ignorer "log-lines" (see docs/testing.md): log lines are not mutated. What a log line says or
// carries is no guard, no test reads it (the few logs that are an outcome, such as the warning that a
// new order reached nobody, have tests anyway), and every surviving log mutant ran all the group's
// tests that reach it, most of them end-to-end: minutes each for the engine and its delivery.
//
// Ignored: a call `<x>.log.<level>(…)`, `log.<level>(…)` or `<x>.logFor(…).<level>(…)` (pino: trace … fatal, and child loggers),
// and an arrow function or a catch block that only makes such calls (`.catch((err) => this.log.error(…))`).
import { declareValuePlugin, PluginKind } from "@stryker-mutator/api/plugin";

const LOGGER_METHODS = new Set(["trace", "debug", "info", "warn", "error", "fatal", "child"]);

/** @param {any} node */
function isLogCall(node) {
  if (node?.type !== "CallExpression") return false;
  const callee = node.callee;
  if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier") return false;
  if (!LOGGER_METHODS.has(callee.property.name)) return false;
  const target = callee.object;
  if (target.type === "Identifier") return target.name === "log";
  // a logger made for one message: `this.logFor(inbound).info(…)` (engine.ts)
  if (target.type === "CallExpression") return target.callee.type === "MemberExpression" && !target.callee.computed && target.callee.property.name === "logFor";
  return target.type === "MemberExpression" && !target.computed && target.property.type === "Identifier" && target.property.name === "log";
}

/** @param {any} body an arrow function's body: one log call, or a block of log calls only */
function onlyLogs(body) {
  if (body.type !== "BlockStatement") return isLogCall(body);
  return body.body.length > 0 && body.body.every((/** @type {any} */ s) => s.type === "ExpressionStatement" && isLogCall(s.expression));
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, "log-lines", {
    /** @param {any} path */
    shouldIgnore(path) {
      const node = path.node;
      if (isLogCall(node)) return "a log line: what it says is no guard";
      if (node.type === "ArrowFunctionExpression" && onlyLogs(node.body)) return "a callback that only logs";
      if (node.type === "CatchClause" && onlyLogs(node.body)) return "a catch that only logs";
      return undefined;
    },
  }),
];
