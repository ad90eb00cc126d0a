import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { examplePrice, examplePromotion } from '../events/example-objects.ts';
import { priceProblems, promotionProblems } from './rules.ts';
import type { Price } from './price.schema.ts';
import type { Promotion } from './promotion.schema.ts';

const pricePointers = (change: (price: Price) => void): string[] => {
  const copy = structuredClone(examplePrice);
  change(copy);
  return priceProblems(copy).map((p) => p.pointer);
};
const promotionPointers = (change: (promotion: Promotion) => void): string[] => {
  const copy = structuredClone(examplePromotion);
  change(copy);
  return promotionProblems(copy).map((p) => p.pointer);
};

describe('priceProblems', () => {
  it('accepts a valid price', () => {
    assert.deepEqual(priceProblems(examplePrice), []);
    assert.deepEqual(pricePointers((p) => { p.salePrice = { amount: 9999, currency: 'EUR' }; }), []);
  });

  it('rejects a sale price above the list price or in another currency', () => {
    assert.deepEqual(pricePointers((p) => { p.salePrice = { amount: 13999, currency: 'EUR' }; }), ['/salePrice/amount']);
    assert.deepEqual(pricePointers((p) => { p.salePrice = { amount: 9999, currency: 'USD' }; }), ['/salePrice/currency']);
  });

  it('rejects a period that ends before it starts', () => {
    assert.deepEqual(pricePointers((p) => { p.effectiveTo = p.effectiveFrom; }), ['/effectiveTo']);
  });
});

describe('promotionProblems', () => {
  it('accepts a valid promotion', () => {
    assert.deepEqual(promotionProblems(examplePromotion), []);
  });

  it('requires effectiveFrom before effectiveTo', () => {
    assert.deepEqual(promotionPointers((p) => { p.effectiveTo = '2026-11-15T22:59:59Z'; }), ['/effectiveTo']);
    assert.deepEqual(promotionPointers((p) => { delete p.effectiveTo; }), []);
  });

  it('keeps the benefit and the minimum basket in one currency', () => {
    assert.deepEqual(promotionPointers((p) => {
      p.benefit = { kind: 'amount_off', amountOff: { amount: 500, currency: 'EUR' } };
      p.conditions.minBasket = { amount: 5000, currency: 'USD' };
    }), ['/conditions/minBasket/currency']);
  });

  it('rejects an amount off larger than the minimum basket', () => {
    assert.deepEqual(promotionPointers((p) => {
      p.benefit = { kind: 'amount_off', amountOff: { amount: 5000, currency: 'EUR' } };
      p.conditions.minBasket = { amount: 2000, currency: 'EUR' };
    }), ['/benefit/amountOff/amount']);
  });

  it('needs qualifying items for buy X get Y', () => {
    assert.deepEqual(promotionPointers((p) => {
      p.benefit = { kind: 'buy_x_get_y', buyQuantity: 2, getQuantity: 1, getPercentOff: 10000 };
      p.conditions = {};
    }), ['/conditions']);
  });
});
