import { rendererContentSecurityPolicy } from '../core/rendererPolicy';

/**
 * The renderer's Content-Security-Policy in the Electron door, sent as a header by the app:// handler: the
 * policy both doors share (core/rendererPolicy.ts); the renderer talks to main through IPC, so it needs no
 * other connection.
 */
export const CONTENT_SECURITY_POLICY = rendererContentSecurityPolicy();
