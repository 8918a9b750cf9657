import type { ObjectType } from '../../../platform/sql/dumpObject';

/** The session settings an object was defined under; they are stored with it and must be replayed. */
export interface ObjectContext {
  sqlMode: string;
  characterSetClient: string;
  collationConnection: string;
  timeZone: string | null;
  /** The database collation the object was created with (routines, triggers, events keep it). */
  databaseCollation: string | null;
}

/**
 * A view, trigger, routine or event to (re)create: its CREATE statement as a byte string (latin1 form of
 * the original bytes, see connect.ts) and the context to run it in. Used for the backup's objects, created
 * after the swap, and for the live objects saved before it (rollback).
 */
export interface CapturedObject {
  type: ObjectType;
  name: string;
  /** For triggers: the table they belong to. */
  table: string | null;
  sql: string;
  context: ObjectContext;
}

/**
 * An object from the file: statements we wrote after parsing it (dumpObject.ts), for the live database with
 * and without its DEFINER, and for a rehearsal in the shadow schema under the temporary load account.
 */
export interface DumpedObject extends CapturedObject {
  sqlWithoutDefiner: string;
  rehearsal: string;
}

/** Creation order: views may call functions, triggers and events may call routines and read views. */
export const CREATION_ORDER: readonly ObjectType[] = ['function', 'procedure', 'view', 'trigger', 'event'];

export function countObjects(objects: readonly CapturedObject[]): {
  views: number;
  triggers: number;
  routines: number;
  events: number;
} {
  const n = (t: ObjectType) => objects.filter((o) => o.type === t).length;
  return { views: n('view'), triggers: n('trigger'), routines: n('procedure') + n('function'), events: n('event') };
}
