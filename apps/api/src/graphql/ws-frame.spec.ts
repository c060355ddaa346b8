import type { Writable } from 'node:stream';
import WebSocket from 'ws';
import { textFrame } from './ws-frame';

// ws's frame parser (exported by ws, not by its type definitions).
const { Receiver } = WebSocket as unknown as {
  Receiver: new (options: { isServer: boolean }) => Writable;
};

/** What a WebSocket client reads from the bytes: ws's own frame parser, as a client's. */
function read(frame: Buffer): { text: string; isBinary: boolean }[] {
  const receiver = new Receiver({ isServer: false });
  const messages: { text: string; isBinary: boolean }[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) =>
    messages.push({ text: data.toString('utf8'), isBinary }),
  );
  receiver.write(frame);
  return messages;
}

describe('textFrame', () => {
  const prefix = Buffer.from('{"id":"a1","type":"next","payload":');
  const suffix = Buffer.from('}');

  it.each([
    ['a short message', 10, 2],
    ['125 bytes (7-bit length)', 125 - prefix.length - 1, 2],
    ['2 kB (16-bit length)', 2_000, 4],
    ['65,535 bytes (16-bit length)', 65_535 - prefix.length - 1, 4],
    ['70 kB (64-bit length)', 70_000, 10],
  ])('frames %s as one final unmasked text frame', (_name, bodyLength, header) => {
    const body = Buffer.from(
      `"${'é'.repeat(Math.floor((bodyLength - 2) / 2))}${'x'.repeat((bodyLength - 2) % 2)}"`,
    );
    const frame = textFrame(prefix, body, suffix);
    const total = prefix.length + body.length + suffix.length;
    expect(frame.length).toBe(header + total);
    // FIN and opcode 1 (text); no mask bit.
    expect(frame[0]).toBe(0x81);
    expect(frame[1] & 0x80).toBe(0);
    expect(read(frame)).toEqual([
      { text: `${prefix.toString()}${body.toString()}}`, isBinary: false },
    ]);
  });

  it('writes frames that follow each other on one stream', () => {
    const one = textFrame(prefix, Buffer.from('{"data":1}'), suffix);
    const two = textFrame(prefix, Buffer.from(`{"data":"${'y'.repeat(300)}"}`), suffix);
    expect(read(Buffer.concat([one, two])).map((m) => m.text)).toEqual([
      '{"id":"a1","type":"next","payload":{"data":1}}',
      `{"id":"a1","type":"next","payload":{"data":"${'y'.repeat(300)}"}}`,
    ]);
  });
});
