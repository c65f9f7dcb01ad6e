-- CreateTable
CREATE TABLE "HeldNotice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "orderId" TEXT,
    "znsAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "HeldNotice_channel_chatKey_idx" ON "HeldNotice"("channel", "chatKey");

-- CreateIndex
CREATE INDEX "HeldNotice_orderId_idx" ON "HeldNotice"("orderId");
