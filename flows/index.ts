// Every conversation the bot can hold, and which one a newcomer starts with.
import type { FlowRegistry } from "../src/engine/turn.ts";
import { announce, broadcastCommands } from "./announce.ts";
import { deleteAccount } from "./delete-account.ts";
import { editProfile } from "./edit-profile.ts";
import { menu } from "./menu.ts";
import { myListings } from "./my-listings.ts";
import { register } from "./register.ts";
import { sell } from "./sell.ts";

export const registry: FlowRegistry = {
  flows: { register, editProfile, deleteAccount, sell, myListings, announce },
  onboarding: "register",
  deleteAccount: "deleteAccount",
  menu,
  commands: broadcastCommands,
};
