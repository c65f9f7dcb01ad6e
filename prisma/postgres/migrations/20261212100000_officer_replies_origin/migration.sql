-- Replies to announcements forwarded to the officer (issue 20 part 5)
CREATE TABLE "AnnouncementReply" (
    "id" SERIAL NOT NULL,
    "officerId" TEXT NOT NULL,
    "broadcastId" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnnouncementReply_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "AnnouncementReply_officerId_createdAt_idx" ON "AnnouncementReply"("officerId", "createdAt");
CREATE INDEX "AnnouncementReply_householdId_idx" ON "AnnouncementReply"("householdId");
CREATE INDEX "OutboxMessage_chatKey_idx" ON "OutboxMessage"("chatKey");

-- Officer sessions listed on /canbo (issue 22 part 6)
ALTER TABLE "OfficerSession" ADD COLUMN "userAgent" TEXT NOT NULL DEFAULT '';

-- Protected place names of catalog products (issue 20 part 6)
ALTER TABLE "Product" ADD COLUMN "protectedName" TEXT;
ALTER TABLE "Product" ADD COLUMN "protectedAreas" TEXT NOT NULL DEFAULT '[]';
