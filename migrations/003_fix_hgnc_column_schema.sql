-- 003_fix_hgnc_column_schema.sql
--
-- Two HGNC columns of non_alt_loci_set were too narrow for current HGNC exports (SysNDD v9.0):
--   rna_central_ids VARCHAR(10) -> rna_central_id VARCHAR(30) NULL  (renamed; RNAcentral ids such as
--                                                                    URS000075A546_9606 are 18+ chars)
--   omim_id VARCHAR(10)         -> VARCHAR(100) NULL                (pipe-separated OMIM ids)
--
-- Every step is guarded by information_schema, so the file is safe on a fresh base schema, on a
-- database where someone already renamed or widened the columns, and when run twice:
--   old name present, new name absent   -> rename and widen in one CHANGE COLUMN
--   new name present and narrower than 30 -> widen
--   omim_id narrower than 100           -> widen
-- Widening never truncates data. Valid on MySQL 8 and MariaDB.

DELIMITER //

DROP PROCEDURE IF EXISTS migrate_003_fix_hgnc_column_schema //

CREATE PROCEDURE migrate_003_fix_hgnc_column_schema()
BEGIN
  DECLARE has_old INT DEFAULT 0;
  DECLARE has_new INT DEFAULT 0;
  DECLARE new_len INT DEFAULT NULL;
  DECLARE omim_len INT DEFAULT NULL;

  SELECT COUNT(*) INTO has_old FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'non_alt_loci_set' AND COLUMN_NAME = 'rna_central_ids';
  SELECT COUNT(*) INTO has_new FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'non_alt_loci_set' AND COLUMN_NAME = 'rna_central_id';

  IF has_old = 1 AND has_new = 0 THEN
    ALTER TABLE non_alt_loci_set CHANGE COLUMN rna_central_ids rna_central_id VARCHAR(30) NULL;
  ELSEIF has_new = 1 THEN
    SELECT CHARACTER_MAXIMUM_LENGTH INTO new_len FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'non_alt_loci_set' AND COLUMN_NAME = 'rna_central_id';
    IF new_len < 30 THEN
      ALTER TABLE non_alt_loci_set MODIFY COLUMN rna_central_id VARCHAR(30) NULL;
    END IF;
  END IF;

  SELECT MAX(CHARACTER_MAXIMUM_LENGTH) INTO omim_len FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'non_alt_loci_set' AND COLUMN_NAME = 'omim_id';
  IF omim_len IS NOT NULL AND omim_len < 100 THEN
    ALTER TABLE non_alt_loci_set MODIFY COLUMN omim_id VARCHAR(100) NULL;
  END IF;
END //

CALL migrate_003_fix_hgnc_column_schema() //

DROP PROCEDURE IF EXISTS migrate_003_fix_hgnc_column_schema //

DELIMITER ;
