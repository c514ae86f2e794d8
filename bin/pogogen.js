#!/usr/bin/env node
// pogogen's command: the bundled CLI in dist/ (built by `npm run build`, run on install by `prepare`).
import '../dist/cli.js';
