/**
 * Runs one staged SMTP diagnosis in a fresh Node process and prints the report as JSON. Used to prove that
 * a private CA given with NODE_EXTRA_CA_CERTS (read by Node at start-up only) makes the TLS stage verify.
 * Usage: node --import tsx probeChild.ts <host> <port> <security>
 */
import { diagnoseSmtp } from '../../../src/main/features/mail/smtp/smtpDiagnosis';

const [host, port, security] = process.argv.slice(2);
const report = await diagnoseSmtp(
  {
    host: host as string,
    port: Number(port),
    security: security as 'starttls',
    user: null,
    password: null,
    from: 'probe@sysndd.test',
    label: 'probe',
  },
  { timeoutMs: 5_000, allowUnverifiedTls: false },
);
process.stdout.write(JSON.stringify(report));
