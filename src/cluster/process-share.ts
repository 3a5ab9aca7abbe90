import type { Config } from '../config/schema';

/**
 * One process's share of the machine-wide limits when `processes` processes serve one port: the rate
 * limits and the in-flight body budget are divided among them, so the machine as a whole keeps to the
 * configured figures (the primary hands connections out in turn, so each process sees about 1/n of them).
 * A share never falls below one body of the largest size allowed.
 */
export function processShare(config: Config, processes: number): Config {
  if (processes <= 1) return config;
  const per = (n: number | undefined) => (n === undefined ? undefined : n / processes);
  const limits = config.rateLimits;
  return {
    ...config,
    qimen: { ...config.qimen, maxInFlightBodyBytes: Math.max(config.qimen.maxBodyBytes, Math.floor(config.qimen.maxInFlightBodyBytes / processes)) },
    rateLimits: limits && {
      ...limits,
      qimen: limits.qimen && { ...limits.qimen, perAppKeyPerSecond: per(limits.qimen.perAppKeyPerSecond), perIpPerSecond: per(limits.qimen.perIpPerSecond) },
      callbacks: limits.callbacks && { ...limits.callbacks, perIpPerSecond: per(limits.callbacks.perIpPerSecond) },
    },
  };
}
