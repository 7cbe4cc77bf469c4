import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { ErrorBody } from '../common/errors/error-body';
import { Database } from '../database/database';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: Database,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and every migration is applied' })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: 'Not ready' })
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const session = this.indicators.check('database');
        const { reachable, migrated } = await this.database.isReady();
        if (!reachable) return session.down({ message: 'database unreachable' });
        if (!migrated) return session.down({ message: 'migrations pending' });
        return session.up({ kind: this.database.kind });
      },
    ]);
  }
}
