/**
 * Libraries frozen into the CPX firmware that the hosted engine provides as Python sources (path under
 * the hosted module directory -> source). Found where `.frozen` sits in sys.path. None yet: the
 * peripheral modules they need come with the chip layer (see README.md).
 */
export const FROZEN_PY: Record<string, string> = {};
