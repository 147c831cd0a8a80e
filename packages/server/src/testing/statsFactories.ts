/**
 * Test factories for the statistics area: a small seeded population written through the Store (the same generator
 * `onshi seed` uses), so simulation and statistics tests run on realistic members, cards and registrations.
 */
import { generateInstitutions, generateInsurers, generatePopulation } from '../population/index.js';
import type { Store } from '../store/types.js';

/** Writes insurers, `institutions` institutions and about `people` persons with everything attached. */
export async function seedSmallPopulation(
  store: Store,
  options: { people: number; seed: number; asOf: string; institutions?: number },
): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.insurers.insertMany(
      generateInsurers({ seed: options.seed }).map((g) => ({
        insurerNumber: g.insurerNumber,
        name: g.name,
        scheme: g.scheme,
        prefecture: g.prefecture,
        branch: g.branch,
      })),
    );
    await tx.institutions.insertMany(
      [...generateInstitutions({ seed: options.seed, count: options.institutions ?? 400, asOf: options.asOf })].map(
        ({ postalCode: _postalCode, ...institution }) => institution,
      ),
    );
    for (const household of generatePopulation({ people: options.people, seed: options.seed, asOf: options.asOf })) {
      for (const m of household.members) {
        await tx.persons.insertMany([m.person]);
        await tx.qualifications.insertMany(m.qualifications);
        await tx.cards.insertMany(m.cards);
        if (m.registration !== null) {
          await tx.cards.insertRegistrations([m.registration]);
        }
        await tx.dvFlags.insertMany(m.dvFlags);
      }
    }
  });
}
