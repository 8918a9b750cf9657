import type { CaptureRow } from './CaptureStore';
import { partsOf } from './CaptureStore';

/**
 * Capture rows in exactly the JSON Mailpit's API v1 returns (field names and types from its swagger), so
 * clients written for Mailpit — ours included — cannot tell the two apart.
 */

type Json = Record<string, unknown>;

export function summaryJson(r: CaptureRow): Json {
  return {
    ID: r.id,
    MessageID: r.message_id,
    Read: r.read === 1,
    From: JSON.parse(r.from_json),
    To: JSON.parse(r.to_json),
    Cc: JSON.parse(r.cc_json),
    Bcc: JSON.parse(r.bcc_json),
    ReplyTo: JSON.parse(r.reply_to_json),
    Subject: r.subject,
    Created: r.created,
    Username: r.username,
    Tags: JSON.parse(r.tags_json),
    Size: r.size,
    Attachments: partsOf(r).filter((p) => !p.inline).length,
    Snippet: r.snippet,
  };
}

export function messageJson(r: CaptureRow): Json {
  const parts = partsOf(r);
  const attachment = ({ inline: _inline, ...p }: ReturnType<typeof partsOf>[number]) => p;
  const unsubscribe = JSON.parse(r.list_unsubscribe_json) as { Header: string; HeaderPost: string };
  return {
    ID: r.id,
    MessageID: r.message_id,
    From: JSON.parse(r.from_json),
    To: JSON.parse(r.to_json),
    Cc: JSON.parse(r.cc_json),
    Bcc: JSON.parse(r.bcc_json),
    ReplyTo: JSON.parse(r.reply_to_json),
    ReturnPath: r.return_path,
    Subject: r.subject,
    Date: r.date,
    Tags: JSON.parse(r.tags_json),
    Username: r.username,
    Text: r.text,
    HTML: r.html,
    Size: r.size,
    Inline: parts.filter((p) => p.inline).map(attachment),
    Attachments: parts.filter((p) => !p.inline).map(attachment),
    ListUnsubscribe: {
      Header: unsubscribe.Header,
      HeaderPost: unsubscribe.HeaderPost,
      Links: unsubscribeLinks(unsubscribe.Header),
      Errors: '',
    },
  };
}

/** The links of a List-Unsubscribe header (`<mailto:…>, <https://…>`). */
function unsubscribeLinks(header: string): string[] {
  return [...header.matchAll(/<([^>]+)>/g)].map((m) => m[1] as string);
}
