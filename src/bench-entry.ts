// The bundle's entry (scripts/bundle.mjs builds dist/bundle/xportshow.cjs from it): main() for
// bin/xportshow.js, and what `npm run bench` loads in its measuring process: the same bundle and
// modules the CLI runs, so its figures include the start-up a user pays.
export { main } from './cli.js';
export { Session } from './views/session.js';
export { runLine, runParsedLine, parseLine } from './shell/dispatch.js';
