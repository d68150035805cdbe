// Request validation with zod: a 400 that names every offending field and why.
import { BadRequestException, PipeTransform } from '@nestjs/common';
import { z } from 'zod';

export interface FieldProblem {
  field: string;
  reason: string;
}

export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    /** Named in problems about the value as a whole: `(body)`, or the route parameter's name. */
    private readonly where = '(body)',
  ) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : this.where,
      reason: issue.message,
    }));
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
      problems,
    });
  }
}

/** A JSON schema for OpenAPI from the same zod schema that validates. */
export const openApiSchema = (schema: z.ZodType): Record<string, unknown> => z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
