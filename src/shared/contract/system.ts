import { z } from 'zod';
import { Empty } from './common';
import { op } from './define';

export const SystemInfo = z.object({
  appVersion: z.string(),
  door: z.enum(['electron', 'browser', 'cli', 'test']),
  home: z.string(),
  secretBackend: z.object({ name: z.string(), persistent: z.boolean(), warning: z.string().nullable() }),
  node: z.string(),
  platform: z.string(),
  /** Event-loop delay of the process serving the UI, in ms (p50/p99/max since the last reset). */
  eventLoop: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

/** The main process answered, and when. */
export const Pong = z.object({ pong: z.literal(true), at: z.string() });
export type Pong = z.infer<typeof Pong>;

export const systemOperations = {
  'system.info': op('Version, door, app-data folder, secret backend, event-loop lag', Empty, SystemInfo),
  'system.ping': op('Liveness of the main process (no database access)', Empty, Pong),
} as const;
