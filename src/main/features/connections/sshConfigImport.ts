import fs from 'node:fs';
import os from 'node:os';
import SSHConfig from 'ssh-config';
import type { SshConfigHost } from '../../../shared/contract/connections';
import type { ProfileInput, SshSettings } from '../../../shared/contract/profiles';
import { AppError } from '../../core/AppError';

type Computed = Record<string, string | string[]>;

function first(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

type Jump = NonNullable<SshConfigHost['proxyJump']>;

/**
 * `user@host:port`, `host:port`, `[v6]:port` or an alias defined in the same file. Like OpenSSH, the jump
 * host is reached with its own alias's settings (HostName, User, Port, IdentityFile), while a user or port
 * written in the ProxyJump value itself wins.
 */
function parseJump(spec: string, cfg: SSHConfig): Jump {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) return { host: spec, user: null, port: 22, identityFile: null };
  const name = (m[2] as string).replace(/^\[|\]$/g, '');
  const c = cfg.compute(name, { matchExec: false }) as Computed;
  return {
    host: first(c.HostName) ?? name,
    user: m[1] ?? first(c.User),
    port: Number(m[3] ?? first(c.Port) ?? 22),
    identityFile: first(c.IdentityFile),
  };
}

/** Concrete aliases of `Host` lines: patterns with wildcards or negation describe defaults, not hosts. */
function aliasesOf(cfg: SSHConfig): string[] {
  const out: string[] = [];
  for (const line of cfg) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = typeof line.value === 'string' ? [line.value] : line.value.map((v) => v.val);
    for (const v of values) if (v && !/[*?!]/.test(v) && !out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * Read the host aliases of an OpenSSH client config as profile candidates: HostName, User, Port,
 * IdentityFile and one ProxyJump hop. `Match exec` is never evaluated (it would run commands).
 */
export function readSshConfig(file: string, existingNames: ReadonlySet<string>): { hosts: SshConfigHost[]; cfg: SSHConfig } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('NOT_FOUND', `Cannot read the SSH config ${file}: ${(err as Error).message}`);
  }
  const cfg = SSHConfig.parse(text);
  const hosts = aliasesOf(cfg).map((alias): SshConfigHost => {
    const c = cfg.compute(alias, { matchExec: false }) as Computed;
    const jumpSpec = first(c.ProxyJump);
    const notes: string[] = [];
    let proxyJump: SshConfigHost['proxyJump'] = null;
    let importable = true;
    if (jumpSpec && jumpSpec.toLowerCase() !== 'none') {
      if (jumpSpec.includes(',')) {
        notes.push('Several ProxyJump hops: only one jump host is supported.');
        importable = false;
      } else proxyJump = parseJump(jumpSpec, cfg);
    }
    if (first(c.ProxyCommand)) notes.push('ProxyCommand is ignored.');
    const exists = existingNames.has(alias.toLowerCase());
    if (exists) notes.push('A profile with this name exists.');
    return {
      alias,
      hostName: first(c.HostName) ?? alias,
      user: first(c.User),
      port: Number(first(c.Port) ?? 22),
      identityFile: first(c.IdentityFile),
      proxyJump,
      status: exists ? 'exists' : importable ? 'new' : 'skipped',
      note: notes.length ? notes.join(' ') : null,
    };
  });
  return { hosts, cfg };
}

/** A profile body for an alias; MySQL settings come from the importer (an SSH alias says nothing about them). */
export function profileFromAlias(
  h: SshConfigHost,
  mysql: { host: string; port: number; user: string; database?: string },
  environment: ProfileInput['environment'],
): ProfileInput {
  const localUser = os.userInfo().username;
  const ssh: SshSettings = {
    host: h.hostName,
    port: h.port,
    user: h.user ?? localUser,
    auth: h.identityFile ? 'key' : 'agent',
    privateKeyPath: h.identityFile ?? undefined,
    keepaliveSeconds: 5,
  };
  if (h.proxyJump) {
    const j = h.proxyJump;
    // The jump host's own key when its alias names one; otherwise the agent, as OpenSSH would try.
    ssh.jump = j.identityFile
      ? { host: j.host, port: j.port, user: j.user ?? localUser, auth: 'key', privateKeyPath: j.identityFile }
      : { host: j.host, port: j.port, user: j.user ?? localUser, auth: 'agent' };
  }
  return { name: h.alias, environment, mysql: { ...mysql, tls: 'off' }, ssh };
}
