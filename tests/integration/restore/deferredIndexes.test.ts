import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, onMySql, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import {
  dropSchemas,
  jobErrors,
  mariadbDump,
  query,
  restoreAndWait,
  sideSchemas,
  snapshot,
  TEST_LOCK_TIMEOUT_SECONDS,
} from './restoreHelpers';

/**
 * Issue 16: a restore creates each table without its secondary indexes and adds them back after the rows
 * (ALTER TABLE … ADD INDEX, restore/deferredIndexes.ts). The restored tables must be the dumped ones:
 * SHOW CREATE TABLE equal for every kind of index (composite, prefix, DESC, FULLTEXT, SPATIAL, invisible
 * on MySQL / IGNORED on MariaDB, functional on MySQL), for keys kept because they back a foreign key or
 * an AUTO_INCREMENT column, and the rows equal (CHECKSUM TABLE). From the engine's own dump tool and from
 * our backup.
 */
describe('restore builds secondary indexes after the rows', () => {
  let t: TestApp;
  let src: TestDatabase;
  let profileId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-idx-'));
  const targets: string[] = [];

  const hidden = () => (onMySql() ? 'INVISIBLE' : 'IGNORED');
  // MariaDB: item's DESC, prefix, IGNORED, 2 FULLTEXT and SPATIAL keys (k_parent_created backs the foreign
  // key and stays), tag's k_label_item. MySQL lists the functional key (kept) after most of them in its
  // SHOW CREATE TABLE, so fewer come after the last kept key.
  const deferredCount = () => (onMySql() ? 3 : 7);
  const functional = () => (onMySql() ? '\n KEY fn_lower ((lower(name))),' : '');

  beforeAll(async () => {
    t = createTestApp();
    src = await createTestDatabase('rs_idx');
    const c = await rootConnection({ database: src.name });
    try {
      await c.query(`CREATE TABLE parent (
        id INT NOT NULL, code VARCHAR(20) NOT NULL, PRIMARY KEY (id), UNIQUE KEY uq_code (code)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
      await c.query(`CREATE TABLE item (
        id INT NOT NULL AUTO_INCREMENT, parent_id INT NULL, name VARCHAR(100) NOT NULL, descr TEXT, created DATETIME NOT NULL,
        amount DECIMAL(10,2) NULL, g POINT NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_name_created (name, created),${functional()}
        KEY k_parent_created (parent_id, created),
        KEY k_created_desc (created DESC, amount),
        KEY k_name_prefix (name(8)),
        KEY k_hidden (amount) ${hidden()},
        FULLTEXT KEY ft_name (name),
        FULLTEXT KEY ft_descr (descr, name),
        SPATIAL KEY sp_g (g),
        CONSTRAINT fk_item_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
      // A key before the foreign key's (kept) one stays too: keys keep their order in SHOW CREATE TABLE.
      await c.query(`CREATE TABLE tag (
        seq INT NOT NULL AUTO_INCREMENT, item_id INT NOT NULL, label VARCHAR(30) NOT NULL,
        KEY k_seq (seq), KEY k_label (label), KEY k_item (item_id), KEY k_label_item (label, item_id),
        CONSTRAINT fk_tag_item FOREIGN KEY (item_id) REFERENCES item (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
      await c.query("INSERT INTO parent VALUES (1, 'a'), (2, 'b'), (3, 'c')");
      for (let batch = 0; batch < 4; batch++) {
        const values = Array.from({ length: 250 }, (_, k) => {
          const n = batch * 250 + k;
          return `(${n % 4 === 0 ? 'NULL' : (n % 3) + 1}, 'name ${n} gene', ${n % 5 === 0 ? 'NULL' : `'descr of ${n} words'`}, '2021-01-01' + INTERVAL ${n * 7} MINUTE, ${n % 6 === 0 ? 'NULL' : n / 4}, ST_GeomFromText('POINT(${n % 90} ${n % 45})'))`;
        });
        await c.query(`INSERT INTO item (parent_id, name, descr, created, amount, g) VALUES ${values.join(',')}`);
      }
      await c.query("INSERT INTO tag (item_id, label) SELECT id, CONCAT('l', id % 17) FROM item WHERE id % 2 = 0");
    } finally {
      await c.end();
    }
    profileId = (await createProfileForTestDb(t, src.name)).id;
  });

  afterAll(async () => {
    await t?.close();
    const side = (await Promise.all(targets.map(sideSchemas))).flat();
    await dropSchemas([...targets, ...side]);
    await src?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function showCreate(db: string): Promise<Record<string, string>> {
    const c = await rootConnection({ database: db });
    try {
      const out: Record<string, string> = {};
      for (const table of ['parent', 'item', 'tag']) {
        const [row] = await query<Record<string, string>>(c, `SHOW CREATE TABLE \`${table}\``);
        out[table] = String(row?.['Create Table']);
      }
      return out;
    } finally {
      await c.end();
    }
  }

  async function itemRows(db: string): Promise<unknown[]> {
    const c = await rootConnection({ database: db });
    try {
      return await query(
        c,
        "SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', id, IFNULL(parent_id, 'null'), name, IFNULL(descr, 'null'), created, IFNULL(amount, 'null'), ST_AsText(g)))) AS crc FROM item",
      );
    } finally {
      await c.end();
    }
  }

  async function restoreInto(file: string, name: string): Promise<{ db: string; log: string }> {
    const db = `${src.name}_${name}`;
    targets.push(db);
    const job = await restoreAndWait(t, { profileId, file, targetDatabase: db });
    const log = await jobErrors(t, job);
    expect(job.state, log).toBe('succeeded');
    return { db, log };
  }

  it('restores a dump from the engine’s dump tool with every index as it was (SHOW CREATE TABLE, CHECKSUM TABLE)', async () => {
    const before = { create: await showCreate(src.name), data: await snapshot(src.name) };
    expect(before.create.item).toContain(hidden());
    const file = await mariadbDump(src.name, path.join(dir, 'dump.sql'));
    const { db, log } = await restoreInto(file, 'dump');
    expect(log).toContain(`Built ${deferredCount()} secondary index(es) of 2 table(s) after their rows`);
    expect(await showCreate(db)).toEqual(before.create);
    // On MySQL, a table with a functional key restored from mysqldump's file has another CHECKSUM TABLE
    // value than its source whether its indexes are deferred or not (the hidden column): its rows are
    // compared column by column instead.
    const { item, ...others } = (await snapshot(db)).checksums;
    const { item: itemBefore, ...othersBefore } = before.data.checksums;
    expect(others).toEqual(othersBefore);
    if (!onMySql()) expect(item).toEqual(itemBefore);
    expect(await itemRows(db)).toEqual(await itemRows(src.name));
  });

  it('restores our own backup the same way', async () => {
    const before = { create: await showCreate(src.name), data: await snapshot(src.name) };
    const backup = await t.app.backups.createBackup(profileId, { dir }, {});
    const { db, log } = await restoreInto(backup.path, 'ours');
    expect(log).toContain(`Built ${deferredCount()} secondary index(es) of 2 table(s) after their rows`);
    expect(await showCreate(db)).toEqual(before.create);
    expect((await snapshot(db)).checksums).toEqual(before.data.checksums);
  });

  it('a cancel stops an index build that is waiting: cancelled, nothing swapped, shadow dropped', async () => {
    // A big table whose key is built after its rows; a reader holding the table open in a transaction
    // makes that ALTER wait for its metadata lock, so only the cancel's KILL QUERY can end it.
    const c = await rootConnection({ database: src.name });
    // Last in the file: its build is queued when the whole file is read.
    await c.query('CREATE TABLE zz_big (id INT NOT NULL, v INT NOT NULL, PRIMARY KEY (id), KEY k_v (v)) ENGINE=InnoDB');
    await c.query('INSERT INTO zz_big VALUES (1, 7)');
    for (let k = 0; k < 17; k++) {
      await c.query('SET @m = (SELECT MAX(id) FROM zz_big)');
      await c.query('INSERT INTO zz_big SELECT id + @m, (id * 7919) % 10007 FROM zz_big');
    }
    await c.end();
    const backup = await t.app.backups.createBackup(profileId, { dir }, {});
    const db = `${src.name}_cancel`;
    targets.push(db);
    const job = await t.ok('restore.start', {
      profileId,
      file: backup.path,
      targetDatabase: db,
      confirm: 'RESTORE',
      options: { lockTimeoutSeconds: TEST_LOCK_TIMEOUT_SECONDS },
    });
    const reader = await rootConnection();
    try {
      // The load's shadow schema (the preflight's DDL rehearsal uses a scratch schema of the same pattern first).
      while (!(t.app.jobs.get(job.id).progress.stage ?? '').startsWith('loading')) {
        expect(t.app.jobs.get(job.id).state).toBe('running');
        await sleep(5);
      }
      let shadow: string | undefined;
      while (!shadow) {
        expect(t.app.jobs.get(job.id).state).toBe('running');
        const found = await query<{ s: string }>(
          reader,
          "SELECT TABLE_SCHEMA AS s FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE ? AND TABLE_NAME = 'zz_big'",
          [`${db}\\_\\_restore\\_%`],
        );
        shadow = found[0]?.s;
        if (!shadow) await sleep(5);
      }
      await reader.query('START TRANSACTION');
      await reader.query(`SELECT 1 FROM \`${shadow}\`.zz_big LIMIT 1`);
      while (!(t.app.jobs.get(job.id).progress.stage ?? '').startsWith('building secondary indexes')) {
        expect(t.app.jobs.get(job.id).state).toBe('running');
        await sleep(10);
      }
      const builds = async () =>
        query(reader, "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'ALTER TABLE%zz\\_big%ADD KEY%'");
      while ((await builds()).length === 0) await sleep(10); // the build waits for the reader's lock
      t.app.jobs.cancel(job.id);
      // Ended by the cancel's KILL QUERY while the reader still holds its lock.
      while ((await builds()).length > 0) await sleep(10);
      await reader.query('ROLLBACK');
      const final = await t.app.jobs.wait(job.id, 600_000);
      expect(final.state, await jobErrors(t, final)).toBe('cancelled');
    } finally {
      await reader.end();
    }
    expect(await sideSchemas(db)).toEqual([]);
    const record = (await t.ok('restore.list', { profileId, limit: 1 }))[0];
    expect(record?.phase).toBe('cancelled');
  });
});
