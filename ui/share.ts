/**
 * Shared links: the board and code.py in the URL's fragment (never sent to a server), deflated
 * and base64url-encoded: `#board=cpx&code=...`. A teacher shares one link; every student's page
 * opens the same board with the same program.
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('it contains characters a shared link never has');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function shareLink(board: string, code: string): string {
  const url = new URL(location.href);
  url.search = '';
  url.hash = `board=${encodeURIComponent(board)}&code=${toBase64Url(deflateSync(strToU8(code), { level: 9 }))}`;
  return url.toString();
}

/** The board and code a link carries; throws with a reason for a damaged link. */
export function readShared(hash: string): { board: string | null; code: string | null } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const code = params.get('code');
  let text: string | null = null;
  if (code !== null) {
    try {
      text = strFromU8(inflateSync(fromBase64Url(code)));
    } catch (e) {
      throw new Error(`the code in it cannot be read (${(e as Error).message}); was the link cut short?`);
    }
  }
  return { board: params.get('board'), code: text };
}
