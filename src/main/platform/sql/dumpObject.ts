/**
 * Views, triggers, routines and events from a dump. They are created by the restoring account (often with
 * the file's DEFINER kept), so the file's text never reaches the server as it is: the statement is parsed
 * here and written anew — our CREATE header with the object's unqualified name, a DEFINER we quote, and
 * the file's body after the name — and the body is checked for what would let the object reach past its
 * database when it runs with its definer's rights (another schema named, dynamic SQL, account or server
 * statements).
 */
import { effectiveText, type LexOptions, lexSql, type Token } from './lexer';
import { bytesToName, chainHeads, quoteIdentBytes, readQualifiedName, StatementRefusal, TokenCursor } from './tokenCursor';

export type ObjectType = 'view' | 'trigger' | 'procedure' | 'function' | 'event';

export interface DumpObject {
  type: ObjectType;
  name: string;
  /** The file's qualifier of the name, if any (must be the file's own database). */
  qualifier: string | null;
  /** Triggers: the table, and its qualifier as written. */
  table: string | null;
  tableQualifier: string | null;
  /** `user`@`host` as we quote it, or CURRENT_USER; null when the file names none. */
  definer: string | null;
  /** The statement we write: `head` + [DEFINER=…] + `tail`; the tail is split where the database name goes. */
  head: string;
  tail: string[];
  /** Every `x.` chain head in the body that is not the object's own database: checked against the server's schemas. */
  foreignQualifiers: string[];
}

const TYPES: Record<string, ObjectType> = {
  VIEW: 'view',
  TRIGGER: 'trigger',
  PROCEDURE: 'procedure',
  FUNCTION: 'function',
  EVENT: 'event',
};

/**
 * Word sequences a restored object's body must not hold: dynamic SQL (it could run anything as the
 * definer), account and privilege changes, server-wide settings and files.
 */
const BODY_HAZARDS: string[][] = [
  ['PREPARE'],
  ['EXECUTE'],
  ['GRANT'],
  ['REVOKE'],
  ['CREATE', 'USER'],
  ['DROP', 'USER'],
  ['ALTER', 'USER'],
  ['RENAME', 'USER'],
  ['CREATE', 'ROLE'],
  ['DROP', 'ROLE'],
  ['SET', 'PASSWORD'],
  ['SET', 'GLOBAL'],
  ['SET', 'PERSIST'],
  ['SET', 'ROLE'],
  ['CREATE', 'DATABASE'],
  ['CREATE', 'SCHEMA'],
  ['DROP', 'DATABASE'],
  ['DROP', 'SCHEMA'],
  ['ALTER', 'DATABASE'],
  ['CREATE', 'SERVER'],
  ['INSTALL'],
  ['UNINSTALL'],
  ['SHUTDOWN'],
  ['KILL'],
  ['LOAD', 'DATA'],
  ['LOAD', 'XML'],
  ['LOAD_FILE'],
  ['OUTFILE'],
  ['DUMPFILE'],
  ['SONAME'],
  ['CHANGE', 'MASTER'],
  ['CHANGE', 'REPLICATION'],
  ['FLUSH'],
  ['RESET'],
  ['PURGE'],
  ['USE'],
];

function hazardIn(tokens: readonly Token[]): string | null {
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind === 'sysvar' && /^global$/i.test(t.value)) return '@@GLOBAL';
    if (t.kind !== 'word') continue;
    for (const seq of BODY_HAZARDS) {
      if (seq.every((w, j) => tokens[k + j]?.kind === 'word' && tokens[k + j]?.value.toUpperCase() === w)) return seq.join(' ');
    }
  }
  return null;
}

/**
 * Parse `CREATE … VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT` (already known to be one). `ownDatabase` is the
 * file's database when known: chain heads equal to it become the slots where the target's name goes.
 */
