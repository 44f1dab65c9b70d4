/**
 * What every repository is built with, plus small helpers they share.
 * @module
 */
import type { Database } from "./open.ts";
import type { SecretBox } from "./secret_box.ts";

/** Shared inputs of the repository factories. */
export interface RepoContext {
  readonly db: Database;
  readonly box: SecretBox;
  /** Epoch milliseconds; injectable so tests can move time. */
  readonly now: () => number;
}

/** The case-insensitive key a name is unique and looked up by. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** Epoch milliseconds as an ISO 8601 string, as the API shows times. */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A copy of `obj` without its `undefined` properties, so a patch only sets what it names. */
export function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
