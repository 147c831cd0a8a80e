/**
 * The synthetic population: insurers, households of persons with everything attached to them, and institutions.
 * Pure and deterministic (same seed → same output); the seed command writes it through the Store.
 */
export { generateInsurers, DEFAULT_KUMIAI_COUNT, type InsurerOptions } from './insurers.js';
export { generatePopulation, type PopulationOptions } from './population.js';
export { generateInstitutions, INSTITUTION_MIX, type InstitutionOptions } from './institutions.js';
export { Random, seedToUint32, type Seed } from './prng.js';
export type * from './types.js';
