-- CreateTable
CREATE TABLE "CommuneHouseholds" (
    "communeCode" TEXT NOT NULL PRIMARY KEY,
    "households" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OfficerLogin" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "officerId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "OfficerSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "officerId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Household" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "provinceCode" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "payment" TEXT NOT NULL,
    "consentAt" DATETIME NOT NULL,
    "lastChannel" TEXT,
    "registeredById" TEXT,
    "openedAt" DATETIME,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Household" ("communeCode", "consentAt", "createdAt", "id", "lastChannel", "name", "payment", "phone", "provinceCode", "updatedAt") SELECT "communeCode", "consentAt", "createdAt", "id", "lastChannel", "name", "payment", "phone", "provinceCode", "updatedAt" FROM "Household";
DROP TABLE "Household";
ALTER TABLE "new_Household" RENAME TO "Household";
CREATE UNIQUE INDEX "Household_phone_key" ON "Household"("phone");
CREATE INDEX "Household_communeCode_createdAt_idx" ON "Household"("communeCode", "createdAt");
CREATE INDEX "Household_provinceCode_createdAt_idx" ON "Household"("provinceCode", "createdAt");
CREATE INDEX "Household_registeredById_idx" ON "Household"("registeredById");
CREATE TABLE "new_Officer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "userKey" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "communes" TEXT NOT NULL DEFAULT '[]',
    "locale" TEXT NOT NULL DEFAULT 'vi',
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Officer" ("channel", "chatKey", "communes", "createdAt", "id", "locale", "revokedAt", "userKey") SELECT "channel", "chatKey", "communes", "createdAt", "id", "locale", "revokedAt", "userKey" FROM "Officer";
DROP TABLE "Officer";
ALTER TABLE "new_Officer" RENAME TO "Officer";
CREATE UNIQUE INDEX "Officer_channel_userKey_key" ON "Officer"("channel", "userKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "OfficerLogin_tokenHash_key" ON "OfficerLogin"("tokenHash");

-- CreateIndex
CREATE INDEX "OfficerLogin_expiresAt_idx" ON "OfficerLogin"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "OfficerSession_tokenHash_key" ON "OfficerSession"("tokenHash");

-- CreateIndex
CREATE INDEX "OfficerSession_officerId_idx" ON "OfficerSession"("officerId");

-- CreateIndex
CREATE INDEX "OfficerSession_expiresAt_idx" ON "OfficerSession"("expiresAt");

-- CreateIndex
CREATE INDEX "Order_createdAt_idx" ON "Order"("createdAt");

-- Everyone registered so far registered themselves: their shops are open.
UPDATE "Household" SET "openedAt" = "createdAt" WHERE "openedAt" IS NULL;
