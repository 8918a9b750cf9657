/**
 * Honest transactional classification of MySQL/MariaDB statements: which ones commit implicitly (DDL,
 * account changes, LOCK TABLES, administrative statements...) and so can never be rolled back, following
 * the server manuals' "Statements That Cause an Implicit Commit". Used by the migration dry run and by
 * anything else that wants to warn before running SQL.
 */
import { type SqlStatement, splitSqlStatements } from './splitter';

export type CommitBehaviour = 'transactional' | 'implicit-commit' | 'transaction-control';
export type StatementKind = 'ddl' | 'dml' | 'query' | 'transaction' | 'session' | 'account' | 'admin' | 'routine-call' | 'other';

export interface StatementClass {
  behaviour: CommitBehaviour;
  kind: StatementKind;
  /** The statement's leading keywords, normalised ("ALTER TABLE", "CREATE PROCEDURE", "INSERT"). */
  verb: string;
  /** Why it was classified so, in words for the dry-run view. */
  reason: string;
}

const OBJECT_WORDS = new Set([
  'TABLE',
  'VIEW',
  'PROCEDURE',
  'FUNCTION',
  'TRIGGER',
  'EVENT',
  'INDEX',
  'DATABASE',
  'SCHEMA',
  'USER',
  'ROLE',
  'SERVER',
  'TABLESPACE',
  'SEQUENCE',
  'PACKAGE',
  'LOGFILE',
]);

/**
 * The first keywords of a statement, upper-cased, skipping comments and opening `/*!NNNNN` markers (their
 * content is SQL). Stops at the first quote or bracket after at least one word.
 */
export function leadingWords(text: string, max = 24): string[] {
  const words: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n && words.length < max) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '-' && text[i + 1] === '-' && (i + 2 >= n || (text.charCodeAt(i + 2) ?? 0) <= 32))) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      if (text[i + 2] === '!' || (text[i + 2] === 'M' && text[i + 3] === '!')) {
        i += text[i + 2] === '!' ? 3 : 4;
        while (i < n && /[0-9]/.test(text[i] as string)) i++;
      } else {
        const close = text.indexOf('*/', i + 2);
        i = close < 0 ? n : close + 2;
      }
    } else if (c === '*' && text[i + 1] === '/') {
      i += 2;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_$]/.test(text[j] as string)) j++;
      words.push(text.slice(i, j).toUpperCase());
      i = j;
    } else if (c === '=' || c === '@' || c === '`' || c === "'" || c === '"' || c === '.' || c === ',') {
      // Part of DEFINER=`u`@`h`, IF NOT EXISTS `db`.`t`, SET @a = ...: skip quoted runs, keep scanning.
      if (c === '`' || c === "'" || c === '"') {
        const close = text.indexOf(c, i + 1);
        i = close < 0 ? n : close + 1;
        words.push('?');
      } else {
        words.push(c);
        i++;
      }
    } else {
      words.push(c);
      i++;
    }
  }
  return words;
}

function objectAfter(words: string[], from: number): string | null {
  for (let k = from; k < words.length; k++) {
    const w = words[k] as string;
    if (OBJECT_WORDS.has(w)) return w === 'SCHEMA' ? 'DATABASE' : w;
  }
  return null;
}

const implicit = (kind: StatementKind, verb: string, reason: string): StatementClass => ({
  behaviour: 'implicit-commit',
  kind,
  verb,
  reason,
});
const txn = (kind: StatementKind, verb: string, reason: string): StatementClass => ({
  behaviour: 'transactional',
  kind,
  verb,
  reason,
});

