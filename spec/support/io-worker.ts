// Child process for the io spec: writes through descriptorStream() as the CLI does.
//   large:  three 300 KB chunks and a last line to stdout (more than a pipe holds)
//   closed: fd 1 closed first, so the direct write fails and the stream (here: a stand-in on stderr) takes over
import { closeSync } from 'node:fs';
import { descriptorStream } from '../../lib/cli/io.js';

const mode = process.argv[2];
if (mode === 'large') {
  const out = descriptorStream(1, () => process.stdout);
  for (const letter of ['a', 'b', 'c']) out.write(letter.repeat(300_000));
  out.write('\nend\n');
} else if (mode === 'closed') {
  closeSync(1);
  const out = descriptorStream(1, () => ({ write: (text: string | Uint8Array) => process.stderr.write(`stream:${Buffer.from(text).toString()}\n`) }) as unknown as NodeJS.WriteStream);
  out.write('first');
  out.write('second');
}
