/**
 * The study compiler, loaded on demand so that `--help`, `status` and
 * `verify` do not pay for it.
 */
export type { CheckResult, Diagnostic } from '../lang/index.js';

export type LangApi = typeof import('../lang/index.js');

export function loadLang(): Promise<LangApi> {
  return import('../lang/index.js');
}
