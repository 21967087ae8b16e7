import { removeTempDirs } from './temp';

// Runs in every test file (jest.config.js, setupFilesAfterEnv): no test leaves a directory behind.
afterAll(removeTempDirs);
