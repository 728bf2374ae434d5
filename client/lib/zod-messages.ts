import { z } from 'zod';
import { friendlyIssueMessage } from '../../shared/issues.ts';

// zod's default messages said for people ("Must be at most 2"), as the server says them. Modules
// that validate in the browser import this file for its effect; main.tsx does not, so zod stays
// out of the first load (it comes with the editor and phone-number pages).
z.config({ customError: friendlyIssueMessage });
