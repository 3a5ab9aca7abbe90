import { type Clock, systemClock } from '../clock';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';
import { ReconciliationRules, reconciliationRules } from '../domain/reconciliation';
import { ViewCache } from './view-cache';

/** What every finance route reads: the database, the config, the clock and the reconciliation rules. */
export interface FinanceContext {
  dataSource: DataSource;
  config: Config;
  now(): Date;
  /** The rules in force now (a submitted claim's staleness moves with the clock). */
  rules(): ReconciliationRules;
  /** Platform clients, for operator actions that reach a platform (cancel on appintf). */
  clients?: ReadonlyMap<string, DuplicateAwareClient>;
  /** The aggregate views' answers, shared by the requests of this process (cleared by the finance API's own changes). */
  views: ViewCache;
}

export function financeContext(
  dataSource: DataSource, config: Config, now: Clock = systemClock, clients?: ReadonlyMap<string, DuplicateAwareClient>,
): FinanceContext {
  return { dataSource, config, now, clients, views: new ViewCache(config.finance.viewCacheSeconds * 1000), rules: () => reconciliationRules(config.routes, config.finance.submittedStaleDays, now(), config.finance.unsettledStaleDays) };
}
