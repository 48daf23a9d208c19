import { Testing } from 'cdktf';
// The matchers' types (toHaveDataSourceWithProperties, ...): setupJest() adds them at run time only.
import type {} from 'cdktf/lib/testing/adapters/jest';

Testing.setupJest();
