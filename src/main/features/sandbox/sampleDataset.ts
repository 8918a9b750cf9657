/**
 * A small SysNDD-like dataset for the local sandbox: a few well-known neurodevelopmental genes, their
 * disorders, curated entities with status and review, and curator accounts. Illustrative only — enough rows
 * to try every feature (backups, restores, migrations, mail), not an authoritative extract of SysNDD.
 *
 * Table and column names follow SysNDD's schema. Each table also has a minimal fallback definition, used
 * only when the table does not exist yet (no bundled migration created it).
 */
export type SampleValue = string | number | null;

export interface SampleTable {
  name: string;
  /** CREATE TABLE IF NOT EXISTS used only when the table is missing. */
  fallbackDdl: string;
  columns: string[];
  rows: SampleValue[][];
}

const CHARSET = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4';

// [hgnc_id, symbol, name, location, entrez_id, ensembl_gene_id, omim_id]
const GENES: Array<[string, string, string, string, string, string, string]> = [
  ['HGNC:6990', 'MECP2', 'methyl-CpG binding protein 2', 'Xq28', '4204', 'ENSG00000169057', '300005'],
  ['HGNC:10588', 'SCN2A', 'sodium voltage-gated channel alpha subunit 2', '2q24.3', '6326', 'ENSG00000136531', '182390'],
  ['HGNC:11497', 'SYNGAP1', 'synaptic Ras GTPase activating protein 1', '6p21.32', '8831', 'ENSG00000197283', '603384'],
  ['HGNC:18040', 'ARID1B', 'AT-rich interaction domain 1B', '6q25.3', '57492', 'ENSG00000049618', '614556'],
  [
    'HGNC:3091',
    'DYRK1A',
    'dual specificity tyrosine phosphorylation regulated kinase 1A',
    '21q22.13',
    '1859',
    'ENSG00000157540',
    '600855',
  ],
  ['HGNC:20153', 'CHD8', 'chromodomain helicase DNA binding protein 8', '14q11.2', '57680', 'ENSG00000100888', '610528'],
  ['HGNC:21316', 'ANKRD11', 'ankyrin repeat domain containing 11', '16q24.3', '29123', 'ENSG00000167522', '611192'],
  ['HGNC:7132', 'KMT2A', 'lysine methyltransferase 2A', '11q23.3', '4297', 'ENSG00000118058', '159555'],
  ['HGNC:11444', 'STXBP1', 'syntaxin binding protein 1', '9q34.11', '6812', 'ENSG00000136854', '602926'],
  ['HGNC:14294', 'SHANK3', 'SH3 and multiple ankyrin repeat domains 3', '22q13.33', '85358', 'ENSG00000251322', '606230'],
  ['HGNC:3775', 'FMR1', 'fragile X messenger ribonucleoprotein 1', 'Xq27.3', '2332', 'ENSG00000102081', '309550'],
  ['HGNC:11411', 'CDKL5', 'cyclin dependent kinase like 5', 'Xp22.13', '6792', 'ENSG00000008086', '300203'],
  ['HGNC:11634', 'TCF4', 'transcription factor 4', '18q21.2', '6925', 'ENSG00000196628', '602272'],
  ['HGNC:15766', 'ADNP', 'activity dependent neuroprotector homeobox', '20q13.13', '23394', 'ENSG00000101126', '611386'],
];

// [disease_ontology_id_version, name, hgnc_id, inheritance, status category, synopsis]
const DISORDERS: Array<[string, string, string, string, number, string]> = [
  [
    'OMIM:312750',
    'Rett syndrome',
    'HGNC:6990',
    'HP:0001423',
    1,
    'Regression after early normal development, loss of hand use, stereotypies.',
  ],
  [
    'OMIM:613721',
    'Developmental and epileptic encephalopathy 11',
    'HGNC:10588',
    'HP:0000006',
    1,
    'Early-onset seizures with developmental delay.',
  ],
  [
    'OMIM:612621',
    'Intellectual developmental disorder 5',
    'HGNC:11497',
    'HP:0000006',
    1,
    'Intellectual disability with generalized epilepsy.',
  ],
  [
    'OMIM:135900',
    'Coffin-Siris syndrome 1',
    'HGNC:18040',
    'HP:0000006',
    1,
    'Intellectual disability, coarse facial features, hypoplastic fifth digits.',
  ],
  [
    'OMIM:614104',
    'Intellectual developmental disorder 7',
    'HGNC:3091',
    'HP:0000006',
    1,
    'Microcephaly, intellectual disability, speech delay.',
  ],
  [
    'OMIM:615032',
    'Intellectual developmental disorder with autism and macrocephaly',
    'HGNC:20153',
    'HP:0000006',
    2,
    'Autism, macrocephaly, gastrointestinal complaints.',
  ],
  ['OMIM:148050', 'KBG syndrome', 'HGNC:21316', 'HP:0000006', 1, 'Macrodontia, short stature, developmental delay.'],
  [
    'OMIM:605130',
    'Wiedemann-Steiner syndrome',
    'HGNC:7132',
    'HP:0000006',
    1,
    'Hypertrichosis cubiti, short stature, intellectual disability.',
  ],
  [
    'OMIM:612164',
    'Developmental and epileptic encephalopathy 4',
    'HGNC:11444',
    'HP:0000006',
    1,
    'Early infantile epileptic encephalopathy.',
  ],
  [
    'OMIM:606232',
    'Phelan-McDermid syndrome',
    'HGNC:14294',
    'HP:0000006',
    2,
    'Absent or delayed speech, hypotonia, autistic features.',
  ],
  ['OMIM:300624', 'Fragile X syndrome', 'HGNC:3775', 'HP:0001417', 1, 'Intellectual disability, macroorchidism, long face.'],
  [
    'OMIM:300672',
    'Developmental and epileptic encephalopathy 2',
    'HGNC:11411',
    'HP:0001423',
    1,
    'Infantile spasms and severe developmental delay.',
  ],
  ['OMIM:610954', 'Pitt-Hopkins syndrome', 'HGNC:11634', 'HP:0000006', 1, 'Severe intellectual disability, breathing anomalies.'],
  [
    'OMIM:615873',
    'Helsmoortel-van der Aa syndrome',
    'HGNC:15766',
    'HP:0000006',
    3,
    'Intellectual disability with autistic features.',
  ],
];

