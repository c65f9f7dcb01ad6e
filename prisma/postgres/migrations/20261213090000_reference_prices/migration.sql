-- Reference prices posted by officers (issue 16 part 2).
CREATE TABLE "ReferencePrice" (
    "id" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "priceVnd" INTEGER NOT NULL,
    "unit" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "officerId" TEXT NOT NULL,
    "replacesId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReferencePrice_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ReferencePrice_productId_createdAt_idx" ON "ReferencePrice"("productId", "createdAt");
