import { InitialSchema1763860000000 } from './1763860000000-InitialSchema';
import { Claims1763870000000 } from './1763870000000-Claims';
import { ClaimLifecycle1763875000000 } from './1763875000000-ClaimLifecycle';
import { Finance1763880000000 } from './1763880000000-Finance';
import { InlineRawBody1763890000000 } from './1763890000000-InlineRawBody';
import { ClaimWorkOrderStatus1763900000000 } from './1763900000000-ClaimWorkOrderStatus';
import { ClaimResentBlind1763910000000 } from './1763910000000-ClaimResentBlind';
import { PackageIndexJob1763920000000 } from './1763920000000-PackageIndexJob';
import { ClaimPlatformIdUnique1763935000000 } from './1763935000000-ClaimPlatformIdUnique';
import { ClaimPlatformStatusAt1763936000000 } from './1763936000000-ClaimPlatformStatusAt';
import { ClaimPlanned1763937000000 } from './1763937000000-ClaimPlanned';
import { RejectedPush1763938000000 } from './1763938000000-RejectedPush';
import { RevisionOrder1763940000000 } from './1763940000000-RevisionOrder';
import { RevisionSubFenAmount1763941000000 } from './1763941000000-RevisionSubFenAmount';
import { RejectedPushAccepted1763943000000 } from './1763943000000-RejectedPushAccepted';
import { Settlement1763942000000 } from './1763942000000-Settlement';
import { ClaimReconciliationIndex1763944000000 } from './1763944000000-ClaimReconciliationIndex';
import { ClaimSettledTotal1763945000000 } from './1763945000000-ClaimSettledTotal';
import { ReasonIds1763946000000 } from './1763946000000-ReasonIds';
import { RejectedPushProblem1763947000000 } from './1763947000000-RejectedPushProblem';

/** Every migration, oldest first. Listed explicitly so the compiled service needs no file globbing. */
export const MIGRATIONS = [InitialSchema1763860000000, Claims1763870000000, ClaimLifecycle1763875000000, Finance1763880000000, InlineRawBody1763890000000, ClaimWorkOrderStatus1763900000000, ClaimResentBlind1763910000000, PackageIndexJob1763920000000, ClaimPlatformIdUnique1763935000000, ClaimPlatformStatusAt1763936000000, ClaimPlanned1763937000000, RejectedPush1763938000000, RevisionOrder1763940000000, RevisionSubFenAmount1763941000000, Settlement1763942000000, RejectedPushAccepted1763943000000, ClaimReconciliationIndex1763944000000, ClaimSettledTotal1763945000000, ReasonIds1763946000000, RejectedPushProblem1763947000000];
