/**
 * The cross-border app's `/appIntf/…` endpoints answer `-4` (验证出错) on a failed signature check, but the
 * rule is not published (docs/signing.md). Auth is the `common_session_id` cookie. So the client
 * carries a signer hook that adds nothing by default; once the rule is known, a real signer replaces
 * {@link noopAppintfSigner} in the client options and nothing else changes.
 */
import { signaturesEqual } from './constant-time';

/** The parameter that carries a signature when a signer produces one. */
export const APPINTF_SIGN_PARAM = 'sign';

/** Computes the signature of the form/query params (without `sign`), or null to send no signature. */
export type AppintfSigner = (params: Readonly<Record<string, string>>) => string | null;

/** The default: the rule is unknown, so nothing is signed. */
export const noopAppintfSigner: AppintfSigner = () => null;

/** The params to send: `params`, plus `sign` when the signer produces one. */
export function applyAppintfSigner(params: Readonly<Record<string, string>>, signer: AppintfSigner): Record<string, string> {
  const { [APPINTF_SIGN_PARAM]: _dropped, ...unsigned } = params;
  const sign = signer(unsigned);
  return sign === null ? unsigned : { ...unsigned, [APPINTF_SIGN_PARAM]: sign };
}

/** Constant-time check of a received `sign` against what the signer computes over the other params. */
export function verifyAppintfSign(params: Readonly<Record<string, string>>, signer: AppintfSigner): boolean {
  const { [APPINTF_SIGN_PARAM]: received, ...unsigned } = params;
  const expected = signer(unsigned);
  if (expected === null) return true;
  return typeof received === 'string' && signaturesEqual(expected, received);
}
