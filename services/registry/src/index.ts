import 'reflect-metadata';

export { AppModule, databaseSettings } from './app.module';
export { RegistryEnv, loadRegistryConfig, REGISTRY_SERVICE } from './config';
export type { RegistryConfig } from './config';
export { ReadModels } from './projection/read-models';
export type { RebuildReport } from './projection/read-models';
export { guardPromotion, promotionInput, decisionEventId } from './promotion/promotion-guard';
export type { GuardOutcome } from './promotion/promotion-guard';
export { policyOf, PolicyOverrides } from './promotion/lineage-policy';
export { renderDashboard } from './report/render-dashboard';
export { reportFromLineageState } from './report/lineage-report';
export type { LineageReport, DecisionView, ChampionChangeView, RuleView } from './report/lineage-report';
export { buildRetentionMatrix } from './report/retention-matrix';
export type { RetentionMatrix, MatrixRow, CandidateScores, ContinualMetrics } from './report/retention-matrix';
export { loadCheckpointFromStore } from './generation/checkpoint-objects';
