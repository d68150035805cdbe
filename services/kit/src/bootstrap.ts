// Starting a service: structured logs, OpenAPI at /docs, graceful shutdown on SIGTERM/SIGINT.
import { INestApplication, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BaseConfig } from './config/env';
import { JsonLogger } from './logging/json-logger';

export interface StartOptions {
  name: string;
  config: BaseConfig & { RATCHET_HTTP_PORT: number };
  description?: string;
  /** Don't install signal handlers (when several services share a process, its owner does). */
  embedded?: boolean;
}

export async function startService(module: unknown, options: StartOptions): Promise<INestApplication> {
  const { config } = options;
  const logger = new JsonLogger(options.name, config.RATCHET_LOG_LEVEL, config.RATCHET_LOG_FORMAT);
  const app = await NestFactory.create<NestExpressApplication>(module as Type, { logger, bodyParser: true, abortOnError: false });
  app.useBodyParser('json', { limit: '64mb' });
  app.useBodyParser('text', { limit: '64mb', type: ['text/plain', 'application/x-ndjson', 'application/jsonl'] });
  if (!options.embedded) app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(`Ratchet ${options.name}`).setDescription(options.description ?? '').setVersion('1').build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  await app.listen(config.RATCHET_HTTP_PORT, config.RATCHET_HTTP_HOST);
  logger.log({ msg: 'listening', url: await app.getUrl(), runtime: config.RATCHET_RUNTIME });
  return app;
}
