/**
 * One WebSocket text message as a server sends it (RFC 6455 §5.2): a single final frame, opcode
 * 1, unmasked, its length in 7, 7+16 or 7+64 bits, holding `prefix`, `body` and `suffix` one
 * after the other (UTF-8). Built in one buffer so that a subscription's `next` message leaves in
 * one write of its socket.
 */
export function textFrame(prefix: Buffer, body: Buffer, suffix: Buffer): Buffer {
  const length = prefix.length + body.length + suffix.length;
  const header = length > 65_535 ? 10 : length > 125 ? 4 : 2;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  let at = header;
  at += prefix.copy(frame, at);
  at += body.copy(frame, at);
  suffix.copy(frame, at);
  return frame;
}
