import 'reflect-metadata';
import { loadConfig } from '@accountlink/config';
import { createWorkerApp } from './bootstrap';

createWorkerApp(loadConfig())
  .then((app) => app.init())
  .catch((error: unknown) => {
    process.stderr.write(
      `AccountLink worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
