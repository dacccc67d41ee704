import test from 'ava';
import { explainEngineError } from '../stdlib/engine.js';

for (const message of [
  'memory access out of bounds',
  'Aborted(). Build with -sASSERTIONS for more info.',
  'Cannot enlarge memory arrays to size 4294967296 bytes (OOM).',
]) {
  test(`wasm trap explained: ${message}`, (t) => {
    const cause = new Error(message);
    const got = explainEngineError(cause, 'wasm') as Error;
    t.true(
      got.message.startsWith(`${message}: the wasm engine stopped, most likely out of memory`),
    );
    t.is(got.cause, cause);
    // The first line of the stack is the new message.
    t.is(got.stack?.split('\n')[0], got.message);
  });
}

test('other errors and other backends pass through unchanged', (t) => {
  const plain = new Error('loss is NaN at step 3');
  t.is(explainEngineError(plain, 'wasm'), plain);
  const trap = new Error('memory access out of bounds');
  t.is(explainEngineError(trap, 'tensorflow'), trap);
  t.is(explainEngineError('Aborted()', 'wasm'), 'Aborted()');
});
