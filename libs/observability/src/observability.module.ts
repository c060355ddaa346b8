import { DynamicModule, Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';

@Global()
@Module({})
export class ObservabilityModule {
  /** One metrics registry per process, labelled with the process name (api, worker). */
  static forProcess(processName: string): DynamicModule {
    return {
      module: ObservabilityModule,
      providers: [{ provide: Metrics, useValue: new Metrics(processName) }],
      exports: [Metrics],
    };
  }
}
