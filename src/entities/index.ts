import { JudgmentRevision } from './judgment-revision.entity';
import { RawPush } from './raw-push.entity';
import { RawPushChunk } from './raw-push-chunk.entity';
import { ResponsibilityPackage } from './responsibility-package.entity';
import { WorkOrder } from './work-order.entity';

export { JudgmentRevision, RawPush, RawPushChunk, ResponsibilityPackage, WorkOrder };

export const ENTITIES = [WorkOrder, JudgmentRevision, ResponsibilityPackage, RawPush, RawPushChunk];
