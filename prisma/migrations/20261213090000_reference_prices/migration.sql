-- Reference prices posted by officers (issue 16 part 2).
CREATE TABLE "ReferencePrice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "productId" TEXT NOT NULL,
    "priceVnd" INTEGER NOT NULL,
    "unit" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "officerId" TEXT NOT NULL,
    "replacesId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX "ReferencePrice_productId_createdAt_idx" ON "ReferencePrice"("productId", "createdAt");
