export function faultScenario(options?: {
  waits?: number;
  workers?: number;
  concurrency?: number;
  kills?: number;
  maxInFlight?: number;
  log?: (line: string) => void;
  limitMs?: number;
}): Promise<{
  failures: string[];
  elapsedMs: number;
  waits: number;
  requests: number;
  maxInFlight: number;
  duringPushback: number;
  workerErrors: number;
}>;
