import { describe, expect, it } from 'vitest';
import { IndexBuilds } from '../../../src/main/features/restore/loader/IndexBuilds';
import type { LoadScheduler } from '../../../src/main/features/restore/loader/LoadScheduler';

/**
 * The order IndexBuilds asks of the scheduler for tables tied by a foreign key. MySQL 8 takes metadata locks
 * on both ends of a foreign key: a parent's CREATE running beside its child's index build deadlocked (error
 * 1213 in the MySQL integration run, mysqldump's alphabetical order putting the child first). DDL of either
 * end must wait for the other's queued rows and DDL.
 */

interface DdlCall {
  table: string;
  sql: string;
  after: readonly string[];
}

/** Records tableDdl calls; the only scheduler method IndexBuilds uses. */
function recordingScheduler(): { scheduler: LoadScheduler; calls: DdlCall[] } {
  const calls: DdlCall[] = [];
  const recorder = {
    tableDdl(table: string, sql: string, opts: { after?: readonly string[] } = {}) {
      calls.push({ table, sql, after: opts.after ?? [] });
      return Promise.resolve();
    },
  };
  return { scheduler: recorder as unknown as LoadScheduler, calls };
}

const mysql = { serverVersion: 80036, mariadb: false };
const ENGINE = ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4';
const ITEM =
  'CREATE TABLE `item` (`id` int NOT NULL, `parent_id` int NOT NULL, `name` varchar(20), PRIMARY KEY (`id`), ' +
  'KEY `fk_item_parent` (`parent_id`), KEY `by_name` (`name`), ' +
  'CONSTRAINT `fk_item_parent` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`))' +
  ENGINE;
const PARENT = `CREATE TABLE \`parent\` (\`id\` int NOT NULL, \`code\` varchar(20), PRIMARY KEY (\`id\`), KEY \`by_code\` (\`code\`))${ENGINE}`;
const OTHER = `CREATE TABLE \`other\` (\`id\` int NOT NULL, \`v\` int, PRIMARY KEY (\`id\`), KEY \`by_v\` (\`v\`))${ENGINE}`;

describe('IndexBuilds orders DDL of foreign-key neighbours (restore/loader/IndexBuilds.ts)', () => {
  it("mysqldump's order (child first): the parent's CREATE waits for the child's rows and index build", () => {
    const { scheduler, calls } = recordingScheduler();
    const builds = new IndexBuilds(scheduler, () => mysql, true);
    builds.nextTable('item');
    builds.create('item', ITEM);
    builds.rows('item', 1000);
    builds.nextTable('parent'); // the child's rows are all read: its build is queued
    builds.create('parent', PARENT);

    const itemBuild = calls.find((c) => c.table === 'item' && c.sql.startsWith('ALTER TABLE'));
    expect(itemBuild?.sql).toBe('ALTER TABLE `item` ADD KEY `by_name` (`name`)');
    expect(itemBuild?.after).toEqual(['parent']);
    const parentCreate = calls.find((c) => c.table === 'parent');
    expect(parentCreate?.after).toEqual(['item']);
    expect(calls.indexOf(parentCreate as DdlCall)).toBeGreaterThan(calls.indexOf(itemBuild as DdlCall));
  });

  it('our order (every CREATE first, builds at the end): each build waits for its neighbours; others stay free', () => {
    const { scheduler, calls } = recordingScheduler();
    const builds = new IndexBuilds(scheduler, () => mysql, true);
    builds.create('parent', PARENT);
    builds.create('item', ITEM);
    builds.create('other', OTHER);
    builds.flushAll();
    const waitsFor = (table: string, kind: string) => calls.find((c) => c.table === table && c.sql.startsWith(kind))?.after;
    expect(waitsFor('item', 'CREATE')).toEqual(['parent']);
    expect(waitsFor('parent', 'ALTER')).toEqual(['item']);
    expect(waitsFor('item', 'ALTER')).toEqual(['parent']);
    expect(waitsFor('other', 'CREATE')).toEqual([]);
    expect(waitsFor('other', 'ALTER')).toEqual([]);
  });
});
