-- CreateTable
CREATE TABLE "RateCount" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "windowStart" REAL NOT NULL,
    "count" INTEGER NOT NULL
);
