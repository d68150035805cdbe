// Structured logs: one JSON object per line (or a readable line with RATCHET_LOG_FORMAT=pretty).
import { LoggerService } from '@nestjs/common';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minLevel: Level = 'info',
    private readonly format: 'json' | 'pretty' = 'json',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  private emit(level: Level, message: unknown, rest: unknown[]): void {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(this.minLevel)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields = message !== null && typeof message === 'object' && !(message instanceof Error) ? (message as Record<string, unknown>) : { msg: describe(message) };
    const extra = rest.length > 0 ? { detail: rest.map(describe) } : {};
    const entry = { time: new Date().toISOString(), level, service: this.service, ...(context ? { context } : {}), ...fields, ...extra };
    if (this.format === 'json') return this.write(JSON.stringify(entry));
    const { time, msg, ...others } = entry as Record<string, unknown>;
    const tail = Object.entries(others).filter(([k]) => !['level', 'service', 'context'].includes(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    this.write(`${String(time).slice(11, 19)} ${level.padEnd(5)} [${this.service}${context ? '/' + context : ''}] ${msg ?? ''} ${tail.join(' ')}`.trimEnd());
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
