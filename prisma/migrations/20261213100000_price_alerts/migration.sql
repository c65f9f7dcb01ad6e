-- Buyer price alerts (issue 16 part 4).
CREATE TABLE "PriceAlert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "productId" TEXT NOT NULL,
    "communeCode" TEXT,
    "maxPriceVnd" INTEGER,
    "channel" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'vi',
    "consentAt" DATETIME NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "PriceAlert_token_key" ON "PriceAlert"("token");
CREATE UNIQUE INDEX "PriceAlert_channel_chatKey_productId_key" ON "PriceAlert"("channel", "chatKey", "productId");
CREATE INDEX "PriceAlert_productId_idx" ON "PriceAlert"("productId");

CREATE TABLE "PriceAlertNotice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "PriceAlertNotice_channel_chatKey_productId_day_key" ON "PriceAlertNotice"("channel", "chatKey", "productId", "day");
CREATE INDEX "PriceAlertNotice_createdAt_idx" ON "PriceAlertNotice"("createdAt");

CREATE TABLE "AlertCursor" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL
);
