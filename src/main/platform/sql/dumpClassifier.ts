/**
 * What a dump statement is, judged on tokens against an allowlist of what dump tools write (mysqldump,
 * mariadb-dump, mydumper, our own backups): rows and DDL of the file's own tables, session settings,
 * objects of its own database, and furniture the restore skips (LOCK TABLES, GTID, accounts). Anything
 * else is `refused` with the reason — the restore runs none of it. Names are checked here; that a name is
 * the file's own database (and not a second one) is the caller's decision, which knows the file's database.
 *
 * Statements are "byte strings" (latin1-decoded bytes): names come back as real UTF-8 names.
 */

import { type DumpObject, type ObjectType, parseDumpObject } from './dumpObject';
import type { SplitStatement } from './dumpStatement';
import { charsetOf, checkLiteralRows, checkTableOptions, hasSemicolon, skipParens } from './dumpTokenChecks';
import { type LexOptions, LexRefusal, lexSql, type Token } from './lexer';
import { plainInsertOf } from './plainInsert';
import { judgeSet, type SetSession } from './setStatement';
import { SIDE_EFFECTS, WordScan } from './sideEffects';
import { bytesToName, chainHeads, type QualifiedName, readQualifiedName, StatementRefusal, TokenCursor } from './tokenCursor';

export type { ObjectType } from './dumpObject';

/** A qualifier as written: its name and where its token is (to point it at the shadow schema). */
export interface QualifierRef {
  name: string;
  start: number;
  end: number;
}

export type DumpStatement =
  | {
      kind: 'insert';
      table: string;
      qualifier: string | null;
      verb: 'INSERT' | 'INSERT IGNORE' | 'REPLACE';
      hasColumnList: boolean;
      /** Span of the (qualified) table name in the statement. */
      nameStart: number;
      nameEnd: number;
    }
  | { kind: 'create-table'; table: string; qualifiers: QualifierRef[] }
  | { kind: 'drop-table'; tables: string[]; qualifiers: QualifierRef[] }
  | { kind: 'alter-table'; table: string; qualifiers: QualifierRef[]; keysOnly: boolean }
  /** `SELECT SETVAL(s, …)` / `DO SETVAL(s, …)` on an unqualified sequence: how dumps restore a sequence's state. */
  | { kind: 'sequence-state' }
  /** Session settings, rewritten by us from the checked tokens (`sql` is what runs). */
  | { kind: 'session'; sql: string; noBackslashEscapes: boolean | null }
  | { kind: 'global-set'; what: string }
  | { kind: 'lock' }
  | { kind: 'transaction' }
  | { kind: 'use'; database: string }
  | { kind: 'create-database'; database: string; charset: string | null; collation: string | null }
  | { kind: 'alter-database'; database: string | null; charset: string | null; collation: string | null }
  | { kind: 'object'; object: DumpObject }
  | { kind: 'drop-object'; type: ObjectType; qualifier: string | null }
  | { kind: 'account' }
  /** Nothing the server would run (only comments, or an executable comment for another version). */
  | { kind: 'empty' }
  | { kind: 'other'; head: string; reason: string; code?: 'RESTORE_UNSUPPORTED_ENGINE' };

export type InsertStatement = Extract<DumpStatement, { kind: 'insert' }>;

export interface ClassifierOptions {
  serverVersion: number;
  /** Default: told by the version (MariaDB is 10.0 and later: ≥ 100000; MySQL 5.x–9.x is below). */
  mariadb?: boolean;
  /** The server's sql_mode before the file's first SET (what `@OLD_SQL_MODE=@@SQL_MODE` saves). */
  initialSqlMode?: string;
  /** Read an INSERT to its end and allow only literal values (parser-only confinement, no server account). */
  literalValuesOnly?: boolean;
  /** The file's database when already known (manifest, preflight scan). */
  ownDatabase?: string | null;
}

