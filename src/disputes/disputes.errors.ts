import { NotFoundError } from '../common/errors/domain-error';

export class DisputeNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('DISPUTE_NOT_FOUND', `No dispute with id ${id}`);
  }
}
