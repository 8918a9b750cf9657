import { describe, expect, it } from 'vitest';
import { splitSecondaryIndexes } from '../../../src/main/features/restore/deferredIndexes';

const mariadb = { serverVersion: 101119, mariadb: true };
const mysql = { serverVersion: 80036, mariadb: false };
const table = (body: string, options = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4') => `CREATE TABLE \`t\` (\n${body}\n) ${options}`;

describe('splitSecondaryIndexes (restore/deferredIndexes.ts)', () => {
  it('moves plain, FULLTEXT and SPATIAL keys to ALTERs in declaration order, FULLTEXT one per statement', () => {
    const sql = table(
      [
        '  `id` int NOT NULL,',
        '  `name` varchar(50) NOT NULL,',
        '  `g` point NOT NULL,',
        '  PRIMARY KEY (`id`),',
        '  UNIQUE KEY `u` (`name`),',
        "  KEY `k1` (`name`(8),`id` DESC) COMMENT 'a, b',",
        '  FULLTEXT KEY `f1` (`name`),',
        '  FULLTEXT KEY `f2` (`name`),',
        '  SPATIAL KEY `s` (`g`),',
        '  KEY `k2` (`id`) /*!80000 INVISIBLE */',
      ].join('\n'),
    );
    const split = splitSecondaryIndexes(sql, mariadb);
    expect(split?.create).toBe(
      'CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `name` varchar(50) NOT NULL,\n  `g` point NOT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `u` (`name`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    expect(split?.addIndexes).toEqual([
      "ALTER TABLE `t` ADD KEY `k1` (`name`(8),`id` DESC) COMMENT 'a, b'",
      'ALTER TABLE `t` ADD FULLTEXT KEY `f1` (`name`)',
      'ALTER TABLE `t` ADD FULLTEXT KEY `f2` (`name`)',
      'ALTER TABLE `t` ADD SPATIAL KEY `s` (`g`), ADD KEY `k2` (`id`) /*!80000 INVISIBLE */\n',
    ]);
    expect(split?.count).toBe(5);
  });

  it('keeps keys backing a foreign key or an AUTO_INCREMENT column, functional keys, and every key before them', () => {
    const fk = table(
      '`id` int NOT NULL AUTO_INCREMENT, `p` int, `q` int, KEY `a` (`q`), KEY `by_p` (`p`,`q`), KEY `b` (`q`,`p`), KEY `seq` (`id`), ' +
        'CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `db`.`parent` (`id`)',
    );
    expect(splitSecondaryIndexes(fk, mariadb)).toBeNull(); // `seq` (AUTO_INCREMENT) is last and kept
    const fk2 = table(
      '`id` int NOT NULL, `p` int, `q` int, KEY `a` (`q`), KEY `by_p` (`p`,`q`), KEY `b` (`q`,`p`), CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `db`.`parent` (`id`)',
    );
    const split = splitSecondaryIndexes(fk2, mariadb);
    expect(split?.addIndexes).toEqual(['ALTER TABLE `t` ADD KEY `b` (`q`,`p`)']);
    expect(split?.references).toEqual(['parent']);
    expect(splitSecondaryIndexes(table('`a` int, KEY `f` ((lower(`a`)))'), mysql)).toBeNull();
  });

  it('leaves other engines, system-versioned tables, CREATE … SELECT / LIKE and unreadable text alone', () => {
    expect(splitSecondaryIndexes(table('`a` int, KEY `k` (`a`)', 'ENGINE=MyISAM'), mariadb)).toBeNull();
    expect(splitSecondaryIndexes(table('`a` int, KEY `k` (`a`)', 'ENGINE=InnoDB WITH SYSTEM VERSIONING'), mariadb)).toBeNull();
    expect(splitSecondaryIndexes(table('`a` int, KEY `k` (`a`)', 'ENGINE=InnoDB AS SELECT 1 AS a'), mariadb)).toBeNull();
    expect(splitSecondaryIndexes('CREATE TABLE `t` LIKE `u`', mariadb)).toBeNull();
    // A separator inside an executable comment: the element cannot be cut there.
    expect(splitSecondaryIndexes(table('`a` int /*!50100 , KEY `k` (`a`) */', 'ENGINE=InnoDB'), mariadb)).toBeNull();
    expect(splitSecondaryIndexes(table('`a` int, PRIMARY KEY (`a`)'), mariadb)).toBeNull();
  });

  it('keeps a qualified (shadow schema) name and line comments intact in the ALTER', () => {
    const sql = 'CREATE TABLE `shadow`.`t` (`a` int, KEY `k` (`a`) -- note\n, KEY `j` (`a`)) ENGINE=InnoDB';
    const split = splitSecondaryIndexes(sql, mariadb);
    expect(split?.create).toBe('CREATE TABLE `shadow`.`t` (`a` int) ENGINE=InnoDB');
    expect(split?.addIndexes).toEqual(['ALTER TABLE `shadow`.`t` ADD KEY `k` (`a`) -- note\n, ADD KEY `j` (`a`)']);
  });
});
