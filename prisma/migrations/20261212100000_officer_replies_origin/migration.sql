-- Replies to announcements forwarded to the officer (issue 20 part 5)
CREATE TABLE "AnnouncementReply" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "officerId" TEXT NOT NULL,
    "broadcastId" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "answeredAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "AnnouncementReply_officerId_createdAt_idx" ON "AnnouncementReply"("officerId", "createdAt");
CREATE INDEX "AnnouncementReply_householdId_idx" ON "AnnouncementReply"("householdId");
CREATE INDEX "OutboxMessage_chatKey_idx" ON "OutboxMessage"("chatKey");

-- Officer sessions listed on /canbo (issue 22 part 6)
ALTER TABLE "OfficerSession" ADD COLUMN "userAgent" TEXT NOT NULL DEFAULT '';

-- Protected place names of catalog products (issue 20 part 6)
ALTER TABLE "Product" ADD COLUMN "protectedName" TEXT;
ALTER TABLE "Product" ADD COLUMN "protectedAreas" TEXT NOT NULL DEFAULT '[]';
