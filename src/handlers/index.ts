import { danniaoJudgeHandler } from './danniao-judge.handler';
import type { QimenHandler } from './qimen-handler';

/** Qimen methods we answer, by `method` query parameter. A method not here gets `invalid-method`. */
export const QIMEN_HANDLERS: ReadonlyMap<string, QimenHandler> = new Map<string, QimenHandler>(
  [danniaoJudgeHandler as QimenHandler].map((h) => [h.method, h]),
);
