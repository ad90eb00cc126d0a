import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { isBefore } from '../shared/time.ts';
import type { Price } from './price.schema.ts';
import type { Promotion } from './promotion.schema.ts';

// A price or promotion whose period ends before it starts never applies, which nobody notices until a
// customer complains; mixed currencies would compare cents with yen.

/** Checks a price: one currency, sale price not above list price, a period that ends after it starts. */
export function priceProblems(price: Price): Problems {
  let out: Problem[] | undefined;
  const sale = price.salePrice;
  if (sale !== undefined) {
    if (sale.currency !== price.listPrice.currency) {
      out = addProblem(out, '/salePrice/currency', `sale price is in ${sale.currency}, list price in ${price.listPrice.currency}`);
    } else if (sale.amount > price.listPrice.amount) {
      out = addProblem(out, '/salePrice/amount', 'sale price is above the list price');
    }
  }
  if (price.effectiveTo !== undefined && !isBefore(price.effectiveFrom, price.effectiveTo)) {
    out = addProblem(out, '/effectiveTo', 'effectiveTo must be after effectiveFrom');
  }
  return out ?? noProblems;
}

/** Checks a promotion: a period that ends after it starts, one currency, something to qualify for buy X get Y. */
export function promotionProblems(promotion: Promotion): Problems {
  let out: Problem[] | undefined;
  if (promotion.effectiveTo !== undefined && !isBefore(promotion.effectiveFrom, promotion.effectiveTo)) {
    out = addProblem(out, '/effectiveTo', 'effectiveTo must be after effectiveFrom');
  }
  const benefit = promotion.benefit;
  const minBasket = promotion.conditions.minBasket;
  const benefitMoney = benefit.kind === 'amount_off' ? benefit.amountOff : benefit.kind === 'fixed_price' ? benefit.price : undefined;
  if (benefitMoney !== undefined && minBasket !== undefined && benefitMoney.currency !== minBasket.currency) {
    out = addProblem(out, '/conditions/minBasket/currency', `minimum basket is in ${minBasket.currency}, the benefit in ${benefitMoney.currency}`);
  }
  if (benefit.kind === 'amount_off' && minBasket !== undefined && benefit.amountOff.amount > minBasket.amount && benefit.amountOff.currency === minBasket.currency) {
    out = addProblem(out, '/benefit/amountOff/amount', 'the amount off exceeds the minimum basket, which would make baskets negative');
  }
  const conditions = promotion.conditions;
  if ((benefit.kind === 'buy_x_get_y' || benefit.kind === 'fixed_price') && conditions.skus === undefined && conditions.categories === undefined) {
    out = addProblem(out, '/conditions', `a ${benefit.kind} promotion needs qualifying skus or categories`);
  }
  return out ?? noProblems;
}
