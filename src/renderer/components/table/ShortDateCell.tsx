import { formatDateTime } from '../../format';
import { formatShortDate } from './shortDate';

/**
 * A date in a narrow column ("06 Dec 04:29"), one line; the title gives it whole: local date and time
 * with seconds, and the ISO instant with its zone.
 */
export function ShortDateCell({ iso }: { iso: string | null | undefined }) {
  return (
    <span
      style={{ whiteSpace: 'nowrap' }}
      title={iso ? `${formatDateTime(iso)} (${iso})` : undefined}
      data-testid="date-cell"
      data-iso={iso ?? undefined}
    >
      {formatShortDate(iso)}
    </span>
  );
}
