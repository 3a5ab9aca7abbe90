import { FINANCE_MAX_BODY_BYTES } from '../api/body-limits';
import { CALLBACK_MAX_BODY_BYTES } from '../callbacks/limits';
import type { Config } from '../config/schema';

/**
 * One process's share of the machine-wide limits when `processes` processes serve one port: the rate
 * limits and the in-flight body budgets (Qimen, callbacks, finance API) are divided among them, so the
 * machine as a whole keeps to the configured figures (the primary hands connections out in turn, so each
 * process sees about 1/n of them). A budget's share never falls below one body of the largest size allowed.
 */
export function processShare(config: Config, processes: number): Config {
  if (processes <= 1) return config;
  const per = (n: number | undefined) => (n === undefined ? undefined : n / processes);
  const limits = config.rateLimits;
  const budget = (bytes: number, largestBody: number) => Math.max(largestBody, Math.floor(bytes / processes));
  return {
    ...config,
    qimen: { ...config.qimen, maxInFlightBodyBytes: budget(config.qimen.maxInFlightBodyBytes, config.qimen.maxBodyBytes) },
    callbacks: { ...config.callbacks, maxInFlightBodyBytes: budget(config.callbacks.maxInFlightBodyBytes, CALLBACK_MAX_BODY_BYTES) },
    finance: { ...config.finance, maxInFlightBodyBytes: budget(config.finance.maxInFlightBodyBytes, FINANCE_MAX_BODY_BYTES) },
    rateLimits: limits && {
      ...limits,
      qimen: limits.qimen && { ...limits.qimen, perAppKeyPerSecond: per(limits.qimen.perAppKeyPerSecond), perIpPerSecond: per(limits.qimen.perIpPerSecond) },
      callbacks: limits.callbacks && { ...limits.callbacks, perIpPerSecond: per(limits.callbacks.perIpPerSecond) },
    },
  };
}
