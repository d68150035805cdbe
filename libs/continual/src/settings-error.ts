/** One unusable setting: the field (dotted, relative to the settings object) and why. */
export interface SettingProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * A strategy or training setting that cannot be trained with. Thrown by parseStrategy and the
 * settings parsers so callers tell it apart by class (or, across a worker thread, by name).
 */
export class InvalidSettingsError extends Error {
  override readonly name = 'InvalidSettingsError';
  constructor(
    readonly setting: 'strategy' | 'training',
    readonly problems: readonly SettingProblem[],
  ) {
    super(`invalid ${setting}: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`);
  }
}
