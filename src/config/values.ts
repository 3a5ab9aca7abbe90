import { z } from 'zod';

/** A secret value, or "env:NAME" read from the environment at start. */
export const secret = z.string().min(1).transform((value, ctx) => {
  if (!value.startsWith('env:')) return value;
  const name = value.slice(4);
  const fromEnv = process.env[name];
  if (fromEnv === undefined || fromEnv === '') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `environment variable ${name} is not set` });
    return z.NEVER;
  }
  return fromEnv;
});

export const url = z.string().url();
