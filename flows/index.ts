// Every conversation the bot can hold, and which one a newcomer starts with.
import type { FlowRegistry } from "../src/engine/turn.ts";
import { deleteAccount } from "./delete-account.ts";
import { editProfile } from "./edit-profile.ts";
import { menu } from "./menu.ts";
import { register } from "./register.ts";

export const registry: FlowRegistry = {
  flows: { register, editProfile, deleteAccount },
  onboarding: "register",
  deleteAccount: "deleteAccount",
  menu,
};
