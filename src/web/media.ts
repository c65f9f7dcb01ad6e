// GET /media/:file — listing photos from the media folder. Only names the media fetcher writes
// (`<listing id>.<jpg|png|webp>`) are served, and only regular files: a symbolic link placed in the
// folder is not followed (opened with O_NOFOLLOW, then checked on the open file), so nothing outside
// the folder can ever be reached.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { FastifyReply } from "fastify";

export const MEDIA_FILE = /^[a-z0-9]+\.(jpg|png|webp)$/;
const TYPES: Record<string, string> = { jpg: "image/jpeg", png: "image/png", webp: "image/webp" };
/** a listing keeps its file name when its photo changes: a day of caching, then revalidate */
const MAX_AGE = 86_400;

export async function sendMedia(dir: string, file: string, ifModifiedSince: string | undefined, reply: FastifyReply): Promise<boolean> {
  const m = MEDIA_FILE.exec(file);
  if (!m) return false;
  const path = join(resolve(dir), file);
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (!handle) return false;
  const info = await handle.stat().catch(() => null);
  if (!info?.isFile()) {
    await handle.close();
    return false;
  }
  const modified = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
  reply
    .header("content-type", TYPES[m[1]])
    .header("cache-control", `public, max-age=${MAX_AGE}`)
    .header("last-modified", modified.toUTCString())
    .header("x-content-type-options", "nosniff");
  if (ifModifiedSince && Date.parse(ifModifiedSince) >= modified.getTime()) {
    await handle.close();
    reply.code(304).send();
    return true;
  }
  reply.header("content-length", info.size).send(handle.createReadStream());
  return true;
}
