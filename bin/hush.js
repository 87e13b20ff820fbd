#!/usr/bin/env node
// The installed `hush` command: runs the compiled entry point.
import '../dist/cli/main.js';
