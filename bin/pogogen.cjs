#!/usr/bin/env node
// pogogen's command: the CommonJS first module of the bundled CLI in dist/ (built by `npm run build`, run on
// install by `prepare`), which answers an unchanged re-run and otherwise loads the ESM pipeline.
require('../dist/cli.cjs');
