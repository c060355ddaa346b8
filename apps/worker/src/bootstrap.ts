import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@accountlink/config';
import { createLogger, PinoNestLogger } from '@accountlink/observability';
import { WorkerModule } from './worker.module';

/** The worker process: no HTTP app, only processors and the relay (plus a metrics port). */
export async function createWorkerApp(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule, {
    logger: new PinoNestLogger(createLogger(config.logLevel, 'accountlink-worker')),
  });
  app.enableShutdownHooks();
  return app;
}
