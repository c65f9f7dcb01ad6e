-- CreateTable
CREATE TABLE "Officer" (
    "id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "userKey" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "communes" TEXT NOT NULL DEFAULT '[]',
    "locale" TEXT NOT NULL DEFAULT 'vi',
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Officer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfficerInvite" (
    "id" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "communes" TEXT NOT NULL DEFAULT '[]',
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "officerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OfficerInvite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnnouncementOptOut" (
    "householdId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnnouncementOptOut_pkey" PRIMARY KEY ("householdId")
);

-- CreateTable
CREATE TABLE "Broadcast" (
    "id" TEXT NOT NULL,
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
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "leaseUntil" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "total" INTEGER NOT NULL DEFAULT 0,
    "optedOut" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "progressDone" INTEGER NOT NULL DEFAULT 0,
    "progressAt" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Broadcast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" SERIAL NOT NULL,
    "broadcastId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "error" TEXT,

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateBucket" (
    "channel" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updatedAt" DOUBLE PRECISION NOT NULL,
    "pausedUntil" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "RateBucket_pkey" PRIMARY KEY ("channel")
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

-- AddForeignKey
ALTER TABLE "AnnouncementOptOut" ADD CONSTRAINT "AnnouncementOptOut_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE CASCADE ON UPDATE CASCADE;