// mariadb-dump 10.11 writes `VALUES\n(`: one row per line.
const PLAIN_INSERT = /^INSERT INTO `([^`]+)` VALUES[ \n]?\(/;
/** sql_modes under which the splitter's idea of a string literal is not the server's. */
const OTHER_QUOTING = /NO_BACKSLASH_ESCAPES|ANSI/i;

const REPLICATION = ['MASTER', 'REPLICATION', 'SLAVE', 'REPLICA', 'SLAVES', 'REPLICAS', 'ALL'];

/** One per file (it follows the file's session state: sql_mode, ANSI_QUOTES, NO_BACKSLASH_ESCAPES). */
export class DumpClassifier {
  private readonly session: SetSession;
  ownDatabase: string | null;

  constructor(private readonly o: ClassifierOptions) {
    this.session = { sqlMode: o.initialSqlMode ?? '', vars: new Map(), backslashEscapes: true };
    this.ownDatabase = o.ownDatabase ?? null;
  }

  /** The file's sql_mode as far as its statements tell (objects are captured under it). */
  get sqlMode(): string {
    return this.session.sqlMode;
  }

  /** How the file's next statement is lexed (its sql_mode so far): the cross-engine rewrite reads it the same way. */
  get lex(): LexOptions {
    return {
      serverVersion: this.o.serverVersion,
      mariadb: this.o.mariadb ?? this.o.serverVersion >= 100000,
      backslashEscapes: this.session.backslashEscapes,
      ansiQuotes: /(^|,)(ANSI_QUOTES|ANSI)(,|$)/i.test(this.session.sqlMode),
    };
  }

  /**
   * The plain INSERT (see plainInsert) judged on its bytes, with no string of them made: only when the
   * splitter's body scan read every word outside string literals and none has side effects (sideEffects.ts),
   * and the file's sql_mode quotes strings as the splitter does. null: classify the text instead.
   */
  classifyPlainInsert(s: SplitStatement): InsertStatement | null {
    if (s.words !== WordScan.Clean || s.delimiter !== ';' || this.o.literalValuesOnly) return null;
    if (OTHER_QUOTING.test(this.session.sqlMode)) return null;
    return plainInsertOf(s.sql);
  }

  /**
   * `delimiter`: what ended the statement. Under another delimiter than `;` (DELIMITER ;;) only an object's
   * compound body may hold a `;` — anything else would be two statements sent as one.
   */
  classify(sql: string, delimiter = ';'): DumpStatement {
    try {
      const fast = this.plainInsert(sql, delimiter);
      if (fast) return fast;
      const st = this.judge(sql);
      if (delimiter !== ';' && st.kind !== 'object' && st.kind !== 'other' && hasSemicolon(sql, this.lex))
        throw new StatementRefusal(`two statements under the delimiter ${delimiter}`);
      return st;
    } catch (err) {
      if (err instanceof StatementRefusal && err.code)
        return { kind: 'other', head: headOf(sql), reason: err.message, code: err.code };
      if (err instanceof StatementRefusal || err instanceof LexRefusal)
        return { kind: 'other', head: headOf(sql), reason: err.message };
      throw err;
    }
  }

  private judge(sql: string): DumpStatement {
    const cur = new TokenCursor(lexSql(sql, this.lex));
    const first = cur.peek();
    if (!first) return { kind: 'empty' };
    if (first.kind !== 'word') throw new StatementRefusal('it does not start with a keyword');
    switch (first.value.toUpperCase()) {
      case 'INSERT':
      case 'REPLACE':
        return this.insert(cur, sql);
      case 'SET':
        return this.set(cur.rest());
      case 'LOCK':
      case 'UNLOCK':
        cur.next();
        if (!cur.isWord('TABLES') && !cur.isWord('TABLE')) throw new StatementRefusal('not LOCK TABLES');
        return { kind: 'lock' };
      case 'BEGIN':
      case 'COMMIT':
      case 'ROLLBACK':
        cur.next();
        cur.accept('WORK');
        if (!cur.atEnd()) throw new StatementRefusal('more than transaction control');
        return { kind: 'transaction' };
      case 'START':
        cur.next();
        if (cur.accept('TRANSACTION')) return { kind: 'transaction' };
        if (REPLICATION.some((w) => cur.isWord(w))) return { kind: 'global-set', what: 'replication (START SLAVE …)' };
        throw new StatementRefusal('an unknown START statement');
      case 'CHANGE':
      case 'STOP':
      case 'RESET':
        cur.next();
        if (REPLICATION.some((w) => cur.isWord(w))) return { kind: 'global-set', what: 'replication (CHANGE MASTER …)' };
        throw new StatementRefusal('a server administration statement');
      case 'SELECT':
      case 'DO':
        return this.setval(cur);
      case 'USE': {
        cur.next();
        const n = readQualifiedName(cur, 'database');
        return { kind: 'use', database: bytesToName(n.name) };
      }
      case 'GRANT':
      case 'REVOKE':
        return { kind: 'account' };
      case 'FLUSH':
        cur.next();
        if (cur.accept('PRIVILEGES') && cur.atEnd()) return { kind: 'account' };
        throw new StatementRefusal('FLUSH acts on the whole server');
      case 'CREATE':
        return this.create(sql, cur);
      case 'DROP':
        return this.drop(cur);
      case 'ALTER':
        return this.alter(cur);
      default:
        throw new StatementRefusal(`${first.value.toUpperCase()} is not a statement a dump contains`);
    }
  }

  /**
   * The shape dump tools write millions of times, `INSERT INTO \`t\` VALUES (…)`, recognised without the
   * lexer (per-statement garbage is what a dump of a million tiny INSERTs spends its memory on). Anything
   * else — a comment, a qualifier, a column list, a name with a doubled backtick — takes the full path, so
   * the result is the same as the lexer's.
   */
  private plainInsert(sql: string, delimiter: string): DumpStatement | null {
    if (this.o.literalValuesOnly || delimiter !== ';') return null;
    const m = PLAIN_INSERT.exec(sql);
    if (!m || SIDE_EFFECTS.test(sql)) return null;
    const name = m[1] as string;
    return {
      kind: 'insert',
      table: bytesToName(name),
      qualifier: null,
      verb: 'INSERT',
      hasColumnList: false,
      nameStart: 12,
      nameEnd: 14 + name.length,
    };
  }

  private insert(cur: TokenCursor, sql: string): DumpStatement {
    const verbWord = (cur.next() as Token).value.toUpperCase();
    cur.accept('LOW_PRIORITY') || cur.accept('DELAYED') || cur.accept('HIGH_PRIORITY');
    const ignore = cur.accept('IGNORE');
    cur.accept('INTO');
    const n = readQualifiedName(cur, 'table');
    const hasColumnList = cur.isPunct('(');
    if (hasColumnList) skipParens(cur);
    if (!cur.accept('VALUES') && !cur.accept('VALUE')) throw new StatementRefusal('an INSERT that is not INSERT … VALUES');
    // Rows are judged whole in parser-only mode; otherwise the load account confines them and only a name
    // with side effects (found by a fast search, confirmed on tokens) makes us read them whole.
    if (this.o.literalValuesOnly || SIDE_EFFECTS.test(sql)) checkLiteralRows(cur);
    const verb = verbWord === 'REPLACE' ? 'REPLACE' : ignore ? 'INSERT IGNORE' : 'INSERT';
    return {
      kind: 'insert',
      table: bytesToName(n.name),
      qualifier: qualifierName(n),
      verb,
      hasColumnList,
      nameStart: n.start,
      nameEnd: n.end,
    };
  }

  private set(tokens: Token[]): DumpStatement {
    const r = judgeSet(tokens, this.session);
    if (r.kind !== 'session') return r;
    return { kind: 'session', sql: r.sql, noBackslashEscapes: r.sqlModeChanged ? !this.session.backslashEscapes : null };
  }

  private setval(cur: TokenCursor): DumpStatement {
    cur.next();
    const t = cur.rest();
    const ok =
      t[0]?.kind === 'word' &&
      t[0].value.toUpperCase() === 'SETVAL' &&
      t[1]?.value === '(' &&
      (t[2]?.kind === 'ident' || t[2]?.kind === 'word') &&
      t[t.length - 1]?.value === ')' &&
      t.slice(3, -1).every((x) => x.kind === 'number' || x.value === ',' || x.value === '-');
    if (!ok) throw new StatementRefusal('a SELECT or DO that is not a sequence state');
    return { kind: 'sequence-state' };
  }

  private create(sql: string, cur: TokenCursor): DumpStatement {
    cur.next();
    if (cur.isWord('DATABASE') || cur.isWord('SCHEMA')) {
      cur.next();
      cur.accept('IF', 'NOT', 'EXISTS');
      const n = readQualifiedName(cur, 'database');
      return { kind: 'create-database', database: bytesToName(n.name), ...charsetOf(cur.rest()) };
    }
    cur.accept('OR', 'REPLACE');
    if (cur.isWord('TEMPORARY')) throw new StatementRefusal('CREATE TEMPORARY TABLE is not part of a dump');
    if (cur.accept('TABLE') || cur.accept('SEQUENCE')) {
      cur.accept('IF', 'NOT', 'EXISTS');
      const n = readQualifiedName(cur, 'table');
      const rest = cur.rest();
      checkTableOptions(rest);
      return { kind: 'create-table', table: bytesToName(n.name), qualifiers: [...qualifierRefs(n), ...chainRefs(rest)] };
    }
    if (cur.isWord('USER') || cur.isWord('ROLE')) return { kind: 'account' };
    // Views, triggers, routines, events: parsed whole and written anew (dumpObject.ts).
    const object = parseDumpObject(sql, this.lex, this.ownDatabase);
    return { kind: 'object', object };
  }

  private drop(cur: TokenCursor): DumpStatement {
    cur.next();
    cur.accept('TEMPORARY');
    if (cur.accept('TABLE') || cur.accept('TABLES') || cur.accept('SEQUENCE')) {
      cur.accept('IF', 'EXISTS');
      const names: QualifiedName[] = [];
      for (;;) {
        names.push(readQualifiedName(cur, 'table'));
        if (!cur.acceptPunct(',')) break;
      }
      cur.accept('RESTRICT') || cur.accept('CASCADE');
      if (!cur.atEnd()) throw new StatementRefusal('could not read the DROP TABLE list');
      return { kind: 'drop-table', tables: names.map((n) => bytesToName(n.name)), qualifiers: names.flatMap(qualifierRefs) };
    }
    const kw = cur.next();
    const type = kw?.kind === 'word' ? OBJECT_WORDS[kw.value.toUpperCase()] : undefined;
    if (type) {
      cur.accept('IF', 'EXISTS');
      const n = readQualifiedName(cur, type);
      return { kind: 'drop-object', type, qualifier: qualifierName(n) };
    }
    if (kw?.kind === 'word' && ['USER', 'ROLE'].includes(kw.value.toUpperCase())) return { kind: 'account' };
    throw new StatementRefusal(`DROP ${kw?.value ?? ''} is not part of a database restore`);
  }

  private alter(cur: TokenCursor): DumpStatement {
    cur.next();
    if (cur.accept('DATABASE') || cur.accept('SCHEMA')) {
      const t = cur.peek();
      const named = t && (t.kind === 'ident' || (t.kind === 'word' && !/^(DEFAULT|CHARACTER|CHARSET|COLLATE)$/i.test(t.value)));
      const database = named ? bytesToName((cur.next() as Token).value) : null;
      return { kind: 'alter-database', database, ...charsetOf(cur.rest()) };
    }
    cur.accept('ONLINE');
    cur.accept('IGNORE');
    if (cur.accept('TABLE')) {
      const n = readQualifiedName(cur, 'table');
      const rest = cur.rest();
      const words = rest.map((t) => t.value.toUpperCase()).join(' ');
      const keysOnly = /^(DISABLE|ENABLE) KEYS$/.test(words);
      if (!keysOnly) {
        checkTableOptions(rest);
        if (rest.some((t) => t.kind === 'word' && /^(RENAME|DISCARD|IMPORT|EXCHANGE)$/i.test(t.value)))
          throw new StatementRefusal('ALTER TABLE that renames, exchanges or imports tablespaces');
      }
      return { kind: 'alter-table', table: bytesToName(n.name), qualifiers: [...qualifierRefs(n), ...chainRefs(rest)], keysOnly };
    }
    if (cur.isWord('USER') || cur.isWord('ROLE')) return { kind: 'account' };
    throw new StatementRefusal('an ALTER that is not ALTER TABLE');
  }
}

const OBJECT_WORDS: Record<string, ObjectType> = {
  VIEW: 'view',
  TRIGGER: 'trigger',
  PROCEDURE: 'procedure',
  FUNCTION: 'function',
  EVENT: 'event',
};

function qualifierName(n: QualifiedName): string | null {
  return n.qualifier === null ? null : bytesToName(n.qualifier);
}

function qualifierRefs(n: QualifiedName): QualifierRef[] {
  return n.qualifierToken
    ? [{ name: bytesToName(n.qualifierToken.value), start: n.qualifierToken.start, end: n.qualifierToken.end }]
    : [];
}

/** In table DDL every `x.` names a database (REFERENCES otherdb.t, LIKE otherdb.t): all are checked. */
function chainRefs(tokens: readonly Token[]): QualifierRef[] {
  return chainHeads(tokens).map((t) => ({ name: bytesToName(t.value), start: t.start, end: t.end }));
}

function headOf(sql: string): string {
  return sql.slice(0, 200);
}
