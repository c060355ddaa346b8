import { Field, InputType, ObjectType } from '@nestjs/graphql';

/** Customer-managed tags of any taggable resource (Proton and CodeCatalyst alike). */
@ObjectType('Tag')
export class TagModel {
  @Field() key!: string;
  @Field() value!: string;
}

@InputType()
export class TagInput {
  @Field() key!: string;
  @Field() value!: string;
}

@InputType()
export class TagResourceInput {
  @Field() resourceArn!: string;
  @Field(() => [TagInput]) tags!: TagInput[];
}

@InputType()
export class UntagResourceInput {
  @Field() resourceArn!: string;
  @Field(() => [String]) tagKeys!: string[];
}
