-- DropIndex
DROP INDEX "Household_communeCode_idx";

-- AlterTable
ALTER TABLE "Household" ADD COLUMN     "demo" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "openedAt" TIMESTAMP(3),
ADD COLUMN     "registeredById" TEXT;

-- AlterTable
ALTER TABLE "Officer" ADD COLUMN     "name" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "CommuneHouseholds" (
    "communeCode" TEXT NOT NULL,
    "households" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CommuneHouseholds_pkey" PRIMARY KEY ("communeCode")
);

-- CreateTable
CREATE TABLE "OfficerLogin" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "officerId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OfficerLogin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfficerSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "officerId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OfficerSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OfficerLogin_tokenHash_key" ON "OfficerLogin"("tokenHash");

-- CreateIndex
CREATE INDEX "OfficerLogin_expiresAt_idx" ON "OfficerLogin"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "OfficerSession_tokenHash_key" ON "OfficerSession"("tokenHash");

-- CreateIndex
CREATE INDEX "OfficerSession_officerId_idx" ON "OfficerSession"("officerId");

-- CreateIndex
CREATE INDEX "OfficerSession_expiresAt_idx" ON "OfficerSession"("expiresAt");

-- CreateIndex
CREATE INDEX "Household_communeCode_createdAt_idx" ON "Household"("communeCode", "createdAt");

-- CreateIndex
CREATE INDEX "Household_provinceCode_createdAt_idx" ON "Household"("provinceCode", "createdAt");

-- CreateIndex
CREATE INDEX "Household_registeredById_idx" ON "Household"("registeredById");

-- CreateIndex
CREATE INDEX "Order_createdAt_idx" ON "Order"("createdAt");


-- Everyone registered so far registered themselves: their shops are open.
UPDATE "Household" SET "openedAt" = "createdAt" WHERE "openedAt" IS NULL;
