import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

/** A .tar.gz of `files` (path → content), as `tar czf` would make a Proton template bundle. */
export async function tarGz(files: Record<string, string>): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const ended = new Promise<void>((resolve) => tar.on('end', () => resolve()));
  for (const [name, body] of Object.entries(files)) {
    tar.entry({ name }, body);
  }
  tar.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

/** A standard CloudFormation bundle, as in Proton's admin guide. */
export const CLOUDFORMATION_MANIFEST = `infrastructure:
  templates:
    - file: "cloudformation.yaml"
      rendering_engine: jinja
      template_language: cloudformation
`;

export const CLOUDFORMATION_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: A VPC with {{ environment.inputs.subnet_count }} subnets
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: '{{ environment.inputs.vpc_cidr }}'
`;
