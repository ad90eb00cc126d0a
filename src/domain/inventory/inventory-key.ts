// Stock is ordered and projected per SKU × location: that pair is the aggregate key (CloudEvents
// subject) of every inventory event. Location ids never contain `@`, so the last `@` splits the key
// even for SKUs that contain one.

/** The aggregate key of a SKU at a location: `<sku>@<loc_id>`. */
export function inventoryKey(sku: string, locationId: string): string {
  return `${sku}@${locationId}`;
}

/** Splits an inventory key into SKU and location id; undefined when it is not one. */
export function parseInventoryKey(key: string): { sku: string; locationId: string } | undefined {
  const at = key.lastIndexOf('@');
  if (at <= 0 || at === key.length - 1) return undefined;
  return { sku: key.slice(0, at), locationId: key.slice(at + 1) };
}
