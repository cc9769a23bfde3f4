/**
 * `--epoch`: the wall-clock date a board starts at (Machine.epoch), as whole seconds since
 * 1970-01-01 UTC or an ISO 8601 date (2024-05-01, 2024-05-01T12:00:00Z; a time needs its zone,
 * so the same flag means the same date on every CI machine).
 */
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The epoch `text` names, or an error message. */
export function parseEpoch(text: string): number | string {
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else if (ISO.test(text)) seconds = Math.floor(Date.parse(text) / 1000);
  else return `--epoch must be seconds since 1970 or a date such as 2024-05-01 or 2024-05-01T12:00:00Z (with its zone), not '${text}'`;
  // SYS_TIME answers in 32 bits; 0 is what programs take for "no clock".
  if (!(seconds > 0 && seconds < 2 ** 32)) return `--epoch must be after 1970-01-01 and before 2106-02-07, not '${text}'`;
  return seconds;
}
