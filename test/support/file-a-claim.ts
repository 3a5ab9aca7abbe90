import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { createLogger } from '../../src/logging';
import { specExample } from './qimen-push';
import type { TestService } from './test-service';

/**
 * Pushes the spec's example with 89.90 claimed and runs one dispatch round, so each configured route's
 * claim is filed on its (fake) platform. The worker's clock runs a second ahead so the claims are due.
 */
export async function pushAndFileClaims(svc: TestService): Promise<void> {
  const j = specExample();
  j.judgeResult.claimAmount = 89.9;
  await svc.push(j);
  const worker = new DispatchWorker({
    dataSource: svc.dataSource, config: svc.config, clients: createPlatformClients(svc.config), logger: createLogger({ level: 'silent' }),
    now: () => new Date(Date.now() + 1000),
  });
  await worker.runOnce();
}
