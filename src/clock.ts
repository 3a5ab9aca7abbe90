/** The time, as every part of the service reads it: a function, so tests can give their own. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
