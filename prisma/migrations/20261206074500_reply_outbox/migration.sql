-- CreateTable
CREATE TABLE "ChatOutbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" REAL NOT NULL DEFAULT 0,
    "leaseUntil" REAL NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "ChatOutbox_leaseUntil_nextAttemptAt_idx" ON "ChatOutbox"("leaseUntil", "nextAttemptAt");
