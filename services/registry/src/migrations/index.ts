import { CreateReadModels1764790000000 } from './1764790000000-create-read-models';
import { AddBatchLabel1765400000000 } from './1765400000000-add-batch-label';

/** Every migration in order; given to the DataSource as classes, so no file globbing at run time. */
export const REGISTRY_MIGRATIONS = [CreateReadModels1764790000000, AddBatchLabel1765400000000];
