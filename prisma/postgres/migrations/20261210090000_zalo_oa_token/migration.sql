-- CreateTable
CREATE TABLE "ZaloOaToken" (
    "appId" TEXT NOT NULL,
    "accessToken" TEXT NOT NULL,
    "refreshToken" TEXT NOT NULL,
    "expiresAt" DOUBLE PRECISION NOT NULL,
    "leaseUntil" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "refreshStartedAt" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ZaloOaToken_pkey" PRIMARY KEY ("appId")
);