const USERS: SampleTable = {
  name: 'user',
  fallbackDdl: `CREATE TABLE IF NOT EXISTS \`user\` (
    user_id INT NOT NULL AUTO_INCREMENT, user_name VARCHAR(50), password VARCHAR(50), email VARCHAR(50),
    orcid VARCHAR(50), abbreviation VARCHAR(50), first_name VARCHAR(100), family_name VARCHAR(100),
    user_role CHAR(15) NOT NULL DEFAULT 'Viewer', comment VARCHAR(250), terms_agreed TINYINT, approved TINYINT DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id), UNIQUE KEY user_name (user_name), UNIQUE KEY email (email)) ${CHARSET}`,
  columns: [
    'user_id',
    'user_name',
    'email',
    'abbreviation',
    'first_name',
    'family_name',
    'user_role',
    'terms_agreed',
    'approved',
  ],
  rows: [
    [1, 'sandbox_admin', 'admin@sandbox.sysndd.local', 'SA', 'Sandbox', 'Administrator', 'Administrator', 1, 1],
    [2, 'ada_curator', 'ada@sandbox.sysndd.local', 'AC', 'Ada', 'Curator', 'Curator', 1, 1],
    [3, 'rex_reviewer', 'rex@sandbox.sysndd.local', 'RR', 'Rex', 'Reviewer', 'Reviewer', 1, 1],
    [4, 'vic_viewer', 'vic@sandbox.sysndd.local', 'VV', 'Vic', 'Viewer', 'Viewer', 1, 0],
  ],
};

const INHERITANCE: SampleTable = {
  name: 'mode_of_inheritance_list',
  fallbackDdl: `CREATE TABLE IF NOT EXISTS mode_of_inheritance_list (
    hpo_mode_of_inheritance_term VARCHAR(10) NOT NULL, hpo_mode_of_inheritance_term_name VARCHAR(100),
    inheritance_filter VARCHAR(20), is_active TINYINT, sort INT,
    update_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (hpo_mode_of_inheritance_term)) ${CHARSET}`,
  columns: ['hpo_mode_of_inheritance_term', 'hpo_mode_of_inheritance_term_name', 'inheritance_filter', 'is_active', 'sort'],
  rows: [
    ['HP:0000006', 'Autosomal dominant inheritance', 'Autosomal dominant', 1, 1],
    ['HP:0000007', 'Autosomal recessive inheritance', 'Autosomal recessive', 1, 2],
    ['HP:0001417', 'X-linked inheritance', 'X-linked', 1, 3],
    ['HP:0001419', 'X-linked recessive inheritance', 'X-linked', 1, 4],
    ['HP:0001423', 'X-linked dominant inheritance', 'X-linked', 1, 5],
    ['HP:0001427', 'Mitochondrial inheritance', 'Other', 1, 6],
  ],
};

const GENE_SET: SampleTable = {
  name: 'non_alt_loci_set',
  fallbackDdl: `CREATE TABLE IF NOT EXISTS non_alt_loci_set (
    hgnc_id VARCHAR(10) NOT NULL, symbol VARCHAR(50), name VARCHAR(200), locus_group VARCHAR(50), locus_type VARCHAR(50),
    status VARCHAR(10), location VARCHAR(50), entrez_id VARCHAR(15), ensembl_gene_id VARCHAR(15), omim_id VARCHAR(10),
    update_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (hgnc_id)) ${CHARSET}`,
  columns: [
    'hgnc_id',
    'symbol',
    'name',
    'locus_group',
    'locus_type',
    'status',
    'location',
    'entrez_id',
    'ensembl_gene_id',
    'omim_id',
  ],
  rows: GENES.map(([id, symbol, name, location, entrez, ensembl, omim]) => [
    id,
    symbol,
    name,
    'protein-coding gene',
    'gene with protein product',
    'Approved',
    location,
    entrez,
    ensembl,
    omim,
  ]),
};

