import { recordTokenStackTracesIfDebugging } from '../../src/stacks/token-stack-traces';
import { removeTempDirs } from './temp';

// Runs in every test file (jest.config.js, setupFilesAfterEnv): no test leaves a directory behind.
afterAll(removeTempDirs);

// cdktf's tokens carry no creation stack unless KEYSHARE_DEBUG is set, as keyshare runs them
// (src/stacks/app.ts), here from before cdktf loads, since its modules make tokens as they load:
// under jest each such stack, every frame source-mapped, cost about 2 s of CPU over the suite.
recordTokenStackTracesIfDebugging();
