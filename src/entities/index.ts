import { AuditLog } from './audit-log.entity';
import { CallbackInbox } from './callback-inbox.entity';
import { Claim } from './claim.entity';
import { ClaimAttempt } from './claim-attempt.entity';
import { ClaimEvent } from './claim-event.entity';
import { JudgmentRevision } from './judgment-revision.entity';
import { PackageIndexJob } from './package-index-job.entity';
import { RawPush } from './raw-push.entity';
import { RawPushChunk } from './raw-push-chunk.entity';
import { RejectedPush } from './rejected-push.entity';
import { ResponsibilityPackage } from './responsibility-package.entity';
import { Settlement } from './settlement.entity';
import { WorkOrder } from './work-order.entity';

export { AuditLog, CallbackInbox, Claim, ClaimAttempt, ClaimEvent, JudgmentRevision, PackageIndexJob, RawPush, RawPushChunk, RejectedPush, ResponsibilityPackage, Settlement, WorkOrder };

export { CLAIM_STATUSES, type ClaimStatus } from './claim.entity';

export const ENTITIES = [WorkOrder, JudgmentRevision, ResponsibilityPackage, PackageIndexJob, RawPush, RawPushChunk, Claim, ClaimAttempt, ClaimEvent, CallbackInbox, AuditLog, RejectedPush, Settlement];
