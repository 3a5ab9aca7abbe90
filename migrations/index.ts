import { InitialSchema1763860000000 } from './1763860000000-InitialSchema';

/** Every migration, oldest first. Listed explicitly so the compiled service needs no file globbing. */
export const MIGRATIONS = [InitialSchema1763860000000];