/** Classify one statement. `procedures` maps lower-case routine names defined earlier to their bodies' class. */
export function classifyStatement(text: string, procedures: ReadonlyMap<string, StatementClass> = new Map()): StatementClass {
  const words = leadingWords(text);
  const w0 = words[0] ?? '';
  const w1 = words[1] ?? '';
  switch (w0) {
    case 'CREATE':
    case 'ALTER':
    case 'DROP': {
      if (words.includes('TEMPORARY') && objectAfter(words, 1) === 'TABLE') {
        return txn('ddl', `${w0} TEMPORARY TABLE`, 'TEMPORARY tables do not commit the transaction');
      }
      const object = objectAfter(words, 1) ?? w1;
      if (object === 'USER' || object === 'ROLE')
        return implicit('account', `${w0} ${object}`, 'account changes commit implicitly');
      return implicit('ddl', `${w0} ${object}`.trim(), 'DDL commits implicitly; it cannot be rolled back');
    }
    case 'RENAME':
      if (w1 === 'USER') return implicit('account', 'RENAME USER', 'account changes commit implicitly');
      return implicit('ddl', 'RENAME TABLE', 'DDL commits implicitly; it cannot be rolled back');
    case 'TRUNCATE':
      return implicit('ddl', 'TRUNCATE TABLE', 'TRUNCATE is DDL and commits implicitly');
    case 'GRANT':
    case 'REVOKE':
      return implicit('account', w0, 'privilege changes commit implicitly');
    case 'INSTALL':
    case 'UNINSTALL':
      return implicit('admin', `${w0} ${w1}`, 'plugin changes commit implicitly');
    case 'ANALYZE':
    case 'CHECK':
    case 'OPTIMIZE':
    case 'REPAIR':
    case 'FLUSH':
    case 'RESET':
    case 'CACHE':
    case 'PURGE':
      return implicit('admin', `${w0} ${w1}`.trim(), 'administrative statements commit implicitly');
    case 'LOAD':
      if (w1 === 'INDEX') return implicit('admin', 'LOAD INDEX', 'administrative statements commit implicitly');
      return txn('dml', 'LOAD DATA', 'row changes are transactional on InnoDB');
    case 'LOCK':
      return implicit('transaction', 'LOCK TABLES', 'LOCK TABLES commits the open transaction');
    case 'UNLOCK':
      return implicit('transaction', 'UNLOCK TABLES', 'UNLOCK TABLES commits when tables were locked');
    case 'START':
      if (w1 === 'TRANSACTION')
        return implicit('transaction', 'START TRANSACTION', 'starting a transaction commits the previous one');
      return implicit('admin', `START ${w1}`, 'replication control commits implicitly');
    case 'STOP':
    case 'CHANGE':
      return implicit('admin', `${w0} ${w1}`, 'replication control commits implicitly');
    case 'BEGIN':
      if (w1 === 'NOT') return implicit('ddl', 'BEGIN NOT ATOMIC', 'compound block; treated as committing');
      return implicit('transaction', 'BEGIN', 'BEGIN commits the previous transaction and opens a new one');
    case 'COMMIT':
    case 'ROLLBACK':
    case 'SAVEPOINT':
    case 'RELEASE':
    case 'XA':
      return {
        behaviour: 'transaction-control',
        kind: 'transaction',
        verb: w0,
        reason: 'ends or marks a transaction explicitly',
      };
    case 'SET': {
      const head = words.slice(1, 8);
      const at = head.indexOf('AUTOCOMMIT');
      if (at >= 0) {
        const value = head[head.indexOf('=', at) + 1] ?? '';
        if (value === '0' || value === 'OFF' || value === 'FALSE') {
          return {
            behaviour: 'transaction-control',
            kind: 'transaction',
            verb: 'SET autocommit = 0',
            reason: 'later changes stay uncommitted until COMMIT',
          };
        }
        return implicit('transaction', 'SET autocommit = 1', 'SET autocommit = 1 commits the open transaction');
      }
      if (w1 === 'PASSWORD') return implicit('account', 'SET PASSWORD', 'account changes commit implicitly');
      if (w1 === 'TRANSACTION') return txn('session', 'SET TRANSACTION', 'session setting');
      return txn('session', 'SET', 'session setting; changes no data');
    }
    case 'INSERT':
    case 'UPDATE':
    case 'DELETE':
    case 'REPLACE':
      return txn('dml', w0, 'row changes are transactional on InnoDB (not on MyISAM/MEMORY tables)');
    case 'SELECT':
    case 'WITH':
    case 'SHOW':
    case 'DESCRIBE':
    case 'DESC':
    case 'EXPLAIN':
    case 'DO':
    case 'VALUES':
    case 'TABLE':
    case 'HELP':
      return txn('query', w0, 'reads only');
    case 'USE':
    case 'PREPARE':
    case 'DEALLOCATE':
    case 'DECLARE':
      return txn('session', w0, 'session statement; changes no data');
    case 'EXECUTE':
      return implicit('routine-call', 'EXECUTE', 'runs dynamic SQL that cannot be inspected; assumed to commit');
    case 'CALL': {
      const name = routineName(text, 'CALL');
      const known = name ? procedures.get(name) : undefined;
      if (known) {
        return known.behaviour === 'implicit-commit'
          ? implicit('routine-call', `CALL ${name}`, `its body (defined above) runs ${known.verb}, which commits implicitly`)
          : txn('routine-call', `CALL ${name}`, 'its body (defined above) only runs transactional statements');
      }
      return implicit('routine-call', `CALL ${name ?? ''}`.trim(), 'routine defined elsewhere; assumed to commit');
    }
    default:
      return implicit('other', w0 || '(empty)', 'unrecognised statement; assumed to commit');
  }
}

