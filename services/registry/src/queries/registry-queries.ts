// Reads of the read models for the API and the dashboard. Plain class over a DataSource.
import { DataSource, In, IsNull, Not } from 'typeorm';
import { BatchRow, ChampionChangeRow, CheckpointRow, EvalScoreRow, LineageRow } from '../db/entities';
import { LineageReport } from '../report/lineage-report';
import { RetentionMatrix, buildRetentionMatrix } from '../report/retention-matrix';
import { CheckpointView, LineageDetail, LineageSummary, batchView, championChangeView, checkpointView, countsOf, summaryOf } from './views';
import { ChampionChangeView } from '../report/lineage-report';

export class RegistryQueries {
  constructor(private readonly db: DataSource) {}

  async lineages(): Promise<LineageSummary[]> {
    const rows = await this.db.getRepository(LineageRow).find({ order: { name: 'ASC' } });
    return rows.map(summaryOf);
  }

  async lineageRow(name: string): Promise<LineageRow | null> {
    return this.db.getRepository(LineageRow).findOneBy({ name });
  }

  async lineage(name: string): Promise<LineageDetail | null> {
    const row = await this.lineageRow(name);
    if (!row) return null;
    const batches = await this.db.getRepository(BatchRow).find({ where: { lineage: name }, order: { seq: 'ASC' } });
    return { ...summaryOf(row), config: row.config, configuredAt: row.configuredAt, batches: batches.map(batchView) };
  }

  async history(lineage: string): Promise<ChampionChangeView[]> {
    const rows = await this.db.getRepository(ChampionChangeRow).find({ where: { lineage }, order: { position: 'ASC' } });
    return rows.map(championChangeView);
  }

  async checkpoints(lineage: string, champion: string | null): Promise<CheckpointView[]> {
    const rows = await this.db.getRepository(CheckpointRow).find({ where: { lineage }, order: { seq: 'ASC' } });
    return this.withScores(rows, new Map([[lineage, champion]]));
  }

  async checkpointRow(lineage: string, checkpointId: string): Promise<CheckpointRow | null> {
    return this.db.getRepository(CheckpointRow).findOneBy({ lineage, checkpointId });
  }

  /** Every lineage's checkpoint of that id (ids derive from content, so normally one). */
  async checkpointsById(checkpointId: string): Promise<CheckpointView[]> {
    const rows = await this.db.getRepository(CheckpointRow).find({ where: { checkpointId }, order: { lineage: 'ASC' } });
    const lineages = await this.db.getRepository(LineageRow).findBy({ name: In(rows.map((r) => r.lineage)) });
    return this.withScores(rows, new Map(lineages.map((l) => [l.name, l.championId])));
  }

  async matrix(lineage: string): Promise<RetentionMatrix> {
    const batches = await this.db.getRepository(BatchRow).find({ where: { lineage }, order: { seq: 'ASC' } });
    const evalSets = batches.filter((b) => b.status !== 'refused').map((b) => b.batchId);
    const labels = new Map(batches.map((b) => [b.batchId, b.label]));
    const seqOf = new Map(batches.map((b) => [b.batchId, b.seq]));
    const checkpoints = await this.db.getRepository(CheckpointRow).find({ where: { lineage }, order: { seq: 'ASC' } });
    const scored = checkpoints
      .filter((c) => c.scoredAt !== null)
      .sort((a, b) => (seqOf.get(a.batchId) ?? 0) - (seqOf.get(b.batchId) ?? 0) || a.seq - b.seq);
    const cells = await this.db.getRepository(EvalScoreRow).find({ where: { lineage } });
    const candidates = scored.map((c) => ({
      checkpointId: c.checkpointId,
      batchId: c.batchId,
      decision: c.decision as 'promoted' | 'rejected' | null,
      scores: cells.filter((s) => s.checkpointId === c.checkpointId).map((s) => ({ evalSet: s.evalSet, loss: s.candidateLoss, bpb: s.candidateBpb })),
    }));
    return buildRetentionMatrix(evalSets, candidates, (batchId) => labels.get(batchId) ?? null);
  }

  async report(lineage: string): Promise<LineageReport | null> {
    const row = await this.lineageRow(lineage);
    if (!row) return null;
    const checkpoints = await this.db.getRepository(CheckpointRow).find({ where: { lineage }, order: { seq: 'ASC' } });
    const counts = countsOf(row);
    const labels = await this.batchLabels([lineage]);
    return {
      lineage,
      preset: row.preset,
      champion: row.championId,
      counts: { batches: counts.batches, checkpoints: counts.checkpoints, promoted: counts.promoted, rejected: counts.rejected, failed: counts.failed, rollbacks: counts.rollbacks },
      matrix: await this.matrix(lineage),
      history: await this.history(lineage),
      decisions: checkpoints.flatMap((c) =>
        c.decision
          ? [{ checkpointId: c.checkpointId, batchId: c.batchId, batchLabel: labels.get(labelKey(lineage, c.batchId)) ?? null, outcome: c.decision as 'promoted' | 'rejected', at: c.decidedAt ?? '', rules: (c.decisionRules ?? []) as LineageReport['decisions'][number]['rules'] }]
          : [],
      ),
      retention: checkpoints
        .filter((c) => c.scoredAt !== null)
        .map((c) => ({
          checkpointId: c.checkpointId,
          batchId: c.batchId,
          baselineId: c.baselineId,
          decision: c.decision as 'promoted' | 'rejected' | null,
          retention: c.retention,
          plasticity: c.plasticity,
          bwt: c.bwt,
          forgetting: c.forgetting,
        })),
    };
  }

  private async withScores(rows: CheckpointRow[], champions: Map<string, string | null>): Promise<CheckpointView[]> {
    if (rows.length === 0) return [];
    const cells = await this.db.getRepository(EvalScoreRow).find({
      where: rows.map((r) => ({ lineage: r.lineage, checkpointId: r.checkpointId })),
      order: { evalSet: 'ASC' },
    });
    const labels = await this.batchLabels([...new Set(rows.map((r) => r.lineage))]);
    return rows.map((r) =>
      checkpointView(
        r,
        cells.filter((s) => s.lineage === r.lineage && s.checkpointId === r.checkpointId),
        champions.get(r.lineage) ?? null,
        (batchId) => labels.get(labelKey(r.lineage, batchId)) ?? null,
      ),
    );
  }

  /** The labelled batches of these lineages, by labelKey. */
  private async batchLabels(lineages: string[]): Promise<Map<string, string>> {
    const rows = await this.db.getRepository(BatchRow).find({ select: { lineage: true, batchId: true, label: true }, where: { lineage: In(lineages), label: Not(IsNull()) } });
    return new Map(rows.map((b) => [labelKey(b.lineage, b.batchId), b.label!]));
  }
}

const labelKey = (lineage: string, batchId: string): string => `${lineage}\u0000${batchId}`;
