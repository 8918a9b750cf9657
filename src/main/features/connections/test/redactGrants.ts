/**
 * `SHOW GRANTS` can carry the account's password hash (`IDENTIFIED BY PASSWORD '*…'` on MariaDB and old
 * MySQL, `IDENTIFIED VIA ed25519 USING '…'`, `IDENTIFIED WITH … AS '…'`). A hash is enough to log in with
 * some plugins (mysql_native_password accepts it in a crafted handshake) and to brute-force the password,
 * so the connection test removes it here, in the core, before any door (UI, CLI, JSON, log) sees a line.
 *
 * A small lexer rather than one regular expression: an account name is a quoted identifier that may itself
 * hold quotes or the word IDENTIFIED, and must never shift where a string literal starts or ends.
 */

export const REDACTED = "'<redacted>'";

type Token = { kind: 'word' | 'string' | 'ident' | 'other'; start: number; end: number; upper: string };

function tokens(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "'" || ch === '"' || ch === '`') {
      // Quoted: doubled quote = literal quote; backslash escapes inside strings (not inside identifiers).
      i++;
      while (i < line.length) {
        const c = line[i];
        if (c === '\\' && ch !== '`') i += 2;
        else if (c === ch && line[i + 1] === ch) i += 2;
        else if (c === ch) {
          i++;
          break;
        } else i++;
      }
      out.push({ kind: ch === '`' ? 'ident' : 'string', start, end: Math.min(i, line.length), upper: '' });
      continue;
    }
    if (/[A-Za-z0-9_$]/.test(ch)) {
      while (i < line.length && /[A-Za-z0-9_$]/.test(line[i] as string)) i++;
      out.push({ kind: 'word', start, end: i, upper: line.slice(start, i).toUpperCase() });
      continue;
    }
    i++;
    out.push({ kind: 'other', start, end: i, upper: ch });
  }
  return out;
}

/** Keywords after which a string literal in an IDENTIFIED clause is a secret (hash, password, auth string). */
const SECRET_BEFORE = new Set(['BY', 'PASSWORD', 'USING', 'AS']);

/** One SHOW GRANTS line with every authentication string replaced by `'<redacted>'`. */
export function redactGrantLine(line: string): string {
  const toks = tokens(line);
  const cut: Array<[number, number]> = [];
  let identified = false;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k] as Token;
    if (t.kind === 'word' && t.upper === 'IDENTIFIED') identified = true;
    if (!identified || t.kind !== 'string') continue;
    // The keyword before it, looking through `PASSWORD(` of `USING PASSWORD('…')`.
    let p = k - 1;
    if (toks[p]?.upper === '(') p--;
    const before = toks[p];
    if (before?.kind === 'word' && SECRET_BEFORE.has(before.upper)) cut.push([t.start, t.end]);
  }
  if (!cut.length) return line;
  let out = '';
  let at = 0;
  for (const [s, e] of cut) {
    out += line.slice(at, s) + REDACTED;
    at = e;
  }
  return out + line.slice(at);
}

export function redactGrants(lines: readonly string[]): string[] {
  return lines.map(redactGrantLine);
}
