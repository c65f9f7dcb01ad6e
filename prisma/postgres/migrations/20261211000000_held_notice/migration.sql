-- CreateTable
CREATE TABLE "HeldNotice" (
    "id" SERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "orderId" TEXT,
    "znsAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HeldNotice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HeldNotice_channel_chatKey_idx" ON "HeldNotice"("channel", "chatKey");

-- CreateIndex
CREATE INDEX "HeldNotice_orderId_idx" ON "HeldNotice"("orderId");
