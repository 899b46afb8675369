export * from './cost-estimator';
// The prices' interface only; the default prices and the model's constants are internal.
export type { CostPrices } from './cost-prices';
