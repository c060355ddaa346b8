import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { EVENTS_RESOLVERS } from '@accountlink/events';
import { IAM_RESOLVERS } from '@accountlink/iam';
import { PROTON_RESOLVERS } from '@accountlink/proton';
import { CODECATALYST_RESOLVERS } from '@accountlink/codecatalyst';
import { TENANCY_RESOLVERS } from '@accountlink/tenancy';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { ResourceTagsResolver } from './resource-tags.resolver';

/** Every resolver the API serves; the schema is generated from these alone (code first). */
export const API_RESOLVERS = [
  ...TENANCY_RESOLVERS,
  ...IAM_RESOLVERS,
  ...EVENTS_RESOLVERS,
  ...PROTON_RESOLVERS,
  ...CODECATALYST_RESOLVERS,
  ResourceTagsResolver,
];

/** The schema as SDL, sorted the way the running API sorts it. Needs no database or Redis. */
export async function buildSchemaSdl(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(API_RESOLVERS);
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}
