/**
 * The one place where validation issues (zod's, from the form's own check or from an INVALID_ARGUMENT
 * failure's `details.issues`) become words a person reads: "Host is required", "Port must be 1–65535".
 * zod's own texts ("Too small: expected string to have >=1 characters") never reach the screen.
 */

/** Field paths ("mysql.port") → the label the form shows. Unknown paths fall back to their last segment. */
const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  environment: 'Environment',
  color: 'Colour',
  'mysql.host': 'Host',
  'mysql.port': 'Port',
  'mysql.user': 'User',
  'mysql.database': 'Default database',
  'mysql.caFile': 'CA certificate file',
  'ssh.host': 'SSH host',
  'ssh.port': 'SSH port',
  'ssh.user': 'SSH user',
  'ssh.privateKeyPath': 'Private key file',
  'ssh.agentSocket': 'Agent socket',
  'ssh.keepaliveSeconds': 'Keepalive',
  'ssh.jump.host': 'Jump host',
  'ssh.jump.port': 'Jump host port',
  'ssh.jump.user': 'Jump host user',
  'ssh.jump.privateKeyPath': 'Jump host key file',
  'ssh.jump.agentSocket': 'Jump host agent socket',
  localBackupDir: 'Local backup folder',
  remoteBackupDir: 'Backup folder on the SSH host',
  migrationsDir: 'Migrations folder',
  'smtp.host': 'SMTP host',
  'smtp.port': 'SMTP port',
  'smtp.user': 'SMTP user',
  'smtp.from': 'From address',
  'mailpit.url': 'Mailpit address',
};

/** A readable label for a field path; the request wrapper (`profile.`, `args.`) is not part of it. */
export function fieldLabel(path: readonly (string | number)[]): string {
  const parts = path.map(String);
  const key = parts[0] === 'profile' ? parts.slice(1).join('.') : parts.join('.');
  const known = FIELD_LABELS[key];
  if (known) return known;
  const last = parts.at(-1) ?? 'Value';
  const words = last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const PATTERNS: ReadonlyArray<[RegExp, (label: string, m: RegExpMatchArray) => string]> = [
  [/expected string to have >=1 characters?/i, (l) => `${l} is required`],
  [/too small: expected string to have >=(\d+)/i, (l, m) => `${l} must be at least ${m[1]} characters`],
  [/too big: expected string to have <=(\d+)/i, (l, m) => `${l} must be at most ${m[1]} characters`],
  [/too small: expected (?:number|int) to be >=?(-?[\d.]+)/i, (l, m) => `${l} must be at least ${m[1]}`],
  [/too big: expected (?:number|int) to be <=?(-?[\d.]+)/i, (l, m) => `${l} must be at most ${m[1]}`],
  [/expected (?:number|int), received (?:NaN|string|undefined)/i, (l) => `${l} must be a number`],
  [/expected int, received number/i, (l) => `${l} must be a whole number`],
  [/expected string, received undefined/i, (l) => `${l} is required`],
  [/invalid url/i, (l) => `${l} must be a web address such as http://127.0.0.1:8025`],
  [/invalid email/i, (l) => `${l} must be an e-mail address`],
  [/invalid option: expected one of (.+)$/i, (l, m) => `${l} must be one of ${m[1]?.replace(/"/g, '').replace(/\|/g, ', ')}`],
  [/invalid string: must match pattern/i, (l) => `${l} has the wrong format`],
  [/unrecognized keys?/i, () => 'The request had a setting this version does not know'],
];

/** One issue in words. Ports get their whole range ("Port must be 1–65535"), the way people think of them. */
export function issueInWords(path: readonly (string | number)[], message: string): string {
  const label = fieldLabel(path);
  if (String(path.at(-1)) === 'port' && /too (small|big)|NaN|expected (number|int)/i.test(message)) {
    return `${label} must be 1–65535`;
  }
  for (const [pattern, words] of PATTERNS) {
    const m = message.match(pattern);
    if (m) return words(label, m);
  }
  // A custom check (our own refine) already speaks words; zod's generic texts get a neutral sentence.
  return /^(invalid|too |expected )/i.test(message) ? `${label} is not valid` : message;
}

interface IssueLike {
  path: readonly (string | number | symbol)[];
  message: string;
}

/** Field path ("mysql.port") → words, first issue per field, for showing next to each input. */
export function issuesByField(issues: readonly IssueLike[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p.description) : p));
    const key = path.join('.');
    if (!out[key]) out[key] = issueInWords(path, issue.message);
  }
  return out;
}

function isIssueList(value: unknown): value is IssueLike[] {
  return (
    Array.isArray(value) &&
    value.every((i) => typeof i === 'object' && i !== null && Array.isArray(i.path) && typeof i.message === 'string')
  );
}

/** An INVALID_ARGUMENT failure in words, from its `details.issues`; null when it carries none. */
export function invalidArgumentInWords(details: unknown): string | null {
  const issues = typeof details === 'object' && details !== null ? (details as { issues?: unknown }).issues : undefined;
  if (!isIssueList(issues) || issues.length === 0) return null;
  const sentences = Object.values(issuesByField(issues));
  return `Please check: ${sentences.join('; ')}.`;
}
