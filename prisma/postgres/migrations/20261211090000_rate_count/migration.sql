-- CreateTable
CREATE TABLE "RateCount" (
    "key" TEXT NOT NULL,
    "windowStart" DOUBLE PRECISION NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "RateCount_pkey" PRIMARY KEY ("key")
);
