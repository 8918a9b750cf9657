import type { Token } from './lexer';

export { bytesToName, quoteIdentBytes, quoteStringBytes } from './quote';

/** A statement the restore does not run, with the reason in words (shown in the preflight report). */
export class StatementRefusal extends Error {
  /** The refusal's error code when it is more specific than "a statement a restore does not run". */
  constructor(
    message: string,
    readonly code: 'RESTORE_UNSUPPORTED_ENGINE' | null = null,
  ) {
    super(message);
  }
}

/** Reading position over a token stream (pulled lazily, so a long INSERT is judged on its head). */
export class TokenCursor {
  private readonly buffer: Token[] = [];
  private pos = 0;
  private done = false;

  constructor(private readonly source: Iterator<Token, void, undefined>) {}

  static of(tokens: readonly Token[]): TokenCursor {
    return new TokenCursor(tokens[Symbol.iterator]());
  }

  peek(k = 0): Token | null {
    while (this.buffer.length <= this.pos + k && !this.done) {
      const r = this.source.next();
      if (r.done) this.done = true;
      else this.buffer.push(r.value);
    }
    return this.buffer[this.pos + k] ?? null;
  }

  next(): Token | null {
    const t = this.peek();
    if (t) this.pos++;
    return t;
  }

  atEnd(): boolean {
    return this.peek() === null;
  }

  /** Is the token `k` ahead the keyword `word` (case-insensitive)? */
  isWord(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t !== null && t.kind === 'word' && t.value.toUpperCase() === word;
  }

  isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t !== null && t.kind === 'punct' && t.value === p;
  }

  /** Consume the keywords in order if they are all next; true when they were. */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isWord(words[k] as string, k)) return false;
    this.pos += words.length;
    return true;
  }

  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.pos++;
    return true;
  }

  expect(...words: string[]): void {
    if (!this.accept(...words)) throw new StatementRefusal(`expected ${words.join(' ')}`);
  }

  /** The rest of the tokens (pulls the whole stream). */
  rest(): Token[] {
    const out: Token[] = [];
    for (let t = this.next(); t; t = this.next()) out.push(t);
    return out;
  }
}

/** A possibly qualified name as written: `db`.`name` or name. */
export interface QualifiedName {
  qualifier: string | null;
  name: string;
  /** The qualifier token (for rewriting it) and the whole span, in the lexed text. */
  qualifierToken: Token | null;
  nameToken: Token;
  start: number;
  end: number;
}

/** An identifier token's name (bare word or quoted), or null when the token is not one. */
export function identValue(t: Token | null): string | null {
  if (!t) return null;
  if (t.kind === 'ident' || t.kind === 'word') return t.value;
  return null;
}

/** Read `name` or `qualifier.name`; refuses anything else in a name position. */
export function readQualifiedName(cur: TokenCursor, what: string): QualifiedName {
  const first = cur.next();
  const a = identValue(first);
  if (a === null || !first) throw new StatementRefusal(`could not read the ${what} name`);
  if (cur.isPunct('.')) {
    cur.next();
    const second = cur.next();
    const b = identValue(second);
    if (b === null || !second) throw new StatementRefusal(`could not read the ${what} name`);
    if (cur.isPunct('.')) throw new StatementRefusal(`the ${what} name has more than two parts`);
    return { qualifier: a, name: b, qualifierToken: first, nameToken: second, start: first.start, end: second.end };
  }
  return { qualifier: null, name: a, qualifierToken: null, nameToken: first, start: first.start, end: first.end };
}

/**
 * Every dotted chain's first part (`a` in `a.b` and `a.b.c`): in a CREATE TABLE it can only be a database;
 * in a body it may be a table alias or NEW/OLD, so the caller decides with the server's schema list.
 */
export function chainHeads(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let k = 0; k + 1 < tokens.length; k++) {
    const t = tokens[k] as Token;
    const dot = tokens[k + 1] as Token;
    if ((t.kind !== 'ident' && t.kind !== 'word') || dot.kind !== 'punct' || dot.value !== '.') continue;
    const prev = tokens[k - 1];
    if (prev && prev.kind === 'punct' && prev.value === '.') continue;
    out.push(t);
  }
  return out;
}

/** Replace the given spans of `text` (sorted or not) with `replacement`. */
export function replaceSpans(text: string, spans: ReadonlyArray<{ start: number; end: number }>, replacement: string): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let last = 0;
  for (const s of sorted) {
    out += text.slice(last, s.start) + replacement;
    last = s.end;
  }
  return out + text.slice(last);
}
