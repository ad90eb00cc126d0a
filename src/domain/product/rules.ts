import { isValidGtin } from '../shared/primitives.ts';
import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { isBefore } from '../shared/time.ts';
import type { Item, Product } from './product.schema.ts';

// A barcode with a wrong check digit scans as another product or not at all, and duplicate SKUs make
// orders and stock ambiguous; the schema can only check the shape, so these rules check the meaning.

/** Checks one item's rules (GTIN check digits); pointers are relative to the item. */
export function itemProblems(item: Item): Problems {
  return checkItem(item, '', undefined) ?? noProblems;
}

/** Checks a product's rules: its items' GTINs, unique SKUs, GTINs and option combinations, declared options. */
export function productProblems(product: Product): Problems {
  let out: Problem[] | undefined;
  const items = product.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    out = checkItem(item, `/items/${i}`, out);
    for (let o = 0; o < item.options.length; o++) {
      const name = item.options[o]!.name;
      if (!product.optionNames.includes(name)) {
        out = addProblem(out, `/items/${i}/options/${o}/name`, `option "${name}" is not one of the product's optionNames`);
      }
    }
    for (let j = 0; j < i; j++) {
      const other = items[j]!;
      if (other.sku === item.sku) out = addProblem(out, `/items/${i}/sku`, `SKU ${item.sku} is also used by /items/${j}`);
      if (other.id === item.id) out = addProblem(out, `/items/${i}/id`, `item id is also used by /items/${j}`);
      for (let g = 0; g < item.gtins.length; g++) {
        if (other.gtins.includes(item.gtins[g]!)) out = addProblem(out, `/items/${i}/gtins/${g}`, `GTIN ${item.gtins[g]} is also used by /items/${j}`);
      }
      if (item.options.length > 0 && sameOptions(item, other)) {
        out = addProblem(out, `/items/${i}/options`, `same option values as /items/${j}; each item needs its own combination`);
      }
    }
    if (product.status === 'discontinued' && item.status === 'active') {
      out = addProblem(out, `/items/${i}/status`, 'a discontinued product cannot have active items');
    }
  }
  if (isBefore(product.updatedAt, product.createdAt)) out = addProblem(out, '/updatedAt', 'updatedAt is before createdAt');
  return out ?? noProblems;
}

function checkItem(item: Item, base: string, out: Problem[] | undefined): Problem[] | undefined {
  for (let g = 0; g < item.gtins.length; g++) {
    const gtin = item.gtins[g]!;
    if (!isValidGtin(gtin)) out = addProblem(out, `${base}/gtins/${g}`, `GTIN ${gtin} has a wrong check digit`);
  }
  return out;
}

function sameOptions(a: Item, b: Item): boolean {
  if (a.options.length !== b.options.length) return false;
  for (const option of a.options) {
    if (!b.options.some((other) => other.name === option.name && other.value === option.value)) return false;
  }
  return true;
}
