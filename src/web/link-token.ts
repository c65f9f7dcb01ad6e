// The random tokens that are the only key of a link (an order's status page, a label, an alert's stop
// link): checked for shape before any database lookup, so junk never reaches a query.
export const LINK_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;
