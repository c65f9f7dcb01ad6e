-- Price alerts asked for on the web by phone (issue 16): waiting until a chat account has the phone.
CREATE TABLE "PhoneAlert" (
    "id" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "communeCode" TEXT,
    "maxPriceVnd" INTEGER,
    "locale" TEXT NOT NULL DEFAULT 'vi',
    "consentAt" TIMESTAMP(3) NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PhoneAlert_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PhoneAlert_token_key" ON "PhoneAlert"("token");
CREATE UNIQUE INDEX "PhoneAlert_phone_productId_key" ON "PhoneAlert"("phone", "productId");
