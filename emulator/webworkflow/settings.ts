/**
 * What settings.toml's CIRCUITPY_WEB_API_PASSWORD means for the web workflow. The file is read the way
 * CircuitPython's os.getenv reads it (firmware-runtime/fs/settings-toml.ts).
 */
import { getenvString } from '../../firmware-runtime/fs/settings-toml.js';

/**
 * The longest password the web workflow can use. CircuitPython keeps ":" + password, base64-encoded in
 * place, in a 64-byte buffer (web_workflow.c, _api_password): beyond 44 bytes the encoding does not
 * fit and the board's check no longer compares a base64 text, so no normal client can log in.
 */
export const MAX_PASSWORD_BYTES = 44;

export type PasswordSetting = { kind: 'none' } | { kind: 'unusable'; reason: string } | { kind: 'set'; authorization: string };

/** What CIRCUITPY_WEB_API_PASSWORD in `settings` (null: no settings.toml) means for the web workflow. */
export function webApiPassword(settings: Uint8Array | null): PasswordSetting {
  const password = settings && getenvString(settings, 'CIRCUITPY_WEB_API_PASSWORD');
  if (!password) return { kind: 'none' };
  if (password.length > MAX_PASSWORD_BYTES) {
    return { kind: 'unusable', reason: `CIRCUITPY_WEB_API_PASSWORD is ${password.length} bytes long; CircuitPython's web workflow can use at most ${MAX_PASSWORD_BYTES}` };
  }
  // The whole Authorization value the board accepts: Basic auth with an empty user name.
  const userPass = Uint8Array.of(0x3a /* : */, ...password);
  let binary = '';
  for (const b of userPass) binary += String.fromCharCode(b);
  return { kind: 'set', authorization: `Basic ${btoa(binary)}` };
}
