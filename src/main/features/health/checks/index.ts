import type { ReadinessCheckModule } from '../types';
import { backupsAgeCheck } from './backupsAge';
import { backupsSpaceCheck } from './backupsSpace';
import { databaseCheck } from './database';
import { mailpitCheck } from './mailpit';
import { migrationsDriftCheck } from './migrationsDrift';
import { migrationsLockCheck } from './migrationsLock';
import { migrationsPendingCheck } from './migrationsPending';
import { poolCheck } from './pool';
import { serverCheck } from './server';
import { smtpCheck } from './smtp';
import { tunnelCheck } from './tunnel';

/** Every readiness check, in report order. A new check is one module plus one line here (and its id in the contract). */
export const READINESS_CHECKS: readonly ReadinessCheckModule[] = [
  databaseCheck,
  serverCheck,
  tunnelCheck,
  poolCheck,
  migrationsPendingCheck,
  migrationsDriftCheck,
  migrationsLockCheck,
  backupsAgeCheck,
  backupsSpaceCheck,
  smtpCheck,
  mailpitCheck,
];
