/** Our claim statuses that a platform's own status can move a claim to (`dead` is dispatch's own). */
export type MappedClaimStatus = 'pending' | 'submitted' | 'accepted' | 'rejected' | 'completed' | 'cancelled';
