import { Global, Module } from '@nestjs/common';
import { OutboxRepository } from './repositories/outbox.repository';

/** The outbox writer every feature records its events with; imported once by each app. */
@Global()
@Module({ providers: [OutboxRepository], exports: [OutboxRepository] })
export class OutboxModule {}
