// The promotion policy of a lineage: the `policy` of its latest LineageConfigured over DEFAULT_POLICY.
import { LineageConfigured } from '@ratchet/contracts';
import { DEFAULT_POLICY, PromotionPolicy } from '@ratchet/continual';
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** What PUT /lineages/:lineage/config accepts as `policy` (every field optional, no unknown ones). */
export const PolicyOverrides = z
  .object({
    mode: z.enum(['relative', 'absolute']),
    retentionTolerance: finite.min(0),
    plasticityMargin: finite,
    aggregateTolerance: finite.min(0),
    baselineMargin: finite,
  })
  .partial()
  .strict();

/**
 * Fields that do not validate are left at their defaults rather than failing the decision: the
 * HTTP API refuses them up front, and a policy written to the log by other means must not stall
 * a lineage.
 */
export function policyOf(config: Pick<LineageConfigured, 'policy'> | null): PromotionPolicy {
  const overrides = config?.policy ?? {};
  const policy: Record<string, unknown> = { ...DEFAULT_POLICY };
  for (const [key, field] of Object.entries(PolicyOverrides.shape)) {
    const parsed = (field as z.ZodType).safeParse(overrides[key]);
    if (overrides[key] !== undefined && parsed.success) policy[key] = parsed.data;
  }
  return policy as unknown as PromotionPolicy;
}
