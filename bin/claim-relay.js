#!/usr/bin/env node
'use strict';
// `npx claim-relay <command>`: the operator CLI (src/cli/main.ts), compiled first if a source changed.
require('../scripts/launch').launch('src/cli/main');