export function parseDumpObject(sql: string, lex: LexOptions, ownDatabase: string | null): DumpObject {
  const text = effectiveText(sql, lex);
  const tokens = [...lexSql(text, lex)];
  const cur = TokenCursor.of(tokens);
  cur.expect('CREATE');
  const orReplace = cur.accept('OR', 'REPLACE');
  let algorithm: string | null = null;
  let security: string | null = null;
  let definer: string | null = null;
  for (;;) {
    if (cur.accept('ALGORITHM')) {
      cur.acceptPunct('=');
      algorithm = wordOf(cur.next(), 'ALGORITHM');
    } else if (cur.accept('DEFINER')) {
      cur.acceptPunct('=');
      definer = readDefiner(cur);
    } else if (cur.accept('SQL', 'SECURITY')) {
      security = wordOf(cur.next(), 'SQL SECURITY');
    } else break;
  }
  cur.accept('AGGREGATE');
  const kw = cur.next();
  const type = kw?.kind === 'word' ? TYPES[kw.value.toUpperCase()] : undefined;
  if (!type) throw new StatementRefusal('could not read what the CREATE statement creates');
  cur.accept('IF', 'NOT', 'EXISTS');
  const name = readQualifiedName(cur, type);
  const bodyTokens = tokens.filter((t) => t.start >= name.end);
  let table: string | null = null;
  let tableQualifier: string | null = null;
  if (type === 'trigger') {
    const on = bodyTokens.findIndex((t) => t.kind === 'word' && t.value.toUpperCase() === 'ON');
    if (on < 0) throw new StatementRefusal('could not read the trigger table');
    const tn = readQualifiedName(TokenCursor.of(bodyTokens.slice(on + 1)), 'trigger table');
    table = bytesToName(tn.name);
    tableQualifier = tn.qualifier === null ? null : bytesToName(tn.qualifier);
  }
  const hazard = hazardIn(bodyTokens);
  if (hazard)
    throw new StatementRefusal(`its body uses ${hazard}, which could act beyond its database as ${definer ?? 'its definer'}`);
  const own = ownDatabase ?? (name.qualifier === null ? null : bytesToName(name.qualifier));
  const heads = chainHeads(bodyTokens);
  const ownSlots = heads.filter((h) => own !== null && bytesToName(h.value) === own);
  const foreign = heads.filter((h) => own === null || bytesToName(h.value) !== own).map((h) => bytesToName(h.value));
  const typeWord = (kw as Token).value.toUpperCase();
  const aggregate = type === 'function' && /AGGREGATE/i.test(text.slice(0, (kw as Token).start)) ? 'AGGREGATE ' : '';
  const head = type === 'view' ? `CREATE OR REPLACE${algorithm ? ` ALGORITHM=${algorithm}` : ''}` : 'CREATE';
  // The name as written (one identifier token: a server stores trigger and routine text as given).
  const lead = `${type === 'view' && security ? `SQL SECURITY ${security} ` : ''}${aggregate}${typeWord} ${text.slice(name.nameToken.start, name.nameToken.end)}`;
  const tail: string[] = [];
  let last = name.end;
  let piece = lead;
  for (const slot of ownSlots) {
    tail.push(piece + text.slice(last, slot.start));
    piece = '';
    last = slot.end;
  }
  tail.push(piece + text.slice(last));
  void orReplace;
  return {
    type,
    name: bytesToName(name.name),
    qualifier: name.qualifier === null ? null : bytesToName(name.qualifier),
    table,
    tableQualifier,
    definer,
    head,
    tail,
    foreignQualifiers: [...new Set(foreign)],
  };
}

function wordOf(t: Token | null, what: string): string {
  if (t?.kind !== 'word' || !/^[A-Za-z_]+$/.test(t.value)) throw new StatementRefusal(`could not read ${what}`);
  return t.value.toUpperCase();
}

/** `user@host`, `'u'@'h'`, `` `u`@`h` ``, `CURRENT_USER[()]`, or a role name — quoted our way. */
function readDefiner(cur: TokenCursor): string {
  if (cur.accept('CURRENT_USER')) {
    if (cur.acceptPunct('(') && !cur.acceptPunct(')')) throw new StatementRefusal('could not read the DEFINER');
    return 'CURRENT_USER';
  }
  const user = cur.next();
  if (!user || (user.kind !== 'word' && user.kind !== 'ident' && user.kind !== 'string'))
    throw new StatementRefusal('could not read the DEFINER');
  const host = cur.peek()?.kind === 'variable' && !cur.peek()?.spaceBefore ? cur.next() : null;
  const q = (s: string) => `\`${s.replace(/`/g, '``')}\``;
  return host ? `${q(user.value)}@${q(host.value)}` : q(user.value);
}

/** The CREATE statement for `database` (the live one, or the shadow schema for a rehearsal). */
export function writeObjectStatement(o: DumpObject, database: string, withDefiner: boolean): string {
  const definer = withDefiner && o.definer ? ` DEFINER=${o.definer}` : '';
  return `${o.head}${definer} ${o.tail.join(quoteIdentBytes(database))}`;
}
