// Order codes are random (DH + 6 characters) and unique: a code that is already taken is drawn again,
// at most 4 draws in all, inside the order's transaction (on PostgreSQL a failed insert would abort it). The random source is replaced here so that a collision happens on purpose: the
// bytes 0 give "DH222222", the bytes 1 "DH333333" (the first two characters of the code alphabet).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

vi.mock("node:crypto", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:crypto")>();
  return { ...real, randomBytes: vi.fn(real.randomBytes) };
});

const testDb = useTestDatabase();
// Loaded afresh, so that it draws from the replaced module: the suite's files share one module
// registry, and an earlier file may have loaded orders.ts with the real randomBytes.
let orders: typeof import("../src/core/orders.ts").orders;
const BUYER = { name: "Đinh Thị Xuân", phone: "+84986135790", address: "Số 77 ngõ Trạm", area: "Hà Nội" };
let listingId: string;

/** The code draws (6 bytes) answer with these fills, one per draw; tokens (24 bytes) stay random. */
function codeDraws(...fills: number[]) {
  const real = vi.mocked(randomBytes).getMockImplementation()! as (size: number) => Buffer;
  const draws: number[] = [];
  vi.mocked(randomBytes).mockImplementation(((size: number) => {
    if (size !== 6) return real(size);
    const fill = fills[Math.min(draws.length, fills.length - 1)];
    draws.push(fill);
    return Buffer.alloc(6, fill);
  }) as typeof randomBytes);
  return draws;
}

const place = (buyer = BUYER) =>
  testDb.db.$transaction((tx) => orders(tx).place({ listingId, quantity: 1, buyer, buyerChannel: "web", source: "web" }));
const stock = async () => (await testDb.db.listing.findUniqueOrThrow({ where: { id: listingId } })).stockMilli;

// The files after this one, in the same process, must get the real random source and an orders.ts that
// uses it: without this, the next file to place orders drew "DH222222" four times and failed.
afterAll(() => {
  vi.doUnmock("node:crypto");
  vi.resetModules();
});

beforeAll(async () => {
  vi.resetModules();
  ({ orders } = await import("../src/core/orders.ts"));
  const h = await testDb.db.household.create({
    data: {
      name: "Hoàng Văn An",
      phone: "+84918801801",
      provinceCode: "20",
      communeCode: "06463",
      payment: "none",
      consentAt: new Date(),
      shop: { create: { name: "Hồi Văn An", slug: "hoi-van-an-code" } },
    },
    include: { shop: true },
  });
  const l = await testDb.db.listing.create({ data: { shopId: h.shop!.id, title: "Hoa hồi khô", unit: "kg", stockMilli: 10_000, displayUnit: "kg", priceVnd: 80_000 } });
  listingId = l.id;
});

// Each test takes codes of its own (fills 0 and 1; 2), so that they hold in any order.
describe(`order codes (${usePostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("a code already taken is drawn again", async () => {
    const before = await stock();
    codeDraws(0);
    const first = await place();
    expect(first.ok && first.order.code).toBe("DH222222");

    const draws = codeDraws(0, 1);
    const second = await place();
    expect(second.ok && second.order.code).toBe("DH333333");
    expect(draws).toEqual([0, 1]);
    expect(await stock()).toBe(before - 2_000);
  });

  it("after 4 draws that are all taken the order fails, and reserves nothing", async () => {
    // another buyer, so that the caps on one buyer's unanswered orders stay out of it
    const buyer = { ...BUYER, phone: "+84986135791" };
    codeDraws(2);
    const taken = await place(buyer);
    expect(taken.ok && taken.order.code).toBe("DH444444");
    const before = await stock();
    const draws = codeDraws(2);
    await expect(place(buyer)).rejects.toThrow();
    expect(draws).toEqual([2, 2, 2, 2]);
    expect(await stock()).toBe(before);
  });
});
