import { Type } from '@nestjs/common';
import { Field, ObjectType } from '@nestjs/graphql';
import { Page } from '../page';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface RelayConnection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

/**
 * Declares `<Name>Edge` and `<Name>Connection` object types for a node type (Relay shape). The
 * connection's name can be given where `<Name>Connection` would clash with a domain type.
 */
export function Connection<T>(
  node: Type<T>,
  name: string,
  connectionName = `${name}Connection`,
): Type<RelayConnection<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(connectionName)
  class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

export function toConnection<R, T>(page: Page<R>, map: (row: R) => T): RelayConnection<T> {
  return {
    edges: page.items.map((row, i) => ({ cursor: page.cursors[i] as string, node: map(row) })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.cursors.at(-1) ?? null },
  };
}
