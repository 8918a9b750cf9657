import type { PreflightCheck } from '../../../../shared/contract/restore';
import { WAYS_OUT } from '../confinement/loadAccount';
import type { SourceInventory } from '../sources/inventory';
import type { Grants } from './grants';

/** The account's privileges, DEFINERs and confinement: the checks the preflight and the load both make. */

export interface ObjectCounts {
  views: number;
  triggers: number;
  routines: number;
  events: number;
}

export function countsOf(o: SourceInventory['objects']): ObjectCounts {
  return {
    views: o.view.length,
    triggers: o.trigger.length,
    routines: o.procedure.length + o.function.length,
    events: o.event.length,
  };
}

/**
 * Privileges on the target (and on the side schemas a restore creates and drops) for the objects the file
 * and the live database have. Used by the preflight, and again after a quick-checked dump was loaded
 * (then the file's objects are known), before the swap.
 */
export function privilegeCheck(
  grants: Grants,
  db: string,
  account: string,
  file: ObjectCounts,
  live: ObjectCounts,
): Omit<PreflightCheck, 'id'> {
  const need = ['SELECT', 'INSERT', 'CREATE', 'DROP', 'ALTER'];
  if (file.views || live.views) need.push('CREATE VIEW', 'SHOW VIEW');
  if (file.triggers || live.triggers) need.push('TRIGGER');
  if (file.routines || live.routines) need.push('CREATE ROUTINE', 'ALTER ROUTINE');
  if (file.events || live.events) need.push('EVENT');
  const missing = [
    ...grants.missing(db, need).map((p) => `${p} on ${db}`),
    ...grants
      .missing(`${db}__restore_00000000_000000`, ['CREATE', 'DROP', 'INSERT', 'ALTER', 'SELECT'])
      .map((p) => `${p} on ${db}__restore_*`),
    ...grants.missing(`${db}__prev_00000000_000000`, ['CREATE', 'DROP', 'INSERT', 'ALTER']).map((p) => `${p} on ${db}__prev_*`),
  ];
  if (missing.length) return { status: 'fail', message: `Account ${account} lacks: ${missing.join(', ')}.` };
  return {
    status: 'ok',
    message: `Account ${account} has the privileges a restore needs (${need.join(', ')}; CREATE/DROP of the side schemas).`,
  };
}

/** Keeping another account as DEFINER needs SUPER / SET USER; null when no object names another account. */
export function definerCheck(
  grants: Grants,
  account: string,
  definers: readonly string[],
  mode: 'keep' | 'strip',
): Omit<PreflightCheck, 'id'> | null {
  const others = definers.filter((d) => bareAccount(d) !== account);
  if (!others.length) return null;
  if (mode === 'keep' && !grants.canSetAnyDefiner()) {
    return {
      status: 'fail',
      message: `Objects have other DEFINERs (${others.slice(0, 3).join(', ')}) and ${account} lacks SUPER / SET USER to keep them. Restore with definer "strip" (CLI --definer strip).`,
    };
  }
  return {
    status: 'ok',
    message:
      mode === 'keep'
        ? `DEFINERs kept (${others.slice(0, 3).join(', ')}).`
        : 'DEFINERs stripped: the restoring account becomes the definer.',
  };
}

/**
 * Server-enforced confinement needs CREATE USER (the temporary load account) and GRANT OPTION on the shadow
 * schema; without them the preflight names the two ways out. Parser-only confinement is a choice, shown.
 */
export function confinementCheck(
  grants: Grants,
  db: string,
  account: string,
  mode: 'server' | 'parser-only',
): Omit<PreflightCheck, 'id'> {
  if (mode === 'parser-only')
    return {
      status: 'warn',
      message: `Parser-only confinement chosen: the file is loaded by ${account} itself, held to the statement allowlist (literal rows only); the server does not confine it. This choice is audited.`,
    };
  const missing = [
    ...(grants.global().has('CREATE USER') || grants.global().has('ALL PRIVILEGES') ? [] : ['CREATE USER']),
    ...grants.missing(`${db}__restore_00000000_000000`, ['GRANT OPTION']),
  ];
  if (missing.length)
    return {
      status: 'fail',
      code: 'RESTORE_CONFINEMENT_UNAVAILABLE',
      message: `${account} lacks ${missing.join(' and ')}, so the file cannot be loaded by a temporary account confined to the shadow schema. ${WAYS_OUT}`,
    };
  return {
    status: 'ok',
    message: 'The file is loaded by a temporary account whose only grants are on the shadow schema (dropped afterwards).',
  };
}

const bareAccount = (definer: string) => definer.replace(/[`'"]/g, '').replace(/\s+/g, '');
