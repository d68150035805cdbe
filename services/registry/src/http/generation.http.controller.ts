import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Generated, RegistryCommands } from '../registry-commands';
import { LineageName, generateBody } from './requests';
import { ZodValidationPipe, openApiSchema } from './zod-validation.pipe';

@ApiTags('generation')
@Controller('lineages')
export class GenerationHttpController {
  constructor(private readonly commands: RegistryCommands) {}

  @Post(':lineage/generate')
  @HttpCode(200)
  @ApiOperation({ summary: "Text from the lineage's champion (temperature, top-k, seeded)" })
  @ApiBody({ schema: openApiSchema(generateBody(1024)) })
  @ApiBadRequestResponse({ description: 'invalid request, e.g. maxTokens above the limit' })
  @ApiNotFoundResponse({ description: 'unknown lineage' })
  @ApiConflictResponse({ description: 'the lineage has no champion yet' })
  generate(@Param('lineage', new ZodValidationPipe(LineageName, 'lineage')) lineage: string, @Body() raw: unknown): Promise<Generated> {
    const body = new ZodValidationPipe(generateBody(this.commands.config.RATCHET_GENERATE_MAX_TOKENS)).transform(raw);
    return this.commands.generate(lineage, body);
  }
}
