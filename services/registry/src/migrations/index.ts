import { CreateReadModels1764790000000 } from './1764790000000-create-read-models';

/** Every migration in order; given to the DataSource as classes, so no file globbing at run time. */
export const REGISTRY_MIGRATIONS = [CreateReadModels1764790000000];
