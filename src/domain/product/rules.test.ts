import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exampleProduct } from '../events/example-objects.ts';
import { itemProblems, productProblems } from './rules.ts';
import type { Product } from './product.schema.ts';

const edit = (change: (product: Product) => void): Product => {
  const copy = structuredClone(exampleProduct);
  change(copy);
  return copy;
};
const pointers = (product: Product): string[] => productProblems(product).map((p) => p.pointer);

describe('productProblems', () => {
  it('accepts a valid product', () => {
    assert.deepEqual(productProblems(exampleProduct), []);
  });

  it('rejects GTINs with a wrong check digit', () => {
    const product = edit((p) => { p.items[1]!.gtins = ['4260123450022']; });
    const problems = productProblems(product);
    assert.deepEqual(problems.map((p) => p.pointer), ['/items/1/gtins/0']);
    assert.match(problems[0]!.message, /check digit/);
  });

  it('rejects SKUs, GTINs and option combinations used twice', () => {
    const product = edit((p) => {
      p.items[2]!.sku = p.items[0]!.sku;
      p.items[2]!.gtins = [...p.items[0]!.gtins];
      p.items[2]!.options = structuredClone(p.items[0]!.options).reverse();
    });
    assert.deepEqual(pointers(product), ['/items/2/sku', '/items/2/gtins/0', '/items/2/options']);
  });

  it('requires option names the product declares', () => {
    assert.deepEqual(pointers(edit((p) => { p.items[0]!.options[1]!.name = 'color'; })), ['/items/0/options/1/name']);
  });

  it('allows no active items on a discontinued product', () => {
    assert.deepEqual(pointers(edit((p) => {
      p.status = 'discontinued';
      p.items[0]!.status = 'discontinued';
      p.items[1]!.status = 'discontinued';
    })), ['/items/2/status']);
  });
});

describe('itemProblems', () => {
  it('checks GTIN check digits of a single item', () => {
    const item = structuredClone(exampleProduct.items[0]!);
    assert.deepEqual(itemProblems(item), []);
    item.gtins.push('4006381333932', '4006381333931');
    assert.deepEqual(itemProblems(item).map((p) => p.pointer), ['/gtins/1']);
  });
});
