import { DanniaoJudgeDto } from '../../src/dto/danniao-judge.dto';
import { validateDto } from '../../src/dto/validate-dto';
import { DANNIAO_JUDGE_METHOD } from '../../src/handlers/danniao-judge.handler';
import type { QimenPush } from '../../src/handlers/qimen-handler';
import { sha256Hex } from '../../src/storage/canonical-json';
import { TEST_APP } from './qimen-push';

/** A danniao.judge push as the controller hands it to the handler: verified, parsed and validated. */
export function receivedPush(json: Record<string, unknown>, receivedAt = new Date()): QimenPush<DanniaoJudgeDto> {
  const body = Buffer.from(JSON.stringify(json));
  const valid = validateDto(DanniaoJudgeDto, json);
  if (!valid.ok) throw new Error(`not a valid push: ${valid.message}`);
  const push = {
    receivedAt, method: DANNIAO_JUDGE_METHOD, appKey: TEST_APP.appKey, signMethod: 'md5',
    query: new Map([['app_key', TEST_APP.appKey]]), headers: {}, body, bodySha256: sha256Hex(body),
  };
  return { push, json, dto: valid.value };
}
