import type { z } from 'zod';
import { type Profile, ProfileInput, profileNameProblem, type SecretName } from '../../../shared/contract/profiles';
import { issuesByField } from '../../issueWords';

/** One SSH hop as the form edits it: plain strings, so half-typed values survive re-renders. */
export interface HopValues {
  host: string;
  port: string;
  user: string;
  auth: 'agent' | 'key' | 'password';
  privateKeyPath: string;
  agentSocket: string;
  /** Secret inputs: '' keeps what is saved. */
  password: string;
  passphrase: string;
}

export interface FormValues {
  name: string;
  environment: 'development' | 'staging' | 'production';
  color: string;
  mysqlHost: string;
  mysqlPort: string;
  mysqlUser: string;
  mysqlPassword: string;
  database: string;
  tls: 'off' | 'required' | 'verify';
  caFile: string;
  sshEnabled: boolean;
  ssh: HopValues;
  keepaliveSeconds: string;
  jumpEnabled: boolean;
  jump: HopValues;
  localBackupDir: string;
  remoteBackupDir: string;
  /** Default encryption of this profile's backups: none, to age public keys, or a passphrase asked each time. */
  backupEncrypt: 'off' | 'keys' | 'passphrase';
  /** age public keys, one per line (or separated by commas or blanks). */
  backupRecipients: string;
  migrationsDir: string;
  smtpEnabled: boolean;
  smtpHost: string;
  smtpPort: string;
  smtpSecurity: 'none' | 'starttls' | 'tls';
  smtpUser: string;
  smtpFrom: string;
  smtpPassword: string;
  mailpitUrl: string;
  /** Saved secrets the person asked to delete. */
  clearSecrets: SecretName[];
}

const emptyHop = (): HopValues => ({
  host: '',
  port: '22',
  user: '',
  auth: 'key',
  privateKeyPath: '',
  agentSocket: '',
  password: '',
  passphrase: '',
});

export function emptyForm(): FormValues {
  return {
    name: '',
    environment: 'development',
    color: '',
    mysqlHost: '127.0.0.1',
    mysqlPort: '3306',
    mysqlUser: '',
    mysqlPassword: '',
    database: '',
    tls: 'off',
    caFile: '',
    sshEnabled: false,
    ssh: emptyHop(),
    keepaliveSeconds: '5',
    jumpEnabled: false,
    jump: emptyHop(),
    localBackupDir: '',
    remoteBackupDir: '',
    backupEncrypt: 'off',
    backupRecipients: '',
    migrationsDir: '',
    smtpEnabled: false,
    smtpHost: '',
    smtpPort: '25',
    smtpSecurity: 'none',
    smtpUser: '',
    smtpFrom: 'noreply@sysndd.local',
    smtpPassword: '',
    mailpitUrl: '',
    clearSecrets: [],
  };
}

function hopValues(h: NonNullable<Profile['ssh']> | NonNullable<NonNullable<Profile['ssh']>['jump']>): HopValues {
  return {
    ...emptyHop(),
    host: h.host,
    port: String(h.port),
    user: h.user,
    auth: h.auth,
    privateKeyPath: h.privateKeyPath ?? '',
    agentSocket: h.agentSocket ?? '',
  };
}

/** A saved profile as form values (secrets stay empty: the form only ever shows whether one is saved). */
export function formFromProfile(p: Profile, copyName?: string): FormValues {
  const f = emptyForm();
  return {
    ...f,
    name: copyName ?? p.name,
    environment: p.environment,
    color: p.color ?? '',
    mysqlHost: p.mysql.host,
    mysqlPort: String(p.mysql.port),
    mysqlUser: p.mysql.user,
    database: p.mysql.database ?? '',
    tls: p.mysql.tls,
    caFile: p.mysql.caFile ?? '',
    sshEnabled: Boolean(p.ssh),
    ssh: p.ssh ? hopValues(p.ssh) : f.ssh,
    keepaliveSeconds: String(p.ssh?.keepaliveSeconds ?? 5),
    jumpEnabled: Boolean(p.ssh?.jump),
    jump: p.ssh?.jump ? hopValues(p.ssh.jump) : f.jump,
    localBackupDir: p.localBackupDir ?? '',
    remoteBackupDir: p.remoteBackupDir ?? '',
    backupEncrypt: p.backupEncryption ? (p.backupEncryption.askPassphrase ? 'passphrase' : 'keys') : 'off',
    backupRecipients: p.backupEncryption?.recipients.join('\n') ?? '',
    migrationsDir: p.migrationsDir ?? '',
    smtpEnabled: Boolean(p.smtp),
    smtpHost: p.smtp?.host ?? '',
    smtpPort: String(p.smtp?.port ?? 25),
    smtpSecurity: p.smtp?.security ?? 'none',
    smtpUser: p.smtp?.user ?? '',
    smtpFrom: p.smtp?.from ?? f.smtpFrom,
    mailpitUrl: p.mailpit?.url ?? '',
  };
}