/** The (lower-case, unquoted, schema-less) routine name after `keyword`, e.g. CALL `db`.`migrate_002`() → migrate_002. */
export function routineName(text: string, keyword: string): string | null {
  const re = new RegExp(
    `\\b${keyword}\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?((?:\`[^\`]+\`|[A-Za-z0-9_$]+)(?:\\s*\\.\\s*(?:\`[^\`]+\`|[A-Za-z0-9_$]+))?)`,
    'i',
  );
  const m = re.exec(text);
  if (!m?.[1]) return null;
  const last = m[1].split('.').pop() ?? '';
  return last.trim().replace(/^`|`$/g, '').toLowerCase();
}

/**
 * What a routine body does, judged from the statements inside BEGIN…END: implicit-commit if any of them
 * commits implicitly (an ALTER TABLE guarded by IF NOT EXISTS still commits when it runs).
 */
export function classifyRoutineBody(createText: string): StatementClass {
  const begin = /\bBEGIN\b/i.exec(stripQuotedAndComments(createText));
  const body = begin ? createText.slice(begin.index + 5) : createText;
  const inner = splitSqlStatements(stripQuotedAndComments(body));
  let worst: StatementClass = txn('dml', 'nothing', 'no statements');
  for (const st of inner) {
    // Peel control-flow prefixes so "IF NOT EXISTS (...) THEN ALTER TABLE" is seen as ALTER TABLE.
    for (const part of st.text.split(/\b(?:THEN|ELSE|DO|BEGIN|LOOP|REPEAT)\b/i)) {
      const c = classifyStatement(part);
      if (c.behaviour === 'implicit-commit' && c.kind !== 'other' && c.verb !== 'BEGIN') return c;
      if (c.kind === 'dml') worst = c;
    }
  }
  return worst;
}

/** Replace string literals and comments with spaces so keyword searches do not match inside them. */
export function stripQuotedAndComments(text: string): string {
  return text.replace(
    /'(?:\\.|''|[^'\\])*'|"(?:\\.|""|[^"\\])*"|`(?:``|[^`])*`|\/\*(?!!)[\s\S]*?\*\/|(?:#|--(?=\s))[^\n]*/g,
    (m) => (m.startsWith('`') ? m : ' '.repeat(m.length)),
  );
}

export interface ClassifiedStatement extends SqlStatement {
  class: StatementClass;
}

export interface ScriptWarning {
  statementIndex: number;
  message: string;
}

/**
 * Split and classify a whole script; remembers routines created in it so a later CALL is judged by the
 * routine's body, and warns where an explicit transaction would be committed early by DDL.
 */
export function classifyScript(statements: SqlStatement[]): { statements: ClassifiedStatement[]; warnings: ScriptWarning[] } {
  const procedures = new Map<string, StatementClass>();
  const warnings: ScriptWarning[] = [];
  const out: ClassifiedStatement[] = [];
  let openedAt: number | null = null;
  for (const st of statements) {
    const c = classifyStatement(st.text, procedures);
    if (c.kind === 'ddl' && /^CREATE (PROCEDURE|FUNCTION|TRIGGER|EVENT)$/.test(c.verb)) {
      const name = routineName(st.text, c.verb.split(' ')[1] as string);
      if (name) procedures.set(name, classifyRoutineBody(st.text));
    }
    if (c.verb === 'START TRANSACTION' || c.verb === 'BEGIN') {
      openedAt = st.index;
    } else if (c.behaviour === 'transaction-control' && (c.verb === 'COMMIT' || c.verb === 'ROLLBACK')) {
      openedAt = null;
    } else if (openedAt !== null && c.behaviour === 'implicit-commit') {
      warnings.push({
        statementIndex: st.index,
        message: `statement ${st.index} (${c.verb}) commits the transaction opened at statement ${openedAt}: earlier changes cannot be rolled back`,
      });
      openedAt = null;
    }
    out.push({ ...st, class: c });
  }
  const hasDdl = out.some((s) => s.class.behaviour === 'implicit-commit');
  const firstDml = out.find((s) => s.class.kind === 'dml');
  if (hasDdl && firstDml && openedAt === null && warnings.length === 0) {
    warnings.push({
      statementIndex: firstDml.index,
      message: 'mixes row changes with statements that commit implicitly: a failure part-way leaves earlier changes committed',
    });
  }
  return { statements: out, warnings };
}
