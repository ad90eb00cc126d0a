import Type, { type Static } from 'typebox';
import { Attributes, ExternalRefs, Gtin, Instant, NonNegativeQuantity, Sku } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { asField, objectOptions } from '../shared/schema-options.ts';

// Products and their sellable items (variants). Orders, prices and stock refer to the item's SKU, which
// every system understands; the product groups items for catalogue display and merchandising.

/** One level of the merchandise hierarchy; codes are stable, names are for people and change. */
export const HierarchyNode = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 50, description: 'Stable code in the retailer\'s hierarchy.' }),
    name: Type.Optional(Type.String({ maxLength: 200, description: 'Display name of the level; may change while the code stays.' })),
  },
  objectOptions('HierarchyNode', 'One level of the merchandise hierarchy.'),
);
/** One level of the merchandise hierarchy. */
export type HierarchyNode = Static<typeof HierarchyNode>;

/** Where a product sits in the merchandise hierarchy; promotions and reporting select by these codes. */
export const ProductHierarchy = Type.Object(
  {
    department: Type.Optional(asField(HierarchyNode, 'Top level of the hierarchy (e.g. Menswear).')),
    category: Type.Optional(asField(HierarchyNode, 'Category within the department (e.g. Outerwear).')),
    class: Type.Optional(asField(HierarchyNode, 'Class within the category (e.g. Jackets).')),
    subclass: Type.Optional(asField(HierarchyNode, 'Subclass within the class (e.g. Rain jackets).')),
  },
  objectOptions('ProductHierarchy', 'Department / category / class / subclass path of a product.'),
);
/** Where a product sits in the merchandise hierarchy. */
export type ProductHierarchy = Static<typeof ProductHierarchy>;

/** The value of one option dimension for an item (`size` = `M`). */
export const OptionValue = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, description: 'Option dimension, declared in the product\'s optionNames.', examples: ['size', 'colour'] }),
    value: Type.String({ minLength: 1, maxLength: 100, description: 'The item\'s value in that dimension.', examples: ['M', 'navy'] }),
  },
  objectOptions('OptionValue', 'The value of one option dimension for an item.'),
);
/** The value of one option dimension for an item. */
export type OptionValue = Static<typeof OptionValue>;

/** The unit one quantity of an item counts; weighed or measured goods use the smallest unit so quantities stay integers. */
export const UnitOfMeasure = Type.Enum(['each', 'pair', 'pack', 'set', 'g', 'ml', 'mm'], {
  description: 'Unit one quantity counts. Weighed or measured goods use g, ml or mm so quantities stay integers.',
});
/** The unit one quantity of an item counts. */
export type UnitOfMeasure = Static<typeof UnitOfMeasure>;

/** Whether an item or product can still be sold and replenished. */
export const ProductStatus = Type.Enum(['active', 'discontinued'], {
  description: 'Discontinued items sell out their stock but are not reordered or offered anew.',
});
/** Whether an item or product can still be sold. */
export type ProductStatus = Static<typeof ProductStatus>;

/** A sellable item (variant): what an order line, a price and a stock position refer to, by SKU. */
export const Item = Type.Object(
  {
    id: CanonicalId('item'),
    sku: Sku,
    gtins: Type.Array(Gtin, { maxItems: 20, uniqueItems: true, description: 'Barcodes of the item; several when packaging or supplier differ.' }),
    name: Type.Optional(Type.String({ maxLength: 300, description: 'Variant title, when it differs from the product name.' })),
    options: Type.Array(OptionValue, { maxItems: 10, description: 'What makes this item differ from its siblings: one value per option name of the product.' }),
    unitOfMeasure: UnitOfMeasure,
    weightGrams: Type.Optional(Type.Integer({ minimum: 0, description: 'Shipping weight in grams (integer).' })),
    taxClass: Type.String({
      minLength: 1,
      maxLength: 50,
      description: 'Tax class or tax engine product code; the tax engine turns it into rates per jurisdiction.',
      examples: ['standard', 'reduced', 'PC040100'],
    }),
    packSize: Type.Optional(Type.With(NonNegativeQuantity, { minimum: 1, description: 'Units in one pack, for items sold in packs.' })),
    status: ProductStatus,
    externalRefs: ExternalRefs,
    attributes: Type.Optional(Attributes),
  },
  objectOptions('Item', 'A sellable item (variant) of a product.'),
);
/** A sellable item (variant) of a product. */
export type Item = Static<typeof Item>;

/** A product: the catalogue entry that groups its items and places them in the hierarchy. */
export const Product = Type.Object(
  {
    id: CanonicalId('product'),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Style or model number shared by the items.' })),
    name: Type.String({ minLength: 1, maxLength: 300, description: 'Product name as customers see it in shops and on receipts.' }),
    description: Type.Optional(Type.String({ maxLength: 20000, description: 'Customer-facing product description, as the source system holds it.' })),
    brand: Type.Optional(Type.String({ maxLength: 100, description: 'Brand name the product is sold under.' })),
    hierarchy: ProductHierarchy,
    optionNames: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
      maxItems: 5,
      uniqueItems: true,
      description: 'The option dimensions its items vary by, in display order.',
      examples: [['size', 'colour']],
    }),
    items: Type.Array(Item, { minItems: 1, maxItems: 2000, description: 'The sellable items (variants) of the product; at least one.' }),
    status: ProductStatus,
    externalRefs: ExternalRefs,
    attributes: Type.Optional(Attributes),
    createdAt: Instant('When the product was created in the source system'),
    updatedAt: Instant('When the product or one of its items last changed'),
  },
  objectOptions('Product', 'A product and its sellable items.'),
);
/** A product and its sellable items. */
export type Product = Static<typeof Product>;
