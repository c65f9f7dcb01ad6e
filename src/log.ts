// Structured logs (pino). Never log message texts, phone numbers or addresses: only keys, timings and
// outcomes. The redact list is a safety net for fields that might slip in.
import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level = process.env.LOG_LEVEL ?? "info", toStderr = false): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: { paths: ["phone", "*.phone", "text", "*.text", "address", "*.address", "contact", "*.contact"], censor: "[redacted]" },
  };
  return toStderr ? pino(options, pino.destination(2)) : pino(options);
}