const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
/** Numbers stay as typed when they do not parse, so the contract's check names the field. */
const num = (v: string): number => (v.trim() === '' ? Number.NaN : Number(v));

function hopInput(h: HopValues) {
  return {
    host: h.host.trim(),
    port: num(h.port),
    user: h.user.trim(),
    auth: h.auth,
    privateKeyPath: h.auth === 'key' ? opt(h.privateKeyPath) : undefined,
    agentSocket: h.auth === 'agent' ? opt(h.agentSocket) : undefined,
  };
}

export function toProfileInput(v: FormValues): z.input<typeof ProfileInput> {
  return {
    name: v.name.trim(),
    environment: v.environment,
    color: opt(v.color),
    mysql: {
      host: v.mysqlHost.trim(),
      port: num(v.mysqlPort),
      user: v.mysqlUser.trim(),
      database: opt(v.database),
      tls: v.tls,
      caFile: v.tls === 'verify' ? opt(v.caFile) : undefined,
    },
    ssh: v.sshEnabled
      ? { ...hopInput(v.ssh), keepaliveSeconds: num(v.keepaliveSeconds), jump: v.jumpEnabled ? hopInput(v.jump) : undefined }
      : undefined,
    localBackupDir: opt(v.localBackupDir),
    remoteBackupDir: opt(v.remoteBackupDir),
    backupEncryption:
      v.backupEncrypt === 'off'
        ? undefined
        : v.backupEncrypt === 'passphrase'
          ? { recipients: [], askPassphrase: true }
          : { recipients: v.backupRecipients.split(/[\s,]+/).filter(Boolean), askPassphrase: false },
    migrationsDir: opt(v.migrationsDir),
    smtp: v.smtpEnabled
      ? {
          host: v.smtpHost.trim(),
          port: num(v.smtpPort),
          security: v.smtpSecurity,
          user: opt(v.smtpUser),
          from: v.smtpFrom.trim() || undefined,
        }
      : undefined,
    mailpit: opt(v.mailpitUrl) ? { url: v.mailpitUrl.trim() } : undefined,
  };
}

/**
 * Field path ("mysql.port") → words ("Port must be 1–65535"), from the same schema the main process
 * enforces plus the name rule the core applies (one line); uniqueness is the core's answer on save.
 */
export function validate(v: FormValues): Record<string, string> {
  const r = ProfileInput.safeParse(toProfileInput(v));
  const errors = r.success ? {} : issuesByField(r.error.issues);
  const nameProblem = profileNameProblem(v.name);
  if (nameProblem) errors.name = nameProblem;
  return errors;
}

/** Secret changes for profiles.create/update: typed values replace, "remove" deletes, empty keeps. */
export function secretChanges(v: FormValues): Partial<Record<SecretName, string | null>> {
  const out: Partial<Record<SecretName, string | null>> = {};
  const set = (name: SecretName, value: string) => {
    if (value !== '') out[name] = value;
  };
  set('mysql.password', v.mysqlPassword);
  if (v.sshEnabled) {
    set('ssh.password', v.ssh.auth === 'password' ? v.ssh.password : '');
    set('ssh.passphrase', v.ssh.auth === 'key' ? v.ssh.passphrase : '');
    if (v.jumpEnabled) {
      set('jump.password', v.jump.auth === 'password' ? v.jump.password : '');
      set('jump.passphrase', v.jump.auth === 'key' ? v.jump.passphrase : '');
    }
  }
  if (v.smtpEnabled) set('smtp.password', v.smtpPassword);
  for (const name of v.clearSecrets) if (out[name] === undefined) out[name] = null;
  return out;
}
