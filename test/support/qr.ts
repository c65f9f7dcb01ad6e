// Reading a QR code back from a PNG (the VietQR of an order), with jsqr + pngjs.
import jsqrModule from "jsqr";
import { PNG } from "pngjs";

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
// jsqr is CommonJS with an ES-style default export: depending on the loader the default import is the
// function itself or the module object holding it.
const jsQR = ((jsqrModule as unknown as { default?: Decode }).default ?? jsqrModule) as unknown as Decode;

/** The text of the QR code in a PNG, or undefined when none is found. */
export function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}
