-- Truthful origin (issue 20 part 6): catalog products get generic names; a protected place name
-- (Na Chi Lăng, a registered collective mark; Quýt vàng Bắc Sơn) stays only on listings of households
-- of its area (the old Chi Lăng and Bắc Sơn districts: the communes they became in 2025). Listings
-- still titled with the old catalog name are retitled from their household's commune; titles a
-- household typed itself are left alone.

UPDATE "Product" SET "name" = 'Na', "protectedName" = 'Na Chi Lăng', "protectedAreas" = '["06463","06475","06481","06496","06505","06517"]' WHERE "id" = 'na-chi-lang';
UPDATE "Listing" SET "title" = CASE
    WHEN (SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = "Listing"."shopId") IN ('06463', '06475', '06481', '06496', '06505', '06517') THEN 'Na Chi Lăng'
    ELSE 'Na' END
WHERE "productId" = 'na-chi-lang' AND "title" = 'Na Chi Lăng';

UPDATE "Product" SET "name" = 'Na dai', "protectedName" = 'Na dai Chi Lăng', "protectedAreas" = '["06463","06475","06481","06496","06505","06517"]' WHERE "id" = 'na-dai';
UPDATE "Listing" SET "title" = CASE
    WHEN (SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = "Listing"."shopId") IN ('06463', '06475', '06481', '06496', '06505', '06517') THEN 'Na dai Chi Lăng'
    ELSE 'Na dai' END
WHERE "productId" = 'na-dai' AND "title" = 'Na dai Chi Lăng';

UPDATE "Product" SET "name" = 'Na bở', "protectedName" = 'Na bở Chi Lăng', "protectedAreas" = '["06463","06475","06481","06496","06505","06517"]' WHERE "id" = 'na-bo';
UPDATE "Listing" SET "title" = CASE
    WHEN (SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = "Listing"."shopId") IN ('06463', '06475', '06481', '06496', '06505', '06517') THEN 'Na bở Chi Lăng'
    ELSE 'Na bở' END
WHERE "productId" = 'na-bo' AND "title" = 'Na bở Chi Lăng';

UPDATE "Product" SET "name" = 'Quýt vàng', "protectedName" = 'Quýt vàng Bắc Sơn', "protectedAreas" = '["06325","06337","06349","06364","06367","06376"]' WHERE "id" = 'quyt-vang-bac-son';
UPDATE "Listing" SET "title" = CASE
    WHEN (SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = "Listing"."shopId") IN ('06325', '06337', '06349', '06364', '06367', '06376') THEN 'Quýt vàng Bắc Sơn'
    ELSE 'Quýt vàng' END
WHERE "productId" = 'quyt-vang-bac-son' AND "title" = 'Quýt vàng Bắc Sơn';
