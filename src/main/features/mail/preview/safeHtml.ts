/** HTML that is already safe to place in a document (built by `html`, never from raw input). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for an element body or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** `undefined` renders as nothing (a missing optional field). */
type Interpolation = string | number | undefined | SafeHtml | readonly SafeHtml[];

/**
 * Tagged template for mail HTML: every interpolated value is escaped unless it is SafeHtml produced by
 * this same tag. Templates therefore cannot forget to escape a user's name or a token.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    if (v instanceof SafeHtml) out += v.value;
    else if (Array.isArray(v)) out += v.map((p) => p.value).join('');
    else if (v !== undefined) out += escapeHtml(String(v));
    out += strings[i + 1] ?? '';
  });
  return new SafeHtml(out);
}
