import type { HandlerGroup } from '../../core/dispatch';
import type { MailService } from './MailService';
import { listTemplates, renderTemplate } from './templates/templates';

type MailOps =
  | 'mail.test'
  | 'mail.send'
  | 'mail.templates'
  | 'mail.preview'
  | 'mail.roundtrip'
  | 'mail.messages.list'
  | 'mail.messages.get'
  | 'mail.messages.raw'
  | 'mail.messages.part'
  | 'mail.messages.delete'
  | 'mail.messages.markRead'
  | 'mail.messages.watch'
  | 'mail.capture.start'
  | 'mail.capture.stop'
  | 'mail.capture.status';

export function mailHandlers(mail: MailService): HandlerGroup<MailOps> {
  return {
    'mail.test': async ({ target, timeoutMs, allowUnverifiedTls }) => mail.diagnose(target, { timeoutMs, allowUnverifiedTls }),
    'mail.send': async ({ target, to, templateId, data, timeoutMs, allowUnverifiedTls }) =>
      mail.send(target, { to, templateId, data }, { timeoutMs, allowUnverifiedTls }),
    'mail.templates': async () => listTemplates(),
    'mail.preview': async ({ templateId, data }) => renderTemplate(templateId, data),
    'mail.roundtrip': async (args) => mail.roundtrip(args),
    'mail.messages.list': async ({ source, query, start, limit }) => {
      const client = mail.client(source);
      return query?.trim() ? client.search({ query, start, limit }) : client.list({ start, limit });
    },
    'mail.messages.get': async ({ source, id, loadRemoteImages }) => mail.view(source, id, loadRemoteImages),
    'mail.messages.raw': async ({ source, id }) => {
      const raw = await mail.client(source).raw(id);
      return { raw, size: Buffer.byteLength(raw) };
    },
    'mail.messages.part': async ({ source, id, partId }) => {
      const part = await mail.client(source).part(id, partId);
      return { contentType: part.contentType, size: part.data.length, base64: part.data.toString('base64') };
    },
    // Audited by dispatch (destructive), with the count and source as target.
    'mail.messages.delete': async ({ source, ids }) => {
      await mail.client(source).deleteMessages(ids);
      return { deleted: ids.length };
    },
    'mail.messages.markRead': async ({ source, ids, read }) => {
      await mail.client(source).setRead(ids, read);
      return null;
    },
    'mail.messages.watch': async ({ source }) => ({ ...mail.watch(source), watching: true as const }),
    'mail.capture.start': async (options) => mail.capture.start(options),
    'mail.capture.stop': async () => mail.capture.stop(),
    'mail.capture.status': async () => mail.capture.status(),
  };
}
