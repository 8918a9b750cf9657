import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/main/features/mail/preview/safeHtml';
import { listTemplates, renderTemplate } from '../../../src/main/features/mail/templates/templates';

describe('SysNDD mail templates', () => {
  it('render every template with its sample data in text and HTML', () => {
    const templates = listTemplates();
    expect(templates.map((t) => t.id)).toEqual(['smtp-test', 'registration-received', 'account-approved', 'password-reset']);
    for (const t of templates) {
      const r = renderTemplate(t.id);
      expect(r.subject.length).toBeGreaterThan(5);
      expect(r.html).toMatch(/^<!DOCTYPE html>/);
      for (const f of t.fields) {
        expect(r.text, `${t.id} text shows ${f.key}`).toContain(f.sample);
        expect(r.html, `${t.id} html shows ${f.key}`).toContain(escapeHtml(f.sample));
      }
    }
  });

  it('carries the initial password and the reset token link', () => {
    const approved = renderTemplate('account-approved', {
      userName: 'jdoe',
      initialPassword: 'S3cret!',
      loginUrl: 'https://sysndd.org/Login',
    });
    expect(approved.text).toContain('Initial password: S3cret!');
    expect(approved.html).toContain('href="https://sysndd.org/Login"');
    const reset = renderTemplate('password-reset', { resetUrl: 'https://sysndd.org/PasswordReset/abc.def-123' });
    expect(reset.text).toMatch(/https:\/\/sysndd\.org\/PasswordReset\/abc\.def-123/);
    expect(reset.html).toContain('href="https://sysndd.org/PasswordReset/abc.def-123"');
  });

  it('escapes every interpolated value in the HTML (property)', () => {
    // Rendering with value V must equal rendering with a plain marker where the marker is then replaced by
    // escapeHtml(V): every place a value lands is escaped, and nothing else changes.
    const MARKER = 'Zq9MarkerZq9';
    const texts = listTemplates().map((t) => ({ id: t.id, keys: t.fields.filter((f) => !f.url).map((f) => f.key) }));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom(...texts), (value, t) => {
        const withValue = renderTemplate(t.id, Object.fromEntries(t.keys.map((k) => [k, value])));
        const withMarker = renderTemplate(t.id, Object.fromEntries(t.keys.map((k) => [k, MARKER])));
        expect(withValue.html).toBe(withMarker.html.split(MARKER).join(escapeHtml(value)));
        expect(withValue.text).toBe(withMarker.text.split(MARKER).join(value));
      }),
      { numRuns: 300 },
    );
    const evil = renderTemplate('registration-received', {
      firstName: '<script>alert(1)</script>',
      userName: '"><img src=x onerror=alert(1)>',
    });
    expect(evil.html).not.toMatch(/<script>alert|<img src=x/);
    expect(evil.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(evil.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('refuses non-http(s) links, unknown fields, and keeps the subject on one line', () => {
    expect(() => renderTemplate('account-approved', { loginUrl: 'javascript:alert(1)' })).toThrow(/http\(s\) URL/);
    expect(() => renderTemplate('password-reset', { resetUrl: 'data:text/html,<script>' })).toThrow(/http\(s\) URL/);
    expect(() => renderTemplate('password-reset', { resetUrl: 'https://a.example/x y' })).toThrow(/http\(s\) URL/);
    expect(() => renderTemplate('password-reset', { token: 'x' })).toThrow(/no field "token"/);
    for (const t of listTemplates()) expect(renderTemplate(t.id).subject).not.toMatch(/[\r\n]/);
  });
});
