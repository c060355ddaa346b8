import { Context, Field, ID, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import { GqlContext, requireTenantAdmin } from '@accountlink/tenancy';
import { EventBus } from '../event-bus';
import { EventMessage } from '../event-message';

@ObjectType('TenantEvent', {
  description: 'A domain event of the tenant, as recorded in the outbox',
})
export class TenantEventModel {
  @Field(() => ID, {
    description: 'Increasing per resource in commit order; use it to drop duplicates',
  })
  id!: string;
  @Field() type!: string;
  @Field() aggregateType!: string;
  @Field() aggregateId!: string;
  @Field(() => [String], { description: 'The accounts whose principals also see this event' })
  accountIds!: string[];
  @Field({ description: 'The event payload, as JSON' }) payload!: string;
  @Field() occurredAt!: Date;

  static from(event: EventMessage): TenantEventModel {
    return {
      id: event.id,
      type: event.type,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      accountIds: event.accountIds,
      payload: JSON.stringify(event.payload),
      occurredAt: new Date(event.occurredAt),
    };
  }
}

@Resolver()
export class TenantEventsResolver {
  constructor(private readonly bus: EventBus) {}

  @Subscription(() => TenantEventModel, {
    description: "Every event of the caller's tenant. Tenant administrators only.",
    resolve: (event: EventMessage) => TenantEventModel.from(event),
  })
  async tenantEvents(@Context() { ctx }: GqlContext): Promise<AsyncIterableIterator<EventMessage>> {
    const admin = requireTenantAdmin(await ctx.principal());
    return this.bus.subscribe(admin, () => true);
  }
}
