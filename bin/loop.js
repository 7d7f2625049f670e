#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI.
import { main } from '../dist/cli/main.js';

await main(process.argv);
