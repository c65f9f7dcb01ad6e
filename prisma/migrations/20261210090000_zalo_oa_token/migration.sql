-- CreateTable
CREATE TABLE "ZaloOaToken" (
    "appId" TEXT NOT NULL PRIMARY KEY,
    "accessToken" TEXT NOT NULL,
    "refreshToken" TEXT NOT NULL,
    "expiresAt" REAL NOT NULL,
    "leaseUntil" REAL NOT NULL DEFAULT 0,
    "refreshStartedAt" REAL NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