const DISEASES: SampleTable = {
  name: 'disease_ontology_set',
  fallbackDdl: `CREATE TABLE IF NOT EXISTS disease_ontology_set (
    disease_ontology_id_version VARCHAR(20) NOT NULL, disease_ontology_id VARCHAR(15), disease_ontology_name VARCHAR(500),
    disease_ontology_source VARCHAR(15), disease_ontology_is_specific TINYINT, hgnc_id VARCHAR(10),
    hpo_mode_of_inheritance_term VARCHAR(10), is_active TINYINT,
    update_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (disease_ontology_id_version)) ${CHARSET}`,
  columns: [
    'disease_ontology_id_version',
    'disease_ontology_id',
    'disease_ontology_name',
    'disease_ontology_source',
    'disease_ontology_is_specific',
    'hgnc_id',
    'hpo_mode_of_inheritance_term',
    'is_active',
  ],
  rows: DISORDERS.map(([id, name, hgnc, moi]) => [id, id, name, 'mim2gene', 1, hgnc, moi, 1]),
};

const ENTITIES: SampleTable = {
  name: 'ndd_entity',
  fallbackDdl: `CREATE TABLE IF NOT EXISTS ndd_entity (
    entity_id INT NOT NULL AUTO_INCREMENT, hgnc_id VARCHAR(10), hpo_mode_of_inheritance_term VARCHAR(10),
    disease_ontology_id_version VARCHAR(20), ndd_phenotype TINYINT, entry_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    entry_source CHAR(100) NOT NULL DEFAULT 'sysndd', entry_user_id INT NOT NULL, is_active TINYINT DEFAULT 1,
    replaced_by INT, PRIMARY KEY (entity_id), KEY hgnc_id (hgnc_id)) ${CHARSET}`,
  columns: [
    'entity_id',
    'hgnc_id',
    'hpo_mode_of_inheritance_term',
    'disease_ontology_id_version',
    'ndd_phenotype',
    'entry_user_id',
    'is_active',
  ],
  rows: DISORDERS.map(([disease, , hgnc, moi], i) => [i + 1, hgnc, moi, disease, 1, 2, 1]),
};

const STATUS_CATEGORIES: SampleTable = {
  name: 'ndd_entity_status_categories_list',
  fallbackDdl: `CREATE TABLE IF NOT EXISTS ndd_entity_status_categories_list (
    category_id INT NOT NULL, category VARCHAR(15), PRIMARY KEY (category_id)) ${CHARSET}`,
  columns: ['category_id', 'category'],
  rows: [
    [1, 'Definitive'],
    [2, 'Moderate'],
    [3, 'Limited'],
    [4, 'Refuted'],
    [5, 'not applicable'],
  ],
};

const STATUSES: SampleTable = {
  name: 'ndd_entity_status',
  fallbackDdl: `CREATE TABLE IF NOT EXISTS ndd_entity_status (
    status_id INT NOT NULL AUTO_INCREMENT, entity_id INT, category_id DOUBLE DEFAULT 1, is_active TINYINT NOT NULL DEFAULT 0,
    status_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, status_user_id INT NOT NULL, status_approved TINYINT DEFAULT 0,
    approving_user_id INT, comment VARCHAR(1000), PRIMARY KEY (status_id), KEY entity_id (entity_id)) ${CHARSET}`,
  columns: ['status_id', 'entity_id', 'category_id', 'is_active', 'status_user_id', 'status_approved', 'approving_user_id'],
  rows: DISORDERS.map(([, , , , category], i) => [i + 1, i + 1, category, 1, 2, 1, 3]),
};

const REVIEWS: SampleTable = {
  name: 'ndd_entity_review',
  fallbackDdl: `CREATE TABLE IF NOT EXISTS ndd_entity_review (
    review_id INT NOT NULL AUTO_INCREMENT, entity_id INT, synopsis TEXT, is_primary TINYINT NOT NULL DEFAULT 0,
    review_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, review_user_id INT NOT NULL, review_approved TINYINT DEFAULT 0,
    approving_user_id INT, comment VARCHAR(1000), PRIMARY KEY (review_id), KEY entity_id (entity_id)) ${CHARSET}`,
  columns: ['review_id', 'entity_id', 'synopsis', 'is_primary', 'review_user_id', 'review_approved', 'approving_user_id'],
  rows: DISORDERS.map(([, , , , , synopsis], i) => [i + 1, i + 1, synopsis, 1, 2, 1, 3]),
};

/** In dependency order (parents first), so the rows also load with foreign key checks on. */
export const SAMPLE_TABLES: readonly SampleTable[] = [
  USERS,
  INHERITANCE,
  GENE_SET,
  DISEASES,
  STATUS_CATEGORIES,
  ENTITIES,
  STATUSES,
  REVIEWS,
];
