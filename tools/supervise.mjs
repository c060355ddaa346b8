#!/usr/bin/env node
// node tools/supervise.mjs <name> -- <command> [args…]
//
// Runs a command and starts it again whenever it exits on its own, waiting 1 s, then 2, 4, … up
// to 30 s between attempts (back to 1 s once it has stayed up for a minute), and says so each
// time. SIGINT and SIGTERM go to the command, and the supervisor ends with it. `npm start` runs
// the worker under it, so a crashed worker does not take the API down with it.
import { spawn } from 'node:child_process';

const separator = process.argv.indexOf('--');
const name = process.argv[2] ?? 'process';
const command = separator > 0 ? process.argv.slice(separator + 1) : [];
if (command.length === 0) {
  console.error('usage: supervise.mjs <name> -- <command> [args…]');
  process.exit(2);
}
const MAX_DELAY_MS = Number(process.env.SUPERVISE_MAX_DELAY_MS ?? 30_000);
const STABLE_MS = Number(process.env.SUPERVISE_STABLE_MS ?? 60_000);
const say = (message) => process.stderr.write(`\x1b[1m[accountlink]\x1b[0m ${message}\n`);

let child = null;
let stopping = false;
let delay = 1_000;

function start() {
  const startedAt = Date.now();
  child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    child = null;
    if (stopping) {
      process.exit(0);
    }
    if (Date.now() - startedAt >= STABLE_MS) {
      delay = 1_000;
    }
    say(
      `the ${name} exited (${signal ?? `code ${code}`}); starting it again in ${delay / 1000} s`,
    );
    setTimeout(start, delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    if (child) {
      child.kill(signal);
    } else {
      process.exit(0);
    }
  });
}
start();
