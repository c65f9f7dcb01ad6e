// What the engine reports as it works, for whoever watches (the app wires it to /metrics). Optional:
// without an observer the engine reports nothing. Kept to plain calls so the engine does not depend on
// a metrics library.
import type { ChannelName } from "./message.ts";

export type TurnStatus = "handled" | "duplicate" | "failed" | "dropped";
/** how one send ended: sent, told to wait (429), blocked by the person, refused, unknown, or failed */
export type SendResultKind = "ok" | "rate_limited" | "blocked" | "rejected" | "uncertain" | "error";

export interface EngineObserver {
  turn(channel: ChannelName, status: TurnStatus, seconds: number): void;
  sent(channel: ChannelName, result: SendResultKind): void;
}
