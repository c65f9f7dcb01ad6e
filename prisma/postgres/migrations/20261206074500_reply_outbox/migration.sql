-- CreateTable
CREATE TABLE "ChatOutbox" (
    "id" SERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "leaseUntil" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChatOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChatOutbox_leaseUntil_nextAttemptAt_idx" ON "ChatOutbox"("leaseUntil", "nextAttemptAt");
