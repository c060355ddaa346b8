// A lean AWS JSON 1.0 client for the benchmark: SigV4 with node:crypto over node:http keep-alive.
// The server's path is the same one the AWS SDK takes (SigV4 verification, X-Amz-Target
// dispatch, the JSON protocol); the SDK itself costs about 600 µs of CPU per call on these
// machines, which on cores shared with the server would be measured as the product's.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { options } from './lib.mjs';

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const TARGET = 'AwsProton20200720';
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

export function awsClient({ accessKeyId, secretAccessKey }, region = 'us-east-1') {
  const url = new URL(options.url);
  const host = url.host;
  let signingDate = '';
  let signingKey = null;
  return {
    /** Calls a Proton operation; resolves its output, rejects with the AWS error type. */
    send(operation, input) {
      const body = JSON.stringify(input);
      const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
      const date = amzDate.slice(0, 8);
      if (date !== signingDate) {
        signingDate = date;
        signingKey = hmac(
          hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), 'proton'),
          'aws4_request',
        );
      }
      const target = `${TARGET}.${operation}`;
      const payloadHash = createHash('sha256').update(body).digest('hex');
      const signed = 'content-type;host;x-amz-date;x-amz-target';
      const canonical = `POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:${host}\nx-amz-date:${amzDate}\nx-amz-target:${target}\n\n${signed}\n${payloadHash}`;
      const scope = `${date}/${region}/proton/aws4_request`;
      const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
      const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path: '/',
            method: 'POST',
            headers: {
              'content-type': 'application/x-amz-json-1.0',
              'content-length': Buffer.byteLength(body),
              'x-amz-date': amzDate,
              'x-amz-target': target,
              authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
            },
          },
          (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode === 200) {
                resolve(JSON.parse(text));
              } else {
                reject(new Error(`${operation}: ${res.statusCode} ${text}`));
              }
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}
