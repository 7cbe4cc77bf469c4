import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';
import { SettlementsRepository } from './settlements.repository';
import { SettlementsService } from './settlements.service';

/** Read-only views of the money for finance and ops. */
@Module({
  controllers: [ReportsController],
  providers: [SettlementsRepository, SettlementsService],
})
export class ReportsModule {}
