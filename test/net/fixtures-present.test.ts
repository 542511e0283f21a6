import { expect, it } from 'vitest';
import { presentFixtures } from '../support/fixtures.js';

it('all three kernel fixtures are in the checkout (tests never pass by skipping)', () => {
  expect(presentFixtures()).toEqual(['bullseye-5.10', 'bookworm-6.1', 'trixie-6.12']);
});
