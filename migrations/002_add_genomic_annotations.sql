-- 002_add_genomic_annotations.sql
--
-- non_alt_loci_set gains two annotation columns (SysNDD v9.0):
--   gnomad_constraints  TEXT NULL          gnomAD constraint metrics as a JSON blob (pLI, LOEUF, ...)
--   alphafold_id        VARCHAR(100) NULL  AlphaFold DB entry, e.g. AF-P12345-F1
--
-- Idempotent and portable: `ADD COLUMN IF NOT EXISTS` is MariaDB-only (MySQL 8 rejects it), so each
-- column is added by a temporary procedure only when information_schema says it is missing. The
-- procedure is dropped first (a leftover from an interrupted run must not block CREATE) and after.

DELIMITER //

DROP PROCEDURE IF EXISTS migrate_002_add_genomic_annotations //

CREATE PROCEDURE migrate_002_add_genomic_annotations()
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'non_alt_loci_set' AND COLUMN_NAME = 'gnomad_constraints'
  ) THEN
    ALTER TABLE non_alt_loci_set
      ADD COLUMN gnomad_constraints TEXT NULL COMMENT 'gnomAD constraint metrics (JSON)';
  END IF;

  IF NOT EXISTS (
    SELECT 1 FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'non_alt_loci_set' AND COLUMN_NAME = 'alphafold_id'
  ) THEN
    ALTER TABLE non_alt_loci_set
      ADD COLUMN alphafold_id VARCHAR(100) NULL COMMENT 'AlphaFold DB id, e.g. AF-<uniprot>-F1';
  END IF;
END //

CALL migrate_002_add_genomic_annotations() //

DROP PROCEDURE IF EXISTS migrate_002_add_genomic_annotations //

DELIMITER ;
