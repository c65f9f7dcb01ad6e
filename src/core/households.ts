// Households and their shops. A household is created in one go at the end of registration (never
// half-saved); personal data is removed entirely by `deleteHousehold`.
// "Đăng ký hộ": an officer may register a household in person (`registerAssisted`, no chat account,
// `openedAt` null); the household later claims it from its own chat with the same phone (`claim`).
import { randomBytes } from "node:crypto";
import type { Tx } from "../db/client.ts";
import { foldWords } from "../lang/normalize.ts";
import type { ChannelName } from "./messages.ts";
import { householdTarget } from "./notify.ts";

export const PAYMENT_METHODS = ["viettel_money", "postpay", "momo", "vnpt_money", "bank", "other", "none"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface HouseholdView {
  id: string;
  name: string;
  phone: string;
  provinceCode: string;
  communeCode: string;
  payment: PaymentMethod;
  shop: { id: string; name: string; slug: string } | null;
  /** when this person last wrote before the message being handled (set for the turn's own household) */
  seenBefore?: Date;
}

export interface NewHousehold {
  name: string;
  phone: string;
  provinceCode: string;
  communeCode: string;
  shopName: string;
  payment: PaymentMethod;
  identity: { channel: ChannelName; userKey: string; chatKey: string };
  locale: string;
}

/** What an officer enters for a household in "Đăng ký hộ": no chat account, the officer's id. */
export type AssistedHousehold = Omit<NewHousehold, "identity" | "locale"> & { officerId: string };

export class PhoneTakenError extends Error {}

const householdSelect = {
  id: true,
  name: true,
  phone: true,
  provinceCode: true,
  communeCode: true,
  payment: true,
  shop: { select: { id: true, name: true, slug: true } },
} as const;

export function households(tx: Tx) {
  return {
    async byAccount(channel: ChannelName, userKey: string): Promise<HouseholdView | null> {
      const account = await tx.channelAccount.findUnique({
        where: { channel_userKey: { channel, userKey } },
        select: { household: { select: householdSelect } },
      });
      return (account?.household as HouseholdView | null | undefined) ?? null;
    },

    /** Is this phone registered to a household other than `exceptId`? */
    async phoneTaken(phone: string, exceptId?: string): Promise<boolean> {
      const found = await tx.household.findUnique({ where: { phone }, select: { id: true } });
      return !!found && found.id !== exceptId;
    },

    async register(input: NewHousehold): Promise<HouseholdView> {
      if (await this.phoneTaken(input.phone)) throw new PhoneTakenError();
      const slug = await uniqueSlug(tx, input.shopName);
      const household = await tx.household.create({
        data: {
          name: input.name,
          phone: input.phone,
          provinceCode: input.provinceCode,
          communeCode: input.communeCode,
          payment: input.payment,
          consentAt: new Date(),
          openedAt: new Date(),
          lastChannel: input.identity.channel,
          shop: { create: { name: input.shopName, slug } },
        },
        select: householdSelect,
      });
      const { channel, userKey, chatKey } = input.identity;
      await tx.channelAccount.upsert({
        where: { channel_userKey: { channel, userKey } },
        create: { channel, userKey, chatKey, householdId: household.id, locale: input.locale },
        update: { chatKey, householdId: household.id, locale: input.locale, unreachable: false },
      });
      return household as HouseholdView;
    },

    /**
     * "Đăng ký hộ": the officer registers the household on its behalf. The household has no chat yet
     * (`lastChannel` null) and has not taken its shop in hand (`openedAt` null) until it claims it.
     */
    async registerAssisted(input: AssistedHousehold): Promise<HouseholdView> {
      if (await this.phoneTaken(input.phone)) throw new PhoneTakenError();
      const slug = await uniqueSlug(tx, input.shopName);
      const household = await tx.household.create({
        data: {
          name: input.name,
          phone: input.phone,
          provinceCode: input.provinceCode,
          communeCode: input.communeCode,
          payment: input.payment,
          consentAt: new Date(),
          openedAt: null,
          lastChannel: null,
          registeredById: input.officerId,
          shop: { create: { name: input.shopName, slug } },
        },
        select: householdSelect,
      });
      return household as HouseholdView;
    },

    /**
     * The household an officer registered for this phone, if nobody has claimed it yet. Only what may be
     * shown to whoever typed the number (the shop name is public on the shop page): no name, no commune.
     */
    async unclaimed(phone: string): Promise<{ id: string; shopName: string } | null> {
      const h = await tx.household.findUnique({
        where: { phone },
        select: {
          id: true,
          openedAt: true,
          registeredById: true,
          demo: true,
          shop: { select: { name: true } },
          _count: { select: { accounts: true } },
        },
      });
      // Synthetic demo households are never handed to a real person.
      if (!h || h.openedAt !== null || !h.registeredById || h.demo || h._count.accounts > 0) return null;
      return { id: h.id, shopName: h.shop?.name ?? "" };
    },

    /**
     * This chat takes in hand a household an officer registered. Only while it is still unclaimed: the
     * conditional update lets exactly one chat win when two try at once. Null when it was already claimed.
     */
    async claim(
      householdId: string,
      identity: NewHousehold["identity"],
      locale: string,
    ): Promise<{ household: HouseholdView; registeredById: string | null } | null> {
      const { channel, userKey, chatKey } = identity;
      const taken = await tx.household.updateMany({
        where: { id: householdId, openedAt: null },
        data: { openedAt: new Date(), lastChannel: channel },
      });
      if (taken.count !== 1) return null;
      await tx.channelAccount.upsert({
        where: { channel_userKey: { channel, userKey } },
        create: { channel, userKey, chatKey, householdId, locale },
        update: { chatKey, householdId, locale, unreachable: false },
      });
      const h = await tx.household.findUniqueOrThrow({
        where: { id: householdId },
        select: { ...householdSelect, registeredById: true },
      });
      const { registeredById, ...household } = h;
      return { household: household as HouseholdView, registeredById };
    },

    async update(
      id: string,
      patch: Partial<Pick<HouseholdView, "name" | "phone" | "communeCode" | "payment">>,
    ): Promise<void> {
      if (patch.phone && (await this.phoneTaken(patch.phone, id))) throw new PhoneTakenError();
      await tx.household.update({ where: { id }, data: patch });
    },

    /** A shop for a household that has none (its row was removed by hand): the way back to selling. */
    async openShop(householdId: string, shopName: string): Promise<HouseholdView> {
      const slug = await uniqueSlug(tx, shopName);
      await tx.shop.upsert({ where: { householdId }, create: { householdId, name: shopName, slug }, update: {} });
      return (await tx.household.findUniqueOrThrow({ where: { id: householdId }, select: householdSelect })) as HouseholdView;
    },

    async renameShop(householdId: string, name: string): Promise<void> {
      await tx.shop.update({ where: { householdId }, data: { name } });
    },

    /**
     * The household that owns this phone and the chats it can be reached on (most recently used
     * first), for linking a second channel to it.
     */
    async withPhone(phone: string) {
      return tx.household.findUnique({
        where: { phone },
        select: {
          id: true,
          name: true,
          accounts: {
            select: { channel: true, chatKey: true, locale: true, unreachable: true },
            orderBy: { lastSeenAt: "desc" },
          },
        },
      });
    },

    /** The chat to notify this household on (last-used channel first), or null. */
    target: (householdId: string, usable: (channel: string) => boolean) => householdTarget(tx, householdId, usable),

    /** This chat account now belongs to the household too (a second channel). */
    async linkAccount(householdId: string, identity: NewHousehold["identity"], locale: string): Promise<void> {
      const { channel, userKey, chatKey } = identity;
      await tx.channelAccount.upsert({
        where: { channel_userKey: { channel, userKey } },
        create: { channel, userKey, chatKey, householdId, locale },
        update: { chatKey, householdId, locale, unreachable: false },
      });
      await tx.household.update({ where: { id: householdId }, data: { lastChannel: channel } });
    },

    /** Decree 13/2023: remove everything we hold about the household, on its request. */
    async remove(id: string): Promise<void> {
      const accounts = await tx.channelAccount.findMany({ where: { householdId: id } });
      for (const a of accounts) {
        await tx.conversation.deleteMany({ where: { channel: a.channel, chatKey: a.chatKey } });
      }
      await tx.channelAccount.deleteMany({ where: { householdId: id } });
      // its words forwarded to officers (replies to announcements) go with it
      await tx.announcementReply.deleteMany({ where: { householdId: id } });
      // transfers the bank reported into its account or for its orders (their memos name the buyers)
      const orderIds = (await tx.order.findMany({ where: { shop: { householdId: id } }, select: { id: true } })).map((o) => o.id);
      await tx.bankTransfer.deleteMany({ where: { OR: [{ householdId: id }, { orderId: { in: orderIds } }] } });
      await tx.household.delete({ where: { id } });
    },
  };
}

/** "Cửa hàng Nguyễn Văn A" → "cua-hang-nguyen-van-a" (+ "-x7k2" when taken). Used in shop links. */
async function uniqueSlug(tx: Tx, shopName: string): Promise<string> {
  const base = foldWords(shopName).replace(/[^a-z0-9 ]/g, "").trim().replace(/ +/g, "-").slice(0, 40) || "shop";
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString("hex").slice(0, 4)}`;
    if (!(await tx.shop.findUnique({ where: { slug }, select: { id: true } }))) return slug;
  }
  return `${base}-${randomBytes(6).toString("hex")}`;
}
