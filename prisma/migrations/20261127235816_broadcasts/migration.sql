-- CreateTable
CREATE TABLE "Officer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "userKey" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "communes" TEXT NOT NULL DEFAULT '[]',
    "locale" TEXT NOT NULL DEFAULT 'vi',
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "OfficerInvite" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "codeHash" TEXT NOT NULL,
    "communes" TEXT NOT NULL DEFAULT '[]',
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "officerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AnnouncementOptOut" (
    "householdId" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AnnouncementOptOut_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Broadcast" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "number" INTEGER NOT NULL,
    "officerId" TEXT NOT NULL,
    "officerChannel" TEXT NOT NULL,
    "officerChatKey" TEXT NOT NULL,
    "officerLocale" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "photoRef" TEXT,
    "photoChannel" TEXT,
    "audience" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "scheduledAt" DATETIME NOT NULL,
    "leaseUntil" REAL NOT NULL DEFAULT 0,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "total" INTEGER NOT NULL DEFAULT 0,
    "optedOut" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "progressDone" INTEGER NOT NULL DEFAULT 0,
    "progressAt" REAL NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "broadcastId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" REAL NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "error" TEXT
);

-- CreateTable
CREATE TABLE "RateBucket" (
    "channel" TEXT NOT NULL PRIMARY KEY,
    "tokens" REAL NOT NULL,
    "updatedAt" REAL NOT NULL,
    "pausedUntil" REAL NOT NULL DEFAULT 0
);

-- CreateIndex
CREATE UNIQUE INDEX "Officer_channel_userKey_key" ON "Officer"("channel", "userKey");

-- CreateIndex
CREATE UNIQUE INDEX "OfficerInvite_codeHash_key" ON "OfficerInvite"("codeHash");

-- CreateIndex
CREATE UNIQUE INDEX "Broadcast_number_key" ON "Broadcast"("number");

-- CreateIndex
CREATE INDEX "Broadcast_status_scheduledAt_idx" ON "Broadcast"("status", "scheduledAt");

-- CreateIndex
CREATE INDEX "Broadcast_officerId_createdAt_idx" ON "Broadcast"("officerId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_status_leaseUntil_idx" ON "OutboxMessage"("channel", "status", "leaseUntil");

-- CreateIndex
CREATE INDEX "OutboxMessage_broadcastId_status_idx" ON "OutboxMessage"("broadcastId", "status");
