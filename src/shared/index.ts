export * from './contract/index';
export * from './errors';
