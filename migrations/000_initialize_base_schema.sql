-- 000_initialize_base_schema.sql
--
-- The SysNDD core for an EMPTY database: the HGNC gene set, users, the lookup lists an entity
-- points at, entities and their status/review history. Later files assume these tables exist.
--
-- Safe on an existing SysNDD database and safe to run twice: every table is created with
-- CREATE TABLE IF NOT EXISTS (an existing table is left exactly as it is) and the seed rows use
-- INSERT IGNORE. Tables are created parents first, so no FOREIGN_KEY_CHECKS juggling is needed.
-- InnoDB + utf8mb4 throughout; valid on MySQL 8.x and MariaDB 10.6+.

-- HGNC "non alternative loci" gene set (one row per approved gene).
-- rna_central_ids (old name) and the narrow omim_id are what 003 repairs.
CREATE TABLE IF NOT EXISTS `non_alt_loci_set` (
  `hgnc_id` VARCHAR(10) NOT NULL,
  `symbol` VARCHAR(50) DEFAULT NULL,
  `name` VARCHAR(200) DEFAULT NULL,
  `locus_group` VARCHAR(50) DEFAULT NULL,
  `locus_type` VARCHAR(50) DEFAULT NULL,
  `status` VARCHAR(10) DEFAULT NULL,
  `location` VARCHAR(50) DEFAULT NULL,
  `location_sortable` VARCHAR(50) DEFAULT NULL,
  `alias_symbol` VARCHAR(200) DEFAULT NULL,
  `alias_name` VARCHAR(1000) DEFAULT NULL,
  `prev_symbol` VARCHAR(200) DEFAULT NULL,
  `prev_name` VARCHAR(1000) DEFAULT NULL,
  `gene_group` VARCHAR(1000) DEFAULT NULL,
  `gene_group_id` VARCHAR(50) DEFAULT NULL,
  `date_approved_reserved` DATE DEFAULT NULL,
  `date_modified` DATE DEFAULT NULL,
  `entrez_id` VARCHAR(15) DEFAULT NULL,
  `ensembl_gene_id` VARCHAR(20) DEFAULT NULL,
  `ucsc_id` VARCHAR(15) DEFAULT NULL,
  `refseq_accession` VARCHAR(100) DEFAULT NULL,
  `ccds_id` VARCHAR(1000) DEFAULT NULL,
  `uniprot_ids` VARCHAR(100) DEFAULT NULL,
  `pubmed_id` VARCHAR(100) DEFAULT NULL,
  `mgd_id` VARCHAR(1000) DEFAULT NULL,
  `rgd_id` VARCHAR(50) DEFAULT NULL,
  `omim_id` VARCHAR(10) DEFAULT NULL,
  `orphanet` VARCHAR(10) DEFAULT NULL,
  `rna_central_ids` VARCHAR(10) DEFAULT NULL,
  `agr` VARCHAR(20) DEFAULT NULL,
  `mane_select` VARCHAR(50) DEFAULT NULL,
  `gencc` VARCHAR(20) DEFAULT NULL,
  `STRING_id` VARCHAR(200) DEFAULT NULL,
  `bed_hg19` VARCHAR(100) DEFAULT NULL,
  `bed_hg38` VARCHAR(100) DEFAULT NULL,
  `update_date` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`hgnc_id`),
  KEY `idx_non_alt_loci_set_symbol` (`symbol`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Curators and reviewers. Passwords are hashes written by the API, never plain text.
CREATE TABLE IF NOT EXISTS `user` (
  `user_id` INT NOT NULL AUTO_INCREMENT,
  `user_name` VARCHAR(50) DEFAULT NULL,
  `password` VARCHAR(255) DEFAULT NULL,
  `email` VARCHAR(100) DEFAULT NULL,
  `orcid` VARCHAR(50) DEFAULT NULL,
  `abbreviation` VARCHAR(50) DEFAULT NULL,
  `first_name` VARCHAR(100) DEFAULT NULL,
  `family_name` VARCHAR(100) DEFAULT NULL,
  `user_role` VARCHAR(15) NOT NULL DEFAULT 'Viewer',
  `comment` VARCHAR(250) DEFAULT NULL,
  `terms_agreed` TINYINT DEFAULT NULL,
  `approved` TINYINT DEFAULT 0,
  `created_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `password_reset_date` TIMESTAMP NULL DEFAULT NULL,
  PRIMARY KEY (`user_id`),
  UNIQUE KEY `uq_user_user_name` (`user_name`),
  UNIQUE KEY `uq_user_email` (`email`),
  UNIQUE KEY `uq_user_orcid` (`orcid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- HPO mode-of-inheritance terms an entity can carry.
CREATE TABLE IF NOT EXISTS `mode_of_inheritance_list` (
  `hpo_mode_of_inheritance_term` VARCHAR(10) NOT NULL,
  `hpo_mode_of_inheritance_term_name` VARCHAR(100) DEFAULT NULL,
  `hpo_mode_of_inheritance_term_definition` VARCHAR(1000) DEFAULT NULL,
  `inheritance_filter` VARCHAR(20) DEFAULT NULL,
  `inheritance_short_text` VARCHAR(5) DEFAULT NULL,
  `is_active` TINYINT DEFAULT 1,
  `sort` INT DEFAULT NULL,
  `update_date` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`hpo_mode_of_inheritance_term`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Disease ontology terms (OMIM / MONDO), versioned.
CREATE TABLE IF NOT EXISTS `disease_ontology_set` (
  `disease_ontology_id_version` VARCHAR(20) NOT NULL,
  `disease_ontology_id` VARCHAR(15) DEFAULT NULL,
  `disease_ontology_name` VARCHAR(500) DEFAULT NULL,
  `disease_ontology_source` VARCHAR(15) DEFAULT NULL,
  `disease_ontology_date` TIMESTAMP NULL DEFAULT NULL,
  `disease_ontology_is_specific` TINYINT DEFAULT NULL,
  `hgnc_id` VARCHAR(10) DEFAULT NULL,
  `hpo_mode_of_inheritance_term` VARCHAR(10) DEFAULT NULL,
  `DOID` VARCHAR(200) DEFAULT NULL,
  `MONDO` VARCHAR(200) DEFAULT NULL,
  `Orphanet` VARCHAR(200) DEFAULT NULL,
  `is_active` TINYINT DEFAULT 1,
  `update_date` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`disease_ontology_id_version`),
  KEY `idx_disease_ontology_set_id` (`disease_ontology_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- HPO phenotype terms used in reviews.
CREATE TABLE IF NOT EXISTS `phenotype_list` (
  `phenotype_id` VARCHAR(10) NOT NULL,
  `HPO_term` VARCHAR(200) DEFAULT NULL,
  `HPO_term_definition` VARCHAR(1000) DEFAULT NULL,
  `HPO_term_synonyms` VARCHAR(1000) DEFAULT NULL,
  PRIMARY KEY (`phenotype_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Publications cited by reviews (PMID:nnn).
CREATE TABLE IF NOT EXISTS `publication` (
  `publication_id` VARCHAR(20) NOT NULL,
  `publication_type` VARCHAR(50) DEFAULT NULL,
  `Title` VARCHAR(1000) DEFAULT NULL,
  `Abstract` TEXT,
  `Publication_date` DATE DEFAULT NULL,
  `Journal` VARCHAR(200) DEFAULT NULL,
  `update_date` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`publication_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A gene–inheritance–disease entity: the unit SysNDD curates.
CREATE TABLE IF NOT EXISTS `ndd_entity` (
  `entity_id` INT NOT NULL AUTO_INCREMENT,
  `hgnc_id` VARCHAR(10) DEFAULT NULL,
  `hpo_mode_of_inheritance_term` VARCHAR(10) DEFAULT NULL,
  `disease_ontology_id_version` VARCHAR(20) DEFAULT NULL,
  `ndd_phenotype` TINYINT DEFAULT NULL,
  `entry_date` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `entry_source` VARCHAR(100) NOT NULL DEFAULT 'sysndd',
  `entry_user_id` INT NOT NULL,
  `is_active` TINYINT DEFAULT 1,
  `replaced_by` INT DEFAULT NULL,
  PRIMARY KEY (`entity_id`),
  UNIQUE KEY `uq_ndd_entity_quadruple` (`hgnc_id`, `hpo_mode_of_inheritance_term`, `disease_ontology_id_version`, `ndd_phenotype`),
  KEY `idx_ndd_entity_inheritance` (`hpo_mode_of_inheritance_term`),
  KEY `idx_ndd_entity_disease` (`disease_ontology_id_version`),
  KEY `idx_ndd_entity_user` (`entry_user_id`),
  KEY `idx_ndd_entity_replaced_by` (`replaced_by`),
  CONSTRAINT `fk_ndd_entity_gene` FOREIGN KEY (`hgnc_id`) REFERENCES `non_alt_loci_set` (`hgnc_id`),
  CONSTRAINT `fk_ndd_entity_inheritance` FOREIGN KEY (`hpo_mode_of_inheritance_term`) REFERENCES `mode_of_inheritance_list` (`hpo_mode_of_inheritance_term`),
  CONSTRAINT `fk_ndd_entity_disease` FOREIGN KEY (`disease_ontology_id_version`) REFERENCES `disease_ontology_set` (`disease_ontology_id_version`),
  CONSTRAINT `fk_ndd_entity_user` FOREIGN KEY (`entry_user_id`) REFERENCES `user` (`user_id`),
  CONSTRAINT `fk_ndd_entity_replaced_by` FOREIGN KEY (`replaced_by`) REFERENCES `ndd_entity` (`entity_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Evidence categories (Definitive, Moderate, ...).
CREATE TABLE IF NOT EXISTS `ndd_entity_status_categories_list` (
  `category_id` INT NOT NULL,
  `category` VARCHAR(20) DEFAULT NULL,
  PRIMARY KEY (`category_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Status history of an entity (the active row is the current category).
CREATE TABLE IF NOT EXISTS `ndd_entity_status` (
  `status_id` INT NOT NULL AUTO_INCREMENT,
  `entity_id` INT DEFAULT NULL,
  `category_id` INT DEFAULT 1,
  `is_active` TINYINT NOT NULL DEFAULT 0,
  `status_date` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `status_user_id` INT NOT NULL,
  `status_approved` TINYINT DEFAULT 0,
  `approving_user_id` INT DEFAULT NULL,
  `comment` VARCHAR(1000) DEFAULT NULL,
  `problematic` TINYINT DEFAULT 0,
  PRIMARY KEY (`status_id`),
  KEY `idx_ndd_entity_status_entity` (`entity_id`),
  CONSTRAINT `fk_ndd_entity_status_entity` FOREIGN KEY (`entity_id`) REFERENCES `ndd_entity` (`entity_id`),
  CONSTRAINT `fk_ndd_entity_status_category` FOREIGN KEY (`category_id`) REFERENCES `ndd_entity_status_categories_list` (`category_id`),
  CONSTRAINT `fk_ndd_entity_status_user` FOREIGN KEY (`status_user_id`) REFERENCES `user` (`user_id`),
  CONSTRAINT `fk_ndd_entity_status_approver` FOREIGN KEY (`approving_user_id`) REFERENCES `user` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Clinical synopsis reviews of an entity.
CREATE TABLE IF NOT EXISTS `ndd_entity_review` (
  `review_id` INT NOT NULL AUTO_INCREMENT,
  `entity_id` INT DEFAULT NULL,
  `synopsis` TEXT,
  `is_primary` TINYINT NOT NULL DEFAULT 0,
  `review_date` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `review_user_id` INT NOT NULL,
  `review_approved` TINYINT DEFAULT 0,
  `approving_user_id` INT DEFAULT NULL,
  `comment` VARCHAR(1000) DEFAULT NULL,
  PRIMARY KEY (`review_id`),
  KEY `idx_ndd_entity_review_entity` (`entity_id`),
  CONSTRAINT `fk_ndd_entity_review_entity` FOREIGN KEY (`entity_id`) REFERENCES `ndd_entity` (`entity_id`),
  CONSTRAINT `fk_ndd_entity_review_user` FOREIGN KEY (`review_user_id`) REFERENCES `user` (`user_id`),
  CONSTRAINT `fk_ndd_entity_review_approver` FOREIGN KEY (`approving_user_id`) REFERENCES `user` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Seed rows: the fixed vocabularies. INSERT IGNORE keeps rows an administrator already has.
INSERT IGNORE INTO `ndd_entity_status_categories_list` (`category_id`, `category`) VALUES
  (1, 'Definitive'),
  (2, 'Moderate'),
  (3, 'Limited'),
  (4, 'Refuted'),
  (5, 'not applicable');

INSERT IGNORE INTO `mode_of_inheritance_list`
  (`hpo_mode_of_inheritance_term`, `hpo_mode_of_inheritance_term_name`, `inheritance_filter`, `inheritance_short_text`, `sort`) VALUES
  ('HP:0000006', 'Autosomal dominant inheritance', 'Autosomal dominant', 'AD', 1),
  ('HP:0000007', 'Autosomal recessive inheritance', 'Autosomal recessive', 'AR', 2),
  ('HP:0001417', 'X-linked inheritance', 'X-linked', 'X', 3),
  ('HP:0001419', 'X-linked recessive inheritance', 'X-linked', 'XR', 4),
  ('HP:0001423', 'X-linked dominant inheritance', 'X-linked', 'XD', 5),
  ('HP:0001427', 'Mitochondrial inheritance', 'Other', 'Mit', 6),
  ('HP:0001450', 'Y-linked inheritance', 'Other', 'Y', 7),
  ('HP:0010984', 'Digenic inheritance', 'Other', 'DG', 8),
  ('HP:0001428', 'Somatic mutation', 'Other', 'Som', 9);
