import type { RowDataPacket } from 'mysql2/promise';
import type { DbConnection } from '../connect';

/**
 * Collations one engine has and the other lacks (MySQL 8's `utf8mb4_0900_*`, MariaDB 10.10's
 * `*_uca1400_*` and `*_nopad_*`), mapped to the nearest one the target server has. A collation the target
 * has is never touched; one with no candidate on the target is left as written, and the DDL rehearsal then
 * refuses the statement with the server's own message (RESTORE_DDL_REJECTED).
 */

type Row = RowDataPacket & Record<string, unknown>;

/** Every collation name the server accepts, lower-cased. MariaDB 10.10+ lists its UCA 14.0 collations
 * once, without a character set (`uca1400_ai_ci`); their full names are in the applicability table. */
export async function targetCollations(conn: DbConnection): Promise<Set<string>> {
  const names = new Set<string>();
  const [plain] = await conn.query<Row[]>('SELECT COLLATION_NAME AS n FROM information_schema.COLLATIONS');
  for (const r of plain) names.add(String(r.n).toLowerCase());
  try {
    const [full] = await conn.query<Row[]>(
      'SELECT FULL_COLLATION_NAME AS n FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY',
    );
    for (const r of full) names.add(String(r.n).toLowerCase());
  } catch {
    // MySQL and MariaDB before 10.10 have no FULL_COLLATION_NAME: COLLATIONS lists every name.
  }
  return names;
}

const MYSQL_0900 = /^(utf8mb4)_(?:([a-z]{2}(?:_[a-z]+)?)_)?0900_(ai_ci|as_ci|as_cs|bin)$/;
const MARIADB_UCA1400 =
  /^(utf8mb[34]|utf8|ucs2|utf16|utf16le|utf32)_uca1400_(?:([a-z0-9_]+?)_)?(?:nopad_)?(ai_ci|ai_cs|as_ci|as_cs)$/;
const MARIADB_NOPAD = /^([a-z0-9]+)_(general|unicode|unicode_520|bin)?_?nopad_(ci|bin)$/;

/** The collations to try, best first, for one the target lacks (none: not a cross-engine collation). */
export function collationCandidates(name: string): string[] {
  const c = name.toLowerCase();
  const mysql = MYSQL_0900.exec(c);
  if (mysql) {
    const [, cs, language, kind] = mysql as unknown as [string, string, string | undefined, string];
    // A language variant (de_pb, sv…) keeps the generic UCA order: the nearest both engines share.
    const general = language ? [`${cs}_uca1400_${kind}`] : [];
    if (kind === 'bin') return [`${cs}_nopad_bin`, `${cs}_bin`];
    const sensitive = kind === 'as_cs' ? [`${cs}_bin`] : [];
    return [...general, `${cs}_uca1400_${kind}`, ...sensitive, `${cs}_unicode_520_ci`, `${cs}_unicode_ci`].filter(
      (x, i, all) => all.indexOf(x) === i,
    );
  }
  const maria = MARIADB_UCA1400.exec(c);
  if (maria) {
    const [, cs, , kind] = maria as unknown as [string, string, string | undefined, string];
    // MySQL has no accent-insensitive, case-sensitive UCA collation: as_cs is the nearest.
    const mysqlKind = kind === 'ai_cs' ? 'as_cs' : kind;
    return cs === 'utf8mb4'
      ? [`utf8mb4_0900_${mysqlKind}`, 'utf8mb4_unicode_520_ci', 'utf8mb4_unicode_ci']
      : [`${cs === 'utf8' ? 'utf8mb3' : cs}_unicode_520_ci`, `${cs}_unicode_520_ci`, `${cs}_unicode_ci`];
  }
  const nopad = MARIADB_NOPAD.exec(c);
  if (nopad) {
    const [, cs, family, tail] = nopad as unknown as [string, string, string | undefined, string];
    if (tail === 'bin') return cs === 'utf8mb4' ? ['utf8mb4_0900_bin', 'utf8mb4_bin'] : [`${cs}_bin`];
    return [`${cs}_${family ?? 'general'}_ci`];
  }
  return [];
}

/** One mapping applied to the file, for the preflight report, the restore record and the audit. */
export interface CollationMapping {
  from: string;
  to: string;
}

/** The target's collations and what the file's missing ones become there; remembers what it mapped. */
export class CollationMap {
  private readonly memo = new Map<string, string | null>();
  private readonly used = new Map<string, string>();

  constructor(private readonly available: ReadonlySet<string>) {}

  /** The collation to write instead of `name`, or null to keep it (the target has it, or nothing fits). */
  map(name: string): string | null {
    const key = name.toLowerCase();
    let to = this.memo.get(key);
    if (to === undefined) {
      to = this.available.has(key) ? null : (collationCandidates(key).find((x) => this.available.has(x)) ?? null);
      this.memo.set(key, to);
    }
    if (to !== null) this.used.set(key, to);
    return to;
  }

  /** Every mapping applied so far, in the order first met. */
  mappings(): CollationMapping[] {
    return [...this.used].map(([from, to]) => ({ from, to }));
  }
}
