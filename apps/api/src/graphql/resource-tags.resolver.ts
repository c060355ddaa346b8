import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  Tag,
  TagModel,
  TagResourceInput,
  TAG_LIMITS,
  UntagResourceInput,
} from '@accountlink/common';
import { ConnectionTagService } from '@accountlink/codecatalyst';
import { protonCaller, TagService } from '@accountlink/proton';
import {
  GqlContext,
  RequestContext,
  requireTenantPrincipal,
  ThrottleService,
} from '@accountlink/tenancy';

/** The three tagging operations on one resource, whichever service owns it. */
interface TagTarget {
  tag(tags: Tag[]): Promise<void>;
  untag(keys: string[]): Promise<void>;
  list(): Promise<Tag[]>;
}

/**
 * TagResource, UntagResource and ListTagsForResource, as AWS serves them: one set of operations,
 * routed by the service named in the ARN (Proton connections, CodeCatalyst connections), each
 * service applying its own access rules.
 */
@Resolver()
export class ResourceTagsResolver {
  constructor(
    private readonly protonTags: TagService,
    private readonly codecatalystTags: ConnectionTagService,
    private readonly throttle: ThrottleService,
  ) {}

  @Mutation(() => [TagModel], {
    description:
      "TagResource: a Proton connection (by its environment account) or a CodeCatalyst connection (by its account, or the space's administrators and power users); returns all its tags",
  })
  async tagResource(
    @Context() { ctx }: GqlContext,
    @Args('input') input: TagResourceInput,
  ): Promise<TagModel[]> {
    const target = await this.target(ctx, input.resourceArn);
    await target.tag(input.tags);
    return target.list();
  }

  @Mutation(() => [TagModel], {
    description: 'UntagResource, with the access rules of TagResource; returns the remaining tags',
  })
  async untagResource(
    @Context() { ctx }: GqlContext,
    @Args('input') input: UntagResourceInput,
  ): Promise<TagModel[]> {
    const target = await this.target(ctx, input.resourceArn);
    await target.untag(input.tagKeys);
    return target.list();
  }

  @Query(() => [TagModel], {
    description:
      'ListTagsForResource: a Proton connection (its environment account), or a CodeCatalyst connection (whoever may see it)',
  })
  async tagsForResource(
    @Context() { ctx }: GqlContext,
    @Args('resourceArn') resourceArn: string,
  ): Promise<TagModel[]> {
    return (await this.target(ctx, resourceArn)).list();
  }

  private async target(ctx: RequestContext, arn: string): Promise<TagTarget> {
    if (arn.split(':')[2] === 'codecatalyst') {
      const principal = requireTenantPrincipal(await ctx.principal());
      if (principal.kind === 'ACCOUNT') {
        await this.throttle.check(principal.tenantId, principal.accountId);
      }
      const tags = this.codecatalystTags;
      return {
        tag: (t) => tags.tagResource(principal, arn, t),
        untag: (keys) => tags.untagResource(principal, arn, keys),
        list: async () => (await tags.listTags(principal, arn, TAG_LIMITS.tags)).items,
      };
    }
    const caller = await protonCaller(ctx, this.throttle);
    const tags = this.protonTags;
    return {
      tag: (t) => tags.tagResource(caller, arn, t),
      untag: (keys) => tags.untagResource(caller, arn, keys),
      list: async () => (await tags.listTags(caller, arn, TAG_LIMITS.tags)).items,
    };
  }
}
