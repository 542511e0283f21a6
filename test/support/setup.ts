// Load the decoders that need an async start (zstd in WebAssembly), as the CLI does.
import { prepareDecoders } from '../../src/dump/decompress.js';

await prepareDecoders();
